package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/state"
)

// TestKillChild is the crawl the kill test runs in a child process. It
// does nothing unless started by TestKill9Resume.
func TestKillChild(t *testing.T) {
	dir := os.Getenv("NIANBAO_KILL_CHILD_DIR")
	if dir == "" {
		t.Skip("only run as a child of TestKill9Resume")
	}
	cfg, err := configs.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Config: cfg, DataDir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestKill9Resume kills a crawling process at random moments, runs the
// same command again each time, and checks that nothing archived was
// archived again, nothing was lost, and every WARC file is valid.
func TestKill9Resume(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	const reports = 80
	var portals strings.Builder
	var sites []*site
	for i := 0; i < 3; i++ {
		s := newSite(t)
		var links []string
		for n := 0; n < reports; n++ {
			links = append(links, fmt.Sprintf("/r%d.html", n))
			att := ""
			if n%2 == 0 {
				att = fmt.Sprintf("/f/a%d.pdf", n)
				body := []byte(strings.Repeat(fmt.Sprintf("%%PDF-1.4 host %d report %d ", i, n), 3000))
				s.handle(att, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/pdf")
					w.Write(body)
				})
			}
			s.html(links[n], reportPage(n, att))
		}
		s.html("/list.html", listing(links...))
		sites = append(sites, s)
		portals.WriteString(portalYAML(fmt.Sprintf("p%d", i), s.URL("/list.html")))
	}
	head := strings.NewReplacer("delay_floor: 20ms", "delay_floor: 10ms", "delay_ceiling: 40ms", "delay_ceiling: 12ms").Replace(testPoliteness)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(head+"portals:\n"+portals.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	// Night 1: killed at random moments, then run to the end.
	kills := killRounds(t, dir)
	// Every WARC file is valid and closed; every URL has exactly one
	// response record (robots.txt is asked again by each process, by design).
	recs := readArchive(t, filepath.Join(dir, "data"))
	for i, s := range sites {
		for _, path := range append([]string{"/list.html"}, expectedPaths(reports)...) {
			if resp, rev := responsesFor(recs, s.URL(path)); resp != 1 || rev != 0 {
				t.Errorf("site %d %s: %d responses, %d revisits; want exactly 1 response", i, path, resp, rev)
			}
		}
	}
	// Nothing is lost: the run is finished, nothing is queued, and the
	// run's capture log (kept across the kills) has every URL, archived.
	st, err := state.Open(filepath.Join(dir, "data", "state", "crawl.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := st.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if stats.Queued != 0 || stats.Pending != 0 || stats.Done != 3*(1+len(expectedPaths(reports))) {
		t.Errorf("state after the crawl: %+v", stats)
	}
	seen := map[string]int{}
	var captures int
	err = st.Captures(1, func(b []byte) error {
		var cp Capture
		if err := json.Unmarshal(b, &cp); err != nil {
			return err
		}
		captures++
		if cp.Kind != KindRobots {
			seen[cp.URL]++
			if cp.FetchStatus != StatusOK || cp.WARCFile == "" {
				t.Errorf("capture %+v", cp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sites {
		for _, path := range append([]string{"/list.html"}, expectedPaths(reports)...) {
			if n := seen[s.URL(path)]; n != 1 {
				t.Errorf("site %d %s: %d captures, want 1", i, path, n)
			}
		}
	}
	st.Close()
	t.Logf("night 1: %d kills, %d records, %d captures", kills, len(recs), captures)

	// Night 2, killed again: nothing changed, so every URL gets exactly one
	// revisit record (list pages included: an adopted list revisit reads
	// its links from the original response).
	kills = killRounds(t, dir)
	recs = readArchive(t, filepath.Join(dir, "data"))
	for i, s := range sites {
		for _, path := range append([]string{"/list.html"}, expectedPaths(reports)...) {
			if resp, rev := responsesFor(recs, s.URL(path)); resp != 1 || rev != 1 {
				t.Errorf("night 2: site %d %s: %d responses, %d revisits; want 1 and 1", i, path, resp, rev)
			}
		}
	}
	checkWithWarcio(t, filepath.Join(dir, "data"))
	t.Logf("night 2: %d kills, %d records", kills, len(recs))
}

// killRounds runs the crawl in child processes, killing the first ones at
// random moments, until one finishes the run.
func killRounds(t *testing.T, dir string) int {
	t.Helper()
	kills, finished := 0, false
	for round := 0; round < 12 && !finished; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "NIANBAO_KILL_CHILD_DIR="+dir)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var kill <-chan time.Time
		if round < 6 {
			kill = time.After(time.Duration(80+rand.IntN(300)) * time.Millisecond)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("child failed: %v\n%s", err, out)
			}
			finished = true
		case <-kill:
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
	}
	if kills < 3 || !finished {
		t.Fatalf("%d kills, finished %v: the crawl is too fast or too slow for this test", kills, finished)
	}

	return kills
}

func expectedPaths(reports int) []string {
	var out []string
	for n := 0; n < reports; n++ {
		out = append(out, fmt.Sprintf("/r%d.html", n))
		if n%2 == 0 {
			out = append(out, fmt.Sprintf("/f/a%d.pdf", n))
		}
	}
	return out
}
