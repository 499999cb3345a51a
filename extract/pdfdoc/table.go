package pdfdoc

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/extract/doc"
)

const maxTableFrags = 5000

// itemRE matches text opening with an item number of the report outline.
var itemRE = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、])`)

// valueRE matches what sits in a value column: a number (with thousands
// separators, a sign, a decimal part, a unit) or a blank marker.
var valueRE = regexp.MustCompile(`^(?:[-+−]?\d[\d,，]*(?:\.\d+)?\s*(?:%|％|元|万元|件|个|条)?|[-—–/／\\]|无|空)$`)

func isValue(s string) bool { return valueRE.MatchString(strings.TrimSpace(s)) }

// cell is one or more stacked fragments read as one table cell.
type cell struct {
	frags          []frag
	x0, y0, x1, y1 float64
	value          bool
}

func (c *cell) cy() float64 { return (c.y0 + c.y1) / 2 }
func (c *cell) cx() float64 { return (c.x0 + c.x1) / 2 }

func (c *cell) text() string {
	fs := slices.Clone(c.frags)
	sort.SliceStable(fs, func(i, j int) bool {
		if math.Abs(fs[i].y0-fs[j].y0) > 0.25*fs[i].h() {
			return fs[i].y0 < fs[j].y0
		}
		return fs[i].x0 < fs[j].x0
	})
	var j joiner
	for _, f := range fs {
		j.add(f.text, true)
	}
	return normalizeText(j.String())
}

// band is a column's x-extent.
type band struct{ x0, x1 float64 }

func overlap(a0, a1, b0, b1 float64) float64 { return min(a1, b1) - max(a0, b0) }

// buildTable makes one table from a region's parts (one per page).
func buildTable(parts [][]line, m metrics) *doc.Table {
	var fs []frag
	for _, p := range parts {
		for _, l := range p {
			fs = append(fs, l.frags...)
		}
	}
	// Joining and banding are quadratic in the worst case; a report table
	// has a few hundred fragments.
	if len(fs) == 0 || len(fs) > maxTableFrags {
		return nil
	}
	cells := joinStacked(fs, m)

	// Values decide where the label columns end.
	valueLeft := math.Inf(1)
	for _, c := range cells {
		if c.value && isNumber(c.text()) {
			valueLeft = min(valueLeft, c.x0)
		}
	}
	if math.IsInf(valueLeft, 1) {
		// No numbers (a report leaving every cell blank): the row labels
		// are the cells opening with an item number (一、 （一） 1.); the
		// values start after the widest of them. Without any, the table is
		// all header text (section 四 without its data row).
		valueLeft = math.Inf(-1)
		for _, c := range cells {
			if itemRE.MatchString(c.text()) {
				valueLeft = max(valueLeft, c.x1)
			}
		}
		if !math.IsInf(valueLeft, -1) {
			valueLeft += 3
		}
	}
	var labels, values []*cell
	// A cell reaching into the value columns is a header or caption, not
	// a row label: labels end before the values start. So is a cell right
	// of every row label (a header over right-aligned numbers).
	labelRight := valueLeft
	if !math.IsInf(valueLeft, 0) {
		labelRight = math.Inf(-1)
		for _, c := range cells {
			if !c.value && c.x1 <= valueLeft+2 && levelWithNumber(c, cells) {
				labelRight = max(labelRight, c.x1)
			}
		}
		if math.IsInf(labelRight, -1) {
			labelRight = valueLeft
		}
	}
	inValues := func(c *cell) bool { return c.x1 > valueLeft+2 || c.x0 > labelRight+1 }
	for _, c := range cells {
		if inValues(c) {
			values = append(values, c)
		} else {
			labels = append(labels, c)
		}
	}
	lb := bands(labels, nil)
	vb := valueBands(values)

	// Rows: y-centres of the value-area cells, chained.
	type row struct {
		cy    float64
		n     int
		cells []placed
	}
	var rows []*row
	sort.SliceStable(values, func(i, j int) bool { return values[i].cy() < values[j].cy() })
	tol := 0.5 * m.em
	for _, c := range values {
		if n := len(rows); n > 0 && c.cy()-rows[n-1].cy <= tol {
			r := rows[n-1]
			r.cy = (r.cy*float64(r.n) + c.cy()) / float64(r.n+1)
			r.n++
			r.cells = append(r.cells, placed{c: c})
			continue
		}
		rows = append(rows, &row{cy: c.cy(), n: 1, cells: []placed{{c: c}}})
	}
	// Label cells, shortest first: a one-line label joins its row or opens
	// one; a taller label (a group label, a wrapped label over a blank row)
	// then spans the rows whose centres it covers.
	sort.SliceStable(labels, func(i, j int) bool { return labels[i].y1-labels[i].y0 < labels[j].y1-labels[j].y0 })
	for _, c := range labels {
		var covered []*row
		for _, r := range rows {
			if r.cy >= c.y0-0.1*m.em && r.cy <= c.y1+0.1*m.em {
				covered = append(covered, r)
			}
		}
		if len(covered) == 0 {
			var best *row
			for _, r := range rows {
				if math.Abs(r.cy-c.cy()) <= tol && (best == nil || math.Abs(r.cy-c.cy()) < math.Abs(best.cy-c.cy())) {
					best = r
				}
			}
			if best == nil {
				best = &row{cy: c.cy(), n: 1}
				rows = append(rows, best)
				sort.SliceStable(rows, func(i, j int) bool { return rows[i].cy < rows[j].cy })
			}
			covered = []*row{best}
		}
		sort.SliceStable(covered, func(i, j int) bool { return covered[i].cy < covered[j].cy })
		for k, r := range covered {
			r.cells = append(r.cells, placed{c: c, spanned: k > 0})
		}
	}

	// Place on the grid: label bands, then value bands.
	cols := len(lb) + len(vb)
	t := &doc.Table{}
	var rowPages []int
	var numeric []bool
	for _, r := range rows {
		out := make([]doc.Cell, cols)
		page := 0
		hasNumber := false
		for _, p := range r.cells {
			idx := columns(p.c, lb, 0)
			if inValues(p.c) {
				idx = columns(p.c, vb, len(lb))
			}
			text := p.c.text()
			for k, ci := range idx {
				sp := p.spanned || k > 0
				cur := &out[ci]
				switch {
				case cur.Text == "":
					*cur = doc.Cell{Text: text, Spanned: sp}
				case cur.Spanned && !sp:
					// An origin beats a copy.
					*cur = doc.Cell{Text: text}
				case !sp && !cur.Spanned:
					cur.Text = joinText(cur.Text, text, true)
				}
			}
			if !p.spanned {
				if page == 0 {
					page = p.c.frags[0].page
				}
				hasNumber = hasNumber || isNumber(text)
			}
		}
		if page == 0 && len(r.cells) > 0 {
			page = r.cells[0].c.frags[0].page
		}
		t.Rows = append(t.Rows, out)
		rowPages = append(rowPages, page)
		numeric = append(numeric, hasNumber)
	}
	spreadSingleColumn(t.Rows, numeric, len(lb))
	kept := dropRepeatedHeaders(t.Rows, rowPages, numeric)
	kept = joinCutLabels(t.Rows, kept, rowPages, len(lb))
	rs := make([][]doc.Cell, 0, len(kept))
	for _, i := range kept {
		rs = append(rs, t.Rows[i])
	}
	t.Rows = rs
	trimEmptyColumns(t)
	for ri, i := range kept {
		for ci := range t.Rows[ri] {
			t.Rows[ri][ci].Loc = doc.Loc{Page: rowPages[i], Row: ri, Col: ci}
		}
	}
	t.Loc = doc.Loc{Page: fs[0].page}
	return t
}

type placed struct {
	c       *cell
	spanned bool
}

func isNumber(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && isValue(s) && strings.ContainsAny(s, "0123456789")
}

// joinStacked joins fragments stacked in one cell: they overlap
// horizontally, the gap between them is under a quarter line (rows are
// further apart: a cell has padding), neither is a value, and they are
// not each level with a number of their own (one-line labels of adjacent
// rows).
func joinStacked(fs []frag, m metrics) []*cell {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].y0 < fs[j].y0 })
	parent := make([]int, len(fs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	val := make([]bool, len(fs))
	num := make([]bool, len(fs))
	anchored := make([]bool, len(fs))
	for i, f := range fs {
		val[i] = isValue(f.text)
		num[i] = val[i] && isNumber(f.text)
	}
	// fs is sorted by top: look only at neighbours within a quarter line.
	for i, f := range fs {
		for _, step := range []int{-1, 1} {
			for j := i + step; j >= 0 && j < len(fs) && math.Abs(f.y0-fs[j].y0) < 0.25*f.h(); j += step {
				anchored[i] = anchored[i] || num[j]
			}
		}
	}
	maxGap := 0.25 * m.em
	for i, a := range fs {
		if val[i] {
			continue
		}
		for j := i + 1; j < len(fs); j++ {
			b := fs[j]
			gap := b.y0 - a.y1
			if b.y0-a.y1 > 3*m.em {
				break
			}
			// Two labels each level with numbers are two rows, unless both
			// are a character or two wide: a vertical label's pieces.
			wide := max(a.x1-a.x0, b.x1-b.x0) > 3.5*m.em
			if gap > maxGap || gap < -0.3*a.h() || val[j] || (anchored[i] && anchored[j] && wide) {
				continue
			}
			if overlap(a.x0, a.x1, b.x0, b.x1) < 0.5*min(a.x1-a.x0, b.x1-b.x0) {
				continue
			}
			parent[find(j)] = find(i)
		}
	}
	groups := map[int]*cell{}
	var out []*cell
	for i, f := range fs {
		r := find(i)
		c := groups[r]
		if c == nil {
			c = &cell{x0: f.x0, y0: f.y0, x1: f.x1, y1: f.y1, value: true}
			groups[r] = c
			out = append(out, c)
		}
		c.frags = append(c.frags, f)
		c.x0, c.y0 = min(c.x0, f.x0), min(c.y0, f.y0)
		c.x1, c.y1 = max(c.x1, f.x1), max(c.y1, f.y1)
		c.value = c.value && val[i]
	}
	return out
}

// levelWithNumber reports whether a number sits level with c: c is a row label.
func levelWithNumber(c *cell, cs []*cell) bool {
	for _, o := range cs {
		if o != c && o.value && o.y0 < c.y1 && c.y0 < o.y1 && isNumber(o.text()) {
			return true
		}
	}
	return false
}

// sharesLine reports whether another cell of cs sits level with c.
func sharesLine(c *cell, cs []*cell) bool {
	for _, o := range cs {
		if o != c && math.Abs(o.cy()-c.cy()) < 0.25*(c.y1-c.y0) {
			return true
		}
	}
	return false
}

// bands finds column extents from cells, narrowest first: a cell over one
// band widens it, a cell over none opens a band, and a cell over two or
// more is a spanning header that says nothing about the columns.
func bands(cs []*cell, use func(*cell) bool) []band {
	sorted := slices.Clone(cs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].x1-sorted[i].x0 < sorted[j].x1-sorted[j].x0 })
	var out []band
	for _, c := range sorted {
		if use != nil && !use(c) {
			continue
		}
		var hit []int
		for k, b := range out {
			if overlap(c.x0, c.x1, b.x0, b.x1) > 1 {
				hit = append(hit, k)
			}
		}
		switch len(hit) {
		case 0:
			out = append(out, band{c.x0, c.x1})
		case 1:
			b := &out[hit[0]]
			b.x0, b.x1 = min(b.x0, c.x0), max(b.x1, c.x1)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].x0 < out[j].x0 })
	// Widening can make neighbours touch: merge them.
	merged := out[:0]
	for _, b := range out {
		if n := len(merged); n > 0 && overlap(b.x0, b.x1, merged[n-1].x0, merged[n-1].x1) > 1 {
			merged[n-1].x1 = max(merged[n-1].x1, b.x1)
			continue
		}
		merged = append(merged, b)
	}
	return merged
}

// columns returns the grid columns a cell covers: the bands it overlaps
// (a spanning header covers several), or else the nearest band.
func columns(c *cell, bs []band, base int) []int {
	if len(bs) == 0 {
		return []int{base}
	}
	var idx []int
	for k, b := range bs {
		if overlap(c.x0, c.x1, b.x0, b.x1) > 1 {
			idx = append(idx, base+k)
		}
	}
	if len(idx) > 0 {
		return idx
	}
	best, bd := 0, math.Inf(1)
	for k, b := range bs {
		d := math.Min(math.Abs(c.cx()-b.x0), math.Abs(c.cx()-b.x1))
		if c.cx() >= b.x0 && c.cx() <= b.x1 {
			d = 0
		}
		if d < bd {
			best, bd = k, d
		}
	}
	return []int{base + best}
}

// dropRepeatedHeaders removes, on every page after the first, the rows
// before the first row with a number whose every cell text is header text
// of the first page: tables broken across pages repeat their header, and
// the repeat may be cut into rows differently from the original.
func dropRepeatedHeaders(rows [][]doc.Cell, pages []int, numeric []bool) (kept []int) {
	if len(rows) == 0 {
		return nil
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), "") }
	header := map[string]bool{}
	first := pages[0]
	for i, r := range rows {
		if numeric[i] || pages[i] != first {
			break
		}
		for _, c := range r {
			if s := norm(c.Text); s != "" {
				header[s] = true
			}
		}
	}
	repeated := func(r []doc.Cell) bool {
		n := 0
		for _, c := range r {
			s := norm(c.Text)
			if s == "" || c.Spanned {
				continue
			}
			if !header[s] {
				return false
			}
			n++
		}
		return n > 0
	}
	inLead := false
	for i, r := range rows {
		if i > 0 && pages[i] != pages[i-1] {
			inLead = true
		}
		if numeric[i] {
			inLead = false
		}
		if inLead && pages[i] != first && repeated(r) {
			continue
		}
		kept = append(kept, i)
	}
	return kept
}

// trimEmptyColumns removes grid columns no row has text in.
func trimEmptyColumns(t *doc.Table) {
	if len(t.Rows) == 0 {
		return
	}
	n := len(t.Rows[0])
	keep := make([]bool, n)
	for _, r := range t.Rows {
		for ci, c := range r {
			if c.Text != "" {
				keep[ci] = true
			}
		}
	}
	for ri, r := range t.Rows {
		var out []doc.Cell
		for ci, c := range r {
			if keep[ci] {
				out = append(out, c)
			}
		}
		t.Rows[ri] = out
	}
}

// joinCutLabels re-joins a row label cut by a page break: the first row of
// a continuation page holding nothing but a label fragment without an item
// number, in a label column where the row above has a label, is the tail
// of that label (补正后申请内容仍不明 | 确).
func joinCutLabels(rows [][]doc.Cell, kept, pages []int, labelCols int) []int {
	out := kept[:0]
	for k, i := range kept {
		if k == 0 || pages[i] == pages[kept[k-1]] || len(out) == 0 {
			out = append(out, i)
			continue
		}
		col, n := -1, 0
		for ci, c := range rows[i] {
			if c.Text != "" && !c.Spanned {
				col, n = ci, n+1
			}
		}
		prev := rows[out[len(out)-1]]
		if n == 1 && col < labelCols && col < len(prev) && prev[col].Text != "" && !prev[col].Spanned &&
			!isValue(rows[i][col].Text) && !ordinalRE.MatchString(rows[i][col].Text) && !strings.HasPrefix(rows[i][col].Text, "（") {
			prev[col].Text = joinText(prev[col].Text, rows[i][col].Text, true)
			continue
		}
		out = append(out, i)
	}
	return out
}

// valueBands finds the value columns from the value-area cells of rows
// with several values, narrowest first (see bands), then folds header-only
// bands into number bands (see mergeHeaderBands).
func valueBands(values []*cell) []band {
	vb := bands(values, func(c *cell) bool { return sharesLine(c, values) })
	if len(vb) == 0 {
		vb = bands(values, nil)
	}
	return mergeHeaderBands(vb, values)
}

// mergeHeaderBands folds a band holding only header text into a
// neighbouring band of numbers that has no header of its own: a centred
// header over right-aligned numbers, not a column of its own. A column
// whose values are all blank sits next to bands with their own headers
// and keeps its band.
func mergeHeaderBands(bs []band, cs []*cell) []band {
	if len(bs) < 2 {
		return bs
	}
	numeric := make([]bool, len(bs))
	headed := make([]bool, len(bs))
	for _, c := range cs {
		num := c.value && isNumber(c.text())
		var over []int
		for k, b := range bs {
			switch {
			case num && c.cx() >= b.x0 && c.cx() <= b.x1:
				numeric[k] = true
			case !c.value && overlap(c.x0, c.x1, b.x0, b.x1) > 1:
				over = append(over, k)
			}
		}
		// A spanning header heads no single column, nor does a caption
		// alone on its line (第二十条第（一）项).
		if len(over) == 1 && sharesLine(c, cs) {
			headed[over[0]] = true
		}
	}
	out := slices.Clone(bs)
	merged := make([]bool, len(bs))
	for k, b := range bs {
		if numeric[k] || !headed[k] {
			continue
		}
		c := (b.x0 + b.x1) / 2
		best, bd := -1, math.Inf(1)
		for _, j := range []int{k - 1, k + 1} {
			if j < 0 || j >= len(bs) || !numeric[j] || headed[j] {
				continue
			}
			if d := math.Abs((bs[j].x0+bs[j].x1)/2 - c); d < bd {
				best, bd = j, d
			}
		}
		if best >= 0 {
			out[best].x0, out[best].x1 = min(out[best].x0, b.x0), max(out[best].x1, b.x1)
			headed[best] = true // one header per column
			merged[k] = true
		}
	}
	res := out[:0]
	for k, b := range out {
		if !merged[k] {
			res = append(res, b)
		}
	}
	return res
}

// spreadSingleColumn restores a value cell spanning all value columns,
// as in the 2021 template's 本年处理决定数量 blocks: a header row whose only
// value-area text is one header, followed by rows that each have a label
// and exactly one value, is read as cells across the value columns,
// origin first and Spanned copies after, the way the HTML and DOCX grids
// give it. Where the value was printed (centred, or right-aligned in the
// last column) says nothing about which column it belongs to. A block
// with any row of several values is left alone.
func spreadSingleColumn(rows [][]doc.Cell, numeric []bool, vstart int) {
	filled := func(r []doc.Cell) (label bool, vals []int) {
		for ci, c := range r {
			if c.Text == "" || c.Spanned {
				continue
			}
			if ci < vstart {
				label = true
			} else {
				vals = append(vals, ci)
			}
		}
		return label, vals
	}
	spread := func(r []doc.Cell, from int) {
		text := r[from].Text
		r[from] = doc.Cell{}
		r[vstart] = doc.Cell{Text: text}
		for ci := vstart + 1; ci < len(r); ci++ {
			r[ci] = doc.Cell{Text: text, Spanned: true}
		}
	}
	for hi := 0; hi < len(rows); hi++ {
		if numeric[hi] || len(rows[hi]) <= vstart+1 {
			continue
		}
		label, vals := filled(rows[hi])
		if !label || len(vals) != 1 {
			continue
		}
		end, ok := hi+1, true
		for ; end < len(rows) && numeric[end]; end++ {
			l, vs := filled(rows[end])
			ok = ok && l && len(vs) == 1 && len(rows[end]) == len(rows[hi])
		}
		if !ok || end == hi+1 {
			continue
		}
		spread(rows[hi], vals[0])
		for ri := hi + 1; ri < end; ri++ {
			_, vs := filled(rows[ri])
			spread(rows[ri], vs[0])
		}
		hi = end - 1
	}
}
