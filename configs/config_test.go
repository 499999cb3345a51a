package configs

import (
	"strings"
	"testing"
	"time"
)

func TestExampleFileLoads(t *testing.T) {
	f, err := Load("portals.example.yaml")
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if f.Path() != "portals.example.yaml" {
		t.Errorf("Path() = %q", f.Path())
	}
	kinds := map[string]bool{}
	for _, p := range f.Portals {
		kinds[p.CMS] = true
		if p.IsReachable() {
			t.Errorf("%s: the example portals are not reachable from the test machines; mark them reachable: false", p.Name)
		}
		if p.Note == "" || p.Line() == 0 {
			t.Errorf("%s: note %q, line %d", p.Name, p.Note, p.Line())
		}
		if len(p.AllowedHosts) == 0 || p.TitleFilter == "" || len(p.AttachmentPatterns) == 0 {
			t.Errorf("%s: defaults not applied: %+v", p.Name, p)
		}
	}
	for _, k := range []string{CMSHanweb, CMSTRS, CMSGeneric, CMSCustom} {
		if !kinds[k] {
			t.Errorf("no example portal with cms %s", k)
		}
	}
	// The Hanweb portal overrides two politeness fields and keeps the rest.
	var hanweb Portal
	for _, p := range f.Portals {
		if p.CMS == CMSHanweb {
			hanweb = p
		}
	}
	pol := f.EffectivePoliteness(hanweb)
	if pol.DelayFloor.D() != 5*time.Second || pol.DelayFactor != 6 || pol.DelayCeiling.D() != 30*time.Second || pol.Retries != 3 {
		t.Errorf("effective politeness %+v", pol)
	}
	if f.UserAgent == "" || !strings.Contains(f.UserAgent, "http") {
		t.Errorf("user agent %q", f.UserAgent)
	}
}

func TestDefaults(t *testing.T) {
	f, err := Parse("min.yaml", []byte("contact: https://example.org/c\nportals:\n  - name: a\n    start_urls: [\"http://a.gov.cn:8080/list/\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := f.Portals[0]
	if f.UserAgent != "nianbao/1.0 (+https://example.org/c)" || p.CMS != CMSGeneric || p.TitleFilter != DefaultTitleFilter ||
		len(p.AllowedHosts) != 1 || p.AllowedHosts[0] != "a.gov.cn:8080" || !p.IsReachable() || p.Line() != 3 {
		t.Errorf("defaults: UA %q, portal %+v", f.UserAgent, p)
	}
	if f.Politeness != DefaultPoliteness() || f.Limits != DefaultLimits() {
		t.Errorf("politeness %+v limits %+v", f.Politeness, f.Limits)
	}
}

// TestInvalid checks that every error names the file, the line (for portal
// fields and decode errors) and the field.
func TestInvalid(t *testing.T) {
	const head = "contact: https://example.org/c\n"
	const portal = "portals:\n  - name: a\n    start_urls: [\"http://a.gov.cn/\"]\n"
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error, in any order
	}{
		{"no user agent", portal, []string{"bad.yaml: user_agent: required"}},
		{"user agent without contact", "user_agent: bot/1\n" + portal, []string{`bad.yaml: user_agent: "bot/1" has no contact URL`}},
		{"no portals", head, []string{"bad.yaml: portals: no portals configured"}},
		{"empty file", "", []string{"bad.yaml: empty configuration"}},
		{"syntax", head + "portals:\n  - name: [\n", []string{"bad.yaml:3: did not find expected node content"}},
		{"unknown field", head + portal + "    titel_filter: x\n", []string{"bad.yaml:5: portals[0].titel_filter: field titel_filter not found"}},
		{"unknown top field", head + "politness:\n  retries: 1\n" + portal, []string{"bad.yaml:2: politness: field politness not found"}},
		{"bad duration", head + "politeness:\n  delay_floor: 2 seconds\n" + portal, []string{`bad.yaml:3: politeness.delay_floor: not a duration: "2 seconds"`}},
		{"bad portal duration", head + portal + "    politeness:\n      backoff_max: soon\n", []string{`bad.yaml:6: portals[0].politeness.backoff_max: not a duration: "soon"`}},
		{"wrong type", head + "limits:\n  global_concurrency: many\n" + portal, []string{"bad.yaml:3: limits.global_concurrency: cannot unmarshal !!str `many` into int"}},
		{"duplicate name", head + portal + "  - name: a\n    start_urls: [\"http://b.gov.cn/\"]\n", []string{`bad.yaml:5: portals[1].name: "a" already used by the portal on line 3`}},
		{"missing name", head + "portals:\n  - cms: trs\n    start_urls: [\"http://a.gov.cn/\"]\n", []string{"bad.yaml:3: portals[0].name: required"}},
		{"unknown cms", head + portal + "    cms: dede\n", []string{`bad.yaml:3: portals[0].cms: "dede" is not one of hanweb, trs, generic, custom`}},
		{"custom without list_item", head + portal + "    cms: custom\n", []string{"bad.yaml:3: portals[0].selectors.list_item: required when cms is custom"}},
		{"bad selector", head + portal + "    cms: custom\n    selectors:\n      list_item: \"ul li a\"\n      next_page: \"a[href=\"\n", []string{`bad.yaml:3: portals[0].selectors.next_page: "a[href=" is not a CSS selector`}},
		{"no start urls", head + "portals:\n  - name: a\n", []string{"bad.yaml:3: portals[0].start_urls: at least one URL is required"}},
		{"relative start url", head + "portals:\n  - name: a\n    start_urls: [\"/col/col1/index.html\"]\n", []string{`bad.yaml:3: portals[0].start_urls[0]: "/col/col1/index.html" is not an absolute http(s) URL`}},
		{"ftp start url", head + "portals:\n  - name: a\n    start_urls: [\"ftp://a.gov.cn/\"]\n", []string{`portals[0].start_urls[0]: "ftp://a.gov.cn/" is not an absolute http(s) URL`}},
		{"start url outside allowed hosts", head + portal + "    allowed_hosts: [b.gov.cn]\n", []string{`bad.yaml:3: portals[0].start_urls[0]: host "a.gov.cn" is not in allowed_hosts [b.gov.cn]`}},
		{"allowed host with scheme", head + portal + "    allowed_hosts: [a.gov.cn, \"http://a.gov.cn\"]\n", []string{`bad.yaml:3: portals[0].allowed_hosts[1]: "http://a.gov.cn" is not a host[:port]`}},
		{"bad title filter", head + portal + "    title_filter: \"年报(\"\n", []string{"bad.yaml:3: portals[0].title_filter: error parsing regexp"}},
		{"bad attachment pattern", head + portal + "    attachment_patterns: [\"\\\\.pdf\", \"[\"]\n", []string{"bad.yaml:3: portals[0].attachment_patterns[1]: error parsing regexp"}},
		{"bad region code", head + portal + "    region_code: \"3301\"\n", []string{`bad.yaml:3: portals[0].region_code: "3301" is not a 6-digit GB/T 2260 code`}},
		{"portal ceiling below floor", head + portal + "    politeness:\n      delay_floor: 1m\n", []string{"bad.yaml:3: portals[0].politeness.delay_ceiling: must be at least delay_floor (1m0s)"}},
		{"robots ttl too long", head + "politeness:\n  robots_ttl: 48h\n" + portal, []string{"bad.yaml: politeness.robots_ttl: at most 24h"}},
		{"retries out of range", head + "politeness:\n  retries: 11\n" + portal, []string{"bad.yaml: politeness.retries: must be between 0 and 10"}},
		{"negative in flight", head + "politeness:\n  max_in_flight_per_host: -1\n" + portal, []string{"bad.yaml: politeness.max_in_flight_per_host: must be at least 1"}},
		{"negative timeout", head + "limits:\n  body_timeout: -1s\n" + portal, []string{"bad.yaml: limits.body_timeout: must not be negative"}},
		{"attachment cap below page cap", head + "limits:\n  attachment_max_bytes: 2048\n" + portal, []string{"bad.yaml: limits.attachment_max_bytes: must be at least page_max_bytes"}},
		{"several problems at once", head + "portals:\n  - name: a\n    cms: x\n  - name: a\n    start_urls: [\"http://a.gov.cn/\"]\n",
			[]string{`bad.yaml:3: portals[0].cms: "x"`, "bad.yaml:3: portals[0].start_urls: at least one", `bad.yaml:5: portals[1].name: "a" already used`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error for:\n%s", tc.yaml)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n  %v\ndoes not contain\n  %s", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load("testdata/does-not-exist.yaml"); err == nil || !strings.Contains(err.Error(), "does-not-exist.yaml") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("contact: https://e.org\nportals:\n  - name: a\n    start_urls: [\"http://a/\"]\n"))
	f.Add([]byte("portals:\n  - name: [\n"))
	f.Add([]byte("politeness:\n  delay_floor: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil && cfg.Validate() != nil {
			t.Fatal("Parse accepted a file Validate rejects")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
