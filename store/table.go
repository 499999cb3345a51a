package store

import (
	"bufio"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"unsafe"

	"github.com/parquet-go/parquet-go"
)

// fileName is the one file of each partition directory. A fixed name lets
// a commit replace a partition with a single rename(2), so a reader sees
// the old file or the new one, never both and never half of one.
const fileName = "part-0.parquet"

// table is one dataset under Root: the rows added in this run, buffered per
// partition and spilled to disk as sorted runs when memory fills, and how
// its files are sorted and merged on commit. T is the row as written, M the
// row as buffered (the same type except for cells, see cellMem).
type table[T, M any] struct {
	name    string
	cmp     func(a, b *T) int        // order of the rows in every file
	order   func(*rowBuf[M]) []int32 // indexes of buffered rows in that order (stable)
	toRow   func(*M, *T)
	id      func(*T) string // report_id of a row; nil for captures
	dedupe  bool            // rows comparing equal are one row (captures)
	sorting []parquet.SortingColumn

	// bin, when set, spills buffered rows in its own encoding instead of
	// Parquet: cells, the bulk of the data, are spilled and read back
	// several times faster that way.
	bin binCodec[M]

	mem    map[string]*rowBuf[M] // partition path → rows not yet spilled
	runs   map[string][]runRef   // partition path → spilled sorted runs, oldest first
	spills []string              // spill files, one per spill
}

// runRef locates a sorted run: a row group of a Parquet spill file, or a
// byte range of a binary one.
type runRef struct {
	file, rowGroup int
	off, size      int64
	rows           int
}

// binCodec writes and reads buffered rows for spilling.
type binCodec[M any] interface {
	encode(w *bufio.Writer, m *M)
	decode(r *bufio.Reader, m *M) error
}

func newTable[T, M any](name string, cmp func(a, b *T) int, order func(*rowBuf[M]) []int32, toRow func(*M, *T), id func(*T) string, sorting ...parquet.SortingColumn) *table[T, M] {
	t := &table[T, M]{name: name, cmp: cmp, order: order, toRow: toRow, id: id, sorting: sorting}
	t.reset()
	return t
}

// newPlainTable is a table that buffers its rows as they are written.
func newPlainTable[T any](name string, cmp func(a, b *T) int, id func(*T) string, sorting ...parquet.SortingColumn) *table[T, T] {
	return newTable(name, cmp, func(rows *rowBuf[T]) []int32 { return sortedOrder(rows, cmp) }, func(m, r *T) { *r = *m }, id, sorting...)
}

// partitions lists the partitions this run added rows to.
func (t *table[T, M]) partitions() []string {
	var ps []string
	for p := range t.mem {
		ps = append(ps, p)
	}
	for p := range t.runs {
		if _, ok := t.mem[p]; !ok {
			ps = append(ps, p)
		}
	}
	return ps
}

func (t *table[T, M]) reset() {
	t.mem = map[string]*rowBuf[M]{}
	t.runs = map[string][]runRef{}
	t.spills = nil
}

// spill sorts each partition's buffered rows and writes them to one file
// in dir, a row group per partition. Spill files are uncompressed: they
// are read once, soon, locally.
func (t *table[T, M]) spill(dir string, seq *int) error {
	if len(t.mem) == 0 {
		return nil
	}
	parts := slices.Sorted(maps.Keys(t.mem))
	*seq++
	path := filepath.Join(dir, fmt.Sprintf("%s-%06d.spill", t.name, *seq))
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("spill %s: %w", t.name, err)
	}
	defer f.Close()
	cw := &countingWriter{w: f}
	bw := bufio.NewWriterSize(cw, 64<<10)
	file := len(t.spills)
	if t.bin != nil {
		var off int64
		for _, p := range parts {
			rows := t.mem[p]
			for _, i := range t.order(rows) {
				t.bin.encode(bw, rows.at(i))
			}
			end := cw.n + int64(bw.Buffered())
			t.runs[p] = append(t.runs[p], runRef{file: file, off: off, size: end - off, rows: rows.len()})
			off = end
			delete(t.mem, p)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("spill %s: %w", t.name, err)
		}
		t.spills = append(t.spills, path)
		return f.Close()
	}
	w := parquet.NewGenericWriter[T](bw)
	for rg, p := range parts {
		rows := t.mem[p]
		order := t.order(rows)
		batch := make([]T, 0, 1024)
		for k, i := range order {
			batch = batch[:len(batch)+1]
			t.toRow(rows.at(i), &batch[len(batch)-1])
			if len(batch) == cap(batch) || k == len(order)-1 {
				if _, err := w.Write(batch); err != nil {
					return fmt.Errorf("spill %s: %w", t.name, err)
				}
				batch = batch[:0]
			}
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("spill %s: %w", t.name, err)
		}
		t.runs[p] = append(t.runs[p], runRef{file: file, rowGroup: rg})
		delete(t.mem, p)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("spill %s: %w", t.name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("spill %s: %w", t.name, err)
	}
	t.spills = append(t.spills, path)
	return f.Close()
}

// openSpills opens this run's spill files for reading runs from them.
func (t *table[T, M]) openSpills() (*spillSet, error) {
	ss := &spillSet{}
	for _, path := range t.spills {
		if t.bin != nil {
			f, err := os.Open(path)
			if err != nil {
				ss.close()
				return nil, err
			}
			ss.files = append(ss.files, f)
			continue
		}
		f, pf, err := openParquet(path)
		if err != nil {
			ss.close()
			return nil, err
		}
		ss.files = append(ss.files, f)
		ss.parquet = append(ss.parquet, pf)
	}
	return ss, nil
}

type spillSet struct {
	files   []*os.File
	parquet []*parquet.File
}

func (ss *spillSet) close() {
	for _, f := range ss.files {
		f.Close()
	}
}

func openParquet(path string) (*os.File, *parquet.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, pf, nil
}

// source yields rows in sort order. The returned pointer is valid until the
// next call.
type source[T any] interface {
	next() (*T, error) // nil, nil at the end
	close() error
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// binSource reads a run spilled by a binCodec. Each batch is decoded into
// a new slice: rows already handed out may point into the previous one.
type binSource[T, M any] struct {
	r     *bufio.Reader
	bin   binCodec[M]
	toRow func(*M, *T)
	left  int
	buf   []M
	cur   T
	keep  func(*T) bool
}

func newBinSource[T, M any](ra io.ReaderAt, ref runRef, bin binCodec[M], toRow func(*M, *T), keep func(*T) bool) *binSource[T, M] {
	return &binSource[T, M]{r: bufio.NewReaderSize(io.NewSectionReader(ra, ref.off, ref.size), 64<<10), bin: bin, toRow: toRow, left: ref.rows, keep: keep}
}

func (s *binSource[T, M]) next() (*T, error) {
	for {
		if len(s.buf) == 0 {
			if s.left == 0 {
				return nil, nil
			}
			n := min(s.left, 1024)
			s.buf = make([]M, n)
			for i := range s.buf {
				if err := s.bin.decode(s.r, &s.buf[i]); err != nil {
					return nil, fmt.Errorf("read spill: %w", err)
				}
			}
			s.left -= n
		}
		s.toRow(&s.buf[0], &s.cur)
		s.buf = s.buf[1:]
		if s.keep == nil || s.keep(&s.cur) {
			return &s.cur, nil
		}
	}
}

func (s *binSource[T, M]) close() error { return nil }

// sliceSource yields buffered rows in the given order, converted.
type sliceSource[T, M any] struct {
	rows  *rowBuf[M]
	order []int32
	toRow func(*M, *T)
	cur   T
	keep  func(*T) bool
}

func (s *sliceSource[T, M]) next() (*T, error) {
	for len(s.order) > 0 {
		s.toRow(s.rows.at(s.order[0]), &s.cur)
		s.order = s.order[1:]
		if s.keep == nil || s.keep(&s.cur) {
			return &s.cur, nil
		}
	}
	return nil, nil
}

func (s *sliceSource[T, M]) close() error { return nil }

// fileSource reads a Parquet file or one of its row groups in batches, so
// memory stays at one batch plus the reader's current pages however large
// the file.
type fileSource[T any] struct {
	f    *os.File // closed by close; nil when the caller owns the file
	r    *parquet.GenericReader[T]
	buf  []T
	i, n int
	eof  bool
	keep func(*T) bool
}

func openSource[T any](path string, keep func(*T) bool) (*fileSource[T], error) {
	f, pf, err := openParquet(path)
	if err != nil {
		return nil, err
	}
	return &fileSource[T]{f: f, r: parquet.NewGenericReader[T](pf), buf: make([]T, 512), keep: keep}, nil
}

func rowGroupSource[T any](rg parquet.RowGroup, keep func(*T) bool) *fileSource[T] {
	return &fileSource[T]{r: parquet.NewGenericRowGroupReader[T](rg), buf: make([]T, 512), keep: keep}
}

func (s *fileSource[T]) next() (*T, error) {
	for {
		if s.i < s.n {
			r := &s.buf[s.i]
			s.i++
			if s.keep == nil || s.keep(r) {
				return r, nil
			}
			continue
		}
		if s.eof {
			return nil, nil
		}
		// Zero the batch: the reader may otherwise reuse pointers held by
		// rows already handed out.
		clear(s.buf)
		n, err := s.r.Read(s.buf)
		s.i, s.n = 0, n
		if errors.Is(err, io.EOF) {
			s.eof = true
		} else if err != nil {
			return nil, err
		}
	}
}

func (s *fileSource[T]) close() error {
	s.r.Close()
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

// mergeHeap is a k-way merge over sources. Ties go to the lower source
// index, which callers give to the newest rows.
type mergeHeap[T any] struct {
	cmp  func(a, b *T) int
	head []*T
	src  []int
}

func (h *mergeHeap[T]) Len() int { return len(h.head) }
func (h *mergeHeap[T]) Less(i, j int) bool {
	if c := h.cmp(h.head[i], h.head[j]); c != 0 {
		return c < 0
	}
	return h.src[i] < h.src[j]
}
func (h *mergeHeap[T]) Swap(i, j int) {
	h.head[i], h.head[j] = h.head[j], h.head[i]
	h.src[i], h.src[j] = h.src[j], h.src[i]
}
func (h *mergeHeap[T]) Push(x any) {}
func (h *mergeHeap[T]) Pop() any {
	n := len(h.head) - 1
	h.head, h.src = h.head[:n], h.src[:n]
	return nil
}

// merge writes the sorted union of srcs to w and returns how many rows it
// wrote in total and from each source.
func merge[T any](ctx context.Context, w *parquet.GenericWriter[T], cmp func(a, b *T) int, dedupe bool, srcs []source[T], batch []T) (int64, []int64, error) {
	counts := make([]int64, len(srcs))
	h := &mergeHeap[T]{cmp: cmp}
	for i, s := range srcs {
		r, err := s.next()
		if err != nil {
			return 0, nil, err
		}
		if r != nil {
			h.head, h.src = append(h.head, r), append(h.src, i)
		}
	}
	heap.Init(h)

	batch = batch[:0]
	var total int64
	var last T
	haveLast := false
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := w.Write(batch); err != nil {
			return err
		}
		total += int64(len(batch))
		batch = batch[:0]
		return ctx.Err()
	}
	for h.Len() > 0 {
		r, i := h.head[0], h.src[0]
		if !(dedupe && haveLast && cmp(&last, r) == 0) {
			batch = append(batch, *r)
			counts[i]++
			if dedupe {
				last, haveLast = *r, true
			}
		}
		// Copy before advancing: the source may reuse r's memory.
		next, err := srcs[i].next()
		if err != nil {
			return 0, nil, err
		}
		if next == nil {
			heap.Pop(h)
		} else {
			h.head[0] = next
			heap.Fix(h, 0)
		}
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return 0, nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, nil, err
	}
	return total, counts, nil
}

// fileBuffers are the buffers writeFile uses, kept from one file to the
// next: a commit writes a file per partition.
type fileBuffers[T any] struct {
	opts  []parquet.WriterOption
	bw    *bufio.Writer
	batch []T // rows handed to the Parquet writer at once
}

func newFileBuffers[T any](opts []parquet.WriterOption) *fileBuffers[T] {
	return &fileBuffers[T]{opts: opts, bw: bufio.NewWriterSize(nil, 64<<10), batch: make([]T, 0, 1024)}
}

// writeFile merges srcs into a new hidden file in dir and checks it can be
// read back. It returns the file's path ("" if no rows
// remain), its row count and the rows taken from each source.
func writeFile[T any](ctx context.Context, dir, tmpName string, cmp func(a, b *T) int, dedupe bool, srcs []source[T], buf *fileBuffers[T]) (string, int64, []int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, nil, err
	}
	path := filepath.Join(dir, tmpName)
	f, err := os.Create(path)
	if err != nil {
		return "", 0, nil, err
	}
	fail := func(err error) (string, int64, []int64, error) {
		f.Close()
		os.Remove(path)
		return "", 0, nil, err
	}
	// A writer is not reused for the next file with Reset: parquet-go
	// v0.32.0 then writes later files with an empty path_in_schema.
	bw := buf.bw
	bw.Reset(f)
	w := parquet.NewGenericWriter[T](bw, buf.opts...)
	n, counts, err := merge(ctx, w, cmp, dedupe, srcs, buf.batch)
	if err != nil {
		return fail(err)
	}
	if n == 0 {
		f.Close()
		return "", 0, counts, os.Remove(path)
	}
	if err := w.Close(); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := verifyFile(f, path, n); err != nil {
		return fail(err)
	}
	// fsync comes later, for all files of a commit at once (syncAll).
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", 0, nil, err
	}
	return path, n, counts, nil
}

// verifyFile reads a written file back through f and checks its footer:
// parquet-go has been seen to write an invalid footer (parquet-go#158),
// and a file that cannot be read must never replace one that can.
func verifyFile(f *os.File, path string, rows int64) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("verify %s: %w", path, err)
	}
	if pf.NumRows() != rows {
		return fmt.Errorf("verify %s: footer says %d rows, wrote %d", path, pf.NumRows(), rows)
	}
	if v, _ := pf.Lookup("schema_version"); v != SchemaVersion {
		return fmt.Errorf("verify %s: schema_version %q, want %q", path, v, SchemaVersion)
	}
	return nil
}

// sortedOrder returns the indexes of rows in the order of cmp, stably.
// Sorting indexes instead of the wide rows moves 4 bytes, not a row, and
// the rows are then read in that order without being moved at all.
func sortedOrder[T any](rows *rowBuf[T], cmp func(a, b *T) int) []int32 {
	idx := make([]int32, rows.len())
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int { return cmp(rows.at(i), rows.at(j)) })
	return idx
}

// buffer returns partition p's buffered rows, creating the buffer.
func (t *table[T, M]) buffer(p string) *rowBuf[M] {
	b := t.mem[p]
	if b == nil {
		b = newRowBuf[M]()
		t.mem[p] = b
	}
	return b
}

// rowBuf holds buffered rows in chunks of a fixed size. One slice would
// copy every row buffered so far each time it grew, and hold both copies
// meanwhile.
type rowBuf[M any] struct {
	chunks [][]M
	n      int
	shift  uint // a chunk holds 1<<shift rows
}

// rowChunkBytes bounds a chunk: a run holds a chunk per partition and
// table it has not filled, a few MB over hundreds of partitions.
const rowChunkBytes = 32 << 10

func newRowBuf[M any]() *rowBuf[M] {
	var m M
	shift := uint(0)
	for (2<<shift)*int(unsafe.Sizeof(m)) <= rowChunkBytes {
		shift++
	}
	return &rowBuf[M]{shift: shift}
}

func (b *rowBuf[M]) len() int { return b.n }

// at returns row i, which stays at that address until truncated.
func (b *rowBuf[M]) at(i int32) *M {
	return &b.chunks[i>>b.shift][int(i)&(1<<b.shift-1)]
}

func (b *rowBuf[M]) add(m M) {
	c := b.n >> b.shift
	if c == len(b.chunks) {
		b.chunks = append(b.chunks, make([]M, 1<<b.shift))
	}
	b.chunks[c][b.n&(1<<b.shift-1)] = m
	b.n++
}

// truncate drops the rows from n on.
func (b *rowBuf[M]) truncate(n int) {
	var zero M
	for i := n; i < b.n; i++ {
		*b.at(int32(i)) = zero // release what they point to
	}
	b.n = n
}
