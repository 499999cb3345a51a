package extract

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// gold is a hand-read gold file: "# key: value" metadata lines, a header
// line, then "table row col value" with an empty value for a blank cell.
type gold struct {
	meta  map[string]string
	cells []goldCell
}

type goldCell struct{ key, value string }

func readGold(path string) (*gold, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g := &gold{meta: map[string]string{}}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			k, v, ok := strings.Cut(strings.TrimPrefix(line, "#"), ":")
			if !ok {
				return nil, fmt.Errorf("%s:%d: metadata line without ':'", path, n)
			}
			g.meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case line == "" || strings.HasPrefix(line, "table\t"):
		default:
			p := strings.Split(line, "\t")
			if len(p) != 4 {
				return nil, fmt.Errorf("%s:%d: %d fields, want 4", path, n, len(p))
			}
			g.cells = append(g.cells, goldCell{p[0] + "." + p[1] + "." + p[2], p[3]})
		}
	}
	return g, sc.Err()
}

// goldChecks turns "R2 requests.unable.not_held (…); R3 requests total column (…)"
// into sorted "rule scope" strings; "none …" is the empty set.
func goldChecks(s string) []string {
	if strings.HasPrefix(s, "none") || s == "" {
		return nil
	}
	paren := regexp.MustCompile(`\([^)]*\)`)
	var out []string
	for _, part := range strings.Split(paren.ReplaceAllString(s, ""), ";") {
		f := strings.Fields(part)
		if len(f) < 2 {
			continue
		}
		rule, scope := f[0], f[1]
		// "requests total column" names a column of section 三.
		if len(f) >= 4 && f[3] == "column" {
			scope = f[1] + ".*." + f[2]
		}
		out = append(out, rule+" "+scope)
	}
	slices.Sort(out)
	return out
}

func failedChecks(r *Report) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Failed() {
			out = append(out, c.Rule+" "+c.Scope)
		}
	}
	slices.Sort(out)
	return out
}

// goldValueMatches compares a cell with a gold value: "" is blank; a number
// compares numerically (0.8650 equals 0.865); a printed unit (251000元) must
// be the cell's unit; a marker compares by raw text.
func goldValueMatches(c Cell, want string) bool {
	if want == "" {
		return c.Value == nil && strings.TrimSpace(c.Raw) == ""
	}
	v := parseValue(want)
	if !v.has {
		return c.Value == nil && normalize(c.Raw) == normalize(want)
	}
	return c.Value != nil && *c.Value == v.num && (v.unit == "" || v.unit == c.Unit)
}

func valueString(c Cell) string {
	if c.Value == nil {
		return ""
	}
	return strconv.FormatFloat(*c.Value, 'f', -1, 64)
}

func parseSeed(t testing.TB, name string) *Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Parse(context.Background(), Source{Name: name}, data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSeedsMatchGold: for every seed, Parse equals the hand-read gold file
// exactly: every cell key in order, every value and blank, the metadata,
// the templates and the set of failed checks.
func TestSeedsMatchGold(t *testing.T) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	if len(seeds) != 5 {
		t.Fatalf("%d seeds, want 5", len(seeds))
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range seeds {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			compareGold(t, e, path, filepath.Join("testdata", "gold", strings.TrimSuffix(name, ".txt")+".tsv"))
		})
	}
}

// compareGold parses path and compares the report with the gold file.
func compareGold(t *testing.T, e *Extractor, path, goldPath string) {
	t.Helper()
	g, err := readGold(goldPath)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Parse(context.Background(), Source{Name: filepath.Base(path)}, data)
	if err != nil {
		t.Fatal(err)
	}
	mismatches := 0
	for i := 0; i < max(len(g.cells), len(r.Cells)); i++ {
		var want goldCell
		var got Cell
		if i < len(g.cells) {
			want = g.cells[i]
		}
		if i < len(r.Cells) {
			got = r.Cells[i]
		}
		if got.Key() != want.key || !goldValueMatches(got, want.value) {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("cell %d: got %s=%q (raw %q, line %d, flags %v), want %s=%q",
					i, got.Key(), valueString(got), got.Raw, got.Loc.Line, got.Flags, want.key, want.value)
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d cells differ (%d emitted)", mismatches, len(g.cells), len(r.Cells))
	}
	meta := []struct{ key, got string }{
		{"agency", r.Agency},
		{"report_year", strconv.Itoa(r.ReportYear)},
		{"publication_date", r.PublicationDate},
		{"template.active", r.Templates.Active},
		{"template.requests", r.Templates.Requests},
		{"index_no", r.IndexNo},
		{"region_code", r.RegionCode},
	}
	for _, m := range meta {
		if want := g.meta[m.key]; m.got != want {
			t.Errorf("%s = %q, want %q", m.key, m.got, want)
		}
	}
	if got, want := failedChecks(r), goldChecks(g.meta["checks_failed"]); !slices.Equal(got, want) {
		t.Errorf("failed checks %q, want %q", got, want)
		for _, c := range r.Checks {
			if c.Failed() {
				t.Logf("  %s %s: %s", c.Rule, c.Scope, c.Detail)
			}
		}
	}
}
