package warc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWriterOptionsValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	tests := []struct {
		opts  WriterOptions
		field string // "" = valid
	}{
		{WriterOptions{Dir: dir}, ""},
		{WriterOptions{}, "Dir"},
		{WriterOptions{Dir: filepath.Join(dir, "missing")}, "Dir"},
		{WriterOptions{Dir: file}, "Dir"},
		{WriterOptions{Dir: dir, Prefix: "a/b"}, "Prefix"},
		{WriterOptions{Dir: dir, Prefix: "a b"}, "Prefix"},
		{WriterOptions{Dir: dir, MaxFileBytes: -1}, "MaxFileBytes"},
		{WriterOptions{Dir: dir, GzipLevel: 1}, ""},
		{WriterOptions{Dir: dir, GzipLevel: 10}, "GzipLevel"},
	}
	for _, tt := range tests {
		_, err := NewWriter(tt.opts)
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%+v: %v", tt.opts, err)
		case tt.field != "" && (err == nil || !strings.Contains(err.Error(), tt.field)):
			t.Errorf("%+v: error %v does not name %s", tt.opts, err, tt.field)
		}
	}
}

func simpleExchange(i int) *Exchange {
	body := fmt.Sprintf("<p>第%d页</p>", i)
	return &Exchange{
		TargetURI: fmt.Sprintf("http://127.0.0.1/list_%d.html", i), IP: "127.0.0.1",
		Request:        getRequest(fmt.Sprintf("/list_%d.html", i), "127.0.0.1"),
		ResponseHeader: crlf("HTTP/1.1 200 OK", fmt.Sprintf("Content-Length: %d", len(body))),
		Body:           strings.NewReader(body), BodyLength: int64(len(body)),
	}
}

var fileNameRE = regexp.MustCompile(`^nianbao-\d{14}-\d{5}-[A-Za-z0-9.-]+-\d+\.warc\.gz$`)

func TestWriterOpenRenameAndRotation(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(WriterOptions{Dir: dir, MaxFileBytes: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Fatalf("NewWriter created %d files", len(files))
	}
	ref, err := w.WriteExchange(context.Background(), simpleExchange(0))
	if err != nil {
		t.Fatal(err)
	}
	if !fileNameRE.MatchString(ref.File) {
		t.Errorf("file name %q", ref.File)
	}
	if _, err := os.Stat(filepath.Join(dir, ref.File+".open")); err != nil {
		t.Errorf("while writing: %v", err)
	}
	// The .open file is readable up to the last exchange at any time.
	rec, err := ReadAt(filepath.Join(dir, ref.File+".open"), ref.Offset)
	if err != nil || rec.Verify() != nil {
		t.Fatalf("reading the open file: %v", err)
	}
	rec.Close()

	if err := w.Sync(); err != nil {
		t.Errorf("Sync: %v", err)
	}
	refs := []Ref{ref}
	for i := 1; i < 12; i++ {
		ref, err := w.WriteExchange(context.Background(), simpleExchange(i))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteExchange(context.Background(), simpleExchange(99)); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v", err)
	}

	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if !fileNameRE.MatchString(e.Name()) {
			t.Errorf("file %q left (not a closed WARC)", e.Name())
		}
	}
	if len(names) < 3 {
		t.Fatalf("MaxFileBytes 1500 gave only %d files for 12 exchanges", len(names))
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		fi, _ := os.Stat(path)
		recs := readAll(t, NewReader(bytes.NewReader(fileBytes(t, path))))
		if recs[0].Type != TypeWarcinfo || recs[0].Header.Get("WARC-Filename") != name {
			t.Errorf("%s does not start with its warcinfo", name)
		}
		for _, rec := range recs[1:] {
			if rec.Header.Get("WARC-Warcinfo-ID") != recs[0].ID {
				t.Errorf("%s: record %s names warcinfo %s", name, rec.ID, rec.Header.Get("WARC-Warcinfo-ID"))
			}
		}
		// A file is closed once it reaches the limit: only its last
		// exchange may cross it.
		if len(recs) > 3 {
			last := recs[len(recs)-2] // request of the last exchange
			if last.Offset >= 1500 {
				t.Errorf("%s: an exchange starts at %d, past the 1500 byte limit (size %d)", name, last.Offset, fi.Size())
			}
		}
	}
	for i, ref := range refs {
		rec, err := ReadAt(filepath.Join(dir, ref.File), ref.Offset)
		if err != nil {
			t.Fatal(err)
		}
		if rec.ID != ref.RecordID || rec.TargetURI != fmt.Sprintf("http://127.0.0.1/list_%d.html", i) {
			t.Errorf("ref %d: got %s %s", i, rec.ID, rec.TargetURI)
		}
		rec.Close()
	}
}

func TestWriterConcurrent(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(WriterOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 25
	var mu sync.Mutex
	refs := map[string]Ref{}
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ref, err := w.WriteExchange(context.Background(), simpleExchange(g*1000+i))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				refs[ref.RecordID] = ref
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	f, _ := os.Open(files[0])
	defer f.Close()
	r := NewReader(f)
	var prev *Record
	responses := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Verify(); err != nil {
			t.Error(err)
		}
		if rec.Type == TypeResponse {
			responses++
			ref, ok := refs[rec.ID]
			if !ok || ref.Offset != rec.Offset || ref.Length != rec.Length {
				t.Errorf("response %s at %d/%d, ref %+v", rec.ID, rec.Offset, rec.Length, ref)
			}
			// Exchanges are not interleaved: the request comes right before.
			if prev == nil || prev.Type != TypeRequest || prev.ID != rec.Header.Get("WARC-Concurrent-To") || prev.TargetURI != rec.TargetURI {
				t.Errorf("response %s not preceded by its request", rec.TargetURI)
			}
		}
		prev = rec
	}
	if responses != workers*each || len(refs) != workers*each {
		t.Errorf("%d responses, %d refs; want %d", responses, len(refs), workers*each)
	}
}

// failingSeeker reads normally the first time (digest pass) and fails on
// the second (write pass), like a spool file on a disk that went bad.
type failingSeeker struct {
	*bytes.Reader
	seeks int
}

func (f *failingSeeker) Seek(off int64, whence int) (int64, error) {
	f.seeks++
	return f.Reader.Seek(off, whence)
}

func (f *failingSeeker) Read(p []byte) (int, error) {
	if f.seeks > 1 && f.Reader.Len() < 3000 {
		return 0, errors.New("disk went away")
	}
	return f.Reader.Read(p)
}

func TestWriterRollsBackAFailedExchange(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(WriterOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.WriteExchange(ctx, simpleExchange(1)); err != nil {
		t.Fatal(err)
	}
	big := bigBody(100_000)
	bad := simpleExchange(2)
	bad.Body, bad.BodyLength = &failingSeeker{Reader: bytes.NewReader(big)}, int64(len(big))
	if _, err := w.WriteExchange(ctx, bad); err == nil || !strings.Contains(err.Error(), "disk went away") {
		t.Fatalf("failing body: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := w.WriteExchange(cancelled, simpleExchange(3)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	if _, err := w.WriteExchange(ctx, simpleExchange(4)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	var uris []string
	for _, rec := range readAll(t, NewReader(bytes.NewReader(fileBytes(t, files[0])))) {
		if rec.Type == TypeResponse {
			uris = append(uris, rec.TargetURI)
		}
	}
	if strings.Join(uris, " ") != "http://127.0.0.1/list_1.html http://127.0.0.1/list_4.html" {
		t.Errorf("responses in file: %v", uris)
	}
}

func TestWriterRejectsBadExchanges(t *testing.T) {
	w, err := NewWriter(WriterOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	mod := func(f func(x *Exchange)) *Exchange { x := simpleExchange(0); f(x); return x }
	tests := map[string]*Exchange{
		"IP":                       mod(func(x *Exchange) { x.IP = "not-an-ip" }),
		"Truncated":                mod(func(x *Exchange) { x.Truncated = "because" }),
		"empty line":               mod(func(x *Exchange) { x.ResponseHeader = []byte("HTTP/1.1 200 OK\r\n") }),
		"BodyLength says":          mod(func(x *Exchange) { x.BodyLength = 1000 }),
		"Metadata field name":      mod(func(x *Exchange) { x.Metadata = Header{{"a: b", "c"}} }),
		"Body is nil":              mod(func(x *Exchange) { x.Body = nil }),
		"longer than":              mod(func(x *Exchange) { x.BodyLength-- }),
		"longer than BodyLength 0": mod(func(x *Exchange) { x.BodyLength = 0 }),
		"longer than BodyLength 5": mod(func(x *Exchange) {
			x.Body, x.BodyLength = bytes.NewReader(bigBody(2<<20)), 5 // seekable
		}),
		"empty URI": mod(func(x *Exchange) { x.TargetURI = " " }),
		"Revisit.Profile": mod(func(x *Exchange) {
			x.Revisit = &Revisit{Profile: "x", RefersToURI: "http://a/", RefersToDate: time.Now()}
		}),
		"RefersToDate": mod(func(x *Exchange) { x.Revisit = &Revisit{Profile: ProfileServerNotModified, RefersToURI: "http://a/"} }),
		"Revisit.RefersTo": mod(func(x *Exchange) {
			x.Revisit = &Revisit{Profile: ProfileServerNotModified, RefersToURI: "http://a/", RefersToDate: time.Now(), RefersTo: "<a>\r\nX: y"}
		}),
		"PayloadDigest": mod(func(x *Exchange) {
			x.Body = nil
			x.BodyLength = 0
			x.Revisit = &Revisit{Profile: ProfileIdenticalPayload, RefersToURI: "http://a/", RefersToDate: time.Now()}
		}),
	}
	for want, x := range tests {
		if _, err := w.WriteExchange(context.Background(), x); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v", want, err)
		}
	}
}

func TestEncodeURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://www.gov.cn/zhengce/index.htm", "http://www.gov.cn/zhengce/index.htm"},
		{"<http://example.com/a>", "http://example.com/a"},
		{"http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2021年报.pdf",
			"http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2021%E5%B9%B4%E6%8A%A5.pdf"},
		{"http://a/%E5%B9%B4?x=%zz&y=100%", "http://a/%E5%B9%B4?x=%25zz&y=100%25"},
		{"http://a/b c\"<>{}|\\^`", "http://a/b%20c%22%3C%3E%7B%7D%7C%5C%5E%60"},
		{"http://a/\r\nX-Injected: 1", "http://a/%0D%0AX-Injected:%201"},
		{"http://中国政府网.政务/年报", "http://xn--fiqs8sirgfmhq98a.xn--zfr164b/%E5%B9%B4%E6%8A%A5"}, // checked with node url.domainToASCII,
		{"http://user@例子.中国:8080/", "http://user@xn--fsqu00a.xn--fiqs8s:8080/"},
		{"http://[::1]:8080/a", "http://[::1]:8080/a"},
		{"http://a/\xc4\xea", "http://a/%C4%EA"}, // GBK bytes, encoded as they are
	}
	for _, tt := range tests {
		got, err := EncodeURI(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("EncodeURI(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if again, _ := EncodeURI(got); again != got {
			t.Errorf("EncodeURI not idempotent on %q: %q", got, again)
		}
	}
}
