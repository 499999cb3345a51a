package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
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

// reportMeta holds the columns every cell of a report repeats.
type reportMeta struct {
	idx    int // position in Store.metas
	id     string
	year   *int32
	region *string
	agency *string
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
}

func newCellCodec() *cellCodec {
	return &cellCodec{
		keyIDs:  map[[3]string]uint32{},
		strIDs:  map[string]uint32{},
		flags:   [][]string{nil},
		flagIDs: map[string]uint32{},
		raws:    map[string]string{},
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

func (cc *cellCodec) encode(c *extract.Cell, rep *reportMeta) (cellMem, error) {
	k := [3]string{c.Table, c.Row, c.Col}
	id, ok := cc.keyIDs[k]
	if !ok {
		if len(cc.keys) >= maxInterned {
			return cellMem{}, fmt.Errorf("more than %d distinct cell keys", maxInterned)
		}
		id = uint32(len(cc.keys))
		k = [3]string{strings.Clone(c.Table), strings.Clone(c.Row), strings.Clone(c.Col)}
		cc.keys = append(cc.keys, cellKey{key: c.Key(), table: k[0], row: k[1], col: k[2]})
		cc.keyIDs[k] = id
	}
	if len(cc.strs) >= maxInterned || len(cc.flags) >= maxInterned {
		return cellMem{}, fmt.Errorf("more than %d distinct units, alignments or flag sets", maxInterned)
	}
	m := cellMem{rep: rep, key: id, unit: cc.str(c.Unit), align: cc.str(c.Align), null: c.Value == nil}
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
		r.Unit = cc.strs[m.unit-1]
	}
	if m.align != 0 {
		r.Align = cc.strs[m.align-1]
	}
}

// cmp orders buffered cells as cmpCell orders rows.
func (cc *cellCodec) cmp(a, b *cellMem) int {
	if a.rep != b.rep {
		if c := cmpOptStr(a.rep.region, b.rep.region); c != 0 {
			return c
		}
		if c := cmpStr(a.rep.id, b.rep.id); c != 0 {
			return c
		}
	}
	if a.key == b.key {
		return 0
	}
	return cmpStr(cc.keys[a.key].key, cc.keys[b.key].key)
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
