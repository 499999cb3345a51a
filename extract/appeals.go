package extract

import (
	"math"

	"github.com/nianbao/nianbao/extract/codebook"
)

// Section 四: one data row of 15 values in a fixed order (行政复议 ×5,
// 未经复议直接起诉 ×5, 复议后起诉 ×5). The header is never used for
// alignment: its rowspans come out of text conversions in shifted positions.

const appealValues = 15

// appealHeaderWords mark a header row of section 四.
var appealHeaderWords = []string{"行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"}

var appealHeaderMatcher = newMatcher(appealHeaderWords)

func (m *mapper) mapAppeals() {
	rows := m.rows[secAppeals]
	found := m.headings[secAppeals] && len(rows) > 0
	// The data cells: every value or empty cell of the rows that carry
	// values, in order. A row broken over two lines still reads in order.
	var seq []scell
	for _, r := range rows {
		units := r.units
		header := 0
		for _, u := range units {
			if i, _ := appealHeaderMatcher.best(u.core, labelSure); i >= 0 {
				header++
			}
		}
		if header > 0 {
			found = true
		}
		if countValues(r.cells) < 3 || header >= 2 {
			continue
		}
		for _, c := range r.cells {
			if c.val.kind != kindLabel {
				seq = append(seq, c)
			}
		}
	}
	if !found && len(seq) == 0 {
		return
	}
	layout, _ := codebook.Lookup(codebook.Appeals, codebook.T2021)
	b := layout.Blocks[0]
	if countValues(seq) == 0 {
		for _, row := range b.Rows {
			for _, col := range b.Cols {
				m.emit(codebook.Appeals, row.Key, col, nil, AlignNone, nil)
			}
		}
		return
	}
	// With more than 15 cells, slide a window over them: first keep every
	// value (spacer cells are empty), then let R4 choose; the earliest
	// window wins a tie (a stray trailing cell is the common case). With 15
	// or fewer, the cells are the data row as printed, blanks included.
	start, align := 0, AlignFixedOrder
	var flags []string
	if len(seq) > appealValues {
		type window struct{ start, dropped, score int }
		var ws []window
		for st := 0; st+appealValues <= len(seq) && len(ws) < 8; st++ {
			w := window{start: st, score: r4Score(seq[st : st+appealValues])}
			w.dropped = countValues(seq[:st]) + countValues(seq[st+appealValues:])
			ws = append(ws, w)
		}
		best := ws[0]
		for _, w := range ws[1:] {
			if w.dropped < best.dropped || (w.dropped == best.dropped && w.score > best.score) {
				best = w
			}
		}
		start = best.start
		for _, w := range ws {
			if w.dropped == best.dropped && w.score < best.score {
				align = AlignArithmetic
			}
		}
		if best.dropped > 0 {
			flags = append(flags, FlagExtraCells)
			var dropped []scell
			for i, c := range seq {
				if (i < start || i >= start+appealValues) && c.val.kind != kindEmpty {
					dropped = append(dropped, c)
				}
			}
			m.noteDropped("appeals", dropped)
		}
	} else if len(seq) < appealValues {
		flags = append(flags, FlagMissingCells)
	}
	i := start
	for _, row := range b.Rows {
		for _, col := range b.Cols {
			if i < len(seq) && i < start+appealValues {
				m.emit(codebook.Appeals, row.Key, col, &seq[i], align, flags)
			} else {
				m.emit(codebook.Appeals, row.Key, col, nil, align, flags)
			}
			i++
		}
	}
}

// r4Score counts the groups of five whose total equals the sum of the
// four outcomes, among groups with a non-blank cell.
func r4Score(vals []scell) int {
	n := 0
	for g := 0; g+5 <= len(vals); g += 5 {
		var sum float64
		anyv := false
		for _, c := range vals[g : g+4] {
			if c.val.has {
				sum += c.val.num
				anyv = true
			}
		}
		var t float64
		if v := vals[g+4].val; v.has {
			t = v.num
			anyv = true
		}
		if anyv && math.Abs(sum-t) < 1e-6 {
			n++
		}
	}
	return n
}
