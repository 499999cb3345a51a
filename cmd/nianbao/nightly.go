package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/store"
)

// nightly is the whole job: crawl → archive → extract what is new or
// changed → update the Parquet datasets → write the run summary.
type nightly struct {
	env                *env
	log                *zap.Logger
	cfg                *configs.File
	dataDir            string
	shard              crawler.Shard
	includeUnreachable bool
	dial               crawler.DialFunc // tests and the demo route hosts to loopback
}

// runResult is the run summary, written to DATA/runs/<timestamp>.json.
type runResult struct {
	Started    time.Time      `json:"started"`
	Finished   time.Time      `json:"finished"`
	Seconds    float64        `json:"seconds"`
	Config     string         `json:"config"`
	Shard      string         `json:"shard,omitempty"`
	Portals    []portalResult `json:"portals"`
	Totals     portalResult   `json:"totals"`
	Extraction *extractResult `json:"extraction,omitempty"`
	Missing    []missingTool  `json:"missing_tools,omitempty"`
	Error      string         `json:"error,omitempty"`
	unreach    int
}

type portalResult struct {
	Name          string `json:"name"`
	Pages         int    `json:"pages"`
	ReportsFound  int    `json:"reports_found"`
	NewOrChanged  int    `json:"new_or_changed"`
	ChecksFailed  int    `json:"reports_failing_checks"`
	Challenges    int    `json:"challenges"`
	RobotsBlocked int    `json:"robots_blocked"`
	Failures      int    `json:"failures"`
	Unreachable   bool   `json:"unreachable,omitempty"`
	BackingOff    bool   `json:"backing_off_after_challenge,omitempty"`
}

type extractResult struct {
	Extracted  int            `json:"extracted"`
	Unreadable int            `json:"unreadable"`
	ByStatus   map[string]int `json:"by_status"`
	Cells      int            `json:"cells"`
	NullCells  int            `json:"null_cells"`
	Checks     int            `json:"checks"`
	Failed     int            `json:"failed_checks"`
	Captures   int            `json:"captures"`
}

// run crawls and, when extract is set, extracts the changed captures.
func (n *nightly) run(ctx context.Context, extractToo bool) (*runResult, error) {
	res := &runResult{Started: time.Now().UTC(), Config: n.cfg.Path()}
	if n.shard.Count > 1 {
		res.Shard = fmt.Sprintf("%d/%d", n.shard.Index, n.shard.Count)
	}
	if err := os.MkdirAll(n.dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	unlock, err := lockDir(n.dataDir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	prog := newProgress(n.env, "crawl", 0)
	cr, err := crawler.New(crawler.Options{
		Config: n.cfg, DataDir: n.dataDir, Shard: n.shard, IncludeUnreachable: n.includeUnreachable,
		Logger: n.log, Dial: n.dial,
		Progress: func(p crawler.Progress) {
			prog.Status(fmt.Sprintf("%d fetched, %d archived, %d in flight, %d hosts left, %d failed, %d challenges",
				p.Fetches, p.Archived, p.InFlight, p.Hosts, p.Failures, p.Challenges))
		},
	})
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	sum, err := cr.Run(ctx)
	prog.Done()
	if err != nil {
		return nil, fmt.Errorf("crawl: %w", err)
	}
	res.addCrawl(n.cfg, sum)

	st, err := store.Open(ctx, store.Options{Root: filepath.Join(n.dataDir, "parquet"), ExtractorVersion: extract.Version, Logger: n.log})
	if err != nil {
		return res, err
	}
	defer st.Close()
	if err := st.AddCaptures(ctx, storeCaptures(sum.Captures)); err != nil {
		return res, err
	}
	var job *extractJob
	if extractToo {
		ex, err := newExtractor(n.log)
		if err != nil {
			return res, err
		}
		job = &extractJob{ex: ex, st: st, log: n.log, jobs: 2}
		failing, err := n.extractChanged(ctx, job, sum.Captures)
		if err != nil {
			return res, err
		}
		for i := range res.Portals {
			res.Portals[i].ChecksFailed = failing[res.Portals[i].Name]
			res.Totals.ChecksFailed += failing[res.Portals[i].Name]
		}
	}
	ssum, err := st.Commit(ctx)
	if err != nil {
		return res, fmt.Errorf("commit datasets: %w", err)
	}
	if job != nil {
		res.Extraction = &extractResult{
			Unreadable: job.unreadable + job.unreadableArchived, ByStatus: map[string]int{},
			Cells: ssum.Cells, NullCells: ssum.NullCells, Checks: ssum.Checks, Failed: ssum.FailedChecks,
		}
		for s, k := range job.statuses {
			res.Extraction.ByStatus[string(s)] = k
			res.Extraction.Extracted += k
		}
	}
	res.Missing = missingTools()
	res.Finished = time.Now().UTC()
	res.Seconds = res.Finished.Sub(res.Started).Seconds()
	if err := res.save(n.dataDir); err != nil {
		return res, err
	}
	return res, nil
}

// extractChanged extracts the new or changed report pages and attachments
// of this crawl from the archive, and counts per portal the reports whose
// hard checks failed.
func (n *nightly) extractChanged(ctx context.Context, job *extractJob, caps []crawler.Capture) (map[string]int, error) {
	var todo []crawler.Capture
	for _, c := range caps {
		if c.Changed && (c.Kind == crawler.KindReport || c.Kind == crawler.KindAttachment) && c.WARCFile != "" {
			todo = append(todo, c)
		}
	}
	failing := map[string]int{}
	archiveDir := filepath.Join(n.dataDir, "archive")
	prog := newProgress(n.env, "extract", len(todo))
	err := job.run(ctx, prog, func(ctx context.Context, items chan<- extractItem) error {
		for _, c := range todo {
			a, err := crawler.LoadArchived(archiveDir, c.WARCFile, c.WARCOffset, maxArchivedBody)
			if a != nil {
				a.Portal, a.Kind = c.Portal, c.Kind
			}
			it := archivedItem(a, err)
			it.portal = c.Portal
			select {
			case items <- it:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for portal, k := range job.failingByPortal {
		failing[portal] = k
	}
	return failing, err
}

func storeCaptures(caps []crawler.Capture) []store.Capture {
	out := make([]store.Capture, 0, len(caps))
	for _, c := range caps {
		out = append(out, store.Capture{
			URL: c.URL, Host: c.Host, FetchedAt: c.FetchedAt, HTTPStatus: c.HTTPStatus, MIME: c.MIME,
			ContentDigest: c.PayloadDigest, WARCFilename: c.WARCFile, WARCRecordOffset: c.WARCOffset, WARCRecordLength: c.WARCLength,
			FetchStatus: store.FetchStatus(c.FetchStatus), Portal: c.Portal, Kind: store.CaptureKind(c.Kind),
			Truncated: c.FetchStatus == crawler.StatusTruncated, Error: c.Error,
		})
	}
	return out
}

func (r *runResult) addCrawl(cfg *configs.File, sum *crawler.Summary) {
	reachable := map[string]bool{}
	for _, p := range cfg.Portals {
		reachable[p.Name] = p.IsReachable()
	}
	for _, p := range sum.Portals {
		pr := portalResult{
			Name: p.Name, Pages: p.Pages, ReportsFound: p.ReportsFound, NewOrChanged: p.NewOrChanged,
			Challenges: p.Challenges, RobotsBlocked: p.RobotsBlocked, Failures: p.Failures, Unreachable: p.Unreachable,
			BackingOff: p.BackingOff,
		}
		r.Portals = append(r.Portals, pr)
		r.Totals.Pages += pr.Pages
		r.Totals.ReportsFound += pr.ReportsFound
		r.Totals.NewOrChanged += pr.NewOrChanged
		r.Totals.Challenges += pr.Challenges
		r.Totals.RobotsBlocked += pr.RobotsBlocked
		r.Totals.Failures += pr.Failures
		// A portal skipped because the configuration says it is unreachable
		// is not a failure of this run.
		if p.Unreachable && reachable[p.Name] {
			r.unreach++
		}
	}
	sort.Slice(r.Portals, func(i, j int) bool { return r.Portals[i].Name < r.Portals[j].Name })
	r.Totals.Name = "total"
}

func (r *runResult) save(dataDir string) error {
	dir := filepath.Join(dataDir, "runs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	name := filepath.Join(dir, r.Started.Format("20060102T150405Z")+".json")
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// print writes the short human table of the run.
func (r *runResult) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "portal\tpages\treports\tnew/changed\tchecks failed\tchallenges\trobots blocked\tfailures\t")
	row := func(p portalResult) {
		name := p.Name
		switch {
		case p.Unreachable:
			name += " (unreachable)"
		case p.BackingOff && p.Challenges == 0:
			name += " (backing off after a challenge)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, p.Pages, p.ReportsFound, p.NewOrChanged, p.ChecksFailed, p.Challenges, p.RobotsBlocked, p.Failures)
	}
	for _, p := range r.Portals {
		row(p)
	}
	row(r.Totals)
	tw.Flush()
	if x := r.Extraction; x != nil {
		var st []string
		for s, k := range x.ByStatus {
			st = append(st, fmt.Sprintf("%s %d", s, k))
		}
		sort.Strings(st)
		fmt.Fprintf(w, "extracted %d documents (%v), %d unreadable; %d cells (%d NULL), %d checks (%d failed)\n",
			x.Extracted, st, x.Unreadable, x.Cells, x.NullCells, x.Checks, x.Failed)
	}
	for _, m := range r.Missing {
		fmt.Fprintf(w, "missing tool: %s (%s): %s\n", m.Tool, m.Package, m.Skipped)
	}
	fmt.Fprintf(w, "finished in %s\n", time.Duration(r.Seconds*float64(time.Second)).Round(time.Millisecond))
}

// exitErr maps the outcome to the documented exit codes.
func (r *runResult) exitErr() error {
	if r.unreach > 0 {
		return &exitError{code: exitUnreachable, err: fmt.Errorf("%d portals unreachable", r.unreach)}
	}
	return nil
}

// lockDir takes an exclusive lock on the data directory for the life of
// the run. The lock is the kernel's, so a killed run leaves nothing to
// clean up: it can simply be started again.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", dir, errLocked)
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	return func() { f.Close() }, nil
}
