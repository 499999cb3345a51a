package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/crawler/farm"
)

// farmValues reads the published cells back into source → key → value.
func farmValues(t *testing.T, root string) (map[string]map[string]*float64, map[string]reportRow) {
	t.Helper()
	reports := map[string]reportRow{} // by report_id
	if err := eachRow[reportRow](filepath.Join(root, "reports"), func(r reportRow, _, _ int) { reports[r.ReportID] = r }); err != nil {
		t.Fatal(err)
	}
	values := map[string]map[string]*float64{}
	err := eachRow[cellRow](filepath.Join(root, "cells"), func(c cellRow, _, _ int) {
		src := reports[c.ReportID].Source
		if values[src] == nil {
			values[src] = map[string]*float64{}
		}
		values[src][c.Key] = c.Value
	})
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]reportRow{}
	for _, r := range reports {
		bySource[r.Source] = r
	}
	return values, bySource
}

func fmtValue(v *float64) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(*v)
}

// compareReport reports every cell of a served document that the datasets
// do not hold exactly.
func compareReport(t *testing.T, name string, want map[string]*float64, got map[string]*float64) int {
	t.Helper()
	if got == nil {
		t.Errorf("%s: not in the datasets", name)
		return 1
	}
	bad := 0
	for k, w := range want {
		g, ok := got[k]
		if !ok || fmtValue(g) != fmtValue(w) {
			bad++
			if bad <= 5 {
				t.Errorf("%s: %s = %s, served %s", name, k, fmtValue(g), fmtValue(w))
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d cells stored, %d served", name, len(got), len(want))
	}
	return bad
}

// TestRunOnFarmTwoNights is the end-to-end test: the farm serves reports
// whose values are known; `nianbao run` crawls, archives, extracts and
// publishes them; the Parquet read back must hold exactly those values.
// Then one report changes on the farm, and a second run updates exactly it.
func TestRunOnFarmTwoNights(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end crawl")
	}
	ctx := context.Background()
	f, err := farm.Start(ctx, farm.Options{HugeSize: 24 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "farm.yaml")
	if err := os.WriteFile(cfg, f.ConfigYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	code, out, errs := runCmd(t, "run", "--config", cfg, "--data", data, "--log-level", "error")
	if code != 0 {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errs)
	}
	root := filepath.Join(data, "parquet")
	values, reports := farmValues(t, root)
	expected := f.Expected()
	for _, e := range expected {
		compareReport(t, e.ID+" page", e.Values, values[e.URL])
		if r := reports[e.URL]; (len(e.Violates) > 0) != (r.FailedCheckCount > 0) {
			t.Errorf("%s: %d failed checks stored; the farm says it violates %v", e.ID, r.FailedCheckCount, e.Violates)
		}
		for _, a := range e.Attachments {
			compareReport(t, e.ID+" attachment "+a, e.Values, values[a])
		}
	}
	runs, _ := filepath.Glob(filepath.Join(data, "runs", "*.json"))
	if len(runs) != 1 {
		t.Errorf("%d run summaries, want 1", len(runs))
	}
	captures, _ := filepath.Glob(filepath.Join(root, "captures", "crawl_date=*", "*.parquet"))
	if len(captures) == 0 {
		t.Error("no captures dataset")
	}

	// The second night: one report changed on the farm.
	changed := expected[0]
	if err := f.Change(changed.ID); err != nil {
		t.Fatal(err)
	}
	before := reports
	code, out, errs = runCmd(t, "run", "--config", cfg, "--data", data, "--log-level", "error")
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errs)
	}
	values, reports = farmValues(t, root)
	for _, e := range f.Expected() {
		if e.ID == changed.ID {
			compareReport(t, e.ID+" changed page", e.Values, values[e.URL])
			if reports[e.URL].ReportID == before[e.URL].ReportID {
				t.Errorf("%s: report id unchanged after its content changed", e.ID)
			}
			continue
		}
		if reports[e.URL].ReportID != before[e.URL].ReportID {
			t.Errorf("%s: unchanged report was replaced (%s → %s)", e.ID, before[e.URL].ReportID, reports[e.URL].ReportID)
		}
	}
	if !strings.Contains(out, "total") {
		t.Errorf("no summary table on stdout:\n%s", out)
	}
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	// A portal on a loopback port where nothing listens: the run finishes
	// and says so with exit code 3.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`user_agent: "nianbao-test/1.0 (+http://127.0.0.1/contact)"
politeness: {delay_floor: 10ms, delay_ceiling: 20ms, retries: 1, backoff_base: 10ms, backoff_max: 20ms}
limits: {connect_timeout: 200ms, header_timeout: 500ms, body_timeout: 500ms}
portals:
  - name: gone
    cms: generic
    start_urls: ["http://%s/list/"]
`, addr)), 0o644)
	data := filepath.Join(dir, "data")
	if code, out, errs := runCmd(t, "run", "--config", cfg, "--data", data, "--log-level", "error"); code != exitUnreachable {
		t.Errorf("unreachable portal: exit %d, want %d\n%s\n%s", code, exitUnreachable, out, errs)
	}
	// A bad configuration is exit 2, and the message names the file and field.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("user_agent: x (+http://a)\nportals:\n  - name: a\n    cms: joomla\n    start_urls: [\"http://127.0.0.1/\"]\n"), 0o644)
	code, _, errs := runCmd(t, "run", "--config", bad, "--data", data)
	if code != exitUsage || !strings.Contains(errs, "bad.yaml:3") || !strings.Contains(errs, "cms") {
		t.Errorf("bad config: exit %d, stderr %q", code, errs)
	}
	// A second run on a locked data directory is refused.
	unlock, err := lockDir(data)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	code, _, errs = runCmd(t, "run", "--config", cfg, "--data", data)
	if code != exitFailed || !strings.Contains(errs, "another nianbao run") {
		t.Errorf("locked: exit %d, stderr %q", code, errs)
	}
}
