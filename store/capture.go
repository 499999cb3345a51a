package store

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// FetchStatus says how a fetch ended.
type FetchStatus string

const (
	FetchOK               FetchStatus = "ok"
	FetchNotModified      FetchStatus = "not_modified"      // 304 on a conditional request
	FetchChallenge        FetchStatus = "challenge"         // a WAF or JavaScript challenge page, not content
	FetchRobotsDisallowed FetchStatus = "robots_disallowed" // not fetched: robots.txt forbids it
	FetchFailed           FetchStatus = "failed"            // network error or HTTP error status
	FetchTruncated        FetchStatus = "truncated"         // body cut at the size limit or by the server
)

// CaptureKind is what the crawler took a page for.
type CaptureKind string

const (
	KindList       CaptureKind = "list"       // a listing page linking to reports
	KindReport     CaptureKind = "report"     // a report page
	KindAttachment CaptureKind = "attachment" // a file linked from a report page (PDF, DOC, …)
	KindRobots     CaptureKind = "robots"     // a host's robots.txt
)

// Capture is one fetch attempt by the crawler, the row type of captures/,
// modelled on Common Crawl's columnar index so the same queries carry over.
// Captures are partitioned by the UTC day of FetchedAt (crawl_date=2026-11-21).
// A capture is identified by URL, FetchedAt and its WARC record; adding the
// same capture twice stores it once.
type Capture struct {
	URL       string
	Host      string    // lower-case host of URL; derived from URL when empty
	FetchedAt time.Time // required
	// HTTPStatus is 0 when there was no HTTP response (robots, network error).
	HTTPStatus    int
	MIME          string // Content-Type media type, without parameters
	ContentDigest string // digest of the payload as in WARC-Payload-Digest (sha1:BASE32)
	// WARCFilename locates the response record; "" when nothing was archived,
	// in which case the offset and length are stored as NULL.
	WARCFilename     string
	WARCRecordOffset int64
	WARCRecordLength int64
	FetchStatus      FetchStatus // required
	Portal           string      // configured portal name
	Kind             CaptureKind // "" when unknown
	Truncated        bool
	Error            string
}

func (c *Capture) validate() error {
	if c.URL == "" {
		return fmt.Errorf("URL is empty")
	}
	if c.FetchedAt.IsZero() {
		return fmt.Errorf("FetchedAt is zero")
	}
	switch c.FetchStatus {
	case FetchOK, FetchNotModified, FetchChallenge, FetchRobotsDisallowed, FetchFailed, FetchTruncated:
	default:
		return fmt.Errorf("FetchStatus %q is not one of ok, not_modified, challenge, robots_disallowed, failed, truncated", c.FetchStatus)
	}
	switch c.Kind {
	case "", KindList, KindReport, KindAttachment, KindRobots:
	default:
		return fmt.Errorf("Kind %q is not one of list, report, attachment, robots", c.Kind)
	}
	if c.HTTPStatus < 0 || c.HTTPStatus > 999 {
		return fmt.Errorf("HTTPStatus %d is out of range", c.HTTPStatus)
	}
	if c.WARCFilename != "" && (c.WARCRecordOffset < 0 || c.WARCRecordLength <= 0) {
		return fmt.Errorf("WARC record offset %d / length %d invalid", c.WARCRecordOffset, c.WARCRecordLength)
	}
	return nil
}

// crawlDate is the partition value of a capture.
func (c *Capture) crawlDate() string {
	return "crawl_date=" + c.FetchedAt.UTC().Format(time.DateOnly)
}

func (c *Capture) row() captureRow {
	host := c.Host
	if host == "" {
		if u, err := url.Parse(c.URL); err == nil {
			host = strings.ToLower(u.Hostname())
		}
	}
	r := captureRow{
		URL:           c.URL,
		Host:          host,
		FetchedAt:     c.FetchedAt.UTC(),
		MIME:          optString(c.MIME),
		ContentDigest: optString(c.ContentDigest),
		FetchStatus:   string(c.FetchStatus),
		Portal:        optString(c.Portal),
		Kind:          optString(string(c.Kind)),
		Truncated:     c.Truncated,
		Error:         optString(c.Error),
	}
	if c.HTTPStatus != 0 {
		s := int32(c.HTTPStatus)
		r.HTTPStatus = &s
	}
	if c.WARCFilename != "" {
		name, off, n := c.WARCFilename, c.WARCRecordOffset, c.WARCRecordLength
		r.WARCFilename, r.WARCRecordOffset, r.WARCRecordLength = &name, &off, &n
	}
	return r
}
