package htmldoc

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nianbao/nianbao/extract/doc"
)

// checkDoc asserts what must hold for any input: a grid whose cells know
// their own position, text that is valid UTF-8 and already collapsed.
func checkDoc(t testing.TB, d *doc.Document) {
	t.Helper()
	if d.Format != doc.FormatHTML {
		t.Fatalf("format %q", d.Format)
	}
	text := func(s string) {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8: %q", s)
		}
		if s != strings.TrimSpace(s) || strings.ContainsAny(s, "\n\t\r") || strings.Contains(s, "  ") {
			t.Fatalf("text not collapsed: %q", s)
		}
	}
	text(d.Title)
	for _, b := range d.Blocks {
		if b.Table == nil {
			if b.Text == "" {
				t.Fatalf("empty paragraph block")
			}
			text(b.Text)
			continue
		}
		if len(b.Table.Rows) == 0 {
			t.Fatalf("table without rows")
		}
		for r, row := range b.Table.Rows {
			for c, cell := range row {
				if cell.Loc.Row != r || cell.Loc.Col != c {
					t.Fatalf("cell at r%dc%d says %v", r, c, cell.Loc)
				}
				text(cell.Text)
			}
		}
	}
}

func TestTruncatedFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "html", "*.html"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		step := len(data)/150 + 1
		for n := 0; n < len(data); n += step {
			d, err := Read(context.Background(), data[:n], "")
			if err != nil {
				t.Fatalf("%s[:%d]: %v", f, n, err)
			}
			checkDoc(t, d)
		}
	}
	// Cut inside section 三: the first tables survive and the cut is reported.
	data, _ := os.ReadFile(filepath.Join("..", "testdata", "html", "hanweb_2021_utf8.html"))
	cut := strings.Index(string(data), "（五）不予处理")
	d, err := Read(context.Background(), data[:cut], "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Tables()); n != 2 {
		t.Errorf("tables in a page cut inside section 三: %d, want 2", n)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "unclosed table") {
		t.Errorf("warnings = %q", d.Warnings)
	}
}

func TestHostileMarkup(t *testing.T) {
	cases := []struct {
		name string
		page string
		// check inspects the result beyond the invariants.
		check func(t *testing.T, d *doc.Document)
	}{
		{"empty", "", func(t *testing.T, d *doc.Document) {
			if len(d.Blocks) != 0 {
				t.Errorf("blocks from nothing: %+v", d.Blocks)
			}
		}},
		{"binary", "\x00\x01\x02\xff\xfe<\x00t\x00a\x00b\x00l\x00e>\x00", nil},
		{"deeply nested divs", strings.Repeat("<div>", 100000) + "深处" + strings.Repeat("</div>", 100000), func(t *testing.T, d *doc.Document) {
			if p := d.Paragraphs(); len(p) != 1 || p[0] != "深处" {
				t.Errorf("paragraphs = %q", p)
			}
			if len(d.Warnings) == 0 {
				t.Errorf("no warning about the nesting depth")
			}
		}},
		{"deeply nested unclosed tables", strings.Repeat("<table><tr><td>x", 20000), func(t *testing.T, d *doc.Document) {
			if len(d.Warnings) == 0 {
				t.Errorf("no warning about unclosed tables")
			}
		}},
		{"thousands of 10000-column colspans", "<table>" + strings.Repeat(`<tr><td colspan="10000">w</td></tr>`, 5000) + "</table>", func(t *testing.T, d *doc.Document) {
			cells := 0
			for _, tb := range d.Tables() {
				for _, row := range tb.Rows {
					cells += len(row)
				}
			}
			if cells > maxSpanCopies+5000 {
				t.Errorf("%d grid cells: span expansion not bounded", cells)
			}
			if !strings.Contains(strings.Join(d.Warnings, ";"), "spanned grid positions") {
				t.Errorf("no warning about truncated spans: %q", d.Warnings)
			}
		}},
		{"huge rowspans and colspans together", "<table>" + strings.Repeat(`<tr><td rowspan="65534" colspan="1000">a</td><td rowspan="0">b</td></tr>`, 2000) + "</table>", nil},
		{"rows and cells outside any table", `</td></tr><tr><td>甲</td><th>乙</th></tr></table></tbody>丙`, func(t *testing.T, d *doc.Document) {
			if len(d.Tables()) != 0 {
				t.Errorf("tables from stray rows: %d", len(d.Tables()))
			}
			if got := strings.Join(d.Paragraphs(), "/"); got != "甲/乙/丙" {
				t.Errorf("paragraphs = %q", got)
			}
		}},
		{"unterminated comment", "<p>前</p><!-- 注释 <table><tr><td>1</td></tr></table>", func(t *testing.T, d *doc.Document) {
			if len(d.Tables()) != 0 {
				t.Errorf("table read from inside a comment")
			}
		}},
		{"unterminated script", "<p>前</p><script>var x = '<table><tr><td>1</td></tr></table>", func(t *testing.T, d *doc.Document) {
			if got := d.Paragraphs(); len(got) != 1 || got[0] != "前" {
				t.Errorf("paragraphs = %q", got)
			}
		}},
		{"self-closing script does not swallow the page", `<script src="a.js"/><p>正文</p></script><p>后文</p>`, nil},
		{"attribute soup", `<td colspan=="2" rowspan='3 ' class= id=zoom "x">v</td><div id='zoom class="TRS_Editor>w`, nil},
		{"an unclosed select does not swallow the report", `<select><option>友情链接<option>某某网<div id="zoom"><p>一、总体情况</p><p>正文正文正文正文正文正文</p></div>`, func(t *testing.T, d *doc.Document) {
			if p := d.Paragraphs(); len(p) != 2 || p[0] != "一、总体情况" {
				t.Errorf("paragraphs = %q", p)
			}
		}},
		{"stray end tags under a deep stack", strings.Repeat("<span>", 600) + "文" + strings.Repeat("</div></p></a>", 200000), nil},
		{"known containers nested deep", strings.Repeat(`<div id="zoom"><p>段</p>`, 3000), func(t *testing.T, d *doc.Document) {
			if len(d.Paragraphs()) == 0 {
				t.Errorf("no paragraphs")
			}
		}},
		{"plaintext", `<p>a</p><plaintext><table><tr><td>1`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Read(context.Background(), []byte(c.page), "")
			if err != nil {
				t.Fatal(err)
			}
			checkDoc(t, d)
			if c.check != nil {
				c.check(t, d)
			}
		})
	}
}

// TestItemRuneCounts checks the rune counts kept while collecting text,
// which body scoring relies on, against a plain count.
func TestItemRuneCounts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "html", "*.html"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		text, _, _ := Decode(data, "")
		b := newBuilder(len(text))
		if err := b.tokenize(context.Background(), text); err != nil {
			t.Fatal(err)
		}
		b.document()
		for _, it := range b.items {
			if it.table < 0 && int(it.runes) != utf8.RuneCountInString(it.text) {
				t.Errorf("%s: %q counted %d runes", f, it.text, it.runes)
			}
			if it.link > it.runes {
				t.Errorf("%s: %q has %d link runes of %d", f, it.text, it.link, it.runes)
			}
		}
	}
}
