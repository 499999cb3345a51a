// Package discover finds the links worth following on one fetched page of a
// government portal: further pages of a listing, report pages, and report
// attachments. It knows the list shapes of the common CMSs (Hanweb's
// datastore XML and dataproxy.jsp paging, TRS's createPageHTML, plain
// ?page=N and "下一页" links) and a portal's own CSS selectors. It does no
// I/O: the crawl engine fetches, discover reads.
package discover

import (
	"bytes"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/PuerkitoBio/goquery"

	"github.com/nianbao/nianbao/configs"
)

// Kind says what a link leads to, and so how its page is read.
type Kind string

const (
	KindList       Kind = "list"       // a listing (column page, a further page of it, a dataproxy answer)
	KindReport     Kind = "report"     // an annual report page
	KindAttachment Kind = "attachment" // a file attached to a report (PDF, DOC, …)
)

// Link is one link to follow. Method is GET unless the page asks for a POST
// (Hanweb's dataproxy.jsp paging), in which case Form is the request body
// and Referer the column page the server expects to see.
type Link struct {
	URL     string
	Kind    Kind
	Title   string
	Method  string
	Form    url.Values
	Referer string
}

// notReport matches titles the title filter may let through but that are
// not annual reports: work summaries, notices about the reports, business
// annual-report campaigns.
var notReport = regexp.MustCompile(`工作总结|工作要点|企业年报|年报公示|年度报告格式|通知$|通知》|公告$`)

// reportYear is the year every report title names (2022年, 2022年度,
// 二〇二二年). It tells a report from the column that lists them, which is
// often called 政府信息公开年报 too.
var reportYear = regexp.MustCompile(`(?:19|20)\d{2}\s*年|[〇○零一二三四五六七八九]{4}\s*年`)

// Find returns the links on one fetched page of a portal. page is the URL
// the body was fetched from (after redirects), pageKind how the page was
// reached. Listings yield report pages, attachments linked directly with a
// report title, and further list pages (at most the default
// limits.max_list_pages); report pages yield their attachments. Links leave
// neither the portal's allowed hosts nor http(s), and each appears once.
func Find(p configs.Portal, page *url.URL, pageKind Kind, body []byte, contentType string) ([]Link, error) {
	return FindLimit(p, page, pageKind, body, contentType, configs.DefaultLimits().MaxListPages)
}

// FindLimit is Find with the number of further list pages one listing may
// announce capped at maxListPages (limits.max_list_pages in the config).
func FindLimit(p configs.Portal, page *url.URL, pageKind Kind, body []byte, contentType string, maxListPages int) ([]Link, error) {
	if page == nil {
		return nil, fmt.Errorf("discover: nil page URL")
	}
	if pageKind == KindAttachment || !markup(contentType) {
		return nil, nil
	}
	f, err := newFinder(p, page, maxListPages)
	if err != nil {
		return nil, err
	}
	text, _ := Decode(body, contentType)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("discover: parse %s: %w", page, err)
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := page.Parse(strings.TrimSpace(href)); err == nil {
			f.base = b
		}
	}
	if pageKind == KindReport {
		f.attachments(doc)
		return f.links, nil
	}
	f.listing(doc, text)
	return f.links, nil
}

// markup reports whether a Content-Type can hold links: HTML, XML (the
// dataproxy answer), text, or unknown. A report link that turns out to be a
// PDF has none to offer.
func markup(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		return true
	}
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "xml") || mt == "application/octet-stream"
}

type finder struct {
	p       configs.Portal
	page    *url.URL
	base    *url.URL
	title   *regexp.Regexp
	attach  []*regexp.Regexp
	hosts   []string
	maxList int
	lists   int
	seen    map[string]bool
	links   []Link
}

func newFinder(p configs.Portal, page *url.URL, maxList int) (*finder, error) {
	filter := p.TitleFilter
	if filter == "" {
		filter = configs.DefaultTitleFilter
	}
	title, err := compile(filter)
	if err != nil {
		return nil, fmt.Errorf("discover: portal %q: title_filter: %w", p.Name, err)
	}
	pats := p.AttachmentPatterns
	if len(pats) == 0 {
		pats = []string{configs.DefaultAttachmentPattern}
	}
	f := &finder{p: p, page: page, base: page, title: title, maxList: maxList, seen: map[string]bool{}}
	for _, s := range pats {
		re, err := compile(s)
		if err != nil {
			return nil, fmt.Errorf("discover: portal %q: attachment pattern: %w", p.Name, err)
		}
		f.attach = append(f.attach, re)
	}
	f.hosts = p.AllowedHosts
	if len(f.hosts) == 0 {
		f.hosts = []string{page.Host}
	}
	return f, nil
}

var regexps sync.Map // pattern → *regexp.Regexp

func compile(pat string) (*regexp.Regexp, error) {
	if re, ok := regexps.Load(pat); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, err
	}
	regexps.Store(pat, re)
	return re, nil
}

// anchor is a link as found in markup, before it is classified.
type anchor struct {
	href, title, text string
}

func anchorOf(s *goquery.Selection) (anchor, bool) {
	href, ok := s.Attr("href")
	if !ok {
		return anchor{}, false
	}
	t, _ := s.Attr("title")
	return anchor{href: strings.TrimSpace(href), title: clean(t), text: clean(s.Text())}, true
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// attachments collects the attachments of a report page: links, and the
// embedded viewers (iframe, embed, object) some portals use for PDFs.
func (f *finder) attachments(doc *goquery.Document) {
	doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		a, _ := anchorOf(s)
		if u := f.resolve(a.href); u != nil && f.isAttachment(u) {
			f.add(Link{URL: u.String(), Kind: KindAttachment, Title: attachmentTitle(a, u)})
		}
	})
	// window.open('/module/download/downfile.jsp?…') in an onclick.
	doc.Find("[onclick]").Each(func(_ int, s *goquery.Selection) {
		js, _ := s.Attr("onclick")
		for _, m := range quoted.FindAllStringSubmatch(js, -1) {
			if u := f.resolve(m[1]); u != nil && f.isAttachment(u) {
				f.add(Link{URL: u.String(), Kind: KindAttachment, Title: attachmentTitle(anchor{text: clean(s.Text())}, u)})
			}
		}
	})
	doc.Find("iframe[src], embed[src], object[data]").Each(func(_ int, s *goquery.Selection) {
		src, ok := s.Attr("src")
		if !ok {
			src, _ = s.Attr("data")
		}
		if u := f.resolve(strings.TrimSpace(src)); u != nil && f.isAttachment(u) {
			f.add(Link{URL: u.String(), Kind: KindAttachment, Title: attachmentTitle(anchor{}, u)})
		}
	})
}

var quoted = regexp.MustCompile(`['"]([^'"\s]+)['"]`)

func attachmentTitle(a anchor, u *url.URL) string {
	switch {
	case a.text != "":
		return a.text
	case a.title != "":
		return a.title
	}
	if s := u.Query().Get("showname"); s != "" {
		return s
	}
	return u.Path[strings.LastIndexByte(u.Path, '/')+1:]
}

// listing collects report, attachment and pagination links of a list page.
func (f *finder) listing(doc *goquery.Document, text []byte) {
	items := doc.Find("a[href]")
	if sel := f.p.Selectors.ListItem; sel != "" {
		picked := doc.Find(sel)
		items = picked.Filter("a[href]").AddSelection(picked.Find("a[href]"))
	}
	items.Each(func(_ int, s *goquery.Selection) {
		if a, ok := anchorOf(s); ok {
			f.item(a)
		}
	})
	// Hanweb keeps the list inside <script type="text/xml">, where an HTML
	// parser sees only text: unwrap the CDATA records and parse them.
	records := hanwebRecords(text)
	if len(records) > 0 {
		frag, err := goquery.NewDocumentFromReader(strings.NewReader("<ul>" + strings.Join(records, "\n") + "</ul>"))
		if err == nil {
			frag.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
				if a, ok := anchorOf(s); ok {
					f.item(a)
				}
			})
		}
	}
	if sel := f.p.Selectors.NextPage; sel != "" {
		doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
			a, ok := anchorOf(s)
			if !ok {
				a, ok = anchorOf(s.Find("a[href]").First())
			}
			if u := f.resolve(a.href); ok && u != nil && !f.isSelf(u) {
				f.addList(Link{URL: u.String(), Kind: KindList, Title: a.text})
			}
		})
	}
	doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		a, _ := anchorOf(s)
		if u := f.resolve(a.href); u != nil && f.isPagination(a, u) {
			f.addList(Link{URL: u.String(), Kind: KindList, Title: a.text})
		}
	})
	// Disclosure platforms often draw the list in a frame of the column
	// page; a frame on the portal's hosts is a further listing.
	doc.Find("iframe[src], frame[src]").Each(func(_ int, s *goquery.Selection) {
		src, _ := s.Attr("src")
		if u := f.resolve(strings.TrimSpace(src)); u != nil && !f.isSelf(u) && !f.isAttachment(u) {
			t, _ := s.Attr("title")
			f.addList(Link{URL: u.String(), Kind: KindList, Title: clean(t)})
		}
	})
	f.hanwebPages(text, len(records))
	f.patternPages(text)
	f.trsPages(text)
}

// item classifies one link of a listing.
func (f *finder) item(a anchor) {
	u := f.resolve(a.href)
	if u == nil {
		return
	}
	title, ok := f.reportTitle(a)
	if !ok {
		return
	}
	switch {
	case f.isAttachment(u):
		f.add(Link{URL: u.String(), Kind: KindAttachment, Title: title})
	case hanwebColumn.MatchString(u.Path):
		// A Hanweb column titled like a report (a department's 年报 column)
		// is a listing, not a report.
		f.addList(Link{URL: u.String(), Kind: KindList, Title: title})
	default:
		f.add(Link{URL: u.String(), Kind: KindReport, Title: title})
	}
}

// reportTitle returns the title that marks a as a report link. The title
// attribute is preferred: listings truncate the visible text ("…").
func (f *finder) reportTitle(a anchor) (string, bool) {
	for _, t := range []string{a.title, a.text} {
		if t != "" && f.title.MatchString(t) && reportYear.MatchString(t) && !notReport.MatchString(t) {
			return t, true
		}
	}
	return "", false
}

func (f *finder) isAttachment(u *url.URL) bool {
	s := u.String()
	for _, re := range f.attach {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// pageParam matches query parameters that number the pages of a listing.
var pageParam = regexp.MustCompile(`^(?i:page|pageno|pageindex|pagenum|curpage|currentpage|p)$`)

// pagePath matches paths of numbered list pages: index_2.html,
// index_3.shtml, column-index-2.shtml, home_1.htm, /list/2.html.
var pagePath = regexp.MustCompile(`(?i)(?:[_-]\d+\.s?html?|/\d+\.s?html?)$`)

// nextText matches the text of next- and last-page links.
var nextText = regexp.MustCompile(`^(?i:下一页|下页|后页|尾页|末页|最后一页|next|next page|>|>>|»|›)$`)

var number = regexp.MustCompile(`^\d{1,4}$`)

// isPagination reports whether a link of a listing leads to another page
// of the same listing: a next/last link, or a page number whose URL looks
// numbered (by the generic shapes or the portal's page_pattern).
func (f *finder) isPagination(a anchor, u *url.URL) bool {
	if f.isSelf(u) || f.isAttachment(u) {
		return false
	}
	if nextText.MatchString(a.text) {
		return true
	}
	if !number.MatchString(a.text) {
		return false
	}
	if pat := f.p.Selectors.PagePattern; pat != "" && matchPagePattern(pat, u) {
		return true
	}
	for k := range u.Query() {
		if pageParam.MatchString(k) {
			return true
		}
	}
	return pagePath.MatchString(u.Path)
}

// matchPagePattern matches u against a pattern such as index_{n}.html or
// list.jsp?page={n}, where {n} stands for a page number.
func matchPagePattern(pat string, u *url.URL) bool {
	parts := strings.Split(pat, "{n}")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	re, err := compile(strings.Join(parts, `\d+`) + `$`)
	if err != nil {
		return false
	}
	return re.MatchString(u.RequestURI())
}

var (
	hanwebRecord    = regexp.MustCompile(`(?s)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>`)
	hanwebNextGroup = regexp.MustCompile(`(?s)<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>`)
	hanwebHref      = regexp.MustCompile(`href\s*=\s*["']([^"']+)["']`)
	hanwebTotal     = regexp.MustCompile(`(?i)totalRecord\s*["']?\s*[:=]\s*["']?(\d+)|<totalrecord>\s*(\d+)`)
	hanwebPerPage   = regexp.MustCompile(`(?i)perPage\s*["']?\s*[:=]\s*["']?(\d+)`)
	hanwebProxy     = regexp.MustCompile(`(?i)proxyUrl\s*["']?\s*[:=]\s*["']([^"']+)["']`)
	hanwebSource    = regexp.MustCompile(`(?i)sourceContentType\s*["']?\s*[:=]\s*["']?(\w+)`)
	hanwebColumn    = regexp.MustCompile(`/col/col(\d+)/`)
)

// hanwebRecords returns the markup inside the datastore's CDATA records.
func hanwebRecords(text []byte) []string {
	if !bytes.Contains(text, []byte("<record>")) {
		return nil
	}
	var out []string
	for _, m := range hanwebRecord.FindAllSubmatch(text, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// hanwebPages announces the further record groups of a Hanweb column page as
// POSTs to dataproxy.jsp. The column page embeds the first group; the
// answer to a POST is the datastore fragment again and announces nothing.
func (f *finder) hanwebPages(text []byte, embedded int) {
	if strings.Contains(f.page.Path, "dataproxy.jsp") {
		return
	}
	lower := asciiLower(text)
	m := submatchAt(hanwebTotal, text, lower, "totalrecord")
	if m == nil {
		return
	}
	total := atoi(string(m[1]) + string(m[2]))
	perPage := 15
	if m := submatchAt(hanwebPerPage, text, lower, "perpage"); m != nil && atoi(string(m[1])) > 0 {
		perPage = atoi(string(m[1]))
	}
	// dataproxy serves three pages per call, as the Hanweb script asks.
	step := 3 * perPage
	form := url.Values{"col": {"1"}, "appid": {"1"}, "webid": {"1"}, "path": {"/"}, "columnid": {""},
		"sourceContentType": {"1"}, "unitid": {""}, "webname": {""}, "permissiontype": {"0"}}
	proxy := "/module/web/jpage/dataproxy.jsp"
	if m := hanwebNextGroup.FindSubmatch(text); m != nil {
		if h := hanwebHref.FindSubmatch(m[1]); h != nil {
			if u, err := url.Parse(htmlUnescape(string(h[1]))); err == nil {
				if u.Path != "" {
					proxy = u.Path
				}
				for k, v := range u.Query() {
					if _, known := form[k]; known && len(v) > 0 {
						form.Set(k, v[0])
					}
				}
			}
		}
	}
	if m := submatchAt(hanwebProxy, text, lower, "proxyurl"); m != nil {
		proxy = string(m[1])
	}
	if m := submatchAt(hanwebSource, text, lower, "sourcecontenttype"); m != nil {
		form.Set("sourceContentType", string(m[1]))
	}
	if form.Get("columnid") == "" {
		if m := hanwebColumn.FindStringSubmatch(f.page.Path); m != nil {
			form.Set("columnid", m[1])
		}
	}
	pu := f.resolve(proxy)
	if pu == nil {
		return
	}
	for start := embedded + 1; start <= total; start += step {
		end := min(start+step-1, total)
		u := *pu
		u.RawQuery = fmt.Sprintf("startrecord=%d&endrecord=%d&perpage=%d", start, end, perPage)
		if !f.addList(Link{URL: u.String(), Kind: KindList, Method: "POST", Form: cloneValues(form), Referer: f.page.String()}) {
			return
		}
	}
}

// submatchAt runs re only where the keyword kw occurs in lower (text in
// ASCII lower case): Go's regexp has no fast path for case-insensitive
// prefixes, and a column page is mostly markup that cannot match.
func submatchAt(re *regexp.Regexp, text, lower []byte, kw string) [][]byte {
	for off := 0; off < len(lower); {
		i := bytes.Index(lower[off:], []byte(kw))
		if i < 0 {
			return nil
		}
		at := off + i
		if m := re.FindSubmatch(text[max(0, at-1):min(len(text), at+len(kw)+256)]); m != nil {
			return m
		}
		off = at + len(kw)
	}
	return nil
}

// asciiLower lowers A–Z only, so byte offsets stay those of text.
func asciiLower(text []byte) []byte {
	out := make([]byte, len(text))
	for i, c := range text {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

var trsPager = regexp.MustCompile(`createPageHTML\(\s*['"]?(\d+)['"]?\s*,\s*['"]?(\d+)['"]?\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']`)

// trsPages expands TRS's createPageHTML(n, cur, "index", "html"): page 0 is
// index.html, page i is index_i.html, up to n−1.
func (f *finder) trsPages(text []byte) {
	if !bytes.Contains(text, []byte("createPageHTML")) {
		return
	}
	m := trsPager.FindSubmatch(text)
	if m == nil {
		return
	}
	n, prefix, ext := atoi(string(m[1])), string(m[3]), string(m[4])
	for i := 0; i < n; i++ {
		name := prefix + "." + ext
		if i > 0 {
			name = fmt.Sprintf("%s_%d.%s", prefix, i, ext)
		}
		u := f.resolve(name)
		if u == nil || f.isSelf(u) {
			continue
		}
		if !f.addList(Link{URL: u.String(), Kind: KindList, Title: strconv.Itoa(i + 1)}) {
			return
		}
	}
}

var pageCount = regexp.MustCompile(`(?:countPage|totalPage|pageCount|totalPages|pageTotal)\s*["']?\s*[:=]\s*["']?(\d+)`)

// patternPages expands the portal's page_pattern over the page count a
// listing announces in its script (countPage, totalPage, …), for sites that
// draw their pager in JavaScript. {n} runs from 1 to the count: sites that
// number from 0 (index_1 is the second page) answer the last one with 404.
func (f *finder) patternPages(text []byte) {
	pat := f.p.Selectors.PagePattern
	if !strings.Contains(pat, "{n}") {
		return
	}
	m := pageCount.FindSubmatch(text)
	if m == nil {
		return
	}
	for n := 1; n <= atoi(string(m[1])); n++ {
		u := f.resolve(strings.ReplaceAll(pat, "{n}", strconv.Itoa(n)))
		if u == nil || f.isSelf(u) {
			continue
		}
		if !f.addList(Link{URL: u.String(), Kind: KindList, Title: strconv.Itoa(n)}) {
			return
		}
	}
}

// resolve makes href absolute against the page (or its <base>) and returns
// nil for links that leave http(s) or the portal's hosts.
func (f *finder) resolve(href string) *url.URL {
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	u, err := f.base.Parse(htmlUnescape(href))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.Fragment, u.RawFragment = "", ""
	if !f.allowed(u) {
		return nil
	}
	return u
}

func (f *finder) allowed(u *url.URL) bool {
	for _, h := range f.hosts {
		if strings.EqualFold(h, u.Host) || (!strings.Contains(h, ":") && strings.EqualFold(h, u.Hostname())) {
			return true
		}
	}
	return false
}

func (f *finder) isSelf(u *url.URL) bool {
	return u.Host == f.page.Host && u.Path == f.page.Path && u.RawQuery == f.page.RawQuery
}

// add appends l unless an equal link (method, URL and form) is already there.
func (f *finder) add(l Link) bool {
	if l.Method == "" {
		l.Method = "GET"
	}
	key := l.Method + " " + l.URL + " " + l.Form.Encode()
	if f.seen[key] {
		return false
	}
	f.seen[key] = true
	f.links = append(f.links, l)
	return true
}

// addList adds a list link while the page budget lasts; false once it is spent.
func (f *finder) addList(l Link) bool {
	if f.lists >= f.maxList {
		return false
	}
	if f.add(l) {
		f.lists++
	}
	return true
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// htmlUnescape undoes the entity escaping of hrefs copied out of CDATA or
// script text (&amp; in query strings).
func htmlUnescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&amp;", "&", "&#38;", "&").Replace(s)
}
