package farm

import (
	"bytes"
	"fmt"
)

// ConfigYAML returns a nianbao configuration (configs.Parse accepts it) that
// crawls every portal of the farm with short delays: 10–50 ms between
// requests to a host, timeouts that let /slow/ through but give up on
// /stall/, an attachment cap well below the huge attachment.
func (f *Farm) ConfigYAML() []byte {
	var b bytes.Buffer
	b.WriteString(`# nianbao configuration for the simulated portal farm (crawler/farm).
user_agent: "nianbao-test/1.0 (+http://127.0.0.1/nianbao-contact)"
politeness:
  max_in_flight_per_host: 1
  delay_floor: 10ms
  delay_ceiling: 50ms
  delay_factor: 1
  crawl_delay_cap: 50ms
  robots_ttl: 1h
  retries: 3
  backoff_base: 20ms
  backoff_max: 2s
  challenge_backoff: 1m
limits:
  global_concurrency: 8
  connect_timeout: 1s
  header_timeout: 4s
  body_timeout: 3s
  page_max_bytes: 4194304
  attachment_max_bytes: 16777216
  max_pages_per_portal: 500
  max_list_pages: 20
  max_redirects: 5
portals:
`)
	for _, s := range f.sites {
		cms := "generic"
		switch s.name {
		case SiteOutside:
			continue // the out-of-scope host is no portal
		case SiteHanweb:
			cms = "hanweb"
		case SiteTRS:
			cms = "trs"
		}
		fmt.Fprintf(&b, "  - name: farm-%s\n    cms: %s\n    start_urls: [%q]\n", s.name, cms, f.StartURL(s.name))
		if region := f.siteRegion(s.name); region != "" {
			fmt.Fprintf(&b, "    region_code: %q\n", region)
		}
		fmt.Fprintf(&b, "    note: %q\n", siteNote(s.name))
	}
	return b.Bytes()
}

var siteNotes = map[string]string{
	SiteHanweb:  "Hanweb-like: datastore column page, dataproxy.jsp POST paging, downfile.jsp attachments",
	SiteTRS:     "TRS-like: createPageHTML paging, GBK pages, one declaring its charset only in <meta>, W0 attachments",
	SiteGeneric: "generic: ?page=N and 下一页 links",
	SiteFaults:  "faults: 5xx then success, 429, stall, reset, truncated gzip, redirect loop, huge file, lying charset",
	SiteRuishu:  "anti-bot challenge: 412 with a $_ts script (瑞数)",
	SiteJiasule: "anti-bot challenge: 521 with __jsl_clearance (加速乐)",
	SiteShell:   "anti-bot challenge: a report page that is a tiny JavaScript-only shell",
}

func siteNote(name string) string {
	if n, ok := siteNotes[name]; ok {
		return n
	}
	return "benchmark host: plain listing, fixed delay"
}

// siteRegion is the region every report of a site shares, "" when they differ.
func (f *Farm) siteRegion(site string) string {
	region := ""
	for _, r := range f.reports {
		if r.site != site {
			continue
		}
		if region != "" && region != r.Region {
			return ""
		}
		region = r.Region
	}
	return region
}
