// Package configs loads and validates the crawl configuration: who we are
// (User-Agent and contact), politeness defaults, and the portals to harvest.
// Errors name the file, the line and the field, because the operator who
// reads them is editing YAML at 2 a.m.
package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"gopkg.in/yaml.v3"
)

// CMS kinds a portal can declare. Custom uses the portal's Selectors.
const (
	CMSHanweb  = "hanweb"
	CMSTRS     = "trs"
	CMSGeneric = "generic"
	CMSCustom  = "custom"
)

// DefaultTitleFilter matches the titles of annual reports in listings.
const DefaultTitleFilter = `政府信息公开.*年度?报告|年报`

// DefaultAttachmentPattern matches links to report attachments, including
// Hanweb's downfile.jsp?filename=….pdf links.
const DefaultAttachmentPattern = `(?i)\.(pdf|docx?|wps|xlsx?|et)(\?|#|$)|downfile\.jsp|/W0\d+\.|/P0\d+\.`

// File is one configuration file.
type File struct {
	// UserAgent is sent on every request. It must name the tool and carry a
	// contact URL: a county webmaster who sees us in a log should be able to
	// reach a person.
	UserAgent string `yaml:"user_agent"`
	// Contact is the URL put in the User-Agent when UserAgent is empty.
	Contact    string     `yaml:"contact"`
	Politeness Politeness `yaml:"politeness"`
	Limits     Limits     `yaml:"limits"`
	Portals    []Portal   `yaml:"portals"`

	path string
}

// Politeness is how gently we treat one host. Portals may override any field.
type Politeness struct {
	// MaxInFlightPerHost is the number of concurrent requests to one host.
	MaxInFlightPerHost int `yaml:"max_in_flight_per_host"`
	// DelayFloor and DelayCeiling bound the pause between two requests to
	// one host; within them the pause is DelayFactor × the host's last
	// response time, so a slow server is asked less often.
	DelayFloor   Duration `yaml:"delay_floor"`
	DelayCeiling Duration `yaml:"delay_ceiling"`
	DelayFactor  float64  `yaml:"delay_factor"`
	// CrawlDelayCap caps a robots.txt Crawl-delay we honour.
	CrawlDelayCap Duration `yaml:"crawl_delay_cap"`
	// RobotsTTL is how long a fetched robots.txt is trusted (at most 24h).
	RobotsTTL Duration `yaml:"robots_ttl"`
	// Retries is the number of retries after the first attempt on network
	// errors, 408, 429 and 5xx.
	Retries      int      `yaml:"retries"`
	BackoffBase  Duration `yaml:"backoff_base"`
	BackoffMax   Duration `yaml:"backoff_max"`
	ChallengeOff Duration `yaml:"challenge_backoff"` // how long a host that answered with an anti-bot challenge is left alone
}

// Limits protect the crawler from hostile or broken servers.
type Limits struct {
	GlobalConcurrency  int      `yaml:"global_concurrency"`
	ConnectTimeout     Duration `yaml:"connect_timeout"`
	HeaderTimeout      Duration `yaml:"header_timeout"`
	BodyTimeout        Duration `yaml:"body_timeout"`
	PageMaxBytes       int64    `yaml:"page_max_bytes"`
	AttachmentMaxBytes int64    `yaml:"attachment_max_bytes"`
	MaxPagesPerPortal  int      `yaml:"max_pages_per_portal"`
	MaxListPages       int      `yaml:"max_list_pages"` // pagination depth per list
	MaxRedirects       int      `yaml:"max_redirects"`
	WARCMaxBytes       int64    `yaml:"warc_max_bytes"` // rotate a WARC file past this size
}

// Portal is one government site (or one column of it) to harvest.
type Portal struct {
	Name       string `yaml:"name"`
	Agency     string `yaml:"agency"`      // hint: the publishing agency
	RegionCode string `yaml:"region_code"` // hint: GB/T 2260 code
	// CMS is hanweb, trs, generic or custom.
	CMS          string   `yaml:"cms"`
	StartURLs    []string `yaml:"start_urls"`
	AllowedHosts []string `yaml:"allowed_hosts"` // default: the hosts of StartURLs
	// TitleFilter is a regular expression a link title must match to be
	// taken as a report. Default DefaultTitleFilter.
	TitleFilter string `yaml:"title_filter"`
	// AttachmentPatterns match attachment URLs. Default DefaultAttachmentPattern.
	AttachmentPatterns []string    `yaml:"attachment_patterns"`
	Selectors          Selectors   `yaml:"selectors"`
	Politeness         *Politeness `yaml:"politeness"` // overrides, field by field
	// Reachable false marks an example portal that the test machines cannot
	// reach; crawl skips it unless --include-unreachable is given.
	Reachable *bool  `yaml:"reachable"`
	Note      string `yaml:"note"`

	line int
}

// Selectors describe a custom CMS (and may refine the built-in ones).
type Selectors struct {
	ListItem    string `yaml:"list_item"`    // CSS selector of links in a listing
	NextPage    string `yaml:"next_page"`    // CSS selector of the next-page link
	PagePattern string `yaml:"page_pattern"` // URL pattern with {n} for page numbers, e.g. index_{n}.html
	Body        string `yaml:"body"`         // CSS selector of the article body
}

// Duration is a time.Duration written as "2s" or "1m30s" in YAML.
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		// A *yaml.TypeError keeps the line: Parse turns it into file:line: field.
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: not a duration: %q (write e.g. 2s or 1m30s)", n.Line, n.Value)}}
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// DefaultPoliteness is gentle enough for a county server on a shared host.
func DefaultPoliteness() Politeness {
	return Politeness{
		MaxInFlightPerHost: 1,
		DelayFloor:         Duration(2 * time.Second),
		DelayCeiling:       Duration(30 * time.Second),
		DelayFactor:        4,
		CrawlDelayCap:      Duration(60 * time.Second),
		RobotsTTL:          Duration(24 * time.Hour),
		Retries:            3,
		BackoffBase:        Duration(2 * time.Second),
		BackoffMax:         Duration(2 * time.Minute),
		ChallengeOff:       Duration(6 * time.Hour),
	}
}

// DefaultLimits suit a nightly run over thousands of portals.
func DefaultLimits() Limits {
	return Limits{
		GlobalConcurrency:  32,
		ConnectTimeout:     Duration(10 * time.Second),
		HeaderTimeout:      Duration(30 * time.Second),
		BodyTimeout:        Duration(2 * time.Minute),
		PageMaxBytes:       10 << 20,
		AttachmentMaxBytes: 100 << 20,
		MaxPagesPerPortal:  2000,
		MaxListPages:       50,
		MaxRedirects:       5,
		WARCMaxBytes:       1 << 30,
	}
}

// Load reads, defaults and validates a configuration file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse is Load for bytes already read; path is used in error messages.
func Parse(path string, data []byte) (*File, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	f := &File{path: path}
	if err := dec.Decode(&root); errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty configuration", path)
	} else if err != nil {
		return nil, yamlError(path, nil, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: empty configuration", path)
	}
	// Decode twice: into the struct (strict about unknown fields), and walk
	// the node tree for line numbers of the portals.
	dec = yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		return nil, yamlError(path, &root, err)
	}
	f.path = path
	setPortalLines(&root, f)
	f.applyDefaults()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError rewrites the decoder's "line N: …" messages as "file:N: field: …",
// finding the field from the line in the node tree (nil before it exists).
func yamlError(path string, root *yaml.Node, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, msg := range msgs {
		m := yamlLine.FindStringSubmatch(strings.TrimSpace(msg))
		if m == nil {
			errs = append(errs, fmt.Errorf("%s: %s", path, strings.TrimPrefix(msg, "yaml: ")))
			continue
		}
		line, text := m[1], m[2]
		if field := fieldAt(root, atoiLine(line), ""); field != "" {
			text = field + ": " + text
		}
		errs = append(errs, fmt.Errorf("%s:%s: %s", path, line, text))
	}
	return errors.Join(errs...)
}

// fieldAt returns the dotted path (portals[2].politeness.delay_floor) of the
// key on the given line, "" if none.
func fieldAt(n *yaml.Node, line int, prefix string) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if f := fieldAt(c, line, prefix); f != "" {
				return f
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			name := k.Value
			if prefix != "" {
				name = prefix + "." + k.Value
			}
			if f := fieldAt(v, line, name); f != "" {
				return f
			}
			if k.Line == line {
				return name
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			name := fmt.Sprintf("%s[%d]", prefix, i)
			if f := fieldAt(c, line, name); f != "" {
				return f
			}
			if c.Line == line && c.Kind == yaml.ScalarNode {
				return name
			}
		}
	}
	return ""
}

func atoiLine(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func setPortalLines(root *yaml.Node, f *File) {
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "portals" {
			continue
		}
		for j, item := range doc.Content[i+1].Content {
			if j < len(f.Portals) {
				f.Portals[j].line = item.Line
			}
		}
	}
}

// Path is the file the configuration was read from.
func (f *File) Path() string { return f.path }

// Line is the line of the portal's entry in its file (0 if unknown).
func (p Portal) Line() int { return p.line }

func (f *File) applyDefaults() {
	def := DefaultPoliteness()
	f.Politeness = mergePoliteness(def, &f.Politeness)
	f.Limits = mergeLimits(DefaultLimits(), f.Limits)
	if f.UserAgent == "" && f.Contact != "" {
		f.UserAgent = "nianbao/1.0 (+" + f.Contact + ")"
	}
	for i := range f.Portals {
		p := &f.Portals[i]
		if p.CMS == "" {
			p.CMS = CMSGeneric
		}
		if p.TitleFilter == "" {
			p.TitleFilter = DefaultTitleFilter
		}
		if len(p.AttachmentPatterns) == 0 {
			p.AttachmentPatterns = []string{DefaultAttachmentPattern}
		}
		if len(p.AllowedHosts) == 0 {
			for _, s := range p.StartURLs {
				if u, err := url.Parse(s); err == nil && u.Host != "" && !contains(p.AllowedHosts, u.Host) {
					p.AllowedHosts = append(p.AllowedHosts, u.Host)
				}
			}
		}
	}
}

// EffectivePoliteness returns the file's politeness with the portal's overrides applied.
func (f *File) EffectivePoliteness(p Portal) Politeness {
	return mergePoliteness(f.Politeness, p.Politeness)
}

// IsReachable reports whether the portal should be crawled by default.
func (p Portal) IsReachable() bool { return p.Reachable == nil || *p.Reachable }

func mergePoliteness(base Politeness, o *Politeness) Politeness {
	if o == nil {
		return base
	}
	if o.MaxInFlightPerHost != 0 {
		base.MaxInFlightPerHost = o.MaxInFlightPerHost
	}
	if o.DelayFloor != 0 {
		base.DelayFloor = o.DelayFloor
	}
	if o.DelayCeiling != 0 {
		base.DelayCeiling = o.DelayCeiling
	}
	if o.DelayFactor != 0 {
		base.DelayFactor = o.DelayFactor
	}
	if o.CrawlDelayCap != 0 {
		base.CrawlDelayCap = o.CrawlDelayCap
	}
	if o.RobotsTTL != 0 {
		base.RobotsTTL = o.RobotsTTL
	}
	if o.Retries != 0 {
		base.Retries = o.Retries
	}
	if o.BackoffBase != 0 {
		base.BackoffBase = o.BackoffBase
	}
	if o.BackoffMax != 0 {
		base.BackoffMax = o.BackoffMax
	}
	if o.ChallengeOff != 0 {
		base.ChallengeOff = o.ChallengeOff
	}
	return base
}

func mergeLimits(base, o Limits) Limits {
	if o.GlobalConcurrency != 0 {
		base.GlobalConcurrency = o.GlobalConcurrency
	}
	if o.ConnectTimeout != 0 {
		base.ConnectTimeout = o.ConnectTimeout
	}
	if o.HeaderTimeout != 0 {
		base.HeaderTimeout = o.HeaderTimeout
	}
	if o.BodyTimeout != 0 {
		base.BodyTimeout = o.BodyTimeout
	}
	if o.PageMaxBytes != 0 {
		base.PageMaxBytes = o.PageMaxBytes
	}
	if o.AttachmentMaxBytes != 0 {
		base.AttachmentMaxBytes = o.AttachmentMaxBytes
	}
	if o.MaxPagesPerPortal != 0 {
		base.MaxPagesPerPortal = o.MaxPagesPerPortal
	}
	if o.MaxListPages != 0 {
		base.MaxListPages = o.MaxListPages
	}
	if o.MaxRedirects != 0 {
		base.MaxRedirects = o.MaxRedirects
	}
	if o.WARCMaxBytes != 0 {
		base.WARCMaxBytes = o.WARCMaxBytes
	}
	return base
}

// Validate checks the whole file and reports every problem it finds, each
// naming the file, the line of the portal and the field.
func (f *File) Validate() error {
	var errs []error
	bad := func(line int, field, format string, args ...any) {
		loc := f.path
		if line > 0 {
			loc = fmt.Sprintf("%s:%d", f.path, line)
		}
		errs = append(errs, fmt.Errorf("%s: %s: %s", loc, field, fmt.Sprintf(format, args...)))
	}
	if f.UserAgent == "" {
		bad(0, "user_agent", "required (or set contact): name the tool and a contact URL")
	} else if !strings.Contains(f.UserAgent, "http") {
		bad(0, "user_agent", "%q has no contact URL", f.UserAgent)
	}
	validatePoliteness(f.Politeness, "politeness", 0, bad)
	if f.Limits.GlobalConcurrency < 1 {
		bad(0, "limits.global_concurrency", "must be at least 1")
	}
	if f.Limits.PageMaxBytes < 1024 || f.Limits.AttachmentMaxBytes < f.Limits.PageMaxBytes {
		bad(0, "limits.attachment_max_bytes", "must be at least page_max_bytes (%d), which must be at least 1024", f.Limits.PageMaxBytes)
	}
	for _, d := range []struct {
		name string
		v    Duration
	}{{"connect_timeout", f.Limits.ConnectTimeout}, {"header_timeout", f.Limits.HeaderTimeout}, {"body_timeout", f.Limits.BodyTimeout}} {
		if d.v < 0 {
			bad(0, "limits."+d.name, "must not be negative")
		}
	}
	if f.Limits.MaxPagesPerPortal < 0 || f.Limits.MaxListPages < 0 || f.Limits.MaxRedirects < 0 {
		bad(0, "limits", "max_pages_per_portal, max_list_pages and max_redirects must not be negative")
	}
	if len(f.Portals) == 0 {
		bad(0, "portals", "no portals configured")
	}
	names := map[string]int{}
	for i, p := range f.Portals {
		field := func(name string) string { return fmt.Sprintf("portals[%d].%s", i, name) }
		if p.Name == "" {
			bad(p.line, field("name"), "required")
		} else if prev, dup := names[p.Name]; dup {
			bad(p.line, field("name"), "%q already used by the portal on line %d", p.Name, prev)
		} else {
			names[p.Name] = p.line
		}
		switch p.CMS {
		case CMSHanweb, CMSTRS, CMSGeneric:
		case CMSCustom:
			if p.Selectors.ListItem == "" {
				bad(p.line, field("selectors.list_item"), "required when cms is custom")
			}
		default:
			bad(p.line, field("cms"), "%q is not one of hanweb, trs, generic, custom", p.CMS)
		}
		if len(p.StartURLs) == 0 {
			bad(p.line, field("start_urls"), "at least one URL is required")
		}
		for j, s := range p.StartURLs {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(p.line, field(fmt.Sprintf("start_urls[%d]", j)), "%q is not an absolute http(s) URL", s)
			}
		}
		for j, h := range p.AllowedHosts {
			if h == "" || strings.ContainsAny(h, "/ ") {
				bad(p.line, field(fmt.Sprintf("allowed_hosts[%d]", j)), "%q is not a host[:port]", h)
			}
		}
		for j, s := range p.StartURLs {
			if u, err := url.Parse(s); err == nil && u.Host != "" && !contains(p.AllowedHosts, u.Host) && !contains(p.AllowedHosts, u.Hostname()) {
				bad(p.line, field(fmt.Sprintf("start_urls[%d]", j)), "host %q is not in allowed_hosts %v", u.Host, p.AllowedHosts)
			}
		}
		if _, err := regexp.Compile(p.TitleFilter); err != nil {
			bad(p.line, field("title_filter"), "%v", err)
		}
		for j, pat := range p.AttachmentPatterns {
			if _, err := regexp.Compile(pat); err != nil {
				bad(p.line, field(fmt.Sprintf("attachment_patterns[%d]", j)), "%v", err)
			}
		}
		// goquery matches nothing with a selector it cannot compile: say so
		// here rather than find no reports tonight.
		for _, s := range [][2]string{{"list_item", p.Selectors.ListItem}, {"next_page", p.Selectors.NextPage}, {"body", p.Selectors.Body}} {
			if s[1] == "" {
				continue
			}
			if _, err := cascadia.Compile(s[1]); err != nil {
				bad(p.line, field("selectors."+s[0]), "%q is not a CSS selector: %v", s[1], err)
			}
		}
		if p.RegionCode != "" && !regexp.MustCompile(`^\d{6}$`).MatchString(p.RegionCode) {
			bad(p.line, field("region_code"), "%q is not a 6-digit GB/T 2260 code", p.RegionCode)
		}
		if p.Politeness != nil {
			validatePoliteness(f.EffectivePoliteness(p), field("politeness"), p.line, bad)
		}
	}
	return errors.Join(errs...)
}

func validatePoliteness(p Politeness, prefix string, line int, bad func(int, string, string, ...any)) {
	if p.MaxInFlightPerHost < 1 {
		bad(line, prefix+".max_in_flight_per_host", "must be at least 1")
	}
	if p.DelayFloor < 0 || p.DelayCeiling < p.DelayFloor {
		bad(line, prefix+".delay_ceiling", "must be at least delay_floor (%s)", p.DelayFloor.D())
	}
	if p.DelayFactor < 0 {
		bad(line, prefix+".delay_factor", "must not be negative")
	}
	if p.RobotsTTL.D() > 24*time.Hour {
		bad(line, prefix+".robots_ttl", "at most 24h: a site's robots.txt may change daily")
	}
	if p.Retries < 0 || p.Retries > 10 {
		bad(line, prefix+".retries", "must be between 0 and 10")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
