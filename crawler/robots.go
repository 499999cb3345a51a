package crawler

import (
	"net/url"
	"strings"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsMaxBytes caps a robots.txt we read (RFC 9309 §2.5 asks parsers to
// read at least 500 KiB).
const robotsMaxBytes = 512 << 10

// robotsState is where a host's robots.txt stands.
type robotsState int

const (
	robotsUnknown robotsState = iota // not fetched yet, or expired
	robotsFetching
	robotsKnown
	robotsUnavailable // 5xx or network errors after retries: the host waits for a later run
)

// robotsRules is a parsed robots.txt for our user-agent token.
type robotsRules struct {
	group      *robotstxt.Group // nil: allow all
	crawlDelay time.Duration
	expires    time.Time
}

func (r *robotsRules) allowed(u *url.URL) bool {
	if r == nil || r.group == nil {
		return true
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return r.group.Test(p)
}

// parseRobots reads a robots.txt answer per RFC 9309: 2xx is parsed, 4xx
// means no rules (allow all). Other statuses are not passed here: the
// caller retries 5xx and network errors and never treats them as "allow".
func parseRobots(status int, body []byte, agent string, now time.Time, ttl time.Duration) *robotsRules {
	r := &robotsRules{expires: now.Add(ttl)}
	if status >= 400 && status < 500 {
		return r
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil || data == nil {
		// Unparseable rules: RFC 9309 treats what cannot be parsed as
		// absent, so the file allows all.
		return r
	}
	r.group = data.FindGroup(agent)
	if r.group != nil {
		r.crawlDelay = r.group.CrawlDelay
	}
	return r
}

// robotsAgent is the product token of a User-Agent ("nianbao/1.0 (+…)" →
// "nianbao"), the name a robots.txt group would use for us.
func robotsAgent(userAgent string) string {
	tok, _, _ := strings.Cut(userAgent, " ")
	tok, _, _ = strings.Cut(tok, "/")
	if tok == "" {
		return "*"
	}
	return tok
}
