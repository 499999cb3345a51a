package warc_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nianbao/nianbao/crawler/warc"
)

// The crawler hands each exchange, as captured at the transport, to a
// Writer and keeps the returned Ref in its capture index.
func ExampleWriter() {
	dir, _ := os.MkdirTemp("", "warc-example")
	defer os.RemoveAll(dir)

	w, err := warc.NewWriter(warc.WriterOptions{Dir: dir, Software: "nianbao/0.1", Operator: "data desk"})
	if err != nil {
		log.Fatal(err)
	}
	body := "<html><title>2021年政府信息公开工作年度报告</title></html>"
	ref, err := w.WriteExchange(context.Background(), &warc.Exchange{
		TargetURI:      "http://www.example.gov.cn/art/2022/1/20/年报.html",
		IP:             "127.0.0.1",
		Date:           time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC),
		Request:        []byte("GET /art/2022/1/20/%E5%B9%B4%E6%8A%A5.html HTTP/1.1\r\nHost: www.example.gov.cn\r\n\r\n"),
		ResponseHeader: []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n", len(body))),
		Body:           strings.NewReader(body),
		BodyLength:     int64(len(body)),
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(ref.TargetURI)
	fmt.Println(ref.PayloadDigest)
	fmt.Println(strings.HasSuffix(ref.File, ".warc.gz"), ref.Offset > 0)
	// Output:
	// http://www.example.gov.cn/art/2022/1/20/%E5%B9%B4%E6%8A%A5.html
	// sha1:4OO74VAGNXTBZT3OOAU4RZAARCZ7PHS7
	// true true
}

// A re-run of extraction reads records back by the offset in the index.
func ExampleReadAt() {
	dir, _ := os.MkdirTemp("", "warc-example")
	defer os.RemoveAll(dir)
	w, _ := warc.NewWriter(warc.WriterOptions{Dir: dir})
	gz := "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\xca\x48\xcd\xc9\xc9\x07\x04\x00\x00\xff\xff\x86\xa6\x10\x36\x05\x00\x00\x00" // "hello"
	ref, _ := w.WriteExchange(context.Background(), &warc.Exchange{
		TargetURI:      "http://127.0.0.1/hello",
		ResponseHeader: []byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"),
		Body:           strings.NewReader(gz), BodyLength: int64(len(gz)),
	})
	w.Close()

	rec, err := warc.ReadAt(filepath.Join(dir, ref.File), ref.Offset)
	if err != nil {
		log.Fatal(err)
	}
	defer rec.Close()
	resp, err := rec.HTTPResponse()
	if err != nil {
		log.Fatal(err)
	}
	body, err := resp.DecodedBody(10 << 20)
	fmt.Println(rec.Type, rec.TargetURI, resp.StatusCode, string(body), err)
	// Output: response http://127.0.0.1/hello 200 hello <nil>
}

// Reading a whole file: Next skips what a caller does not read.
func ExampleReader() {
	dir, _ := os.MkdirTemp("", "warc-example")
	defer os.RemoveAll(dir)
	w, _ := warc.NewWriter(warc.WriterOptions{Dir: dir})
	ref, _ := w.WriteExchange(context.Background(), &warc.Exchange{
		TargetURI:      "http://127.0.0.1/list.html",
		Request:        []byte("GET /list.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
		ResponseHeader: []byte("HTTP/1.1 304 Not Modified\r\n\r\n"),
		Revisit: &warc.Revisit{Profile: warc.ProfileServerNotModified,
			RefersToURI: "http://127.0.0.1/list.html", RefersToDate: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)},
	})
	w.Close()

	f, _ := os.Open(filepath.Join(dir, ref.File))
	defer f.Close()
	r := warc.NewReader(f)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Type, rec.Header.Get("WARC-Refers-To-Date"), rec.Verify())
	}
	// Output:
	// warcinfo  <nil>
	// request  <nil>
	// revisit 2026-11-20T02:00:00.000000Z <nil>
}

func ExampleEncodeURI() {
	u, _ := warc.EncodeURI("http://www.example.gov.cn/module/download/downfile.jsp?filename=2021年报.pdf")
	fmt.Println(u)
	// Output: http://www.example.gov.cn/module/download/downfile.jsp?filename=2021%E5%B9%B4%E6%8A%A5.pdf
}

// At start-up the crawler repairs files a killed run left open.
func ExampleRecover() {
	dir, _ := os.MkdirTemp("", "warc-example")
	defer os.RemoveAll(dir)
	w, _ := warc.NewWriter(warc.WriterOptions{Dir: dir})
	for _, p := range []string{"/a", "/b"} {
		w.WriteExchange(context.Background(), &warc.Exchange{TargetURI: "http://127.0.0.1" + p,
			Request: []byte("GET " + p + " HTTP/1.1\r\n\r\n"), ResponseHeader: []byte("HTTP/1.1 204 No Content\r\n\r\n")})
	}
	// Simulate a crash: the file is still .open and its end is cut off.
	open, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz.open"))
	fi, _ := os.Stat(open[0])
	os.Truncate(open[0], fi.Size()-10)

	res, err := warc.Recover(open[0])
	fmt.Println(res.Records, strings.HasSuffix(res.Path, ".warc.gz"), err)
	// Output: 3 true <nil>
}
