package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/crawler/discover"
	"github.com/nianbao/nianbao/crawler/state"
	"github.com/nianbao/nianbao/crawler/warc"
)

// outcome is what a request's goroutine reports to the scheduler.
type outcome struct {
	job *job
	// answered: the server sent an HTTP answer (the politeness clock runs
	// from its end); elapsed is the time from request to end of body.
	answered bool
	elapsed  time.Duration
	end      time.Time // when the answer was complete
	// retry: try the target again after retryIn. hostPause also holds the
	// whole host (429, 503 with Retry-After).
	retry     bool
	retryIn   time.Duration
	hostPause time.Duration
	rec       state.Record // with Attempts updated
	challenge string       // non-empty: the host answered with a challenge
	added     []state.Record
	archived  bool
	failed    bool

	// early: the answer is complete and classified, only archiving and
	// committing remain (the host is free); freed: sent after an early one.
	early, freed bool
	// disallowed: settled without a request (robots.txt).
	disallowed bool

	// robots.txt fetches
	rules     *robotsRules
	robotsErr error

	fatal error
}

// fetched is one HTTP exchange as captured.
type fetched struct {
	ex        *exchange
	status    int
	header    http.Header
	body      []byte   // pages: the body as received, at most the cap
	spool     *os.File // attachments: the body as received, on disk
	n         int64
	digest    string
	truncated bool
	err       error // no answer, or the body broke off
}

func (f *fetched) close() {
	if f.spool != nil {
		f.spool.Close()
		os.Remove(f.spool.Name())
	}
	if f.ex != nil && f.ex.bodyCancel != nil {
		f.ex.bodyCancel()
	}
}

// fetch makes one request. Pages go through colly; attachments are
// streamed to a spool file.
func (r *run) fetch(ctx context.Context, method, rawURL, form string, hdr http.Header, limit int64, toDisk bool) *fetched {
	f := &fetched{ex: &exchange{limit: limit}}
	var buf bytes.Buffer
	if toDisk {
		sp, err := os.CreateTemp(r.tmpDir, "body-*")
		if err != nil {
			f.err = fmt.Errorf("spool: %w", err)
			return f
		}
		f.spool, f.ex.sink = sp, sp
	} else {
		f.ex.sink = &buf
	}
	ctx = withExchange(ctx, f.ex)
	var reqBody io.Reader
	if form != "" {
		reqBody = strings.NewReader(form)
	}
	var callErr error
	if toDisk {
		req, err := http.NewRequestWithContext(ctx, method, rawURL, reqBody)
		if err != nil {
			f.err = err
			return f
		}
		req.Header = hdr
		if form != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := r.c.client.Do(req)
		if err == nil {
			_, callErr = io.Copy(io.Discard, io.LimitReader(resp.Body, limit+1))
			resp.Body.Close()
		} else {
			callErr = err
		}
	} else {
		col := r.c.colly.Clone()
		col.Context = ctx
		callErr = col.Request(method, rawURL, reqBody, nil, hdr)
	}
	// The tap, not colly, is the truth: colly may fail on a body it cannot
	// gunzip while the exchange itself is complete.
	if f.ex.resp == nil {
		if callErr == nil {
			callErr = errors.New("no response")
		}
		f.err = callErr
		return f
	}
	f.status, f.header = f.ex.resp.StatusCode, f.ex.resp.Header
	var err error
	f.n, f.digest, f.truncated, err = f.ex.body.result()
	if err != nil {
		f.err = &netError{op: "body", err: err}
		return f
	}
	if !toDisk {
		f.body = buf.Bytes()
	} else if _, err := f.spool.Seek(0, io.SeekStart); err != nil {
		f.err = err
	}
	return f
}

// work runs one job in its own goroutine.
func (r *run) work(j *job) outcome {
	if j.robots {
		return r.workRobots(j)
	}
	o := outcome{job: j, rec: j.rec}
	rec := &o.rec
	c := r.c
	limits := c.cfg.Limits
	hdr := http.Header{}
	hdr.Set("User-Agent", c.cfg.UserAgent)
	hdr.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	hdr.Set("Accept-Language", "zh-CN,zh;q=0.9")
	if rec.Referer != "" {
		hdr.Set("Referer", rec.Referer)
	}
	// Listings are always fetched whole: they are where new reports are
	// found, and a 304 would leave nothing to read links from. Reports and
	// attachments are asked conditionally.
	if rec.Kind != KindList && rec.RecordID != "" {
		if rec.ETag != "" {
			hdr.Set("If-None-Match", rec.ETag)
		}
		if rec.LastModified != "" {
			hdr.Set("If-Modified-Since", rec.LastModified)
		}
	}
	limit, toDisk := limits.PageMaxBytes, false
	if rec.Kind == KindAttachment {
		limit, toDisk = limits.AttachmentMaxBytes, true
	}
	method := rec.Method
	if method == "" {
		method = http.MethodGet
	}
	begin := c.now()
	f := r.fetch(r.ctx, method, rec.URL, rec.Form, hdr, limit, toDisk)
	defer f.close()
	o.end = c.now()
	o.elapsed = o.end.Sub(begin)
	rec.Attempts++
	rec.FetchedAt = begin
	if r.ctx.Err() != nil {
		o.retry, o.retryIn = true, 0
		return o // stopped: stays queued, no attempt counted on disk
	}
	o = r.decide(o, f, nil)
	if o.retry && o.fatal == nil && r.ctx.Err() == nil {
		// The attempt count and the retry time survive a restart: retries
		// stay bounded across kills.
		rec := o.rec
		rec.NextFetch = c.now().Add(o.retryIn)
		if _, err := r.store.Apply(r.runID, state.Commit{Record: rec}); err != nil {
			o.fatal = fmt.Errorf("crawler: commit %s: %w", rec.URL, err)
		}
	}
	return o
}

// decide classifies a captured answer and settles it. pre is set when the
// answer is already in the archive (adopted after a crash); it was then a
// final answer, so no retry is considered.
func (r *run) decide(o outcome, f *fetched, pre *warc.Ref) outcome {
	c := r.c
	j := o.job
	rec := &o.rec
	p := j.portal
	retriesLeft := rec.Attempts <= j.pol.Retries && pre == nil
	limit := c.cfg.Limits.PageMaxBytes
	if rec.Kind == KindAttachment {
		limit = c.cfg.Limits.AttachmentMaxBytes
	}

	if f.err != nil {
		o.answered = f.status != 0
		msg := f.err.Error()
		if retriesLeft {
			o.retry, o.retryIn = true, backoff(j.pol, rec.Attempts)
			c.log.Info("retry", zap.String("url", rec.URL), zap.Int("attempt", rec.Attempts), zap.Error(f.err))
			return o
		}
		rec.HTTPStatus, rec.FetchStatus, rec.Error = f.status, StatusFailed, fmt.Sprintf("after %d attempts: %s", rec.Attempts, msg)
		o.failed = true
		return r.settle(o, f, nil, false, pre)
	}
	o.answered = true
	rec.HTTPStatus = f.status
	rec.Error = ""

	if why := challengeOf(f.status, f.header, r.sniff(f)); why != "" {
		o.challenge = why
		rec.FetchStatus, rec.Error = StatusChallenge, "anti-bot challenge: "+why
		return r.settle(o, f, nil, false, pre)
	}
	switch s := f.status; {
	case s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500:
		ra, hasRA := parseRetryAfter(f.header.Get("Retry-After"), c.now())
		if hasRA {
			ra = min(ra, j.pol.BackoffMax.D())
		}
		if s == http.StatusTooManyRequests || (s == http.StatusServiceUnavailable && hasRA) {
			o.hostPause = max(ra, backoff(j.pol, rec.Attempts))
			if hasRA {
				o.hostPause = ra
			}
		}
		if retriesLeft {
			o.retry = true
			o.retryIn = backoff(j.pol, rec.Attempts)
			if hasRA {
				o.retryIn = ra
			}
			return o
		}
		rec.FetchStatus, rec.Error = StatusFailed, fmt.Sprintf("HTTP %d after %d attempts", s, rec.Attempts)
		o.failed = true
		return r.settle(o, f, nil, true, pre)
	case s == http.StatusNotModified:
		rec.FetchStatus = StatusNotModified
		return r.settle(o, f, nil, true, pre)
	case s >= 300 && s < 400:
		rec.FetchStatus = StatusOK
		return r.settle(o, f, r.redirect(rec, f), true, pre)
	case s >= 400:
		rec.FetchStatus, rec.Error = StatusFailed, fmt.Sprintf("HTTP %d", s)
		o.failed = true
		return r.settle(o, f, nil, true, pre)
	}
	rec.FetchStatus = StatusOK
	if f.truncated {
		rec.FetchStatus = StatusTruncated
		rec.Error = fmt.Sprintf("body cut at the %d-byte cap", limit)
	}
	var links []state.Record
	if (rec.Kind == KindList || rec.Kind == KindReport) && p != nil {
		var err error
		links, err = r.discover(p, rec, f)
		if err != nil {
			rec.Error = strings.TrimPrefix(rec.Error+"; ", "; ") + "discovery: " + err.Error()
		}
	}
	return r.settle(o, f, links, true, pre)
}

// settle archives the exchange (if archive) and commits the outcome: the
// WARC record is written and flushed before the state says done.
func (r *run) settle(o outcome, f *fetched, links []state.Record, archive bool, pre *warc.Ref) outcome {
	rec := &o.rec
	c := r.c
	if pre == nil && o.challenge == "" && !o.job.robots {
		// A challenge keeps the host busy until the scheduler parks it.
		e := o
		e.early = true
		r.results <- e
		o.freed = true
	}
	cp := captureOf(*rec)
	changed := false
	if f.status != 0 && (archive || o.challenge != "") {
		notModified := f.status == http.StatusNotModified && rec.RecordID != ""
		identical := f.status >= 200 && f.status < 300 && !f.truncated && o.challenge == "" && rec.RecordID != "" && f.digest == rec.PayloadDigest
		revisit := notModified || identical
		var ref warc.Ref
		if pre != nil {
			ref = *pre
		} else {
			var err error
			ref, err = r.archive.WriteExchange(context.WithoutCancel(r.ctx), r.exchangeOf(&o, f, notModified, identical))
			if err != nil {
				o.fatal = fmt.Errorf("crawler: archive %s: %w", rec.URL, err)
				return o
			}
			if err := r.syncArchive(); err != nil {
				o.fatal = fmt.Errorf("crawler: archive sync: %w", err)
				return o
			}
		}
		o.archived = true
		cp.WARCFile, cp.WARCOffset, cp.WARCLength = ref.File, ref.Offset, ref.Length
		rec.WARCFile, rec.WARCOffset, rec.WARCLength = ref.File, ref.Offset, ref.Length
		cp.PayloadDigest = f.digest
		if f.status == http.StatusNotModified {
			cp.PayloadDigest = rec.PayloadDigest
		}
		cp.MIME = mediaType(f.header.Get("Content-Type"))
		// A full 2xx response that is not a challenge becomes the reference
		// for the next night's conditional request and digest comparison.
		if !revisit && o.challenge == "" && f.status >= 200 && f.status < 300 {
			changed = f.digest != rec.PayloadDigest || rec.RecordID == ""
			rec.PayloadDigest, rec.RecordID, rec.RecordDate = f.digest, ref.RecordID, ref.Date
			rec.RecordFile, rec.RecordOffset = ref.File, ref.Offset
			rec.ETag, rec.LastModified = f.header.Get("ETag"), f.header.Get("Last-Modified")
			if f.truncated {
				rec.ETag, rec.LastModified = "", "" // never revalidate a cut copy
			}
		}
	}
	cp.HTTPStatus, cp.FetchStatus, cp.Error, cp.FetchedAt = rec.HTTPStatus, rec.FetchStatus, rec.Error, rec.FetchedAt
	cp.Changed = changed
	b, _ := jsonMarshal(cp)
	// A challenged target is done for this run too: if a listing links it
	// again in a later run it is queued again, behind the targets the
	// host's back-off deferred, so one false positive cannot block a host.
	added, err := r.store.Apply(r.runID, state.Commit{Record: *rec, Dequeue: true, Enqueue: links, Capture: b})
	if err != nil {
		o.fatal = fmt.Errorf("crawler: commit %s: %w", rec.URL, err)
		return o
	}
	o.added = added
	c.log.Info("fetched", zap.String("url", rec.URL), zap.Int("status", rec.HTTPStatus), zap.String("fetch_status", rec.FetchStatus),
		zap.Bool("changed", changed), zap.Int64("bytes", f.n), zap.Duration("elapsed", o.elapsed), zap.String("warc", cp.WARCFile), zap.Int("links", len(added)))
	return o
}

// exchangeOf is the archive's view of a captured exchange.
func (r *run) exchangeOf(o *outcome, f *fetched, notModified, identical bool) *warc.Exchange {
	rec := &o.rec
	x := &warc.Exchange{TargetURI: f.ex.url, IP: f.ex.ip, Date: f.ex.started, Request: f.ex.tap.request()}
	x.ResponseHeader = f.ex.tap.responseHead()
	if x.ResponseHeader == nil {
		x.ResponseHeader = reconstructHead(f.ex.resp)
	}
	if f.truncated {
		x.Truncated = warc.TruncatedLength
	}
	// stateKey lets a restarted crawl adopt an exchange archived just
	// before a crash (see adopt).
	x.Metadata = warc.Header{{Name: "stateKey", Value: rec.Key}, {Name: "portal", Value: rec.Portal}, {Name: "kind", Value: rec.Kind},
		{Name: "fetchTimeMs", Value: strconv.FormatInt(o.elapsed.Milliseconds(), 10)}}
	if len(rec.Via) > 0 {
		x.Metadata = append(x.Metadata, warc.Field{Name: "via", Value: rec.Via[len(rec.Via)-1]})
	}
	if o.challenge != "" {
		x.Metadata = append(x.Metadata, warc.Field{Name: "fetchStatus", Value: "challenge: " + o.challenge})
	}
	switch {
	case notModified:
		x.Revisit = &warc.Revisit{Profile: warc.ProfileServerNotModified, RefersToURI: rec.URL, RefersToDate: rec.RecordDate, RefersTo: rec.RecordID}
	case identical:
		x.Revisit = &warc.Revisit{Profile: warc.ProfileIdenticalPayload, RefersToURI: rec.URL, RefersToDate: rec.RecordDate, RefersTo: rec.RecordID, PayloadDigest: f.digest}
	default:
		x.BodyLength = f.n
		if f.spool != nil {
			x.Body = f.spool
		} else {
			x.Body = bytes.NewReader(f.body)
		}
	}
	return x
}

// sniff returns the start of the body for classification, decompressed.
func (r *run) sniff(f *fetched) []byte {
	if f.spool != nil {
		head := make([]byte, 64<<10)
		n, _ := io.ReadFull(f.spool, head)
		f.spool.Seek(0, io.SeekStart)
		return head[:n]
	}
	return decoded(f.header, f.body, 64<<10)
}

// decoded undoes a gzip Content-Encoding (the archive keeps it), reading at
// most max bytes.
func decoded(h http.Header, body []byte, max int64) []byte {
	if !strings.Contains(strings.ToLower(h.Get("Content-Encoding")), "gzip") {
		return body
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body
	}
	out, _ := io.ReadAll(io.LimitReader(zr, max))
	return out
}

// redirect turns a 3xx answer into the next hop: a new target in the
// frontier (so its host's politeness and robots apply), unless it leaves
// the portal's hosts, loops, or exceeds limits.max_redirects.
func (r *run) redirect(rec *state.Record, f *fetched) []state.Record {
	loc := f.header.Get("Location")
	if loc == "" {
		rec.Error = fmt.Sprintf("HTTP %d without Location", f.status)
		return nil
	}
	base, err := url.Parse(rec.URL)
	if err != nil {
		return nil
	}
	target, err := base.Parse(loc)
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") {
		rec.Error = fmt.Sprintf("redirect to unusable location %q", loc)
		return nil
	}
	target.Fragment = ""
	p := r.c.byName[rec.Portal]
	if p == nil || !p.allowed[strings.ToLower(target.Host)] {
		rec.Error = fmt.Sprintf("redirect to %s leaves the portal's hosts", target.Host)
		return nil
	}
	via := append(append([]string(nil), rec.Via...), rec.URL)
	for _, v := range via {
		if v == target.String() {
			rec.Error = fmt.Sprintf("redirect loop: %s", strings.Join(append(via, target.String()), " -> "))
			return nil
		}
	}
	if len(via) > r.c.cfg.Limits.MaxRedirects {
		rec.Error = fmt.Sprintf("more than %d redirects", r.c.cfg.Limits.MaxRedirects)
		return nil
	}
	next := state.Record{URL: target.String(), Host: strings.ToLower(target.Host), Portal: rec.Portal, Kind: rec.Kind,
		Title: rec.Title, Depth: rec.Depth, Via: via, Referer: rec.Referer}
	// 307 and 308 repeat the method and body; the others become GET.
	if (f.status == http.StatusTemporaryRedirect || f.status == http.StatusPermanentRedirect) && rec.Method == http.MethodPost {
		next.Method, next.Form = rec.Method, rec.Form
	}
	return []state.Record{next}
}

// discover reads the links of a fetched list or report page.
func (r *run) discover(p *portalRun, rec *state.Record, f *fetched) ([]state.Record, error) {
	page, err := url.Parse(f.ex.url)
	if err != nil {
		return nil, err
	}
	body := decoded(f.header, f.body, r.c.cfg.Limits.PageMaxBytes*4)
	links, err := discover.FindLimit(p.cfg, page, discover.Kind(rec.Kind), body, f.header.Get("Content-Type"), r.c.cfg.Limits.MaxListPages)
	if err != nil {
		return nil, err
	}
	var out []state.Record
	for _, l := range links {
		u, err := url.Parse(l.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !p.allowed[strings.ToLower(u.Host)] {
			continue
		}
		u.Fragment = ""
		n := state.Record{URL: u.String(), Host: strings.ToLower(u.Host), Portal: p.cfg.Name, Kind: string(l.Kind), Title: l.Title,
			Referer: l.Referer, Method: l.Method, Depth: rec.Depth}
		if n.Method == http.MethodGet {
			n.Method = ""
		}
		if n.Method == http.MethodPost {
			n.Form = l.Form.Encode()
		}
		if n.Referer == "" {
			n.Referer = rec.URL
		}
		if n.Kind == KindList {
			n.Depth = rec.Depth + 1
			if max := r.c.cfg.Limits.MaxListPages; max > 0 && n.Depth >= max {
				continue
			}
		}
		out = append(out, n)
	}
	return out, nil
}

// workRobots fetches a host's robots.txt, following up to five redirects
// (RFC 9309 §2.3.1.2) and archiving each answer.
func (r *run) workRobots(j *job) outcome {
	o := outcome{job: j}
	c := r.c
	h := j.host
	scheme := h.scheme
	if scheme == "" {
		scheme = "http"
	}
	target := scheme + "://" + h.name + "/robots.txt"
	hdr := http.Header{}
	hdr.Set("User-Agent", c.cfg.UserAgent)
	begin := c.now()
	for hop := 0; ; hop++ {
		f := r.fetch(r.ctx, http.MethodGet, target, "", hdr.Clone(), robotsMaxBytes, false)
		o.end = c.now()
		o.elapsed = o.end.Sub(begin)
		if r.ctx.Err() != nil {
			f.close()
			o.robotsErr = r.ctx.Err()
			return o
		}
		if f.err != nil {
			f.close()
			o.robotsErr = f.err
			return o
		}
		o.answered = true
		rec := state.Record{URL: target, Host: h.name, Kind: KindRobots, HTTPStatus: f.status, FetchedAt: begin, FetchStatus: StatusOK}
		if why := challengeOf(f.status, f.header, r.sniff(f)); why != "" {
			o.challenge = why
			rec.FetchStatus, rec.Error = StatusChallenge, "anti-bot challenge: "+why
		}
		if f.status >= 500 || f.status == http.StatusTooManyRequests {
			rec.FetchStatus, rec.Error = StatusFailed, fmt.Sprintf("robots.txt: HTTP %d", f.status)
		}
		if err := r.logRobots(o, f, rec); err != nil {
			f.close()
			o.fatal = err
			return o
		}
		f.close()
		switch s := f.status; {
		case o.challenge != "":
			return o
		case s >= 500 || s == http.StatusTooManyRequests:
			o.robotsErr = fmt.Errorf("robots.txt: HTTP %d", s)
			return o
		case s >= 300 && s < 400 && f.header.Get("Location") != "" && hop < 5:
			base, _ := url.Parse(target)
			next, err := base.Parse(f.header.Get("Location"))
			if err != nil {
				o.rules = parseRobots(404, nil, c.agent, c.now(), j.pol.RobotsTTL.D())
				return o
			}
			target = next.String()
			continue
		case s >= 200 && s < 300:
			o.rules = parseRobots(s, decoded(f.header, f.body, robotsMaxBytes), c.agent, c.now(), j.pol.RobotsTTL.D())
		default: // 4xx, or too many redirects: no rules
			o.rules = parseRobots(404, nil, c.agent, c.now(), j.pol.RobotsTTL.D())
		}
		return o
	}
}

// logRobots archives a robots.txt answer and logs its capture.
func (r *run) logRobots(o outcome, f *fetched, rec state.Record) error {
	x := &warc.Exchange{TargetURI: f.ex.url, IP: f.ex.ip, Date: f.ex.started, Request: f.ex.tap.request(),
		ResponseHeader: f.ex.tap.responseHead(), Body: bytes.NewReader(f.body), BodyLength: f.n,
		Metadata: warc.Header{{Name: "kind", Value: KindRobots}, {Name: "fetchTimeMs", Value: strconv.FormatInt(o.elapsed.Milliseconds(), 10)}}}
	if x.ResponseHeader == nil {
		x.ResponseHeader = reconstructHead(f.ex.resp)
	}
	if f.truncated {
		x.Truncated = warc.TruncatedLength
	}
	ref, err := r.archive.WriteExchange(context.WithoutCancel(r.ctx), x)
	if err != nil {
		return fmt.Errorf("crawler: archive %s: %w", rec.URL, err)
	}
	if err := r.syncArchive(); err != nil {
		return fmt.Errorf("crawler: archive sync: %w", err)
	}
	cp := captureOf(rec)
	cp.WARCFile, cp.WARCOffset, cp.WARCLength, cp.PayloadDigest = ref.File, ref.Offset, ref.Length, f.digest
	cp.MIME = mediaType(f.header.Get("Content-Type"))
	b, _ := jsonMarshal(cp)
	_, err = r.store.Apply(r.runID, state.Commit{Capture: b})
	return err
}

func captureOf(rec state.Record) Capture {
	return Capture{URL: rec.URL, Host: rec.Host, Portal: rec.Portal, Kind: rec.Kind, FetchedAt: rec.FetchedAt, HTTPStatus: rec.HTTPStatus,
		FetchStatus: rec.FetchStatus, Title: rec.Title, Error: rec.Error, Method: rec.Method, Via: rec.Via}
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
