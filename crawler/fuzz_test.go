package crawler

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

func FuzzChallengeOf(f *testing.F) {
	f.Add(412, "text/html", []byte(`<script>$_ts=window['$_ts'];</script>`))
	f.Add(200, "text/html", []byte(`<html><body><a href="/x">年报</a></body></html>`))
	f.Add(521, "", []byte(`<script>document.cookie='__jsl_clearance=1'</script>`))
	f.Add(200, "application/pdf", []byte(`%PDF $_ts`))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", ct)
		why := challengeOf(status, h, body)
		if why != "" && len(body) == 0 {
			t.Errorf("empty body classified as challenge: %s", why)
		}
		if bytes.Contains([]byte(ct), []byte("pdf")) && why != "" {
			t.Errorf("a PDF classified as challenge: %s", why)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"1", "120", "Sat, 21 Nov 2026 12:00:05 GMT", "", "-1", "1.5", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 {
			t.Errorf("%q: negative %v", v, d)
		}
		if !ok && d != 0 {
			t.Errorf("%q: not ok but %v", v, d)
		}
	})
}

// FuzzTap feeds a response in arbitrary pieces: the head kept must be the
// first non-interim head of the whole stream, whatever the split.
func FuzzTap(f *testing.F) {
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"), uint8(3))
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, stream []byte, step uint8) {
		if step == 0 {
			step = 1
		}
		var tp tap
		for i := 0; i < len(stream); i += int(step) {
			tp.read(stream[i:min(i+int(step), len(stream))])
		}
		var whole tap
		whole.read(stream)
		if !bytes.Equal(tp.responseHead(), whole.responseHead()) {
			t.Fatalf("split %d: head %q, whole %q", step, tp.responseHead(), whole.responseHead())
		}
		if h := whole.responseHead(); h != nil && (!bytes.HasSuffix(h, []byte("\r\n\r\n")) || !bytes.HasPrefix(stream, []byte{})) {
			t.Fatalf("head %q does not end the header", h)
		}
	})
}
