package warc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// warcioModule finds node and the warcio.js package installed for the
// tests (npm install --prefix <repo>/.tools/node warcio@2.4.11), or skips.
func warcioModule(t *testing.T) (node, dist string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not on PATH: the independent warcio.js check cannot run")
	}
	dist, err = filepath.Abs("../../.tools/node/node_modules/warcio/dist")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dist, "index.js")); err != nil {
		t.Skip("warcio.js not installed; run: npm install --no-audit --no-fund --prefix .tools/node warcio@2.4.11 (from the repo root)")
	}
	return node, dist
}

type warcioLine struct {
	File     string   `json:"file"`
	Offset   int64    `json:"offset"`
	Length   int64    `json:"length"`
	Type     string   `json:"type"`
	ID       string   `json:"id"`
	URI      string   `json:"uri"`
	Problems []string `json:"problems"`
	Records  *int     `json:"records"`
	Total    int      `json:"-"`
}

// runValidate runs testdata/validate.mjs over files and returns its record
// lines and its problem count.
func runValidate(t *testing.T, files ...string) ([]warcioLine, int, string) {
	t.Helper()
	node, dist := warcioModule(t)
	cmd := exec.Command(node, append([]string{"testdata/validate.mjs"}, files...)...)
	cmd.Env = append(os.Environ(), "WARCIO="+filepath.Join(dist, "index.js"))
	out, err := cmd.CombinedOutput()
	var lines []warcioLine
	problems := -1
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l struct {
			warcioLine
			Problems any `json:"problems"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		if l.Records != nil {
			problems = int(l.Problems.(float64))
			continue
		}
		for _, p := range l.Problems.([]any) {
			l.warcioLine.Problems = append(l.warcioLine.Problems, p.(string))
		}
		lines = append(lines, l.warcioLine)
	}
	if problems < 0 {
		t.Fatalf("validate.mjs gave no summary (err %v):\n%s", err, out)
	}
	return lines, problems, string(out)
}

func TestWarcioAcceptsOurFile(t *testing.T) {
	warcioModule(t)
	ss := samples(t)
	path, refs := writeSamples(t, t.TempDir(), ss)

	lines, problems, out := runValidate(t, path)
	if problems != 0 {
		t.Fatalf("warcio.js found %d problems:\n%s", problems, out)
	}
	byID := map[string]warcioLine{}
	for _, l := range lines {
		byID[l.ID] = l
	}
	if lines[0].Type != TypeWarcinfo || lines[0].Offset != 0 {
		t.Errorf("first record %+v, want warcinfo at 0", lines[0])
	}
	for i, ref := range refs {
		l, ok := byID[ref.RecordID]
		if !ok {
			t.Errorf("%s: record %s not seen by warcio", ss[i].name, ref.RecordID)
			continue
		}
		if l.Offset != ref.Offset || l.Length != ref.Length {
			t.Errorf("%s: warcio offset/length %d/%d, Ref %d/%d", ss[i].name, l.Offset, l.Length, ref.Offset, ref.Length)
		}
		if l.Type != ss[i].wantTyp || l.URI != ss[i].wantURI {
			t.Errorf("%s: warcio type/uri %s %s, want %s %s", ss[i].name, l.Type, l.URI, ss[i].wantTyp, ss[i].wantURI)
		}
	}
	// warcinfo, metadata for one sample, request+response for each.
	if want := 1 + 1 + 2*len(ss); len(lines) != want {
		t.Errorf("warcio saw %d records, want %d", len(lines), want)
	}
}

// TestWarcioIndexOffsets compares the offsets of warcio's own CLI indexer
// (which parses the HTTP messages too) with ours.
func TestWarcioIndexOffsets(t *testing.T) {
	node, dist := warcioModule(t)
	ss := samples(t)
	path, refs := writeSamples(t, t.TempDir(), ss)
	out, err := exec.Command(node, filepath.Join(dist, "cli.js"), "index", path, "-f", "offset", "length", "warc-type", "warc-record-id", "http:status").CombinedOutput()
	if err != nil {
		t.Fatalf("warcio index: %v\n%s", err, out)
	}
	type row struct {
		Offset int64  `json:"offset"`
		Length int64  `json:"length"`
		Type   string `json:"warc-type"`
		ID     string `json:"warc-record-id"`
		Status int    `json:"http:status"`
	}
	got := map[string]row{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r row
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("warcio index line %q: %v", line, err)
		}
		got[r.ID] = r
	}
	wantStatus := []int{200, 200, 200, 204, 200, 200, 304, 200}
	for i, ref := range refs {
		r := got[ref.RecordID]
		if r.Offset != ref.Offset || r.Length != ref.Length || r.Status != wantStatus[i] {
			t.Errorf("%s: warcio index %+v, want offset %d length %d status %d", ss[i].name, r, ref.Offset, ref.Length, wantStatus[i])
		}
	}
}

func TestWarcioLargeBody(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB body")
	}
	warcioModule(t)
	dir := t.TempDir()
	w, err := NewWriter(WriterOptions{Dir: dir, GzipLevel: 1}) // fast: the machine is shared
	if err != nil {
		t.Fatal(err)
	}
	body := bigBody(20 << 20)
	ref, err := w.WriteExchange(context.Background(), &Exchange{
		TargetURI: "http://127.0.0.1/big.pdf", IP: "127.0.0.1",
		Request:        getRequest("/big.pdf", "127.0.0.1"),
		ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: application/pdf"),
		Body:           bytes.NewReader(body), BodyLength: int64(len(body)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines, problems, out := runValidate(t, filepath.Join(dir, ref.File))
	if problems != 0 || len(lines) != 3 {
		t.Fatalf("warcio: %d problems, %d records:\n%s", problems, len(lines), out)
	}
}

// bigBody is n bytes that compress about as badly as a PDF does.
func bigBody(n int) []byte {
	b := make([]byte, n)
	x := uint64(0x9E3779B97F4A7C15)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		if i%3 == 0 {
			b[i] = byte(x)
		} else {
			b[i] = "年报政府信息公开 "[i%9]
		}
	}
	return b
}

// TestValidateScriptCatchesErrors is the negative control for the warcio
// check: a file with a wrong payload digest and a bracketed URI must fail.
func TestValidateScriptCatchesErrors(t *testing.T) {
	warcioModule(t)
	block := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	rec := "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: 2026-11-21T00:00:00Z\r\n" +
		"WARC-Target-URI: <http://127.0.0.1/年>\r\n" +
		"WARC-Block-Digest: " + formatSHA1(sha1Sum([]byte(block))) + "\r\n" +
		"WARC-Payload-Digest: " + formatSHA1(sha1Sum([]byte("ko"))) + "\r\n" +
		"Content-Type: application/http;msgtype=response\r\nContent-Length: " + strconv.Itoa(len(block)) + "\r\n\r\n" + block + "\r\n\r\n"
	path := filepath.Join(t.TempDir(), "bad.warc")
	if err := os.WriteFile(path, []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	_, problems, out := runValidate(t, path)
	for _, want := range []string{"payload digest mismatch", "first record is not warcinfo", "Target-URI not plain ASCII"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate.mjs output lacks %q:\n%s", want, out)
		}
	}
	if problems != 3 {
		t.Errorf("problems = %d, want 3", problems)
	}
}
