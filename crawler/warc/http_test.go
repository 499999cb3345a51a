package warc

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestDecodedBody(t *testing.T) {
	text := []byte(strings.Repeat("2021年度政府信息公开工作年度报告。", 400))
	gz := gzipped(t, text)
	var zl, raw, br bytes.Buffer
	zw := zlib.NewWriter(&zl)
	zw.Write(text)
	zw.Close()
	fw, _ := flate.NewWriter(&raw, 5)
	fw.Write(text)
	fw.Close()
	bw := brotli.NewWriter(&br)
	bw.Write(text)
	bw.Close()
	gzbr := gzipped(t, br.Bytes()) // "br, gzip": brotli first, then gzip

	tests := []struct {
		name, coding string
		body         []byte
		limit        int64
		want         []byte
		err          string
	}{
		{"identity", "", text, 1 << 20, text, ""},
		{"gzip", "gzip", gz, 1 << 20, text, ""},
		{"x-gzip", "x-gzip", gz, 1 << 20, text, ""},
		{"zlib deflate", "deflate", zl.Bytes(), 1 << 20, text, ""},
		{"raw deflate", "deflate", raw.Bytes(), 1 << 20, text, ""},
		{"brotli", "br", br.Bytes(), 1 << 20, text, ""},
		{"stacked", "br, gzip", gzbr, 1 << 20, text, ""},
		{"over limit", "gzip", gz, 100, text[:100], "exceeds limit"},
		{"truncated gzip", "gzip", gz[:len(gz)/2], 1 << 20, nil, "unexpected EOF"},
		{"unknown coding", "compress", []byte("LZW"), 1 << 20, []byte("LZW"), `"compress" not supported`},
		{"empty gzip body", "gzip", nil, 1 << 20, []byte{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &Response{Header: http.Header{}, Body: bytes.NewReader(tt.body)}
			if tt.coding != "" {
				resp.Header.Set("Content-Encoding", tt.coding)
			}
			got, err := resp.DecodedBody(tt.limit)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if tt.want == nil { // truncated: a true prefix of the text, not empty
				if len(got) == 0 || len(got) >= len(text) || !bytes.HasPrefix(text, got) {
					t.Errorf("truncated gzip decoded %d bytes, want a proper prefix", len(got))
				}
				return
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("decoded %q, want %q", trim(got), trim(tt.want))
			}
		})
	}
	if !errors.Is(func() error {
		_, err := (&Response{Header: http.Header{}, Body: bytes.NewReader(text)}).DecodedBody(10)
		return err
	}(), ErrBodyTooLarge) {
		t.Error("over limit is not ErrBodyTooLarge")
	}
}

// plainRecord builds an uncompressed WARC response record by hand.
func plainRecord(block, payloadDigest string) string {
	return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:x>\r\nWARC-Target-URI: <http://a/>\r\n" +
		"WARC-Block-Digest: " + formatSHA1(sha1Sum([]byte(block))) + "\r\n" +
		"WARC-Payload-Digest: " + payloadDigest + "\r\n" +
		"Content-Type: application/http; msgtype=response\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n\r\n", len(block)) + block + "\r\n\r\n"
}

// TestChunkedRecordsFromOtherWriters: wget stores the chunked body and
// digests it as stored; the standard wants the digest of the de-chunked
// entity. Verify accepts either, and HTTPResponse de-chunks.
func TestChunkedRecordsFromOtherWriters(t *testing.T) {
	chunked := "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
	block := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
	for name, digest := range map[string]string{
		"digest of stored bytes":     formatSHA1(sha1Sum([]byte(chunked))),
		"digest of de-chunked bytes": formatSHA1(sha1Sum([]byte("hello world"))),
	} {
		t.Run(name, func(t *testing.T) {
			r := NewReader(strings.NewReader(plainRecord(block, digest)))
			rec, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if rec.TargetURI != "http://a/" || rec.Version != "WARC/1.0" {
				t.Errorf("record %s %s", rec.Version, rec.TargetURI)
			}
			resp, err := rec.HTTPResponse()
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || string(body) != "hello world" {
				t.Errorf("body %q, %v", body, err)
			}
			if err := rec.Verify(); err != nil {
				t.Error(err)
			}
		})
	}
	r := NewReader(strings.NewReader(plainRecord(block, formatSHA1(sha1Sum([]byte("hello there"))))))
	rec, _ := r.Next()
	if err := rec.Verify(); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("wrong payload digest: %v", err)
	}
}

func TestHTTPResponseErrors(t *testing.T) {
	for name, block := range map[string]string{
		"no status line":      "hello\r\n\r\n",
		"header never ends":   "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n",
		"status not a number": "HTTP/1.1 OK\r\n\r\n",
	} {
		rec, err := NewReader(strings.NewReader(plainRecord(block, emptySHA1))).Next()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rec.HTTPResponse(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A broken header line from a broken server is skipped, not fatal.
	rec, _ := NewReader(strings.NewReader(plainRecord("HTTP/1.0 404 Not Found\r\nbroken line\r\nServer: x\r\n  folded\r\n\r\n", emptySHA1))).Next()
	resp, err := rec.HTTPResponse()
	if err != nil || resp.StatusCode != 404 || resp.Status != "404 Not Found" || resp.Header.Get("Server") != "x folded" {
		t.Errorf("lenient parse: %+v, %v", resp, err)
	}
}
