package pdfdoc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/extract/doc"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func needPoppler(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		t.Skip(err)
	}
}

// dataRow is a hand-read row of the HTML source: a label fragment and the
// texts expected in the last len(values) grid columns of its row.
type dataRow struct {
	label  string
	values []string
}

func v(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// checkRows finds each expected label, in order, in a non-spanned cell and
// compares the row's trailing cells.
func checkRows(t *testing.T, tb *doc.Table, want []dataRow) {
	t.Helper()
	ri := 0
	for _, w := range want {
		found := false
		for ; ri < len(tb.Rows); ri++ {
			r := tb.Rows[ri]
			if !slices.ContainsFunc(r, func(c doc.Cell) bool { return !c.Spanned && strings.Contains(c.Text, w.label) }) {
				continue
			}
			found = true
			if len(r) < len(w.values) {
				t.Errorf("row %q has %d cells", w.label, len(r))
				break
			}
			var got []string
			for _, c := range r[len(r)-len(w.values):] {
				got = append(got, c.Text)
			}
			if !slices.Equal(got, w.values) {
				t.Errorf("row %q (r%d): got %q, want %q", w.label, ri, got, w.values)
			}
			break
		}
		if !found {
			t.Errorf("row %q not found in order", w.label)
			ri = 0
		}
	}
}

var sectionHeadings = []string{
	"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
	"四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
}

func checkParagraphs(t *testing.T, d *doc.Document, want []string) {
	t.Helper()
	paras := d.Paragraphs()
	for _, w := range want {
		if !slices.Contains(paras, w) {
			t.Errorf("paragraph %q missing; have %q", w, paras)
		}
	}
	all := strings.Join(paras, "\n")
	for _, tb := range d.Tables() {
		for _, r := range tb.Rows {
			for _, c := range r {
				all += "\n" + c.Text
			}
		}
	}
	for _, bad := range []string{"-1-", "-2-", "第1页", "第2页", "2022 年"} {
		if strings.Contains(all, bad) {
			t.Errorf("running matter or unnormalised text %q survived", bad)
		}
	}
}

// Expected values are the cells of testdata/report2021.html, read by hand.
var requests2021 = []dataRow{
	{"一、本年新收", v("120,8,1,0,3,2,134")},
	{"二、上年结转", v("5,1,0,0,0,0,6")},
	{"（一）予以公开", v("60,4,1,0,1,1,67")},
	{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", v("10,1,0,0,0,0,11")},
	{"1.属于国家秘密", v("0,0,0,0,0,0,0")},
	{"2.其他法律行政法规禁止公开", v("0,0,0,0,0,0,0")},
	{"3.危及“三安全一稳定”", v("1,0,0,0,0,0,1")},
	{"4.保护第三方合法权益", v("2,0,0,0,0,0,2")},
	{"5.属于三类内部事务信息", v("0,0,0,0,0,0,0")},
	{"6.属于四类过程性信息", v("3,0,0,0,0,0,3")},
	{"7.属于行政执法案卷", v("0,0,0,0,0,0,0")},
	{"8.属于行政查询事项", v("0,0,0,0,0,0,0")},
	{"1.本机关不掌握相关政府信息", v("25,2,0,0,1,0,28")},
	{"2.没有现成信息需要另行制作", v("4,0,0,0,0,0,4")},
	{"3.补正后申请内容仍不明确", v("2,0,0,0,0,0,2")},
	{"1.信访举报投诉类申请", v("6,0,0,0,0,0,6")},
	{"2.重复申请", v("3,0,0,0,0,0,3")},
	{"3.要求提供公开出版物", v("0,0,0,0,0,0,0")},
	{"4.无正当理由大量反复申请", v("1,0,0,0,0,0,1")},
	{"5.要求行政机关确认或重新出具已获取信息", v("0,0,0,0,0,0,0")},
	{"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", v("2,1,0,0,0,0,3")},
	{"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", v("0,0,0,0,0,0,0")},
	{"3.其他", v("1,0,0,0,0,0,1")},
	{"（七）总计", v("120,8,1,0,2,1,132")},
	{"四、结转下年度继续办理", v("5,1,0,0,1,1,8")},
}

func TestReadReport2021(t *testing.T) {
	needPoppler(t)
	d, err := Read(context.Background(), fixture(t, "report2021.pdf"), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	checkReport2021(t, d)
}

// TestLayoutReport2021 runs the same checks on the committed pdftotext
// output, so the layout stage is tested even where poppler is missing.
func TestLayoutReport2021(t *testing.T) {
	d, err := fromTSV(fixture(t, "report2021.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	checkReport2021(t, d)
}

func checkReport2021(t *testing.T, d *doc.Document) {
	t.Helper()
	if d.Format != doc.FormatPDF || len(d.Warnings) != 0 {
		t.Errorf("format %s, warnings %q", d.Format, d.Warnings)
	}
	checkParagraphs(t, d, append([]string{
		"青山县市场监督管理局2022年政府信息公开工作年度报告", // wrapped title re-joined
		"2022年，我局全面贯彻落实政府信息公开工作要求，主动公开政府信息1326条，受理政府信息公开申请134件。",
		"青山县市场监督管理局", "2023年1月18日",
	}, sectionHeadings...))
	tables := d.Tables()
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3", len(tables))
	}
	active, requests, appeals := tables[0], tables[1], tables[2]

	if len(active.Rows) != 14 {
		t.Errorf("section 二 has %d rows, want 14", len(active.Rows))
	}
	for _, c := range []struct {
		r, c int
		text string
	}{
		{1, 0, "信息内容"}, {1, 1, "本年制发件数"}, {1, 3, "现行有效件数"},
		{3, 0, "行政规范性文件"}, {3, 1, "12"}, {3, 2, "3"}, {3, 3, "48"},
		{13, 0, "行政事业性收费"},
	} {
		if got := active.Rows[c.r][c.c].Text; got != c.text {
			t.Errorf("section 二 r%dc%d = %q, want %q", c.r, c.c, got, c.text)
		}
	}
	// One value under one header across the value columns: one cell
	// spanning them, as the HTML's colspan=3.
	for _, lv := range [][2]string{{"行政许可", "1523"}, {"行政处罚", "87"}, {"行政强制", "5"}, {"行政事业性收费", "12.3456"}} {
		checkLabelHasValue(t, active, lv[0], lv[1])
	}
	checkSpread(t, active, 6, "1523")
	checkSpread(t, active, 5, "本年处理决定数量")

	checkRows(t, requests, requests2021)
	// The table crosses from page 2 to 3: the header repeated on page 3 is
	// dropped, and the last row remembers its page.
	n := 0
	for _, r := range requests.Rows {
		for _, c := range r {
			if !c.Spanned && c.Text == "申请人情况" {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("header 申请人情况 appears %d times, want 1", n)
	}
	last := requests.Rows[len(requests.Rows)-1]
	if last[len(last)-1].Loc.Page != 3 || requests.Loc.Page != 2 {
		t.Errorf("pages: table %d, last cell %s", requests.Loc.Page, last[len(last)-1].Loc)
	}
	// The vertical group label, one or two characters per line, is one cell.
	if !tableHas(requests, "三、本年度办理结果") || !tableHas(requests, "（四）无法提供") {
		t.Error("vertical group labels not re-joined")
	}

	checkRows(t, appeals, []dataRow{{"3", v("3,1,0,1,5,2,0,1,0,3,1,0,0,1,2")}})
	if got := len(appeals.Rows[len(appeals.Rows)-1]); got != 15 {
		t.Errorf("section 四 data row has %d cells, want 15", got)
	}
	if !tableHas(appeals, "未经复议直接起诉") || !tableHas(appeals, "结果维持") {
		t.Error("section 四 headers lost")
	}
}

// checkSpread checks that row ri reads text, text, text across columns
// 1–3, the last two Spanned.
func checkSpread(t *testing.T, tb *doc.Table, ri int, text string) {
	t.Helper()
	r := tb.Rows[ri]
	if len(r) != 4 || r[1].Text != text || r[1].Spanned || r[2].Text != text || !r[2].Spanned || r[3].Text != text || !r[3].Spanned {
		t.Errorf("row %d = %+v, want %s spanning columns 1-3", ri, r, text)
	}
}

func tableHas(tb *doc.Table, text string) bool {
	for _, r := range tb.Rows {
		for _, c := range r {
			if c.Text == text {
				return true
			}
		}
	}
	return false
}

func checkLabelHasValue(t *testing.T, tb *doc.Table, label, value string) {
	t.Helper()
	for _, r := range tb.Rows {
		if len(r) > 0 && r[0].Text == label {
			var vals []string
			for _, c := range r[1:] {
				if c.Text != "" && !c.Spanned {
					vals = append(vals, c.Text)
				}
			}
			if !slices.Equal(vals, []string{value}) {
				t.Errorf("row %s values %q, want [%s]", label, vals, value)
			}
			return
		}
	}
	t.Errorf("row %s not found", label)
}

// The 2019 report leaves zero cells blank: blanks must stay in their
// columns, so the grid keeps all 7 value columns even where a whole column
// is blank.
func TestReadReport2019(t *testing.T) {
	needPoppler(t)
	d, err := Read(context.Background(), fixture(t, "report2019.pdf"), "")
	if err != nil {
		t.Fatal(err)
	}
	checkReport2019(t, d)
}

func TestLayoutReport2019(t *testing.T) {
	d, err := fromTSV(fixture(t, "report2019.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	checkReport2019(t, d)
}

func checkReport2019(t *testing.T, d *doc.Document) {
	t.Helper()
	checkParagraphs(t, d, append([]string{
		"青山县人民政府办公室2019年度政府信息公开工作年度报告",
		"本年报所列数据的统计期限自2019年1月1日起至2019年12月31日止。",
		"2020年1月20日",
	}, sectionHeadings...))
	tables := d.Tables()
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3", len(tables))
	}
	checkRows(t, tables[0], []dataRow{
		{"信息内容", v("本年新制作数量,本年新公开数量,对外公开总数量")}, // <br> in the header re-joined
		{"规章", v("1,1,10")},
		{"规范性文件", v("8,8,40")},
		{"行政许可", v("120,-5,3400")},
		{"其他对外管理服务事项", v("30,2,560")},
		{"行政处罚", v("15,0,210")},
		{"行政强制", v("4,1,12")},
		{"行政事业性收费", []string{"6", "-1", ""}},
		{"政府集中采购", []string{"9", "7139200", ""}},
	})
	b := func(s string) []string { return strings.Split(s, ",") }
	checkRows(t, tables[1], []dataRow{
		{"一、本年新收", b("45,3,,,1,,49")},
		{"二、上年结转", b("2,,,,,,2")},
		{"（一）予以公开", b("20,2,,,1,,23")},
		{"（二）部分公开", b("5,,,,,,5")},
		{"1.属于国家秘密", b(",,,,,,")},
		{"2.其他法律行政法规禁止公开", b(",,,,,,")},
		{"4.保护第三方合法权益", b("1,,,,,,1")},
		{"6.属于四类过程性信息", b("2,,,,,,2")},
		{"8.属于行政查询事项", b(",,,,,,")},
		{"1.本机关不掌握相关政府信息", b("10,1,,,,,11")},
		{"3.补正后申请内容仍不明确", b("1,,,,,,1")},
		{"2.重复申请", b("1,,,,,,1")},
		{"5.要求行政机关确认或重新出具已获取信息", b(",,,,,,")},
		{"（六）其他处理", b("1,,,,,,1")},
		{"（七）总计", b("46,3,,,1,,50")},
		{"四、结转下年度继续办理", b("1,,,,,,1")},
	})
	if !tableHas(tables[1], "社会公益组织") || !tableHas(tables[1], "科研机构") {
		t.Error("two-line header cells of blank columns not re-joined")
	}
	checkRows(t, tables[2], []dataRow{{"1", b("1,0,0,0,1,0,0,0,0,0,0,0,0,0,0")}})
}

func TestReadBroken(t *testing.T) {
	needPoppler(t)
	tests := []struct {
		file    string
		want    error
		wantDoc bool
	}{
		{"imageonly.pdf", ErrNoTextLayer, true},
		{"encrypted.pdf", ErrEncrypted, false},
		{"truncated.pdf", ErrTruncated, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := Read(context.Background(), fixture(t, tt.file), "")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.wantDoc {
				if d == nil || len(d.Warnings) == 0 || len(d.Blocks) != 0 {
					t.Fatalf("want a document with a warning and no blocks, got %+v", d)
				}
			}
		})
	}
	// Restrictions without a user password are not encryption to us.
	if d, err := Read(context.Background(), fixture(t, "restricted.pdf"), ""); err != nil {
		t.Errorf("restricted.pdf: %v", err)
	} else {
		checkReport2019(t, d)
	}
	if _, err := Read(context.Background(), []byte("<html>not a pdf</html>"), "application/pdf"); !errors.Is(err, ErrNotPDF) {
		t.Errorf("html: err = %v", err)
	}
}

func TestTextLayerProblem(t *testing.T) {
	w := func(texts ...string) []page {
		var p page
		for i, s := range texts {
			p.words = append(p.words, word{x0: float64(10 * i), x1: float64(10*i + 8), y1: 10, text: s})
		}
		return []page{p}
	}
	tests := []struct {
		name  string
		pages []page
		bad   bool
	}{
		{"empty", w(), true},
		{"cid codes", w("(cid:123)(cid:456)(cid:789)", "(cid:11)(cid:12)(cid:13)", strings.Repeat("字", 30)), true},
		{"replacement characters", w(strings.Repeat("\uFFFD", 30), strings.Repeat("字", 30)), true},
		{"latin-1 mojibake", w(strings.Repeat("ÕþÎñÐÅÏ¢", 10)), true},
		{"english only", w(strings.Repeat("annual report ", 10)), true},
		{"chinese", w("政府信息公开工作年度报告", "本年新收政府信息公开申请数量", "120"), false},
		{"glyph codes read as Han", w(spreadHan(400)), true},
		{"long chinese", w(strings.Repeat("我局认真贯彻落实政府信息公开条例，主动公开政府信息，依法办理申请。", 12)), false},
	}
	for _, tt := range tests {
		if got := textLayerProblem(tt.pages); (got != "") != tt.bad {
			t.Errorf("%s: problem %q, want bad=%v", tt.name, got, tt.bad)
		}
	}
}

// spreadHan returns n Han characters spread evenly over the CJK block, as
// CIDs decoded as if they were Unicode come out.
func spreadHan(n int) string {
	var sb strings.Builder
	for i := range n {
		sb.WriteRune(rune(0x4E00 + (i*7919)%0x5200))
	}
	return sb.String()
}

func TestFragments(t *testing.T) {
	words := []word{
		{x0: 10, y0: 100, x1: 50, y1: 115, text: "2022"},
		{x0: 54, y0: 100, x1: 66, y1: 115, text: "年"}, // font switch gap
		{x0: 100, y0: 100, x1: 112, y1: 115, text: "结"},
		{x0: 120, y0: 100, x1: 132, y1: 115, text: "果"}, // letter spacing
		{x0: 140, y0: 100, x1: 152, y1: 115, text: "维"},
		{x0: 160, y0: 100, x1: 172, y1: 115, text: "持"},
		{x0: 200, y0: 100, x1: 236, y1: 115, text: "科研机"},
		{x0: 240, y0: 100, x1: 284, y1: 115, text: "社会公益"}, // next cell: CJK gap is a border
	}
	var got []string
	for _, f := range fragments(page{n: 1, w: 600, h: 800, words: words}, 0) {
		got = append(got, f.text)
	}
	want := []string{"2022年", "结果维持", "科研机", "社会公益"}
	if !slices.Equal(got, want) {
		t.Errorf("fragments %q, want %q", got, want)
	}
}

func TestPageNumbers(t *testing.T) {
	for _, s := range []string{"-3-", "- 12 -", "第3页", "第 3 页 共 9 页", "3/9", "7", "—5—"} {
		if !pageNumberRE.MatchString(s) {
			t.Errorf("%q not a page number", s)
		}
	}
	// A bare number is a page number only when it is alone on its line
	// near the page edge (dropRunning checks that); these never are.
	for _, s := range []string{"2022年", "第二十条", "12345", "1.属于国家秘密"} {
		if pageNumberRE.MatchString(s) {
			t.Errorf("%q taken for a page number", s)
		}
	}
}

// FuzzFromTSV feeds arbitrary pdftotext-like TSV to the pure-Go stage: it
// must not panic, and table cells must sit where their Loc says.
func FuzzFromTSV(f *testing.F) {
	for _, name := range []string{"report2021.tsv", "report2019.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
		// A slice of the page with the section 三 table keeps inputs small.
		if len(b) > 20000 {
			f.Add(string(b[8000:20000]))
		}
	}
	f.Add("level\tpage_num\n5\t1\t0\t0\t0\t0\t1\t1\t1\t1\t100\t字\n")
	f.Add("1\t1\t0\t0\t0\t0\t0\t0\t-5\tNaN\t-1\t###PAGE###\n5\t99999999\t0\t0\t0\t0\t1e300\t1\t1\t1\t100\tx\n")
	f.Fuzz(func(t *testing.T, tsv string) {
		d, _ := fromTSV([]byte(tsv))
		if d == nil {
			t.Fatal("nil document")
		}
		for _, tb := range d.Tables() {
			for ri, r := range tb.Rows {
				for ci, c := range r {
					if c.Loc.Row != ri || c.Loc.Col != ci {
						t.Fatalf("cell r%dc%d has Loc %s", ri, ci, c.Loc)
					}
				}
			}
		}
	})
}

func BenchmarkReadPDF(b *testing.B) {
	needPoppler(b)
	data := fixture(b, "report2021.pdf")
	r := &Reader{}
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := r.Read(ctx, data, ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkLayout measures the Go side alone, the baseline for the
// pdftotext share of BenchmarkReadPDF.
func BenchmarkLayout(b *testing.B) {
	tsv := fixture(b, "report2021.tsv")
	b.ReportAllocs()
	b.SetBytes(int64(len(tsv)))
	for b.Loop() {
		if _, err := fromTSV(tsv); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// The farm's r03 report (values read off `pdftotext -layout` of the same
// PDF): section 二 ends with a single row pushed onto the next page, a
// wrapped label loses its last character to the next page, and a group
// label sits on the same baseline as an item number.
func TestLayoutPageBreaks(t *testing.T) {
	d, err := fromTSV(fixture(t, "farm-r03.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var active, requests *doc.Table
	for _, tb := range d.Tables() {
		switch {
		case tableHas(tb, "信息内容"):
			active = tb
		case tableHas(tb, "（七）总计"):
			requests = tb
		}
	}
	if active == nil || requests == nil {
		t.Fatalf("tables not found among %d", len(d.Tables()))
	}
	checkLabelHasValue(t, active, "行政事业性收费", "384.1488")
	checkRows(t, requests, []dataRow{
		{"1.本机关不掌握相关政府信息", v("9,0,0,0,0,1,10")},
		{"3.补正后申请内容仍不明确", v("5,1,3,3,4,1,17")},
		{"1.信访举报投诉类申请", v("24,0,0,0,5,0,29")},
	})
	if !tableHas(requests, "（四）无法提供") {
		t.Error("group label merged with the item number on its baseline")
	}
	for _, p := range d.Paragraphs() {
		if strings.Contains(p, "行政事业性收费") {
			t.Errorf("table row left as a paragraph: %q", p)
		}
	}
}

// The same 2021 report with Word's default table layout: top-aligned
// cells and right-aligned numbers, so header text no longer sits over its
// numbers and wrapped labels hang below their values.
func TestLayoutTopAligned(t *testing.T) {
	d, err := fromTSV(fixture(t, "report2021-top.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tables := d.Tables()
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3", len(tables))
	}
	checkRows(t, tables[0], []dataRow{
		{"信息内容", v("本年制发件数,本年废止件数,现行有效件数")},
		{"规章", v("2,1,15")},
		{"行政规范性文件", v("12,3,48")},
	})
	checkSpread(t, tables[0], 6, "1523") // right-aligned in the last column
	checkSpread(t, tables[0], 13, "12.3456")
	checkRows(t, tables[1], requests2021)
	if n := len(tables[1].Rows[len(tables[1].Rows)-1]); n != 10 {
		t.Errorf("section 三 has %d columns, want 3 label + 7 value", n)
	}
	checkRows(t, tables[2], []dataRow{{"3", v("3,1,0,1,5,2,0,1,0,3,1,0,0,1,2")}})
}

// BenchmarkPDFToTextOnly is the baseline for BenchmarkReadPDF: the bare
// pdftotext run on a file already on disk, without our temp file, TSV
// parsing or layout.
func BenchmarkPDFToTextOnly(b *testing.B) {
	needPoppler(b)
	bin, _ := exec.LookPath("pdftotext")
	path, _ := filepath.Abs(filepath.Join("testdata", "report2021.pdf"))
	b.ReportAllocs()
	for b.Loop() {
		if err := exec.Command(bin, "-tsv", "-enc", "UTF-8", path, os.DevNull).Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// A hostile text layer: one line of many thousands of words must not take
// quadratic time (four times the words, well under sixteen times the
// time), and a text layer larger than any report is refused.
func TestLayoutHostileSizes(t *testing.T) {
	run := func(n int) time.Duration {
		var sb strings.Builder
		sb.WriteString("1\t1\t0\t0\t0\t0\t0\t0\t100000\t800\t-1\t###PAGE###\n")
		for i := range n {
			fmt.Fprintf(&sb, "5\t1\t0\t0\t0\t%d\t%d\t100\t4\t15.6\t100\t%d\n", i, i*5, i%10)
		}
		sb.WriteString(strings.Repeat("5\t1\t0\t0\t0\t0\t10\t200\t100\t15.6\t100\t政府信息公开工作年度报告\n", 3))
		data := []byte(sb.String())
		start := time.Now()
		d, err := fromTSV(data)
		if err != nil || len(d.Blocks) == 0 {
			t.Fatalf("err %v, %d blocks", err, len(d.Blocks))
		}
		return time.Since(start)
	}
	run(1000) // warm up
	small, big := run(5000), run(20000)
	if big > 10*small+50*time.Millisecond {
		t.Errorf("5,000 words on one line %s, 20,000 %s: worse than linear", small, big)
	}
	big2 := strings.Repeat("5\t1\t0\t0\t0\t0\t10\t200\t10\t15.6\t100\t字\n", maxWords+1)
	if _, err := fromTSV([]byte(big2)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("%d words: err = %v", maxWords+1, err)
	}
}

// TestLayoutManyWordsAtPageEdge guards the running-matter check against
// quadratic time: four times the words must take well under sixteen
// times as long (a ratio, so a slow or loaded machine does not matter).
func TestLayoutManyWordsAtPageEdge(t *testing.T) {
	run := func(n int) time.Duration {
		var sb strings.Builder
		sb.WriteString("1\t1\t0\t0\t0\t0\t0\t0\t600\t800\t-1\t###PAGE###\n")
		for i := range n { // in the top band, each on a line of its own
			fmt.Fprintf(&sb, "5\t1\t0\t0\t0\t0\t10\t%.5f\t20\t0.0001\t100\t%d\n", float64(i)*0.0002, i%100)
		}
		sb.WriteString(strings.Repeat("5\t1\t0\t0\t0\t0\t10\t400\t100\t15.6\t100\t政府信息公开工作年度报告\n", 3))
		data := []byte(sb.String())
		start := time.Now()
		if _, err := fromTSV(data); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	run(2000) // warm up
	small, big := run(10000), run(40000)
	if big > 10*small+50*time.Millisecond {
		t.Errorf("10,000 words %s, 40,000 words %s: worse than linear", small, big)
	}
}

// Every value blank, as seeds 001 and 004 publish: with no number to find
// the value columns, the row labels (cells opening with an item number)
// mark where values start, group labels still span their rows, and the
// last row, all blank, stays in the table.
func TestLayoutAllBlank(t *testing.T) {
	d, err := fromTSV(fixture(t, "report2019-blank.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tables := d.Tables()
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3", len(tables))
	}
	requests := tables[1]
	blank := strings.Split(",,,,,,", ",")
	var want []dataRow
	for _, l := range []string{"一、本年新收", "（一）予以公开", "1.属于国家秘密", "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "（六）其他处理", "（七）总计", "四、结转下年度继续办理"} {
		want = append(want, dataRow{l, blank})
	}
	checkRows(t, requests, want)
	if n := len(requests.Rows[len(requests.Rows)-1]); n != 10 {
		t.Errorf("section 三 has %d columns, want 3 label + 7 value", n)
	}
	for _, g := range []string{"三、本年度办理结果", "（四）无法提供", "（五）不予处理"} {
		if !tableHas(requests, g) {
			t.Errorf("group label %s not re-joined", g)
		}
	}
	for _, p := range d.Paragraphs() {
		if strings.Contains(p, "结转下年度") {
			t.Errorf("last table row left as a paragraph: %q", p)
		}
	}
	if appeals := tables[2]; len(appeals.Rows) != 4 || !tableHas(appeals, "复议后起诉") {
		t.Errorf("section 四 headers: %d rows", len(appeals.Rows))
	}
}

func TestDropRepeatedHeaders(t *testing.T) {
	row := func(texts ...string) []doc.Cell {
		var r []doc.Cell
		for _, s := range texts {
			r = append(r, doc.Cell{Text: s})
		}
		return r
	}
	rows := [][]doc.Cell{
		row("", "申请人情况", ""), row("", "自然人", "总计"), row("", "商业企业", ""), // page 2 header
		row("一、本年新收", "1", "1"),
		row("", "申请人情况", "自然人"), row("", "商业 企业", "总计"), // page 3: cut differently
		row("确", "", ""), // the tail of a label cut by the break
		row("四、结转", "0", "0"),
	}
	pages := []int{2, 2, 2, 2, 3, 3, 3, 3}
	numeric := []bool{false, false, false, true, false, false, false, true}
	got := dropRepeatedHeaders(rows, pages, numeric)
	if want := []int{0, 1, 2, 3, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
}

// A page without text between pages with text is reported, not skipped
// silently.
func TestScannedPageWarning(t *testing.T) {
	tsv := string(fixture(t, "report2021.tsv"))
	// Page 9 exists only as a page row, as pdftotext prints an image page.
	tsv += "1\t9\t0\t0\t0\t0\t0\t0\t595\t842\t-1\t###PAGE###\n"
	d, err := fromTSV([]byte(tsv))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "page 9 has 0 characters") {
		t.Errorf("warnings %q", d.Warnings)
	}
}
