package store

import (
	"bytes"
	"encoding/csv"
	"flag"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated codebook table in docs/schema.md")

const (
	schemaDoc = "../docs/schema.md"
	codebook  = "../extract/codebook/codebook.tsv"
)

// codebookTable renders codebook.tsv as the markdown table of the docs.
func codebookTable(t *testing.T) string {
	t.Helper()
	f, err := os.Open(codebook)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, 8
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"table", "row", "col", "template", "zh_row", "zh_col", "unit", "meaning"}
	if !slices.Equal(head, want) {
		t.Fatalf("codebook header %q, want %q", head, want)
	}
	var b strings.Builder
	b.WriteString("| key | template | 中文 row | 中文 column | unit | meaning |\n|---|---|---|---|---|---|\n")
	esc := strings.NewReplacer("|", `\|`).Replace
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		key := rec[0] + "." + rec[1] + "." + rec[2]
		b.WriteString("| `" + key + "` | " + rec[3] + " | " + esc(rec[4]) + " | " + esc(rec[5]) + " | " + esc(rec[6]) + " | " + esc(rec[7]) + " |\n")
	}
	return b.String()
}

var codebookSection = regexp.MustCompile(`(?s)(<!-- codebook:begin[^\n]*-->\n)(.*?)(<!-- codebook:end -->)`)

// TestDocsCodebook fails when docs/schema.md and codebook.tsv disagree.
// Regenerate with: go test ./store -run TestDocsCodebook -update-docs
func TestDocsCodebook(t *testing.T) {
	doc, err := os.ReadFile(schemaDoc)
	if err != nil {
		t.Fatal(err)
	}
	m := codebookSection.FindSubmatchIndex(doc)
	if m == nil {
		t.Fatal("docs/schema.md has no codebook:begin/end markers")
	}
	table := codebookTable(t)
	if got := string(doc[m[4]:m[5]]); got != table {
		if *updateDocs {
			out := slices.Concat(doc[:m[4]], []byte(table), doc[m[5]:])
			if err := os.WriteFile(schemaDoc, out, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the codebook table in docs/schema.md is out of date; run go test ./store -run TestDocsCodebook -update-docs")
	}
}

// docColumns returns the column names documented for a dataset.
func docColumns(t *testing.T, doc []byte, dataset string) []string {
	t.Helper()
	i := bytes.Index(doc, []byte("<!-- columns:"+dataset+" -->"))
	if i < 0 {
		t.Fatalf("no column table for %s", dataset)
	}
	var cols []string
	for _, line := range strings.Split(string(doc[i:]), "\n")[3:] {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
		cols = append(cols, name)
	}
	return cols
}

// TestDocsColumns: every column in the files is documented, in file order,
// followed by the partition columns.
func TestDocsColumns(t *testing.T) {
	doc, err := os.ReadFile(schemaDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dataset string
		schema  *parquet.Schema
		parts   []string
	}{
		{Reports, parquet.SchemaOf(reportRow{}), []string{"year", "province"}},
		{Cells, parquet.SchemaOf(cellRow{}), []string{"year", "province"}},
		{Checks, parquet.SchemaOf(checkRow{}), []string{"year", "province"}},
		{Captures, parquet.SchemaOf(captureRow{}), []string{"crawl_date"}},
	} {
		var want []string
		for _, f := range tc.schema.Fields() {
			want = append(want, f.Name())
		}
		want = append(want, tc.parts...)
		if got := docColumns(t, doc, tc.dataset); !slices.Equal(got, want) {
			t.Errorf("%s: docs list %q, files have %q", tc.dataset, got, want)
		}
	}
}
