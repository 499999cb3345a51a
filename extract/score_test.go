package extract

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nianbao/nianbao/extract/codebook"
)

// score counts every R1, R2 and R3 equation that holds for the current
// placements: the reference scoreRow must rank candidates the same as.
func (a *arith) score(placed []*reqRow) int {
	get := func(i, c int) (float64, bool) {
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
	n := 0
	eq := func(x, y float64, any bool) {
		if any && math.Abs(x-y) < 1e-6 {
			n++
		}
	}
	// R2: each row's total is the sum of its six applicant columns.
	for i := 0; i < a.rows; i++ {
		if placed[i] == nil {
			continue
		}
		var sum float64
		anyv := false
		for c := 0; c < reqCols-1; c++ {
			v, ok := get(i, c)
			sum += v
			anyv = anyv || ok
		}
		t, ok := get(i, reqCols-1)
		eq(sum, t, anyv || ok)
	}
	for c := range reqCols {
		// R1: new + carried_over = total + carried_forward.
		x, ok1 := get(a.newRow, c)
		y, ok2 := get(a.carried, c)
		t, ok3 := get(a.total, c)
		f, ok4 := get(a.forward, c)
		eq(x+y, t+f, ok1 || ok2 || ok3 || ok4)
		// R3: total = the sum of the outcome rows.
		var sum float64
		anyv := ok3
		for _, i := range a.outcomes {
			v, ok := get(i, c)
			sum += v
			anyv = anyv || ok
		}
		eq(sum, t, anyv)
	}
	return n
}

// TestScoreRowRanksAsScore checks that for every row, the differences
// between its candidates' scores are the same whether all equations are
// counted or only those that involve the row.
func TestScoreRowRanksAsScore(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, tmpl := range []string{codebook.T2019, codebook.T2021} {
		l, _ := codebook.Lookup(codebook.Requests, tmpl)
		rows := l.Blocks[0].Rows
		ar := newArith(rows)
		for trial := 0; trial < 200; trial++ {
			placed := make([]*reqRow, len(rows))
			for i := range placed {
				if rnd.IntN(10) == 0 {
					continue
				}
				var vals []scell
				for range 7 + rnd.IntN(3) {
					switch rnd.IntN(4) {
					case 0:
						vals = append(vals, scell{})
					default:
						raw := string(rune('0' + rnd.IntN(3)))
						vals = append(vals, scell{raw: raw, val: parseValue(raw)})
					}
				}
				rr := &reqRow{vals: vals, cands: placements(vals, 0)}
				rr.choice = rnd.IntN(len(rr.cands))
				placed[i] = rr
			}
			for ri, rr := range placed {
				if rr == nil {
					continue
				}
				orig := rr.choice
				for a := range rr.cands {
					for b := range rr.cands {
						rr.choice = a
						fa, ra := ar.score(placed), ar.scoreRow(placed, ri)
						rr.choice = b
						fb, rb := ar.score(placed), ar.scoreRow(placed, ri)
						if fa-fb != ra-rb {
							t.Fatalf("%s row %d candidates %d,%d: score difference %d, scoreRow difference %d", tmpl, ri, a, b, fa-fb, ra-rb)
						}
					}
				}
				rr.choice = orig
			}
		}
	}
}
