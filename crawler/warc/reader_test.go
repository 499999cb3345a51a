package warc

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sha1 of the empty string, as every WARC tool writes it.
const emptySHA1 = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"

func readAll(t testing.TB, r *Reader) []*Record {
	t.Helper()
	var recs []*Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatalf("record %d: %v", len(recs), err)
		}
		recs = append(recs, rec)
	}
}

func TestRoundTrip(t *testing.T) {
	ss := samples(t)
	path, refs := writeSamples(t, t.TempDir(), ss)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f)

	info, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != TypeWarcinfo || info.Offset != 0 || info.Version != "WARC/1.1" {
		t.Fatalf("first record %s %s at %d", info.Version, info.Type, info.Offset)
	}
	infoBlock, _ := io.ReadAll(info.Block())
	for _, want := range []string{"software: nianbao-test\r\n", "format: WARC File Format 1.1\r\n", "operator: test suite\r\n", "robots: obey\r\n"} {
		if !bytes.Contains(infoBlock, []byte(want)) {
			t.Errorf("warcinfo lacks %q:\n%s", want, infoBlock)
		}
	}
	if got := info.Header.Get("WARC-Filename"); got != filepath.Base(path) {
		t.Errorf("WARC-Filename %q, want %q", got, filepath.Base(path))
	}

	for i, s := range ss {
		t.Run(s.name, func(t *testing.T) {
			req, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			reqBlock, _ := io.ReadAll(req.Block())
			if req.Type != TypeRequest || !bytes.Equal(reqBlock, s.x.Request) {
				t.Fatalf("request record %s: block %q", req.Type, reqBlock)
			}
			rec, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if req.Length != rec.Offset-req.Offset {
				t.Errorf("request length %d, next record at %d", req.Length, rec.Offset)
			}
			if rec.Type != s.wantTyp || rec.ID != refs[i].RecordID || rec.TargetURI != s.wantURI || req.TargetURI != s.wantURI {
				t.Errorf("record %s %s %s, want %s %s %s", rec.Type, rec.ID, rec.TargetURI, s.wantTyp, refs[i].RecordID, s.wantURI)
			}
			if rec.Offset != refs[i].Offset {
				t.Errorf("offset %d, Ref %d", rec.Offset, refs[i].Offset)
			}
			if !rec.Date.Equal(s.x.Date.Truncate(time.Microsecond)) || !req.Date.Equal(rec.Date) || !refs[i].Date.Equal(rec.Date) {
				t.Errorf("dates: request %v response %v ref %v, want %v", req.Date, rec.Date, refs[i].Date, s.x.Date)
			}
			if got := rec.Header.Values("WARC-Concurrent-To"); len(got) != 1 || got[0] != req.ID || req.Header.Get("WARC-Concurrent-To") != rec.ID {
				t.Errorf("concurrent-to: response %v, request %q", got, req.Header.Get("WARC-Concurrent-To"))
			}
			if got := rec.Header.Get("WARC-IP-Address"); got != s.x.IP {
				t.Errorf("IP %q, want %q", got, s.x.IP)
			}
			if got := rec.Header.Get("WARC-Truncated"); s.x.Truncated != "" && got != s.x.Truncated {
				t.Errorf("WARC-Truncated %q, want %q", got, s.x.Truncated)
			}

			resp, err := rec.HTTPResponse()
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if s.wantTyp == TypeResponse {
				if !bytes.Equal(body, s.body) {
					t.Errorf("payload %q, want %q", trim(body), trim(s.body))
				}
				sum := sha1.Sum(s.body)
				if want := formatSHA1(sum[:]); rec.Header.Get("WARC-Payload-Digest") != want || refs[i].PayloadDigest != want {
					t.Errorf("payload digest %s (ref %s), want %s", rec.Header.Get("WARC-Payload-Digest"), refs[i].PayloadDigest, want)
				}
			} else if len(body) != 0 {
				t.Errorf("revisit has a payload of %d bytes", len(body))
			}
			if err := rec.Verify(); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if rec.Length != refs[i].Length {
				t.Errorf("length %d, Ref %d", rec.Length, refs[i].Length)
			}
		})
		if s.x.Metadata != nil {
			meta, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			block, _ := io.ReadAll(meta.Block())
			if meta.Type != TypeMetadata || meta.Header.Get("WARC-Concurrent-To") != refs[i].RecordID ||
				string(block) != "via: http://www.example.gov.cn/col/index.html\r\nhopsFromSeed: L\r\n" {
				t.Errorf("metadata record %s concurrent to %s: %q", meta.Type, meta.Header.Get("WARC-Concurrent-To"), block)
			}
		}
	}
	if rec, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last record: %v %v", rec, err)
	}
}

func TestRecordDetails(t *testing.T) {
	ss := samples(t)
	path, refs := writeSamples(t, t.TempDir(), ss)
	get := func(i int) *Record {
		rec, err := ReadAt(path, refs[i].Offset)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rec.Close() })
		return rec
	}

	t.Run("chunked header renamed", func(t *testing.T) {
		resp, err := get(2).HTTPResponse()
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("Transfer-Encoding") != "" || resp.Header.Get(renamedTransferEncodingName) != "chunked" {
			t.Errorf("header %v", resp.Header)
		}
	})
	t.Run("gzip decoded on request", func(t *testing.T) {
		resp, err := get(1).HTTPResponse()
		if err != nil {
			t.Fatal(err)
		}
		got, err := resp.DecodedBody(1 << 20)
		if err != nil || string(got) != strings.Repeat("收到和处理政府信息公开申请情况 ", 200) {
			t.Errorf("decoded %q, %v", trim(got), err)
		}
	})
	t.Run("empty body digest", func(t *testing.T) {
		rec := get(3)
		if rec.Header.Get("WARC-Payload-Digest") != emptySHA1 {
			t.Errorf("payload digest of the empty body %s, want %s", rec.Header.Get("WARC-Payload-Digest"), emptySHA1)
		}
	})
	t.Run("server-not-modified revisit", func(t *testing.T) {
		rec := get(6)
		h := rec.Header
		if h.Get("WARC-Profile") != ProfileServerNotModified || h.Get("WARC-Payload-Digest") != "" ||
			h.Get("WARC-Refers-To") != "<urn:uuid:00000000-0000-4000-8000-000000000000>" ||
			h.Get("WARC-Refers-To-Target-URI") != "http://www.example.gov.cn/col/index.html" ||
			h.Get("WARC-Refers-To-Date") != "2026-11-21T02:03:04.567891Z" || h.Get("Content-Type") != "application/http;msgtype=response" {
			t.Errorf("revisit header %v", h)
		}
		resp, err := rec.HTTPResponse()
		if err != nil || resp.StatusCode != 304 || resp.Header.Get("Etag") != `"abc"` {
			t.Errorf("304: %+v %v", resp, err)
		}
	})
	t.Run("identical-payload revisit", func(t *testing.T) {
		h := get(7).Header
		if h.Get("WARC-Profile") != ProfileIdenticalPayload || h.Get("WARC-Truncated") != "length" ||
			h.Get("WARC-Payload-Digest") != refs[0].PayloadDigest || refs[7].PayloadDigest != refs[0].PayloadDigest ||
			h.Get("WARC-Refers-To-Target-URI") != ss[0].wantURI[:strings.IndexByte(ss[0].wantURI, '?')] {
			t.Errorf("revisit header %v, want payload digest %s", h, refs[0].PayloadDigest)
		}
	})
}

func trim(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

func TestLargeBody(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB bodies")
	}
	dir := t.TempDir()
	body := bigBody(20 << 20)
	spoolFile := filepath.Join(dir, "body.bin")
	if err := os.WriteFile(spoolFile, body, 0o644); err != nil {
		t.Fatal(err)
	}
	bf, err := os.Open(spoolFile)
	if err != nil {
		t.Fatal(err)
	}
	defer bf.Close()
	w, err := NewWriter(WriterOptions{Dir: dir, GzipLevel: 1}) // fast: the machine is shared
	if err != nil {
		t.Fatal(err)
	}
	hdr := crlf("HTTP/1.1 200 OK", "Content-Type: application/pdf")
	bodies := []struct {
		name string
		r    io.Reader
		n    int64
	}{
		{"seekable file, unknown length", bf, -1},
		{"stream, known length (spooled)", struct{ io.Reader }{bytes.NewReader(body)}, int64(len(body))},
	}
	var refs []Ref
	for _, b := range bodies {
		ref, err := w.WriteExchange(context.Background(), &Exchange{TargetURI: "http://127.0.0.1/big.pdf", ResponseHeader: hdr, Body: b.r, BodyLength: b.n})
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		refs = append(refs, ref)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if spools, _ := filepath.Glob(filepath.Join(dir, ".spool-*")); len(spools) != 0 {
		t.Errorf("spool files left: %v", spools)
	}
	want := sha1.Sum(body)
	for i, ref := range refs {
		rec, err := ReadAt(filepath.Join(dir, ref.File), ref.Offset)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := rec.HTTPResponse()
		if err != nil {
			t.Fatal(err)
		}
		h := sha1.New()
		if _, err := io.Copy(h, resp.Body); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(h.Sum(nil), want[:]) || ref.PayloadDigest != formatSHA1(want[:]) {
			t.Errorf("%s: body differs", bodies[i].name)
		}
		if err := rec.Verify(); err != nil {
			t.Errorf("%s: %v", bodies[i].name, err)
		}
		if rec.ContentLength != int64(len(hdr)+len(body)) || rec.Length != ref.Length {
			t.Errorf("%s: content length %d, member length %d (ref %d)", bodies[i].name, rec.ContentLength, rec.Length, ref.Length)
		}
		rec.Close()
	}
}

// TestReadAtBadOffset: an offset that is not a record start is an error
// naming the offset, not a wrong record.
func TestReadAtBadOffset(t *testing.T) {
	path, refs := writeSamples(t, t.TempDir(), samples(t))
	for _, off := range []int64{refs[0].Offset + 1, refs[0].Offset + 17, 1 << 40} {
		rec, err := ReadAt(path, off)
		var fe *FormatError
		if err == nil || !errors.As(err, &fe) {
			t.Errorf("ReadAt(%d) = %v, %v; want a FormatError", off, rec, err)
		}
	}
}

func TestVerifyAfterNext(t *testing.T) {
	path, _ := writeSamples(t, t.TempDir(), samples(t))
	r := NewReader(bytes.NewReader(fileBytes(t, path)))
	first, _ := r.Next()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := first.Verify(); err == nil || !strings.Contains(err.Error(), "moved past") {
		t.Errorf("Verify of a skipped record: %v", err)
	}
}
