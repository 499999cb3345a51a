// Package store writes extracted reports and crawl captures as
// Hive-partitioned Parquet datasets for DuckDB, pandas and polars:
//
//	ROOT/reports/year=2023/province=63/part-0.parquet   one row per report
//	ROOT/cells/year=2023/province=63/part-0.parquet     one row per template cell
//	ROOT/checks/year=2023/province=63/part-0.parquet    one row per arithmetic check
//	ROOT/captures/crawl_date=2026-11-21/part-0.parquet  one row per fetch
//
// docs/schema.md is the data dictionary.
//
// A run adds reports, then commits. Rows are buffered per partition and
// spilled to disk as sorted runs, so memory stays flat however many reports
// a run adds. Commit merges the runs with each touched partition's current
// file into a new hidden file, verifies it, and then publishes all new
// files with renames recorded in a journal: a reader sees each partition
// either before or after the commit, never a partial file, and a process
// killed during publishing is rolled forward by the next Open.
//
// Re-runs are idempotent. A report is identified by its source and the
// SHA-256 of its content (ReportID); committing a report replaces every row
// previously stored for the same source, whatever its content or partition,
// so re-running over the same input leaves the same rows, a newer extractor
// replaces what it re-extracts, and a changed page replaces its old version.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/parquet-go/parquet-go"
	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract"
)

// Dataset directory names under Root.
const (
	Reports  = "reports"
	Cells    = "cells"
	Checks   = "checks"
	Captures = "captures"
)

// Options configure a Store.
type Options struct {
	// Root is the output directory; it is created if missing.
	Root string
	// ExtractorVersion is stamped on every report row and in each file's
	// metadata. Required: rows must say which extractor produced them.
	ExtractorVersion string
	// Logger receives warnings and per-file debug lines; nil means no logging.
	Logger *zap.Logger
	// BufferRows is how many rows (reports, cells, checks and captures
	// together) are held in memory before they are sorted and spilled to
	// disk. Default 1,000,000: about 60 MB of buffered cells, so a run of
	// 10,000 reports spills twice.
	BufferRows int
	// RowGroupRows caps the rows per row group in published files. Default
	// 122,880, DuckDB's own row-group size: it parallelises scans per row
	// group, and row-group statistics stay selective.
	RowGroupRows int
}

const (
	defaultBufferRows   = 1_000_000
	defaultRowGroupRows = 122_880
)

// Validate reports the first invalid field.
func (o *Options) Validate() error {
	switch {
	case o.Root == "":
		return errors.New("store: Options.Root is empty")
	case o.ExtractorVersion == "":
		return errors.New("store: Options.ExtractorVersion is empty")
	case o.BufferRows < 0:
		return fmt.Errorf("store: Options.BufferRows %d is negative", o.BufferRows)
	case o.RowGroupRows < 0:
		return fmt.Errorf("store: Options.RowGroupRows %d is negative", o.RowGroupRows)
	}
	return nil
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.BufferRows == 0 {
		o.BufferRows = defaultBufferRows
	}
	if o.RowGroupRows == 0 {
		o.RowGroupRows = defaultRowGroupRows
	}
}

// Origin says where a report's bytes were archived. The zero Origin fits a
// local file: no WARC record, fetched_at NULL.
type Origin struct {
	FetchedAt time.Time
	WARCFile  string // WARC file name; "" when the bytes were not archived
	Offset    int64  // offset of the response record in WARCFile
	Length    int64  // length of the record, compressed
}

// Summary counts what a Commit published.
type Summary struct {
	Reports      int // report rows written by this run
	Cells        int
	NullCells    int // cells whose value is NULL (blank or no number)
	Checks       int
	FailedChecks int // checks assessed and failed
	Captures     int // capture rows written (after removing duplicates)
	// Replaced counts stored reports whose source this run extracted again
	// with different content; their old rows are gone.
	Replaced int
	// Rewritten counts stored reports this run extracted again from the same
	// content (a re-run, or a newer extractor); their rows were rewritten.
	Rewritten int
	// Duplicates counts Add calls skipped because the same report (same
	// source and content) was already added in this run.
	Duplicates int
	Files      int   // partition files written
	Removed    int   // partition files removed because no rows remained
	Bytes      int64 // size of the files written
}

// Store writes one run of reports and captures under Options.Root. Its
// methods are safe for concurrent use. At most one Store may be open per
// Root; Open fails while another process holds it.
type Store struct {
	opts  Options
	log   *zap.Logger
	lock  *os.File
	runID string

	mu       sync.Mutex
	closed   bool
	broken   error  // a publish failed half-way: only a new Open can finish it
	staging  string // spill directory, created on first spill
	spillSeq int
	buffered int

	reports  *table[reportRow, reportRow]
	cells    *table[cellRow, cellMem]
	checks   *table[checkRow, checkRow]
	captures *table[captureRow, captureRow]
	codec    *cellCodec
	metas    []*reportMeta // reports added this run, for cell spills

	seen     map[string]struct{} // report IDs added this run
	live     map[string]struct{} // those not superseded by a later Add of the same source
	bySource map[string]string   // source → live report ID
	sum      Summary
}

// Open prepares Root for a run. It finishes a commit that a killed process
// left half-published and removes its temporary files.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts.setDefaults()
	if err := os.MkdirAll(opts.Root, 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	lock, err := lockRoot(opts.Root)
	if err != nil {
		return nil, err
	}
	codec := newCellCodec()
	s := &Store{
		opts:  opts,
		log:   opts.Logger.Named("store"),
		lock:  lock,
		runID: strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(os.Getpid()),
		reports: newPlainTable(Reports, cmpReport, func(r *reportRow) string { return r.ReportID },
			parquet.NullsFirst(parquet.Ascending("region_code")), parquet.Ascending("report_id")),
		cells: newTable(Cells, cmpCell, codec.order, codec.row, func(r *cellRow) string { return r.ReportID },
			parquet.NullsFirst(parquet.Ascending("region_code")), parquet.Ascending("report_id"), parquet.Ascending("key")),
		checks: newPlainTable(Checks, cmpCheck, func(r *checkRow) string { return r.ReportID },
			parquet.Ascending("report_id"), parquet.Ascending("rule"), parquet.Ascending("scope")),
		captures: newPlainTable(Captures, cmpCapture, nil, parquet.Ascending("url"), parquet.Ascending("fetched_at")),
		codec:    codec,
		seen:     map[string]struct{}{},
		live:     map[string]struct{}{},
		bySource: map[string]string{},
	}
	s.captures.dedupe = true
	s.cells.bin = cellSpill{codec: codec, metas: &s.metas}
	if err := s.recover(ctx); err != nil {
		s.unlock()
		return nil, err
	}
	return s, nil
}

func lockRoot(root string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(root, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: %s is in use by another writer: %w", root, err)
	}
	return f, nil
}

func (s *Store) unlock() {
	if s.lock != nil {
		s.lock.Close() // closing the descriptor releases the flock
		s.lock = nil
	}
}

var errClosed = errors.New("store: closed")

// Add queues a report for the next Commit. Adding the same report twice
// in a run stores it once; adding another version of a source (different
// content) replaces the earlier one.
func (s *Store) Add(ctx context.Context, rep *extract.Report, origin Origin) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if rep == nil {
		return errors.New("store: nil report")
	}
	if rep.Source == "" {
		return errors.New("store: report has no Source")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	id := ReportID(rep.Source, rep.SHA256)
	if _, ok := s.seen[id]; ok {
		// Its rows are already buffered; make it the live version again in
		// case another version of the source came in between.
		if cur := s.bySource[rep.Source]; cur != id {
			delete(s.live, cur)
			s.live[id] = struct{}{}
			s.bySource[rep.Source] = id
		}
		s.sum.Duplicates++
		return nil
	}
	if prev, ok := s.bySource[rep.Source]; ok {
		delete(s.live, prev) // its buffered rows are dropped on commit
	}
	r, checks, warnings := rowsOf(rep, id, origin, s.opts.ExtractorVersion)
	for _, w := range warnings {
		s.log.Warn(w, zap.String("source", rep.Source))
	}
	meta := metaOf(len(s.metas), id, rep)
	s.metas = append(s.metas, meta)
	p := partitionOf(rep).path()
	cells := s.cells.buffer(p)
	start := cells.len()
	for i := range rep.Cells {
		m, err := s.codec.encode(&rep.Cells[i], meta)
		if err != nil {
			cells.truncate(start)
			return fmt.Errorf("store: %s: %w", rep.Source, err)
		}
		cells.add(m)
	}
	s.seen[id], s.live[id], s.bySource[rep.Source] = struct{}{}, struct{}{}, id
	s.reports.buffer(p).add(r)
	checkRows := s.checks.buffer(p)
	for i := range checks {
		checkRows.add(checks[i])
	}
	s.buffered += 1 + len(rep.Cells) + len(checks)
	return s.maybeSpill()
}

// AddCaptures queues crawl captures for the next Commit. It rejects the
// whole batch if one capture is invalid, naming it.
func (s *Store) AddCaptures(ctx context.Context, caps []Capture) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range caps {
		if err := caps[i].validate(); err != nil {
			return fmt.Errorf("store: capture %d (%s): %w", i, caps[i].URL, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	for i := range caps {
		p := caps[i].crawlDate()
		s.captures.buffer(p).add(caps[i].row())
	}
	s.buffered += len(caps)
	return s.maybeSpill()
}

func (s *Store) maybeSpill() error {
	if s.buffered < s.opts.BufferRows {
		return nil
	}
	if s.staging == "" {
		s.staging = filepath.Join(s.opts.Root, ".staging-"+s.runID)
		if err := os.MkdirAll(s.staging, 0o755); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	for _, spill := range []func(string, *int) error{s.reports.spill, s.cells.spill, s.checks.spill, s.captures.spill} {
		if err := spill(s.staging, &s.spillSeq); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	s.buffered = 0
	hook("spilled")
	return nil
}

// Commit publishes everything added since Open or the last Commit.
func (s *Store) Commit(ctx context.Context) (Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Summary{}, errClosed
	}
	if s.broken != nil {
		return Summary{}, s.broken
	}
	drop, err := s.superseded(ctx)
	if err != nil {
		return Summary{}, err
	}
	parts := map[string]bool{}
	for _, p := range drop.parts {
		parts[p] = true
	}
	for _, ps := range [][]string{s.reports.partitions(), s.cells.partitions(), s.checks.partitions()} {
		for _, p := range ps {
			parts[p] = true
		}
	}
	reportParts := sortedKeys(parts)

	var j journal
	fail := func(err error) (Summary, error) {
		for _, r := range j.Renames {
			os.Remove(filepath.Join(s.opts.Root, r[0]))
		}
		return Summary{}, err
	}
	keepOld := func(id string) bool { _, gone := drop.ids[id]; return !gone }
	keepNew := func(id string) bool { _, ok := s.live[id]; return ok }

	sum := s.sum
	sum.Replaced, sum.Rewritten = drop.replaced, drop.rewritten
	if _, err := commitTable(ctx, s, s.reports, reportParts, keepOld, keepNew, &j, &sum, func(*reportRow) {
		sum.Reports++
	}); err != nil {
		return fail(err)
	}
	if _, err := commitTable(ctx, s, s.cells, reportParts, keepOld, keepNew, &j, &sum, func(r *cellRow) {
		sum.Cells++
		if r.Value == nil {
			sum.NullCells++
		}
	}); err != nil {
		return fail(err)
	}
	if _, err := commitTable(ctx, s, s.checks, reportParts, keepOld, keepNew, &j, &sum, func(r *checkRow) {
		sum.Checks++
		if r.Passed != nil && !*r.Passed {
			sum.FailedChecks++
		}
	}); err != nil {
		return fail(err)
	}
	captureParts := s.captures.partitions()
	slices.Sort(captureParts)
	n, err := commitTable(ctx, s, s.captures, captureParts, nil, nil, &j, &sum, nil)
	if err != nil {
		return fail(err)
	}
	sum.Captures = int(n)
	if err := ctx.Err(); err != nil {
		return fail(err) // last moment to give up without publishing
	}
	if err := s.publish(&j); err != nil {
		// The journal may be on disk: the next Open completes the publish.
		// Another commit from this Store could overwrite it, so refuse.
		s.broken = fmt.Errorf("store: publish failed (the next Open completes it): %w", err)
		return Summary{}, s.broken
	}
	s.resetRun()
	s.log.Info("committed", zap.Int("reports", sum.Reports), zap.Int("cells", sum.Cells),
		zap.Int("checks", sum.Checks), zap.Int("captures", sum.Captures), zap.Int("files", sum.Files))
	return sum, nil
}

// commitTable writes the new file of every partition in parts: the rows of
// the current file that keepOld accepts, merged with this run's rows that
// keepNew accepts. It calls onNew for each row of this run that is written
// (unless the table dedupes) and returns how many such rows were written.
func commitTable[T, M any](ctx context.Context, s *Store, t *table[T, M], parts []string, keepOld, keepNew func(string) bool, j *journal, sum *Summary, onNew func(*T)) (int64, error) {
	spills, err := t.openSpills()
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	defer spills.close()
	buf := newFileBuffers[T](s.writerOptions(t.name, t.sorting))
	var written int64
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		var srcs []source[T]
		closeAll := func() {
			for _, src := range srcs {
				src.close()
			}
		}
		// This run's rows come first (newest spill first) so that on equal
		// keys, which only captures dedupe, the newest copy wins.
		keepRun := func(r *T) bool {
			if t.id != nil && !keepNew(t.id(r)) {
				return false
			}
			if onNew != nil && !t.dedupe {
				onNew(r)
			}
			return true
		}
		if rows := t.mem[p]; rows != nil && rows.len() > 0 {
			srcs = append(srcs, &sliceSource[T, M]{rows: rows, order: t.order(rows), toRow: t.toRow, keep: keepRun})
		}
		runs := t.runs[p]
		for i := len(runs) - 1; i >= 0; i-- {
			if t.bin != nil {
				srcs = append(srcs, newBinSource(spills.files[runs[i].file], runs[i], t.bin, t.toRow, keepRun))
				continue
			}
			rg := spills.parquet[runs[i].file].RowGroups()[runs[i].rowGroup]
			srcs = append(srcs, rowGroupSource(rg, keepRun))
		}
		nRun := len(srcs)
		final := filepath.Join(t.name, filepath.FromSlash(p), fileName)
		finalAbs := filepath.Join(s.opts.Root, final)
		existed := false
		if _, err := os.Stat(finalAbs); err == nil {
			existed = true
			var keep func(*T) bool
			if t.id != nil {
				keep = func(r *T) bool { return keepOld(t.id(r)) }
			}
			src, err := openSource[T](finalAbs, keep)
			if err != nil {
				closeAll()
				return 0, fmt.Errorf("store: read current %s: %w", final, err)
			}
			srcs = append(srcs, src)
		}
		dir := filepath.Dir(finalAbs)
		tmp, n, counts, err := writeFile(ctx, dir, ".part-0."+s.runID+".parquet.tmp", t.cmp, t.dedupe, srcs, buf)
		closeAll()
		if err != nil {
			return 0, fmt.Errorf("store: write %s: %w", final, err)
		}
		for _, c := range counts[:nRun] {
			written += c
		}
		if tmp == "" {
			if existed {
				j.Deletes = append(j.Deletes, final)
				sum.Removed++
			}
			continue
		}
		rel, _ := filepath.Rel(s.opts.Root, tmp)
		j.Renames = append(j.Renames, [2]string{rel, final})
		sum.Files++
		if st, err := os.Stat(tmp); err == nil {
			sum.Bytes += st.Size()
		}
		s.log.Debug("wrote partition", zap.String("file", final), zap.Int64("rows", n))
		hook("merged")
	}
	return written, nil
}

func (s *Store) writerOptions(dataset string, sorting []parquet.SortingColumn) []parquet.WriterOption {
	return []parquet.WriterOption{
		// zstd at its default level. Its fastest level saves about 4% of
		// a commit's CPU time but writes 8% more bytes a cell on large
		// partitions (2.079 against 1.923 on BenchmarkWrite10k; the same
		// on the small partitions of BenchmarkWrite): the files are
		// written once and read many times. Every reader we target
		// decodes zstd.
		parquet.Compression(&parquet.Zstd),
		// Page headers would repeat the min/max that the page index (column
		// index) already holds; computing them costs a second pass over
		// every page. Readers use the page index and the row-group
		// statistics, which stay.
		parquet.DataPageStatistics(false),
		parquet.MaxRowsPerRowGroup(int64(s.opts.RowGroupRows)),
		parquet.CreatedBy("nianbao", s.opts.ExtractorVersion, ""),
		parquet.KeyValueMetadata("schema_version", SchemaVersion),
		parquet.KeyValueMetadata("extractor_version", s.opts.ExtractorVersion),
		parquet.KeyValueMetadata("dataset", dataset),
		// Declares the order the rows are already in (merge output), so
		// engines can skip a sort.
		parquet.SortingWriterConfig(parquet.SortingColumns(sorting...)),
	}
}

// dropped are the stored reports a commit replaces.
type dropped struct {
	ids                 map[string]struct{}
	parts               []string // partitions holding them
	replaced, rewritten int      // see Summary
}

// superseded finds the stored reports this run replaces: every report whose
// source or ID this run added, in whatever partition it sits.
func (s *Store) superseded(ctx context.Context) (dropped, error) {
	d := dropped{ids: map[string]struct{}{}}
	base := filepath.Join(s.opts.Root, Reports)
	files, err := filepath.Glob(filepath.Join(base, "year=*", "province=*", fileName))
	if err != nil {
		return d, err
	}
	// Only two columns are read: the reports files are one row per report
	// and this stays cheap for 100,000s of reports.
	type key struct {
		ReportID string `parquet:"report_id"`
		Source   string `parquet:"source"`
	}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return d, err
		}
		src, err := openSource[key](path, nil)
		if err != nil {
			return d, fmt.Errorf("store: read current %s: %w", path, err)
		}
		hit := false
		for {
			r, err := src.next()
			if err != nil {
				src.close()
				return d, fmt.Errorf("store: read current %s: %w", path, err)
			}
			if r == nil {
				break
			}
			_, same := s.live[r.ReportID]
			_, resourced := s.bySource[r.Source]
			if !same && !resourced {
				continue
			}
			d.ids[r.ReportID] = struct{}{}
			hit = true
			if same {
				d.rewritten++
			} else {
				d.replaced++
			}
		}
		src.close()
		if hit {
			rel, _ := filepath.Rel(base, filepath.Dir(path))
			d.parts = append(d.parts, filepath.ToSlash(rel))
		}
	}
	return d, nil
}

// resetRun forgets the committed run.
func (s *Store) resetRun() {
	for _, t := range []interface{ reset() }{s.reports, s.cells, s.checks, s.captures} {
		t.reset()
	}
	s.removeStaging()
	s.spillSeq, s.buffered = 0, 0
	s.seen, s.live, s.bySource = map[string]struct{}{}, map[string]struct{}{}, map[string]string{}
	s.metas = nil
	s.sum = Summary{}
}

func (s *Store) removeStaging() {
	if s.staging != "" {
		os.RemoveAll(s.staging)
		s.staging = ""
	}
}

// Close discards anything not committed and releases Root.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if len(s.seen) > 0 || s.buffered > 0 || s.spillSeq > 0 {
		s.log.Warn("closing with uncommitted rows; they are discarded", zap.Int("reports", len(s.live)))
	}
	s.removeStaging()
	s.unlock()
	return nil
}

func sortedKeys(m map[string]bool) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// hook lets tests stop the process at a named point of a commit.
var testHook func(stage string)

func hook(stage string) {
	if testHook != nil {
		testHook(stage)
	}
}
