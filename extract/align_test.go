package extract

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
)

// Each alignment defect from the domain spec, in isolation, on small
// hand-written tables.

func TestAlignClean(t *testing.T) {
	r := parseText(t, report2021(nil, nil, appealZeros))
	if r.Status != StatusOK {
		t.Errorf("status %s, want ok; warnings %v", r.Status, r.Warnings)
	}
	if n := len(r.Cells); n != 10+25*7+15 {
		t.Errorf("%d cells, want %d", n, 10+25*7+15)
	}
	wantValues(t, r, "requests.other.other.total=0", "appeals.litigation_after_review.total=0")
}

// Seed 001: a row with a leading spacer next to rows without one; no single
// column offset reads both. The placement that loses no value wins.
func TestAlignShiftedRows(t *testing.T) {
	r := parseText(t, report2021(map[string]string{
		"new":       "107\t\t\t\t12\t9\t128\t",   // after the label's spacer cell
		"disclosed": "107\t\t\t\t12\t9\t128",     // no spacer
		"total":     "107\t\t\t\t12\t9\t128\t\t", // shifted left, trailing empties
	}, map[string]string{"total": "(七) 总计"}, appealZeros))
	for _, row := range []string{"new", "disclosed", "total"} {
		wantValues(t, r, "requests."+row+".natural_person=107", "requests."+row+".commercial=",
			"requests."+row+".legal_service=12", "requests."+row+".other_org=9", "requests."+row+".total=128")
	}
	if got := failedChecks(r); len(got) != 0 {
		t.Errorf("failed checks %v", got)
	}
}

// Two placements keep every value; only the arithmetic tells them apart.
func TestAlignByArithmetic(t *testing.T) {
	r := parseText(t, report2021(map[string]string{
		// label, spacer, then: blank, 3, blank×4, 3 — or, skipping the
		// blank as a second spacer: 3, blank×4, 3, blank.
		"new":       "\t3\t\t\t\t\t3\t",
		"disclosed": "0\t3\t0\t0\t0\t0\t3",
		"total":     "0\t3\t0\t0\t0\t0\t3",
	}, nil, appealZeros))
	wantValues(t, r, "requests.new.natural_person=", "requests.new.commercial=3", "requests.new.other_org=", "requests.new.total=3")
	if c := cell(t, r, "requests.new.commercial"); c.Align != AlignArithmetic {
		t.Errorf("align %q, want %q", c.Align, AlignArithmetic)
	}
	if got := failedChecks(r); len(got) != 0 {
		t.Errorf("failed checks %v", got)
	}
}

// Eight values where seven are expected: a third-party subtotal column
// after 自然人. R2 finds which one to leave out.
func TestAlignSubtotalColumn(t *testing.T) {
	r := parseText(t, report2021(map[string]string{
		"new":       "5\t3\t1\t1\t1\t0\t0\t8",
		"disclosed": "5\t1\t1\t1\t0\t0\t8",
		"total":     "5\t1\t1\t1\t0\t0\t8",
	}, nil, appealZeros))
	wantValues(t, r, "requests.new.natural_person=5", "requests.new.commercial=1", "requests.new.research=1",
		"requests.new.social_welfare=1", "requests.new.legal_service=0", "requests.new.other_org=0", "requests.new.total=8")
	if c := cell(t, r, "requests.new.total"); !slices.Contains(c.Flags, FlagExtraCells) {
		t.Errorf("flags %v, want %s", c.Flags, FlagExtraCells)
	}
}

// Seed 002: eight zeros in a seven-column row.
func TestAlignExtraZero(t *testing.T) {
	r := parseText(t, report2021(map[string]string{"total": zeros7 + "\t0\t"}, nil, appealZeros+"\t0"))
	wantValues(t, r, "requests.total.total=0", "appeals.litigation_after_review.total=0")
	for _, k := range []string{"requests.total.natural_person", "appeals.review.upheld"} {
		if c := cell(t, r, k); !slices.Contains(c.Flags, FlagExtraCells) {
			t.Errorf("%s flags %v, want %s", k, c.Flags, FlagExtraCells)
		}
	}
}

// Values that disagree between placements and tie on arithmetic are
// placed at the dominant column and flagged.
func TestAlignAmbiguousFlagged(t *testing.T) {
	r := parseText(t, report2021(map[string]string{
		// Only this row has a stray value with blanks on both sides, and no
		// equation involves it (its total is blank and other rows are 0).
		"withheld.third_party": "\t\t5\t\t\t\t\t\t",
	}, nil, appealZeros))
	found := false
	for _, c := range r.Cells {
		if strings.HasPrefix(c.Key(), "requests.withheld.third_party.") && slices.Contains(c.Flags, FlagAmbiguousAlignment) {
			found = true
		}
	}
	if !found {
		t.Errorf("no ambiguous_alignment flag on requests.withheld.third_party")
	}
	if r.Status == StatusOK {
		t.Errorf("status ok despite an ambiguous placement")
	}
}

// Group labels appear on the first sub-row only; 3.其他 under （六） is a
// row, but the column header 其他 is not.
func TestGroupCarryForwardAndOther(t *testing.T) {
	r := parseText(t, report2021(map[string]string{
		"new":         "\t1\t0\t0\t0\t0\t0\t1",
		"other.other": "1\t0\t0\t0\t0\t0\t1",
		"total":       "\t1\t0\t0\t0\t0\t0\t1",
	}, nil, appealZeros))
	wantValues(t, r, "requests.other.other.natural_person=1", "requests.other.other.total=1")
	if got := failedChecks(r); len(got) != 0 {
		t.Errorf("failed checks %v", got)
	}
}

// Seed 000: the group label (四) 无法提供 is cut over two lines with a blank
// line between, and the second fragment opens the next data row.
func TestLabelFragmentAcrossLines(t *testing.T) {
	r := parseText(t, report2021(map[string]string{
		"unable.not_held":       "1\t0\t0\t0\t0\t0\t1\n",
		"unable.needs_creation": "2\t0\t0\t0\t0\t0\t2",
	}, map[string]string{
		"unable.not_held":       "(四) 无\t1. 本机关不掌握相关政府信息",
		"unable.needs_creation": "法提供\t2. 没有现成信息需要另行制作",
	}, appealZeros))
	wantValues(t, r, "requests.unable.not_held.total=1", "requests.unable.needs_creation.total=2")
}

// A data row that lost all of its label cells is placed as the next
// template row, flagged.
func TestRowWithoutLabel(t *testing.T) {
	r := parseText(t, report2021(map[string]string{"unable.unclear": "2\t0\t0\t0\t0\t0\t2"},
		map[string]string{"unable.unclear": "\t"}, appealZeros))
	wantValues(t, r, "requests.unable.unclear.natural_person=2", "requests.unable.unclear.total=2")
	if c := cell(t, r, "requests.unable.unclear.total"); !slices.Contains(c.Flags, FlagLowConfidenceLabel) {
		t.Errorf("flags %v, want %s", c.Flags, FlagLowConfidenceLabel)
	}
}

// Seed 003: pipe rows whose leading empty cells collapsed, so sub-rows
// start with their own label.
func TestCollapsedLeadingCells(t *testing.T) {
	text := title2021 + activeText2021 +
		"三、收到和处理政府信息公开申请情况\n" +
		"(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||||||\n" +
		"自然人 | 法人或其他组织 | 总计 | |||||||\n" +
		"商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||\n"
	for _, row := range requestRows2021 {
		label := strings.Trim(strings.ReplaceAll(row.label, "\t\t", "\t"), "\t")
		label = strings.ReplaceAll(label, "\t", " | ")
		v := "0 | 0 | 0 | 0 | 0 | 0 | 0"
		if row.key == "withheld.third_party" {
			v = "1 | 0 | 0 | 0 | 0 | 0 | 1"
		}
		text += label + " | " + v + " ||\n"
	}
	r := parseText(t, text+appealsText(appealZeros))
	wantValues(t, r, "requests.withheld.third_party.natural_person=1", "requests.withheld.third_party.total=1",
		"requests.withheld.admin_query.total=0")
}

// Section 四 is read in the fixed 15-value order; with a stray leading
// cell R4 picks the window.
func TestAppealsStrayCell(t *testing.T) {
	r := parseText(t, report2021(nil, nil, "9\t1\t1\t0\t0\t2\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"))
	wantValues(t, r, "appeals.review.upheld=1", "appeals.review.corrected=1", "appeals.review.total=2",
		"appeals.litigation_after_review.total=0")
	if c := cell(t, r, "appeals.review.total"); c.Align != AlignArithmetic {
		t.Errorf("align %q, want %q", c.Align, AlignArithmetic)
	}
}

// Section 四 headers without a data row: the table is found, its 15 cells blank.
func TestAppealsNoDataRow(t *testing.T) {
	r := parseText(t, report2021(nil, nil, ""))
	n := 0
	for _, c := range r.Cells {
		if c.Table == "appeals" {
			n++
			if c.Value != nil {
				t.Errorf("%s = %v, want blank", c.Key(), *c.Value)
			}
		}
	}
	if n != 15 {
		t.Errorf("%d appeals cells, want 15", n)
	}
	for _, c := range r.Checks {
		if c.Rule == "R4" && c.Passed != nil {
			t.Errorf("R4 %s assessed on an all-blank table", c.Scope)
		}
	}
}

// Section 二: columns are found by the header, in whatever order it
// prints them; a note in a cell is read around and flagged.
func TestActiveHeaderOrderAndNotes(t *testing.T) {
	text := "某局2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n" +
		"第二十条第（一）项\t\t\t\n信息内容\t本年废止件数\t本年制发件数\t现行有效件数\n" +
		"规章\t1\t2\t3\n规范性文件\t0\t22（其中修订16件）\t40\n" +
		"第二十条第（八）项\t\t\t\n信息内容\t本年收费金额（单位：万元，保留4位小数）\n行政事业性收费\t12.3456\n"
	r := parseText(t, text)
	wantValues(t, r, "active.regulations.repealed=1", "active.regulations.issued=2", "active.regulations.in_force=3",
		"active.normative_docs.issued=22", "active.admin_fees.fee_amount=12.3456")
	c := cell(t, r, "active.normative_docs.issued")
	if c.Raw != "22（其中修订16件）" || !slices.Contains(c.Flags, FlagNoteInCell) || c.Align != AlignHeader {
		t.Errorf("cell %+v", c)
	}
	if c := cell(t, r, "active.admin_fees.fee_amount"); c.Unit != "万元" {
		t.Errorf("fee unit %q", c.Unit)
	}
	if r.Templates.Active != "2021" {
		t.Errorf("template %q", r.Templates.Active)
	}
	// Only the blocks found are emitted: (五) and (六) are absent.
	for _, c := range r.Cells {
		if c.Row == "admin_licensing" || c.Row == "admin_penalty" {
			t.Errorf("cell %s of a block that is not in the document", c.Key())
		}
	}
}

// 2019 section 二 with （九）: the procurement amount keeps a printed unit,
// else its unit is unknown; a negative 本年增/减 is allowed.
func TestActive2019Procurement(t *testing.T) {
	for _, tt := range []struct{ raw, value, unit string }{
		{"251000元", "251000", "元"},
		{"7139200", "7139200", "unknown"},
		{"25.1万元", "25.1", "万元"},
	} {
		text := "某局2019年度政府信息公开工作年度报告\n二、主动公开政府信息情况\n" +
			"第二十条第（五）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t5\t-2\t7\n" +
			"第二十条第（九）项\t\t\t\n信息内容\t采购项目数量\t采购总金额\t\n政府集中采购\t9\t" + tt.raw + "\t\n"
		r := parseText(t, text)
		c := cell(t, r, "active.procurement.amount")
		if valueString(c) != tt.value || c.Unit != tt.unit || c.Raw != tt.raw {
			t.Errorf("%s: got value %s unit %q raw %q", tt.raw, valueString(c), c.Unit, c.Raw)
		}
		wantValues(t, r, "active.admin_licensing.change=-2", "active.other_services.prev_items=")
		if r.Templates.Active != "2019" {
			t.Errorf("template %q", r.Templates.Active)
		}
		for _, ch := range r.Checks {
			if ch.Rule == "R5" && ch.Failed() {
				t.Errorf("R5 failed: %s %s", ch.Scope, ch.Detail)
			}
		}
	}
}

// Markers are kept raw, valued nil and flagged; blank is nil without a flag.
func TestMarkersAndBlanks(t *testing.T) {
	r := parseText(t, report2021(map[string]string{"new": "-\t/\t—\t无\t\t0\t0"},
		map[string]string{"new": "一、本年新收政府信息公开申请数量"}, appealZeros))
	for _, k := range []string{"natural_person", "commercial", "research", "social_welfare"} {
		c := cell(t, r, "requests.new."+k)
		if c.Value != nil || c.Raw == "" || !slices.Contains(c.Flags, FlagMarker) {
			t.Errorf("%s: %+v, want a flagged marker", k, c)
		}
	}
	if c := cell(t, r, "requests.new.legal_service"); c.Value != nil || c.Raw != "" || len(c.Flags) != 0 {
		t.Errorf("blank cell %+v", c)
	}
	if c := cell(t, r, "requests.new.other_org"); c.Value == nil || *c.Value != 0 {
		t.Errorf("printed 0 read as %v", c.Value)
	}
}

// A layout text (pdftotext -layout) where a wrapped label pushes its
// numbers onto the next line.
func TestWrappedLabelLayoutText(t *testing.T) {
	text := title2021 + "三、收到和处理政府信息公开申请情况\n" +
		"一、本年新收政府信息公开申请数量      1    0    0    0    0    0    1\n" +
		"（二）部分公开（区分处理的，只计这一情形，\n" +
		"不计其他情形）     1    0    0    0    0    0    1\n" +
		"（七）总计     1    0    0    0    0    0    1\n"
	r := parseText(t, text)
	wantValues(t, r, "requests.new.total=1", "requests.partially_disclosed.natural_person=1",
		"requests.partially_disclosed.total=1", "requests.total.total=1", "requests.disclosed.total=")
}

// A text conversion that kept only single spaces: numbers in one cell are
// split back into cells (never read as one number), and a group label
// merged with its first sub-row is read as both.
func TestSingleSpacedRowsAndMergedLabels(t *testing.T) {
	text := title2021 + "三、收到和处理政府信息公开申请情况\n" +
		"一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n" +
		"三、本年度办理结果（一）予以公开 1 0 0 0 0 0 1\n" +
		"（三）不予公开1.属于国家秘密 0 0 0 0 0 0 0\n" +
		"(七) 总计 1 0 0 0 0 0 1\n"
	r := parseText(t, text)
	wantValues(t, r, "requests.new.natural_person=1", "requests.new.total=1",
		"requests.disclosed.natural_person=1", "requests.disclosed.total=1",
		"requests.withheld.state_secret.total=0", "requests.total.total=1")
	for _, c := range r.Cells {
		if c.Value != nil && *c.Value > 1 {
			t.Errorf("%s = %v from raw %q: numbers were joined", c.Key(), *c.Value, c.Raw)
		}
	}
}

func TestSplitAtOrdinals(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(三)不予公开1.属于国家秘密", "(三)不予公开|1.属于国家秘密"},
		{"三、本年度办理结果(一)予以公开", "三、本年度办理结果|(一)予以公开"},
		{"第二十条第(一)项", "第二十条第(一)项"},
		{"本年收费金额(单位:万元,保留4位小数)", "本年收费金额(单位:万元,保留4位小数)"},
		{"2.其他法律行政法规禁止公开", "2.其他法律行政法规禁止公开"},
	}
	for _, tt := range tests {
		parts := splitAtOrdinals(tt.in)
		if parts == nil {
			parts = []string{tt.in} // nil: nothing to split
		}
		if got := strings.Join(parts, "|"); got != tt.want {
			t.Errorf("splitAtOrdinals(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Section 四 with blank cells at the start of the data row (an HTML grid
// with empty <td>s): the blanks keep their positions.
func TestAppealsLeadingBlanks(t *testing.T) {
	r := parseText(t, report2021(nil, nil, "\t\t1\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"))
	wantValues(t, r, "appeals.review.upheld=", "appeals.review.corrected=", "appeals.review.other=1",
		"appeals.review.total=1", "appeals.litigation_direct.upheld=0")
}

// A header cell spanning three grid columns over one value, with the value
// in the middle column (a PDF layout) or repeated as spanned copies (an
// XLSX grid): the header's range claims it either way.
func TestActiveHeaderSpan(t *testing.T) {
	reportCell := cell
	cell := func(text string, spanned bool) doc.Cell {
		return doc.Cell{Text: text, Spanned: spanned, Loc: doc.Loc{Line: 1}}
	}
	for _, tt := range []struct {
		name string
		data []doc.Cell
	}{
		{"value in the middle column", []doc.Cell{cell("行政许可", false), cell("", false), cell("2", false), cell("", false)}},
		{"value with spanned copies", []doc.Cell{cell("行政许可", false), cell("2", false), cell("2", true), cell("2", true)}},
		{"value in the last column", []doc.Cell{cell("行政许可", false), cell("", false), cell("", false), cell("2", false)}},
	} {
		d := &doc.Document{Blocks: []doc.Block{
			{Text: "某局2021年政府信息公开工作年度报告"},
			{Text: "二、主动公开政府信息情况"},
			{Table: &doc.Table{Rows: [][]doc.Cell{
				{cell("", false), cell("第二十条第（五）项", false), cell("第二十条第（五）项", true), cell("", false)},
				{cell("信息内容", false), cell("本年处理决定数量", false), cell("本年处理决定数量", true), cell("本年处理决定数量", true)},
				tt.data,
			}}},
		}}
		e, _ := New(Options{})
		r := e.FromDocument(context.Background(), Source{Name: "x"}, d, "")
		c := reportCell(t, r, "active.admin_licensing.decisions")
		if valueString(c) != "2" || len(c.Flags) != 0 || c.Align != AlignHeader {
			t.Errorf("%s: %+v", tt.name, c)
		}
	}
}

// Text where a number belongs is kept raw, valued nil and flagged.
func TestTextInValueCell(t *testing.T) {
	text := "某局2019年度政府信息公开工作年度报告\n二、主动公开政府信息情况\n" +
		"第二十条第（五）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t5\t减少2\t见附件\n"
	r := parseText(t, text)
	wantValues(t, r, "active.admin_licensing.prev_items=5", "active.admin_licensing.change=-2", "active.admin_licensing.decisions=")
	c := cell(t, r, "active.admin_licensing.decisions")
	if c.Raw != "见附件" || !slices.Contains(c.Flags, FlagTextInCell) {
		t.Errorf("cell %+v", c)
	}
	if r.Status == StatusOK {
		t.Errorf("status ok with an unreadable value")
	}
}

// A table flattened to one cell per line (lixian.gov.cn style): header
// lines, then each label followed by its seven values on lines of their own.
func TestOneCellPerLine(t *testing.T) {
	var b strings.Builder
	b.WriteString(title2021 + "三、收到和处理政府信息公开申请情况\n")
	for _, h := range []string{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"} {
		b.WriteString(h + "\n")
	}
	for _, r := range requestRows2021 {
		for _, l := range strings.Split(strings.Trim(r.label, "\t"), "\t") {
			if l != "" {
				b.WriteString(l + "\n")
			}
		}
		v := []string{"0", "0", "0", "0", "0", "0", "0"}
		if r.key == "new" || r.key == "disclosed" || r.key == "total" {
			v = []string{"3", "0", "0", "0", "1", "0", "4"}
		}
		b.WriteString(strings.Join(v, "\n") + "\n\n")
	}
	r := parseText(t, b.String()+appealsText(appealZeros))
	wantValues(t, r, "requests.new.natural_person=3", "requests.new.legal_service=1", "requests.new.total=4",
		"requests.disclosed.total=4", "requests.other.other.total=0", "requests.total.total=4")
	if got := failedChecks(r); len(got) != 0 {
		t.Errorf("failed checks %v", got)
	}
}
