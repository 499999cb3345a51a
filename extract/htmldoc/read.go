// Package htmldoc reads an HTML report page into a doc.Document: the
// article body as paragraphs and tables in reading order, the page title and
// the page metadata (索引号, 发布机构, 发布日期, ...).
//
// It is built on the x/net/html tokenizer rather than a DOM: a report page
// is read in one pass that collects text segments, expands table spans into
// a grid as the WHATWG table model does, and remembers which block elements
// enclosed which segments. The article body is chosen afterwards, from known
// CMS containers or by scoring the candidate elements.
package htmldoc

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/nianbao/nianbao/extract/doc"
)

// Limits that keep hostile or broken markup bounded.
const (
	maxColspan = 1000  // WHATWG clamp
	maxRowspan = 65534 // WHATWG clamp
	// maxSpanCopies bounds the grid positions created by span expansion in
	// one document. Real reports need a few thousand; a page of
	// colspan=1000 cells would otherwise need gigabytes.
	maxSpanCopies = 1 << 18
	// maxDepth bounds the element stack; deeper elements are still read
	// but no longer tracked as containers.
	maxDepth = 512
	// ctxEvery is how many tokens are read between cancellation checks.
	ctxEvery = 4096
)

// Read parses an HTML page. contentType is the HTTP Content-Type header when
// the page came over HTTP, else "". It returns an error only when ctx is
// done; broken markup and undecodable bytes are repaired and reported in
// Document.Warnings.
func Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error) {
	text, _, warnings := Decode(data, contentType)
	b := newBuilder(len(text))
	b.warnings = warnings
	if err := b.tokenize(ctx, text); err != nil {
		return nil, err
	}
	return b.document(), nil
}

// item is one text segment (a paragraph, or part of a table cell) or the
// placeholder of a table, in source order.
type item struct {
	text  string // set from the arena once the page is read
	off   int32  // text's place in builder.arena
	n     int32
	line  int32
	table int32 // index into builder.tables when this item is a table, else -1
	owner int32 // index into builder.cells of the cell holding this text, else -1
	runes int32
	link  int32 // runes inside <a>
	flags uint8
	// consumed: the text went into a data table cell and is not a paragraph.
	consumed bool
}

// Element flags, inherited down the element stack.
const (
	fH1      uint8 = 1 << iota // inside <h1>
	fHeading                   // inside <h2>…<h6>
	fTitle                     // inside an element whose class or id names a title
	fChrome                    // inside navigation, header or footer chrome
	fLink                      // inside <a>
)

// elem is an open element that matters for structure: a container that
// may be the article body, a heading, a link, a table or a cell.
type elem struct {
	tag   atom.Atom
	start int // len(items) when the element opened
	flags uint8
	known bool // a known CMS body container
	cand  bool // a candidate for the article body
}

// container is a closed candidate for the article body.
type container struct {
	start, end int // item range
	known      bool
}

type builder struct {
	items      []item
	tables     []*tableBuilder
	cells      []cellText
	stack      []elem
	containers []container
	openTables []int32

	seg                  []byte // the segment being collected
	arena                []byte // the text of all segments, back to back
	segLine              int
	segLink              int
	segRunes             int
	space, brk, lastWide bool
	line                 int // line of the current token
	tokNewlines          int // newlines seen so far inside the current text token
	title                string
	inTitle              bool
	skip                 int
	skipTag              atom.Atom
	spanCopies           int
	deepWarned           bool
	open                 map[atom.Atom]int // open elements on the stack, by tag
	metaTags             []doc.Field       // from <meta name=...> in source order
	lastClass            string            // cache for classNames
	lastClassFlags       uint8
	lastClassKnown       bool
	warnings             []string
}

func newBuilder(size int) *builder {
	// Table-heavy report pages run at about one segment per 20 bytes of
	// markup, chrome-heavy ones at a quarter of that; sizing for the middle
	// saves most of the copies of repeated growth without zeroing much
	// memory that is never used.
	return &builder{
		items: make([]item, 0, 64+size/40),
		cells: make([]cellText, 0, 64+size/48),
		seg:   make([]byte, 0, 256),
		open:  make(map[atom.Atom]int),
		arena: make([]byte, 0, 64+size/3),
		line:  1,
	}
}

func (b *builder) tokenize(ctx context.Context, text []byte) error {
	z := html.NewTokenizer(bytes.NewReader(text))
	for n := 0; ; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("htmldoc: %w", err)
			}
		}
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		line := b.line
		b.line += bytes.Count(raw, []byte{'\n'})
		switch tt {
		case html.TextToken:
			if b.skip > 0 {
				continue
			}
			if b.inTitle {
				if b.title == "" {
					b.title = string(bytes.TrimSpace(z.Text()))
				}
				continue
			}
			b.tokNewlines = 0
			b.appendText(z.Text(), line)
		case html.StartTagToken, html.SelfClosingTagToken:
			a := rawTagName(raw)
			if b.skip > 0 {
				if a == b.skipTag && tt == html.StartTagToken {
					b.skip++
				}
				continue
			}
			b.startTag(raw, a, tt == html.SelfClosingTagToken, line)
		case html.EndTagToken:
			a := rawTagName(raw)
			if b.skip > 0 {
				if a == b.skipTag {
					b.skip--
				}
				continue
			}
			b.endTag(a)
		}
	}
	b.flush()
	if len(b.openTables) > 0 {
		b.warnings = append(b.warnings, fmt.Sprintf("input ends inside %d unclosed table(s): truncated or malformed page", len(b.openTables)))
		for len(b.openTables) > 0 {
			b.endTable()
		}
	}
	for len(b.stack) > 0 {
		b.pop()
	}
	return nil
}

func (b *builder) startTag(raw []byte, a atom.Atom, selfClosing bool, line int) {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Textarea,
		atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes:
		// The tokenizer reads the raw-text ones (script, style, ...) as one
		// text token followed by their end tag even when written <x/>.
		// Elements whose content the browser does show (select, object)
		// are not skipped: left unclosed they would swallow the page.
		if selfClosing && a != atom.Script && a != atom.Style {
			return
		}
		b.skip, b.skipTag = 1, a
	case atom.Title:
		if !selfClosing {
			b.inTitle = true
		}
	case atom.Meta:
		b.headMeta(raw)
	case atom.Table:
		b.startTable(line)
	case atom.Tr:
		b.flush()
		if t := b.table(); t != nil {
			b.closeCell()
			t.endRow()
			t.startRow(b)
		}
	case atom.Td, atom.Th:
		b.flush()
		t := b.table()
		if t == nil {
			return
		}
		b.closeCell()
		colspan, rowspan := 1, 1
		var id, class []byte
		for it := newAttrIter(raw); it.next(); {
			switch {
			case it.is("colspan"):
				colspan = parseColspan(it.value)
			case it.is("rowspan"):
				rowspan = parseRowspan(it.value)
			case it.is("id"):
				id = it.value
			case it.is("class"):
				class = it.value
			}
		}
		if !t.inRow {
			t.startRow(b)
		}
		cell := int32(len(b.cells))
		b.cells = append(grow(b.cells), cellText{table: b.openTables[len(b.openTables)-1], line: int32(line)})
		t.addCell(b, cell, colspan, rowspan)
		b.push(a, id, class)
	case atom.Thead, atom.Tbody, atom.Tfoot:
		b.flush()
		if t := b.table(); t != nil {
			b.closeCell()
			t.endRow()
			t.endGroup()
			if a == atom.Tfoot {
				t.tfootFrom = len(t.rows)
			}
		}
	case atom.Caption:
		b.flush()
		if t := b.table(); t != nil {
			b.closeCell()
			t.inCaption = true
		}
	case atom.Br, atom.Hr:
		b.flush()
	default:
		if isBlock(a) {
			b.flush()
		}
		if tracked(a) && !selfClosing {
			var id, class []byte
			for it := newAttrIter(raw); it.next(); {
				switch {
				case it.is("id"):
					id = it.value
				case it.is("class"):
					class = it.value
				}
			}
			b.push(a, id, class)
		}
	}
}

func (b *builder) endTag(a atom.Atom) {
	switch a {
	case atom.Title:
		b.inTitle = false
	case atom.Table:
		b.flush()
		if len(b.openTables) > 0 {
			b.endTable()
		}
	case atom.Tr:
		b.flush()
		if t := b.table(); t != nil {
			b.closeCell()
			t.endRow()
		}
	case atom.Td, atom.Th:
		b.flush()
		if t := b.table(); t != nil {
			b.closeCell()
		}
	case atom.Thead, atom.Tbody, atom.Tfoot:
		b.flush()
		if t := b.table(); t != nil {
			b.closeCell()
			t.endRow()
			t.endGroup()
			if a == atom.Tfoot && t.tfootFrom >= 0 && t.tfootTo < 0 {
				t.tfootTo = len(t.rows)
			}
		}
	case atom.Caption:
		b.flush()
		if t := b.table(); t != nil {
			t.inCaption = false
		}
	case atom.Br:
		b.flush() // browsers read </br> as <br>
	default:
		if isBlock(a) {
			b.flush()
		}
		if tracked(a) {
			b.popTo(a)
		}
	}
}

// table returns the innermost open table, or nil.
func (b *builder) table() *tableBuilder {
	if len(b.openTables) == 0 {
		return nil
	}
	return b.tables[b.openTables[len(b.openTables)-1]]
}

func (b *builder) startTable(line int) {
	b.flush()
	idx := int32(len(b.tables))
	t := &tableBuilder{item: len(b.items), line: line, cur: -1, tfootFrom: -1, tfootTo: -1}
	if p := b.table(); p != nil {
		// A table inside a table: the outer one is for layout.
		p.hasNested = true
	}
	b.tables = append(b.tables, t)
	b.items = append(grow(b.items), item{table: idx, owner: -1, line: int32(line)})
	b.openTables = append(b.openTables, idx)
	b.push(atom.Table, nil, nil)
}

func (b *builder) endTable() {
	t := b.table()
	b.closeCell()
	t.endRow()
	t.endGroup()
	if t.tfootFrom >= 0 && t.tfootTo < 0 {
		t.tfootTo = len(t.rows)
	}
	b.popTo(atom.Table)
	b.openTables = b.openTables[:len(b.openTables)-1]
}

// closeCell ends the innermost table's current cell, if any.
func (b *builder) closeCell() {
	t := b.table()
	if t == nil || t.cur < 0 {
		return
	}
	t.cur = -1
	for i := len(b.stack) - 1; i >= 0; i-- {
		switch b.stack[i].tag {
		case atom.Td, atom.Th:
			for len(b.stack) > i {
				b.pop()
			}
			return
		case atom.Table:
			return
		}
	}
}

// push opens a tracked element.
func (b *builder) push(a atom.Atom, id, class []byte) {
	if len(b.stack) >= maxDepth {
		if !b.deepWarned {
			b.deepWarned = true
			b.warnings = append(b.warnings, fmt.Sprintf("markup nested deeper than %d elements: inner structure not tracked", maxDepth))
		}
		return
	}
	var flags uint8
	if n := len(b.stack); n > 0 {
		flags = b.stack[n-1].flags
	}
	switch a {
	case atom.H1:
		flags |= fH1
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		flags |= fHeading
	case atom.A:
		flags |= fLink
	case atom.Nav, atom.Header, atom.Footer:
		flags |= fChrome
	}
	cf, known := b.classNames(class)
	flags |= cf
	if len(id) > 0 {
		if namesTitle(id) {
			flags |= fTitle
		}
		if namesChrome(id) {
			flags |= fChrome
		}
		known = known || knownContainer(id, nil)
	}
	e := elem{tag: a, start: len(b.items), flags: flags}
	// Inline wrappers (span, font) are candidates only when a CMS names
	// them as the body.
	if candidate(a) || (known && (a == atom.Span || a == atom.Font)) {
		e.cand = true
		e.known = known
		if known {
			if t := b.table(); t != nil && t.cur >= 0 {
				t.hasBody = true // an article body inside a cell: layout table
			}
		}
	}
	b.stack = append(b.stack, e)
	b.open[a]++
}

// Government websites print their page metadata in <meta> tags too (the
// State Council's 2017 website guideline asks for these names).
var headMetaNames = []string{"SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate", "ContentSource"}

// headMeta records a <meta name=... content=...> of headMetaNames.
func (b *builder) headMeta(raw []byte) {
	var name, content []byte
	for it := newAttrIter(raw); it.next(); {
		switch {
		case it.is("name"):
			name = it.value
		case it.is("content"):
			content = it.value
		}
	}
	for _, n := range headMetaNames {
		if bytes.EqualFold(bytes.TrimSpace(name), []byte(n)) {
			v := strings.Join(strings.Fields(html.UnescapeString(string(content))), " ")
			if v != "" {
				b.metaTags = append(b.metaTags, doc.Field{Name: n, Value: v})
			}
			return
		}
	}
}

// classNames returns the flags a class attribute implies and whether it
// names a known body container. Pages repeat a few classes thousands of
// times (Word's MsoNormal), so the last answer is kept.
func (b *builder) classNames(class []byte) (uint8, bool) {
	if len(class) == 0 {
		return 0, false
	}
	if string(class) == b.lastClass {
		return b.lastClassFlags, b.lastClassKnown
	}
	var flags uint8
	if namesTitle(class) {
		flags |= fTitle
	}
	if namesChrome(class) {
		flags |= fChrome
	}
	known := knownContainer(nil, class)
	b.lastClass, b.lastClassFlags, b.lastClassKnown = string(class), flags, known
	return flags, known
}

// popTo closes the innermost open a and everything opened after it. An end
// tag does not reach across a table or cell boundary, as in HTML scoping.
func (b *builder) popTo(a atom.Atom) {
	if b.open[a] == 0 {
		return // a stray end tag: nothing to search for
	}
	for i := len(b.stack) - 1; i >= 0; i-- {
		tag := b.stack[i].tag
		if tag == a {
			for len(b.stack) > i {
				b.pop()
			}
			return
		}
		if tag == atom.Table || ((tag == atom.Td || tag == atom.Th) && a != atom.Table) {
			return
		}
	}
}

func (b *builder) pop() {
	e := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	b.open[e.tag]--
	// An element holding a single segment (most table cells) is never
	// chosen over its parent, so it is not recorded.
	if e.cand && (len(b.items)-e.start >= 2 || (e.known && len(b.items) > e.start)) {
		b.containers = append(b.containers, container{start: e.start, end: len(b.items), known: e.known})
	}
}

func (b *builder) flags() uint8 {
	if len(b.stack) == 0 {
		return 0
	}
	return b.stack[len(b.stack)-1].flags
}

// appendText adds text to the current segment, collapsing whitespace as
// CSS does: a run of white space becomes one space, except that a line
// break between two East Asian wide characters disappears (CSS Text 3
// segment break transformation). Inline elements add nothing, so labels
// split across Word's <span>s join up again.
func (b *builder) appendText(s []byte, line int) {
	inLink := b.flags()&fLink != 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t', '\r', '\f':
				b.space = true
				if c == '\r' {
					b.brk = true
				}
				i++
				continue
			case '\n':
				b.space, b.brk = true, true
				b.tokNewlines++
				i++
				continue
			case 0:
				i++
				continue
			}
			// A run of visible ASCII goes in at once.
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < utf8.RuneSelf {
				j++
			}
			b.emitSpace(false, line)
			b.seg = append(b.seg, s[i:j]...)
			b.lastWide = false
			b.segRunes += j - i
			if inLink {
				b.segLink += j - i
			}
			i = j
			continue
		}
		if c >= 0xE3 && c <= 0xE9 {
			// A run of CJK characters (U+3001 to U+9FFF, all wide, none a
			// space) goes in at once: most report text is just that.
			j, k := i, 0
			for j+3 <= len(s) && s[j] >= 0xE3 && s[j] <= 0xE9 && s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80 &&
				!(s[j] == 0xE3 && s[j+1] == 0x80 && s[j+2] == 0x80) {
				j += 3
				k++
			}
			if k > 0 {
				b.emitSpace(true, line)
				b.seg = append(b.seg, s[i:j]...)
				b.lastWide = true
				b.segRunes += k
				if inLink {
					b.segLink += k
				}
				i = j
				continue
			}
		}
		r, n := utf8.DecodeRune(s[i:])
		switch r {
		case 0xA0, 0x3000, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
			0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F:
			b.space = true
			i += n
			continue
		case 0x200B, 0xFEFF:
			// Invisible; Word and some editors scatter them inside labels.
			i += n
			continue
		}
		wide := isWide(r)
		b.emitSpace(wide, line)
		b.seg = append(b.seg, s[i:i+n]...)
		b.lastWide = wide
		b.segRunes++
		if inLink {
			b.segLink++
		}
		i += n
	}
}

func (b *builder) emitSpace(wide bool, line int) {
	if len(b.seg) == 0 {
		b.segLine = line + b.tokNewlines
		b.space, b.brk = false, false
		return
	}
	if b.space {
		if !(b.brk && wide && b.lastWide) {
			b.seg = append(b.seg, ' ')
			b.segRunes++
		}
		b.space, b.brk = false, false
	}
}

// flush ends the current segment at a block boundary.
func (b *builder) flush() {
	b.space, b.brk, b.lastWide = false, false, false
	if len(b.seg) == 0 {
		return
	}
	owner := int32(-1)
	if t := b.table(); t != nil {
		owner = t.cur
	}
	// Segments go into one arena that becomes a single string at the end:
	// a page has thousands of short segments ("0", "1", "-"), and one
	// allocation each would dominate the garbage collector's work.
	off := len(b.arena)
	b.arena = append(b.arena, b.seg...)
	b.items = append(grow(b.items), item{
		off:   int32(off),
		n:     int32(len(b.seg)),
		line:  int32(b.segLine),
		table: -1,
		owner: owner,
		runes: int32(b.segRunes),
		link:  int32(b.segLink),
		flags: b.flags(),
	})
	b.seg = b.seg[:0]
	b.segLink, b.segRunes = 0, 0
	if t := b.table(); t != nil && t.inCaption && len(t.rows) == 0 {
		b.captionFirst(t)
	}
}

// captionFirst moves the segment just added, a caption read before any
// row, in front of its table's placeholder: a caption is drawn above the
// table and should be read before it.
func (b *builder) captionFirst(t *tableBuilder) {
	last := len(b.items) - 1
	if last <= t.item {
		return
	}
	caption := b.items[last]
	copy(b.items[t.item+1:], b.items[t.item:last])
	b.items[t.item] = caption
	t.item++
	// Open elements inside the table now start one item later.
	for i := range b.stack {
		if b.stack[i].start > t.item-1 {
			b.stack[i].start++
		}
	}
}

// grow doubles a full slice's capacity. append grows large slices by a
// quarter at a time, which copies a page's items many times over.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	return append(make([]T, 0, 2*cap(s)+16), s...)
}

// isWide reports whether r is an East Asian wide or fullwidth character.
func isWide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3, r >= 0xF900 && r <= 0xFAFF,
		r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD:
		return true
	}
	return false
}

// isBlock reports whether an element starts a new paragraph.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption,
		atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Head, atom.Header, atom.Hgroup, atom.Html,
		atom.Legend, atom.Li, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.Option, atom.P,
		atom.Pre, atom.Section, atom.Summary, atom.Ul, atom.Colgroup, atom.Col:
		return true
	}
	return false
}

// tracked reports whether an element goes on the element stack.
func tracked(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Section, atom.Article, atom.Main, atom.Aside, atom.Nav, atom.Header,
		atom.Footer, atom.Body, atom.Ul, atom.Ol, atom.Dl, atom.Li, atom.P, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.A, atom.Form, atom.Center, atom.Blockquote,
		atom.Span, atom.Font:
		return true
	}
	return false
}

// candidate reports whether an element may hold the article body.
func candidate(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Section, atom.Article, atom.Main, atom.Td, atom.Th, atom.Body,
		atom.Form, atom.Center:
		return true
	}
	return false
}
