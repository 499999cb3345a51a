package crawler

import (
	"fmt"
	"net/url"
	"time"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/state"
)

// hostQ is one host's queue and politeness clock. Only the scheduler
// goroutine touches it.
type hostQ struct {
	name   string
	scheme string // of the first target seen, for robots.txt
	pol    configs.Politeness
	polSet bool

	buf       []state.Record // window of the disk queue
	lastSeq   uint64         // highest queue position read into buf
	exhausted bool           // nothing on disk after lastSeq, as far as we know
	retries   []retryItem
	inFlight  int
	// nextAllowed is when the next request to the host may start: the end
	// of the last one plus the adaptive delay, or a server's Retry-After.
	nextAllowed time.Time
	delay       time.Duration

	robots          robotsState
	rules           *robotsRules
	robotsAttempts  int
	robotsNotBefore time.Time

	parked     bool
	parkReason string
	// challenged: parked because the host answered with an anti-bot
	// challenge (now or in an earlier run whose backoff is in force).
	challenged bool
}

type retryItem struct {
	rec       state.Record
	notBefore time.Time
}

func (h *hostQ) park(reason string) {
	h.parked, h.parkReason = true, reason
}

// idle reports that the host has nothing left to do in this run.
func (h *hostQ) idle() bool {
	return h.inFlight == 0 && (h.parked || (len(h.buf) == 0 && h.exhausted && len(h.retries) == 0))
}

// job is one request to make: a target or a host's robots.txt.
type job struct {
	host   *hostQ
	rec    state.Record
	portal *portalRun
	robots bool
	pol    configs.Politeness
	rules  *robotsRules
}

// schedule is the scheduler loop: it starts requests whenever a host may
// be asked again and a global slot is free, and sleeps until the next
// such moment or a result arrives. One goroutine per request in flight,
// at most limits.global_concurrency of them.
func (r *run) schedule() error {
	c := r.c
	limit := c.cfg.Limits.GlobalConcurrency
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var fatal error
	stopping := false
	lastProgress := time.Time{}
	for {
		var wake time.Time
		if !stopping {
			var err error
			wake, err = r.dispatch(limit)
			if err != nil {
				fatal, stopping = err, true
			}
		}
		if r.busy == 0 && r.finishing == 0 && (stopping || r.allIdle()) {
			break
		}
		if !stopping && r.busy == 0 && r.finishing == 0 && wake.IsZero() {
			break // nothing in flight and nothing will become ready
		}
		var tc <-chan time.Time
		if !stopping && !wake.IsZero() {
			d := max(wake.Sub(c.now()), time.Millisecond)
			timer.Reset(d)
			tc = timer.C
		}
		select {
		case o := <-r.results:
			if o.early {
				r.free(o)
				continue
			}
			if o.freed {
				r.finishing--
			} else {
				r.busy--
			}
			if err := r.handle(o); err != nil && fatal == nil {
				fatal, stopping = err, true
			}
			if c.opts.Progress != nil && (time.Since(lastProgress) > 100*time.Millisecond || r.busy == 0) {
				lastProgress = time.Now()
				r.report()
			}
		case <-tc:
		case <-r.ctx.Done():
			stopping = true
		}
		if tc != nil && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
	if c.opts.Progress != nil {
		r.report()
	}
	return fatal
}

func (r *run) report() {
	r.prog.Elapsed = r.c.now().Sub(r.started)
	r.prog.InFlight = r.busy
	n := 0
	for _, h := range r.hosts {
		if !h.idle() {
			n++
		}
	}
	r.prog.Hosts = n
	r.prog.HeapInuse = heapInuse()
	r.c.opts.Progress(r.prog)
}

func (r *run) allIdle() bool {
	for _, h := range r.hosts {
		if !h.idle() {
			return false
		}
	}
	return true
}

// dispatch starts every request that may start now and returns the
// earliest moment another one may (zero: none pending).
func (r *run) dispatch(limit int) (time.Time, error) {
	now := r.c.now()
	var wake time.Time
	later := func(t time.Time) {
		if wake.IsZero() || t.Before(wake) {
			wake = t
		}
	}
	for _, h := range r.hosts {
		// Archiving goroutines are bounded too (each may hold a page), loosely:
		// a slow disk sync must not stop the hosts.
		for r.busy < limit && r.busy+r.finishing < 4*limit && !h.parked {
			j, when, err := r.next(h, now)
			if err != nil {
				return wake, err
			}
			if j == nil {
				if !when.IsZero() {
					later(when)
				}
				break
			}
			r.start(j)
		}
		if r.busy >= limit || r.busy+r.finishing >= 4*limit {
			break
		}
	}
	return wake, nil
}

// next picks the host's next request, or says when to look again.
func (r *run) next(h *hostQ, now time.Time) (*job, time.Time, error) {
	max := 1
	if h.polSet {
		max = h.pol.MaxInFlightPerHost
	}
	if h.inFlight >= max || h.robots == robotsFetching {
		return nil, time.Time{}, nil // a result will wake us
	}
	if now.Before(h.nextAllowed) {
		if r.hasWork(h) {
			return nil, h.nextAllowed, nil
		}
		return nil, time.Time{}, nil
	}
	rec, ok, when, err := r.pick(h, now)
	if err != nil || !ok {
		return nil, when, err
	}
	if h.robots == robotsUnknown || (h.robots == robotsKnown && now.After(h.rules.expires)) {
		if now.Before(h.robotsNotBefore) {
			r.unpick(h, rec)
			return nil, h.robotsNotBefore, nil
		}
		r.unpick(h, rec)
		h.robots = robotsFetching
		return &job{host: h, robots: true, pol: h.pol}, time.Time{}, nil
	}
	return &job{host: h, rec: rec, portal: r.c.byName[rec.Portal], pol: h.pol, rules: h.rules}, time.Time{}, nil
}

func (r *run) hasWork(h *hostQ) bool {
	return len(h.buf) > 0 || !h.exhausted || len(h.retries) > 0
}

// pick takes the host's next target that may go now: a due retry first,
// then the queue. Targets that need no request (robots says no, the
// portal is inactive or out of budget) are settled here.
func (r *run) pick(h *hostQ, now time.Time) (state.Record, bool, time.Time, error) {
	var wake time.Time
	for i, it := range h.retries {
		if !now.Before(it.notBefore) {
			h.retries = append(h.retries[:i], h.retries[i+1:]...)
			return it.rec, true, time.Time{}, nil
		}
		if wake.IsZero() || it.notBefore.Before(wake) {
			wake = it.notBefore
		}
	}
	for {
		if len(h.buf) == 0 {
			if h.exhausted {
				return state.Record{}, false, wake, nil
			}
			recs, err := r.store.Queued(h.name, h.lastSeq, hostWindow)
			if err != nil {
				return state.Record{}, false, wake, fmt.Errorf("crawler: read queue: %w", err)
			}
			if len(recs) < hostWindow {
				h.exhausted = true
			}
			if len(recs) == 0 {
				return state.Record{}, false, wake, nil
			}
			h.lastSeq = recs[len(recs)-1].QueueSeq
			h.buf = recs
		}
		rec := h.buf[0]
		h.buf = h.buf[1:]
		p := r.c.byName[rec.Portal]
		if p == nil || !p.active {
			continue // stays queued for a run that crawls its portal
		}
		if !h.polSet {
			h.pol, h.polSet = p.pol, true
			h.delay = p.pol.DelayFloor.D()
		}
		if h.scheme == "" {
			if u, err := url.Parse(rec.URL); err == nil {
				h.scheme = u.Scheme
			}
		}
		if max := r.c.cfg.Limits.MaxPagesPerPortal; max > 0 && p.fetches >= max {
			p.addError(fmt.Sprintf("page budget of %d requests reached; the rest waits for the next run", max))
			continue
		}
		if rec.NextFetch.After(now) { // a retry planned by an earlier process
			h.retries = append(h.retries, retryItem{rec: rec, notBefore: rec.NextFetch})
			if wake.IsZero() || rec.NextFetch.Before(wake) {
				wake = rec.NextFetch
			}
			continue
		}
		if h.robots == robotsKnown && !now.After(h.rules.expires) {
			if u, err := url.Parse(rec.URL); err == nil && !h.rules.allowed(u) {
				r.settleDisallowed(h, rec, now)
				continue
			}
		}
		return rec, true, time.Time{}, nil
	}
}

// unpick puts a target back at the head of the window.
func (r *run) unpick(h *hostQ, rec state.Record) {
	h.buf = append([]state.Record{rec}, h.buf...)
}

// settleDisallowed records a target robots.txt forbids, without a
// request, in its own goroutine (the commit waits for a disk sync; the
// scheduler must not).
func (r *run) settleDisallowed(h *hostQ, rec state.Record, now time.Time) {
	rec.FetchStatus, rec.FetchedAt, rec.Error = StatusRobotsDisallowed, now, "disallowed by robots.txt"
	r.finishing++
	go func() {
		o := outcome{job: &job{host: h, rec: rec, pol: h.pol}, rec: rec, freed: true, disallowed: true}
		b, _ := jsonMarshal(captureOf(rec))
		if _, err := r.store.Apply(r.runID, state.Commit{Record: rec, Dequeue: true, Capture: b}); err != nil {
			o.fatal = fmt.Errorf("crawler: %w", err)
		}
		r.c.log.Info("robots disallow", zap.String("url", rec.URL))
		r.results <- o
	}()
}

// start runs j in its own goroutine; the outcome comes back on r.results.
func (r *run) start(j *job) {
	j.host.inFlight++
	r.busy++
	if j.portal != nil {
		j.portal.fetches++
	}
	go func() {
		r.results <- r.work(j)
	}()
}

// handle applies a request's outcome to its host: the politeness clock,
// robots rules, retries, challenge back-off, and hosts with new targets.
func (r *run) handle(o outcome) error {
	c := r.c
	j := o.job
	h := j.host
	if !o.freed {
		h.inFlight--
	}
	if o.fatal != nil {
		return o.fatal
	}
	if o.disallowed {
		return nil
	}
	now := c.now()
	r.prog.Fetches++
	if o.archived {
		r.prog.Archived++
	}
	if o.failed {
		r.prog.Failures++
	}
	if j.portal != nil && o.answered {
		j.portal.answered = true
	}

	pol := j.pol
	if !h.polSet {
		pol = c.cfg.Politeness
	}
	if !o.freed {
		r.clock(h, o)
	}
	if o.challenge != "" {
		r.prog.Challenges++
		until := now.Add(pol.ChallengeOff.D())
		if err := r.store.PutHost(h.name, state.Host{ChallengedUntil: until, Reason: o.challenge}); err != nil {
			return fmt.Errorf("crawler: %w", err)
		}
		h.park(fmt.Sprintf("host %s answered with an anti-bot challenge (%s); backing off until %s, not evading it", h.name, o.challenge, until.UTC().Format(time.RFC3339)))
		h.challenged = true
		c.log.Warn("challenge", zap.String("host", h.name), zap.String("why", o.challenge))
		r.reportHost(h)
	}

	if j.robots {
		switch {
		case o.challenge != "":
		case o.rules != nil:
			h.robots, h.rules, h.robotsAttempts = robotsKnown, o.rules, 0
		case r.ctx.Err() != nil:
			h.robots = robotsUnknown
		default:
			h.robotsAttempts++
			if h.robotsAttempts <= pol.Retries {
				h.robots = robotsUnknown
				h.robotsNotBefore = now.Add(backoff(pol, h.robotsAttempts))
				c.log.Info("robots.txt retry", zap.String("host", h.name), zap.Error(o.robotsErr))
			} else {
				h.robots = robotsUnavailable
				h.park(fmt.Sprintf("robots.txt of %s unavailable after %d attempts (%v); its URLs wait for a later run", h.name, h.robotsAttempts, o.robotsErr))
				c.log.Warn("robots.txt unavailable", zap.String("host", h.name), zap.Error(o.robotsErr))
				r.reportHost(h)
			}
		}
		return nil
	}

	if o.retry && r.ctx.Err() == nil {
		h.retries = append(h.retries, retryItem{rec: o.rec, notBefore: now.Add(o.retryIn)})
	}
	for _, a := range o.added {
		hq, err := r.host(a.Host)
		if err != nil {
			return err
		}
		hq.exhausted = false
	}
	return nil
}

// reportHost adds a parked host's reason to the portals using it.
func (r *run) reportHost(h *hostQ) {
	for _, p := range r.c.portals {
		if p.active && p.allowed[h.name] {
			p.addError(h.parkReason)
			p.challenged = p.challenged || h.challenged
		}
	}
}

// clock sets when the host may be asked next: delay_factor × this
// response time, within the floor and ceiling, or robots.txt's
// Crawl-delay (capped), counted from the end of the answer; later still
// if the server asked for a pause.
func (r *run) clock(h *hostQ, o outcome) {
	pol := o.job.pol
	if !h.polSet {
		pol = r.c.cfg.Politeness
	}
	d := time.Duration(float64(o.elapsed) * pol.DelayFactor)
	d = min(max(d, pol.DelayFloor.D()), pol.DelayCeiling.D())
	rules := h.rules
	if o.rules != nil {
		rules = o.rules
	}
	if rules != nil && rules.crawlDelay > 0 {
		d = max(d, min(rules.crawlDelay, pol.CrawlDelayCap.D()))
	}
	h.delay = d
	end := o.end
	if end.IsZero() {
		end = r.c.now()
	}
	if next := end.Add(d); next.After(h.nextAllowed) {
		h.nextAllowed = next
	}
	if o.hostPause > 0 {
		if next := end.Add(o.hostPause); next.After(h.nextAllowed) {
			h.nextAllowed = next
		}
	}
}

// free handles the early word that a request's answer is complete: the
// host may be asked again on its clock while the answer is archived and
// committed, and the global slot goes to the next request.
func (r *run) free(o outcome) {
	h := o.job.host
	h.inFlight--
	r.busy--
	r.finishing++
	r.clock(h, o)
}
