package htmldoc

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/extract/doc"
)

// Containers that CMSs use for the article body (domain spec §5.2).
var (
	knownIDs     = []string{"zoom", "ivs_content", "webeditorview"}
	knownClasses = []string{"TRS_Editor", "Custom_UnionStyle", "article-content", "xxgk_content"}
)

func knownContainer(id, class []byte) bool {
	if len(id) > 0 {
		id = bytes.TrimSpace(id)
		for _, k := range knownIDs {
			if bytes.EqualFold(id, []byte(k)) {
				return true
			}
		}
	}
	for len(class) > 0 {
		var f []byte
		f, class = nextField(class)
		for _, k := range knownClasses {
			if bytes.EqualFold(f, []byte(k)) {
				return true
			}
		}
	}
	return false
}

// nextField splits the first space-separated field off s without allocating.
func nextField(s []byte) (field, rest []byte) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !isSpace(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

func namesTitle(v []byte) bool { return containsFold(v, "title") }

var chromeNames = []string{
	"nav", "menu", "footer", "crumb", "header", "position", "location", "dqwz", "bottom", "copyright",
}

func namesChrome(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, n := range chromeNames {
		if containsFold(v, n) {
			return true
		}
	}
	return false
}

// containsFold reports whether v contains the lower-case ASCII word w,
// ignoring ASCII case, without allocating.
func containsFold(v []byte, w string) bool {
	for i := 0; i+len(w) <= len(v); i++ {
		if asciiEqualFold(v[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// Navigation and portal words: a short text holding one is page chrome.
var noiseWords = []string{
	"首页", "当前位置", "无障碍", "长者版", "网站地图", "设为首页", "加入收藏", "联系我们",
	"版权所有", "ICP备", "网站标识码", "主办单位", "承办单位", "技术支持", "简体", "繁体",
	"打印本页", "关闭窗口", "返回顶部", "扫一扫",
}

// document assembles the Document once the whole page has been read.
func (b *builder) document() *doc.Document {
	d := &doc.Document{Format: doc.FormatHTML, Warnings: b.warnings}

	text := string(b.arena)
	b.arena = nil
	for i := range b.items {
		it := &b.items[i]
		it.text = text[it.off : it.off+it.n]
	}
	// A cell holding several paragraphs of prose (30 runes or more) is a
	// page column, not a datum: its table is for layout (two-column pages without a nested
	// table or a known container).
	for i := range b.items {
		if it := &b.items[i]; it.owner >= 0 {
			c := &b.cells[it.owner]
			c.segs++
			if it.runes >= 30 {
				c.prose++
			}
			if c.prose >= 3 {
				b.tables[c.table].hasBody = true
			}
		}
	}
	// Fold the text of data-table cells into their cells; the text of
	// layout-table cells stays as paragraphs.
	var multi map[int32][]string // cells of several segments, joined below
	for i := range b.items {
		it := &b.items[i]
		if it.owner < 0 {
			continue
		}
		c := &b.cells[it.owner]
		if b.tables[c.table].layout() {
			continue
		}
		it.consumed = true
		if c.segs == 1 {
			c.text = it.text
			continue
		}
		if multi == nil {
			multi = map[int32][]string{}
		}
		multi[it.owner] = append(multi[it.owner], it.text)
	}
	for k, parts := range multi {
		b.cells[k].text = strings.Join(parts, " ")
	}
	grids := make([]*doc.Table, len(b.tables))
	for i, t := range b.tables {
		if !t.layout() {
			grids[i] = t.grid(b.cells)
		}
	}

	start, end := b.body(grids)
	start, end = b.coverReportTables(grids, start, end, d)
	for i := start; i < end; i++ {
		it := &b.items[i]
		switch {
		case it.table >= 0:
			if g := grids[it.table]; g != nil && len(g.Rows) > 0 {
				d.Blocks = append(d.Blocks, doc.Block{Table: g, Loc: g.Loc})
			}
		case !it.consumed:
			d.Blocks = append(d.Blocks, doc.Block{Text: it.text, Loc: doc.Loc{Line: int(it.line)}})
		}
	}
	d.Title = b.pickTitle(start, end)
	d.Meta = b.meta(grids, start, end)
	return d
}

// reportTableLabels are header labels of the report templates' tables
// (domain spec §1); a table holding one is a report table wherever it is.
var reportTableLabels = []string{"第二十条", "信息内容", "申请人情况", "本年新收", "行政复议", "行政诉讼"}

// coverReportTables widens the body to take in report tables that a CMS
// placed outside its article container: losing a table is worse than
// reading some page furniture beside it. A table whose template labels
// the body already has (a hidden print copy, say) is not taken in.
func (b *builder) coverReportTables(grids []*doc.Table, start, end int, d *doc.Document) (int, int) {
	var inBody uint
	for i := start; i < end; i++ {
		if it := &b.items[i]; it.table >= 0 && grids[it.table] != nil {
			inBody |= reportLabels(grids[it.table])
		}
	}
	s, e := start, end
	for i := range b.items {
		it := &b.items[i]
		if it.table < 0 || (i >= start && i < end) || grids[it.table] == nil {
			continue
		}
		if l := reportLabels(grids[it.table]); l&^inBody != 0 {
			s, e = min(s, i), max(e, i+1)
			inBody |= l
		}
	}
	if s != start || e != end {
		d.Warnings = append(d.Warnings, "report tables found outside the article container: body widened to include them")
	}
	return s, e
}

// reportLabels returns the set (bit i for reportTableLabels[i]) of
// template labels in the table's cells.
func reportLabels(g *doc.Table) uint {
	var set uint
	for _, row := range g.Rows {
		for _, c := range row {
			if c.Spanned || len(c.Text) > 120 {
				continue
			}
			for i, l := range reportTableLabels {
				if strings.Contains(c.Text, l) {
					set |= 1 << i
				}
			}
		}
	}
	return set
}

// rangeStats summarises the items in a candidate body.
type rangeStats struct {
	runes, link, noise, tables, chrome int32
	free                               int32    // items that become blocks (not cell text)
	markers                            [7]int32 // paragraphs starting 一、… 六、
}

// body chooses the item range of the article body: the largest known CMS
// container with content, else the best-scoring candidate element, else
// the whole page.
func (b *builder) body(grids []*doc.Table) (int, int) {
	n := len(b.items)
	best, bestSize := -1, 0
	var sizes []int // prefix sums of content size, for known containers
	for i, c := range b.containers {
		if !c.known {
			continue
		}
		if sizes == nil {
			sizes = make([]int, n+1)
			for k := range b.items {
				size := 0
				if it := &b.items[k]; it.table >= 0 {
					if g := grids[it.table]; g != nil && len(g.Rows) >= 2 {
						size = 200
					}
				} else {
					size = int(it.runes)
				}
				sizes[k+1] = sizes[k] + size
			}
		}
		size := sizes[c.end] - sizes[c.start]
		if size >= 20 && size > bestSize {
			best, bestSize = i, size
		}
	}
	if best >= 0 {
		return b.containers[best].start, b.containers[best].end
	}

	// Prefix sums make every candidate's statistics O(1).
	pre := make([]rangeStats, n+1)
	for i := range b.items {
		s := pre[i]
		it := &b.items[i]
		if !it.consumed {
			s.free++
		}
		if it.table >= 0 {
			if g := grids[it.table]; g != nil && len(g.Rows) >= 2 {
				s.tables++
			}
		} else {
			s.runes += it.runes
			s.link += it.link
			if it.flags&fChrome != 0 {
				s.chrome += it.runes
			}
			if !it.consumed {
				if k := sectionMarker(it.text); k > 0 {
					s.markers[k]++
				}
				if it.runes <= 60 && hasNoise(it.text) {
					s.noise++
				}
			}
		}
		pre[i+1] = s
	}
	stats := func(s, e int) rangeStats {
		a, z := pre[s], pre[e]
		r := rangeStats{
			runes: z.runes - a.runes, link: z.link - a.link, noise: z.noise - a.noise,
			tables: z.tables - a.tables, chrome: z.chrome - a.chrome,
			free: z.free - a.free,
		}
		for k := range r.markers {
			r.markers[k] = z.markers[k] - a.markers[k]
		}
		return r
	}

	score := func(s rangeStats) float64 {
		markers := 0
		for _, m := range s.markers[1:] {
			if m > 0 {
				markers++
			}
		}
		return 100*float64(markers) + 40*float64(min(s.tables, 10)) +
			float64(s.runes-s.link)/50 - 60*float64(s.noise) - float64(s.link)/4 - float64(s.chrome)/10
	}
	type cand struct {
		start, end int
		score      float64
	}
	cands := []cand{{0, n, score(stats(0, n))}}
	for _, c := range b.containers {
		s := stats(c.start, c.end)
		if s.free == 0 {
			continue // inside a data table cell: its text is a cell's, not a body
		}
		cands = append(cands, cand{c.start, c.end, score(s)})
	}
	top := cands[0]
	for _, c := range cands[1:] {
		if c.score > top.score {
			top = c
		}
	}
	if top.score <= 0 {
		return 0, n
	}
	// Among near-equal candidates prefer the tightest: a wrapper adds
	// little beyond the body it wraps.
	for _, c := range cands {
		if c.score >= 0.95*top.score && c.end-c.start < top.end-top.start && c.start >= top.start && c.end <= top.end {
			top = c
		}
	}
	return top.start, top.end
}

// sectionMarker returns k when s starts with the k-th Chinese numeral
// (一 … 六) followed by 、 or a full stop, as section headings do; else 0.
func sectionMarker(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	k := strings.IndexRune("一二三四五六", r)
	if k < 0 {
		return 0
	}
	next, _ := utf8.DecodeRuneInString(s[n:])
	if next != '、' && next != '．' && next != '.' {
		return 0
	}
	return k/3 + 1 // the numerals are three bytes each in UTF-8
}

func hasNoise(s string) bool {
	for _, w := range noiseWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// pickTitle returns the article heading (h1, an element named *title*,
// then h2–h6) in or just before the body; else the ArticleTitle <meta>;
// else <title> without the site suffix. A heading that repeats <title>
// wins over one that does not.
func (b *builder) pickTitle(start, end int) string {
	page := trimSiteSuffix(b.title)
	from := max(0, start-30)
	bestRank, best := 99, ""
	for i := from; i < end && i < len(b.items); i++ {
		it := &b.items[i]
		if it.table >= 0 || it.consumed || it.runes < 4 || it.runes > 200 || 2*it.link > it.runes {
			continue
		}
		rank := 99
		switch {
		case it.flags&fH1 != 0:
			rank = 1
		case it.flags&fTitle != 0:
			rank = 2
		case it.flags&fHeading != 0:
			rank = 3
		default:
			continue
		}
		if sectionMarker(it.text) > 0 {
			continue // a section heading of the report, not its title
		}
		if strings.Contains(it.text, "报告") || strings.Contains(it.text, "年报") {
			rank -= 5 // the report titles' own wording (domain spec §5.1)
		}
		if page != "" {
			h, p := squash(it.text), squash(page)
			if strings.Contains(h, p) || (strings.Contains(p, h) && 2*utf8.RuneCountInString(h) >= utf8.RuneCountInString(p)) {
				rank -= 10
			}
		}
		if rank < bestRank {
			bestRank, best = rank, it.text
		}
	}
	if best != "" {
		return best
	}
	for _, f := range b.metaTags {
		if f.Name == "ArticleTitle" {
			return f.Value // the CMS's own title field has no site suffix
		}
	}
	return page
}

// trimSiteSuffix cuts "报告标题_某某市人民政府" or "报告标题 - 网站" to the part
// before the first separator, when that part is not trivially short.
func trimSiteSuffix(t string) string {
	t = strings.Join(strings.Fields(t), " ")
	for _, sep := range []string{"_", "|", " - ", "－", "——", " — ", "—"} {
		if i := strings.Index(t, sep); i > 0 {
			head := strings.TrimSpace(t[:i])
			if utf8.RuneCountInString(head) >= 4 {
				return head
			}
		}
	}
	return t
}

func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// metaLabels are the page-metadata field names of government CMSs. Longer
// names come first so that 信息索引号 wins over 索引号.
var metaLabels = []string{
	"信息索引号", "发布机构", "发文机关", "发布单位", "公开方式", "公开范围", "公开时限",
	"公开日期", "发布日期", "发布时间", "成文日期", "生成日期", "发文日期", "主题分类", "组配分类",
	"体裁分类", "信息分类", "发文字号", "信息来源", "索引号", "文号", "有效性", "关键词", "来源",
}

// labelStart reports whether s (after leading spaces) could start with a
// metadata label: a cheap filter before the label comparisons.
func labelStart(s string) bool {
	s = strings.TrimLeft(s, " ")
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune(labelFirstRunes, r)
}

var labelFirstRunes = func() string {
	var b strings.Builder
	for _, l := range metaLabels {
		r, _ := utf8.DecodeRuneInString(l)
		if !strings.ContainsRune(b.String(), r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}()

// metaLabel returns the label s is, ignoring whitespace and a trailing colon.
func metaLabel(s string) string {
	if len(s) > 40 || !labelStart(s) {
		return "" // longer than any label, even letter-spaced
	}
	if strings.ContainsAny(s, " \t\n") {
		s = squash(s)
	}
	s = strings.TrimRight(s, ":：")
	for _, l := range metaLabels {
		if s == l {
			return l
		}
	}
	return ""
}

// meta collects page metadata in source order: label rows of small tables
// (Hanweb's 索引号 | 公开方式 | 发布机构 with the values in the next row, or
// label | value pairs), and "索引号：xxx" runs in short paragraphs outside
// the body (and at the body's edges).
func (b *builder) meta(grids []*doc.Table, start, end int) []doc.Field {
	var out []doc.Field
	seen := map[doc.Field]bool{}
	for _, f := range b.metaTags {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	add := func(name, value string) {
		value = strings.Trim(strings.TrimSpace(value), "|｜ ")
		if value == "" {
			return
		}
		f := doc.Field{Name: name, Value: value}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for i := range b.items {
		it := &b.items[i]
		switch {
		case it.table >= 0:
			if g := grids[it.table]; g != nil && len(g.Rows) <= 8 {
				tableMeta(g, add)
			}
		case it.consumed:
			// cell text; read through its table
		case i < start || i >= end:
			if it.runes <= 300 {
				inlineMeta(it.text, add)
			}
		case it.runes <= 80:
			if l := leadingLabel(it.text); l != "" {
				inlineMeta(it.text, add)
			}
		}
	}
	return out
}

func tableMeta(g *doc.Table, add func(name, value string)) {
	for r := 0; r < len(g.Rows); r++ {
		row := g.Rows[r]
		labels, others := 0, 0
		for _, c := range row {
			switch {
			case c.Spanned || strings.TrimSpace(c.Text) == "":
			case metaLabel(c.Text) != "":
				labels++
			default:
				others++
			}
		}
		if labels >= 2 && others == 0 && r+1 < len(g.Rows) {
			// A header row of labels: the values are in the next row.
			next := g.Rows[r+1]
			for c, cell := range row {
				if l := metaLabel(cell.Text); l != "" && !cell.Spanned && c < len(next) {
					add(l, next[c].Text)
				}
			}
			r++
			continue
		}
		for c := 0; c < len(row); c++ {
			cell := row[c]
			if cell.Spanned {
				continue
			}
			if l := metaLabel(cell.Text); l != "" {
				for v := c + 1; v < len(row); v++ {
					if row[v].Spanned {
						continue
					}
					if metaLabel(row[v].Text) == "" {
						add(l, row[v].Text)
						c = v
					}
					break
				}
				continue
			}
			if leadingLabel(cell.Text) != "" {
				inlineMeta(cell.Text, add)
			}
		}
	}
}

// leadingLabel returns the label s starts with when a colon follows it.
func leadingLabel(s string) string {
	s = strings.TrimSpace(s)
	if !labelStart(s) {
		return ""
	}
	for _, l := range metaLabels {
		if rest, ok := strings.CutPrefix(s, l); ok {
			rest = strings.TrimSpace(rest)
			if strings.HasPrefix(rest, "：") || strings.HasPrefix(rest, ":") {
				return l
			}
		}
	}
	return ""
}

// inlineMeta reads "索引号：A 发布机构：B 发布日期：C" runs: every colon
// preceded by a known label starts a field, which runs to the next one.
func inlineMeta(s string, add func(name, value string)) {
	type hit struct {
		label       string
		at, valueAt int
	}
	var hits []hit
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], ":：")
		if j < 0 {
			break
		}
		colon := i + j
		width := 1
		if s[colon] != ':' {
			width = len("：")
		}
		head := strings.TrimRight(s[:colon], " ")
		for _, l := range metaLabels {
			if strings.HasSuffix(head, l) {
				at := len(head) - len(l)
				if len(hits) == 0 || at >= hits[len(hits)-1].valueAt {
					hits = append(hits, hit{l, at, colon + width})
				}
				break
			}
		}
		i = colon + width
	}
	for k, h := range hits {
		e := len(s)
		if k+1 < len(hits) {
			e = hits[k+1].at
		}
		v := s[h.valueAt:e]
		for _, stop := range stopWords {
			if i := strings.Index(v, stop); i >= 0 {
				v = v[:i]
			}
		}
		add(h.label, v)
	}
}

// stopWords end a metadata value: page furniture printed after it.
var stopWords = []string{"浏览次数", "点击数", "阅读次数", "访问次数", "字号", "【", "分享到", "打印"}
