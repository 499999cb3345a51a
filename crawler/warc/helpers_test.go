package warc

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// captureDate is the fixed capture time of the sample exchanges.
var captureDate = time.Date(2026, 11, 21, 2, 3, 4, 567891000, time.UTC)

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func crlf(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n\r\n") }

func getRequest(path, host string) []byte {
	return crlf("GET "+path+" HTTP/1.1", "Host: "+host, "User-Agent: nianbao-test/1.0", "Accept-Encoding: gzip")
}

// sample is one exchange plus what a reader must find.
type sample struct {
	name    string
	x       Exchange
	body    []byte // stored body (nil for revisits)
	wantURI string
	wantTyp string
}

// samples covers the kinds of captures the crawler makes.
func samples(t testing.TB) []sample {
	page := []byte("<html><head><meta charset=gbk><title>2021年政府信息公开工作年度报告</title></head><body>正文</body></html>")
	gz := gzipped(t, bytes.Repeat([]byte("收到和处理政府信息公开申请情况 "), 200))
	chunkedBody := []byte("第一块\r\n第二块 (chunked on the wire, stored de-chunked)")
	post := append(crlf("POST /search.do HTTP/1.1", "Host: www.gov.cn", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 13"), "q=nianbao&p=1"...)
	return []sample{
		{
			name: "html with Chinese path",
			x: Exchange{
				TargetURI: "http://www.example.gov.cn/col/年度报告/index.html?标题=年报 2021", IP: "127.0.0.1", Date: captureDate,
				Request:        getRequest("/col/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A/index.html", "www.example.gov.cn"),
				ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: text/html; charset=gbk", fmt.Sprintf("Content-Length: %d", len(page))),
				Body:           bytes.NewBufferString(string(page)), BodyLength: int64(len(page)),
			},
			body:    page,
			wantURI: "http://www.example.gov.cn/col/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A/index.html?%E6%A0%87%E9%A2%98=%E5%B9%B4%E6%8A%A5%202021",
			wantTyp: TypeResponse,
		},
		{
			name: "hanweb downfile with gzip content-encoding",
			x: Exchange{
				TargetURI: "http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2021年年报.pdf", IP: "127.0.0.1", Date: captureDate,
				Request:        getRequest("/module/download/downfile.jsp?classid=0&filename=2021%E5%B9%B4%E5%B9%B4%E6%8A%A5.pdf", "www.example.gov.cn"),
				ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: application/pdf", "Content-Encoding: gzip", fmt.Sprintf("Content-Length: %d", len(gz))),
				Body:           bytes.NewReader(gz), BodyLength: int64(len(gz)),
				Metadata: Header{{"via", "http://www.example.gov.cn/col/index.html"}, {"hopsFromSeed", "L"}},
			},
			body:    gz,
			wantURI: "http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2021%E5%B9%B4%E5%B9%B4%E6%8A%A5.pdf",
			wantTyp: TypeResponse,
		},
		{
			name: "chunked",
			x: Exchange{
				TargetURI: "http://127.0.0.1:8080/list_2.html", IP: "127.0.0.1", Date: captureDate,
				Request:        getRequest("/list_2.html", "127.0.0.1:8080"),
				ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8", "transfer-encoding: chunked"),
				Body:           strings.NewReader(string(chunkedBody)), BodyLength: -1,
			},
			body: chunkedBody, wantURI: "http://127.0.0.1:8080/list_2.html", wantTyp: TypeResponse,
		},
		{
			name: "empty body",
			x: Exchange{
				TargetURI: "http://127.0.0.1:8080/empty", IP: "::1", Date: captureDate,
				Request:        getRequest("/empty", "127.0.0.1:8080"),
				ResponseHeader: crlf("HTTP/1.1 204 No Content", "Server: test"),
			},
			body: []byte{}, wantURI: "http://127.0.0.1:8080/empty", wantTyp: TypeResponse,
		},
		{
			name: "post",
			x: Exchange{
				TargetURI: "http://www.gov.cn/search.do", IP: "127.0.0.1", Date: captureDate,
				Request:        post,
				ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: text/plain", "Content-Length: 2"),
				Body:           strings.NewReader("ok"), BodyLength: 2,
			},
			body: []byte("ok"), wantURI: "http://www.gov.cn/search.do", wantTyp: TypeResponse,
		},
		{
			name: "truncated by a cap",
			x: Exchange{
				TargetURI: "http://127.0.0.1:8080/big.pdf", IP: "127.0.0.1", Date: captureDate,
				Request:        getRequest("/big.pdf", "127.0.0.1:8080"),
				ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: application/pdf", "Content-Length: 999999"),
				Body:           strings.NewReader("%PDF-1.7 cut|and the rest, never stored"), BodyLength: 12, Truncated: TruncatedLength,
			},
			body: []byte("%PDF-1.7 cut"), wantURI: "http://127.0.0.1:8080/big.pdf", wantTyp: TypeResponse,
		},
		{
			name: "304 revisit",
			x: Exchange{
				TargetURI: "http://www.example.gov.cn/col/index.html", IP: "127.0.0.1", Date: captureDate.Add(24 * time.Hour),
				Request:        getRequest("/col/index.html", "www.example.gov.cn"),
				ResponseHeader: crlf("HTTP/1.1 304 Not Modified", `ETag: "abc"`),
				Revisit: &Revisit{Profile: ProfileServerNotModified, RefersToURI: "http://www.example.gov.cn/col/index.html",
					RefersToDate: captureDate, RefersTo: "urn:uuid:00000000-0000-4000-8000-000000000000"},
			},
			wantURI: "http://www.example.gov.cn/col/index.html", wantTyp: TypeRevisit,
		},
		{
			name: "identical payload revisit",
			x: Exchange{
				TargetURI: "http://www.example.gov.cn/col/年度报告/index.html", IP: "127.0.0.1", Date: captureDate.Add(24 * time.Hour),
				Request:        getRequest("/col/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A/index.html", "www.example.gov.cn"),
				ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: text/html; charset=gbk", fmt.Sprintf("Content-Length: %d", len(page))),
				Body:           bytes.NewReader(page), BodyLength: int64(len(page)),
				Revisit: &Revisit{Profile: ProfileIdenticalPayload, RefersToURI: "http://www.example.gov.cn/col/年度报告/index.html",
					RefersToDate: captureDate},
			},
			wantURI: "http://www.example.gov.cn/col/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A/index.html", wantTyp: TypeRevisit,
		},
	}
}

// writeSamples writes the samples to one closed file and returns its path
// and the Refs in sample order.
func writeSamples(t testing.TB, dir string, ss []sample) (string, []Ref) {
	t.Helper()
	w, err := NewWriter(WriterOptions{Dir: dir, Prefix: "test", Software: "nianbao-test", Operator: "test suite"})
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]Ref, len(ss))
	for i := range ss {
		if refs[i], err = w.WriteExchange(context.Background(), &ss[i].x); err != nil {
			t.Fatalf("%s: %v", ss[i].name, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz*"))
	if len(files) != 1 || !strings.HasSuffix(files[0], ".warc.gz") {
		t.Fatalf("files after Close: %v, want one .warc.gz", files)
	}
	if filepath.Base(files[0]) != refs[0].File {
		t.Fatalf("file %s, Ref.File %s", files[0], refs[0].File)
	}
	return files[0], refs
}

func fileBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
