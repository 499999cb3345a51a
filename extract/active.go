package extract

import (
	"slices"
	"strings"

	"github.com/nianbao/nianbao/extract/codebook"
)

// Section 二: small blocks, one per article item, each a header row
// (信息内容 + column labels) and one or two data rows. Rows are found by their
// label, columns by the header when there is one, else in template order.

// activeCol is a column label as either template prints it.
type activeCol struct {
	tmpl string
	col  codebook.Col
	core string
}

var activeCols = func() []activeCol {
	var out []activeCol
	for _, t := range []string{codebook.T2019, codebook.T2021} {
		l, _ := codebook.Lookup(codebook.Active, t)
		for _, b := range l.Blocks {
			for _, c := range b.Cols {
				for _, lab := range c.Label.All() {
					out = append(out, activeCol{t, c, core(lab)})
				}
			}
		}
	}
	return out
}()

// activeRowMatcher matches the labels of every section 二 row of either
// template; activeRowKeys[i] is the row key of label i.
var activeRowMatcher, activeRowKeys = func() (*matcher, []string) {
	var labels, keys []string
	for _, t := range []string{codebook.T2019, codebook.T2021} {
		l, _ := codebook.Lookup(codebook.Active, t)
		for _, b := range l.Blocks {
			for _, r := range b.Rows {
				for _, lab := range r.Label.All() {
					labels = append(labels, core(lab))
					keys = append(keys, r.Key)
				}
			}
		}
	}
	return newMatcher(labels), keys
}()

var activeColMatcher = func() *matcher {
	var labels []string
	for _, c := range activeCols {
		labels = append(labels, c.core)
	}
	return newMatcher(labels)
}()

// matchActiveCol returns the column key a header label names, or "".
func matchActiveCol(label string) (key string, score float64) {
	i, s := activeColMatcher.best(label, labelLow)
	if i < 0 {
		return "", s
	}
	return activeCols[i].col.Key, s
}

// templateVotes counts 2019 and 2021 markers among the labels of rows.
func templateVotes(rows []srow) (v2019, v2021 int) {
	for _, r := range rows {
		for _, c := range r.cells {
			if c.val.kind != kindLabel {
				continue
			}
			n := c.norm
			for _, mk := range codebook.Markers[codebook.T2019] {
				if n == mk {
					v2019++
				}
			}
			for _, mk := range codebook.Markers[codebook.T2021] {
				if strings.HasPrefix(n, mk) {
					v2021++
				}
			}
		}
	}
	return v2019, v2021
}

// captionItem returns the article item of a caption cell 第二十条第（五）项, or "".
func captionItem(label string) string {
	n := normalize(label)
	if !strings.HasPrefix(n, "第二十条第") {
		return ""
	}
	rest := strings.TrimPrefix(n, "第二十条第")
	rest = strings.TrimPrefix(rest, "(")
	if v, w := cjkNumber(rest); w > 0 && v > 0 {
		return rest[:w]
	}
	return ""
}

func (m *mapper) mapActive() {
	rows := m.rows[secActive]
	if len(rows) == 0 {
		return
	}
	v2019, v2021 := templateVotes(rows)
	tmpl := codebook.T2021
	switch {
	case v2019 > v2021:
		tmpl = codebook.T2019
	case v2019 == v2021 && m.year >= 2019 && m.year <= 2020:
		tmpl = codebook.T2019
	}
	layout, _ := codebook.Lookup(codebook.Active, tmpl)

	type placedRow struct {
		src    *srow
		vals   []scell
		label  scell         // the row label cell
		header []headerRange // the columns of the block's header row, if any
		flags  []string
	}
	placed := map[string]*placedRow{}
	blockFound := map[string]bool{}
	var header []headerRange // columns of the current header row
	for ri := range rows {
		r := &rows[ri]
		units, valStart := r.units, r.valStart
		if len(units) == 0 {
			continue
		}
		if item := captionItem(r.cells[firstLabel(*r)].norm); item != "" {
			blockFound[item] = true
			header = nil
			continue
		}
		if isActiveHeader(units) {
			// Column labels without the 信息内容 cell: their positions say
			// nothing about the data cells, so read the block in template order.
			header = nil
			continue
		}
		if units[0].core == "信息内容" {
			header = nil
			base := r.cells[units[0].last].pos
			for _, c := range r.cells[units[0].last+1:] {
				if c.val.kind != kindLabel {
					continue
				}
				if key, _ := matchActiveCol(stripNotes(c.norm)); key != "" {
					header = append(header, headerRange{key: key, from: c.pos - base, to: c.pos - base + c.span})
				}
			}
			continue
		}
		// A data row: the first label names the row.
		i, score := activeRowMatcher.best(units[0].core, labelLow)
		if i < 0 {
			continue
		}
		best, bestBlock, ok := layout.Row(activeRowKeys[i])
		if !ok {
			continue // a row of the other template version
		}
		var flags []string
		if score < labelSure {
			flags = append(flags, FlagLowConfidenceLabel)
		}
		if p, dup := placed[best.Key]; dup {
			if countValues(p.vals) > 0 || countValues(r.cells[valStart:]) == 0 {
				p.flags = appendUnique(p.flags, FlagDuplicateRow)
				continue
			}
		}
		blockFound[bestBlock.Item] = true
		pr := &placedRow{src: r, vals: r.cells[valStart:], label: r.cells[units[0].last], flags: flags}
		// The header applies if it names this block's columns.
		if headerFits(header, bestBlock.Cols) {
			pr.header = header
		}
		placed[best.Key] = pr
	}
	if len(blockFound) == 0 {
		return
	}
	m.rep.Templates.Active = tmpl
	for _, b := range layout.Blocks {
		if !blockFound[b.Item] {
			continue
		}
		for _, row := range b.Rows {
			p := placed[row.Key]
			if p == nil {
				for _, col := range b.Cols {
					m.emit(codebook.Active, row.Key, col, nil, AlignNone, []string{FlagRowNotFound})
				}
				continue
			}
			m.placeActiveRow(row, b, p.label, p.vals, p.header, p.flags)
		}
	}
}

func firstLabel(r srow) int {
	for i, c := range r.cells {
		if c.val.kind == kindLabel {
			return i
		}
	}
	return 0
}

// isActiveHeader reports whether the labels are column headers (a header
// row whose 信息内容 cell was lost).
func isActiveHeader(units []labelUnit) bool {
	n := 0
	for _, u := range units {
		if k, s := matchActiveCol(u.core); k != "" && s >= labelSure {
			n++
		}
	}
	return n > 0 && n == len(units)
}

// headerRange is one column of a header row: the grid columns it covers,
// relative to the 信息内容 cell. A header spanning three columns over a
// single value (本年处理决定数量, colspan=3) claims all three, wherever
// in them a layout put the number.
type headerRange struct {
	key      string
	from, to int
}

// headerFits reports whether a header names at least one of cols and
// nothing outside them.
func headerFits(header []headerRange, cols []codebook.Col) bool {
	for _, h := range header {
		if !slices.ContainsFunc(cols, func(c codebook.Col) bool { return c.Key == h.key }) {
			return false
		}
	}
	return len(header) > 0
}

// placeActiveRow emits one section 二 row: by the header's column ranges
// when there is a header, else in template order after any leading spacer
// cells.
func (m *mapper) placeActiveRow(row codebook.Row, b codebook.Block, label scell, vals []scell, header []headerRange, flags []string) {
	used := make([]bool, len(vals))
	byCol := map[string]int{}
	align := AlignFixedOrder
	if header != nil {
		align = AlignHeader
		for i, v := range vals {
			rel := v.pos - label.pos
			for _, h := range header {
				if rel < h.from || rel >= h.to {
					continue
				}
				// The first non-empty cell in the range is the value; a
				// blank is kept only while nothing better is found.
				if j, ok := byCol[h.key]; !ok || (vals[j].val.kind == kindEmpty && v.val.kind != kindEmpty) {
					byCol[h.key] = i
				}
			}
		}
	} else {
		start := 0
		for start < len(vals) && vals[start].val.kind == kindEmpty && len(vals)-start > len(b.Cols) {
			start++
		}
		for c, col := range b.Cols {
			if start+c < len(vals) {
				byCol[col.Key] = start + c
			}
		}
		if len(b.Cols) == 1 {
			align = AlignSingle
		}
	}
	for _, i := range byCol {
		used[i] = true
	}
	var dropped []scell
	for i, v := range vals {
		if !used[i] && v.val.kind != kindEmpty {
			dropped = append(dropped, v)
		}
	}
	if len(dropped) > 0 {
		flags = appendUnique(flags, FlagExtraCells)
		m.noteDropped("active."+row.Key, dropped)
	}
	for _, col := range b.Cols {
		i, ok := byCol[col.Key]
		if !ok {
			m.emit(codebook.Active, row.Key, col, nil, align, flags)
			continue
		}
		m.emit(codebook.Active, row.Key, col, &vals[i], align, flags)
	}
}
