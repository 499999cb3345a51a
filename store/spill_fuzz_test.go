package store

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/nianbao/nianbao/store/storetest"
)

// FuzzCellSpillDecode: reading a damaged spill file gives an error, never a
// panic or a cell pointing outside the codec's tables.
func FuzzCellSpillDecode(f *testing.F) {
	cc := newCellCodec()
	metas := []*reportMeta{{idx: 0, id: "r0"}}
	cs := cellSpill{codec: cc, metas: &metas}
	rep := storetest.Seeds()[2]
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	for i := range rep.Cells {
		m, err := cc.encode(&rep.Cells[i], metas[0])
		if err != nil {
			f.Fatal(err)
		}
		cs.encode(w, &m)
	}
	w.Flush()
	f.Add(buf.Bytes())
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for range 1000 {
			var m cellMem
			if err := cs.decode(r, &m); err != nil {
				return
			}
			var row cellRow
			cc.row(&m, &row) // must not index out of range
		}
	})
}

// TestCellSpillRoundTrip: every buffered cell survives the spill encoding.
func TestCellSpillRoundTrip(t *testing.T) {
	cc := newCellCodec()
	var metas []*reportMeta
	var want []cellMem
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	cs := cellSpill{codec: cc, metas: &metas}
	for i, rep := range storetest.Seeds() {
		meta := &reportMeta{idx: i, id: rep.Source}
		metas = append(metas, meta)
		for j := range rep.Cells {
			m, err := cc.encode(&rep.Cells[j], meta)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, m)
			cs.encode(w, &m)
		}
	}
	w.Flush()
	r := bufio.NewReader(&buf)
	for i, m := range want {
		var got cellMem
		if err := cs.decode(r, &got); err != nil {
			t.Fatalf("cell %d: %v", i, err)
		}
		if got != m {
			t.Fatalf("cell %d: got %+v, want %+v", i, got, m)
		}
	}
	if _, err := r.ReadByte(); err == nil {
		t.Error("bytes left after the last cell")
	}
}
