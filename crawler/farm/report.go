package farm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Report is an annual report with known values, the ground truth an
// end-to-end test compares extraction output with.
type Report struct {
	ID        string // r01 …
	Agency    string // 杭州市西湖区人民政府
	Year      int    // the report year (the title's year), not the publication year
	Region    string // GB/T 2260 code of the agency's place
	Template  string // "2019" or "2021"
	Published string // YYYY-MM-DD, printed at the foot of the page
	IndexNo   string // 索引号 in the page metadata
	// Values maps codebook keys (table.row.col) to values. A nil value or a
	// missing key is printed as a blank cell.
	Values map[string]*float64
	// Violates lists the hard checks this report fails on purpose, e.g. R2.
	Violates []string
	// VariantLabels prints the table labels in spellings seen in real
	// reports instead of the official ones: (一) 予以公开, 1. 属于国家秘密,
	// 其他法律法规禁止公开, … An extractor keyed to exact labels fails here.
	VariantLabels bool
}

// Title is the report's title as printed and linked.
func (r Report) Title() string {
	return fmt.Sprintf("%s%d年政府信息公开工作年度报告", r.Agency, r.Year)
}

// Keys returns every template cell key of the report's template, in
// template order.
func (r Report) Keys() []string { return templateKeys(r.Template) }

// Sections 三 and 四: rows and columns shared by both templates.
var (
	requestCols = []string{"natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"}
	appealRows  = []string{"review", "litigation_direct", "litigation_after_review"}
	appealCols  = []string{"upheld", "corrected", "other", "pending", "total"}
	withheld    = []string{"state_secret", "prohibited_by_law", "security_stability", "third_party", "internal_affairs", "process_info", "enforcement_files", "admin_query"}
	unable      = []string{"not_held", "needs_creation", "unclear"}
	notProc     = []string{"petition", "duplicate", "publication", "vexatious", "confirm_reissue"}
	other2021   = []string{"no_correction", "fee_unpaid", "other"}
)

// outcomeRows are the rows of section 三 that add up to （七）总计 (R3).
func outcomeRows(tmpl string) []string {
	rows := []string{"disclosed", "partially_disclosed"}
	for _, s := range withheld {
		rows = append(rows, "withheld."+s)
	}
	for _, s := range unable {
		rows = append(rows, "unable."+s)
	}
	for _, s := range notProc {
		rows = append(rows, "not_processed."+s)
	}
	if tmpl == "2019" {
		return append(rows, "other")
	}
	for _, s := range other2021 {
		rows = append(rows, "other."+s)
	}
	return rows
}

func requestRows(tmpl string) []string {
	rows := []string{"new", "carried_over"}
	rows = append(rows, outcomeRows(tmpl)...)
	return append(rows, "total", "carried_forward")
}

// activeCells lists section 二's row and column keys per template.
func activeCells(tmpl string) [][2]string {
	var out [][2]string
	add := func(rows []string, cols ...string) {
		for _, r := range rows {
			for _, c := range cols {
				out = append(out, [2]string{r, c})
			}
		}
	}
	if tmpl == "2019" {
		add([]string{"regulations", "normative_docs"}, "newly_made", "newly_published", "total_published")
		add([]string{"admin_licensing", "other_services", "admin_penalty", "admin_coercion"}, "prev_items", "change", "decisions")
		add([]string{"admin_fees"}, "prev_items", "change")
		add([]string{"procurement"}, "items", "amount")
		return out
	}
	add([]string{"regulations", "normative_docs"}, "issued", "repealed", "in_force")
	add([]string{"admin_licensing", "admin_penalty", "admin_coercion"}, "decisions")
	add([]string{"admin_fees"}, "fee_amount")
	return out
}

func templateKeys(tmpl string) []string {
	var keys []string
	for _, rc := range activeCells(tmpl) {
		keys = append(keys, "active."+rc[0]+"."+rc[1])
	}
	for _, r := range requestRows(tmpl) {
		for _, c := range requestCols {
			keys = append(keys, "requests."+r+"."+c)
		}
	}
	for _, r := range appealRows {
		for _, c := range appealCols {
			keys = append(keys, "appeals."+r+"."+c)
		}
	}
	return keys
}

func num(v float64) *float64 { return &v }

// valueSpec shapes the generated values of one report.
type valueSpec struct {
	seed uint64
	// busy scales the request counts: a city government gets hundreds of
	// requests, a county bureau a handful.
	busy int
	// blankZeros prints zero cells of sections 三 and 四 as blanks, as many
	// real reports do (blank is not 0 in the output, but is 0 in R1–R4).
	blankZeros bool
	// r2 breaks R2 on requests.unable.not_held the way seed 001 does: the
	// row total is 12 short, so R3 fails on the total column too.
	r2 bool
	// rules: the agency may issue 规章 (a provincial or 设区的市 government);
	// for anyone else the 规章 row is 0, or R8 would flag it.
	rules bool
}

// generate makes values that satisfy R1–R4 (unless spec.r2) and the soft
// rule R9 (no fee notices, so other.fee_unpaid is 0).
func generate(tmpl string, spec valueSpec) map[string]*float64 {
	rng := rand.New(rand.NewPCG(spec.seed, spec.seed^0x9e3779b97f4a7c15))
	v := map[string]*float64{}
	set := func(k string, x float64) { v[k] = num(x) }

	// Section 二.
	for _, rc := range activeCells(tmpl) {
		k := "active." + rc[0] + "." + rc[1]
		switch rc[1] {
		case "fee_amount":
			set(k, float64(rng.IntN(5000000))/10000) // up to 4 decimals, in 万元
		case "change":
			set(k, float64(rng.IntN(11)-5))
		case "amount":
			set(k, float64(rng.IntN(900)+100)*1000)
		case "decisions":
			set(k, float64(rng.IntN(40*spec.busy)))
		default:
			set(k, float64(rng.IntN(30)))
		}
	}
	if tmpl == "2021" {
		for _, r := range []string{"regulations", "normative_docs"} {
			issued := *v["active."+r+".issued"]
			set("active."+r+".repealed", float64(rng.IntN(int(issued)+1)))
			set("active."+r+".in_force", issued+float64(rng.IntN(80)))
		}
	}
	if !spec.rules {
		for _, rc := range activeCells(tmpl) {
			if rc[0] == "regulations" {
				set("active.regulations."+rc[1], 0)
			}
		}
	}

	// Section 三: outcome rows per applicant column, then the totals.
	outcomes := outcomeRows(tmpl)
	colTotal := make([]float64, 6)
	for _, row := range outcomes {
		rowTotal := 0.0
		for c := range 6 {
			x := 0.0
			// Most cells are 0; natural persons file most requests.
			chance := 0.25
			if c == 0 {
				chance = 0.7
			}
			if row != "other.fee_unpaid" && rng.Float64() < chance {
				scale := spec.busy
				if c > 0 {
					scale = max(1, spec.busy/4)
				}
				x = float64(rng.IntN(3*scale) + 1)
			}
			set("requests."+row+"."+requestCols[c], x)
			rowTotal += x
			colTotal[c] += x
		}
		set("requests."+row+".total", rowTotal)
	}
	if spec.r2 {
		for c, x := range []float64{27, 0, 0, 0, 8, 2} {
			k := "requests.unable.not_held." + requestCols[c]
			colTotal[c] += x - *v[k]
			set(k, x)
		}
	}
	grand := 0.0
	for c := range 6 {
		forward := float64(rng.IntN(3))
		over := min(float64(rng.IntN(3)), colTotal[c]+forward) // keeps new ≥ 0
		set("requests.total."+requestCols[c], colTotal[c])
		set("requests.carried_over."+requestCols[c], over)
		set("requests.carried_forward."+requestCols[c], forward)
		set("requests.new."+requestCols[c], colTotal[c]+forward-over) // R1
		grand += colTotal[c]
	}
	for _, row := range []string{"new", "carried_over", "carried_forward", "total"} {
		sum := 0.0
		for c := range 6 {
			sum += *v["requests."+row+"."+requestCols[c]]
		}
		set("requests."+row+".total", sum) // R2
	}
	if spec.r2 {
		k := "requests.unable.not_held.total"
		set(k, 37-12) // printed 25 where the row adds up to 37
	}

	// Section 四.
	for _, r := range appealRows {
		sum := 0.0
		for _, c := range appealCols[:4] {
			x := 0.0
			if rng.Float64() < 0.3 {
				x = float64(rng.IntN(4) + 1)
			}
			set("appeals."+r+"."+c, x)
			sum += x
		}
		set("appeals."+r+".total", sum) // R4
	}

	if spec.blankZeros {
		for k, x := range v {
			if x != nil && *x == 0 && (strings.HasPrefix(k, "requests.") || strings.HasPrefix(k, "appeals.")) {
				v[k] = nil
			}
		}
	}
	return v
}

// reportSpec is one report of the farm: its facts, its home site and how
// it is served.
type reportSpec struct {
	Report
	site    string // the site that lists it
	page    int    // the list page (0-based) it appears on
	charset string // "utf-8" or "gbk"
	// metaOnly declares the charset only in <meta>, not in Content-Type.
	metaOnly bool
	// lying sends Content-Type charset=utf-8 over a GBK body without meta.
	lying bool
	docx  bool   // also attach a generated DOCX
	path  string // the report page's path; set by the site unless preset
	spec  valueSpec

	// Serving state, guarded by Farm.mu.
	version  int
	modified time.Time
	files    []*hostedFile
}

// catalogue is the farm's reports. Agencies, places and codes are real
// (GB/T 2260); the numbers are generated and satisfy R1–R4 except where
// Violates says otherwise.
func catalogue() []*reportSpec {
	rep := func(id, agency string, year int, region, tmpl, published, index string) Report {
		return Report{ID: id, Agency: agency, Year: year, Region: region, Template: tmpl, Published: published, IndexNo: index}
	}
	rs := []*reportSpec{
		{Report: rep("r01", "杭州市西湖区人民政府", 2022, "330106", "2021", "2023-01-20", "002489709/2023-00012"),
			site: SiteHanweb, page: 0, charset: "utf-8", docx: true, spec: valueSpec{seed: 1, busy: 20}},
		{Report: rep("r02", "杭州市西湖区市场监督管理局", 2020, "330106", "2019", "2021-01-29", "002489717/2021-00034"),
			site: SiteHanweb, page: 1, charset: "utf-8", spec: valueSpec{seed: 2, busy: 3}},
		{Report: rep("r03", "舒兰市人民政府", 2021, "220283", "2021", "2022-01-25", ""),
			site: SiteTRS, page: 0, charset: "gbk", docx: true, spec: valueSpec{seed: 3, busy: 8}},
		{Report: rep("r04", "舒兰市教育局", 2019, "220283", "2019", "2020-01-20", ""),
			site: SiteTRS, page: 2, charset: "gbk", metaOnly: true, spec: valueSpec{seed: 4, busy: 2}},
		{Report: rep("r05", "杨陵区人民政府", 2023, "610403", "2021", "2024-03-20", ""),
			site: SiteGeneric, page: 0, charset: "utf-8", docx: true, spec: valueSpec{seed: 5, busy: 6, blankZeros: true}},
		{Report: rep("r06", "海东市人民政府", 2023, "630200", "2021", "2024-03-10", ""),
			site: SiteGeneric, page: 2, charset: "utf-8", spec: valueSpec{seed: 6, busy: 10, r2: true, rules: true}},
		{Report: rep("r07", "卫辉市政务和大数据管理局", 2022, "410781", "2021", "2023-01-16", ""),
			site: SiteFaults, charset: "utf-8", path: "/flaky/2022nb.html", spec: valueSpec{seed: 7, busy: 2}},
		{Report: rep("r08", "金华市金东区行政服务中心", 2021, "330703", "2021", "2022-01-11", "12330703766405351H/2022-00011"),
			site: SiteFaults, charset: "gbk", lying: true, path: "/charset/2021nb.html", spec: valueSpec{seed: 8, busy: 2}},
		{Report: rep("r09", "上海市人民政府办公厅", 2019, "310000", "2019", "2020-03-31", ""),
			site: SiteFaults, charset: "utf-8", path: "/ratelimited/2019nb.html", spec: valueSpec{seed: 9, busy: 30, blankZeros: true}},
	}
	for _, r := range rs {
		r.Values = generate(r.Template, r.spec)
	}
	rs[5].Violates = []string{"R2", "R3"}
	rs[6].VariantLabels = true
	return rs
}

// Reports returns the farm's reports as first served (version 0), for
// rendering them into other formats (see internal/assetgen).
func Reports() []Report {
	var out []Report
	for _, s := range catalogue() {
		out = append(out, s.Report)
	}
	return out
}

// changed returns the report's values for version n (n ≥ 1 after Change):
// new numbers, still consistent.
func (s *reportSpec) changed(n int) map[string]*float64 {
	spec := s.spec
	spec.seed = spec.seed*1000 + uint64(n)
	return generate(s.Template, spec)
}

// format prints a value as a report would: integers without decimals,
// amounts with up to 4.
func format(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func sortedIDs(m map[string]*reportSpec) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
