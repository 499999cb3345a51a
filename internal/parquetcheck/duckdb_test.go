package parquetcheck

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/store/storetest"
)

const schemaDoc = "../../docs/schema.md"

var fetched = time.Date(2026, 11, 21, 3, 4, 5, 0, time.UTC)

// fixture is what the tests write: the five seed-shaped reports, one that
// fails R1, and a few captures.
func fixture() []*extract.Report {
	return append(storetest.Seeds(), storetest.FailingR1())
}

func captures() []store.Capture {
	return []store.Capture{
		{URL: "https://www.haidong.gov.cn/col/col1/index.html", FetchedAt: fetched, HTTPStatus: 200, MIME: "text/html",
			ContentDigest: "sha1:AAAA", WARCFilename: "c.warc.gz", WARCRecordOffset: 0, WARCRecordLength: 1200,
			FetchStatus: store.FetchOK, Portal: "haidong", Kind: store.KindList},
		{URL: "https://www.haidong.gov.cn/private/", FetchedAt: fetched.Add(time.Minute),
			FetchStatus: store.FetchRobotsDisallowed, Portal: "haidong"},
	}
}

// writeDataset writes the fixture under a new root, times times (re-runs).
func writeDataset(t *testing.T, times int) string {
	t.Helper()
	root := t.TempDir()
	ctx := context.Background()
	for range times {
		s, err := store.Open(ctx, store.Options{Root: root, ExtractorVersion: "test-1"})
		if err != nil {
			t.Fatal(err)
		}
		for i, rep := range fixture() {
			var o store.Origin
			if strings.HasPrefix(rep.Source, "https://") {
				o = store.Origin{FetchedAt: fetched, WARCFile: "c.warc.gz", Offset: int64(2000 * (i + 1)), Length: 1500}
			}
			if err := s.Add(ctx, rep, o); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddCaptures(ctx, captures()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func scan(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = render(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func render(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case []any:
		var s []string
		for _, e := range v {
			s = append(s, render(e))
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	return fmt.Sprint(v)
}

func ds(root, name string) string {
	return fmt.Sprintf("read_parquet('%s/%s/**/*.parquet', hive_partitioning = true)", filepath.ToSlash(root), name)
}

// TestTypesMatchDocs: DuckDB's view of every column, partition columns
// included, is what docs/schema.md says.
func TestTypesMatchDocs(t *testing.T) {
	root := writeDataset(t, 1)
	db := openDB(t)
	doc, err := os.ReadFile(schemaDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{store.Reports, store.Cells, store.Checks, store.Captures} {
		got := scan(t, db, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+ds(root, name)+")")
		want := docTypes(t, doc, name)
		// DuckDB lists partition columns in its own order; the store
		// tests check the documented order of the file columns.
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n DuckDB %q\n docs   %q", name, got, want)
		}
	}
}

// docTypes reads "name|TYPE" pairs from the dataset's table in the docs.
func docTypes(t *testing.T, doc []byte, dataset string) []string {
	t.Helper()
	text := string(doc)
	i := strings.Index(text, "<!-- columns:"+dataset+" -->")
	if i < 0 {
		t.Fatalf("no column table for %s", dataset)
	}
	var out []string
	for _, line := range strings.Split(text[i:], "\n")[3:] {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		f := strings.Split(line, "|")
		out = append(out, strings.Trim(strings.TrimSpace(f[1]), "`")+"|"+strings.TrimSpace(f[2]))
	}
	return out
}

func TestCountsAndPartitions(t *testing.T) {
	root := writeDataset(t, 1)
	db := openDB(t)
	reps := fixture()
	var cells, blank, checks, failed int
	for _, r := range reps {
		cells += len(r.Cells)
		checks += len(r.Checks)
		for _, c := range r.Cells {
			if c.Value == nil {
				blank++
			}
		}
		for _, c := range r.Checks {
			if c.Failed() {
				failed++
			}
		}
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"SELECT count(*) FROM " + ds(root, "reports"), []string{strconv.Itoa(len(reps))}},
		{"SELECT count(*), count(*) FILTER (WHERE value IS NULL) FROM " + ds(root, "cells"), []string{fmt.Sprintf("%d|%d", cells, blank)}},
		{"SELECT count(*), count(*) FILTER (WHERE passed = false), count(*) FILTER (WHERE passed IS NULL) FROM " + ds(root, "checks"), []string{fmt.Sprintf("%d|%d|2", checks, failed)}},
		{"SELECT count(*), count(DISTINCT crawl_date) FROM " + ds(root, "captures"), []string{"2|1"}},
		{"SELECT DISTINCT typeof(year), typeof(province) FROM " + ds(root, "cells"), []string{"BIGINT|BIGINT"}},
		{"SELECT year, province, count(*) FROM " + ds(root, "reports") + " GROUP BY ALL ORDER BY ALL",
			[]string{"0|0|1", "2019|63|1", "2021|41|1", "2021|63|1", "2022|33|1", "2023|63|1"}},
		// cells and checks carry the same partitions as their report.
		{"SELECT count(*) FROM " + ds(root, "cells") + " c JOIN " + ds(root, "reports") + " r USING (report_id) WHERE c.year <> r.year OR c.province <> r.province", []string{"0"}},
		{"SELECT sum(cell_count), sum(blank_cell_count), sum(failed_check_count) FROM " + ds(root, "reports"), []string{fmt.Sprintf("%d|%d|%d", cells, blank, failed)}},
	} {
		if got := scan(t, db, tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s\n got %q\nwant %q", tc.q, got, tc.want)
		}
	}
}

func TestNullIsNotZero(t *testing.T) {
	root := writeDataset(t, 1)
	db := openDB(t)
	q := func(where string) []string {
		return scan(t, db, "SELECT value, raw, typeof(value) FROM "+ds(root, "cells")+
			" WHERE agency = '海东市人民政府' AND report_year = 2023 AND "+where)
	}
	for _, tc := range []struct {
		key  string
		want string
	}{
		{"requests.carried_over.total", "NULL||DOUBLE"},    // blank
		{"active.regulations.repealed", "0|0|DOUBLE"},      // printed 0
		{"requests.unable.not_held.total", "25|25|DOUBLE"}, // printed as is, although R2 fails
		{"active.admin_licensing.decisions", "32510|32510|DOUBLE"},
	} {
		if got := q("key = '" + tc.key + "'"); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("%s: %q, want %q", tc.key, got, tc.want)
		}
	}
	got := scan(t, db, "SELECT rule, passed, expected, actual FROM "+ds(root, "checks")+
		" WHERE report_id = (SELECT report_id FROM "+ds(root, "reports")+" WHERE report_year = 2023) ORDER BY rule")
	want := []string{"R1|true|128|128", "R2|false|37|25", "R3|false|116|128", "R4|NULL|NULL|NULL"}
	if !slices.Equal(got, want) {
		t.Errorf("checks %q, want %q", got, want)
	}
	// Local files have no archive reference; URLs do.
	got = scan(t, db, "SELECT format, warc_filename, warc_record_offset, fetched_at, publication_date FROM "+ds(root, "reports")+" WHERE report_year IN (2019, 2023) ORDER BY report_year")
	want = []string{"doc|NULL|NULL|NULL|2020-02-19T00:00:00Z", "html|c.warc.gz|4000|2026-11-21T03:04:05Z|2024-03-10T00:00:00Z"}
	if !slices.Equal(got, want) {
		t.Errorf("reports %q, want %q", got, want)
	}
	got = scan(t, db, "SELECT flags, len(flags) FROM "+ds(root, "cells")+" WHERE region_code = '410781' AND key IN ('requests.total.total', 'requests.new.total') ORDER BY key")
	want = []string{"[]|0", "[extra_cells,ambiguous_alignment]|2"}
	if !slices.Equal(got, want) {
		t.Errorf("flags %q, want %q", got, want)
	}
}

// TestRerunSameRows: writing the same input twice leaves exactly the rows
// of writing it once, compared by DuckDB row by row.
func TestRerunSameRows(t *testing.T) {
	once, twice := writeDataset(t, 1), writeDataset(t, 2)
	db := openDB(t)
	for _, name := range []string{"reports", "cells", "checks", "captures"} {
		a, b := ds(once, name), ds(twice, name)
		q := fmt.Sprintf("SELECT (SELECT count(*) FROM %s), (SELECT count(*) FROM %s), (SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s)), (SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s))", a, b, a, b, b, a)
		got := scan(t, db, q)
		if len(got) != 1 || !strings.HasSuffix(got[0], "|0|0") || strings.HasPrefix(got[0], "0|") {
			t.Errorf("%s: counts once|twice|only-once|only-twice = %q", name, got)
		}
		if f := strings.Split(got[0], "|"); f[0] != f[1] {
			t.Errorf("%s: %s rows once, %s twice", name, f[0], f[1])
		}
	}
}

// docExamples extracts the DuckDB examples: ```sql blocks starting with
// "-- duckdb-example: NAME".
func docExamples(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile(schemaDoc)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```sql\n-- duckdb-example: ([a-z0-9-]+)\n(.*?)```")
	ex := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		ex[m[1]] = m[2]
	}
	if len(ex) == 0 {
		t.Fatal("no DuckDB examples found in docs/schema.md")
	}
	return ex
}

// TestDocsExamples runs every DuckDB example of docs/schema.md against the
// fixture dataset and checks its result, worked out by hand from the
// fixture reports.
func TestDocsExamples(t *testing.T) {
	root := writeDataset(t, 1)
	db := openDB(t)

	// blank-vs-zero is computed from the fixture itself.
	var blankVsZero []string
	reps := fixture()
	slices.SortFunc(reps, func(a, b *extract.Report) int {
		return strings.Compare(fmt.Sprintf("%s|%04d", a.Agency, a.ReportYear), fmt.Sprintf("%s|%04d", b.Agency, b.ReportYear))
	})
	for _, r := range reps {
		if len(r.Cells) == 0 {
			continue
		}
		var blank, zero int
		for _, c := range r.Cells {
			switch {
			case c.Value == nil:
				blank++
			case *c.Value == 0:
				zero++
			}
		}
		blankVsZero = append(blankVsZero, fmt.Sprintf("%s|%d|%d|%d|%d", r.Agency, r.ReportYear, len(r.Cells), blank, zero))
	}

	want := map[string][]string{
		"requests-by-province-year": {
			"2019|63|1|1|NULL", // 海东市市直机关事务管理局 left section 三 blank
			"2021|41|1|0|0",
			"2021|63|1|0|0",
			"2022|33|1|0|10",
			"2023|63|1|0|128",
		},
		"agencies-failing-r1": {
			"金华市金东区人民政府|2022|requests.*.natural_person|12|10|https://www.jindong.gov.cn/art/2023/1/20/art_9.html",
			"金华市金东区人民政府|2022|requests.*.total|12|10|https://www.jindong.gov.cn/art/2023/1/20/art_9.html",
		},
		// Rows sort by row_key; columns as listed in the ON clause.
		"pivot-one-report": pivotWant(),
		"blank-vs-zero":    blankVsZero,
	}
	examples := docExamples(t)
	for name, q := range examples {
		w, ok := want[name]
		if !ok {
			t.Errorf("example %s has no expected result in this test", name)
			continue
		}
		q = strings.ReplaceAll(q, "'out/", "'"+filepath.ToSlash(root)+"/")
		if got := scan(t, db, q); !slices.Equal(got, w) {
			t.Errorf("example %s:\n got %q\nwant %q", name, got, w)
		}
	}
	for name := range want {
		if _, ok := examples[name]; !ok {
			t.Errorf("example %s is missing from docs/schema.md", name)
		}
	}
}

// pivotWant is section 三 of the 2023 report (storetest.Seeds()[1]) as the
// pivot prints it: rows by row_key, blanks NULL.
func pivotWant() []string {
	printed := map[string][7]string{
		"new":                     {"107", "NULL", "NULL", "NULL", "12", "9", "128"},
		"disclosed":               {"47", "NULL", "NULL", "NULL", "4", "7", "58"},
		"partially_disclosed":     {"2", "NULL", "NULL", "NULL", "NULL", "NULL", "2"},
		"unable.not_held":         {"27", "NULL", "NULL", "NULL", "8", "2", "25"},
		"not_processed.petition":  {"30", "NULL", "NULL", "NULL", "NULL", "NULL", "30"},
		"not_processed.vexatious": {"1", "NULL", "NULL", "NULL", "NULL", "NULL", "1"},
		"total":                   {"107", "NULL", "NULL", "NULL", "12", "9", "128"},
	}
	rows := slices.Clone(storetest.RequestRows2021)
	slices.Sort(rows)
	var out []string
	for _, r := range rows {
		v, ok := printed[r]
		if !ok {
			v = [7]string{"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"}
		}
		out = append(out, r+"|"+strings.Join(v[:], "|"))
	}
	return out
}
