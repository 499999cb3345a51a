package farm

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/discover"
)

func startFarm(t *testing.T, opts Options) *Farm {
	t.Helper()
	f, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableCompression: true},
}

func fetch(t *testing.T, method, u string, body io.Reader, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, u, err)
	}
	return resp, b
}

func TestSitesOnDistinctHosts(t *testing.T) {
	f := startFarm(t, Options{BenchHosts: 2})
	want := []string{SiteHanweb, SiteTRS, SiteGeneric, SiteFaults, SiteRuishu, SiteJiasule, SiteShell, SiteOutside, "bench001", "bench002"}
	if got := f.Sites(); !slices.Equal(got, want) {
		t.Fatalf("Sites() = %v, want %v", got, want)
	}
	seen := map[string]string{}
	for _, s := range f.Sites() {
		h := f.Host(s)
		if !strings.HasPrefix(h, "127.") {
			t.Errorf("%s on %s, not loopback", s, h)
		}
		if prev, dup := seen[h]; dup {
			t.Errorf("%s and %s share %s", s, prev, h)
		}
		seen[h] = s
	}
}

func TestSingleAddress(t *testing.T) {
	f := startFarm(t, Options{SingleAddress: true, NoFaults: true})
	for _, s := range f.Sites() {
		if !strings.HasPrefix(f.Host(s), "127.0.0.1:") {
			t.Errorf("%s on %s, want 127.0.0.1", s, f.Host(s))
		}
		if resp, _ := fetch(t, "GET", f.StartURL(s), nil, nil); resp.StatusCode != 200 {
			t.Errorf("%s start page: %d", s, resp.StatusCode)
		}
	}
	if len(f.Expected()) != 6 {
		t.Errorf("NoFaults farm has %d reports, want the 6 of the three portals", len(f.Expected()))
	}
}

func TestConfigYAMLParses(t *testing.T) {
	f := startFarm(t, Options{BenchHosts: 1})
	cfg, err := configs.Parse("farm.yaml", f.ConfigYAML())
	if err != nil {
		t.Fatalf("configs.Parse: %v\n%s", err, f.ConfigYAML())
	}
	got := map[string]string{}
	for _, p := range cfg.Portals {
		got[p.Name] = p.CMS + " " + p.StartURLs[0]
		if len(p.AllowedHosts) != 1 {
			t.Errorf("%s: allowed hosts %v", p.Name, p.AllowedHosts)
		}
	}
	want := map[string]string{
		"farm-hanweb":   "hanweb " + f.StartURL(SiteHanweb),
		"farm-trs":      "trs " + f.StartURL(SiteTRS),
		"farm-generic":  "generic " + f.StartURL(SiteGeneric),
		"farm-faults":   "generic " + f.StartURL(SiteFaults),
		"farm-ruishu":   "generic " + f.StartURL(SiteRuishu),
		"farm-jiasule":  "generic " + f.StartURL(SiteJiasule),
		"farm-shell":    "generic " + f.StartURL(SiteShell),
		"farm-bench001": "generic " + f.StartURL("bench001"),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("portals:\n got %v\nwant %v", got, want)
	}
	if d := cfg.Politeness.DelayFloor.D(); d < 10*time.Millisecond || d > 50*time.Millisecond {
		t.Errorf("delay floor %s, want 10–50ms", d)
	}
}

// crawl is a naive breadth-first crawler built on discover. It ignores
// robots.txt on purpose, so the robots trap must catch it.
func crawl(t *testing.T, f *Farm, site string) (reports, attachments []string) {
	t.Helper()
	p := configs.Portal{Name: site, CMS: configs.CMSGeneric}
	switch site {
	case SiteHanweb:
		p.CMS = configs.CMSHanweb
	case SiteTRS:
		p.CMS = configs.CMSTRS
	}
	queue := []discover.Link{{URL: f.StartURL(site), Kind: discover.KindList, Method: "GET"}}
	seen := map[string]bool{}
	for len(queue) > 0 {
		l := queue[0]
		queue = queue[1:]
		key := l.Method + l.URL + l.Form.Encode()
		if seen[key] {
			continue
		}
		seen[key] = true
		h := http.Header{}
		var body io.Reader
		if l.Method == "POST" {
			body = strings.NewReader(l.Form.Encode())
			h.Set("Content-Type", "application/x-www-form-urlencoded")
			h.Set("Referer", l.Referer)
		}
		resp, b := fetch(t, l.Method, l.URL, body, h)
		if resp.StatusCode != 200 {
			t.Errorf("%s %s: %d %s", l.Method, l.URL, resp.StatusCode, b)
			continue
		}
		switch l.Kind {
		case discover.KindReport:
			reports = append(reports, l.URL)
		case discover.KindAttachment:
			attachments = append(attachments, l.URL)
		}
		u, _ := url.Parse(l.URL)
		links, err := discover.Find(p, u, l.Kind, b, resp.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		queue = append(queue, links...)
	}
	sort.Strings(reports)
	sort.Strings(attachments)
	return reports, attachments
}

// TestDiscoverFindsEveryReport crawls the three portal sites with discover
// and checks it finds exactly the expected reports and attachments, plus
// the robots-disallowed draft (which this crawler does not skip).
func TestDiscoverFindsEveryReport(t *testing.T) {
	f := startFarm(t, Options{NoFaults: true})
	drafts := map[string]string{
		SiteHanweb:  "/private/art_1229000001_5003.html",
		SiteTRS:     trsBase + "draft/t20220101_1.html",
		SiteGeneric: "/private/draft.html",
	}
	for _, site := range []string{SiteHanweb, SiteTRS, SiteGeneric} {
		t.Run(site, func(t *testing.T) {
			reports, attachments := crawl(t, f, site)
			wantReports := []string{f.URL(site, drafts[site])}
			var wantAttachments []string
			for _, e := range f.Expected() {
				if strings.HasPrefix(e.URL, "http://"+f.Host(site)+"/") {
					wantReports = append(wantReports, e.URL)
					wantAttachments = append(wantAttachments, e.Attachments...)
				}
			}
			sort.Strings(wantReports)
			sort.Strings(wantAttachments)
			if !slices.Equal(reports, wantReports) {
				t.Errorf("reports:\n got %q\nwant %q", reports, wantReports)
			}
			if !slices.Equal(attachments, wantAttachments) {
				t.Errorf("attachments:\n got %q\nwant %q", attachments, wantAttachments)
			}
		})
	}
	var caught []string
	for _, r := range f.DisallowedRequests() {
		caught = append(caught, r.Site+" "+r.Path)
	}
	sort.Strings(caught)
	want := []string{"generic /private/draft.html", "hanweb /private/art_1229000001_5003.html", "trs " + trsBase + "draft/t20220101_1.html"}
	if !slices.Equal(caught, want) {
		t.Errorf("disallowed requests %q, want %q", caught, want)
	}
}

func TestHanwebProxyRejectsWrongRequests(t *testing.T) {
	f := startFarm(t, Options{NoFaults: true})
	u := f.URL(SiteHanweb, hanwebProxy+"?startrecord=10&endrecord=18&perpage=3")
	form := url.Values{"col": {"1"}, "appid": {"1"}, "webid": {"3081"}, "path": {"/"}, "columnid": {hanwebColumnID},
		"sourceContentType": {"1"}, "unitid": {"4215"}, "webname": {"西湖区"}, "permissiontype": {"0"}}
	post := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Referer": {f.StartURL(SiteHanweb)}}
	if resp, b := fetch(t, "POST", u, strings.NewReader(form.Encode()), post); resp.StatusCode != 200 || !bytes.Contains(b, []byte("<record>")) {
		t.Fatalf("good POST: %d %s", resp.StatusCode, b)
	}
	if resp, _ := fetch(t, "GET", u, nil, nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Del("columnid")
	if resp, _ := fetch(t, "POST", u, strings.NewReader(bad.Encode()), post); resp.StatusCode != 400 {
		t.Errorf("POST without columnid: %d, want 400", resp.StatusCode)
	}
	noRef := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if resp, _ := fetch(t, "POST", u, strings.NewReader(form.Encode()), noRef); resp.StatusCode != 400 {
		t.Errorf("POST without Referer: %d, want 400", resp.StatusCode)
	}
}

func TestConditionalRequestsAndChange(t *testing.T) {
	f := startFarm(t, Options{NoFaults: true})
	var e Expected
	for _, x := range f.Expected() {
		if x.ID == "r03" {
			e = x
		}
	}
	for _, u := range append([]string{e.URL, f.StartURL(SiteTRS)}, e.Attachments...) {
		resp, _ := fetch(t, "GET", u, nil, nil)
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != 200 || etag == "" || lm == "" {
			t.Fatalf("%s: %d ETag %q Last-Modified %q", u, resp.StatusCode, etag, lm)
		}
		if resp, b := fetch(t, "GET", u, nil, http.Header{"If-None-Match": {etag}}); resp.StatusCode != 304 || len(b) != 0 {
			t.Errorf("%s If-None-Match: %d with %d bytes, want 304 and no body", u, resp.StatusCode, len(b))
		}
		if resp, _ := fetch(t, "GET", u, nil, http.Header{"If-Modified-Since": {lm}}); resp.StatusCode != 304 {
			t.Errorf("%s If-Modified-Since: %d, want 304", u, resp.StatusCode)
		}
		if resp, _ := fetch(t, "GET", u, nil, http.Header{"If-None-Match": {`"other"`}}); resp.StatusCode != 200 {
			t.Errorf("%s stale If-None-Match: %d, want 200", u, resp.StatusCode)
		}
	}

	resp, _ := fetch(t, "GET", e.URL, nil, nil)
	oldTag, oldLM := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	respDoc, _ := fetch(t, "GET", e.Attachments[0], nil, nil)
	if err := f.Change("r03"); err != nil {
		t.Fatal(err)
	}
	if err := f.Change("nope"); err == nil {
		t.Error("Change of an unknown report: no error")
	}
	resp, _ = fetch(t, "GET", e.URL, nil, http.Header{"If-None-Match": {oldTag}})
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == oldTag {
		t.Errorf("after Change: %d, ETag %s (old %s), want 200 and a new ETag", resp.StatusCode, resp.Header.Get("ETag"), oldTag)
	}
	resp, _ = fetch(t, "GET", e.URL, nil, http.Header{"If-Modified-Since": {oldLM}})
	if resp.StatusCode != 200 {
		t.Errorf("after Change, If-Modified-Since old: %d, want 200", resp.StatusCode)
	}
	resp, _ = fetch(t, "GET", e.Attachments[0], nil, http.Header{"If-None-Match": {respDoc.Header.Get("ETag")}})
	if resp.StatusCode != 200 {
		t.Errorf("attachment after Change: %d, want 200", resp.StatusCode)
	}
	for _, x := range f.Expected() {
		if x.ID != "r03" {
			continue
		}
		if x.Version != 1 {
			t.Errorf("version %d, want 1", x.Version)
		}
		diff := 0
		for k, v := range x.Values {
			if fmt.Sprint(deref(v)) != fmt.Sprint(deref(e.Values[k])) {
				diff++
			}
		}
		if diff == 0 {
			t.Error("Change left every value as it was")
		}
		checkRules(t, x.ID, x.Template, x.Values, nil)
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func TestRobots(t *testing.T) {
	f := startFarm(t, Options{BenchHosts: 1})
	for _, s := range f.Sites() {
		u := f.URL(s, "/robots.txt")
		resp, b := fetch(t, "GET", u, nil, nil)
		if s == SiteFaults {
			if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
				t.Errorf("%s first robots.txt: %d, want 503 with Retry-After", s, resp.StatusCode)
			}
			resp, b = fetch(t, "GET", u, nil, nil)
		}
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte("Crawl-delay: 0.02\n")) || !bytes.Contains(b, []byte("Disallow: /")) {
			t.Errorf("%s robots.txt: %d\n%s", s, resp.StatusCode, b)
		}
	}
}

func TestFaults(t *testing.T) {
	f := startFarm(t, Options{HugeSize: 3 << 20, SlowDelay: 200 * time.Millisecond})
	u := func(p string) string { return f.URL(SiteFaults, p) }

	t.Run("flaky", func(t *testing.T) {
		var got []int
		for range 3 {
			resp, _ := fetch(t, "GET", u("/flaky/2022nb.html"), nil, nil)
			got = append(got, resp.StatusCode)
		}
		if !slices.Equal(got, []int{503, 503, 200}) {
			t.Errorf("statuses %v, want 503 503 200", got)
		}
	})
	t.Run("429", func(t *testing.T) {
		resp, _ := fetch(t, "GET", u("/ratelimited/2019nb.html"), nil, nil)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
			t.Errorf("%d Retry-After %q, want 429 and 1", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if resp, b := fetch(t, "GET", u("/ratelimited/2019nb.html"), nil, nil); resp.StatusCode != 200 || !bytes.Contains(b, []byte("上海市人民政府办公厅2019年政府信息公开工作年度报告")) {
			t.Errorf("second request: %d", resp.StatusCode)
		}
	})
	t.Run("challenges", func(t *testing.T) {
		resp, b := fetch(t, "GET", f.StartURL(SiteRuishu), nil, nil)
		if resp.StatusCode != 412 || !bytes.Contains(b, []byte("$_ts")) {
			t.Errorf("ruishu: %d %s", resp.StatusCode, b)
		}
		resp, b = fetch(t, "GET", f.URL(SiteJiasule, "/any/page.html"), nil, nil)
		if resp.StatusCode != 521 || !bytes.Contains(b, []byte("('_')+('_')+('j')+('s')+('l')")) || !strings.Contains(resp.Header.Get("Set-Cookie"), "__jsluid") {
			t.Errorf("jiasule: %d %s", resp.StatusCode, b)
		}
	})
	t.Run("js shell", func(t *testing.T) {
		resp, b := fetch(t, "GET", f.URL(SiteShell, "/js-shell/2022nb.html"), nil, nil)
		if resp.StatusCode != 200 || len(b) >= 500 || !bytes.Contains(b, []byte("<script")) {
			t.Errorf("%d, %d bytes", resp.StatusCode, len(b))
		}
	})
	t.Run("slow", func(t *testing.T) {
		start := time.Now()
		resp, _ := fetch(t, "GET", u("/slow/2022nb.html"), nil, nil)
		if took := time.Since(start); resp.StatusCode != 200 || took < 200*time.Millisecond {
			t.Errorf("%d after %s, want 200 after ≥200ms", resp.StatusCode, took)
		}
	})
	t.Run("reset", func(t *testing.T) {
		resp, err := noRedirect.Get(u("/reset/2022nb.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil || n >= 100000 {
			t.Errorf("read %d bytes, err %v; want an error before 100000", n, err)
		}
	})
	t.Run("truncated gzip", func(t *testing.T) {
		resp, b := fetch(t, "GET", u("/gzip/2022nb.html"), nil, nil)
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(zr); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("gunzip: %v, want unexpected EOF", err)
		}
	})
	t.Run("redirects", func(t *testing.T) {
		resp, _ := fetch(t, "GET", u("/loop/a.html"), nil, nil)
		resp2, _ := fetch(t, "GET", u("/loop/b.html"), nil, nil)
		if resp.Header.Get("Location") != "/loop/b.html" || resp2.Header.Get("Location") != "/loop/a.html" {
			t.Errorf("loop: %q, %q", resp.Header.Get("Location"), resp2.Header.Get("Location"))
		}
		resp, _ = fetch(t, "GET", u("/away/2022nb.html"), nil, nil)
		if loc := resp.Header.Get("Location"); resp.StatusCode != 302 || loc != f.URL(SiteOutside, "/landing.html") {
			t.Errorf("away: %d %q", resp.StatusCode, loc)
		}
	})
	t.Run("huge", func(t *testing.T) {
		resp, err := noRedirect.Get(u("/files/huge-2022nb.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		head := make([]byte, 9)
		io.ReadFull(resp.Body, head)
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil || n+9 != 3<<20 || resp.ContentLength != 3<<20 || string(head) != "%PDF-1.4\n" {
			t.Errorf("read %d+9 bytes (Content-Length %d, head %q), err %v; want %d", n, resp.ContentLength, head, err, 3<<20)
		}
	})
	t.Run("lying charset", func(t *testing.T) {
		resp, b := fetch(t, "GET", u("/charset/2021nb.html"), nil, nil)
		if !strings.Contains(resp.Header.Get("Content-Type"), "utf-8") || utf8.Valid(b) || bytes.Contains(b, []byte("charset=")) {
			t.Errorf("Content-Type %q, valid UTF-8 %v: want a utf-8 header over a GBK body without meta", resp.Header.Get("Content-Type"), utf8.Valid(b))
		}
		text, cs := discover.Decode(b, resp.Header.Get("Content-Type"))
		if cs != "gb18030" || !bytes.Contains(text, []byte("金华市金东区行政服务中心2021年政府信息公开工作年度报告")) {
			t.Errorf("decoded as %s, title missing", cs)
		}
	})
	t.Run("described", func(t *testing.T) {
		if len(f.Faults()) < 15 {
			t.Errorf("Faults() describes %d URLs", len(f.Faults()))
		}
	})
}

// TestStall checks that a client with a timeout returns from the stalled
// body, and that Close releases a client that would wait forever.
func TestStall(t *testing.T) {
	before := runtime.NumGoroutine()
	f, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	stall := f.URL(SiteFaults, "/stall/2022nb.html")

	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Timeout: 300 * time.Millisecond, Transport: transport}
	start := time.Now()
	resp, err := client.Get(stall)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if took := time.Since(start); err == nil || took > 3*time.Second {
		t.Fatalf("stalled GET returned after %s with err %v; want a timeout error after ~300ms", took, err)
	}

	// A patient client: only Close can end its wait.
	done := make(chan error, 1)
	go func() {
		resp, err := (&http.Client{Transport: transport}).Get(stall)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(inFlight(f), func(s string) bool { return s == SiteFaults }) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { f.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return while a body was stalled")
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("the patient client read a whole body from the stalled URL")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the patient client still hangs after Close")
	}
	transport.CloseIdleConnections()
	deadline = time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before Start:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func inFlight(f *Farm) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.sites {
		if f.inflight[s.host] > 0 {
			out = append(out, s.name)
		}
	}
	return out
}

func TestStartStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f, err := Start(ctx, Options{NoFaults: true})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := http.Get(f.StartURL(SiteGeneric)); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("farm still answers after its context ended")
}

func TestBenchHost(t *testing.T) {
	f := startFarm(t, Options{NoFaults: true, BenchHosts: 1, BenchPages: 45})
	p := configs.Portal{Name: "bench", CMS: configs.CMSGeneric}
	var reports []string
	queue := []string{f.StartURL("bench001")}
	for seen := map[string]bool{}; len(queue) > 0; queue = queue[1:] {
		if seen[queue[0]] {
			continue
		}
		seen[queue[0]] = true
		resp, b := fetch(t, "GET", queue[0], nil, nil)
		u, _ := url.Parse(queue[0])
		links, _ := discover.Find(p, u, discover.KindList, b, resp.Header.Get("Content-Type"))
		for _, l := range links {
			switch {
			case l.Kind == discover.KindList:
				queue = append(queue, l.URL)
			case strings.Contains(l.URL, "/private/"):
			default:
				reports = append(reports, l.URL)
			}
		}
	}
	if len(reports) != 45 {
		t.Errorf("%d report links over the bench listing, want 45", len(reports))
	}
	if resp, _ := fetch(t, "GET", f.URL("bench001", "/p/45.html"), nil, nil); resp.StatusCode != 200 {
		t.Errorf("page 45: %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, "GET", f.URL("bench001", "/p/46.html"), nil, nil); resp.StatusCode != 404 {
		t.Errorf("page 46: %d, want 404", resp.StatusCode)
	}
}

func TestInstrumentation(t *testing.T) {
	f := startFarm(t, Options{NoFaults: true, BenchHosts: 1, BenchDelay: 50 * time.Millisecond})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", f.URL("bench001", fmt.Sprintf("/p/%d.html", i+1)), nil)
			req.Header.Set("User-Agent", "probe/1")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if got := f.MaxInFlight("bench001"); got < 2 {
		t.Errorf("MaxInFlight after 4 parallel slow requests = %d, want ≥ 2", got)
	}
	fetch(t, "GET", f.StartURL(SiteGeneric), nil, http.Header{"If-None-Match": {`"x"`}})
	fetch(t, "GET", f.StartURL(SiteGeneric), nil, nil)
	if got := f.MaxInFlight(f.Host(SiteGeneric)); got != 1 {
		t.Errorf("MaxInFlight after sequential requests = %d, want 1", got)
	}
	reqs := f.Requests()
	if len(reqs) != 6 {
		t.Fatalf("%d requests recorded, want 6", len(reqs))
	}
	var probe Request
	for _, r := range reqs {
		if r.UserAgent == "probe/1" {
			probe = r
		}
	}
	if probe.Site != "bench001" || probe.Status != 200 || probe.End.Sub(probe.Start) < 50*time.Millisecond || probe.Bytes == 0 {
		t.Errorf("probe request recorded as %+v", probe)
	}
	if last := reqs[len(reqs)-2]; last.IfNoneMatch != `"x"` || last.Path != genericBase || last.Method != "GET" {
		t.Errorf("conditional request recorded as %+v", last)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{BenchHosts: -1}, {BenchHosts: 500}, {RetryAfter: 1500 * time.Millisecond}, {HugeSize: -1}, {SlowDelay: -time.Second}} {
		if _, err := Start(context.Background(), o); err == nil {
			t.Errorf("Start(%+v): no error", o)
		}
	}
}
