package extract

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/extract/codebook"
)

// Check severities.
const (
	SeverityHard   = "hard"
	SeverityFormat = "format"
	SeveritySoft   = "soft"
)

// term is one operand of a check: its value with blank read as 0.
type term struct {
	v     float64
	blank bool
}

func (m *mapper) term(i int) term {
	v, ok := m.vals.at(i)
	if !ok || !v.has {
		return term{blank: true}
	}
	return term{v: v.num}
}

// sumCheck records rule: parts sum to total. A check whose cells are all
// blank is not assessable (Passed nil), which is not the same as passing.
func (m *mapper) sumCheck(p sumPlan) {
	c := Check{Rule: p.rule, Scope: p.scope, Severity: p.severity}
	var sum float64
	allBlank := true
	for _, k := range p.parts {
		if t := m.term(k); !t.blank {
			allBlank = false
			sum += t.v
		}
	}
	tot := m.term(p.total)
	if !(tot.blank && allBlank) {
		passed := math.Abs(sum-tot.v) < 1e-6
		m.assess(&c, sum, tot.v, passed)
		if !passed {
			// The detail spells the sum out (27+8+2=37, total 25); a passing
			// check needs none, and most checks pass.
			var shown []string
			for _, k := range p.parts {
				if t := m.term(k); !t.blank && t.v != 0 {
					shown = append(shown, fmtNum(t.v))
				}
			}
			if len(shown) == 0 {
				shown = []string{"0"}
			}
			c.Detail = strings.Join(shown, "+") + "=" + fmtNum(sum) + ", total " + fmtNum(tot.v)
		}
	}
	m.rep.Checks = append(m.rep.Checks, c)
}

// sumPlan is a sum rule with its operands as key numbers (see keyIndex).
type sumPlan struct {
	rule, scope, severity string
	parts                 []int
	total                 int
}

// r1Plan is R1 for one column: new + carried_over − carried_forward = total.
type r1Plan struct {
	scope                               string
	newRow, carriedOver, total, forward int
}

// requestPlan is every arithmetic check of one requests template.
type requestPlan struct {
	r1     []r1Plan
	r2, r3 []sumPlan
}

// The checks' operands depend only on the template, so they are numbered
// once: requestPlans by requests template, appealsPlan for R4.
var requestPlans, appealsPlan = func() (map[string]*requestPlan, []sumPlan) {
	plans := map[string]*requestPlan{}
	for _, l := range codebook.Layouts() {
		if l.Table != codebook.Requests {
			continue
		}
		b := l.Blocks[0]
		key := func(row, col string) int { return keyAt(codebook.Key{Table: codebook.Requests, Row: row, Col: col}) }
		p := &requestPlan{}
		for _, col := range b.Cols {
			p.r1 = append(p.r1, r1Plan{scope: "requests.*." + col.Key,
				newRow: key("new", col.Key), carriedOver: key("carried_over", col.Key),
				total: key("total", col.Key), forward: key("carried_forward", col.Key)})
		}
		for _, row := range b.Rows {
			var parts []int
			for _, col := range b.Cols[:len(b.Cols)-1] {
				parts = append(parts, key(row.Key, col.Key))
			}
			p.r2 = append(p.r2, sumPlan{"R2", "requests." + row.Key, SeverityHard, parts, key(row.Key, "total")})
		}
		for _, col := range b.Cols {
			var parts []int
			for _, row := range b.Rows {
				if row.Level == 1 || row.Key == "total" {
					continue
				}
				parts = append(parts, key(row.Key, col.Key))
			}
			p.r3 = append(p.r3, sumPlan{"R3", "requests.*." + col.Key, SeverityHard, parts, key("total", col.Key)})
		}
		plans[l.Template] = p
	}
	var appeals []sumPlan
	l, _ := codebook.Lookup(codebook.Appeals, codebook.T2021)
	for _, row := range l.Blocks[0].Rows {
		var parts []int
		for _, col := range l.Blocks[0].Cols[:4] {
			parts = append(parts, keyAt(codebook.Key{Table: codebook.Appeals, Row: row.Key, Col: col.Key}))
		}
		appeals = append(appeals, sumPlan{"R4", "appeals." + row.Key, SeverityHard, parts,
			keyAt(codebook.Key{Table: codebook.Appeals, Row: row.Key, Col: "total"})})
	}
	return plans, appeals
}()

// assess fills in an assessed check.
func (m *mapper) assess(c *Check, expected, actual float64, passed bool) {
	c.Expected, c.Actual, c.Passed = m.arena.float(expected), m.arena.float(actual), m.arena.bool(passed)
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (m *mapper) checks() {
	if len(m.rep.Checks) == 0 {
		// One check per R1–R4 operand set and per R5 row: size it once.
		m.rep.Checks = make([]Check, 0, 96)
	}
	if tmpl := m.rep.Templates.Requests; tmpl != "" {
		p := requestPlans[tmpl]
		// R1 per column: new + carried_over = total + carried_forward,
		// checked as new + carried_over − carried_forward against total.
		for _, r := range p.r1 {
			c := Check{Rule: "R1", Scope: r.scope, Severity: SeverityHard}
			n, o, t, f := m.term(r.newRow), m.term(r.carriedOver), m.term(r.total), m.term(r.forward)
			if !(n.blank && o.blank && t.blank && f.blank) {
				exp, act := n.v+o.v-f.v, t.v
				m.assess(&c, exp, act, math.Abs(exp-act) < 1e-6)
				if !*c.Passed {
					c.Detail = fmtNum(n.v) + "+" + fmtNum(o.v) + "=" + fmtNum(n.v+o.v) + ", total+carried_forward " + fmtNum(t.v) + "+" + fmtNum(f.v) + "=" + fmtNum(t.v+f.v)
				}
			}
			m.rep.Checks = append(m.rep.Checks, c)
		}
		// R2 per row: the six applicant columns sum to the row total.
		for _, sp := range p.r2 {
			m.sumCheck(sp)
		}
		// R3 per column: the outcome rows sum to （七）总计.
		for _, sp := range p.r3 {
			m.sumCheck(sp)
		}
	}
	if m.hasTable(codebook.Appeals) {
		for _, sp := range appealsPlan {
			m.sumCheck(sp)
		}
	}
	m.formatChecks()
	m.narrativeChecks()
}

func (m *mapper) hasTable(table string) bool {
	for _, c := range m.rep.Cells {
		if c.Table == table {
			return true
		}
	}
	return false
}

// formatChecks is R5, per template row: counts are non-negative integers,
// the 2019 本年增/减 may be negative, amounts have at most 4 decimals.
func (m *mapper) formatChecks() {
	// Cells come in template order, so a row's cells are adjacent.
	flush := func(table, row string, any bool, bad []string) {
		c := Check{Rule: "R5", Scope: table + "." + row, Severity: SeverityFormat}
		if any {
			c.Passed = m.arena.bool(len(bad) == 0)
			c.Detail = strings.Join(bad, "; ")
		}
		m.rep.Checks = append(m.rep.Checks, c)
	}
	var (
		table, row string
		any        bool
		bad        []string
	)
	for i, c := range m.rep.Cells {
		if i > 0 && (c.Table != table || c.Row != row) {
			flush(table, row, any, bad)
			any, bad = false, nil
		}
		table, row = c.Table, c.Row
		if c.Value == nil {
			continue
		}
		any = true
		var (
			col codebook.Col
			v   value
		)
		if k := m.cellKey(i); k >= 0 {
			col = colSpecAt(k, c.Table, m.rep.Templates)
			v, _ = m.vals.at(k)
		} else {
			key := codebook.Key{Table: c.Table, Row: c.Row, Col: c.Col}
			col, _ = colSpec(c.Table, c.Row, c.Col, m.rep.Templates)
			v, _ = m.vals.get(key)
		}
		switch {
		case v.negative && !col.Signed:
			bad = append(bad, c.Col+" negative ("+c.Raw+")")
		case !fitsDecimals(v.num, col.Decimals):
			// By value, not by print: 3.00 is a count, 1.5 is not.
			bad = append(bad, c.Col+" has more than "+strconv.Itoa(col.Decimals)+" decimals ("+c.Raw+")")
		}
	}
	if len(m.rep.Cells) > 0 {
		flush(table, row, any, bad)
	}
}

// fitsDecimals reports whether f has at most d fractional digits.
func fitsDecimals(f float64, d int) bool {
	scaled := f * math.Pow10(d)
	return math.Abs(scaled-math.Round(scaled)) < 1e-6
}

// colSpecs indexes every template column by template and cell key.
var colSpecs = func() map[string]map[codebook.Key]codebook.Col {
	out := map[string]map[codebook.Key]codebook.Col{}
	for _, l := range codebook.Layouts() {
		if out[l.Template] == nil {
			out[l.Template] = map[codebook.Key]codebook.Col{}
		}
		for _, b := range l.Blocks {
			for _, r := range b.Rows {
				for _, c := range b.Cols {
					out[l.Template][codebook.Key{Table: l.Table, Row: r.Key, Col: c.Key}] = c
				}
			}
		}
	}
	return out
}()

// colsByIndex is colSpecs by template and key number (see keyIndex).
var colsByIndex = func() map[string][]codebook.Col {
	out := map[string][]codebook.Col{}
	for tmpl, cols := range colSpecs {
		byIndex := make([]codebook.Col, len(keyIndex))
		for k, c := range cols {
			byIndex[keyIndex[k]] = c
		}
		out[tmpl] = byIndex
	}
	return out
}()

// colSpecAt is colSpec for the cell of table with key number k; a key the
// template lacks gives the zero Col, as colSpec does.
func colSpecAt(k int, table string, t Templates) codebook.Col {
	tmpl := t.Active
	if table == codebook.Requests {
		tmpl = t.Requests
	}
	if tmpl == "" {
		tmpl = codebook.T2021
	}
	if cols, ok := colsByIndex[tmpl]; ok {
		return cols[k]
	}
	return codebook.Col{}
}

// cellKey returns the key number of rep.Cells[i], -1 if it has none.
func (m *mapper) cellKey(i int) int {
	if i < len(m.cellKeys) {
		return m.cellKeys[i]
	}
	return -1
}

// colSpec finds the template column of a cell.
func colSpec(table, row, col string, t Templates) (codebook.Col, bool) {
	tmpl := t.Active
	if table == codebook.Requests {
		tmpl = t.Requests
	}
	if tmpl == "" {
		tmpl = codebook.T2021
	}
	c, ok := colSpecs[tmpl][codebook.Key{Table: table, Row: row, Col: col}]
	return c, ok
}

var (
	// 收到政府信息公开申请128宗 / 共受理依申请公开申请12件
	receivedRe = regexp.MustCompile(`(?:收到|受理|新收|接收)[^。;,:]{0,16}?申请(?:共|计|合计)?(\d+)(?:件|宗|条|个|次)`)
	// 未收到…申请 / 无依申请公开 / 没有收到…申请
	noneRe = regexp.MustCompile(`(?:未|没有|无)(?:收到|受理|接到)?[^。;,:]{0,12}?申请`)
	// 未…行政复议/行政诉讼
	noAppealRe = regexp.MustCompile(`(?:未|没有|无)[^。;]{0,24}?(?:行政复议|行政诉讼|复议|诉讼)`)
)

// receivedIn is receivedRe.FindStringSubmatch(s), skipped when s lacks a
// digit or the 收/受 of every verb the regexp accepts.
func receivedIn(s string) []string {
	if !strings.ContainsAny(s, "0123456789") || !strings.ContainsAny(s, "收受") {
		return nil
	}
	return receivedRe.FindStringSubmatch(s)
}

// narrativeChecks compares the overview text with the tables (R10, R11).
// They are soft: the narrative is often loose or about another column.
func (m *mapper) narrativeChecks() {
	var sentences []string
	for _, p := range m.paras {
		if p.section > secOverview && p.section != secRequests && p.section != secAppeals {
			continue
		}
		if !strings.Contains(p.text, "申请") && !strings.Contains(p.text, "复议") && !strings.Contains(p.text, "诉讼") {
			continue
		}
		for _, s := range strings.FieldsFunc(p.text, func(r rune) bool { return r == '。' || r == ';' || r == '；' }) {
			if strings.Contains(s, "申请") || strings.Contains(s, "复议") || strings.Contains(s, "诉讼") {
				sentences = append(sentences, normalize(s))
			}
		}
	}
	if m.rep.Templates.Requests != "" {
		total := m.term(keyAt(codebook.Key{Table: codebook.Requests, Row: "new", Col: "total"}))
		for _, s := range sentences {
			if strings.Contains(s, "复议") || strings.Contains(s, "诉讼") {
				continue
			}
			if !strings.Contains(s, "申请") {
				continue
			}
			var want float64
			// Each regexp needs a character most sentences lack (a digit and
			// 收 or 受; one of 未没无): look for it before running the regexp.
			if mm := receivedIn(s); mm != nil {
				want, _ = strconv.ParseFloat(mm[1], 64)
			} else if !strings.ContainsAny(s, "未没无") || !noneRe.MatchString(s) || strings.Contains(s, "无正当理由") {
				continue
			}
			c := Check{Rule: "R10", Scope: "requests.new.total", Severity: SeveritySoft}
			if !total.blank {
				m.assess(&c, want, total.v, want == total.v)
				c.Detail = "narrative " + fmtNum(want) + ", table " + fmtNum(total.v)
			}
			m.rep.Checks = append(m.rep.Checks, c)
			break
		}
	}
	if m.hasTable(codebook.Appeals) {
		for _, s := range sentences {
			if !strings.ContainsAny(s, "未无没") || !noAppealRe.MatchString(s) {
				continue
			}
			c := Check{Rule: "R11", Scope: "appeals", Severity: SeveritySoft}
			var sum float64
			allBlank := true
			for _, cell := range m.rep.Cells {
				if cell.Table == codebook.Appeals && cell.Value != nil {
					allBlank = false
					sum += math.Abs(*cell.Value)
				}
			}
			if !allBlank {
				m.assess(&c, 0, sum, sum == 0)
				c.Detail = "narrative says none; table sum " + fmtNum(sum)
			}
			m.rep.Checks = append(m.rep.Checks, c)
			break
		}
	}
}
