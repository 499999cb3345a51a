package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	// {agency}{YYYY}年(度)政府信息公开工作年度报告, spaces allowed around the year.
	titleRe = regexp.MustCompile(`^(.*?)(\d{4})年度?(?:政府信息公开|政务公开|信息公开)工作年度?报告`)
	// The title without a year: the agency is still the prefix.
	titleNoYearRe = regexp.MustCompile(`^(.*?)(?:政府信息公开|信息公开)工作年度报告`)
	periodRe      = regexp.MustCompile(`统计期限自?(\d{4})年`)
	bodyYearRe    = regexp.MustCompile(`现将[^。]{0,40}?(\d{4})年[^。]{0,40}?报告如下`)
	bodyYear2Re   = regexp.MustCompile(`现(?:将|公布)[^。]{0,40}?(\d{4})年度?(?:政府信息公开|政务公开|信息公开)`)
	cnDateRe      = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日$`)
	isoDateRe     = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s.*)?$`)
	// 索引号: USCC/YYYY-serial (Zhejiang) or 9-digit org code/YYYY-serial.
	indexNoRe = regexp.MustCompile(`^(?:索引号[:：]?)?([0-9A-HJ-NPQRTUWXY]{18}|\d{8}-?[0-9X]|[0-9A-Z]{9})/(\d{4})-(\d+)$`)
	hanwebURL = regexp.MustCompile(`/art/(\d{4})/(\d{1,2})/(\d{1,2})/`)
	trsURL    = regexp.MustCompile(`/t(\d{4})(\d{2})(\d{2})_\d+`)
	// A signature line: an organisation name.
	agencySuffixes = strings.Split("人民政府|政府|局|委员会|委|办公室|办|中心|厅|院|署|所|站|处|会|队|馆|部|社|集团|公司|街道|街道办事处|镇|乡|管委会|管理委员会", "|")
)

// metadata recovers agency, report year, publication date and index number
// (domain spec §4), then the region code from the agency's place name.
func (m *mapper) metadata() {
	titles := m.titleCandidates()
	title, titleIdx := "", -1
	for i, t := range titles {
		if !strings.Contains(t, "报告") {
			continue
		}
		n := normalize(t)
		if utf8.RuneCountInString(n) > 80 {
			continue // prose that mentions a report, not a title
		}
		if !isTitle(n) {
			continue
		}
		if mm := titleRe.FindStringSubmatch(n); mm != nil {
			title, titleIdx = n, i
			if y, _ := strconv.Atoi(mm[2]); y >= 2000 && y <= 2100 {
				m.rep.ReportYear = y
			}
			m.rep.Agency = cleanAgency(mm[1])
			break
		}
		if title == "" {
			if mm := titleNoYearRe.FindStringSubmatch(n); mm != nil {
				title, titleIdx = n, i
				m.rep.Agency = cleanAgency(mm[1])
			}
		}
	}
	_ = title
	// A standalone agency line just above the title.
	if m.rep.Agency == "" && titleIdx > 0 {
		if prev := normalize(titles[titleIdx-1]); looksLikeAgency(prev) {
			m.rep.Agency = prev
		}
	}
	m.publication()
	switch sig := m.signature(); {
	case m.rep.Agency == "":
		m.rep.Agency = sig
	case sig != m.rep.Agency && strings.HasSuffix(sig, m.rep.Agency):
		// The title often drops the city (金水区城市管理局); the signature
		// spells the full name (郑州市金水区城市管理局), which the region
		// lookup needs.
		m.rep.Agency = sig
	}
	if m.rep.Agency == "" {
		if v := m.metaField("发布机构", "发文机关", "信息来源", "来源"); v != "" {
			m.rep.Agency = cleanAgency(normalize(v))
		}
	}
	if m.rep.ReportYear == 0 {
		m.rep.ReportYear = m.bodyYear()
	}
	if m.rep.ReportYear == 0 && len(m.rep.PublicationDate) >= 4 {
		y, _ := strconv.Atoi(m.rep.PublicationDate[:4])
		m.rep.ReportYear = y - 1
		m.warnf("report year taken as the publication year minus one")
	}
	m.year = m.rep.ReportYear
	m.indexNo()
	m.region()
}

// titleCandidates are the lines a title may be on: the reader's title, then
// the first lines of the document.
func (m *mapper) titleCandidates() []string {
	var out []string
	if t := m.d.Title; t != "" {
		// A page title often appends the site: …年度报告-某某市人民政府门户网站.
		if i := strings.Index(t, "报告"); i >= 0 {
			if j := strings.IndexAny(t[i:], "-_|－—–"); j >= 0 {
				t = t[:i+j]
			}
		}
		out = append(out, t)
	}
	n := 0
	for _, l := range m.lines {
		out = append(out, l)
		if n++; n >= 30 {
			break
		}
	}
	return out
}

// isTitle tells a title line from prose that mentions the report: the
// text before 报告 has no sentence punctuation, and little follows it
// (a suffix such as （图片版）).
func isTitle(n string) bool {
	i := strings.Index(n, "报告")
	if i < 0 {
		return false
	}
	if strings.ContainsAny(n[:i], ",。;:!?，；：") {
		return false
	}
	return utf8.RuneCountInString(n[i:]) <= 14
}

func cleanAgency(s string) string {
	s = strings.Trim(s, " -_:：,，|")
	s = strings.TrimPrefix(s, "关于")
	if i := strings.LastIndexAny(s, "》>"); i >= 0 {
		s = s[i+1:]
	}
	if utf8.RuneCountInString(s) > 40 {
		return ""
	}
	return s
}

func looksLikeAgency(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 3 && n <= 30 && hasAgencySuffix(s) && !strings.ContainsAny(s, "。,，;；:：")
}

func hasAgencySuffix(s string) bool {
	for _, suf := range agencySuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// signature is the organisation line just above the trailing date, or the
// last organisation-looking line of the document.
func (m *mapper) signature() string {
	for i := len(m.lines) - 1; i >= 0 && i >= len(m.lines)-6; i-- {
		l := normalize(m.lines[i])
		if cnDateRe.MatchString(l) {
			continue
		}
		if looksLikeAgency(l) {
			return l
		}
	}
	return ""
}

// publication finds the publication date: a trailing date line, a page
// metadata date, a date line at the top (unlabelled metadata), the URL.
func (m *mapper) publication() {
	for i := len(m.lines) - 1; i >= 0 && i >= len(m.lines)-6; i-- {
		if d := parseDate(normalize(m.lines[i])); d != "" {
			m.rep.PublicationDate = d
			return
		}
	}
	if v := m.metaField("发布日期", "发布时间", "成文日期", "生成日期", "日期"); v != "" {
		if d := parseDate(normalize(v)); d != "" {
			m.rep.PublicationDate = d
			return
		}
	}
	for i, l := range m.lines {
		if i >= 10 {
			break
		}
		if d := parseDate(normalize(l)); d != "" {
			m.rep.PublicationDate = d
			return
		}
	}
	if mm := hanwebURL.FindStringSubmatch(m.src.Name); mm != nil {
		m.rep.PublicationDate = ymd(mm[1], mm[2], mm[3])
	} else if mm := trsURL.FindStringSubmatch(m.src.Name); mm != nil {
		m.rep.PublicationDate = ymd(mm[1], mm[2], mm[3])
	}
}

func parseDate(s string) string {
	if len(s) > 40 || !strings.ContainsAny(s, "年-/.") {
		return ""
	}
	if mm := cnDateRe.FindStringSubmatch(s); mm != nil {
		return ymd(mm[1], mm[2], mm[3])
	}
	if mm := isoDateRe.FindStringSubmatch(s); mm != nil {
		return ymd(mm[1], mm[2], mm[3])
	}
	return ""
}

func ymd(y, mo, d string) string {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(mo)
	dd, _ := strconv.Atoi(d)
	if yy < 2000 || yy > 2100 || mm < 1 || mm > 12 || dd < 1 || dd > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", yy, mm, dd)
}

func (m *mapper) bodyYear() int {
	for _, re := range []*regexp.Regexp{periodRe, bodyYearRe, bodyYear2Re} {
		for _, p := range m.paras {
			if !strings.Contains(p.text, "年") {
				continue
			}
			if mm := re.FindStringSubmatch(normalize(p.text)); mm != nil {
				if y, _ := strconv.Atoi(mm[1]); y >= 2000 && y <= 2100 {
					return y
				}
			}
		}
	}
	return 0
}

// metaField returns the first page metadata value with one of names.
func (m *mapper) metaField(names ...string) string {
	for _, f := range m.d.Meta {
		n := normalize(f.Name)
		n = strings.TrimRight(n, ":")
		for _, want := range names {
			if n == want && strings.TrimSpace(f.Value) != "" {
				return strings.TrimSpace(f.Value)
			}
		}
	}
	return ""
}

func (m *mapper) indexNo() {
	if v := m.metaField("索引号"); v != "" {
		m.rep.IndexNo = normalize(v)
		return
	}
	for i, l := range m.lines {
		if i >= 40 {
			break
		}
		if !strings.Contains(l, "/") {
			continue
		}
		n := normalize(l)
		if mm := indexNoRe.FindStringSubmatch(n); mm != nil {
			m.rep.IndexNo = strings.TrimPrefix(strings.TrimPrefix(n, "索引号:"), "索引号")
			return
		}
	}
}
