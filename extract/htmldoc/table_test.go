package htmldoc

import (
	"context"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
)

// rows renders a grid as one string per row: cells joined by "|", span
// copies marked with a leading "^".
func rows(t *doc.Table) []string {
	out := make([]string, len(t.Rows))
	for r, row := range t.Rows {
		cells := make([]string, len(row))
		for c, cell := range row {
			if cell.Spanned {
				cells[c] = "^" + cell.Text
			} else {
				cells[c] = cell.Text
			}
		}
		out[r] = strings.Join(cells, "|")
	}
	return out
}

func mustRead(t *testing.T, page string) *doc.Document {
	t.Helper()
	d, err := Read(context.Background(), []byte(page), "")
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return d
}

func onlyTable(t *testing.T, d *doc.Document) *doc.Table {
	t.Helper()
	tables := d.Tables()
	if len(tables) != 1 {
		t.Fatalf("got %d tables, want 1; paragraphs %.300q", len(tables), d.Paragraphs())
	}
	return tables[0]
}

func TestParseSpans(t *testing.T) {
	cases := []struct {
		in       string
		col, row int
	}{
		{"", 1, 1},
		{"2", 2, 2},
		{"2;", 2, 2},
		{" 3 ", 3, 3},
		{"3px", 3, 3},
		{"+4", 4, 4},
		{"\t5\n", 5, 5},
		{"0", 1, 0}, // colspan 0 is 1; rowspan 0 spans to the end of the row group
		{"-1", 1, 1},
		{"abc", 1, 1},
		{"1e3", 1, 1},
		{"1000", 1000, 1000},
		{"1001", 1000, 1001},
		{"65534", 1000, 65534},
		{"65535", 1000, 65534},
		{"99999999999999999999999", 1000, 65534},
	}
	for _, c := range cases {
		if got := parseColspan([]byte(c.in)); got != c.col {
			t.Errorf("parseColspan(%q) = %d, want %d", c.in, got, c.col)
		}
		if got := parseRowspan([]byte(c.in)); got != c.row {
			t.Errorf("parseRowspan(%q) = %d, want %d", c.in, got, c.row)
		}
	}
}

func TestTableGrid(t *testing.T) {
	cases := []struct {
		name string
		html string
		want []string
	}{
		{
			name: "malformed spans read by their leading digits",
			html: `<table><tr><td colspan="2;">a</td><td rowspan="2 ">b</td></tr>
				<tr><td colspan=" 2 ">c</td></tr></table>`,
			want: []string{"a|^a|b", "c|^c|^b"},
		},
		{
			name: "rowspan 0 reaches the end of its row group only",
			html: `<table><tbody><tr><td rowspan="0">g</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></tbody>
				<tbody><tr><td>x</td><td>4</td></tr></tbody></table>`,
			want: []string{"g|1", "^g|2", "^g|3", "x|4"},
		},
		{
			name: "a rowspan longer than its row group is clipped",
			html: `<table><thead><tr><th rowspan="5">h</th><th>k</th></tr></thead>
				<tbody><tr><td>a</td><td>b</td></tr></tbody></table>`,
			want: []string{"h|k", "a|b"},
		},
		{
			name: "tfoot written first is drawn last",
			html: `<table><tfoot><tr><td>foot</td></tr></tfoot><tbody><tr><td>body1</td></tr><tr><td>body2</td></tr></tbody></table>`,
			want: []string{"body1", "body2", "foot"},
		},
		{
			name: "cells skip slots taken by spans from above",
			html: `<table><tr><td rowspan="2">a</td><td>b</td><td rowspan="2">c</td></tr><tr><td>d</td><td>e</td></tr></table>`,
			want: []string{"a|b|c", "^a|d|^c|e"},
		},
		{
			name: "overlapping spans keep the earlier cell",
			html: `<table><tr><td>a</td><td rowspan="2">b</td></tr><tr><td colspan="3">c</td></tr></table>`,
			want: []string{"a|b", "c|^b|^c"},
		},
		{
			name: "unclosed cells and rows, stray end tags, td without tr",
			html: `<table><td>a<td>b</td></td></td><tr><td>c<td>d<tr><td>e</table>`,
			want: []string{"a|b", "c|d", "e"},
		},
		{
			name: "a colspan past the clamp counts 1000 columns",
			html: `<table><tr><td colspan="10000">w</td><td>z</td></tr></table>`,
			want: []string{"w" + strings.Repeat("|^w", 999) + "|z"},
		},
		{
			name: "Word's empty width row at the end is dropped, inner empty rows stay",
			html: `<table><tr><td>a</td></tr><tr><td></td></tr><tr><td>b</td></tr><tr height=0><td></td><td></td></tr></table>`,
			want: []string{"a", "", "b"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := rows(onlyTable(t, mustRead(t, c.html)))
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("grid:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestSection3Shape(t *testing.T) {
	// The 2021 section 三 header and the first rows of the 三 group, as
	// portals publish them.
	page := `<table>
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td rowspan="22">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td><td>21</td></tr>
<tr><td rowspan="8">（三）不予公开</td><td>1.属于国家秘密</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table>`
	tb := onlyTable(t, mustRead(t, page))
	if len(tb.Rows) != 6 {
		t.Fatalf("rows = %d, want 6", len(tb.Rows))
	}
	for r, row := range tb.Rows {
		if len(row) != 10 {
			t.Errorf("row %d has %d cells, want 10", r, len(row))
		}
	}
	check := func(r, c int, text string, spanned bool) {
		t.Helper()
		cell := tb.Rows[r][c]
		if cell.Text != text || cell.Spanned != spanned {
			t.Errorf("r%dc%d = %q spanned=%v, want %q spanned=%v", r, c, cell.Text, cell.Spanned, text, spanned)
		}
		if cell.Loc.Row != r || cell.Loc.Col != c {
			t.Errorf("r%dc%d has Loc %v", r, c, cell.Loc)
		}
	}
	check(2, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", true)
	check(1, 3, "自然人", false)
	check(2, 3, "自然人", true)
	check(2, 9, "总计", true)
	check(2, 4, "商业企业", false)
	check(3, 0, "三、本年度办理结果", false)
	check(3, 2, "（一）予以公开", true)
	check(3, 9, "21", false)
	check(4, 0, "三、本年度办理结果", true)
	check(4, 1, "（三）不予公开", false)
	check(5, 1, "（三）不予公开", true)
	check(5, 2, "2.其他法律行政法规禁止公开", false)
	if tb.Rows[3][3].Loc.Line != 5 {
		t.Errorf("line of r3c3 = %d, want 5", tb.Rows[3][3].Loc.Line)
	}
}

func TestNestedTables(t *testing.T) {
	page := `<table width="1000"><tr><td>网站首页 | 政务公开</td></tr>
<tr><td><p>一、总体情况</p><p>全年收到申请5件。</p>
<table><tr><td>行政许可</td><td>58</td></tr><tr><td>行政处罚</td><td>23</td></tr></table>
<p>二、其他</p></td></tr></table>`
	d := mustRead(t, page)
	tb := onlyTable(t, d)
	if got := strings.Join(rows(tb), "\n"); got != "行政许可|58\n行政处罚|23" {
		t.Errorf("inner table:\n%s", got)
	}
	// The outer layout table is not a table; its cell text is paragraphs,
	// in order around the inner table, and the inner text is not repeated.
	// The navigation cell is left out by body selection.
	var seq []string
	for _, b := range d.Blocks {
		if b.Table != nil {
			seq = append(seq, "[table]")
		} else {
			seq = append(seq, b.Text)
		}
	}
	want := []string{"一、总体情况", "全年收到申请5件。", "[table]", "二、其他"}
	if strings.Join(seq, "\n") != strings.Join(want, "\n") {
		t.Errorf("blocks:\n%s\nwant:\n%s", strings.Join(seq, "\n"), strings.Join(want, "\n"))
	}
}

func TestSingleCellTableIsLayout(t *testing.T) {
	d := mustRead(t, `<table><tr><td><p>一、总体情况</p><p>正文</p></td></tr></table>`)
	if len(d.Tables()) != 0 {
		t.Errorf("a one-cell wrapper became a table: %+v", d.Tables())
	}
	if got := strings.Join(d.Paragraphs(), "/"); got != "一、总体情况/正文" {
		t.Errorf("paragraphs = %q", got)
	}
}

func TestProseCellMakesLayoutTable(t *testing.T) {
	para := strings.Repeat("我局认真贯彻落实政府信息公开条例，", 4)
	page := `<table><tr><td class="side"><a>首页</a><a>通知公告</a></td><td>` +
		`<p>一、总体情况</p><p>` + para + `</p><p>二、主动公开政府信息情况</p><p>` + para + `</p><p>三、其他</p><p>` + para + `</p>` +
		`<table><tr><td>行政许可</td><td>5</td></tr><tr><td>行政处罚</td><td>0</td></tr></table>` +
		`</td></tr></table>`
	d := mustRead(t, page)
	if p := d.Paragraphs(); len(p) < 6 || p[0] != "一、总体情况" {
		t.Errorf("paragraphs = %q", p)
	}
	if len(d.Tables()) != 1 {
		t.Errorf("tables = %d, want the inner one only", len(d.Tables()))
	}
	// Without the nested table the prose column alone marks the layout.
	page = strings.Replace(page, `<table><tr><td>行政许可</td><td>5</td></tr><tr><td>行政处罚</td><td>0</td></tr></table>`, "", 1)
	d = mustRead(t, page)
	if len(d.Tables()) != 0 {
		t.Errorf("a two-column page became a data table: %q", rows(d.Tables()[0]))
	}
	if p := d.Paragraphs(); len(p) != 6 || p[2] != "二、主动公开政府信息情况" {
		t.Errorf("paragraphs = %q", p)
	}
}

func TestCellWithManySegments(t *testing.T) {
	var b strings.Builder
	b.WriteString("<table><tr><td>a</td><td>")
	for range 20000 {
		b.WriteString("1<br>")
	}
	b.WriteString("</td></tr></table>")
	tb := onlyTable(t, mustRead(t, b.String()))
	if got := tb.Rows[0][1].Text; len(got) != 2*20000-1 || strings.Count(got, "1") != 20000 {
		t.Errorf("cell of 20000 segments has %d bytes", len(got))
	}
}

func TestCaptionBeforeTable(t *testing.T) {
	d := mustRead(t, `<p>前文</p><table><caption>表一 <b>主动公开</b>情况</caption><tr><td>行政许可</td><td>5</td></tr><tr><td>行政处罚</td><td>0</td></tr></table><p>后文</p>`)
	var seq []string
	for _, b := range d.Blocks {
		if b.Table != nil {
			seq = append(seq, "[table "+strings.Join(rows(b.Table), "/")+"]")
		} else {
			seq = append(seq, b.Text)
		}
	}
	want := "前文\n表一 主动公开情况\n[table 行政许可|5/行政处罚|0]\n后文"
	if got := strings.Join(seq, "\n"); got != want {
		t.Errorf("blocks:\n%s\nwant:\n%s", got, want)
	}
}
