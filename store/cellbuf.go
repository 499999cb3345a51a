package store

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/extract"
)

// cellMem is a cell as buffered in memory before it is written: the report
// columns by reference and the low-cardinality strings as small integers.
// It is 56 bytes against about 250 for a cellRow with its strings, which is
// what lets a run hold a million cells in memory before spilling.
type cellMem struct {
	rep   *reportMeta
	raw   string
	value float64
	key   uint32 // index into cellCodec.keys
	unit  uint32 // index into cellCodec.strs, 0 = NULL
	align uint32
	flags uint32 // index into cellCodec.flags, 0 = none
	null  bool
}

// reportMeta holds the columns every cell of a report repeats; zero
// values are NULL.
type reportMeta struct {
	idx    int // position in Store.metas
	id     string
	year   int32
	region string
	agency string
}

func metaOf(idx int, id string, rep *extract.Report) *reportMeta {
	// As in rowsOf: an empty region or agency and year 0 are unknown.
	return &reportMeta{idx: idx, id: id, year: int32(rep.ReportYear), region: rep.RegionCode, agency: rep.Agency}
}

type cellKey struct{ key, table, row, col string }

// cellCodec interns the strings of buffered cells and turns them back into
// rows. Its tables only grow: they hold codebook keys, units, alignments
// and flag sets, a few hundred entries in all.
type cellCodec struct {
	keys    []cellKey
	keyIDs  map[[3]string]uint32
	strs    []*string // id-1 → string
	strIDs  map[string]uint32
	flags   [][]string
	flagIDs map[string]uint32
	raws    map[string]string // short raw texts ("0", "12"), shared

	// Reports of one template list their cells in the same order, and
	// their units and alignments repeat: the key that followed the
	// previous cell's key last time, and the previous unit and alignment,
	// are tried before hashing.
	next        []uint32 // key id → key id that followed it last; noKey if none
	last        uint32   // key id of the previous cell; noKey at first
	unit, align strHint
	rank        []uint32 // see ranks
}

const noKey = math.MaxUint32

type strHint struct {
	s  string
	id uint32
}

func newCellCodec() *cellCodec {
	return &cellCodec{
		keyIDs:  map[[3]string]uint32{},
		strIDs:  map[string]uint32{},
		flags:   [][]string{nil},
		flagIDs: map[string]uint32{},
		raws:    map[string]string{},
		last:    noKey,
	}
}

func (cc *cellCodec) str(s string) uint32 {
	if s == "" {
		return 0
	}
	if id, ok := cc.strIDs[s]; ok {
		return id
	}
	s = strings.Clone(s)
	cc.strs = append(cc.strs, &s)
	id := uint32(len(cc.strs))
	cc.strIDs[s] = id
	return id
}

// maxInterned bounds the codec's tables: a document producing more
// distinct keys or units than this is not a report template.
const maxInterned = 1 << 20

// hinted is str with a one-entry cache in front.
func (cc *cellCodec) hinted(h *strHint, s string) uint32 {
	if s == h.s {
		return h.id
	}
	id := cc.str(s)
	h.s, h.id = s, id
	if id != 0 {
		h.s = *cc.strs[id-1] // the interned copy, not the caller's memory
	}
	return id
}

func (cc *cellCodec) keyID(c *extract.Cell) (uint32, error) {
	if cc.last != noKey {
		if id := cc.next[cc.last]; id != noKey {
			if k := &cc.keys[id]; k.table == c.Table && k.row == c.Row && k.col == c.Col {
				cc.last = id
				return id, nil
			}
		}
	}
	k := [3]string{c.Table, c.Row, c.Col}
	id, ok := cc.keyIDs[k]
	if !ok {
		if len(cc.keys) >= maxInterned {
			return 0, fmt.Errorf("more than %d distinct cell keys", maxInterned)
		}
		id = uint32(len(cc.keys))
		k = [3]string{strings.Clone(c.Table), strings.Clone(c.Row), strings.Clone(c.Col)}
		cc.keys = append(cc.keys, cellKey{key: c.Key(), table: k[0], row: k[1], col: k[2]})
		cc.next = append(cc.next, noKey)
		cc.keyIDs[k] = id
	}
	if cc.last != noKey {
		cc.next[cc.last] = id
	}
	cc.last = id
	return id, nil
}

func (cc *cellCodec) encode(c *extract.Cell, rep *reportMeta) (cellMem, error) {
	id, err := cc.keyID(c)
	if err != nil {
		return cellMem{}, err
	}
	if len(cc.strs) >= maxInterned || len(cc.flags) >= maxInterned {
		return cellMem{}, fmt.Errorf("more than %d distinct units, alignments or flag sets", maxInterned)
	}
	m := cellMem{rep: rep, key: id, unit: cc.hinted(&cc.unit, c.Unit), align: cc.hinted(&cc.align, c.Align), null: c.Value == nil}
	if c.Value != nil {
		m.value = *c.Value
	}
	// Copy the raw text: it may be a slice of the whole document, which
	// must not stay alive in the buffer. Short texts are shared.
	if len(c.Raw) <= 8 {
		r, ok := cc.raws[c.Raw]
		if !ok && len(cc.raws) < 1<<16 {
			r = strings.Clone(c.Raw)
			cc.raws[r] = r
		} else if !ok {
			r = strings.Clone(c.Raw)
		}
		m.raw = r
	} else {
		m.raw = strings.Clone(c.Raw)
	}
	if len(c.Flags) > 0 {
		joined := strings.Join(c.Flags, "\x00")
		fid, ok := cc.flagIDs[joined]
		if !ok {
			fid = uint32(len(cc.flags))
			cc.flags = append(cc.flags, strings.Split(joined, "\x00"))
			cc.flagIDs[joined] = fid
		}
		m.flags = fid
	}
	return m, nil
}

// row fills r from m. r.Value points into m, which must stay unchanged
// until r is written.
func (cc *cellCodec) row(m *cellMem, r *cellRow) {
	k := &cc.keys[m.key]
	*r = cellRow{
		ReportID:   m.rep.id,
		ReportYear: m.rep.year,
		RegionCode: m.rep.region,
		Agency:     m.rep.agency,
		Key:        k.key,
		Table:      k.table,
		Row:        k.row,
		Col:        k.col,
		Raw:        m.raw,
		Flags:      cc.flags[m.flags],
	}
	if !m.null {
		r.Value = &m.value
	}
	if m.unit != 0 {
		r.Unit = *cc.strs[m.unit-1]
	}
	if m.align != 0 {
		r.Align = *cc.strs[m.align-1]
	}
}

// order returns the indexes of buffered cells in the order cmpCell puts
// their rows, stably. Add appends a report's cells together, so rows are
// runs of one report each: the runs are ordered by (region, report ID), a
// few string comparisons per report, and the cells within a report by the
// rank of their key, an integer. Reports of one template list their keys
// in the same sequence, so that sort is done once per sequence.
func (cc *cellCodec) order(buf *rowBuf[cellMem]) []int32 {
	n := buf.len()
	row := func(i int) *cellMem { return buf.at(int32(i)) }
	type run struct{ start, end int }
	var runs []run
	for i := 0; i < n; {
		j := i + 1
		for j < n && row(j).rep == row(i).rep {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	cmpRuns := func(a, b run) int {
		ra, rb := row(a.start).rep, row(b.start).rep
		if ra == rb {
			return 0
		}
		if c := cmpStr(ra.region, rb.region); c != 0 {
			return c
		}
		return cmpStr(ra.id, rb.id)
	}
	if !slices.IsSortedFunc(runs, cmpRuns) {
		slices.SortStableFunc(runs, cmpRuns)
	}
	rank := cc.ranks()
	byKey := func(i, j int32) int {
		if c := cmp.Compare(rank[buf.at(i).key], rank[buf.at(j).key]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	}
	order := make([]int32, 0, n)
	var seqKeys []uint32 // key sequence of the last report sorted alone
	var seqPerm []int32  // its sorted order, relative to its first row
	for k := 0; k < len(runs); {
		// The runs of one report are adjacent now; Add makes one run per
		// report, but nothing here relies on it.
		g := k + 1
		for g < len(runs) && row(runs[g].start).rep == row(runs[k].start).rep {
			g++
		}
		base := len(order)
		for _, r := range runs[k:g] {
			for i := r.start; i < r.end; i++ {
				order = append(order, int32(i))
			}
		}
		seg := order[base:]
		if g > k+1 {
			slices.SortFunc(seg, byKey)
			k = g
			continue
		}
		start := int32(runs[k].start)
		same := len(seqKeys) == len(seg)
		for j := 0; same && j < len(seg); j++ {
			same = row(int(seg[j])).key == seqKeys[j]
		}
		if !same {
			slices.SortFunc(seg, byKey)
			seqKeys, seqPerm = seqKeys[:0], seqPerm[:0]
			for j := range seg {
				seqKeys = append(seqKeys, row(int(start)+j).key)
				seqPerm = append(seqPerm, seg[j]-start)
			}
		} else {
			for j, p := range seqPerm {
				seg[j] = start + p
			}
		}
		k = g
	}
	return order
}

// ranks returns each key id's position in the order of the key strings;
// equal strings have equal ranks.
func (cc *cellCodec) ranks() []uint32 {
	if len(cc.rank) == len(cc.keys) {
		return cc.rank
	}
	ids := make([]uint32, len(cc.keys))
	for i := range ids {
		ids[i] = uint32(i)
	}
	slices.SortFunc(ids, func(a, b uint32) int { return cmpStr(cc.keys[a].key, cc.keys[b].key) })
	cc.rank = make([]uint32, len(cc.keys))
	for i, id := range ids {
		r := uint32(i)
		if i > 0 && cc.keys[id].key == cc.keys[ids[i-1]].key {
			r = cc.rank[ids[i-1]]
		}
		cc.rank[id] = r
	}
	return cc.rank
}

// cellSpill encodes buffered cells for spilling: the report as an index
// into metas, the interned strings as their codec indexes, the raw text
// in full. About 12 bytes a cell.
type cellSpill struct {
	codec *cellCodec
	metas *[]*reportMeta // of this run, indexed by reportMeta.idx
}

func (cs cellSpill) encode(w *bufio.Writer, m *cellMem) {
	var b [binary.MaxVarintLen64*5 + 9]byte
	n := binary.PutUvarint(b[:], uint64(m.rep.idx))
	n += binary.PutUvarint(b[n:], uint64(m.key))
	n += binary.PutUvarint(b[n:], uint64(m.unit))
	n += binary.PutUvarint(b[n:], uint64(m.align))
	n += binary.PutUvarint(b[n:], uint64(m.flags))
	if m.null {
		b[n] = 1
		n++
	} else {
		b[n] = 0
		binary.LittleEndian.PutUint64(b[n+1:], math.Float64bits(m.value))
		n += 9
	}
	w.Write(b[:n])
	var l [binary.MaxVarintLen64]byte
	w.Write(l[:binary.PutUvarint(l[:], uint64(len(m.raw)))])
	w.WriteString(m.raw)
}

func (cs cellSpill) decode(r *bufio.Reader, m *cellMem) error {
	var v [6]uint64
	for i := range 5 {
		x, err := binary.ReadUvarint(r)
		if err != nil {
			return err
		}
		v[i] = x
	}
	metas := *cs.metas
	if v[0] >= uint64(len(metas)) || v[1] >= uint64(len(cs.codec.keys)) || v[2] > uint64(len(cs.codec.strs)) ||
		v[3] > uint64(len(cs.codec.strs)) || v[4] >= uint64(len(cs.codec.flags)) {
		return errors.New("corrupt cell spill")
	}
	*m = cellMem{rep: metas[v[0]], key: uint32(v[1]), unit: uint32(v[2]), align: uint32(v[3]), flags: uint32(v[4])}
	null, err := r.ReadByte()
	if err != nil {
		return err
	}
	if null == 1 {
		m.null = true
	} else {
		var f [8]byte
		if _, err := io.ReadFull(r, f[:]); err != nil {
			return err
		}
		m.value = math.Float64frombits(binary.LittleEndian.Uint64(f[:]))
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return err
	}
	if n > 1<<24 {
		return errors.New("corrupt cell spill")
	}
	raw := make([]byte, n)
	if _, err := io.ReadFull(r, raw); err != nil {
		return err
	}
	if s, ok := cs.codec.raws[string(raw)]; ok {
		m.raw = s
	} else {
		m.raw = string(raw)
	}
	return nil
}
