package parquetcheck

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/crawler/farm"
)

// The tests in this file run the nianbao binary as a user would and read
// what it wrote with DuckDB.

var nianbaoBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nianbao-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nianbaoBin = filepath.Join(dir, "nianbao")
	build := exec.Command("go", "build", "-o", nianbaoBin, "./cmd/nianbao")
	build.Dir = "../.."
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build nianbao: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func nianbao(t *testing.T, wantCode int, args ...string) string {
	t.Helper()
	cmd := exec.Command(nianbaoBin, append(args, "--log-level", "error")...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != wantCode {
		t.Fatalf("nianbao %v: exit %d, want %d\n%s\n%s", args, code, wantCode, out.String(), errb.String())
	}
	return out.String()
}

func one(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows := scan(t, db, q)
	if len(rows) != 1 {
		t.Fatalf("%d rows from %s", len(rows), q)
	}
	return rows[0]
}

// TestExtractSeedsCLI is issue 3's acceptance: the seeds through the CLI,
// read back by DuckDB with the exact counts, twice.
func TestExtractSeedsCLI(t *testing.T) {
	out := t.TempDir()
	seeds := "../../extract/testdata/seeds"
	nianbao(t, 0, "extract", "--out", out, seeds)
	db := openDB(t)
	check := func() []string {
		if got := one(t, db, "SELECT count(*) FROM "+ds(out, "reports")); got != "5" {
			t.Errorf("reports: %s, want 5", got)
		}
		if got := one(t, db, "SELECT count(*), count(*) FILTER (WHERE value IS NULL) FROM "+ds(out, "cells")); got != "994|344" {
			t.Errorf("cells, NULL cells: %s, want 994|344", got)
		}
		parts := scan(t, db, "SELECT DISTINCT year, province, typeof(year), typeof(province) FROM "+ds(out, "cells")+" ORDER BY ALL")
		want := []string{"2019|63|BIGINT|BIGINT", "2021|33|BIGINT|BIGINT", "2021|41|BIGINT|BIGINT", "2021|63|BIGINT|BIGINT", "2023|63|BIGINT|BIGINT"}
		if !slices.Equal(parts, want) {
			t.Errorf("partitions %v, want %v", parts, want)
		}
		failed := scan(t, db, "SELECT c.rule, c.scope, c.expected, c.actual FROM "+ds(out, "checks")+" c WHERE c.year = 2023 AND c.passed = false ORDER BY c.rule")
		if !slices.Equal(failed, []string{"R2|requests.unable.not_held|37|25", "R3|requests.*.total|116|128"}) {
			t.Errorf("2023 failed checks: %v", failed)
		}
		return scan(t, db, "SELECT report_id, key, value, raw, year, province FROM "+ds(out, "cells")+" ORDER BY ALL")
	}
	first := check()
	nianbao(t, 0, "extract", "--out", out, seeds)
	if second := check(); !slices.Equal(first, second) {
		t.Errorf("the second run changed the cells: %d rows, then %d", len(first), len(second))
	}
}

// TestDemo is issue 5's acceptance: `nianbao demo` leaves four non-empty
// datasets that DuckDB reads.
func TestDemo(t *testing.T) {
	data := filepath.Join(t.TempDir(), "demo-data")
	out := nianbao(t, 0, "demo", "--data", data)
	if !strings.Contains(out, "Requests received") {
		t.Errorf("the demo printed no query result:\n%s", out)
	}
	db := openDB(t)
	root := filepath.Join(data, "parquet")
	for _, name := range []string{"reports", "cells", "checks", "captures"} {
		if n := one(t, db, "SELECT count(*) FROM "+ds(root, name)); n == "0" {
			t.Errorf("%s is empty", name)
		}
	}
}

// servedValues are the farm's known values of every report page and
// attachment, by URL, as "key=value" lines.
func servedValues(f *farm.Farm) map[string][]string {
	out := map[string][]string{}
	for _, e := range f.Expected() {
		var lines []string
		for k, v := range e.Values {
			s := "NULL"
			if v != nil {
				s = fmt.Sprint(*v)
			}
			lines = append(lines, k+"="+s)
		}
		slices.Sort(lines)
		out[e.URL] = lines
		for _, a := range e.Attachments {
			out[a] = lines
		}
	}
	return out
}

func storedValues(t *testing.T, db *sql.DB, root string) map[string][]string {
	rows := scan(t, db, `SELECT r.source, c.key || '=' || coalesce(CAST(c.value AS VARCHAR), 'NULL')
		FROM `+ds(root, "cells")+` c JOIN `+ds(root, "reports")+` r USING (report_id) ORDER BY 1, 2`)
	out := map[string][]string{}
	for _, r := range rows {
		src, kv, _ := strings.Cut(r, "|")
		kv = strings.Replace(kv, ".0=", "=", 1)
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasSuffix(v, ".0") {
			kv = k + "=" + strings.TrimSuffix(v, ".0")
		}
		out[src] = append(out[src], kv)
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

func diffValues(t *testing.T, what string, want, got map[string][]string) {
	t.Helper()
	for url, w := range want {
		g, ok := got[url]
		if !ok {
			t.Errorf("%s: %s not in the datasets", what, url)
			continue
		}
		if !slices.Equal(g, w) {
			var bad []string
			for _, kv := range w {
				if !slices.Contains(g, kv) {
					bad = append(bad, kv)
				}
			}
			t.Errorf("%s: %s: %d cells stored, %d served; served but not stored: %v", what, url, len(g), len(w), bad)
		}
	}
}

// TestFarmRunArchiveReextract: farm → `nianbao run` → DuckDB equals the
// served values; `extract --archive` rebuilds the same datasets as the
// extraction of the original files; a second night with one report
// changed updates exactly that report.
func TestFarmRunArchiveReextract(t *testing.T) {
	ctx := context.Background()
	f, err := farm.Start(ctx, farm.Options{HugeSize: 24 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "farm.yaml")
	os.WriteFile(cfg, f.ConfigYAML(), 0o644)
	data := filepath.Join(dir, "data")
	nianbao(t, 0, "run", "--config", cfg, "--data", data)
	db := openDB(t)
	root := filepath.Join(data, "parquet")
	served := servedValues(f)
	diffValues(t, "run", served, storedValues(t, db, root))

	// Re-extract from the archive alone, and from the original files.
	fromArchive := filepath.Join(dir, "from-archive")
	nianbao(t, 0, "extract", "--archive", filepath.Join(data, "archive"), "--out", fromArchive)
	files := filepath.Join(dir, "files")
	os.MkdirAll(files, 0o755)
	i := 0
	for url := range served {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		i++
		os.WriteFile(filepath.Join(files, fmt.Sprintf("doc-%02d", i)), body, 0o644)
	}
	fromFiles := filepath.Join(dir, "from-files")
	nianbao(t, 0, "extract", "--out", fromFiles, files)
	bySHA := func(root string) []string {
		return scan(t, db, `SELECT r.content_sha256, c.key, c.value, c.raw FROM `+ds(root, "cells")+` c JOIN `+ds(root, "reports")+` r USING (report_id) ORDER BY ALL`)
	}
	a, b := bySHA(fromArchive), bySHA(fromFiles)
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("extract --archive gave %d cell rows, the original files %d; equal: %v", len(a), len(b), slices.Equal(a, b))
	}
	if n := one(t, db, "SELECT count(*) FROM "+ds(fromArchive, "reports")+" WHERE warc_filename IS NULL OR warc_record_length <= 0"); n != "0" {
		t.Errorf("%s reports re-extracted from the archive do not point back to their record", n)
	}

	// The second night.
	before := scan(t, db, "SELECT source, report_id FROM "+ds(root, "reports")+" ORDER BY 1")
	changed := f.Expected()[0]
	if err := f.Change(changed.ID); err != nil {
		t.Fatal(err)
	}
	nianbao(t, 0, "run", "--config", cfg, "--data", data)
	after := scan(t, db, "SELECT source, report_id FROM "+ds(root, "reports")+" ORDER BY 1")
	var moved []string
	for i := range before {
		if i < len(after) && before[i] != after[i] {
			moved = append(moved, strings.Split(after[i], "|")[0])
		}
	}
	// The changed report's page, and the attachments the farm regenerates
	// from its values; nothing else.
	want := []string{changed.URL}
	for _, e := range f.Expected() {
		if e.ID == changed.ID {
			want = append(want, e.Attachments...)
		}
	}
	slices.Sort(moved)
	slices.Sort(want)
	if len(before) != len(after) || !slices.Equal(moved, want) {
		t.Errorf("second night replaced %v (of %d → %d reports), want exactly %v", moved, len(before), len(after), want)
	}
	diffValues(t, "second night", map[string][]string{changed.URL: servedValues(f)[changed.URL]}, storedValues(t, db, root))
	if n := one(t, db, "SELECT count(DISTINCT crawl_date) FROM "+ds(root, "captures")); n == "0" {
		t.Error("no captures")
	}
}
