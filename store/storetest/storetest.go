// Package storetest builds hand-made reports for the tests of package store
// and of the readers of its output. The reports follow the codebook and the
// seed reports' shapes but are written here, not extracted, so store tests do
// not depend on the extractor.
package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/extract/doc"
)

// Codebook rows and columns of the 2021 template (codebook.tsv).
var (
	RequestRows2021 = []string{
		"new", "carried_over", "disclosed", "partially_disclosed",
		"withheld.state_secret", "withheld.prohibited_by_law", "withheld.security_stability",
		"withheld.third_party", "withheld.internal_affairs", "withheld.process_info",
		"withheld.enforcement_files", "withheld.admin_query",
		"unable.not_held", "unable.needs_creation", "unable.unclear",
		"not_processed.petition", "not_processed.duplicate", "not_processed.publication",
		"not_processed.vexatious", "not_processed.confirm_reissue",
		"other.no_correction", "other.fee_unpaid", "other.other",
		"total", "carried_forward",
	}
	RequestCols   = []string{"natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"}
	AppealRows    = []string{"review", "litigation_direct", "litigation_after_review"}
	AppealCols    = []string{"upheld", "corrected", "other", "pending", "total"}
	ActiveCells21 = [][3]string{
		{"active", "regulations", "issued"}, {"active", "regulations", "repealed"}, {"active", "regulations", "in_force"},
		{"active", "normative_docs", "issued"}, {"active", "normative_docs", "repealed"}, {"active", "normative_docs", "in_force"},
		{"active", "admin_licensing", "decisions"}, {"active", "admin_penalty", "decisions"},
		{"active", "admin_coercion", "decisions"}, {"active", "admin_fees", "fee_amount"},
	}
)

// F returns a pointer to v.
func F(v float64) *float64 { return &v }

// B returns a pointer to v.
func B(v bool) *bool { return &v }

// Num is a printed number: Value v, Raw as printed.
func Num(table, row, col string, v float64) extract.Cell {
	return extract.Cell{Table: table, Row: row, Col: col, Value: F(v), Raw: strconv.FormatFloat(v, 'f', -1, 64), Unit: "件", Align: "header"}
}

// Blank is an empty cell: no value, empty raw text.
func Blank(table, row, col string) extract.Cell {
	return extract.Cell{Table: table, Row: row, Col: col, Raw: "", Unit: "件", Align: "header"}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// template2021 returns the section 三 and 四 cells of a 2021 report, each
// value taken from val (nil = blank).
func template2021(val func(table, row, col string) *float64) []extract.Cell {
	var cells []extract.Cell
	add := func(t, r, c string) {
		if v := val(t, r, c); v != nil {
			cells = append(cells, Num(t, r, c, *v))
		} else {
			cells = append(cells, Blank(t, r, c))
		}
	}
	for _, k := range ActiveCells21 {
		add(k[0], k[1], k[2])
	}
	for _, r := range RequestRows2021 {
		for _, c := range RequestCols {
			add("requests", r, c)
		}
	}
	for _, r := range AppealRows {
		for _, c := range AppealCols {
			add("appeals", r, c)
		}
	}
	return cells
}

func passing(rules ...string) []extract.Check {
	var cs []extract.Check
	for _, r := range rules {
		cs = append(cs, extract.Check{Rule: r, Scope: "requests.*.total", Expected: F(0), Actual: F(0), Passed: B(true), Severity: "hard"})
	}
	return cs
}

// Seeds returns five reports shaped like the seed reports: every value,
// blank, check and partition is chosen by hand.
//
//	0: 2021, 630200, all 210 cells printed 0, checks pass
//	1: 2023, 630200, 128 requests, 25 ≠ 27+8+2, R2/R3 fail, R4 not assessable
//	2: 2021, 410781, all 0 with one flagged cell
//	3: 2019, 630200 (local file), requests all blank
//	4: unknown year and region, no tables
func Seeds() []*extract.Report {
	zero := func(string, string, string) *float64 { return F(0) }

	r0 := &extract.Report{
		Source: "https://www.haidong.gov.cn/art/2022/1/7/art_1_1.html", Format: doc.FormatHTML,
		SHA256: sha("r0"), Agency: "海东市政务服务监督管理局", ReportYear: 2021, RegionCode: "630200",
		PublicationDate: "2022-01-07", Templates: extract.Templates{Active: "2021", Requests: "2021"},
		Status: extract.StatusOK,
		Cells: template2021(func(t, r, c string) *float64 {
			if r == "normative_docs" && c != "repealed" {
				return F(4)
			}
			return F(0)
		}),
		Checks: passing("R1", "R2", "R3", "R4"),
	}

	printed := map[string]float64{
		"requests.new.natural_person": 107, "requests.new.legal_service": 12, "requests.new.other_org": 9, "requests.new.total": 128,
		"requests.disclosed.natural_person": 47, "requests.disclosed.legal_service": 4, "requests.disclosed.other_org": 7, "requests.disclosed.total": 58,
		"requests.partially_disclosed.natural_person": 2, "requests.partially_disclosed.total": 2,
		"requests.unable.not_held.natural_person": 27, "requests.unable.not_held.legal_service": 8,
		"requests.unable.not_held.other_org": 2, "requests.unable.not_held.total": 25,
		"requests.not_processed.petition.natural_person": 30, "requests.not_processed.petition.total": 30,
		"requests.not_processed.vexatious.natural_person": 1, "requests.not_processed.vexatious.total": 1,
		"requests.total.natural_person": 107, "requests.total.legal_service": 12, "requests.total.other_org": 9, "requests.total.total": 128,
		"active.regulations.issued": 9, "active.regulations.repealed": 0, "active.regulations.in_force": 53,
		"active.normative_docs.issued": 15, "active.normative_docs.repealed": 1, "active.normative_docs.in_force": 79,
		"active.admin_licensing.decisions": 32510, "active.admin_penalty.decisions": 3523,
		"active.admin_coercion.decisions": 995, "active.admin_fees.fee_amount": 3297,
	}
	r1 := &extract.Report{
		Source: "https://www.haidong.gov.cn/art/2024/3/10/art_2_2.html", Format: doc.FormatHTML,
		SHA256: sha("r1"), Agency: "海东市人民政府", ReportYear: 2023, RegionCode: "630200",
		PublicationDate: "2024-03-10", Templates: extract.Templates{Active: "2021", Requests: "2021"},
		Status: extract.StatusFailedChecks,
		Cells: template2021(func(t, r, c string) *float64 {
			if t == "appeals" {
				return nil
			}
			if v, ok := printed[t+"."+r+"."+c]; ok {
				return F(v)
			}
			if t == "requests" {
				return nil
			}
			return F(0)
		}),
		Checks: []extract.Check{
			{Rule: "R1", Scope: "requests.*.total", Expected: F(128), Actual: F(128), Passed: B(true), Severity: "hard"},
			{Rule: "R2", Scope: "requests.unable.not_held", Expected: F(37), Actual: F(25), Passed: B(false), Severity: "hard", Detail: "27+8+2 = 37, row total printed 25"},
			{Rule: "R3", Scope: "requests.*.total", Expected: F(116), Actual: F(128), Passed: B(false), Severity: "hard", Detail: "58+2+25+30+1 = 116"},
			{Rule: "R4", Scope: "appeals", Severity: "hard", Detail: "section 四 has no data row"},
		},
	}
	// The fee is 万元 with decimals, unlike the counts.
	for i := range r1.Cells {
		if r1.Cells[i].Key() == "active.admin_fees.fee_amount" {
			r1.Cells[i].Unit = "万元"
		}
	}

	r2 := &extract.Report{
		Source: "https://www.weihui.gov.cn/2022/0115/a.html", Format: doc.FormatHTML,
		SHA256: sha("r2"), Agency: "卫辉市政务和大数据管理局", ReportYear: 2021, RegionCode: "410781",
		Templates: extract.Templates{Active: "2021", Requests: "2021"}, Status: extract.StatusOK,
		Cells:  template2021(zero),
		Checks: passing("R1", "R2", "R3", "R4"),
	}
	for i := range r2.Cells {
		if r2.Cells[i].Key() == "requests.total.total" {
			r2.Cells[i].Flags = []string{"extra_cells", "ambiguous_alignment"}
			r2.Cells[i].Align = "fixed_order"
		}
	}

	r3 := &extract.Report{
		Source: "/data/seeds/004.doc", Format: doc.FormatDOC, SHA256: sha("r3"),
		Agency: "海东市市直机关事务管理局", ReportYear: 2019, RegionCode: "630200", PublicationDate: "2020-02-19",
		Templates: extract.Templates{Active: "2019", Requests: "2019"}, Status: extract.StatusOK,
	}
	for _, r := range []string{"new", "carried_over", "disclosed", "other", "total", "carried_forward"} {
		for _, c := range RequestCols {
			r3.Cells = append(r3.Cells, Blank("requests", r, c))
		}
	}
	r3.Cells = append(r3.Cells,
		Num("active", "procurement", "items", 9),
		extract.Cell{Table: "active", Row: "procurement", Col: "amount", Value: F(7139200), Raw: "7139200", Unit: "unknown", Align: "header"},
	)
	r3.Checks = []extract.Check{{Rule: "R1", Scope: "requests.*.total", Severity: "hard", Detail: "every cell blank: not assessable"}}

	r4 := &extract.Report{
		Source: "https://www.jindong.gov.cn/art/2022/1/11/art_3.html", Format: doc.FormatPDF, SHA256: sha("r4"),
		Agency: "金华市金东区行政服务中心", IndexNo: "12330703766405351H/2022-00001",
		Status: extract.StatusNoTables, Warnings: []string{"image-only PDF"},
	}
	return []*extract.Report{r0, r1, r2, r3, r4}
}

// Provinces used by Synthetic, as GB/T 2260 prefecture codes.
var regions = []string{"110105", "310115", "330703", "410781", "440305", "510104", "630200", "650102"}

// Synthetic returns report i of a large, deterministic corpus: 2021-template
// reports of 215 cells (about 10% blank) spread over 5 years and 8
// provinces. version changes the content hash, as a changed page would.
func Synthetic(i, version int) *extract.Report {
	cells := template2021(func(t, r, c string) *float64 {
		h := len(t)*31 + len(r)*17 + len(c)*7 + i
		if h%10 == 0 {
			return nil
		}
		return F(float64(h % 97))
	})
	return &extract.Report{
		Source:     fmt.Sprintf("https://portal%d.example.gov.cn/art/%d.html", i%50, i),
		Format:     doc.FormatHTML,
		SHA256:     sha(fmt.Sprintf("synthetic %d v%d", i, version)),
		Agency:     fmt.Sprintf("第%d局", i%300),
		ReportYear: 2019 + i%5,
		RegionCode: regions[i%len(regions)],
		Templates:  extract.Templates{Active: "2021", Requests: "2021"},
		Status:     extract.StatusOK,
		Cells:      cells,
		Checks:     passing("R1", "R2", "R3", "R4"),
	}
}

// FailingR1 is a 2022 report from 金华市金东区 (330703) whose section 三
// breaks R1 in two columns: 10 new + 2 carried over ≠ 10 handled + blank
// carried forward.
func FailingR1() *extract.Report {
	printed := map[string]float64{
		"requests.new.natural_person": 10, "requests.new.total": 10,
		"requests.carried_over.natural_person": 2, "requests.carried_over.total": 2,
		"requests.disclosed.natural_person": 10, "requests.disclosed.total": 10,
		"requests.total.natural_person": 10, "requests.total.total": 10,
	}
	return &extract.Report{
		Source: "https://www.jindong.gov.cn/art/2023/1/20/art_9.html", Format: doc.FormatHTML, SHA256: sha("r5"),
		Agency: "金华市金东区人民政府", ReportYear: 2022, RegionCode: "330703", PublicationDate: "2023-01-20",
		Templates: extract.Templates{Active: "2021", Requests: "2021"}, Status: extract.StatusFailedChecks,
		Cells: template2021(func(t, r, c string) *float64 {
			if v, ok := printed[t+"."+r+"."+c]; ok {
				return F(v)
			}
			if r == "carried_forward" {
				return nil
			}
			return F(0)
		}),
		Checks: []extract.Check{
			{Rule: "R1", Scope: "requests.*.natural_person", Expected: F(12), Actual: F(10), Passed: B(false), Severity: "hard", Detail: "10+2 ≠ 10+0"},
			{Rule: "R1", Scope: "requests.*.commercial", Expected: F(0), Actual: F(0), Passed: B(true), Severity: "hard"},
			{Rule: "R1", Scope: "requests.*.total", Expected: F(12), Actual: F(10), Passed: B(false), Severity: "hard", Detail: "10+2 ≠ 10+0"},
		},
	}
}
