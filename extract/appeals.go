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
	// Trim empties at both ends: the data row has no spacer cells of its own.
	for len(seq) > 0 && seq[0].val.kind == kindEmpty {
		seq = seq[1:]
	}
	for len(seq) > 0 && seq[len(seq)-1].val.kind == kindEmpty {
		seq = seq[:len(seq)-1]
	}
	if len(seq) == 0 {
		for _, row := range b.Rows {
			for _, col := range b.Cols {
				m.emit(codebook.Appeals, row.Key, col, nil, AlignNone, nil)
			}
		}
		return
	}
	// With more than 15 cells, slide a window and let R4 choose; the first
	// window wins a tie (a stray trailing cell is the common case).
	start, align := 0, AlignFixedOrder
	var flags []string
	if len(seq) > appealValues {
		flags = append(flags, FlagExtraCells)
		bestScore := -1
		scores := map[int]int{}
		for s := 0; s+appealValues <= len(seq) && s <= 4; s++ {
			sc := r4Score(seq[s : s+appealValues])
			scores[s] = sc
			if sc > bestScore {
				start, bestScore = s, sc
			}
		}
		for s, sc := range scores {
			if s != start && sc < bestScore {
				align = AlignArithmetic
			}
		}
		var dropped []scell
		for i, c := range seq {
			if (i < start || i >= start+appealValues) && c.val.kind != kindEmpty {
				dropped = append(dropped, c)
			}
		}
		m.noteDropped("appeals", dropped)
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
			if c.val.v != nil {
				sum += *c.val.v
				anyv = true
			}
		}
		var t float64
		if v := vals[g+4].val.v; v != nil {
			t = *v
			anyv = true
		}
		if anyv && math.Abs(sum-t) < 1e-6 {
			n++
		}
	}
	return n
}
