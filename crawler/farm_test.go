package crawler

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/farm"
)

func startFarm(t testing.TB, opts farm.Options) (*farm.Farm, *configs.File) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f, err := farm.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cfg, err := configs.Parse("farm.yaml", f.ConfigYAML())
	if err != nil {
		t.Fatal(err)
	}
	return f, cfg
}

// TestFarmTwoNights crawls the simulated portal farm: every report and
// attachment of the Hanweb, TRS and generic sites is archived and marked
// for extraction, no disallowed path is asked, no host sees two requests
// at once, challenge hosts are reported; the fault host gives each fault
// its expected outcome over two nights; on the second night only the
// changed report is marked.
func TestFarmTwoNights(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the farm")
	}
	f, cfg := startFarm(t, farm.Options{SlowDelay: 200 * time.Millisecond, HugeSize: 24 << 20})
	cfg.Limits.HeaderTimeout = configs.Duration(time.Second)
	cfg.Limits.BodyTimeout = configs.Duration(time.Second)
	cfg.Politeness.Retries = 2
	// A challenge parks a host for the rest of the run whatever this is;
	// 1ms lets the next night try the host again.
	cfg.Politeness.ChallengeOff = configs.Duration(time.Millisecond)
	dir := t.TempDir()

	sum := crawlOnce(t, cfg, dir)

	byURL := map[string]Capture{}
	for _, cp := range sum.Captures {
		byURL[cp.URL] = cp
	}
	regular := 0
	for _, e := range f.Expected() {
		if !strings.Contains(e.URL, f.Host(farm.SiteHanweb)) && !strings.Contains(e.URL, f.Host(farm.SiteTRS)) && !strings.Contains(e.URL, f.Host(farm.SiteGeneric)) {
			continue
		}
		regular++
		cp, ok := byURL[e.URL]
		if !ok || cp.Kind != KindReport || cp.FetchStatus != StatusOK || !cp.Changed || cp.WARCFile == "" {
			t.Errorf("report %s %s: %+v", e.ID, e.URL, cp)
		}
		for _, a := range e.Attachments {
			if cp, ok := byURL[a]; !ok || cp.Kind != KindAttachment || cp.FetchStatus != StatusOK || !cp.Changed {
				t.Errorf("attachment %s of %s: %+v", a, e.ID, cp)
			}
		}
	}
	if regular == 0 {
		t.Fatal("the farm has no reports on its regular sites")
	}
	if d := f.DisallowedRequests(); len(d) > 0 {
		t.Errorf("%d requests for disallowed paths, first %s%s", len(d), d[0].Host, d[0].Path)
	}
	for _, s := range f.Sites() {
		if n := f.MaxInFlight(s); n > 1 {
			t.Errorf("site %s had %d requests in flight", s, n)
		}
	}
	for _, r := range f.Requests() {
		if r.UserAgent != cfg.UserAgent {
			t.Fatalf("User-Agent %q", r.UserAgent)
		}
	}
	portals := map[string]PortalSummary{}
	for _, p := range sum.Portals {
		portals[p.Name] = p
	}
	for _, name := range []string{farm.SiteRuishu, farm.SiteJiasule, farm.SiteShell} {
		p := portals["farm-"+name]
		if p.Challenges == 0 || p.NewOrChanged != 0 || len(p.Errors) == 0 {
			t.Errorf("challenge portal %s: %+v", name, p)
		}
	}
	faults := portals["farm-"+farm.SiteFaults]
	if faults.Challenges != 0 || faults.BackingOff {
		t.Errorf("fault portal night 1: %+v", faults)
	}

	// Night 2: one report changed; the fault host's back-off is over.
	var changed farm.Expected
	for _, e := range f.Expected() {
		if strings.Contains(e.URL, f.Host(farm.SiteGeneric)) {
			changed = e
			break
		}
	}
	if err := f.Change(changed.ID); err != nil {
		t.Fatal(err)
	}
	before := len(f.Requests())
	sum2 := crawlOnce(t, cfg, dir)

	conditional := 0
	for _, r := range f.Requests()[before:] {
		if r.IfNoneMatch != "" || r.IfModifiedSince != "" {
			conditional++
		}
	}
	if conditional == 0 {
		t.Errorf("no conditional requests on night 2")
	}
	marked := map[string]bool{}
	for _, cp := range sum2.Captures {
		if cp.Changed && (cp.Kind == KindReport || cp.Kind == KindAttachment) && !strings.Contains(cp.URL, f.Host(farm.SiteFaults)) {
			marked[cp.URL] = true
		}
	}
	if !marked[changed.URL] {
		t.Errorf("changed report %s not marked", changed.URL)
	}
	for u := range marked {
		if u != changed.URL && !contains(changed.Attachments, u) {
			t.Errorf("unchanged %s marked for extraction on night 2", u)
		}
	}

	// The fault host over both nights.
	last := map[string]Capture{}
	for _, s := range []*Summary{sum, sum2} {
		for _, cp := range s.Captures {
			last[cp.URL] = cp
		}
	}
	want := map[string]func(Capture) bool{
		"/flaky/2022nb.html":       fetchedOrUnchanged,
		"/ratelimited/2019nb.html": fetchedOrUnchanged,
		"/charset/2021nb.html":     fetchedOrUnchanged,
		"/slow/2022nb.html":        fetchedOrUnchanged,
		"/stall/2022nb.html":       func(c Capture) bool { return c.FetchStatus == StatusFailed && c.WARCFile == "" },
		"/reset/2022nb.pdf":        func(c Capture) bool { return c.FetchStatus == StatusFailed },
		"/gzip/2022nb.html":        func(c Capture) bool { return c.FetchStatus == StatusOK && c.WARCFile != "" },
		"/loop/a.html":             func(c Capture) bool { return c.HTTPStatus/100 == 3 },
		"/loop/b.html":             func(c Capture) bool { return strings.Contains(c.Error, "loop") },
		"/away/2022nb.html":        func(c Capture) bool { return strings.Contains(c.Error, "leaves") },
		"/files/huge-2022nb.pdf":   func(c Capture) bool { return c.FetchStatus == StatusTruncated && c.Kind == KindAttachment },
		"/private/2022nb.html":     func(c Capture) bool { return c.FetchStatus == StatusRobotsDisallowed },
		"/gone/2022nb.html":        func(c Capture) bool { return c.FetchStatus == StatusFailed && c.HTTPStatus == 404 },
	}
	for path, ok := range want {
		cp, seen := last[f.URL(farm.SiteFaults, path)]
		if !seen || !ok(cp) {
			t.Errorf("fault %s (%s): %+v", path, f.Faults()[f.URL(farm.SiteFaults, path)], cp)
		}
	}
	for _, r := range f.Requests() {
		if r.Host == f.Host(farm.SiteOutside) {
			t.Errorf("out-of-scope host requested: %s", r.Path)
		}
	}
	readArchive(t, dir) // every file valid, by our reader
	checkWithWarcio(t, dir)
}

// fetchedOrUnchanged: fetched on night 1, or asked again on night 2 and
// answered 304.
func fetchedOrUnchanged(c Capture) bool {
	return c.FetchStatus == StatusOK && c.HTTPStatus == 200 || c.FetchStatus == StatusNotModified && c.HTTPStatus == 304
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
