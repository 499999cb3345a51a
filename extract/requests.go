package extract

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract/codebook"
)

// Section 三: 7 applicant columns per row, rows named by their labels.

const reqCols = 7

// requestHeaderWords are the column header labels of section 三. A row
// carrying two of them is a header row, whatever else it holds: its 其他
// (other organisations) must not be read as the 2021 row 3.其他.
var requestHeaderWords = []string{"申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构"}

var requestHeaderMatcher = newMatcher(requestHeaderWords)

func isRequestHeader(r srow, units []labelUnit) bool {
	for _, c := range r.cells {
		if c.val.kind == kindLabel && strings.Contains(c.raw, "勾稽关系") {
			return true
		}
	}
	n := 0
	for _, u := range units {
		if u.core == "申请人情况" {
			return true
		}
		if i, _ := requestHeaderMatcher.best(u.core, labelSure); i >= 0 {
			n++
		}
	}
	return n >= 2
}

// reqTarget is something a section 三 label can name: a template row or a
// group label (本年度办理结果, 不予公开, …) that has no values of its own.
type reqTarget struct {
	row    int    // index into the layout rows; -1 for a group
	group  string // the group this target is, for a group target
	labels []string
	runes  [][]rune
	ord    ordinal // the numbering the template prints for it
}

// targetSet is the targets of one template with an index for exact matches.
type targetSet struct {
	ts    []reqTarget
	exact map[string][]int
	rows  []codebook.Row

	mu   sync.RWMutex
	memo map[string][]float64
}

var requestTargetSets = func() map[string]*targetSet {
	out := map[string]*targetSet{}
	for _, tmpl := range []string{codebook.T2019, codebook.T2021} {
		l, _ := codebook.Lookup(codebook.Requests, tmpl)
		set := &targetSet{ts: requestTargets(l.Blocks[0].Rows, tmpl), exact: map[string][]int{}, rows: l.Blocks[0].Rows}
		for i := range set.ts {
			t := &set.ts[i]
			for _, lab := range t.labels {
				t.runes = append(t.runes, labelRunes(lab))
				set.exact[lab] = append(set.exact[lab], i)
			}
		}
		out[tmpl] = set
	}
	return out
}()

// requestTargets lists the rows and groups of a section 三 layout with the
// numbering the template gives them.
func requestTargets(rows []codebook.Row, tmpl string) []reqTarget {
	var ts []reqTarget
	l1, l2 := 0, 0
	sub := map[string]int{}
	addGroup := func(g string, o ordinal) {
		ts = append(ts, reqTarget{row: -1, group: g, labels: []string{g}, ord: o})
	}
	for i, r := range rows {
		var o ordinal
		switch r.Level {
		case 1:
			l1++
			if r.Key == "carried_forward" {
				l1 = 4
			}
			o = ordinal{level1, l1}
		case 2:
			if l2 == 0 {
				addGroup(codebook.GroupResults, ordinal{level1, 3})
			}
			l2++
			o = ordinal{level2, l2}
		case 3:
			if sub[r.Group] == 0 {
				l2++
				addGroup(r.Group, ordinal{level2, l2})
			}
			sub[r.Group]++
			o = ordinal{level3, sub[r.Group]}
		}
		var labels []string
		for _, l := range r.Label.All() {
			labels = append(labels, core(l))
		}
		ts = append(ts, reqTarget{row: i, labels: labels, ord: o})
	}
	return ts
}

// matchUnit scores a label against the targets: label similarity, plus a
// bonus when the printed numbering agrees with the template's and when a
// sub-row sits in the group the previous rows opened. An exact label match
// is found through the index; only other labels are compared rune by rune.
func matchUnit(u labelUnit, set *targetSet, group string) (best int, score float64) {
	best = -1
	bonus := func(t *reqTarget) float64 {
		b := 0.0
		if u.ord.level != levelNone && u.ord == t.ord {
			b += 0.08
		}
		if t.row >= 0 && group != "" && set.rows[t.row].Group == group {
			b += 0.04
		}
		return b
	}
	if hits, ok := set.exact[u.core]; ok {
		for _, i := range hits {
			if s := 1 + bonus(&set.ts[i]); s > score {
				best, score = i, s
			}
		}
		return best, score
	}
	sims := set.similarities(u.core)
	for i, s := range sims {
		if s < 0.34 {
			continue
		}
		if s += bonus(&set.ts[i]); s > score {
			best, score = i, s
		}
	}
	return best, score
}

// similarities returns the similarity of a label to every target,
// remembered per label (bounded, as for matcher).
func (set *targetSet) similarities(label string) []float64 {
	set.mu.RLock()
	sims, ok := set.memo[label]
	set.mu.RUnlock()
	if ok {
		return sims
	}
	ur := labelRunes(label)
	sims = make([]float64, len(set.ts))
	for i := range set.ts {
		s := 0.0
		for _, tr := range set.ts[i].runes {
			if simBound(len(ur), len(tr)) <= max(s, 0.34) {
				continue
			}
			s = max(s, simRunes(ur, tr))
		}
		sims[i] = s
	}
	set.mu.Lock()
	if set.memo == nil {
		set.memo = map[string][]float64{}
	}
	if len(set.memo) < maxMemo && len(label) <= maxMemoLabel {
		set.memo[label] = sims
	}
	set.mu.Unlock()
	return sims
}

// reqRow is a source row placed on a template row.
type reqRow struct {
	key       string
	src       *srow
	vals      []scell
	cands     []placement
	choice    int
	reason    string
	flags     []string
	ambiguous []bool // per column: candidates disagreed and arithmetic could not tell
}

// placement maps the 7 template columns to indexes in vals (-1: blank).
type placement struct {
	idx     [reqCols]int
	dropped int // non-empty value cells left out
	start   int // absolute source column of the first template column
}

// placements generates the ways a row's value cells can be read as 7
// columns: directly; after skipping 1–3 empty spacer cells; right-aligned
// after trimming trailing empties; and, when 8 values are present (a
// third-party subtotal column, a stray cell), with each one left out.
func placements(vals []scell, valStart int) []placement {
	out := make([]placement, 0, 4)
	nonEmpty := 0
	for _, v := range vals {
		if v.val.kind != kindEmpty {
			nonEmpty++
		}
	}
	add := func(idx [reqCols]int) {
		for _, p := range out {
			if p.idx == idx {
				return
			}
		}
		used := 0
		first := -1
		for c, i := range idx {
			if i >= 0 && vals[i].val.kind != kindEmpty {
				used++
			}
			if first < 0 && i >= 0 {
				first = valStart + i - c
			}
		}
		out = append(out, placement{idx: idx, dropped: nonEmpty - used, start: first})
	}
	window := func(start int) {
		var idx [reqCols]int
		for c := range idx {
			if i := start + c; i >= 0 && i < len(vals) {
				idx[c] = i
			} else {
				idx[c] = -1
			}
		}
		add(idx)
	}
	window(0)
	for k := 1; k <= 3 && k < len(vals) && vals[k-1].val.kind == kindEmpty; k++ {
		window(k)
	}
	end := len(vals)
	for end > 0 && vals[end-1].val.kind == kindEmpty {
		end--
	}
	if end > reqCols {
		window(end - reqCols)
	}
	// Eight values in a window of eight: try leaving each out.
	for s := 0; s+reqCols+1 <= len(vals) && s <= 3; s++ {
		n := 0
		for i := s; i < s+reqCols+1; i++ {
			if vals[i].val.kind != kindEmpty {
				n++
			}
		}
		if n != reqCols+1 {
			continue
		}
		for skip := s; skip < s+reqCols+1; skip++ {
			var idx [reqCols]int
			c := 0
			for i := s; i < s+reqCols+1; i++ {
				if i != skip {
					idx[c] = i
					c++
				}
			}
			add(idx)
		}
	}
	return out
}

// otherSubrowLabels are the 2021-only sub-rows of （六）其他处理.
var otherSubrowLabels = []string{
	core("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
	core("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
}

var otherSubrowMatcher = newMatcher(otherSubrowLabels)

func (m *mapper) requestTemplate(rows []srow) string {
	var has2021, has2019 bool
	for _, r := range rows {
		units, valStart := r.units, r.valStart
		for i, u := range units {
			if i, _ := otherSubrowMatcher.best(u.core, labelLow); i >= 0 {
				has2021 = true
			}
			if i == len(units)-1 && similarity(u.core, "其他处理") >= labelSure && hasValueCells(r, valStart) {
				has2019 = true
			}
		}
	}
	switch {
	case has2021:
		return codebook.T2021
	case has2019:
		return codebook.T2019
	case m.year >= 2019 && m.year <= 2020:
		return codebook.T2019
	}
	return codebook.T2021
}

// hasValueCells reports whether the row has cells after its label, empty or not:
// a 2019 （六）其他处理 row carries 7 cells (blank or not), a 2021 group label does not.
func hasValueCells(r srow, valStart int) bool {
	return len(r.cells)-valStart >= reqCols-2
}

// rowResolver names the template row of each section 三 source row in
// turn. It carries what the rows before told: the open group (（三）不予公开
// is printed on its first sub-row only), a label fragment cut at a line
// break, a label still waiting for its values, and the last row placed.
type rowResolver struct {
	set          *targetSet
	group        string // group opened by an earlier row
	prevFragment string // unmatched leading label of the row before
	pending      int    // row whose label came on a line without values, or -1
	lastRow      int    // last template row placed, or -1
}

// resolve returns the template row index of r (-1 for none) and the flags
// its placement earns.
func (res *rowResolver) resolve(r *srow) (int, []string) {
	units, vals := r.units, r.cells[r.valStart:]
	target, score := -1, 0.0
	for ui, u := range units {
		last := ui == len(units)-1
		t, s := matchUnit(u, res.set, res.group)
		if s < labelLow && ui == 0 && res.prevFragment != "" {
			// A group label cut over two lines: (四) 无 | … then 法提供 | ….
			joined := u
			joined.core = res.prevFragment + u.core
			if t2, s2 := matchUnit(joined, res.set, res.group); s2 > s {
				t, s = t2, s2
			}
		}
		switch {
		case t < 0 || s < labelLow:
		case res.set.ts[t].row < 0:
			res.group = res.set.ts[t].group // a group label: context only
		case last:
			target, score = t, s
		}
	}
	res.prevFragment = ""
	if len(units) > 0 && target < 0 {
		if t, s := matchUnit(units[0], res.set, res.group); t < 0 || s < labelLow {
			res.prevFragment = units[0].core
		}
	}

	rowIdx := -1
	var flags []string
	switch {
	case target >= 0:
		rowIdx = res.set.ts[target].row
		if score < labelSure {
			flags = append(flags, FlagLowConfidenceLabel)
		}
	case res.pending >= 0 && countValues(vals) > 0:
		// The values of the label on the line before (this row's own
		// label, if any, is the wrapped tail of that label).
		rowIdx = res.pending
	case countValues(vals) > 0 && len(vals) >= reqCols-2 && res.lastRow+1 < len(res.set.rows) &&
		(len(units) == 0 || unmatchedIsFragment(units)):
		// A data row whose label cells were lost: the next template row.
		rowIdx = res.lastRow + 1
		flags = append(flags, FlagLowConfidenceLabel)
	}
	if rowIdx < 0 {
		if len(units) == 0 || countValues(vals) > 0 {
			res.pending = -1 // a label line without values keeps waiting
		}
		return -1, nil
	}
	res.pending = -1
	if len(vals) == 0 && target >= 0 {
		res.pending = rowIdx
	}
	if g := res.set.rows[rowIdx].Group; g != "" && g != codebook.GroupResults {
		res.group = g
	}
	res.lastRow = rowIdx
	return rowIdx, flags
}

func (m *mapper) mapRequests() {
	rows := m.rows[secRequests]
	if len(rows) == 0 && !m.headings[secRequests] {
		return
	}
	tmpl := m.requestTemplate(rows)
	layout, _ := codebook.Lookup(codebook.Requests, tmpl)
	block := layout.Blocks[0]
	res := &rowResolver{set: requestTargetSets[tmpl], lastRow: -1, pending: -1}

	placed := make([]*reqRow, len(block.Rows))
	found := m.headings[secRequests]
	for ri := range rows {
		r := &rows[ri]
		if isRequestHeader(*r, r.units) {
			found = true
			continue
		}
		rowIdx, flags := res.resolve(r)
		if rowIdx < 0 {
			continue
		}
		found = true
		vals := r.cells[r.valStart:]
		if placed[rowIdx] != nil {
			if countValues(placed[rowIdx].vals) > 0 || countValues(vals) == 0 {
				placed[rowIdx].flags = appendUnique(placed[rowIdx].flags, FlagDuplicateRow)
				continue
			}
		}
		rr := &reqRow{key: block.Rows[rowIdx].Key, src: r, vals: vals, flags: flags}
		first := r.valStart
		if r.valStart < len(r.cells) {
			first = r.cells[r.valStart].loc.Col
		}
		rr.cands = placements(vals, first)
		placed[rowIdx] = rr
	}
	if !found {
		return
	}
	m.rep.Templates.Requests = tmpl
	m.chooseRequestPlacements(placed, block.Rows)
	if ce := m.log.Check(zap.DebugLevel, "section 三 placed"); ce != nil {
		var fields []zap.Field
		for _, rr := range placed {
			if rr != nil && len(rr.cands) > 1 {
				fields = append(fields, zap.String(rr.key, fmt.Sprintf("%s, %d placements, chose %d", rr.reason, len(rr.cands), rr.choice)))
			}
		}
		ce.Write(append(fields, zap.String("source", m.src.Name), zap.String("template", tmpl))...)
	}

	for i, row := range block.Rows {
		rr := placed[i]
		if rr == nil {
			for _, col := range block.Cols {
				m.emit(codebook.Requests, row.Key, col, nil, AlignNone, []string{FlagRowNotFound})
			}
			continue
		}
		p := rr.cands[rr.choice]
		align := AlignFixedOrder
		if rr.reason == "arithmetic" {
			align = AlignArithmetic
		}
		flags := slices.Clone(rr.flags)
		if p.dropped > 0 {
			flags = append(flags, FlagExtraCells)
			var dropped []scell
			for i, v := range rr.vals {
				if v.val.kind != kindEmpty && !slices.Contains(p.idx[:], i) {
					dropped = append(dropped, v)
				}
			}
			m.noteDropped("requests."+row.Key, dropped)
		}
		for c, col := range block.Cols {
			f := flags
			if rr.ambiguous != nil && rr.ambiguous[c] {
				f = append(slices.Clone(f), FlagAmbiguousAlignment)
			}
			if p.idx[c] < 0 {
				if len(rr.vals) < reqCols {
					f = append(slices.Clone(f), FlagMissingCells)
				}
				m.emit(codebook.Requests, row.Key, col, nil, align, f)
				continue
			}
			m.emit(codebook.Requests, row.Key, col, &rr.vals[p.idx[c]], align, f)
		}
	}
}

func unmatchedIsFragment(units []labelUnit) bool {
	// Only short unnumbered fragments (法提供) may precede a row that is
	// placed by position; a long unmatched label is some other row.
	for _, u := range units {
		if u.ord.level != levelNone || len([]rune(u.core)) > 6 {
			return false
		}
	}
	return true
}

func countValues(vals []scell) int {
	n := 0
	for _, v := range vals {
		if v.val.kind == kindValue {
			n++
		}
	}
	return n
}

func appendUnique(ss []string, s string) []string {
	if contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

// chooseRequestPlacements picks one placement per row. Rows first prefer
// placements that lose no value; among those, the table's arithmetic (R1,
// R2, R3 with blank as 0) decides, by coordinate ascent over the rows; a
// tie goes to the table's dominant value column and is flagged where the
// tied placements disagree.
func (m *mapper) chooseRequestPlacements(placed []*reqRow, rows []codebook.Row) {
	// Dominant start column among rows with a single least-dropping placement.
	startVotes := map[int]int{}
	for _, rr := range placed {
		if rr == nil {
			continue
		}
		best := minDropped(rr.cands)
		var starts []int
		for _, c := range rr.cands {
			if c.dropped == best && !slices.Contains(starts, c.start) {
				starts = append(starts, c.start)
			}
		}
		if len(starts) == 1 && countValues(rr.vals) > 0 {
			startVotes[starts[0]]++
		}
	}
	dominant, votes := -1, 0
	for s, v := range startVotes {
		if v > votes || (v == votes && s < dominant) {
			dominant, votes = s, v
		}
	}
	// Initial choice: least dropped, then dominant start, then first.
	for _, rr := range placed {
		if rr == nil {
			continue
		}
		rr.choice = 0
		for i, c := range rr.cands {
			b := rr.cands[rr.choice]
			if c.dropped < b.dropped || (c.dropped == b.dropped && c.start == dominant && b.start != dominant) {
				rr.choice = i
			}
		}
		rr.reason = "fixed"
	}
	ar := newArith(rows)
	for pass := 0; pass < 4; pass++ {
		changed := false
		for ri, rr := range placed {
			if rr == nil || len(rr.cands) < 2 {
				continue
			}
			best := minDropped(rr.cands)
			n := 0
			for _, c := range rr.cands {
				if c.dropped == best {
					n++
				}
			}
			if n < 2 {
				continue
			}
			orig := rr.choice
			bestScore, bestChoice := -1, orig
			scores := make([]int, len(rr.cands))
			for i, c := range rr.cands {
				if c.dropped != best {
					scores[i] = -1
					continue
				}
				rr.choice = i
				s := ar.scoreRow(placed, ri)
				scores[i] = s
				if s > bestScore || (s == bestScore && i == orig) {
					bestScore, bestChoice = s, i
				}
			}
			rr.choice = bestChoice
			// Which columns did equally good placements disagree on?
			rr.ambiguous = nil
			distinct := false
			for i, s := range scores {
				if s < 0 || i == bestChoice {
					continue
				}
				if differ(rr, i, bestChoice) {
					if s == bestScore {
						if rr.ambiguous == nil {
							rr.ambiguous = make([]bool, reqCols)
						}
						for c := range reqCols {
							if cellValue(rr, i, c) != cellValue(rr, bestChoice, c) {
								rr.ambiguous[c] = true
							}
						}
					} else {
						distinct = true
					}
				}
			}
			if distinct && rr.ambiguous == nil {
				rr.reason = "arithmetic"
			}
			if bestChoice != orig {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
}

func minDropped(cs []placement) int {
	best := math.MaxInt
	for _, c := range cs {
		best = min(best, c.dropped)
	}
	return best
}

// cellValue renders the value a placement puts in column c, for comparing placements.
func cellValue(rr *reqRow, choice, c int) string {
	i := rr.cands[choice].idx[c]
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(rr.vals[i].raw)
}

func differ(rr *reqRow, a, b int) bool {
	for c := range reqCols {
		if cellValue(rr, a, c) != cellValue(rr, b, c) {
			return true
		}
	}
	return false
}

// arith holds the row indexes the section 三 equations use.
type arith struct {
	rows                            int
	newRow, carried, total, forward int
	outcomes                        []int
}

func newArith(rows []codebook.Row) *arith {
	a := &arith{rows: len(rows), newRow: -1, carried: -1, total: -1, forward: -1}
	for i, r := range rows {
		switch r.Key {
		case "new":
			a.newRow = i
		case "carried_over":
			a.carried = i
		case "total":
			a.total = i
		case "carried_forward":
			a.forward = i
		default:
			if r.Level != 1 {
				a.outcomes = append(a.outcomes, i)
			}
		}
	}
	return a
}

// scoreRow is score restricted to the equations that involve row ri: the
// others do not change while only row ri's placement does, so candidates
// for row ri rank the same by either, and this costs a fraction.
func (a *arith) scoreRow(placed []*reqRow, ri int) int {
	get := placedValue(placed)
	n := 0
	eq := func(x, y float64, any bool) {
		if any && math.Abs(x-y) < 1e-6 {
			n++
		}
	}
	// R2 of row ri.
	var sum float64
	anyv := false
	for c := 0; c < reqCols-1; c++ {
		v, ok := get(ri, c)
		sum += v
		anyv = anyv || ok
	}
	t, ok := get(ri, reqCols-1)
	eq(sum, t, anyv || ok)
	inR1 := ri == a.newRow || ri == a.carried || ri == a.total || ri == a.forward
	inR3 := ri == a.total || slices.Contains(a.outcomes, ri)
	if !inR1 && !inR3 {
		return n
	}
	for c := range reqCols {
		x, ok1 := get(a.newRow, c)
		y, ok2 := get(a.carried, c)
		t, ok3 := get(a.total, c)
		f, ok4 := get(a.forward, c)
		if inR1 {
			eq(x+y, t+f, ok1 || ok2 || ok3 || ok4)
		}
		if inR3 {
			var sum float64
			anyv := ok3
			for _, i := range a.outcomes {
				v, ok := get(i, c)
				sum += v
				anyv = anyv || ok
			}
			eq(sum, t, anyv)
		}
	}
	return n
}

// placedValue returns a lookup of the number the current placements put
// in row i, column c; false when there is none (blank, a marker, no row).
func placedValue(placed []*reqRow) func(i, c int) (float64, bool) {
	return func(i, c int) (float64, bool) {
		if i < 0 || placed[i] == nil {
			return 0, false
		}
		rr := placed[i]
		j := rr.cands[rr.choice].idx[c]
		if j < 0 || !rr.vals[j].val.has {
			return 0, false
		}
		return rr.vals[j].val.num, true
	}
}
