package crawler

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// oneReport is a site whose listing links one report at /r.html.
func oneReport(t *testing.T) *site {
	s := newSite(t)
	s.html("/list.html", listing("/r.html"))
	return s
}

func TestRetriesOnServerErrors(t *testing.T) {
	for _, status := range []int{500, 502, 503, 408} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s := oneReport(t)
			var n atomic.Int32
			s.handle("/r.html", func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= 2 {
					http.Error(w, "busy", status)
					return
				}
				fmt.Fprint(w, reportPage(1, ""))
			})
			dir := t.TempDir()
			sum := crawlOnce(t, testConfig(t, "", portalYAML("p", s.URL("/list.html"))), dir)
			cp, _ := captureFor(sum, s.URL("/r.html"))
			if cp.FetchStatus != StatusOK || cp.HTTPStatus != 200 || !cp.Changed {
				t.Errorf("capture %+v", cp)
			}
			if got := len(s.hits("/r.html")); got != 3 {
				t.Errorf("%d requests, want 3 (2 failures, 1 success)", got)
			}
			// Only the final answer is archived.
			if resp, _ := responsesFor(readArchive(t, dir), s.URL("/r.html")); resp != 1 {
				t.Errorf("%d response records, want 1", resp)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	s := oneReport(t)
	s.handle("/r.html", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 503) })
	dir := t.TempDir()
	sum := crawlOnce(t, testConfig(t, "", portalYAML("p", s.URL("/list.html"))), dir)
	if got := len(s.hits("/r.html")); got != 3 { // retries: 2
		t.Errorf("%d requests, want 3", got)
	}
	cp, _ := captureFor(sum, s.URL("/r.html"))
	if cp.FetchStatus != StatusFailed || cp.HTTPStatus != 503 || cp.WARCFile == "" || cp.Changed {
		t.Errorf("capture %+v", cp)
	}
	if sum.Portals[0].Failures != 1 {
		t.Errorf("failures %d", sum.Portals[0].Failures)
	}
	// Backoff grows: the second gap is longer than the floor-only first one
	// would allow if there were no backoff (base 10ms, ×2).
	h := s.hits("/r.html")
	if len(h) == 3 && h[2].start.Sub(h[1].end) < 10*time.Millisecond {
		t.Errorf("second retry after %v, want ≥ backoff", h[2].start.Sub(h[1].end))
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	cases := []struct {
		name    string
		value   func() string
		min     time.Duration
		max     time.Duration
		backoff string
	}{
		{"seconds", func() string { return "1" }, 950 * time.Millisecond, 1800 * time.Millisecond, "2s"},
		{"http-date", func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, 900 * time.Millisecond, 2500 * time.Millisecond, "3s"},
		{"capped", func() string { return "3600" }, 250 * time.Millisecond, 1200 * time.Millisecond, "300ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneReport(t)
			var n atomic.Int32
			s.handle("/r.html", func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					w.Header().Set("Retry-After", tc.value())
					http.Error(w, "slow down", http.StatusTooManyRequests)
					return
				}
				fmt.Fprint(w, reportPage(1, ""))
			})
			head := strings.Replace(testPoliteness, "backoff_max: 2s", "backoff_max: "+tc.backoff, 1)
			sum := crawlOnce(t, testConfig(t, head, portalYAML("p", s.URL("/list.html"))), t.TempDir())
			h := s.hits("/r.html")
			if len(h) != 2 {
				t.Fatalf("%d requests, want 2", len(h))
			}
			if gap := h[1].start.Sub(h[0].end); gap < tc.min || gap > tc.max {
				t.Errorf("retried after %v, want within [%v, %v]", gap, tc.min, tc.max)
			}
			if cp, _ := captureFor(sum, s.URL("/r.html")); cp.FetchStatus != StatusOK {
				t.Errorf("capture %+v", cp)
			}
		})
	}
}

func TestChallengesBackOffAndAreNotExtracted(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
	}{
		{"ruishu-412", 412, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;</script><script src="/abc.js"></script></head></html>`},
		{"jiasule-521", 521, `<script>document.cookie=('_')+('_j')+('sl_clearance')+('=1639...');location.href=location.pathname+location.search</script>`},
		{"just-a-moment", 503, `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>`},
		{"anquan-yanzheng", 200, `<html><head><title>安全验证</title></head><body><p>请完成安全验证后继续访问</p></body></html>`},
		{"js-shell", 200, `<html><head><script>var x="a";eval(function(p){return p}("window.location.reload()"))</script></head><body></body></html>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t)
			s.html("/list.html", listing("/r1.html", "/r2.html"))
			s.handle("/r1.html", func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Cookie") != "" {
					t.Errorf("cookie replayed: %q", r.Header.Get("Cookie"))
				}
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Set-Cookie", "__jsluid_h=abc; path=/")
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			s.html("/r2.html", reportPage(2, ""))
			dir := t.TempDir()
			cfg := testConfig(t, "", portalYAML("p", s.URL("/list.html")))
			sum := crawlOnce(t, cfg, dir)
			cp, _ := captureFor(sum, s.URL("/r1.html"))
			if cp.FetchStatus != StatusChallenge || cp.Changed {
				t.Fatalf("capture %+v", cp)
			}
			if n := len(s.hits("/r1.html")); n != 1 {
				t.Errorf("challenge URL requested %d times, want 1 (no retry against a challenge)", n)
			}
			ps := sum.Portals[0]
			if ps.Challenges != 1 || ps.NewOrChanged > 1 || len(ps.Errors) == 0 || !strings.Contains(strings.Join(ps.Errors, ";"), "challenge") {
				t.Errorf("portal summary %+v", ps)
			}
			// The host is left alone: r2 comes after r1 in the queue and is
			// not requested in this run, nor in the next (challenge_backoff 1h).
			r2hits := len(s.hits("/r2.html"))
			sum2 := crawlOnce(t, cfg, dir)
			if n := len(s.hits("/r1.html")); n != 1 {
				t.Errorf("challenged host asked again in the next run (%d requests)", n)
			}
			if len(s.hits("/r2.html")) != r2hits || len(s.hits("/list.html")) != 1 {
				t.Errorf("host requested during back-off")
			}
			if len(sum2.Portals[0].Errors) == 0 {
				t.Errorf("second run does not report the back-off")
			}
		})
	}
}

func TestTimeoutsAndBrokenBodies(t *testing.T) {
	head := strings.NewReplacer("header_timeout: 1s", "header_timeout: 200ms", "body_timeout: 1s", "body_timeout: 200ms", "retries: 2", "retries: 1").Replace(testPoliteness)
	cases := []struct {
		name    string
		handler func(n int32) http.HandlerFunc
		status  string
		hits    int
	}{
		{"stalled-headers", func(int32) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { time.Sleep(600 * time.Millisecond) }
		}, StatusFailed, 2},
		{"stalled-body", func(int32) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "10000")
				w.Write([]byte("<html>"))
				w.(http.Flusher).Flush()
				time.Sleep(600 * time.Millisecond)
			}
		}, StatusFailed, 2},
		{"reset-mid-body-then-ok", func(n int32) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				if n > 1 {
					fmt.Fprint(w, reportPage(1, ""))
					return
				}
				conn, bw, _ := w.(http.Hijacker).Hijack()
				bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html>partial")
				bw.Flush()
				conn.Close()
			}
		}, StatusOK, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneReport(t)
			var n atomic.Int32
			s.handle("/r.html", func(w http.ResponseWriter, r *http.Request) { tc.handler(n.Add(1))(w, r) })
			dir := t.TempDir()
			start := time.Now()
			sum := crawlOnce(t, testConfig(t, head, portalYAML("p", s.URL("/list.html"))), dir)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("crawl took %v", d)
			}
			cp, _ := captureFor(sum, s.URL("/r.html"))
			if cp.FetchStatus != tc.status {
				t.Errorf("capture %+v, want %s", cp, tc.status)
			}
			if got := int(n.Load()); got != tc.hits {
				t.Errorf("%d requests, want %d", got, tc.hits)
			}
			if tc.status == StatusFailed && (cp.Error == "" || cp.WARCFile != "") {
				t.Errorf("failed capture should say why and archive nothing: %+v", cp)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	s := newSite(t)
	other := newSite(t)
	s.html("/list.html", listing("/loop-a.html", "/moved.html", "/away.html", "/chain0.html"))
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
	}
	s.handle("/loop-a.html", redirect("/loop-b.html"))
	s.handle("/loop-b.html", redirect("/loop-a.html"))
	s.handle("/moved.html", redirect("/final.html"))
	s.html("/final.html", reportPage(9, ""))
	s.handle("/away.html", redirect(other.URL("/x.html")))
	for i := 0; i < 6; i++ {
		s.handle(fmt.Sprintf("/chain%d.html", i), redirect(fmt.Sprintf("/chain%d.html", i+1)))
	}
	sum := crawlOnce(t, testConfig(t, "", portalYAML("p", s.URL("/list.html"))), t.TempDir())

	if cp, _ := captureFor(sum, s.URL("/final.html")); cp.FetchStatus != StatusOK || cp.Kind != KindReport || !cp.Changed ||
		len(cp.Via) != 1 || cp.Via[0] != s.URL("/moved.html") {
		t.Errorf("redirect target capture %+v", cp)
	}
	if cp, _ := captureFor(sum, s.URL("/moved.html")); cp.HTTPStatus != 302 || cp.Changed {
		t.Errorf("redirect hop capture %+v", cp)
	}
	if cp, _ := captureFor(sum, s.URL("/loop-b.html")); !strings.Contains(cp.Error, "loop") {
		t.Errorf("loop not detected: %+v", cp)
	}
	if n := len(s.hits("/loop-a.html")); n != 1 {
		t.Errorf("loop-a requested %d times", n)
	}
	if cp, _ := captureFor(sum, s.URL("/away.html")); !strings.Contains(cp.Error, "leaves") || len(other.all()) != 0 {
		t.Errorf("out-of-scope redirect followed: %+v, other site hits %d", cp, len(other.all()))
	}
	// max_redirects: 3 → chain0 → 1 → 2 → 3, and no further.
	if len(s.hits("/chain4.html")) != 0 || len(s.hits("/chain3.html")) != 1 {
		t.Errorf("chain hits: 3:%d 4:%d", len(s.hits("/chain3.html")), len(s.hits("/chain4.html")))
	}
	if cp, _ := captureFor(sum, s.URL("/chain3.html")); !strings.Contains(cp.Error, "redirects") {
		t.Errorf("max hops not reported: %+v", cp)
	}
}

func TestHugeAttachmentTruncatedAtCap(t *testing.T) {
	s := newSite(t)
	s.html("/list.html", listing("/r.html"))
	s.html("/r.html", reportPage(1, "/big.pdf"))
	const size = 1 << 20 // cap is 256 KiB
	var sent atomic.Int64
	s.handle("/big.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		chunk := []byte(strings.Repeat("0123456789abcdef", 4096))
		for i := 0; i < size/len(chunk); i++ {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	dir := t.TempDir()
	sum := crawlOnce(t, testConfig(t, "", portalYAML("p", s.URL("/list.html"))), dir)
	cp, _ := captureFor(sum, s.URL("/big.pdf"))
	if cp.FetchStatus != StatusTruncated || !strings.Contains(cp.Error, "262144") {
		t.Fatalf("capture %+v", cp)
	}
	for _, r := range readArchive(t, dir) {
		if r.Type != "response" || r.URI != s.URL("/big.pdf") {
			continue
		}
		_, body, ok := strings.Cut(string(r.Block), "\r\n\r\n")
		if !ok || len(body) != 262144 || r.Truncated != "length" {
			t.Errorf("archived body %d bytes, WARC-Truncated %q", len(body), r.Truncated)
		}
	}
}

func TestRobotsSemantics(t *testing.T) {
	t.Run("5xx-then-ok", func(t *testing.T) {
		s := oneReport(t)
		var n atomic.Int32
		s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				http.Error(w, "oops", 500)
				return
			}
			fmt.Fprint(w, "User-agent: nianbao-test\nDisallow: /r.html\n\nUser-agent: *\nDisallow:\n")
		})
		s.html("/r.html", reportPage(1, ""))
		sum := crawlOnce(t, testConfig(t, "", portalYAML("p", s.URL("/list.html"))), t.TempDir())
		if len(s.hits("/robots.txt")) != 2 || len(s.hits("/list.html")) != 1 || len(s.hits("/r.html")) != 0 {
			t.Errorf("hits robots %d list %d r %d", len(s.hits("/robots.txt")), len(s.hits("/list.html")), len(s.hits("/r.html")))
		}
		if cp, _ := captureFor(sum, s.URL("/r.html")); cp.FetchStatus != StatusRobotsDisallowed {
			t.Errorf("our group's Disallow not applied: %+v", cp)
		}
	})
	t.Run("5xx-always", func(t *testing.T) {
		s := oneReport(t)
		s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 503) })
		dir := t.TempDir()
		cfg := testConfig(t, "", portalYAML("p", s.URL("/list.html")))
		sum := crawlOnce(t, cfg, dir)
		if len(s.hits("/list.html")) != 0 {
			t.Errorf("pages fetched although robots.txt is unavailable")
		}
		if n := len(s.hits("/robots.txt")); n != 3 {
			t.Errorf("robots.txt asked %d times, want 3", n)
		}
		if ps := sum.Portals[0]; len(ps.Errors) == 0 || !strings.Contains(ps.Errors[0], "robots.txt") {
			t.Errorf("host not reported: %+v", ps)
		}
		// Next run: robots answers; the queued start page is crawled.
		s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		s.html("/r.html", reportPage(1, ""))
		sum = crawlOnce(t, cfg, dir)
		if cp, _ := captureFor(sum, s.URL("/r.html")); cp.FetchStatus != StatusOK {
			t.Errorf("after robots 404 (allow all): %+v", cp)
		}
	})
	t.Run("crawl-delay", func(t *testing.T) {
		s := newSite(t)
		s.html("/list.html", listing("/r1.html", "/r2.html"))
		s.html("/r1.html", reportPage(1, ""))
		s.html("/r2.html", reportPage(2, ""))
		s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 5\n") // capped at 100ms
		})
		start := time.Now()
		crawlOnce(t, testConfig(t, "", portalYAML("p", s.URL("/list.html"))), t.TempDir())
		hits := s.all()
		for i := 1; i < len(hits); i++ {
			if gap := hits[i].start.Sub(hits[i-1].end); gap < 95*time.Millisecond {
				t.Errorf("gap %v before %s, want ≥ 100ms (capped Crawl-delay)", gap, hits[i].path)
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Crawl-delay not capped: %v", d)
		}
	})
}

func TestGlobalConcurrency(t *testing.T) {
	var in, maxIn atomic.Int32
	var sites []*site
	var portals strings.Builder
	for i := 0; i < 5; i++ {
		s := newSite(t)
		s.html("/list.html", listing("/r1.html", "/r2.html", "/r3.html"))
		for _, p := range []string{"/r1.html", "/r2.html", "/r3.html"} {
			s.handle(p, func(w http.ResponseWriter, r *http.Request) {
				n := in.Add(1)
				for {
					m := maxIn.Load()
					if n <= m || maxIn.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(30 * time.Millisecond)
				in.Add(-1)
				fmt.Fprint(w, reportPage(1, ""))
			})
		}
		sites = append(sites, s)
		portals.WriteString(portalYAML(fmt.Sprintf("p%d", i), s.URL("/list.html")))
	}
	head := strings.Replace(testPoliteness, "global_concurrency: 4", "global_concurrency: 2", 1)
	sum := crawlOnce(t, testConfig(t, head, portals.String()), t.TempDir())
	if m := maxIn.Load(); m != 2 {
		t.Errorf("max concurrent report requests across hosts %d, want 2", m)
	}
	for i, s := range sites {
		if s.maxInFlight() != 1 {
			t.Errorf("site %d: %d in flight", i, s.maxInFlight())
		}
	}
	if n := len(sum.Captures); n != 5*5 { // robots, list, 3 reports
		t.Errorf("%d captures, want 25", n)
	}
}

// A POST list page (Hanweb's dataproxy.jsp) is sent as a form with the
// column page as Referer, and archived with its body.
func TestHanwebPostListPage(t *testing.T) {
	s := newSite(t)
	col := `<html><body><div id="div1"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=99&unitid=7&webname=x&permissiontype=0"></a>]]></nextgroup><recordset>
<record><![CDATA[<li><a href="/art/2024/1/5/art_99_1.html" title="2023年政府信息公开工作年度报告">2023年政府信息公开工作年度报告</a></li>]]></record>
</recordset></datastore></script></div><script>var totalRecord:60;</script></body></html>`
	s.html("/col/col99/index.html", col)
	s.html("/art/2024/1/5/art_99_1.html", reportPage(1, ""))
	var forms []string
	s.handle("/module/web/jpage/dataproxy.jsp", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		forms = append(forms, r.Method+" "+r.PostForm.Get("columnid")+" "+r.Header.Get("Referer"))
		fmt.Fprint(w, `<datastore><recordset><record><![CDATA[<li><a href="/art/2023/1/5/art_99_2.html" title="2022年政府信息公开工作年度报告">2022年</a></li>]]></record></recordset></datastore>`)
	})
	s.html("/art/2023/1/5/art_99_2.html", reportPage(2, ""))
	portal := fmt.Sprintf("  - name: hw\n    cms: hanweb\n    start_urls: [%s]\n", s.URL("/col/col99/index.html"))
	sum := crawlOnce(t, testConfig(t, "", portal), t.TempDir())
	if len(forms) == 0 || !strings.HasPrefix(forms[0], "POST 99 "+s.URL("/col/col99/index.html")) {
		t.Fatalf("dataproxy requests %q", forms)
	}
	for _, p := range []string{"/art/2024/1/5/art_99_1.html", "/art/2023/1/5/art_99_2.html"} {
		if cp, ok := captureFor(sum, s.URL(p)); !ok || cp.FetchStatus != StatusOK || cp.Kind != KindReport {
			t.Errorf("%s: %+v", p, cp)
		}
	}
}

// A host that never completes the TCP handshake is given up after the
// connect timeout on each attempt, and the portal reported.
func TestConnectTimeout(t *testing.T) {
	head := strings.NewReplacer("connect_timeout: 1s", "connect_timeout: 150ms", "retries: 2", "retries: 1").Replace(testPoliteness)
	cfg := testConfig(t, head, portalYAML("blackhole", "http://10.255.255.1/list.html"))
	var dials atomic.Int32
	blackhole := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		<-ctx.Done() // like a SYN nobody answers
		return nil, ctx.Err()
	}
	c, err := New(Options{Config: cfg, DataDir: t.TempDir(), Dial: blackhole})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 150ms connect timeout", d)
	}
	if n := dials.Load(); n != 2 { // robots.txt: first attempt and one retry
		t.Errorf("%d dials, want 2", n)
	}
	if p := sum.Portals[0]; !p.Unreachable || !strings.Contains(strings.Join(p.Errors, ";"), "connect") {
		t.Errorf("portal %+v", p)
	}
}

// A redirect target is a new request: robots.txt is checked for it.
func TestRedirectTargetObeysRobots(t *testing.T) {
	s := oneReport(t)
	s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n") })
	s.handle("/r.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/private/r.html", http.StatusMovedPermanently)
	})
	s.html("/private/r.html", reportPage(1, ""))
	sum := crawlOnce(t, testConfig(t, "", portalYAML("p", s.URL("/list.html"))), t.TempDir())
	if len(s.hits("/private/r.html")) != 0 {
		t.Error("redirect target disallowed by robots.txt was requested")
	}
	if cp, _ := captureFor(sum, s.URL("/private/r.html")); cp.FetchStatus != StatusRobotsDisallowed || len(cp.Via) != 1 {
		t.Errorf("capture %+v", cp)
	}
}

// Attempts are counted across processes: a restarted crawl does not grant
// a failing URL a fresh set of retries.
func TestRetriesBoundedAcrossRestarts(t *testing.T) {
	s := oneReport(t)
	first := make(chan struct{}, 10)
	s.handle("/r.html", func(w http.ResponseWriter, r *http.Request) {
		first <- struct{}{}
		http.Error(w, "down", 503)
	})
	head := strings.NewReplacer("backoff_base: 10ms", "backoff_base: 400ms").Replace(testPoliteness)
	cfg := testConfig(t, head, portalYAML("p", s.URL("/list.html")))
	dir := t.TempDir()
	c, err := New(Options{Config: cfg, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-first; time.Sleep(50 * time.Millisecond); cancel() }()
	c.Run(ctx)
	if n := len(s.hits("/r.html")); n != 1 {
		t.Fatalf("%d attempts before the stop, want 1", n)
	}
	sum := crawlOnce(t, cfg, dir)
	if n := len(s.hits("/r.html")); n != 3 { // retries: 2
		t.Errorf("%d attempts in all, want 3", n)
	}
	if cp, _ := captureFor(sum, s.URL("/r.html")); cp.FetchStatus != StatusFailed || !strings.Contains(cp.Error, "3 attempts") {
		t.Errorf("capture %+v", cp)
	}
}
