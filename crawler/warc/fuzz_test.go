package warc

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReader: any bytes give records or a *FormatError with an offset
// inside the input; never a panic or a hang.
func FuzzReader(f *testing.F) {
	path, _ := writeSamples(f, f.TempDir(), samples(f))
	data := fileBytes(f, path)
	f.Add(data)
	f.Add(decompressAll(f, data))
	f.Add(data[:len(data)/2])
	f.Add([]byte("WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: 60\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n\r\n\r\n"))
	f.Add([]byte("WARC/1.1\r\nWARC-Type: response\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: 62\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, br\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\r\n\r\n"))
	if wget, err := filepath.Glob("testdata/*.warc*"); err == nil {
		for _, p := range wget {
			if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		for i := 0; i < 200; i++ {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var fe *FormatError
				if !errors.As(err, &fe) || fe.Offset < 0 || fe.Offset > int64(len(data)) {
					t.Fatalf("error %v is not a FormatError inside the input", err)
				}
				if _, again := r.Next(); again != err {
					t.Fatalf("error not sticky: %v then %v", err, again)
				}
				return
			}
			if rec.Type == TypeResponse || rec.Type == TypeRevisit {
				if resp, err := rec.HTTPResponse(); err == nil {
					b, _ := resp.DecodedBody(1 << 16)
					if len(b) > 1<<16 {
						t.Fatalf("DecodedBody returned %d bytes over its limit", len(b))
					}
				}
			}
			_ = rec.Verify()
		}
	})
}

// FuzzEncodeURI: the result is printable ASCII without the characters a
// WARC header or a CDX line cannot carry, and encoding is idempotent.
func FuzzEncodeURI(f *testing.F) {
	for _, s := range []string{"http://a/年报.pdf", "<http://a/>", "http://中国.cn:80/%zz", "http://[::1]/a b", "%", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := EncodeURI(s)
		if err != nil {
			return
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
				t.Fatalf("EncodeURI(%q) = %q has byte %q", s, got, c)
			}
		}
		if again, err := EncodeURI(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", s, got, again, err)
		}
	})
}
