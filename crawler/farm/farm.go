// Package farm is a simulated set of government portals on loopback
// addresses, for tests, benchmarks and the nianbao demo. It serves a
// Hanweb-like site (datastore lists, dataproxy.jsp POST paging,
// downfile.jsp attachments), a TRS-like site (createPageHTML paging, GBK
// pages, W0… attachments), a generic site (?page=N, 下一页), a host of faults
// (5xx then success, 429, stalls, resets, truncated gzip, redirect loops, a
// huge attachment, a lying charset), two anti-bot challenge hosts, and
// optional benchmark hosts. Reports carry known values (Expected), answers
// carry ETag and Last-Modified, and every request is recorded.
//
// Attachments other than the generated DOCX are files in assets/, listed in
// assets/manifest.json with the report whose values they carry (see
// assets/README.md); each is linked from its report's page and listed in
// Expected.
//
// Everything is in the binary (embed.FS); nothing leaves 127.0.0.0/8.
package farm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Site names. Each site is its own host.
const (
	SiteHanweb  = "hanweb"
	SiteTRS     = "trs"
	SiteGeneric = "generic"
	SiteFaults  = "faults"
	SiteRuishu  = "ruishu"  // every page answers 412 with a $_ts script (瑞数)
	SiteJiasule = "jiasule" // every page answers 521 with __jsl_clearance (加速乐)
	SiteShell   = "shell"   // its one report page is a tiny JavaScript-only shell
	SiteOutside = "outside" // the target of an out-of-scope redirect; not a portal
)

//go:embed assets
var assets embed.FS

// Options configure a farm. The zero value is a full farm with faults.
type Options struct {
	Logger *zap.Logger // default zap.NewNop()

	// BenchHosts adds generic hosts for the politeness benchmark, each with
	// BenchPages report pages (default 20), answering every request after
	// BenchDelay.
	BenchHosts int
	BenchPages int
	BenchDelay time.Duration

	// NoFaults leaves out the fault host and the two challenge hosts.
	NoFaults bool
	// SlowDelay is how long /slow/ waits before sending headers (default 1.5s).
	SlowDelay time.Duration
	// HugeSize is the size of the huge attachment (default 200 MiB), streamed
	// and never held in memory.
	HugeSize int64
	// FlakyFailures is how many 503s /flaky/ answers before it succeeds (default 2).
	FlakyFailures int
	// RetryAfter is the Retry-After of the 429 answer (default 1s, whole seconds).
	RetryAfter time.Duration
	// CrawlDelay is the Crawl-delay every robots.txt asks for (default 20ms).
	CrawlDelay time.Duration
	// SingleAddress puts every site on 127.0.0.1 with its own port instead
	// of on 127.0.0.2, 127.0.0.3, … (where binding those fails, this
	// happens anyway).
	SingleAddress bool

	assets fs.FS // replaces the embedded assets in tests
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.BenchPages == 0 {
		o.BenchPages = 20
	}
	if o.SlowDelay == 0 {
		o.SlowDelay = 1500 * time.Millisecond
	}
	if o.HugeSize == 0 {
		o.HugeSize = 200 << 20
	}
	if o.FlakyFailures == 0 {
		o.FlakyFailures = 2
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = time.Second
	}
	if o.CrawlDelay == 0 {
		o.CrawlDelay = 20 * time.Millisecond
	}
	if o.assets == nil {
		o.assets = assets
	}
}

// Validate names the first bad field.
func (o Options) Validate() error {
	switch {
	case o.BenchHosts < 0 || o.BenchHosts > 200:
		return fmt.Errorf("farm: BenchHosts %d: want 0…200", o.BenchHosts)
	case o.BenchPages < 0:
		return fmt.Errorf("farm: BenchPages %d: must not be negative", o.BenchPages)
	case o.BenchDelay < 0 || o.SlowDelay < 0 || o.CrawlDelay < 0:
		return errors.New("farm: BenchDelay, SlowDelay and CrawlDelay must not be negative")
	case o.HugeSize < 0:
		return fmt.Errorf("farm: HugeSize %d: must not be negative", o.HugeSize)
	case o.FlakyFailures < 0:
		return fmt.Errorf("farm: FlakyFailures %d: must not be negative", o.FlakyFailures)
	case o.RetryAfter < 0 || o.RetryAfter%time.Second != 0:
		return fmt.Errorf("farm: RetryAfter %s: want whole seconds", o.RetryAfter)
	}
	return nil
}

// Farm is a running set of sites. Close it.
type Farm struct {
	opts  Options
	log   *zap.Logger
	sites []*site
	named map[string]*site
	epoch time.Time // Last-Modified of the static pages

	reports map[string]*reportSpec
	files   map[string]*hostedFile // by site + ":" + lookup key

	mu       sync.Mutex
	closed   bool
	reqs     []Request
	inflight map[string]int
	maxIn    map[string]int
	hits     map[string]int // per fault path, to fail first and succeed later

	done     chan struct{} // closed by Close: releases stalled handlers
	handlers sync.WaitGroup
}

type site struct {
	name     string
	host     string // host:port as in URLs
	disallow string // the Disallow path of its robots.txt
	ln       net.Listener
	srv      *http.Server
	handle   http.HandlerFunc
}

// hostedFile is an attachment: generated from the report (DOCX) or taken
// from assets/.
type hostedFile struct {
	report      string
	href        string // as linked from the report page, relative to the site root
	key         string // site:lookup key in Farm.files
	contentType string
	title       string
	data        func() []byte
	// static files (from assets/) carry the values of version 0; Change
	// unlinks them, as a site replacing a report drops its old attachment.
	static bool
}

// Request is one request the farm answered.
type Request struct {
	Site, Host      string
	Method, Path    string // Path includes the query
	IfNoneMatch     string
	IfModifiedSince string
	UserAgent       string
	Referer         string
	Start, End      time.Time
	Status          int
	Bytes           int64
	// Disallowed is true when robots.txt of the host disallows the path.
	Disallowed bool
}

// Start binds every site and serves until Close or until ctx ends.
func Start(ctx context.Context, opts Options) (*Farm, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts.defaults()
	f := &Farm{
		opts:     opts,
		log:      opts.Logger,
		named:    map[string]*site{},
		epoch:    time.Date(2024, 4, 1, 8, 0, 0, 0, time.UTC),
		reports:  map[string]*reportSpec{},
		files:    map[string]*hostedFile{},
		inflight: map[string]int{},
		maxIn:    map[string]int{},
		hits:     map[string]int{},
		done:     make(chan struct{}),
	}
	for _, r := range catalogue() {
		if opts.NoFaults && r.site == SiteFaults {
			continue
		}
		f.reports[r.ID] = r
	}
	names := []string{SiteHanweb, SiteTRS, SiteGeneric}
	if !opts.NoFaults {
		names = append(names, SiteFaults, SiteRuishu, SiteJiasule, SiteShell, SiteOutside)
	}
	for i := range opts.BenchHosts {
		names = append(names, fmt.Sprintf("bench%03d", i+1))
	}
	for i, name := range names {
		if err := f.bind(name, i); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := f.placeReports(); err != nil {
		f.Close()
		return nil, err
	}
	for _, s := range f.sites {
		go s.srv.Serve(s.ln)
	}
	context.AfterFunc(ctx, func() { f.Close() })
	f.log.Info("farm started", zap.Int("sites", len(f.sites)), zap.Int("reports", len(f.reports)))
	return f, nil
}

// bind listens for one site on 127.0.0.(2+i), or 127.0.0.1 with its own port.
func (f *Farm) bind(name string, i int) error {
	var ln net.Listener
	var err error
	if !f.opts.SingleAddress && i+2 < 255 {
		ln, err = net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+2))
	}
	if ln == nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return fmt.Errorf("farm: listen for %s: %w", name, err)
		}
	}
	s := &site{name: name, host: ln.Addr().String(), ln: ln, disallow: "/private/"}
	switch {
	case name == SiteHanweb:
		s.handle = f.hanweb
	case name == SiteTRS:
		s.handle, s.disallow = f.trs, trsBase+"draft/"
	case name == SiteGeneric:
		s.handle = f.generic
	case name == SiteFaults:
		s.handle = f.faults
	case name == SiteRuishu:
		s.handle = f.ruishu
	case name == SiteJiasule:
		s.handle = f.jiasule
	case name == SiteShell:
		s.handle = f.shell
	case name == SiteOutside:
		s.handle = f.outside
	default:
		s.handle = f.bench
	}
	s.srv = &http.Server{
		Handler:           f.instrument(s),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          zap.NewStdLog(f.log.Named(name)),
	}
	f.sites = append(f.sites, s)
	f.named[name] = s
	return nil
}

// Close stops every site, releases stalled handlers and waits for them.
func (f *Farm) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.mu.Unlock()
	close(f.done)
	for _, s := range f.sites {
		s.srv.Close()
	}
	f.handlers.Wait()
	return nil
}

// instrument records every request of a site and counts requests in flight.
func (f *Farm) instrument(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			http.Error(w, "farm closed", http.StatusServiceUnavailable)
			return
		}
		f.handlers.Add(1)
		f.inflight[s.host]++
		f.maxIn[s.host] = max(f.maxIn[s.host], f.inflight[s.host])
		f.mu.Unlock()

		rec := &recorder{ResponseWriter: w}
		start := time.Now()
		defer func() {
			end := time.Now()
			f.mu.Lock()
			f.inflight[s.host]--
			f.reqs = append(f.reqs, Request{
				Site: s.name, Host: s.host, Method: r.Method, Path: r.URL.RequestURI(),
				IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since"),
				UserAgent: r.Header.Get("User-Agent"), Referer: r.Header.Get("Referer"),
				Start: start, End: end, Status: rec.status, Bytes: rec.bytes,
				Disallowed: strings.HasPrefix(r.URL.Path, s.disallow),
			})
			f.mu.Unlock()
			f.handlers.Done()
			f.log.Debug("farm request", zap.String("site", s.name), zap.String("method", r.Method),
				zap.String("path", r.URL.RequestURI()), zap.Int("status", rec.status), zap.Duration("took", end.Sub(start)))
		}()
		if r.URL.Path == "/robots.txt" && s.name != SiteFaults {
			f.robots(rec, s)
			return
		}
		s.handle(rec, r)
	})
}

// recorder notes the status and size of an answer. Unwrap lets
// http.ResponseController reach Flush and Hijack.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (f *Farm) robots(w http.ResponseWriter, s *site) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "# %s\nUser-agent: *\nCrawl-delay: %g\nDisallow: %s\n", s.name, f.opts.CrawlDelay.Seconds(), s.disallow)
}

// hit counts a request to a fault path and returns its number, from 1.
func (f *Farm) hit(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits[key]++
	return f.hits[key]
}

// serve answers with body, an ETag of its content and Last-Modified mod;
// http.ServeContent answers If-None-Match and If-Modified-Since with 304.
func serve(w http.ResponseWriter, r *http.Request, body []byte, contentType string, mod time.Time) {
	sum := sha256.Sum256(body)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:10])+`"`)
	http.ServeContent(w, r, "", mod, bytes.NewReader(body))
}

// Sites returns the names of the sites, in the order of their addresses.
func (f *Farm) Sites() []string {
	out := make([]string, len(f.sites))
	for i, s := range f.sites {
		out[i] = s.name
	}
	return out
}

// Host returns the host:port of a site, "" for an unknown name.
func (f *Farm) Host(name string) string {
	if s, ok := f.named[name]; ok {
		return s.host
	}
	return ""
}

// URL returns the absolute URL of path on a site.
func (f *Farm) URL(name, path string) string { return "http://" + f.Host(name) + path }

// StartURL returns the page a crawl of the site starts from.
func (f *Farm) StartURL(name string) string {
	switch {
	case name == SiteHanweb:
		return f.URL(name, hanwebColumn)
	case name == SiteTRS:
		return f.URL(name, trsBase+"index.html")
	case name == SiteGeneric:
		return f.URL(name, genericBase)
	case name == SiteFaults:
		return f.URL(name, "/list.html")
	case strings.HasPrefix(name, "bench"):
		return f.URL(name, "/list/")
	}
	return f.URL(name, "/")
}

// Requests returns every request answered so far, in order of completion.
func (f *Farm) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

// DisallowedRequests returns the requests for paths robots.txt disallows:
// a polite crawler makes none.
func (f *Farm) DisallowedRequests() []Request {
	var out []Request
	for _, r := range f.Requests() {
		if r.Disallowed {
			out = append(out, r)
		}
	}
	return out
}

// MaxInFlight returns the most requests a site (by name or host:port) had
// in flight at once, measured by the server.
func (f *Farm) MaxInFlight(site string) int {
	if s, ok := f.named[site]; ok {
		site = s.host
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxIn[site]
}

// Expected is the truth about one report of the farm.
type Expected struct {
	ID         string
	Title      string
	Agency     string
	Year       int
	RegionCode string
	Template   string
	Published  string
	// URL is the report page; Attachments are files that carry the same
	// values (a generated DOCX, files from assets/).
	URL         string
	Attachments []string
	// Values has every template cell of the report's template; nil is a
	// blank cell.
	Values   map[string]*float64
	Violates []string // hard checks the report fails on purpose
	Version  int      // 0, then 1, 2, … after Change
}

// Expected returns every report the farm serves, by id.
func (f *Farm) Expected() []Expected {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Expected
	for _, id := range sortedIDs(f.reports) {
		r := f.reports[id]
		e := Expected{ID: r.ID, Title: r.Title(), Agency: r.Agency, Year: r.Year, RegionCode: r.Region, Template: r.Template,
			Published: r.Published, URL: f.URL(r.site, r.path), Values: map[string]*float64{},
			Violates: slices.Clone(r.Violates), Version: r.version}
		for _, k := range r.Keys() {
			if v := r.Values[k]; v != nil {
				e.Values[k] = num(*v)
			} else {
				e.Values[k] = nil
			}
		}
		for _, h := range r.files {
			e.Attachments = append(e.Attachments, f.URL(r.site, h.href))
		}
		out = append(out, e)
	}
	return out
}

// Change gives report id new values (still consistent), so its page and
// attachments get a new ETag and a later Last-Modified: the "second night".
func (f *Farm) Change(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.reports[id]
	if !ok {
		return fmt.Errorf("farm: no report %q", id)
	}
	r.version++
	r.Values = r.changed(r.version)
	var kept []*hostedFile // a new slice: report() hands out the old one
	for _, h := range r.files {
		if h.static {
			delete(f.files, h.key)
			continue
		}
		kept = append(kept, h)
	}
	r.files = kept
	// Last-Modified has whole seconds: the new one must be a later second.
	r.modified = r.modified.Add(time.Second)
	if now := time.Now().UTC().Truncate(time.Second); now.After(r.modified) {
		r.modified = now
	}
	return nil
}

// report returns a copy of the report's current state, safe to render.
func (f *Farm) report(id string) (Report, time.Time, []*hostedFile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reports[id]
	return r.Report, r.modified, r.files
}

// Manifest is assets/manifest.json: the files the farm serves as
// attachments of its reports.
type Manifest struct {
	Files []ManifestFile `json:"files"`
}

// ManifestFile is one attachment file.
type ManifestFile struct {
	File        string `json:"file"`                   // name in assets/
	Report      string `json:"report"`                 // the report whose values it carries
	ContentType string `json:"content_type,omitempty"` // sent as Content-Type
	Title       string `json:"title,omitempty"`        // link text; default title + extension
	// Values is ValuesFingerprint of the report the file was made from;
	// the farm tests compare it with the report's, to catch stale files.
	Values string `json:"values,omitempty"`
}

// ReadManifest reads a manifest file (for tools that maintain assets/).
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ValuesFingerprint is a hash of the report's identity and values: a file
// made from the report carries the values this fingerprint names.
func ValuesFingerprint(r Report) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%s\n", r.ID, r.Agency, r.Year, r.Template)
	for _, k := range r.Keys() {
		fmt.Fprintf(h, "%s=%s\n", k, format(r.Values[k]))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// placeReports gives each report its page path and its attachments: the
// generated DOCX and the files of assets/manifest.json.
func (f *Farm) placeReports() error {
	for _, id := range sortedIDs(f.reports) {
		r := f.reports[id]
		r.path = reportPath(r)
		pub, err := time.Parse("2006-01-02", r.Published)
		if err != nil {
			return fmt.Errorf("farm: report %s: published %q: %w", id, r.Published, err)
		}
		r.modified = pub.Add(9 * time.Hour)
		if r.docx {
			f.attach(r, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "", func() []byte {
				rep, _, _ := f.report(id)
				return RenderDOCX(rep)
			})
		}
	}
	raw, err := fs.ReadFile(f.opts.assets, "assets/manifest.json")
	if err != nil {
		return fmt.Errorf("farm: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("farm: assets/manifest.json: %w", err)
	}
	for i, e := range m.Files {
		r, ok := f.reports[e.Report]
		if !ok {
			if f.opts.NoFaults {
				continue // the report lives on the fault host
			}
			return fmt.Errorf("farm: assets/manifest.json: files[%d]: no report %q", i, e.Report)
		}
		data, err := fs.ReadFile(f.opts.assets, "assets/"+e.File)
		if err != nil {
			return fmt.Errorf("farm: assets/manifest.json: files[%d]: %w", i, err)
		}
		ext := strings.TrimPrefix(path.Ext(e.File), ".")
		ct := e.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		f.attach(r, ext, ct, e.Title, func() []byte { return data }).static = true
	}
	return nil
}

// attach hosts a file for r at a URL in the shape of r's site.
func (f *Farm) attach(r *reportSpec, ext, contentType, title string, data func() []byte) *hostedFile {
	if title == "" {
		title = r.Title() + "." + ext
	}
	n := len(r.files)
	var href, key string
	switch r.site {
	case SiteHanweb:
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s-%d-%s", r.ID, n, ext)))
		name := hex.EncodeToString(sum[:16]) + "." + ext
		href = "/module/download/downfile.jsp?classid=0&filename=" + name + "&showname=" + queryEscape(title)
		key = name
	case SiteTRS:
		dir := path.Dir(r.path)
		href = fmt.Sprintf("%s/W0%s%012d.%s", dir, strings.ReplaceAll(r.Published, "-", ""), 692880455588+n, ext)
		key = href
	default:
		href = fmt.Sprintf("/files/%s-%d.%s", r.ID, n, ext)
		key = href
	}
	h := &hostedFile{report: r.ID, href: href, key: r.site + ":" + key, contentType: contentType, title: title, data: data}
	r.files = append(r.files, h)
	f.files[h.key] = h
	return h
}

// serveFile answers a request for an attachment, or 404.
func (f *Farm) serveFile(w http.ResponseWriter, r *http.Request, site, key string) bool {
	f.mu.Lock()
	h, ok := f.files[site+":"+key]
	f.mu.Unlock()
	if !ok {
		return false
	}
	_, mod, _ := f.report(h.report)
	ct := h.contentType
	if site == SiteHanweb {
		// The real downfile.jsp sends every file as a download.
		ct = "application/octet-stream"
		w.Header().Set("Content-Disposition", `attachment; filename="`+path.Base(key)+`"`)
	}
	serve(w, r, h.data(), ct, mod)
	return true
}
