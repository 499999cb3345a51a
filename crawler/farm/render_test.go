package farm

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The template labels, written out here from the domain spec (§1) rather
// than taken from the renderer, so the test checks the layout against them.
var (
	requestLabels = map[string]string{
		"new": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
		"disclosed": "（一）予以公开", "partially_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
		"withheld.state_secret": "1.属于国家秘密", "withheld.prohibited_by_law": "2.其他法律行政法规禁止公开",
		"withheld.security_stability": "3.危及“三安全一稳定”", "withheld.third_party": "4.保护第三方合法权益",
		"withheld.internal_affairs": "5.属于三类内部事务信息", "withheld.process_info": "6.属于四类过程性信息",
		"withheld.enforcement_files": "7.属于行政执法案卷", "withheld.admin_query": "8.属于行政查询事项",
		"unable.not_held": "1.本机关不掌握相关政府信息", "unable.needs_creation": "2.没有现成信息需要另行制作",
		"unable.unclear":         "3.补正后申请内容仍不明确",
		"not_processed.petition": "1.信访举报投诉类申请", "not_processed.duplicate": "2.重复申请",
		"not_processed.publication": "3.要求提供公开出版物", "not_processed.vexatious": "4.无正当理由大量反复申请",
		"not_processed.confirm_reissue": "5.要求行政机关确认或重新出具已获取信息",
		"other":                         "（六）其他处理",
		"other.no_correction":           "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
		"other.fee_unpaid":              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
		"other.other":                   "3.其他",
		"total":                         "（七）总计", "carried_forward": "四、结转下年度继续办理",
	}
	activeLabels = map[string]string{
		"regulations": "规章", "admin_licensing": "行政许可", "other_services": "其他对外管理服务事项",
		"admin_penalty": "行政处罚", "admin_coercion": "行政强制", "admin_fees": "行政事业性收费", "procurement": "政府集中采购",
	}
	activeCols = map[string][]string{
		"2021": {"issued", "repealed", "in_force"},
		"2019": {"newly_made", "newly_published", "total_published"},
	}
)

// norm folds the label spellings real reports use onto the official ones,
// written out independently of the renderer's variants.
func norm(s string) string {
	s = strings.Join(strings.Fields(s), "")
	s = strings.NewReplacer("(", "（", ")", "）", ",", "，", "其他法律法规禁止公开", "其他法律行政法规禁止公开").Replace(s)
	return numberedComma.ReplaceAllString(s, "$1.")
}

var numberedComma = regexp.MustCompile(`^(\d)、`)

// grid is a table with its spans expanded: a merged cell's text fills every
// slot it covers.
type grid [][]string

// checkTables reads every template cell of r back out of three expanded
// tables (二, 三, 四) by label and position, and compares it with r.Values.
func checkTables(t *testing.T, r Report, tables []grid) {
	t.Helper()
	if len(tables) != 3 {
		t.Fatalf("%s: %d tables, want 3", r.ID, len(tables))
	}
	active, requests, appeals := tables[0], tables[1], tables[2]
	got := map[string]string{}

	// Section 二: a row label, then its values; the header row above names
	// the columns, the caption row above that the article item.
	normLabel := map[string]string{"行政规范性文件": "normative_docs", "规范性文件": "normative_docs"}
	for _, g := range tables {
		for _, line := range g {
			for i := range line {
				line[i] = norm(line[i])
			}
		}
	}
	for row, line := range active {
		key, ok := normLabel[line[0]]
		for k, lbl := range activeLabels {
			if line[0] == lbl {
				key, ok = k, true
			}
		}
		if !ok {
			continue
		}
		var cols []string
		switch key {
		case "regulations", "normative_docs":
			cols = activeCols[r.Template]
		case "admin_fees":
			cols = []string{"fee_amount"}
			if r.Template == "2019" {
				cols = []string{"prev_items", "change"}
			}
		case "procurement":
			cols = []string{"items", "amount"}
		default:
			cols = []string{"decisions"}
			if r.Template == "2019" {
				cols = []string{"prev_items", "change", "decisions"}
			}
		}
		above := row - 1
		for above > 0 && !strings.HasPrefix(active[above][0], "信息内容") && !strings.HasPrefix(active[above][0], "第二十条") {
			above--
		}
		if active[above][0] != "信息内容" || !strings.HasPrefix(active[above-1][0], "第二十条第（") {
			t.Errorf("%s: row %q has no 信息内容 header under a 第二十条 caption above it", r.ID, line[0])
		}
		for i, c := range cols {
			got["active."+key+"."+c] = line[1+i]
		}
	}

	// Section 三: 10 columns, the row label in the third, values after.
	if w := len(requests[0]); w != 10 {
		t.Errorf("%s: section 三 is %d columns wide, want 10", r.ID, w)
	}
	if requests[0][0] != "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" || requests[2][2] != requests[0][0] {
		t.Errorf("%s: section 三 corner %q does not span three rows and columns", r.ID, requests[0][0])
	}
	if want := []string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}; !slices.Equal(requests[2][3:], want) {
		t.Errorf("%s: section 三 columns %q, want %q", r.ID, requests[2][3:], want)
	}
	groupRows := 0
	for _, line := range requests[3:] {
		if line[0] == "三、本年度办理结果" {
			groupRows++
		}
		for key, lbl := range requestLabels {
			if line[2] != lbl {
				continue
			}
			// 1.其他 labels repeat across groups; the group label decides.
			if strings.Contains(key, ".") {
				group := map[string]string{"withheld": "（三）不予公开", "unable": "（四）无法提供", "not_processed": "（五）不予处理", "other": "（六）其他处理"}[strings.Split(key, ".")[0]]
				if line[1] != group {
					continue
				}
			}
			for i, c := range requestCols {
				got["requests."+key+"."+c] = line[3+i]
			}
		}
	}
	if want := map[string]int{"2021": 22, "2019": 20}[r.Template]; groupRows != want {
		t.Errorf("%s: 三、本年度办理结果 spans %d rows, want %d", r.ID, groupRows, want)
	}

	// Section 四: 15 values in the last row.
	if len(appeals) != 4 || len(appeals[3]) != 15 {
		t.Fatalf("%s: section 四 is %d rows, last %d wide; want 4 and 15", r.ID, len(appeals), len(appeals[len(appeals)-1]))
	}
	if appeals[0][4] != "行政复议" || appeals[0][5] != "行政诉讼" || appeals[1][5] != "未经复议直接起诉" || appeals[2][4] != "总计" || appeals[2][14] != "总计" {
		t.Errorf("%s: section 四 header %q", r.ID, appeals[:3])
	}
	for i, k := range appealRows {
		for j, c := range appealCols {
			got["appeals."+k+"."+c] = appeals[3][i*5+j]
		}
	}

	for _, k := range r.Keys() {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: %s not found in the tables", r.ID, k)
			continue
		}
		if want := format(r.Values[k]); g != want {
			t.Errorf("%s: %s printed %q, want %q", r.ID, k, g, want)
		}
	}
	if len(got) != len(r.Keys()) {
		t.Errorf("%s: tables hold %d cells, template has %d", r.ID, len(got), len(r.Keys()))
	}
}

// htmlGrids expands the tables of an HTML page.
func htmlGrids(t *testing.T, page []byte) []grid {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []grid
	doc.Find("table[border]").Each(func(_ int, tbl *goquery.Selection) {
		var g grid
		pending := map[[2]int]string{} // slots filled by rowspans from above
		tbl.Find("tr").Each(func(row int, tr *goquery.Selection) {
			var line []string
			col := 0
			fill := func() {
				for {
					s, ok := pending[[2]int{row, col}]
					if !ok {
						return
					}
					line = append(line, s)
					col++
				}
			}
			tr.Find("td").Each(func(_ int, td *goquery.Selection) {
				fill()
				text := td.Text() // <br /> in 2019 headers vanishes here
				cs, rs := atoiAttr(td, "colspan"), atoiAttr(td, "rowspan")
				for c := 0; c < cs; c++ {
					for r := 1; r < rs; r++ {
						pending[[2]int{row + r, col}] = text
					}
					line = append(line, text)
					col++
				}
			})
			fill()
			g = append(g, line)
		})
		out = append(out, g)
	})
	return out
}

func atoiAttr(s *goquery.Selection, name string) int {
	v, ok := s.Attr(name)
	if !ok {
		return 1
	}
	n := 0
	for _, c := range v {
		n = n*10 + int(c-'0')
	}
	return max(n, 1)
}

// docxGrids expands the w:tbl tables of a DOCX, resolving gridSpan and
// vMerge independently of the writer.
func docxGrids(t *testing.T, data []byte) []grid {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var doc []byte
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			doc, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if doc == nil {
		t.Fatal("no word/document.xml")
	}
	type tc struct {
		Span *struct {
			Val int `xml:"val,attr"`
		} `xml:"tcPr>gridSpan"`
		VMerge *struct {
			Val string `xml:"val,attr"`
		} `xml:"tcPr>vMerge"`
		Texts []string `xml:"p>r>t"`
	}
	type tbl struct {
		Rows []struct {
			Cells []tc `xml:"tc"`
		} `xml:"tr"`
	}
	var d struct {
		Tables []tbl `xml:"body>tbl"`
	}
	if err := xml.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var out []grid
	for _, tb := range d.Tables {
		var g grid
		for i, row := range tb.Rows {
			var line []string
			for _, c := range row.Cells {
				n := 1
				if c.Span != nil {
					n = c.Span.Val
				}
				text := strings.Join(c.Texts, "")
				if c.VMerge != nil && c.VMerge.Val != "restart" {
					text = g[i-1][len(line)]
				}
				for range n {
					line = append(line, text)
				}
			}
			g = append(g, line)
		}
		out = append(out, g)
	}
	return out
}

func TestRenderHTMLTables(t *testing.T) {
	for _, spec := range catalogue() {
		r := spec.Report
		page := RenderHTML(r)
		checkTables(t, r, htmlGrids(t, page))
		if r.VariantLabels {
			for _, want := range []string{"(一) 予以公开", "1. 属于国家秘密", "2. 其他法律法规禁止公开", ">规范性文件<", "保留4位小数", " (区分处理的, 只计这一情形, 不计其他情形)"} {
				if !bytes.Contains(page, []byte(want)) {
					t.Errorf("%s: variant labels, but the page lacks %q", r.ID, want)
				}
			}
			if bytes.Contains(page, []byte("（一）予以公开")) {
				t.Errorf("%s: variant labels, but the page has the official 予以公开 label", r.ID)
			}
		}
		for _, want := range []string{"<title>" + r.Title() + "</title>", sec1, sec2, sec3, sec4, sec5, sec6, chineseDate(r.Published)} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("%s: page lacks %q", r.ID, want)
			}
		}
	}
}

func TestRenderDOCXTables(t *testing.T) {
	for _, spec := range catalogue() {
		r := spec.Report
		data := RenderDOCX(r)
		checkTables(t, r, docxGrids(t, data))
		if !bytes.Equal(data, RenderDOCX(r)) {
			t.Errorf("%s: two renderings differ (the ETag would change every time)", r.ID)
		}
		if !bytes.Contains(data, []byte("PK")) {
			t.Errorf("%s: not a zip", r.ID)
		}
	}
}

func TestRenderDOCXMerges(t *testing.T) {
	data := RenderDOCX(catalogue()[0].Report)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := zr.Open("word/document.xml")
	doc, _ := io.ReadAll(rc)
	for _, want := range []string{`<w:gridSpan w:val="3"/><w:vMerge w:val="restart"/>`, `<w:vMerge/>`, `<w:gridSpan w:val="10"/>`, `<w:tbl>`} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if n := bytes.Count(doc, []byte("<w:tbl>")); n != 3 {
		t.Errorf("%d tables, want 3", n)
	}
}

// checkRules applies R1–R4 (blank as 0) and wants exactly the rules in
// violates to fail.
func checkRules(t *testing.T, id, tmpl string, v map[string]*float64, violates []string) {
	t.Helper()
	x := func(k string) float64 {
		if p := v[k]; p != nil {
			return *p
		}
		return 0
	}
	failed := map[string]bool{}
	for _, c := range requestCols {
		if x("requests.new."+c)+x("requests.carried_over."+c) != x("requests.total."+c)+x("requests.carried_forward."+c) {
			failed["R1"] = true
		}
		sum := 0.0
		for _, row := range outcomeRows(tmpl) {
			sum += x("requests." + row + "." + c)
		}
		if sum != x("requests.total."+c) {
			failed["R3"] = true
		}
	}
	for _, row := range requestRows(tmpl) {
		sum := 0.0
		for _, c := range requestCols[:6] {
			sum += x("requests." + row + "." + c)
		}
		if sum != x("requests."+row+".total") {
			failed["R2"] = true
		}
	}
	for _, r := range appealRows {
		if x("appeals."+r+".upheld")+x("appeals."+r+".corrected")+x("appeals."+r+".other")+x("appeals."+r+".pending") != x("appeals."+r+".total") {
			failed["R4"] = true
		}
	}
	for k, p := range v {
		if p != nil && *p < 0 && !strings.HasSuffix(k, ".change") {
			t.Errorf("%s: %s = %v is negative", id, k, *p)
		}
	}
	for _, rule := range []string{"R1", "R2", "R3", "R4"} {
		if want := slices.Contains(violates, rule); failed[rule] != want {
			t.Errorf("%s: %s failed = %v, want %v", id, rule, failed[rule], want)
		}
	}
}

func TestReportsAreConsistent(t *testing.T) {
	nonZero := 0
	for _, s := range catalogue() {
		checkRules(t, s.ID, s.Template, s.Values, s.Violates)
		if x := s.Values["requests.other.fee_unpaid.total"]; x != nil && *x != 0 {
			t.Errorf("%s: fee_unpaid %v while section 六 says no fee notices (R9)", s.ID, *x)
		}
		regs := 0.0
		for k, v := range s.Values {
			if strings.HasPrefix(k, "active.regulations.") && v != nil {
				regs += *v
			}
		}
		if (regs > 0) != (s.Agency == "海东市人民政府") { // only a 设区的市 government issues 规章 here (R8)
			t.Errorf("%s: 规章 row sums to %v", s.ID, regs)
		}
		if len(s.Values) != len(s.Keys()) {
			t.Errorf("%s: %d values for %d template cells", s.ID, len(s.Values), len(s.Keys()))
		}
		for _, k := range s.Keys() {
			if v := s.Values[k]; v != nil && *v != 0 {
				nonZero++
			}
		}
	}
	if nonZero < 200 {
		t.Errorf("only %d non-zero cells across the reports: the values are too trivial", nonZero)
	}
	if v := catalogue()[5].Values["requests.unable.not_held.total"]; v == nil || *v != 25 {
		t.Errorf("r06 not_held total %v, want the misprinted 25", v)
	}
}

// TestKeysInCodebook checks every key against the public schema.
func TestKeysInCodebook(t *testing.T) {
	raw, err := os.ReadFile("../../extract/codebook/codebook.tsv")
	if err != nil {
		t.Skip("codebook.tsv not found:", err)
	}
	type entry struct{ table, row, col, tmpl string }
	var es []entry
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 4 {
			continue
		}
		es = append(es, entry{f[0], f[1], f[2], f[3]})
	}
	allowed := func(key, tmpl string) bool {
		parts := strings.SplitN(key, ".", 2)
		table, rest := parts[0], parts[1]
		col := rest[strings.LastIndexByte(rest, '.')+1:]
		row := rest[:strings.LastIndexByte(rest, '.')]
		var rowOK, colOK bool
		for _, e := range es {
			if e.table != table || (e.tmpl != "both" && e.tmpl != tmpl) {
				continue
			}
			if e.row == row && e.col == col {
				return true
			}
			rowOK = rowOK || (e.row == row && e.col == "*")
			colOK = colOK || (e.row == "*" && e.col == col)
		}
		return rowOK && colOK
	}
	for _, tmpl := range []string{"2019", "2021"} {
		for _, k := range templateKeys(tmpl) {
			if !allowed(k, tmpl) {
				t.Errorf("%s key %s is not in the codebook", tmpl, k)
			}
		}
	}
	if n := len(templateKeys("2021")); n != 10+25*7+15 {
		t.Errorf("2021 template has %d keys, want %d", n, 10+25*7+15)
	}
	if n := len(templateKeys("2019")); n != 6+12+2+2+23*7+15 {
		t.Errorf("2019 template has %d keys, want %d", n, 6+12+2+2+23*7+15)
	}
}
