package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/warc"
)

// site is a loopback HTTP server whose pages are handlers by path. It logs
// every request with its start and end, and the most requests it ever had
// in flight at once, measured server-side.
type site struct {
	t     testing.TB
	srv   *http.Server
	ln    net.Listener
	mu    sync.Mutex
	pages map[string]http.HandlerFunc
	log   []hit
	in    int
	maxIn int
}

type hit struct {
	method, path string
	header       http.Header
	start, end   time.Time
}

func newSite(t testing.TB) *site {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, ln: ln, pages: map[string]http.HandlerFunc{}}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *site) URL(path string) string { return "http://" + s.ln.Addr().String() + path }
func (s *site) Host() string           { return s.ln.Addr().String() }

func (s *site) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	s.pages[path] = h
	s.mu.Unlock()
}

// html serves body as a UTF-8 page.
func (s *site) html(path, body string) {
	s.handle(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	})
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.in++
	s.maxIn = max(s.maxIn, s.in)
	h := hit{method: r.Method, path: r.URL.RequestURI(), header: r.Header.Clone(), start: time.Now()}
	page := s.pages[r.URL.Path]
	s.mu.Unlock()
	if page == nil {
		http.NotFound(w, r)
	} else {
		page(w, r)
	}
	s.mu.Lock()
	s.in--
	h.end = time.Now()
	s.log = append(s.log, h)
	s.mu.Unlock()
}

func (s *site) hits(path string) []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hit
	for _, h := range s.log {
		if h.path == path {
			out = append(out, h)
		}
	}
	return out
}

func (s *site) all() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.log...)
}

func (s *site) maxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

const testPoliteness = `
user_agent: "nianbao-test/1.0 (+https://example.org/nianbao)"
politeness:
  delay_floor: 20ms
  delay_ceiling: 40ms
  delay_factor: 1
  retries: 2
  backoff_base: 10ms
  backoff_max: 2s
  challenge_backoff: 1h
  robots_ttl: 1h
  crawl_delay_cap: 100ms
limits:
  global_concurrency: 4
  connect_timeout: 1s
  header_timeout: 1s
  body_timeout: 1s
  page_max_bytes: 65536
  attachment_max_bytes: 262144
  max_redirects: 3
`

// testConfig is testPoliteness plus the given portals YAML and extra
// top-level YAML replacing keys (later keys are not allowed by yaml, so
// callers pass whole sections).
func testConfig(t testing.TB, head, portals string) *configs.File {
	t.Helper()
	if head == "" {
		head = testPoliteness
	}
	cfg, err := configs.Parse("test.yaml", []byte(head+"portals:\n"+portals))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func portalYAML(name string, start ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  - name: %s\n    cms: generic\n    start_urls:\n", name)
	for _, s := range start {
		fmt.Fprintf(&b, "      - %s\n", s)
	}
	return b.String()
}

func crawlOnce(t testing.TB, cfg *configs.File, dir string) *Summary {
	t.Helper()
	c, err := New(Options{Config: cfg, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := c.Run(ctx)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return sum
}

func captureFor(sum *Summary, url string) (Capture, bool) {
	for i := len(sum.Captures) - 1; i >= 0; i-- {
		if sum.Captures[i].URL == url {
			return sum.Captures[i], true
		}
	}
	return Capture{}, false
}

// warcRecord is a record read back with the independent reader.
type warcRecord struct {
	Type, URI, Truncated, Profile, PayloadDigest string
	Block                                        []byte
}

// readArchive reads every record of every closed WARC file in dir/archive,
// failing on an unreadable file or a leftover .open file.
func readArchive(t testing.TB, dir string) []warcRecord {
	t.Helper()
	if open, _ := filepath.Glob(filepath.Join(dir, "archive", "*.open")); len(open) > 0 {
		t.Fatalf("open WARC files left: %v", open)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "archive", "*.warc.gz"))
	var out []warcRecord
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		rd := warc.NewReader(f)
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			block, err := io.ReadAll(rec.Block())
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, warcRecord{Type: rec.Type, URI: rec.TargetURI, Truncated: rec.Header.Get("WARC-Truncated"),
				Profile: rec.Header.Get("WARC-Profile"), PayloadDigest: rec.Header.Get("WARC-Payload-Digest"), Block: block})
		}
		f.Close()
	}
	return out
}

func responsesFor(recs []warcRecord, uri string) (resp, revisit int) {
	for _, r := range recs {
		if r.URI != uri {
			continue
		}
		switch r.Type {
		case "response":
			resp++
		case "revisit":
			revisit++
		}
	}
	return
}
