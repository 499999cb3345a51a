package crawler

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/configs"
)

// Options configure a Crawler.
type Options struct {
	// Config is the loaded, validated configuration.
	Config *configs.File
	// DataDir holds the archive (DataDir/archive) and the crawl state
	// (DataDir/state). It is created if missing.
	DataDir string
	// Shard selects a stable share of the portals: those whose first start
	// URL's host hashes to Shard.Index modulo Shard.Count.
	Shard Shard
	// IncludeUnreachable also crawls portals marked reachable: false.
	IncludeUnreachable bool
	// Logger receives per-request and per-host events (default zap.NewNop()).
	Logger *zap.Logger
	// Progress, if set, is called from the scheduler goroutine as work
	// advances; it must return quickly.
	Progress func(Progress)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Dial replaces the network dialer (tests route hosts to loopback
	// servers with it). The connect timeout still applies.
	Dial DialFunc
	// NoSync skips fsync of the archive and the state file: for benchmarks
	// only. A power loss with NoSync may lose what was committed (a killed
	// process loses nothing: writes are flushed to the kernel either way).
	NoSync bool

	// skipCaptureList leaves Summary.Captures empty (the memory benchmark
	// measures the crawl, not the list it returns).
	skipCaptureList bool
}

// Shard is a stable share of the hosts: the ones whose hash modulo Count
// is Index. The zero value (Count 0 or 1) is everything.
type Shard struct {
	Index, Count int
}

// Owns reports whether host belongs to the shard.
func (s Shard) Owns(host string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(host)))
	return int(h.Sum32()%uint32(s.Count)) == s.Index
}

// Validate names the first bad field.
func (o Options) Validate() error {
	if o.Config == nil {
		return errors.New("crawler: Options.Config is nil")
	}
	if o.DataDir == "" {
		return errors.New("crawler: Options.DataDir is empty")
	}
	if o.Shard.Count < 0 || o.Shard.Index < 0 || (o.Shard.Count > 0 && o.Shard.Index >= o.Shard.Count) {
		return fmt.Errorf("crawler: Options.Shard: index %d is not in [0, %d)", o.Shard.Index, o.Shard.Count)
	}
	l := o.Config.Limits
	for _, d := range []struct {
		name string
		v    configs.Duration
	}{{"limits.connect_timeout", l.ConnectTimeout}, {"limits.header_timeout", l.HeaderTimeout}, {"limits.body_timeout", l.BodyTimeout}} {
		if d.v <= 0 {
			return fmt.Errorf("crawler: Options.Config: %s must be positive", d.name)
		}
	}
	if l.GlobalConcurrency < 1 {
		return errors.New("crawler: Options.Config: limits.global_concurrency must be at least 1")
	}
	if l.PageMaxBytes < 1 || l.AttachmentMaxBytes < l.PageMaxBytes {
		return errors.New("crawler: Options.Config: limits.attachment_max_bytes must be at least page_max_bytes, which must be positive")
	}
	if o.Config.UserAgent == "" {
		return errors.New("crawler: Options.Config: user_agent is empty")
	}
	return nil
}

// Progress is a snapshot of a running crawl.
type Progress struct {
	Elapsed time.Duration
	// Fetches counts HTTP exchanges finished (robots.txt included).
	Fetches int
	// Archived counts records written to the archive.
	Archived int
	// Failures and Challenges count URLs that failed for good, and anti-bot
	// answers.
	Failures, Challenges int
	// InFlight is the number of requests under way; Hosts the number of
	// hosts with work left.
	InFlight, Hosts int
	// HeapInuse is runtime heap in use (bytes), sampled at this call.
	HeapInuse uint64
}

// Summary is the outcome of one Run.
type Summary struct {
	Started, Finished time.Time
	// Run is the state's run number; Resumed says Run continued a run an
	// earlier process had not finished.
	Run     uint64
	Resumed bool
	Portals []PortalSummary
	// Captures lists every URL outcome of the run, including those logged
	// by an earlier, interrupted process of the same run.
	Captures []Capture
}

// PortalSummary counts one portal's outcomes in the run.
type PortalSummary struct {
	Name string
	// Pages counts HTTP exchanges made for the portal (all kinds).
	Pages int
	// ReportsFound counts report pages and attachments fetched (changed or not).
	ReportsFound int
	// NewOrChanged counts report pages and attachments marked for extraction.
	NewOrChanged  int
	Failures      int
	Challenges    int
	RobotsBlocked int
	// Unreachable: skipped as configured (reachable: false), or no page of
	// it got an HTTP answer and something failed (robots.txt included).
	Unreachable bool
	// BackingOff: a host of the portal answered with an anti-bot challenge,
	// in this run or in one whose challenge_backoff is still in force, and
	// is being left alone. Not counted as unreachable.
	BackingOff bool
	Errors     []string
}

// Capture is one URL outcome, a row of the captures index.
type Capture struct {
	URL    string `json:"url"`
	Host   string `json:"host"`
	Portal string `json:"portal"`
	// Kind is list, report, attachment or robots.
	Kind       string    `json:"kind"`
	FetchedAt  time.Time `json:"fetched_at"`
	HTTPStatus int       `json:"http_status,omitempty"`
	MIME       string    `json:"mime,omitempty"`
	// PayloadDigest is "sha1:" + base32 of the body as received (before any
	// decompression), the WARC-Payload-Digest.
	PayloadDigest string `json:"payload_digest,omitempty"`
	WARCFile      string `json:"warc_file,omitempty"`
	WARCOffset    int64  `json:"warc_offset,omitempty"`
	WARCLength    int64  `json:"warc_length,omitempty"`
	// FetchStatus is ok, not_modified, challenge, robots_disallowed,
	// failed or truncated.
	FetchStatus string `json:"fetch_status"`
	// Changed marks a new or changed payload: extract it. A truncated body
	// is still marked, so extraction can flag it; a revisit is not.
	Changed bool   `json:"changed,omitempty"`
	Title   string `json:"title,omitempty"`
	Error   string `json:"error,omitempty"`
	// Method and Referer describe how the URL was requested (POST for a
	// Hanweb dataproxy list page).
	Method string `json:"method,omitempty"`
	// Via is the redirect chain that led to URL.
	Via []string `json:"via,omitempty"`
}

// Fetch statuses of a Capture.
const (
	StatusOK               = "ok"
	StatusNotModified      = "not_modified"
	StatusChallenge        = "challenge"
	StatusRobotsDisallowed = "robots_disallowed"
	StatusFailed           = "failed"
	StatusTruncated        = "truncated"
)

// Kinds of a Capture.
const (
	KindList       = "list"
	KindReport     = "report"
	KindAttachment = "attachment"
	KindRobots     = "robots"
)
