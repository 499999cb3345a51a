package pdfdoc

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/extract/doc"
)

// The layout stage turns word boxes into paragraphs and tables. It knows
// nothing about report templates: it works from geometry alone.
//
//  1. Words on one baseline that nearly touch become fragments: a number
//     and a CJK character split at a font change ("2022 年") are one
//     fragment again, and so are letter-spaced labels (结 果 维 持); two CJK
//     runs with a gap, two numbers a space apart, or a group label and the
//     item number after it are separate cells.
//  2. Running headers, footers and page numbers are dropped: page-number
//     text alone on its line near the top or bottom edge, and text that
//     repeats at the same height on several pages.
//  3. Fragments with the same top form lines; a line with two or more
//     fragments is tabular. Runs of tabular lines, with the short lines
//     between them (captions, wrapped labels, stacked characters), are
//     table regions; everything else is paragraphs, re-joined across line
//     and page breaks when a line runs to the right margin.
//  4. A region continued at the top of the next page joins the previous
//     page's region (even a single row pushed over); the repeated header
//     rows are dropped and a label cut by the break is re-joined.
//  5. In a region, stacked fragments of one cell (wrapped labels, vertical
//     one-character-per-line labels, two-line headers) are joined. Value
//     columns come from the x-extents of the cells right of the row
//     labels, narrowest first, so a header spanning several columns does
//     not merge them; a header band beside a band of right-aligned numbers
//     without a header of its own is folded into it, while the header of
//     an all-blank column keeps its own. Rows come from the y-centres of
//     the value cells; a label cell spanning several rows is placed on the
//     first and copied, Spanned, on the others, like a rowspan in HTML.

// frag is a run of nearly touching words on one baseline, in document
// coordinates (page offsets added to y, so a table can cross pages).
type frag struct {
	page           int
	x0, y0, x1, y1 float64
	text           string
}

func (f frag) h() float64  { return f.y1 - f.y0 }
func (f frag) cy() float64 { return (f.y0 + f.y1) / 2 }
func (f frag) cx() float64 { return (f.x0 + f.x1) / 2 }

// layout builds the document body from parsed pages.
func layout(pages []page) []doc.Block {
	sort.SliceStable(pages, func(i, j int) bool { return pages[i].n < pages[j].n })
	var perPage [][]frag
	offset := 0.0
	for _, p := range pages {
		perPage = append(perPage, fragments(p, offset))
		offset += p.h + 1
	}
	dropRunning(perPage, pages)

	var all []line
	for _, fs := range perPage {
		all = append(all, lines(fs)...)
	}
	if len(all) == 0 {
		return nil
	}
	m := measure(all)
	regions := findRegions(all, m)

	var out []doc.Block
	inRegion := make([]int, len(all)) // region index + 1
	for ri, r := range regions {
		for i := r.from; i < r.to; i++ {
			inRegion[i] = ri + 1
		}
	}
	var para []line
	flush := func() {
		if len(para) > 0 {
			out = append(out, paragraph(para))
			para = nil
		}
	}
	for i := 0; i < len(all); {
		if ri := inRegion[i]; ri > 0 {
			flush()
			r := regions[ri-1]
			if !r.joined {
				var parts [][]line
				for k := ri - 1; k < len(regions); k++ {
					parts = append(parts, all[regions[k].from:regions[k].to])
					if k+1 >= len(regions) || !regions[k+1].joined {
						break
					}
				}
				if t := buildTable(parts, m); t != nil {
					out = append(out, doc.Block{Table: t, Loc: t.Loc})
				} else {
					// Too big to be a report table: keep its text as lines.
					for _, p := range parts {
						for _, l := range p {
							out = append(out, paragraph([]line{l}))
						}
					}
				}
			}
			i = r.to
			continue
		}
		l := all[i]
		if len(para) > 0 && !continues(para[len(para)-1], l, m) {
			flush()
		}
		para = append(para, l)
		i++
	}
	flush()
	return out
}

// fragments merges a page's words into fragments. Two CJK words are
// merged only when they touch: Chinese has no spaces, so a gap between two
// CJK runs is a cell border, while a gap between a number and a CJK
// character (2022 年) is only a font switch. Letter-spaced labels
// (结 果 维 持, one character per word) are merged afterwards.
func fragments(p page, offset float64) []frag {
	ws := slices.Clone(p.words)
	sort.SliceStable(ws, func(i, j int) bool {
		if math.Abs(ws[i].y0-ws[j].y0) > 0.5 {
			return ws[i].y0 < ws[j].y0
		}
		return ws[i].x0 < ws[j].x0
	})
	var out []frag
	var cur joiner // text of out[len(out)-1], built in linear time
	spaced := 0    // single-CJK-character words merged with a gap
	for _, w := range ws {
		h := w.y1 - w.y0
		if n := len(out); n > 0 {
			last := &out[n-1]
			gap := w.x0 - last.x1
			sameLine := math.Abs(w.y0-(last.y0-offset)) <= 0.2*max(h, 1) && gap > -0.5*h
			ra := cur.last
			rb, _ := utf8.DecodeRuneInString(w.text)
			limit := 0.4 * h
			if unicode.IsDigit(ra) && unicode.IsDigit(rb) {
				limit = 0.15 * h // two numbers a space apart are two values
			} else if isCJK(ra) && unicode.IsDigit(rb) && ordinalRE.MatchString(w.text) {
				limit = 0 // （四） | 1.本机关…: the next cell's item number
			} else if isCJK(ra) && isCJK(rb) {
				limit = 0.12 * h
				if (spaced > 0 || oneRune(cur.sb.String())) && oneRune(w.text) && gap < 1.2*h {
					limit = 1.2 * h // letter spacing
				}
			}
			if sameLine && gap < limit {
				if limit > 0.5*h {
					spaced++
				} else {
					spaced = 0
				}
				cur.add(w.text, gap > 0.15*h)
				last.x1 = max(last.x1, w.x1)
				last.y1 = max(last.y1, w.y1+offset)
				continue
			}
			last.text = cur.String()
		}
		spaced = 0
		cur = joiner{}
		cur.add(w.text, false)
		out = append(out, frag{page: p.n, x0: w.x0, y0: w.y0 + offset, x1: w.x1, y1: w.y1 + offset, text: w.text})
	}
	if n := len(out); n > 0 {
		out[n-1].text = cur.String()
	}
	return out
}

func oneRune(s string) bool { return len(s) <= utf8.UTFMax && utf8.RuneCountInString(s) == 1 }

// ordinalRE matches a word opening with an item number (1. 2、 3．).
var ordinalRE = regexp.MustCompile(`^\d{1,2}[.．、]`)

// joinText joins two pieces of one line or one cell. CJK text takes no
// space: a gap next to a Han character is a font switch or letter
// spacing (结 果 维 持), never a word break.
func joinText(a, b string, spaced bool) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	ra, _ := lastRune(a)
	rb, _ := utf8.DecodeRuneInString(b)
	if !spaced || isCJK(ra) || isCJK(rb) {
		return a + b
	}
	return a + " " + b
}

// joiner builds text piece by piece with joinText's rule, in linear time.
type joiner struct {
	sb   strings.Builder
	last rune
}

func (j *joiner) add(s string, spaced bool) {
	if s == "" {
		return
	}
	if j.sb.Len() > 0 {
		first, _ := utf8.DecodeRuneInString(s)
		if spaced && !isCJK(j.last) && !isCJK(first) {
			j.sb.WriteByte(' ')
		}
	}
	j.sb.WriteString(s)
	j.last, _ = utf8.DecodeLastRuneInString(s)
}

func (j *joiner) String() string { return j.sb.String() }

func lastRune(s string) (rune, bool) {
	r, n := utf8.DecodeLastRuneInString(s)
	return r, n > 0
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

var (
	pageNumberRE = regexp.MustCompile(`^(?:[-—–－~〜]\s*\d{1,4}\s*[-—–－~〜]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|(?i:page)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$`)
	digitsRE     = regexp.MustCompile(`\d+`)
)

// dropRunning removes page numbers and running headers and footers: text
// alone on its line in the top or bottom eighth of a page that looks like
// a page number, or that repeats (digits aside) at the same height on
// another page.
func dropRunning(perPage [][]frag, pages []page) {
	type key struct {
		text string
		y    int
	}
	edge := func(f frag, pi int) (bool, float64) {
		top := f.y0 - pageTop(pages, pi)
		ph := pages[pi].h
		return top < ph/8 || top > ph*7/8, top
	}
	// fs is sorted by top (fragments sorts words so): look only at the
	// neighbours that can share a line, or a page of words would be
	// quadratic.
	alone := func(fs []frag, i int) bool {
		f := fs[i]
		for j := i - 1; j >= 0 && fs[j].y0 > f.y0-3*f.h(); j-- {
			if fs[j].y1 > f.y0 {
				return false
			}
		}
		for j := i + 1; j < len(fs) && fs[j].y0 < f.y1; j++ {
			return false
		}
		return true
	}
	seen := map[key]int{}
	for pi, fs := range perPage {
		for i, f := range fs {
			if ok, top := edge(f, pi); ok && alone(fs, i) {
				seen[key{digitsRE.ReplaceAllString(f.text, "#"), int(top / 4)}]++
			}
		}
	}
	for pi, fs := range perPage {
		kept := fs[:0]
		for i, f := range fs {
			if ok, top := edge(f, pi); ok && alone(fs, i) {
				k := key{digitsRE.ReplaceAllString(f.text, "#"), int(top / 4)}
				if pageNumberRE.MatchString(strings.TrimSpace(f.text)) || seen[k] > 1 {
					continue
				}
			}
			kept = append(kept, f)
		}
		perPage[pi] = kept
	}
}

func pageTop(pages []page, pi int) float64 {
	t := 0.0
	for i := 0; i < pi; i++ {
		t += pages[i].h + 1
	}
	return t
}

// line is fragments sharing a top edge, left to right.
type line struct {
	frags          []frag
	x0, y0, x1, y1 float64
}

func (l line) h() float64 {
	h := 0.0
	for _, f := range l.frags {
		h = max(h, f.h())
	}
	return h
}

func (l line) text() string {
	var j joiner
	for _, f := range l.frags {
		j.add(f.text, true)
	}
	return j.String()
}

func lines(fs []frag) []line {
	sorted := slices.Clone(fs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].y0 < sorted[j].y0 })
	var out []line
	for _, f := range sorted {
		if n := len(out); n > 0 && math.Abs(f.y0-out[n-1].y0) <= 0.25*max(f.h(), 1) && f.page == out[n-1].frags[0].page {
			l := &out[n-1]
			l.frags = append(l.frags, f)
			l.x0, l.x1 = min(l.x0, f.x0), max(l.x1, f.x1)
			l.y1 = max(l.y1, f.y1)
			continue
		}
		out = append(out, line{frags: []frag{f}, x0: f.x0, y0: f.y0, x1: f.x1, y1: f.y1})
	}
	for i := range out {
		sort.SliceStable(out[i].frags, func(a, b int) bool { return out[i].frags[a].x0 < out[i].frags[b].x0 })
	}
	return out
}

// metrics are document-wide measures: the body text's left and right
// edges and the typical line height.
type metrics struct {
	left, right, width, em float64
}

func measure(ls []line) metrics {
	var xs0, xs1, hs []float64
	for _, l := range ls {
		xs0 = append(xs0, l.x0)
		xs1 = append(xs1, l.x1)
		hs = append(hs, l.h())
	}
	slices.Sort(xs0)
	slices.Sort(xs1)
	slices.Sort(hs)
	m := metrics{
		left:  xs0[len(xs0)/20],
		right: xs1[len(xs1)*19/20],
		em:    hs[len(hs)/2],
	}
	m.width = max(m.right-m.left, 1)
	m.em = max(m.em, 1)
	return m
}

var headingRE = regexp.MustCompile(`^[一二三四五六七八九十]+[、.．]`)

// headingWords mark the six outline headings; a table label such as
// 一、本年新收政府信息公开申请数量 has none of them.
var headingWords = []string{"总体情况", "主动公开政府信息", "申请情况", "行政复议", "存在的主要问题", "其他需要报告"}

// paragraphLike reports whether a single-fragment line is body text rather
// than a table caption, a wrapped label or a stacked character.
func paragraphLike(l line, m metrics) bool {
	if len(l.frags) != 1 {
		return false
	}
	t := l.frags[0].text
	if headingRE.MatchString(t) {
		for _, w := range headingWords {
			if strings.Contains(t, w) {
				return true
			}
		}
	}
	if l.x1-l.x0 >= 0.55*m.width {
		return true
	}
	// A sentence end, on a line longer than the pieces of a narrow cell
	// (系为：, a stacked fragment of a table note).
	return l.x1-l.x0 >= 6*m.em && (strings.HasSuffix(t, "。") || strings.HasSuffix(t, "；") || strings.HasSuffix(t, "："))
}

// region is a run of lines [from, to) forming one table; joined marks a
// region continuing the previous one on the next page.
type region struct {
	from, to int
	joined   bool
}

func findRegions(ls []line, m metrics) []region {
	var out []region
	maxGap := 1.2 * m.em
	for i := 0; i < len(ls); {
		if len(ls[i].frags) < 2 {
			i++
			continue
		}
		from := i
		// Short lines just above: captions and header rows.
		for from > 0 {
			p := ls[from-1]
			if paragraphLike(p, m) || p.frags[0].page != ls[from].frags[0].page || ls[from].y0-p.y1 > maxGap {
				break
			}
			if len(out) > 0 && from-1 < out[len(out)-1].to {
				break
			}
			from--
		}
		to, tabular := i+1, 1
		for to < len(ls) {
			l := ls[to]
			if l.frags[0].page != ls[to-1].frags[0].page || l.y0-ls[to-1].y1 > maxGap || paragraphLike(l, m) {
				break
			}
			if len(l.frags) > 1 {
				tabular++
			}
			to++
		}
		// Trailing short lines set off by more than a cell's padding are
		// not part of the table (a note, a signature); a last row whose
		// values are all blank is.
		for to > i+1 && len(ls[to-1].frags) < 2 && !stackedUnder(ls, to-1) && ls[to-1].y0-ls[to-2].y1 > 0.5*m.em {
			to--
		}
		// One tabular line is a table only when it continues the table
		// that ended the previous page (its last row, pushed over).
		r := region{from: from, to: to}
		if n := len(out); n > 0 && continuesOnNextPage(ls, out[n-1], r) {
			r.joined = true
		}
		if tabular >= 2 || r.joined {
			out = append(out, r)
		}
		i = to
	}
	return out
}

// stackedUnder reports whether line i sits right under, and within, the
// line above: the tail of a wrapped label or a vertical label.
func stackedUnder(ls []line, i int) bool {
	if i == 0 {
		return false
	}
	a, b := ls[i-1], ls[i]
	return b.y0-a.y1 < 0.35*b.h() && b.x0 >= a.x0-2 && b.x1 <= a.x1+2
}

// continuesOnNextPage: region b starts its page with nothing but running
// matter before it, and a ends its page with nothing after it.
func continuesOnNextPage(ls []line, a, b region) bool {
	pa, pb := ls[a.from].frags[0].page, ls[b.from].frags[0].page
	if pb != pa+1 {
		return false
	}
	if a.to < len(ls) && ls[a.to].frags[0].page == pa {
		return false
	}
	return b.from == 0 || ls[b.from-1].frags[0].page != pb
}

// continues reports whether line b carries on the paragraph ending with a:
// a ran to the right edge, and b starts at the left edge.
func continues(a, b line, m metrics) bool {
	pa, pb := a.frags[0].page, b.frags[0].page
	if pb != pa && pb != pa+1 {
		return false
	}
	if pb == pa && b.y0-a.y1 > 1.0*m.em {
		return false
	}
	if len(a.frags) == 1 && headingRE.MatchString(a.frags[0].text) && a.x1 < m.right-3*m.em {
		return false
	}
	// A title in a large font wrapped over centred lines.
	if pb == pa && a.h() > 1.3*m.em && math.Abs(a.h()-b.h()) < 0.1*a.h() && b.y0-a.y1 < 0.5*a.h() {
		return true
	}
	return a.x1 >= m.right-1.5*m.em && b.x0 <= m.left+3*m.em
}

func paragraph(ls []line) doc.Block {
	var j joiner
	for _, l := range ls {
		j.add(l.text(), true)
	}
	return doc.Block{Text: normalizeText(j.String()), Loc: doc.Loc{Page: ls[0].frags[0].page}}
}

var digitUnitRE = regexp.MustCompile(`(\d) +([年月日号])`)

// normalizeText collapses whitespace and removes the space pdftotext puts
// between a number and the date unit after it (2022 年 → 2022年).
func normalizeText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return digitUnitRE.ReplaceAllString(s, "$1$2")
}
