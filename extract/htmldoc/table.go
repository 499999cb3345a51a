package htmldoc

import (
	"fmt"

	"github.com/nianbao/nianbao/extract/doc"
)

// tableBuilder forms a table grid while the tokenizer streams through it,
// following the WHATWG table model: each cell takes the first free slot of
// its row, row spans reserve slots in the rows below, rowspan=0 reaches to
// the end of the row group, and no span reaches past its row group.
type tableBuilder struct {
	item int // index of the table's placeholder item
	line int
	rows [][]slot
	// down holds the row spans still reserving slots in coming rows.
	down  []downSpan
	inRow bool
	x     int   // column cursor in the current row
	cur   int32 // cell being read, index into builder.cells; -1 outside cells
	cells int

	inCaption bool
	hasNested bool // holds another table: a layout table
	hasBody   bool // holds a known article container: a layout table

	tfootFrom, tfootTo int // rows of <tfoot>, moved to the end as browsers draw it
}

type slot struct {
	cell    int32 // index into builder.cells; -1 for a hole
	spanned bool
}

type downSpan struct {
	cell       int32
	col, width int
	left       int // rows still to cover; -1 means to the end of the row group
}

// cellText collects the text of one source cell.
type cellText struct {
	table int32
	line  int32
	text  string
	segs  int32 // text segments in the cell
	prose int32 // segments long enough to be prose
}

func (t *tableBuilder) startRow(b *builder) {
	var row []slot
	if n := len(t.rows); n > 0 {
		row = make([]slot, 0, len(t.rows[n-1]))
	}
	t.rows = append(t.rows, row)
	t.inRow = true
	t.x = 0
	if len(t.down) == 0 {
		return
	}
	r := len(t.rows) - 1
	keep := t.down[:0]
	for _, d := range t.down {
		for c := d.col; c < d.col+d.width; c++ {
			t.set(b, r, c, slot{cell: d.cell, spanned: true})
		}
		if d.left > 0 {
			d.left--
		}
		if d.left != 0 && !b.spanFull() {
			keep = append(keep, d)
		}
	}
	t.down = keep
}

func (t *tableBuilder) endRow() { t.inRow = false }

// endGroup clips the row spans at the end of a row group.
func (t *tableBuilder) endGroup() {
	t.inRow = false
	t.down = t.down[:0]
}

// addCell places a source cell at the first free slot of the current row
// and expands its spans, within the document's budget for span copies.
func (t *tableBuilder) addCell(b *builder, cell int32, colspan, rowspan int) {
	r := len(t.rows) - 1
	row := t.rows[r]
	for t.x < len(row) && row[t.x].cell >= 0 {
		t.x++
	}
	if b.spanFull() {
		colspan, rowspan = 1, 1
	}
	t.set(b, r, t.x, slot{cell: cell})
	for c := t.x + 1; c < t.x+colspan; c++ {
		t.set(b, r, c, slot{cell: cell, spanned: true})
	}
	if rowspan != 1 {
		left := rowspan - 1
		if rowspan == 0 {
			left = -1
		}
		t.down = append(t.down, downSpan{cell: cell, col: t.x, width: colspan, left: left})
	}
	t.x += colspan
	t.cur = cell
	t.cells++
}

// set puts s at row r, column c, growing the row with holes as needed.
// Span copies count against the document's budget; past it they are
// dropped and the table keeps holes instead.
func (t *tableBuilder) set(b *builder, r, c int, s slot) {
	row := t.rows[r]
	if s.spanned {
		if c < len(row) && row[c].cell >= 0 {
			return // overlapping spans: the earlier cell keeps the slot
		}
		if b.spanFull() {
			return
		}
		b.spanCopies++
		if b.spanFull() {
			b.warnings = append(b.warnings, fmt.Sprintf("more than %d spanned grid positions: further rowspan/colspan not expanded", maxSpanCopies))
		}
	}
	for len(row) <= c {
		row = append(row, slot{cell: -1})
	}
	row[c] = s
	t.rows[r] = row
}

func (b *builder) spanFull() bool { return b.spanCopies >= maxSpanCopies }

// layout reports whether the table arranges the page rather than holding data.
func (t *tableBuilder) layout() bool {
	return t.hasNested || t.hasBody || t.cells <= 1
}

// grid builds the doc.Table once the cell texts are known. Rows of a
// <tfoot> that came before the body rows are moved to the end.
func (t *tableBuilder) grid(cells []cellText) *doc.Table {
	rows := t.rows
	if t.tfootFrom >= 0 && t.tfootTo > t.tfootFrom && t.tfootTo < len(rows) {
		moved := make([][]slot, 0, len(rows))
		moved = append(moved, rows[:t.tfootFrom]...)
		moved = append(moved, rows[t.tfootTo:]...)
		moved = append(moved, rows[t.tfootFrom:t.tfootTo]...)
		rows = moved
	}
	out := &doc.Table{Rows: make([][]doc.Cell, 0, len(rows)), Loc: doc.Loc{Line: t.line}}
	n := 0
	for _, row := range rows {
		n += len(row)
	}
	all := make([]doc.Cell, n) // one allocation for the whole grid
	for r, row := range rows {
		cs := all[:len(row):len(row)]
		all = all[len(row):]
		for c, s := range row {
			cs[c].Loc = doc.Loc{Row: r, Col: c}
			if s.cell < 0 {
				continue
			}
			src := &cells[s.cell]
			cs[c].Text = src.text
			cs[c].Spanned = s.spanned
			cs[c].Loc.Line = int(src.line)
		}
		out.Rows = append(out.Rows, cs)
	}
	// Word closes its tables with a row of empty cells that only sets
	// column widths; an empty row at the end carries nothing.
	for len(out.Rows) > 0 && emptyRow(out.Rows[len(out.Rows)-1]) {
		out.Rows = out.Rows[:len(out.Rows)-1]
	}
	return out
}

func emptyRow(row []doc.Cell) bool {
	for _, c := range row {
		if c.Text != "" {
			return false
		}
	}
	return true
}

// parseColspan reads a colspan attribute as browsers do: the leading
// digits of a non-negative integer ("2;" is 2, " 3 " is 3); anything
// unreadable or 0 is 1, and the value is clamped to 1000.
func parseColspan(v []byte) int {
	n, ok := parseNonNegative(v, maxColspan)
	if !ok || n == 0 {
		return 1
	}
	return n
}

// parseRowspan is parseColspan for rowspan, except that 0 is kept (it
// spans to the end of the row group) and the clamp is 65534.
func parseRowspan(v []byte) int {
	n, ok := parseNonNegative(v, maxRowspan)
	if !ok {
		return 1
	}
	return n
}

// parseNonNegative implements the HTML rules for parsing non-negative
// integers, clamping the result at limit.
func parseNonNegative(v []byte, limit int) (int, bool) {
	i := 0
	for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r' || v[i] == '\f') {
		i++
	}
	if i < len(v) && v[i] == '+' {
		i++
	}
	if i == len(v) || v[i] < '0' || v[i] > '9' {
		return 0, false
	}
	n := 0
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		if n < limit {
			n = n*10 + int(v[i]-'0')
		}
	}
	return min(n, limit), true
}
