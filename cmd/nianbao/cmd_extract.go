package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/store"
)

// maxArchivedBody bounds a decoded archived body; the crawler's own cap on
// attachments is lower, so this only guards against a hostile gzip stream.
const maxArchivedBody = 256 << 20

func runExtract(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "extract", "--out DIR [--archive DIR] [FILE|DIR...]")
	out := fs.String("out", "", "output root of the Parquet datasets (required)")
	archive := fs.String("archive", "", "re-extract every report archived in this WARC directory (no network)")
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "reports extracted in parallel")
	var lf logFlags
	lf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return usageError("--out is required")
	}
	if *archive == "" && fs.NArg() == 0 {
		fs.Usage()
		return usageError("give report files or directories, or --archive DIR")
	}
	if *jobs < 1 {
		return usageError("--jobs must be at least 1")
	}
	log, err := lf.logger(e)
	if err != nil {
		return err
	}
	defer log.Sync()

	ex, err := newExtractor(log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{Root: *out, ExtractorVersion: extract.Version, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()

	job := &extractJob{ex: ex, st: st, log: log, jobs: *jobs}
	if *archive != "" {
		err = job.fromArchive(ctx, e, *archive)
	}
	if err == nil && fs.NArg() > 0 {
		err = job.fromFiles(ctx, e, fs.Args())
	}
	if err != nil {
		return err
	}
	sum, err := st.Commit(ctx)
	if err != nil {
		return fmt.Errorf("commit datasets: %w", err)
	}
	job.printSummary(e.stdout, *out, sum)
	if job.unreadable > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("%d inputs unreadable (named above); the rest was written", job.unreadable)}
	}
	return nil
}

// extractJob extracts documents in parallel and adds them to one store run.
type extractJob struct {
	ex   *extract.Extractor
	st   *store.Store
	log  *zap.Logger
	jobs int

	mu              sync.Mutex
	statuses        map[extract.Status]int
	failingByPortal map[string]int // reports whose hard checks failed
	unreadable      int            // input files that could not be read: the command fails
	// unreadableArchived counts archived captures that could not be read
	// (a body cut before anything readable, an encrypted PDF): reported only.
	unreadableArchived int
	problems           []string
}

type extractItem struct {
	src    extract.Source
	data   []byte
	origin store.Origin
	portal string
	// truncated says why the bytes are incomplete ("" when they are whole):
	// the report is read as far as it goes and marked partial.
	truncated string
	// archived items are the crawl's: one that cannot be read is reported,
	// but it is not the operator's error and does not fail the command.
	archived bool
	err      error // the item could not be loaded
}

// run feeds items from produce through the extractor into the store.
func (j *extractJob) run(ctx context.Context, prog *progress, produce func(ctx context.Context, items chan<- extractItem) error) error {
	g, ctx := errgroup.WithContext(ctx)
	items := make(chan extractItem, j.jobs)
	g.Go(func() error {
		defer close(items)
		return produce(ctx, items)
	})
	for i := 0; i < j.jobs; i++ {
		g.Go(func() error {
			for it := range items {
				if err := j.one(ctx, it); err != nil {
					return err
				}
				prog.Add(1)
			}
			return nil
		})
	}
	err := g.Wait()
	prog.Done()
	return err
}

func (j *extractJob) one(ctx context.Context, it extractItem) error {
	var rep *extract.Report
	err := it.err
	if err == nil {
		rep, err = j.ex.Parse(ctx, it.src, it.data)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		j.mu.Lock()
		if it.archived {
			j.unreadableArchived++
		} else {
			j.unreadable++
		}
		j.problems = append(j.problems, fmt.Sprintf("%s: %v", it.src.Name, err))
		j.mu.Unlock()
		j.log.Warn("unreadable input", zap.String("source", it.src.Name), zap.Error(err))
		return nil
	}
	if it.truncated != "" {
		rep.MarkTruncated(it.truncated)
	}
	j.mu.Lock()
	if j.statuses == nil {
		j.statuses = map[extract.Status]int{}
	}
	j.statuses[rep.Status]++
	if rep.Status == extract.StatusFailedChecks {
		if j.failingByPortal == nil {
			j.failingByPortal = map[string]int{}
		}
		j.failingByPortal[it.portal]++
	}
	j.mu.Unlock()
	if rep.Status == extract.StatusNotAReport {
		j.log.Debug("not a report", zap.String("source", it.src.Name))
		return nil
	}
	if err := j.st.Add(ctx, rep, it.origin); err != nil {
		return fmt.Errorf("store %s: %w", it.src.Name, err)
	}
	return nil
}

// fromFiles extracts every regular file under the given paths. Hidden
// files and directories are skipped; everything else is sniffed.
func (j *extractJob) fromFiles(ctx context.Context, e *env, paths []string) error {
	var files []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("list inputs: %w", err)
		}
	}
	sort.Strings(files)
	prog := newProgress(e, "extract", len(files))
	return j.run(ctx, prog, func(ctx context.Context, items chan<- extractItem) error {
		for _, f := range files {
			data, err := os.ReadFile(f)
			select {
			case items <- extractItem{src: extract.Source{Name: f}, data: data, err: err}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
}

// fromArchive re-extracts every report page and attachment in a WARC
// archive directory, reading nothing but the archive.
func (j *extractJob) fromArchive(ctx context.Context, e *env, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return usageError("--archive: %v", err)
	}
	prog := newProgress(e, "extract", 0)
	return j.run(ctx, prog, func(ctx context.Context, items chan<- extractItem) error {
		return crawler.WalkArchive(ctx, dir, maxArchivedBody, func(a *crawler.Archived, err error) error {
			it := archivedItem(a, err)
			select {
			case items <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	})
}

// archivedItem turns an archived response into an extraction input.
func archivedItem(a *crawler.Archived, err error) extractItem {
	if a == nil {
		return extractItem{src: extract.Source{Name: "archive"}, err: err, archived: true}
	}
	it := extractItem{
		src:      extract.Source{Name: a.URL, ContentType: a.ContentType},
		data:     a.Body,
		origin:   store.Origin{FetchedAt: a.FetchedAt, WARCFile: a.WARCFile, Offset: a.Offset, Length: a.Length},
		archived: true,
		err:      err,
	}
	if a.Truncated {
		it.truncated = "the crawler's size cap cut the body (WARC-Truncated)"
	}
	if err != nil && len(a.Body) > 0 {
		// A content coding that breaks off (a gzip stream cut short), or a
		// body past the decoding limit, still decoded this far: read it, and
		// say it is incomplete.
		it.err, it.truncated = nil, err.Error()
	}
	return it
}

func (j *extractJob) printSummary(w io.Writer, out string, sum store.Summary) {
	fmt.Fprintf(w, "Extracted into %s\n", out)
	var sts []string
	for s, n := range j.statuses {
		sts = append(sts, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(sts)
	fmt.Fprintf(w, "  inputs        %d read, %d unreadable\n", total(j.statuses), j.unreadable+j.unreadableArchived)
	if len(sts) > 0 {
		fmt.Fprintf(w, "  by status     %s\n", strings.Join(sts, ", "))
	}
	fmt.Fprintf(w, "  reports       %d written (%d replaced, %d rewritten, %d duplicates skipped)\n", sum.Reports, sum.Replaced, sum.Rewritten, sum.Duplicates)
	fmt.Fprintf(w, "  cells         %d (%d NULL)\n", sum.Cells, sum.NullCells)
	fmt.Fprintf(w, "  checks        %d (%d failed)\n", sum.Checks, sum.FailedChecks)
	fmt.Fprintf(w, "  files         %d written, %d removed, %s\n", sum.Files, sum.Removed, humanBytes(sum.Bytes))
	for i, p := range j.problems {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more unreadable inputs (see the log)\n", len(j.problems)-10)
			break
		}
		fmt.Fprintf(w, "  unreadable    %s\n", p)
	}
}

func total(m map[extract.Status]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
