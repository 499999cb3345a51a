package officedoc

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cellWant is one hand-checked grid position: table index in document
// order, row, column, text and whether it is a span copy.
type cellWant struct {
	table, row, col int
	text            string
	spanned         bool
}

func checkCells(t *testing.T, d *doc.Document, want []cellWant) {
	t.Helper()
	tables := d.Tables()
	for _, w := range want {
		if w.table >= len(tables) {
			t.Errorf("table %d missing (have %d)", w.table, len(tables))
			continue
		}
		rows := tables[w.table].Rows
		if w.row >= len(rows) || w.col >= len(rows[w.row]) {
			t.Errorf("table %d r%dc%d missing", w.table, w.row, w.col)
			continue
		}
		c := rows[w.row][w.col]
		if c.Text != w.text || c.Spanned != w.spanned {
			t.Errorf("table %d r%dc%d = %q spanned=%v, want %q spanned=%v", w.table, w.row, w.col, c.Text, c.Spanned, w.text, w.spanned)
		}
		if c.Loc.Row != w.row || c.Loc.Col != w.col {
			t.Errorf("table %d r%dc%d has Loc %s", w.table, w.row, w.col, c.Loc)
		}
	}
}

func checkHeadings(t *testing.T, d *doc.Document, want []string) {
	t.Helper()
	paras := strings.Join(d.Paragraphs(), "\n")
	for _, h := range want {
		if !strings.Contains("\n"+paras+"\n", "\n"+h+"\n") {
			t.Errorf("heading paragraph %q not found", h)
		}
	}
}

var headings = []string{
	"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
	"四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
}

// The expectations below were read off the HTML sources in
// ../pdfdoc/testdata (report2021.html, report2019.html) by hand.
func TestReadDOCXReport2021(t *testing.T) {
	d, err := Read(context.Background(), readFixture(t, "report2021.docx"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != doc.FormatDOCX {
		t.Errorf("format %s", d.Format)
	}
	if d.Title != "青山县市场监督管理局2022年政府信息公开工作年度报告" {
		t.Errorf("title %q", d.Title)
	}
	checkHeadings(t, d, headings)
	tables := d.Tables()
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3", len(tables))
	}
	for i, n := range []int{14, 28, 4} {
		if got := len(tables[i].Rows); got != n {
			t.Errorf("table %d has %d rows, want %d", i, got, n)
		}
	}
	checkCells(t, d, []cellWant{
		{0, 0, 0, "第二十条第（一）项", false},
		{0, 0, 3, "第二十条第（一）项", true},
		{0, 3, 0, "行政规范性文件", false},
		{0, 3, 3, "48", false},
		{0, 6, 1, "1523", false},
		{0, 6, 2, "1523", true},
		{0, 12, 1, "本年收费金额（单位：万元）", false},
		{0, 13, 1, "12.3456", false},
		// Section 三: header rowspan/colspan, then the 7 value columns at 3..9.
		{1, 1, 3, "自然人", false},
		{1, 2, 3, "自然人", true},
		{1, 2, 4, "商业企业", false},
		{1, 1, 9, "总计", false},
		{1, 3, 0, "一、本年新收政府信息公开申请数量", false},
		{1, 3, 2, "一、本年新收政府信息公开申请数量", true},
		{1, 3, 9, "134", false},
		{1, 5, 0, "三、本年度办理结果", false},
		{1, 26, 0, "三、本年度办理结果", true}, // rowspan 22 reaches （七）总计
		{1, 7, 1, "（三）不予公开", false},
		{1, 14, 1, "（三）不予公开", true},
		{1, 14, 2, "8.属于行政查询事项", false},
		{1, 15, 2, "1.本机关不掌握相关政府信息", false},
		{1, 15, 7, "1", false},
		{1, 15, 9, "28", false},
		{1, 23, 4, "1", false},
		{1, 26, 1, "（七）总计", false},
		{1, 26, 9, "132", false},
		{1, 27, 9, "8", false},
		// Section 四: 15 values in a row of their own.
		{2, 1, 5, "未经复议直接起诉", false},
		{2, 2, 0, "结果维持", true},
		{2, 2, 14, "总计", false},
		{2, 3, 0, "3", false},
		{2, 3, 4, "5", false},
		{2, 3, 14, "2", false},
	})
}

func TestReadDOCXReport2019(t *testing.T) {
	d, err := Read(context.Background(), readFixture(t, "report2019.docx"), "")
	if err != nil {
		t.Fatal(err)
	}
	checkHeadings(t, d, headings)
	tables := d.Tables()
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3", len(tables))
	}
	for i, n := range []int{18, 26, 4} {
		if got := len(tables[i].Rows); got != n {
			t.Errorf("table %d has %d rows, want %d", i, got, n)
		}
	}
	checkCells(t, d, []cellWant{
		{0, 1, 1, "本年新 制作数量", false}, // <br> inside the header cell
		{0, 6, 2, "-5", false},
		{0, 7, 0, "其他对外管理服务事项", false},
		{0, 14, 2, "-1", false},
		{0, 17, 2, "7139200", false},
		{0, 17, 3, "7139200", true},
		{1, 3, 5, "", false}, // blank stays blank, not 0
		{1, 3, 7, "1", false},
		{1, 3, 9, "49", false},
		{1, 23, 1, "（六）其他处理", false},
		{1, 23, 9, "1", false},
		{1, 24, 3, "46", false},
		{1, 25, 9, "1", false},
		{2, 3, 0, "1", false},
		{2, 3, 14, "0", false},
	})
}

// docxWith builds a minimal DOCX around a w:body fragment.
func docxWith(t testing.TB, body string) []byte {
	t.Helper()
	xmlDoc := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<w:document xmlns:w="` + nsW + `" xmlns:mc="` + nsMC + `"><w:body>` + body + `</w:body></w:document>`
	return zipOf(t, map[string]string{"word/document.xml": xmlDoc})
}

func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, s := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(s))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tc(props, text string) string {
	return `<w:tc><w:tcPr>` + props + `</w:tcPr><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:tc>`
}

// rowsOf renders a table as "a|~b|c" lines, ~ marking span copies.
func rowsOf(tb *doc.Table) []string {
	var out []string
	for _, r := range tb.Rows {
		var cs []string
		for _, c := range r {
			s := c.Text
			if c.Spanned {
				s = "~" + s
			}
			cs = append(cs, s)
		}
		out = append(out, strings.Join(cs, "|"))
	}
	return out
}

func TestDOCXConstructs(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		paras  []string
		tables [][]string
	}{
		{
			name: "runs tabs breaks and revisions",
			body: `<w:p><w:r><w:t xml:space="preserve">第二十条  </w:t></w:r><w:r><w:t>第（一）项</w:t></w:r><w:r><w:tab/><w:t>甲</w:t><w:br/><w:t>乙</w:t></w:r>` +
				`<w:del><w:r><w:delText>删掉</w:delText></w:r></w:del><w:ins><w:r><w:t>丙</w:t></w:r></w:ins>` +
				`<w:r><w:instrText>PAGE</w:instrText></w:r></w:p>`,
			paras: []string{"第二十条 第（一）项 甲", "乙丙"},
		},
		{
			name: "sdt wrappers and alternate content",
			body: `<w:sdt><w:sdtContent><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:sdtContent></w:sdt>` +
				`<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>框</w:t></mc:Choice><mc:Fallback><w:t>框</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>`,
			paras: []string{"一、总体情况", "框"},
		},
		{
			name: "gridSpan vMerge without val and gridBefore",
			body: `<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>` +
				`<w:tr>` + tc(`<w:vMerge w:val="restart"/>`, "三、结果") + tc(`<w:gridSpan w:val="2"/>`, "（一）") + `</w:tr>` +
				`<w:tr>` + tc(`<w:vMerge/>`, "") + tc(``, "1.") + tc(``, "5") + `</w:tr>` +
				`<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>` + tc(``, "x") + tc(``, "y") + `</w:tr>` +
				`</w:tbl>`,
			tables: [][]string{{"三、结果|（一）|~（一）", "~三、结果|1.|5", "|x|y"}},
		},
		{
			name: "vMerge continue across a gridSpan and legacy hMerge",
			body: `<w:tbl>` +
				`<w:tr>` + tc(`<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>`, "申请人") + tc(``, "总计") + `</w:tr>` +
				`<w:tr>` + tc(`<w:gridSpan w:val="2"/><w:vMerge w:val="continue"/>`, "") + tc(`<w:hMerge w:val="restart"/>`, "a") + tc(`<w:hMerge/>`, "") + `</w:tr>` +
				`</w:tbl>`,
			tables: [][]string{{"申请人|~申请人|总计", "~申请人|~申请人|a|~a"}},
		},
		{
			name: "layout frame table is unwrapped",
			body: `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>标题</w:t></w:r></w:p>` +
				`<w:tbl><w:tr>` + tc(``, "规章") + tc(``, "2") + `</w:tr></w:tbl>` +
				`<w:p><w:r><w:t>落款</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
			paras:  []string{"标题", "落款"},
			tables: [][]string{{"规章|2"}},
		},
		{
			name:   "a one-column table with several rows stays a table",
			body:   `<w:tbl><w:tr>` + tc(``, "信息内容") + `</w:tr><w:tr>` + tc(``, "规章") + `</w:tr></w:tbl>`,
			tables: [][]string{{"信息内容", "规章"}},
		},
		{
			name: "nested table follows its parent",
			body: `<w:tbl><w:tr>` + tc(``, "a") +
				`<w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p><w:tbl><w:tr>` + tc(``, "in") + tc(``, "ner") + `</w:tr></w:tbl></w:tc>` +
				`</w:tr></w:tbl>`,
			tables: [][]string{{"a|b"}, {"in|ner"}},
		},
		{
			name:   "absurd gridSpan is clamped",
			body:   `<w:tbl><w:tr>` + tc(`<w:gridSpan w:val="99999999"/>`, "x") + tc(``, "y") + `</w:tr></w:tbl>`,
			tables: [][]string{{"x" + strings.Repeat("|~x", maxSpan-1) + "|y"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := (&Reader{}).ReadDOCX(docxWith(t, tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Paragraphs(); strings.Join(got, "\n") != strings.Join(tt.paras, "\n") {
				t.Errorf("paragraphs %q, want %q", got, tt.paras)
			}
			tables := d.Tables()
			if len(tables) != len(tt.tables) {
				t.Fatalf("%d tables, want %d", len(tables), len(tt.tables))
			}
			for i, want := range tt.tables {
				if got := rowsOf(tables[i]); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("table %d:\n got %q\nwant %q", i, got, want)
				}
			}
		})
	}
}

func TestDOCXBroken(t *testing.T) {
	deep := strings.Repeat("<w:sdt>", 300) + strings.Repeat("</w:sdt>", 300)
	many := map[string]string{"word/document.xml": `<w:document xmlns:w="` + nsW + `"><w:body/></w:document>`}
	for i := range 20 {
		many["x/"+strings.Repeat("a", i+1)] = ""
	}
	tests := []struct {
		name    string
		r       Reader
		data    []byte
		isLimit bool
	}{
		{"zip bomb fixture", Reader{}, readFixture(t, "zipbomb.docx"), true},
		{"part over a small limit", Reader{Options{MaxPartBytes: 100}}, docxWith(t, `<w:p><w:r><w:t>`+strings.Repeat("字", 100)+`</w:t></w:r></w:p>`), true},
		{"xml nested too deep", Reader{}, docxWith(t, deep), true},
		{"too many entries", Reader{Options{MaxEntries: 10}}, zipOf(t, many), true},
		{"spans multiply cells", Reader{Options{MaxCells: 50000}}, docxWith(t, `<w:tbl>`+strings.Repeat(`<w:tr>`+tc(`<w:gridSpan w:val="1000"/>`, "x")+tc(``, "y")+`</w:tr>`, 100)+`</w:tbl>`), true},
		{"truncated fixture", Reader{}, readFixture(t, "truncated.docx"), false},
		{"unclosed xml", Reader{}, zipOf(t, map[string]string{"word/document.xml": `<w:document xmlns:w="` + nsW + `"><w:body><w:p>`}), false},
		{"no document part", Reader{}, zipOf(t, map[string]string{"word/other.xml": "<x/>"}), false},
		{"not xml", Reader{}, zipOf(t, map[string]string{"word/document.xml": "\x00\x01garbage"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.r.ReadDOCX(tt.data)
			if err == nil {
				t.Fatalf("no error; document has %d blocks", len(d.Blocks))
			}
			if got := errors.Is(err, ErrLimit); got != tt.isLimit {
				t.Errorf("errors.Is(%v, ErrLimit) = %v, want %v", err, got, tt.isLimit)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tt := range []struct {
		o     Options
		field string
	}{
		{Options{MaxPartBytes: -1}, "MaxPartBytes"},
		{Options{MaxDepth: -1}, "MaxDepth"},
		{Options{Timeout: -1}, "Timeout"},
		{Options{MaxCells: -5}, "MaxCells"},
	} {
		err := tt.o.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", tt.o, err, tt.field)
		}
		if _, err := (&Reader{tt.o}).Read(context.Background(), readFixture(t, "report2021.docx"), ""); err == nil {
			t.Errorf("Read with invalid %s succeeded", tt.field)
		}
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("zero Options: %v", err)
	}
}

// FuzzDOCX feeds arbitrary document.xml bodies through the reader: it must
// never panic, and every cell must sit where its Loc says.
func FuzzDOCX(f *testing.F) {
	f.Add(`<w:p><w:r><w:t>x</w:t></w:r></w:p>`)
	f.Add(`<w:tbl><w:tr>` + tc(`<w:vMerge/>`, "a") + tc(`<w:gridSpan w:val="3"/>`, "b") + `</w:tr><w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>` + tc(`<w:vMerge/><w:gridSpan w:val="2"/>`, "") + `</w:tr></w:tbl>`)
	f.Add(`<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>n</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>`)
	f.Add(`<w:p><w:r><w:t>a</w:t><w:txbxContent><w:p><w:tbl/></w:p></w:txbxContent></w:r></w:p>`)
	s := string(documentXML(f, "report2019.docx"))
	if i, j := strings.Index(s, "<w:body>"), strings.LastIndex(s, "</w:body>"); i >= 0 && j > i {
		f.Add(s[i+len("<w:body>") : j])
	}
	f.Fuzz(func(t *testing.T, body string) {
		d, err := (&Reader{Options{MaxDepth: 64}}).ReadDOCX(docxWith(t, body))
		if err != nil {
			return
		}
		for _, tb := range d.Tables() {
			for ri, r := range tb.Rows {
				if len(r) > maxRowWidth {
					t.Fatalf("row %d has %d cells", ri, len(r))
				}
				for ci, c := range r {
					if c.Loc.Row != ri || c.Loc.Col != ci {
						t.Fatalf("cell at r%dc%d has Loc %s", ri, ci, c.Loc)
					}
				}
			}
		}
	})
}

func BenchmarkReadDOCX(b *testing.B) {
	data := readFixture(b, "report2021.docx")
	r := &Reader{}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := r.ReadDOCX(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// documentXML returns word/document.xml of a fixture.
func documentXML(t testing.TB, name string) []byte {
	t.Helper()
	b := readFixture(t, name)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			raw, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
	}
	t.Fatalf("%s has no word/document.xml", name)
	return nil
}

func TestDOCXNumbering(t *testing.T) {
	w := `xmlns:w="` + nsW + `"`
	numbering := `<w:numbering ` + w + `>` +
		`<w:abstractNum w:abstractNumId="7">` +
		`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>` +
		`<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>` +
		`</w:abstractNum>` +
		`<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>` +
		`<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>` +
		`<w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num>` +
		`<w:num w:numId="3"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>` +
		`</w:numbering>`
	styles := `<w:styles ` + w + `>` +
		`<w:style w:styleId="Heading1"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>` +
		`<w:style w:styleId="MyHeading"><w:basedOn w:val="Heading1"/></w:style>` +
		`</w:styles>`
	para := func(ppr, text string) string {
		return `<w:p><w:pPr>` + ppr + `</w:pPr><w:r><w:t>` + text + `</w:t></w:r></w:p>`
	}
	item := `<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>`
	body := para(`<w:pStyle w:val="Heading1"/>`, "总体情况") +
		para(`<w:pStyle w:val="MyHeading"/>`, "主动公开政府信息情况") +
		`<w:tbl><w:tr><w:tc><w:p><w:pPr>` + item + `</w:pPr><w:r><w:t>属于国家秘密</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:pPr>` + item + `</w:pPr><w:r><w:t>其他法律行政法规禁止公开</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
		para(`<w:pStyle w:val="Heading1"/>`, "收到和处理政府信息公开申请情况") +
		para(item, "重置后的第一项") +
		para(`<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>`, "要点") +
		para(`<w:pStyle w:val="Heading1"/><w:numPr><w:numId w:val="0"/></w:numPr>`, "编号已关闭") +
		para(`<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>`, "第十项")
	data := zipOf(t, map[string]string{
		"word/document.xml":  `<w:document ` + w + `><w:body>` + body + `</w:body></w:document>`,
		"word/numbering.xml": numbering,
		"word/styles.xml":    styles,
	})
	d, err := (&Reader{}).ReadDOCX(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "1.重置后的第一项", "要点", "编号已关闭", "十、第十项"}
	if got := d.Paragraphs(); !slices.Equal(got, want) {
		t.Errorf("paragraphs\n got %q\nwant %q", got, want)
	}
	if got := rowsOf(d.Tables()[0]); !slices.Equal(got, []string{"1.属于国家秘密|0", "2.其他法律行政法规禁止公开|2"}) {
		t.Errorf("table %q", got)
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tt := range []struct {
		n      int
		format string
		want   string
	}{
		{1, "chineseCounting", "一"}, {10, "chineseCounting", "十"}, {11, "chineseCountingThousand", "十一"},
		{20, "chineseCounting", "二十"}, {105, "chineseCounting", "一百零五"}, {110, "chineseCounting", "一百一十"},
		{3, "decimal", "3"}, {4, "upperRoman", "IV"}, {28, "lowerLetter", "bb"}, {3, "decimalEnclosedCircle", "③"},
		{12, "ideographDigital", "一二"}, {7, "unknownFormat", "7"},
	} {
		if got := formatNumber(tt.n, tt.format); got != tt.want {
			t.Errorf("formatNumber(%d, %s) = %q, want %q", tt.n, tt.format, got, tt.want)
		}
	}
}
