package warc

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestReadWgetWARC reads files written by GNU wget --warc-file, a
// reference producer we did not write, fetched from a loopback server.
func TestReadWgetWARC(t *testing.T) {
	wget, err := exec.LookPath("wget")
	if err != nil {
		t.Skip("wget not installed (apt-get install wget): cannot produce a reference WARC")
	}
	page := []byte("<html><head><title>2021年政府信息公开工作年度报告</title></head><body>一、总体情况</body></html>")
	text := bytes.Repeat([]byte("收到和处理政府信息公开申请情况\n"), 300)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(text)
	zw.Close()
	parts := []string{"第一部分;", "第二部分;", strings.Repeat("x", 5000)}

	mux := http.NewServeMux()
	mux.HandleFunc("/index.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("/report.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		for _, p := range parts {
			io.WriteString(w, p)
			w.(http.Flusher).Flush() // no Content-Length: Go sends it chunked
		}
	})
	mux.HandleFunc("/年报.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("年报"))
	})
	srv := httptest.NewServer(mux) // binds 127.0.0.1
	defer srv.Close()

	served := map[string][]byte{
		srv.URL + "/index.html":             page,
		srv.URL + "/report.txt":             text,
		srv.URL + "/chunked":                []byte(strings.Join(parts, "")),
		srv.URL + "/%E5%B9%B4%E6%8A%A5.txt": []byte("年报"),
	}
	urls := []string{srv.URL + "/index.html", srv.URL + "/report.txt", srv.URL + "/chunked", srv.URL + "/%E5%B9%B4%E6%8A%A5.txt"}

	for _, compressed := range []bool{true, false} {
		name := map[bool]string{true: "warc.gz", false: "uncompressed warc"}[compressed]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"-q", "--tries=1", "--timeout=10", "--warc-file=" + filepath.Join(dir, "wget"), "-O", filepath.Join(dir, "out")}
			if !compressed {
				args = append(args, "--no-warc-compression")
			}
			if out, err := exec.Command(wget, append(args, urls...)...).CombinedOutput(); err != nil {
				t.Fatalf("wget: %v\n%s", err, out)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "wget.warc*"))
			if len(files) != 1 {
				t.Fatalf("wget wrote %v", files)
			}
			f, err := os.Open(files[0])
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()

			r := NewReader(f)
			type span struct{ off, length int64 }
			ours := map[string]span{}
			var types []string
			got := map[string][]byte{}
			requests := map[string]bool{}
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				types = append(types, rec.Type)
				if rec.Version != "WARC/1.0" {
					t.Errorf("wget record version %q", rec.Version)
				}
				if strings.ContainsAny(rec.TargetURI, "<>") {
					t.Errorf("TargetURI %q keeps angle brackets", rec.TargetURI)
				}
				switch rec.Type {
				case TypeRequest:
					requests[rec.TargetURI] = true
				case TypeResponse:
					resp, err := rec.HTTPResponse()
					if err != nil {
						t.Fatal(err)
					}
					body, err := resp.DecodedBody(1 << 20)
					if err != nil {
						t.Fatalf("%s: %v", rec.TargetURI, err)
					}
					if resp.StatusCode != 200 {
						t.Errorf("%s: status %d", rec.TargetURI, resp.StatusCode)
					}
					got[rec.TargetURI] = body
				}
				if err := rec.Verify(); err != nil {
					t.Errorf("Verify %s %s: %v", rec.Type, rec.TargetURI, err)
				}
				if compressed && rec.Offset < 0 {
					t.Errorf("%s record has no offset: wget writes one gzip member per record", rec.Type)
				}
				ours[rec.ID] = span{rec.Offset, rec.Length}
			}
			// warcio.js must find the records where we do. (Its lengths are
			// not compared: for wget's gzip headers, which carry an FEXTRA
			// field, warcio.js 2.4.11 reports 4 bytes less than the distance
			// to the next member; ours are checked against that distance.)
			var spans []span
			for _, sp := range ours {
				spans = append(spans, sp)
			}
			sort.Slice(spans, func(i, j int) bool { return spans[i].off < spans[j].off })
			fi, _ := f.Stat()
			for i, sp := range spans {
				next := fi.Size()
				if i+1 < len(spans) {
					next = spans[i+1].off
				}
				if sp.off+sp.length != next {
					t.Errorf("record at %d has length %d, next record at %d", sp.off, sp.length, next)
				}
			}
			if node, err := exec.LookPath("node"); err == nil {
				cli, _ := filepath.Abs("../../.tools/node/node_modules/warcio/dist/cli.js")
				if _, err := os.Stat(cli); err == nil {
					out, err := exec.Command(node, cli, "index", files[0], "-f", "offset", "warc-record-id").Output()
					if err != nil {
						t.Fatalf("warcio index: %v", err)
					}
					lines := strings.Split(strings.TrimSpace(string(out)), "\n")
					for _, line := range lines {
						var w struct {
							Offset int64
							ID     string `json:"warc-record-id"`
						}
						json.Unmarshal([]byte(line), &w)
						if got, ok := ours[w.ID]; !ok || got.off != w.Offset {
							t.Errorf("record %s: warcio offset %d, ours %d", w.ID, w.Offset, got.off)
						}
					}
					if len(lines) != len(ours) {
						t.Errorf("warcio indexed %d records, we read %d", len(lines), len(ours))
					}
				}
			}
			if types[0] != TypeWarcinfo {
				t.Errorf("first record %s", types[0])
			}
			for url, want := range served {
				if !requests[url] {
					t.Errorf("no request record for %s", url)
				}
				if !bytes.Equal(got[url], want) {
					t.Errorf("%s: payload %q, served %q", url, trim(got[url]), trim(want))
				}
			}
			if len(got) != len(served) {
				t.Errorf("responses for %d URLs, want %d", len(got), len(served))
			}
			t.Logf("wget %s: record types %v", name, types)
		})
	}
}
