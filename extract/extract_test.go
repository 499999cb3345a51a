package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/nianbao/nianbao/extract/codebook"
	"github.com/nianbao/nianbao/extract/doc"
)

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string // substring of the error, "" for none
	}{
		{"zero value", Options{}, ""},
		{"nil reader", Options{Readers: map[doc.Format]Reader{doc.FormatHTML: nil}}, `Readers["html"]`},
		{"unknown format", Options{Readers: map[doc.Format]Reader{"rtf": ReaderFunc(nil)}}, `unknown format "rtf"`},
	}
	for _, tt := range tests {
		err := tt.opts.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		}
		if _, err2 := New(tt.opts); (err2 == nil) != (err == nil) {
			t.Errorf("%s: New and Validate disagree: %v vs %v", tt.name, err2, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	e, _ := New(Options{})
	_, err := e.Parse(context.Background(), Source{Name: "report.pdf"}, []byte("%PDF-1.7\n..."))
	if !errors.Is(err, ErrNoReader) || !strings.Contains(err.Error(), "report.pdf") {
		t.Errorf("pdf without a reader: %v", err)
	}
	boom := errors.New("boom")
	e, _ = New(Options{Readers: map[doc.Format]Reader{doc.FormatHTML: ReaderFunc(
		func(context.Context, []byte, string) (*doc.Document, error) { return nil, boom })}})
	_, err = e.Parse(context.Background(), Source{Name: "http://x.gov.cn/a.html"}, []byte("<html><body><table><tr><td>1</td></tr></table></body></html>"))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "http://x.gov.cn/a.html") {
		t.Errorf("reader error: %v", err)
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name, text string
		want       Status
	}{
		{"not a report", "今日天气晴。\n明天有雨。\n", StatusNotAReport},
		{"report without tables", "某局2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n（图片）\n", StatusNoTables},
		{"a column page listing reports", "政府信息公开年报\n某局2022年政府信息公开工作年度报告\n某局2021年政府信息公开工作年度报告\n某局2020年政府信息公开工作年度报告\n下一页\n", StatusNotAReport},
		{"all tables, consistent", report2021(nil, nil, appealZeros), StatusOK},
		{"section 四 missing", title2021 + activeText2021 + requestsText(nil, nil), StatusPartial},
	}
	for _, tt := range tests {
		if r := parseText(t, tt.text); r.Status != tt.want {
			t.Errorf("%s: status %s, want %s", tt.name, r.Status, tt.want)
		}
	}
}

func TestReportFields(t *testing.T) {
	r := parseText(t, report2021(nil, nil, appealZeros))
	if r.Source != "test.txt" || r.Format != doc.FormatText || len(r.SHA256) != 64 {
		t.Errorf("source %q format %q sha %q", r.Source, r.Format, r.SHA256)
	}
	if r.Templates != (Templates{Active: "2021", Requests: "2021"}) {
		t.Errorf("templates %+v", r.Templates)
	}
	for _, c := range r.Cells {
		if c.Loc.Line == 0 {
			t.Errorf("%s has no source line", c.Key())
		}
		if c.Unit == "" {
			t.Errorf("%s has no unit", c.Key())
		}
	}
}

// Emitted keys are codebook keys for the template reported, in layout
// order, and no derived key (withheld.total, …) ever appears.
func TestOnlyCodebookKeys(t *testing.T) {
	for _, text := range []string{report2021(nil, nil, appealZeros), string(mustSeed(t, "004_97c949ad666f67be.txt")), string(mustSeed(t, "003_2d75f7f597d72c01.txt"))} {
		r := parseText(t, text)
		assertCodebookKeys(t, r)
	}
}

func assertCodebookKeys(t testing.TB, r *Report) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range r.Cells {
		tmpl := r.Templates.Requests
		if c.Table == codebook.Active {
			tmpl = r.Templates.Active
		}
		if c.Table == codebook.Appeals {
			tmpl = codebook.T2021
		}
		if !codebook.Allowed(codebook.Key{Table: c.Table, Row: c.Row, Col: c.Col}, tmpl) {
			t.Errorf("key %s not in the codebook for template %q", c.Key(), tmpl)
		}
		if seen[c.Key()] {
			t.Errorf("key %s emitted twice", c.Key())
		}
		seen[c.Key()] = true
	}
}

// An HTML grid with expanded spans: a value cell with colspan=3 yields one
// value, not three, and a rowspan group label is repeated on every row.
func TestSpannedCells(t *testing.T) {
	row := func(cells ...string) []doc.Cell {
		var out []doc.Cell
		for i, c := range cells {
			spanned := strings.HasPrefix(c, "^")
			out = append(out, doc.Cell{Text: strings.TrimPrefix(c, "^"), Spanned: spanned, Loc: doc.Loc{Line: 10 + i}})
		}
		return out
	}
	d := &doc.Document{Format: doc.FormatHTML, Blocks: []doc.Block{
		{Text: "某局2021年政府信息公开工作年度报告"},
		{Text: "二、主动公开政府信息情况"},
		{Table: &doc.Table{Rows: [][]doc.Cell{
			row("第二十条第（五）项", "^第二十条第（五）项", "^第二十条第（五）项", "^第二十条第（五）项"),
			row("信息内容", "本年处理决定数量", "^本年处理决定数量", "^本年处理决定数量"),
			row("行政许可", "7", "^7", "^7"),
		}}},
	}}
	e, _ := New(Options{})
	r := e.FromDocument(context.Background(), Source{Name: "x.html"}, d, "")
	c := cell(t, r, "active.admin_licensing.decisions")
	if valueString(c) != "7" || len(c.Flags) != 0 {
		t.Errorf("cell %+v", c)
	}
}

func mustSeed(t testing.TB, name string) []byte {
	t.Helper()
	return []byte(seedText(t, name))
}

func TestLoggerReceivesPlacementNotes(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	e, err := New(Options{Logger: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Parse(context.Background(), Source{Name: "001.txt"}, mustSeed(t, "001_b788a0f788d8dbbc.txt")); err != nil {
		t.Fatal(err)
	}
	if logs.FilterMessage("section 三 placed").Len() != 1 {
		t.Errorf("logs: %v", logs.All())
	}
}

func TestReaderErrorsWithDocument(t *testing.T) {
	partial := &doc.Document{Blocks: []doc.Block{{Text: "某局2021年政府信息公开工作年度报告"}}}
	// Stand-ins for pdfdoc.ErrNoTextLayer and pdfdoc.ErrTruncated.
	errNoText, errTruncated := errors.New("no usable text layer"), errors.New("pdf is truncated")
	tests := []struct {
		name string
		err  error
		want Status
	}{
		{"no text layer", fmt.Errorf("pdfdoc: %w", errNoText), StatusNoTextLayer},
		{"truncated", fmt.Errorf("pdfdoc: %w", errTruncated), StatusNoTables},
	}
	noText := func(err error) bool { return errors.Is(err, errNoText) }
	for _, tt := range tests {
		e, _ := New(Options{TextUnusable: noText, Readers: map[doc.Format]Reader{doc.FormatPDF: ReaderFunc(
			func(context.Context, []byte, string) (*doc.Document, error) { return partial, tt.err })}})
		r, err := e.Parse(context.Background(), Source{Name: "a.pdf"}, []byte("%PDF-1.4\n"))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if r.Status != tt.want || len(r.Cells) != 0 || r.Format != doc.FormatPDF || len(r.Warnings) == 0 {
			t.Errorf("%s: status %s, %d cells, format %q, warnings %v", tt.name, r.Status, len(r.Cells), r.Format, r.Warnings)
		}
	}
}

// One Extractor serves many goroutines (the CLI parses archives in parallel).
func TestConcurrentParse(t *testing.T) {
	e, _ := New(Options{})
	texts := []string{seedText(t, "000_3450487cb858bd82.txt"), seedText(t, "001_b788a0f788d8dbbc.txt"), report2021(nil, nil, appealZeros)}
	want := make([]int, len(texts))
	for i, s := range texts {
		r, _ := e.Parse(context.Background(), Source{Name: "x"}, []byte(s))
		want[i] = len(r.Cells)
	}
	errs := make(chan string, 64)
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			for i := range 10 {
				k := (g + i) % len(texts)
				r, err := e.Parse(context.Background(), Source{Name: "x"}, []byte(texts[k]))
				if err != nil || len(r.Cells) != want[k] {
					errs <- fmt.Sprintf("goroutine %d: %v, %d cells", g, err, len(r.Cells))
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// Without Options.TextUnusable a PDF reader error that comes with a
// document is read as unusable text (nothing is mapped from it); another
// format's is a partial read.
func TestReaderErrorDefaults(t *testing.T) {
	reader := func(format doc.Format) Reader {
		return ReaderFunc(func(context.Context, []byte, string) (*doc.Document, error) {
			return &doc.Document{Format: format, Blocks: []doc.Block{{Text: "某局2021年政府信息公开工作年度报告"},
				{Table: &doc.Table{Rows: [][]doc.Cell{{{Text: "第二十条第（五）项"}}, {{Text: "行政许可"}, {Text: "3"}}}}}}}, errors.New("odd")
		})
	}
	e, _ := New(Options{Readers: map[doc.Format]Reader{doc.FormatPDF: reader(doc.FormatPDF), doc.FormatDOCX: reader(doc.FormatDOCX)}})
	r, err := e.Parse(context.Background(), Source{Name: "a.pdf"}, []byte("%PDF-1.4\n"))
	if err != nil || r.Status != StatusNoTextLayer || len(r.Cells) != 0 {
		t.Errorf("pdf: err %v, status %s, %d cells", err, r.Status, len(r.Cells))
	}
	r, err = e.Parse(context.Background(), Source{Name: "a.docx"}, zipWithEntry(t, "word/document.xml"))
	if err != nil || r.Status != StatusPartial || len(r.Cells) == 0 || !slices.ContainsFunc(r.Warnings, func(w string) bool {
		return strings.HasPrefix(w, "read incompletely: odd")
	}) {
		t.Errorf("docx: err %v, status %s, %d cells, warnings %q", err, r.Status, len(r.Cells), r.Warnings)
	}
}

func zipWithEntry(t *testing.T, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if _, err := zw.Create(name); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
