package extract

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract/codebook"
	"github.com/nianbao/nianbao/extract/doc"
)

// maxSectionRows bounds the rows examined per section. A template table has
// at most 30 rows (plus repeated headers at page breaks); a section with
// thousands of rows is not a template table, and reading all of it would
// only cost time.
const maxSectionRows = 400

// Section numbers of the fixed six-part outline.
const (
	secNone     = 0
	secOverview = 1 // 一、总体情况
	secActive   = 2 // 二、主动公开政府信息情况
	secRequests = 3 // 三、收到和处理政府信息公开申请情况
	secAppeals  = 4 // 四、…行政复议、行政诉讼情况
	secProblems = 5
	secOther    = 6
)

// srow is one table row as the mapper sees it.
type srow struct {
	cells []scell
	line  int
	// units and valStart are the row's label units and the index of the
	// first cell after them (see rowLabels), computed once in split.
	units    []labelUnit
	valStart int
}

// scell is one source cell, classified.
type scell struct {
	raw  string
	norm string // normalize(raw)
	val  value
	loc  doc.Loc
	// pos is the cell's index in the reader's row (its grid column), and
	// span how many grid columns it covers: the spanned copies that follow
	// it were folded into it.
	pos, span int
}

// para is one paragraph with its section.
type para struct {
	text    string
	section int
	line    int
}

type mapper struct {
	log *zap.Logger
	src Source
	d   *doc.Document
	rep *Report

	rows     [7][]srow // table rows per section
	headings [7]bool   // section headings seen
	paras    []para
	lines    []string // every paragraph and single-cell line, for metadata

	year int // report year, a prior for template detection
	// lostValue is set when a non-zero value had to be dropped as an extra cell.
	lostValue bool
	truncated bool // a section had more rows than maxSectionRows
	arena     arena
	// cells and units back the rows' cell and label slices: a report has
	// hundreds of rows, and one allocation per row was a tenth of mapping.
	cells       slab[scell]
	units       slab[labelUnit]
	unitScratch []labelUnit
	// values for the checks: key → parsed value of the emitted cell, and
	// the key number of each cell of rep.Cells (see keyIndex)
	vals     cellValues
	cellKeys []int
}

func newMapper(log *zap.Logger, src Source, d *doc.Document, rep *Report) *mapper {
	return &mapper{log: log, src: src, d: d, rep: rep}
}

func (m *mapper) run(ctx context.Context) {
	m.split()
	m.metadata()
	if ctx.Err() != nil {
		m.rep.Warnings = append(m.rep.Warnings, "mapping cancelled: "+ctx.Err().Error())
		return
	}
	m.mapActive()
	m.mapRequests()
	m.mapAppeals()
	m.checks()
	m.status()
}

// heading returns the outline section a line opens, or secNone. It keys on
// the leading numeral and a few core words, never on the full title, which
// varies (五、存在的主要问题及改进措施 / …及下一步打算).
func heading(text string) int {
	if len(text) > 48*4 || utf8.RuneCountInString(text) > 48 {
		return secNone
	}
	// A heading starts with its numeral (一 … 六), maybe after spaces.
	if r, _ := utf8.DecodeRuneInString(strings.TrimLeft(text, " \t\u3000")); cjkDigit(r) == 0 {
		return secNone
	}
	n := normalize(text)
	ord, rest := splitOrdinal(n)
	if ord.level != level1 {
		return secNone
	}
	switch ord.n {
	case 1:
		if strings.Contains(rest, "总体情况") || strings.Contains(rest, "概述") {
			return secOverview
		}
	case 2:
		if strings.Contains(rest, "主动公开") {
			return secActive
		}
	case 3:
		if strings.Contains(rest, "申请") && !strings.Contains(rest, "办理结果") {
			return secRequests
		}
	case 4:
		if strings.Contains(rest, "复议") || strings.Contains(rest, "诉讼") {
			return secAppeals
		}
	case 5:
		if strings.Contains(rest, "问题") || strings.Contains(rest, "改进") {
			return secProblems
		}
	case 6:
		if strings.Contains(rest, "其他") {
			return secOther
		}
	}
	return secNone
}

// contentSection recognises a table row that can only belong to one section,
// for documents whose headings are missing or sit inside the table.
func contentSection(r srow) int {
	var hasReview, hasLitigation bool
	for _, c := range r.cells {
		if c.val.kind != kindLabel {
			continue
		}
		n := c.norm
		switch {
		case strings.HasPrefix(n, "第二十条第"):
			return secActive
		case strings.Contains(n, "勾稽关系"), n == "申请人情况", strings.Contains(n, "本年新收政府信息公开申请"):
			return secRequests
		case n == "行政复议":
			hasReview = true
		case n == "行政诉讼":
			hasLitigation = true
		}
	}
	if hasReview && hasLitigation {
		return secAppeals
	}
	return secNone
}

// split walks the document once, assigning table rows and paragraphs to
// sections.
func (m *mapper) split() {
	sec := secNone
	for _, b := range m.d.Blocks {
		if b.Table == nil {
			t := strings.TrimSpace(b.Text)
			if t == "" {
				continue
			}
			m.lines = append(m.lines, t)
			if h := heading(t); h != secNone {
				sec = h
				m.headings[h] = true
				continue
			}
			m.paras = append(m.paras, para{text: t, section: sec, line: b.Loc.Line})
			if sec >= secActive && sec <= secAppeals && utf8.RuneCountInString(t) <= 40 && len(m.rows[sec]) < maxSectionRows {
				// A short line inside a table section is a label whose row
				// lost its cells (a wrapped label, a header line of a
				// layout table); the mapper decides what it is.
				n := normalizeValue(t)
				r := srow{cells: []scell{{raw: t, norm: n, val: classify(n), loc: b.Loc, span: 1}}, line: b.Loc.Line}
				if cells := splitNumericTail(doc.Cell{Text: t, Loc: b.Loc}); cells != nil {
					for i := range cells {
						cells[i].pos, cells[i].span = i, 1
					}
					r.cells = cells
				}
				r.units, r.valStart = m.rowLabels(r)
				m.rows[sec] = append(m.rows[sec], r)
			}
			continue
		}
		for _, row := range b.Table.Rows {
			r := srow{cells: m.cells.take(len(row))}
			nonEmpty, last := 0, ""
			for pos, c := range row {
				if c.Spanned && len(r.cells) > 0 && r.cells[len(r.cells)-1].raw == c.Text {
					// A colspan copy repeats the cell before it: one cell, wider.
					r.cells[len(r.cells)-1].span++
					continue
				}
				n := normalizeValue(c.Text)
				v := classify(n)
				if c.Spanned && v.kind != kindLabel {
					// A rowspan copy of a value is the same value again. A
					// rowspan copy of a group label, first in its row, is kept.
					continue
				}
				if v.kind == kindLabel {
					// "予以公开 0 0 1" or "0 0 1": numbers that lost their cell
					// boundaries are split back into cells, never read as 001.
					if cells := splitNumericTail(c); cells != nil {
						for i := range cells {
							// The grid positions of numbers that shared a cell are
							// unknown; consecutive ones are the best guess.
							cells[i].pos, cells[i].span = pos+i, 1
						}
						r.cells = append(r.cells, cells...)
						nonEmpty += len(cells)
						if r.line == 0 {
							r.line = c.Loc.Line
						}
						continue
					}
				}
				r.cells = append(r.cells, scell{raw: c.Text, norm: n, val: v, loc: c.Loc, pos: pos, span: 1})
				if strings.TrimSpace(c.Text) != "" {
					nonEmpty++
					last = c.Text
				}
				if r.line == 0 {
					r.line = c.Loc.Line
				}
			}
			if nonEmpty == 1 {
				m.lines = append(m.lines, strings.TrimSpace(last))
				if h := heading(last); h != secNone {
					sec = h
					m.headings[h] = true
					continue
				}
			}
			if cs := contentSection(r); cs != secNone {
				sec = cs
			}
			if nonEmpty == 0 || sec < secActive || sec > secAppeals {
				continue
			}
			r.units, r.valStart = m.rowLabels(r)
			if len(m.rows[sec]) < maxSectionRows {
				m.rows[sec] = append(m.rows[sec], r)
			} else if !m.truncated {
				m.truncated = true
				m.rep.Warnings = append(m.rep.Warnings, "section has more rows than any template table; the rest were ignored")
			}
		}
	}
}

// labelUnit is a row label made of one label cell, or of an ordinal-only
// cell (一、) joined with the cell after it.
type labelUnit struct {
	ord  ordinal
	core string // numbering and notes stripped, normalised
	last int    // index of its last cell in the row
}

// rowLabels is appendRowLabels into the mapper's slab.
func (m *mapper) rowLabels(r srow) ([]labelUnit, int) {
	units, valStart := appendRowLabels(m.unitScratch[:0], r)
	m.unitScratch = units
	if len(units) == 0 {
		return nil, valStart
	}
	return append(m.units.take(len(units)), units...), valStart
}

// appendRowLabels appends the label units of a row to units and returns
// them with the index of the first cell after the last label cell (where
// the values start). Label cells after the first value cell are notes,
// not part of the row label.
func appendRowLabels(units []labelUnit, r srow) ([]labelUnit, int) {
	var oneLabel [1]string
	valStart := 0
	pendingOrd := ordinal{}
	for i, c := range r.cells {
		if c.val.kind == kindValue {
			break
		}
		if c.val.kind != kindLabel {
			continue
		}
		valStart = i + 1
		parts := splitAtOrdinals(c.norm)
		if parts == nil {
			parts = oneLabel[:]
			oneLabel[0] = c.norm
		}
		for _, part := range parts {
			ord, rest := splitOrdinal(part)
			rest = stripNotes(rest)
			if rest == "" {
				if ord.level != levelNone {
					pendingOrd = ord
				}
				continue
			}
			if ord.level == levelNone && pendingOrd.level != levelNone {
				ord = pendingOrd
			}
			pendingOrd = ordinal{}
			units = append(units, labelUnit{ord: ord, core: rest, last: i})
		}
	}
	return units, valStart
}

// splitAtOrdinals splits a normalised label before every numbering that
// follows a CJK character other than 第, so a group label and its first
// sub-row merged into one cell ((三)不予公开1.属于国家秘密) read as both.
// Numbering is (一)…(十…) or 1–2 digits followed by . or 、 and not by a
// digit. It returns nil when there is nothing to split.
func splitAtOrdinals(n string) []string {
	if strings.IndexByte(n, '(') < 0 && strings.IndexByte(n, '.') < 0 && !strings.Contains(n, "、") {
		return nil
	}
	var parts []string
	start := 0
	for i := 1; i < len(n); i++ {
		c := n[i]
		var ok bool
		switch {
		case c == '(':
			if v, w := cjkNumber(n[i+1:]); v > 0 && i+1+w < len(n) && n[i+1+w] == ')' {
				ok = true
			}
		case c >= '0' && c <= '9' && (n[i-1] < '0' || n[i-1] > '9'):
			j := i + 1
			if j < len(n) && n[j] >= '0' && n[j] <= '9' {
				j++
			}
			switch {
			case j < len(n) && n[j] == '.':
				ok = j+1 < len(n) && (n[j+1] < '0' || n[j+1] > '9')
			case strings.HasPrefix(n[j:], "、"):
				ok = j+len("、") < len(n)
			}
		}
		if !ok {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(n[:i])
		if prev < 0x4E00 || prev > 0x9FFF || prev == '第' {
			continue
		}
		parts = append(parts, n[start:i])
		start = i
	}
	if parts == nil {
		return nil // nothing to split
	}
	return append(parts, n[start:])
}

// emit appends the cell for key to the report and remembers its value for the checks.
func (m *mapper) emit(table, row string, col codebook.Col, src *scell, align string, flags []string) {
	c := Cell{Table: table, Row: row, Col: col.Key, Align: align}
	unit := col.Unit
	if unit == codebook.UnitAsPrinted {
		unit = codebook.UnitUnknown
	}
	var v value
	if src != nil {
		c.Raw = src.raw
		c.Loc = src.loc
		v = src.val
		if v.has {
			c.Value = m.arena.float(v.num)
		}
		if v.unit != "" {
			unit = v.unit
		}
		c.Flags = append(c.Flags, v.flags.list()...)
		if v.kind == kindLabel {
			c.Flags = append(c.Flags, FlagTextInCell)
		}
	}
	c.Unit = unit
	for _, f := range flags {
		if !contains(c.Flags, f) {
			c.Flags = append(c.Flags, f)
		}
	}
	if cap(m.rep.Cells) == 0 {
		m.rep.Cells = make([]Cell, 0, maxReportCells)
		m.cellKeys = make([]int, 0, maxReportCells)
	}
	m.cellKeys = append(m.cellKeys, m.vals.put(codebook.Key{Table: table, Row: row, Col: col.Key}, v))
	m.rep.Cells = append(m.rep.Cells, c)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (m *mapper) warnf(format string, args ...any) {
	m.rep.Warnings = append(m.rep.Warnings, fmt.Sprintf(format, args...))
}

// noteDropped records value cells left out of a row: a warning quotes
// them, and if any held a number other than 0 the report is partial.
func (m *mapper) noteDropped(scope string, dropped []scell) {
	if len(dropped) == 0 {
		return
	}
	raws := make([]string, 0, len(dropped))
	for _, c := range dropped {
		raws = append(raws, c.raw)
		if c.val.has && c.val.num != 0 {
			m.lostValue = true
		}
	}
	m.warnf("%s: extra cells dropped (line %d): %s", scope, dropped[0].loc.Line, strings.Join(raws, " | "))
}

// splitNumericTail splits a cell whose text ends in whitespace-separated
// numbers ("(一)予以公开 0 0 1", "3 0 3") into a label cell and value cells.
// Normalising such a cell would remove the spaces and read "001" as one
// number. The tail must hold at least one number; a trailing marker alone
// (the 无 of a cut label "(四) 无") is not split off. Returns nil when the
// cell is not of that shape.
func splitNumericTail(c doc.Cell) []scell {
	if !hasFieldSpace(c.Text) {
		return nil
	}
	fields := strings.Fields(c.Text)
	if len(fields) < 2 {
		return nil
	}
	k, numbers := 0, 0
	vals := make([]value, len(fields))
	for i := len(fields) - 1; i >= 0; i-- {
		v := parseValue(fields[i])
		if v.kind != kindValue {
			break
		}
		vals[i] = v
		k++
		if v.has {
			numbers++
		}
	}
	if numbers == 0 || (k == 1 && len(fields) == 1) {
		return nil
	}
	var out []scell
	if head := len(fields) - k; head > 0 {
		label := strings.Join(fields[:head], " ")
		n := normalize(label)
		lv := classify(n)
		if lv.kind != kindLabel {
			return nil
		}
		out = append(out, scell{raw: label, norm: n, val: lv, loc: c.Loc})
	}
	for i := len(fields) - k; i < len(fields); i++ {
		out = append(out, scell{raw: fields[i], norm: normalizeValue(fields[i]), val: vals[i], loc: c.Loc})
	}
	return out
}

// hasFieldSpace is strings.ContainsAny(s, " \t\u3000\u00a0"), which for a
// set with non-ASCII characters searches rune by rune; substring search
// finds the same characters (a UTF-8 lead byte is never part of another
// character) several times faster, and most cells have none.
func hasFieldSpace(s string) bool {
	return strings.IndexByte(s, ' ') >= 0 || strings.IndexByte(s, '\t') >= 0 ||
		strings.Contains(s, "\u3000") || strings.Contains(s, "\u00a0")
}

// slab hands out slices of shared chunks. Each slice is capped at its
// length, so appending to one reallocates it instead of overwriting the
// next.
type slab[T any] struct{ buf []T }

// take returns an empty slice with capacity n.
func (s *slab[T]) take(n int) []T {
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, max(n, 256))
	}
	start := len(s.buf)
	s.buf = s.buf[:start+n]
	return s.buf[start : start : start+n]
}

// arena hands out pointers into shared chunks, so the hundreds of small
// numbers and booleans of a report cost a few allocations, not one each.
// Appending within a chunk's capacity never moves it, so pointers stay valid.
type arena struct {
	floats []float64
	bools  []bool
}

func (a *arena) float(f float64) *float64 {
	if len(a.floats) == cap(a.floats) {
		a.floats = make([]float64, 0, 256)
	}
	a.floats = append(a.floats, f)
	return &a.floats[len(a.floats)-1]
}

func (a *arena) bool(b bool) *bool {
	if len(a.bools) == cap(a.bools) {
		a.bools = make([]bool, 0, 128)
	}
	a.bools = append(a.bools, b)
	return &a.bools[len(a.bools)-1]
}
