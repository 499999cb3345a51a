package crawler

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func TestOptionsValidateNamesTheField(t *testing.T) {
	cfg := testConfig(t, "", portalYAML("p", "http://127.0.0.1:1/"))
	noTimeout := *cfg
	noTimeout.Limits.BodyTimeout = 0
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{DataDir: "x"}, "Config"},
		{Options{Config: cfg}, "DataDir"},
		{Options{Config: cfg, DataDir: "x", Shard: Shard{Index: 2, Count: 2}}, "Shard"},
		{Options{Config: &noTimeout, DataDir: "x"}, "body_timeout"},
	} {
		err := tc.opts.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate() = %v, want it to name %s", err, tc.want)
		}
	}
	if err := (Options{Config: cfg, DataDir: "x", Shard: Shard{Index: 1, Count: 2}}).Validate(); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestShardsSplitPortalsStably(t *testing.T) {
	var portals strings.Builder
	for i := 0; i < 40; i++ {
		portals.WriteString(portalYAML(fmt.Sprintf("p%d", i), fmt.Sprintf("http://www%d.example.gov.cn/list.html", i)))
	}
	cfg := testConfig(t, "", portals.String())
	seen := map[string]int{}
	for idx := 0; idx < 3; idx++ {
		c, err := New(Options{Config: cfg, DataDir: t.TempDir(), Shard: Shard{Index: idx, Count: 3}})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.portals) == 0 || len(c.portals) == 40 {
			t.Errorf("shard %d has %d of 40 portals", idx, len(c.portals))
		}
		for _, p := range c.portals {
			seen[p.cfg.Name]++
		}
	}
	if len(seen) != 40 {
		t.Errorf("%d portals covered by the 3 shards, want 40", len(seen))
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d shards", name, n)
		}
	}
}

func TestUnreachablePortalIsReported(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close() // connection refused from now on
	s := oneReport(t)
	s.html("/r.html", reportPage(1, ""))
	portals := portalYAML("dead", "http://"+dead+"/list.html") + portalYAML("alive", s.URL("/list.html")) +
		"  - name: example\n    start_urls: [\"http://" + dead + "/x.html\"]\n    reachable: false\n"
	sum := crawlOnce(t, testConfig(t, "", portals), t.TempDir())
	got := map[string]PortalSummary{}
	for _, p := range sum.Portals {
		got[p.Name] = p
	}
	if p := got["dead"]; !p.Unreachable || len(p.Errors) == 0 || !strings.Contains(p.Errors[0], "robots.txt") {
		t.Errorf("dead portal %+v", p)
	}
	if p := got["alive"]; p.Unreachable || p.ReportsFound != 1 {
		t.Errorf("alive portal %+v", p)
	}
	if p := got["example"]; !p.Unreachable {
		t.Errorf("portal marked reachable: false is not reported unreachable: %+v", p)
	}
}

// Cancelling a run stops it promptly with everything consistent; the same
// command then finishes the run without fetching anything twice.
func TestCancelThenResume(t *testing.T) {
	s := newSite(t)
	var links []string
	for i := 0; i < 30; i++ {
		links = append(links, fmt.Sprintf("/r%d.html", i))
		s.html(links[i], reportPage(i, ""))
	}
	s.html("/list.html", listing(links...))
	cfg := testConfig(t, "", portalYAML("p", s.URL("/list.html")))
	dir := t.TempDir()
	c, err := New(Options{Config: cfg, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	first, err := c.Run(ctx)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("cancelled run: err %v after %v", err, time.Since(start))
	}
	done := len(first.Captures)
	if done < 3 || done >= 31 {
		t.Fatalf("%d captures before the cancel; the test wants a partial run", done)
	}
	sum := crawlOnce(t, cfg, dir)
	if !sum.Resumed || sum.Run != first.Run {
		t.Errorf("second call did not resume run %d: %+v", first.Run, sum.Run)
	}
	recs := readArchive(t, dir)
	for _, l := range append(links, "/list.html") {
		if resp, _ := responsesFor(recs, s.URL(l)); resp != 1 {
			t.Errorf("%s: %d responses", l, resp)
		}
		if cp, ok := captureFor(sum, s.URL(l)); !ok || cp.FetchStatus != StatusOK {
			t.Errorf("%s: %+v", l, cp)
		}
	}
}
