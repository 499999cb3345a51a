package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
	"go.uber.org/zap"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/state"
	"github.com/nianbao/nianbao/crawler/warc"
)

// hostWindow is how many queued targets of one host are held in memory.
const hostWindow = 16

// Crawler runs crawls. Build it with New; Run may be called again for the
// next night.
type Crawler struct {
	opts      Options
	cfg       *configs.File
	log       *zap.Logger
	now       func() time.Time
	agent     string
	transport *captureTransport
	colly     *colly.Collector
	client    *http.Client
	portals   []*portalRun
	byName    map[string]*portalRun
}

// portalRun is a portal's configuration and its tallies in one Run.
type portalRun struct {
	cfg      configs.Portal
	pol      configs.Politeness
	allowed  map[string]bool
	active   bool
	skipped  bool // reachable: false
	fetches  int  // budget check: limits.max_pages_per_portal
	answered bool // some request got an HTTP answer
	// challenged: a host of the portal is backing off after an anti-bot
	// challenge. Not reaching it is our choice, not the portal being down.
	challenged bool
	errors     []string
	errorSeen  map[string]bool
}

func (p *portalRun) addError(msg string) {
	if p.errorSeen[msg] {
		return
	}
	p.errorSeen[msg] = true
	p.errors = append(p.errors, msg)
}

// New checks opts and prepares a Crawler. Nothing is opened until Run.
func New(opts Options) (*Crawler, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cfg := opts.Config
	c := &Crawler{opts: opts, cfg: cfg, log: opts.Logger, now: opts.Now, agent: robotsAgent(cfg.UserAgent), byName: map[string]*portalRun{}}
	l := cfg.Limits
	c.transport = newCaptureTransport(opts.Dial, l.ConnectTimeout.D(), l.HeaderTimeout.D(), l.BodyTimeout.D(), opts.Now)

	// colly issues page requests through our transport. Everything colly
	// would decide on its own is switched off: robots (ours caches and
	// retries), the visited set (our state decides), cookies (a challenge
	// cookie must never be replayed), redirects (followed one hop at a
	// time by the scheduler), and its error handling of 4xx/5xx (we
	// classify). Its body cap is set one byte over ours so that a cut body
	// is seen, not silently truncated.
	col := colly.NewCollector(colly.AllowURLRevisit(), colly.IgnoreRobotsTxt(), colly.ParseHTTPErrorResponse(), colly.UserAgent(cfg.UserAgent))
	col.WithTransport(c.transport)
	col.DisableCookies()
	col.SetRedirectHandler(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse })
	col.SetRequestTimeout(0) // connect, header and body deadlines are the transport's
	col.MaxBodySize = int(l.PageMaxBytes + 1)
	c.colly = col
	// Attachments bypass colly: they are streamed to a spool file, never
	// held in memory.
	c.client = &http.Client{Transport: c.transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for _, p := range cfg.Portals {
		pr := &portalRun{cfg: p, pol: cfg.EffectivePoliteness(p), allowed: map[string]bool{}, errorSeen: map[string]bool{}}
		for _, h := range p.AllowedHosts {
			pr.allowed[strings.ToLower(h)] = true
		}
		for _, s := range p.StartURLs {
			if u, err := url.Parse(s); err == nil {
				pr.allowed[strings.ToLower(u.Host)] = true
			}
		}
		pr.skipped = !p.IsReachable() && !opts.IncludeUnreachable
		pr.active = !pr.skipped && opts.Shard.Owns(primaryHost(p))
		if !opts.Shard.Owns(primaryHost(p)) {
			continue // another shard reports it
		}
		c.portals = append(c.portals, pr)
		c.byName[p.Name] = pr
	}
	return c, nil
}

// primaryHost is the host that places a portal in a shard: the host of its
// first start URL. A portal's requests all go to the shard owning it, so
// links to other hosts are still followed.
func primaryHost(p configs.Portal) string {
	if len(p.StartURLs) == 0 {
		return ""
	}
	u, err := url.Parse(p.StartURLs[0])
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// run is the state of one Run call, owned by the scheduler goroutine
// except where noted.
type run struct {
	c       *Crawler
	ctx     context.Context
	store   *state.Store
	archive *warc.Writer
	runID   uint64
	tmpDir  string
	started time.Time

	hosts   map[string]*hostQ
	results chan outcome
	busy    int // requests in flight
	// finishing counts goroutines whose answer is complete and whose host
	// is free again, still archiving and committing.
	finishing int
	syncer    groupSync
	prog      Progress
}

// Run crawls every active portal once: a nightly pass, or the rest of an
// interrupted one. Cancelling ctx stops it soon, with state and archive
// consistent; the next Run resumes. The error is non-nil if the crawl
// could not proceed (disk, state), not for failures of single URLs.
func (c *Crawler) Run(ctx context.Context) (*Summary, error) {
	started := c.now()
	archiveDir := filepath.Join(c.opts.DataDir, "archive")
	stateDir := filepath.Join(c.opts.DataDir, "state")
	tmpDir := filepath.Join(c.opts.DataDir, "tmp")
	for _, d := range []string{archiveDir, stateDir, tmpDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("crawler: %w", err)
		}
	}
	// Spool files of a killed process are garbage.
	if old, _ := filepath.Glob(filepath.Join(tmpDir, "*")); len(old) > 0 {
		for _, f := range old {
			os.Remove(f)
		}
	}
	store, err := state.Open(filepath.Join(stateDir, "crawl.db"), state.Options{NoSync: c.opts.NoSync})
	if err != nil {
		return nil, fmt.Errorf("crawler: %w", err)
	}
	defer store.Close()
	// The state is locked: no other process writes this archive now, so
	// .open files are leftovers of a killed one.
	recovered, err := recoverOpenFiles(archiveDir, c.log)
	if err != nil {
		return nil, fmt.Errorf("crawler: %w", err)
	}
	prefix := "nianbao"
	if c.opts.Shard.Count > 1 {
		prefix = fmt.Sprintf("nianbao-shard%02d", c.opts.Shard.Index)
	}
	w, err := warc.NewWriter(warc.WriterOptions{Dir: archiveDir, Prefix: prefix, MaxFileBytes: c.cfg.Limits.WARCMaxBytes,
		Software: "nianbao crawler", Operator: c.cfg.UserAgent, Logger: c.log})
	if err != nil {
		return nil, fmt.Errorf("crawler: %w", err)
	}
	st, err := store.BeginRun(started)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("crawler: %w", err)
	}
	c.log.Info("crawl run", zap.Uint64("run", st.ID), zap.Bool("resumed", st.Resumed))
	for _, p := range c.portals {
		p.fetches, p.answered, p.challenged, p.errors, p.errorSeen = 0, false, false, nil, map[string]bool{}
	}

	r := &run{c: c, ctx: ctx, store: store, archive: w, runID: st.ID, tmpDir: tmpDir, started: started,
		hosts: map[string]*hostQ{}, results: make(chan outcome, c.cfg.Limits.GlobalConcurrency)}
	crawlErr := r.adopt(recovered)
	if crawlErr == nil {
		crawlErr = r.crawl()
	}
	if err := w.Close(); err != nil && crawlErr == nil {
		crawlErr = fmt.Errorf("crawler: %w", err)
	}
	finished := c.now()
	if crawlErr == nil && ctx.Err() == nil {
		if err := store.FinishRun(st.ID, finished); err != nil {
			crawlErr = fmt.Errorf("crawler: %w", err)
		}
	}
	sum, err := r.summary(st, finished)
	if err != nil && crawlErr == nil {
		crawlErr = err
	}
	if crawlErr == nil {
		crawlErr = ctx.Err()
	}
	return sum, crawlErr
}

// crawl seeds the frontier and runs the scheduler until no host has work
// it may do in this run.
func (r *run) crawl() error {
	c := r.c
	var seeds []state.Record
	for _, p := range c.portals {
		if !p.active {
			continue
		}
		for _, s := range p.cfg.StartURLs {
			u, err := url.Parse(s)
			if err != nil {
				continue // Validate rejected it already
			}
			seeds = append(seeds, state.Record{URL: u.String(), Host: strings.ToLower(u.Host), Portal: p.cfg.Name, Kind: KindList})
		}
	}
	if _, err := r.store.Enqueue(r.runID, seeds); err != nil {
		return fmt.Errorf("crawler: seed: %w", err)
	}
	hosts, err := r.store.Hosts()
	if err != nil {
		return fmt.Errorf("crawler: %w", err)
	}
	for _, h := range hosts {
		if _, err := r.host(h); err != nil {
			return err
		}
	}
	return r.schedule()
}

// host returns the queue of host, creating it (and reading what earlier
// runs remembered about it) on first use.
func (r *run) host(name string) (*hostQ, error) {
	if h, ok := r.hosts[name]; ok {
		return h, nil
	}
	h := &hostQ{name: name}
	mem, err := r.store.GetHost(name)
	if err != nil {
		return nil, fmt.Errorf("crawler: %w", err)
	}
	if now := r.c.now(); now.Before(mem.ChallengedUntil) {
		h.park(fmt.Sprintf("host %s answered with an anti-bot challenge (%s); left alone until %s", name, mem.Reason, mem.ChallengedUntil.UTC().Format(time.RFC3339)))
		h.challenged = true
		r.reportHost(h)
	}
	r.hosts[name] = h
	return h, nil
}

// backoff is the pause before retry number attempt (1-based): exponential
// from base, capped, with jitter in [d/2, d) so that hosts failing
// together do not retry together.
func backoff(pol configs.Politeness, attempt int) time.Duration {
	d := pol.BackoffBase.D()
	for i := 1; i < attempt && d < pol.BackoffMax.D(); i++ {
		d *= 2
	}
	d = min(d, pol.BackoffMax.D())
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads a Retry-After value, seconds or HTTP-date; ok is
// false when absent or unreadable. Absurd values are clipped to a day (the
// caller caps them at backoff_max anyway) so they cannot overflow.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	const day = 24 * time.Hour
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if allDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(day/time.Second) {
			return day, true // too many digits to parse is still a number
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), day), true
	}
	return 0, false
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// summary builds the run's summary from the capture log on disk, so that
// it also covers an interrupted earlier process of the same run.
func (r *run) summary(st state.Run, finished time.Time) (*Summary, error) {
	sum := &Summary{Started: st.Started, Finished: finished, Run: st.ID, Resumed: st.Resumed}
	if sum.Started.IsZero() {
		sum.Started = r.started
	}
	byName := map[string]*PortalSummary{}
	for _, p := range r.c.portals {
		ps := PortalSummary{Name: p.cfg.Name, Unreachable: p.skipped, BackingOff: p.challenged, Errors: p.errors}
		sum.Portals = append(sum.Portals, ps)
	}
	for i := range sum.Portals {
		byName[sum.Portals[i].Name] = &sum.Portals[i]
	}
	answered := map[string]bool{}
	err := r.store.Captures(r.runID, func(b []byte) error {
		var cp Capture
		if err := json.Unmarshal(b, &cp); err != nil {
			return fmt.Errorf("crawler: decode capture: %w", err)
		}
		if !r.c.opts.skipCaptureList {
			sum.Captures = append(sum.Captures, cp)
		}
		ps := byName[cp.Portal]
		if ps == nil {
			return nil
		}
		if cp.HTTPStatus != 0 {
			ps.Pages++
			answered[cp.Portal] = true
		}
		switch cp.FetchStatus {
		case StatusFailed:
			ps.Failures++
		case StatusChallenge:
			ps.Challenges++
		case StatusRobotsDisallowed:
			ps.RobotsBlocked++
		}
		if (cp.Kind == KindReport || cp.Kind == KindAttachment) && cp.HTTPStatus >= 200 && cp.HTTPStatus < 400 && cp.FetchStatus != StatusChallenge {
			ps.ReportsFound++
			if cp.Changed {
				ps.NewOrChanged++
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	for i := range sum.Portals {
		ps := &sum.Portals[i]
		p := r.c.byName[ps.Name]
		if p.active && !answered[ps.Name] && !p.challenged && (ps.Failures > 0 || len(ps.Errors) > 0) {
			ps.Unreachable = true
		}
	}
	sort.SliceStable(sum.Captures, func(i, j int) bool { return sum.Captures[i].FetchedAt.Before(sum.Captures[j].FetchedAt) })
	return sum, nil
}

func heapInuse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
