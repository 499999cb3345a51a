package officedoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/extract/doc"
)

// WordprocessingML namespaces: the transitional one every writer uses and
// the strict one a few export to.
const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMC      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// Grid limits: a real report table has a few dozen columns. A gridSpan of
// 10⁶ must not allocate a million cells per row.
const (
	maxSpan     = 1000
	maxRowWidth = 4096
)

// ReadDOCX reads an Office Open XML word-processing document: paragraphs in
// order and tables with gridSpan, vMerge, hMerge, gridBefore and nested
// tables resolved into the doc grid. Headers, footers and footnotes live in
// other parts and are not read, so running page headers never reach the body.
func (r *Reader) ReadDOCX(data []byte) (*doc.Document, error) {
	o, err := r.options()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("docx: open zip: %w", err)
	}
	if len(zr.File) > o.MaxEntries {
		return nil, fmt.Errorf("docx: %d zip entries, limit %d: %w", len(zr.File), o.MaxEntries, ErrLimit)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	budget := o.MaxUncompressed
	read := func(name string) ([]byte, error) {
		f := files[name]
		if f == nil {
			return nil, fmt.Errorf("docx: no part %s", name)
		}
		b, err := readPart(f, min(o.MaxPartBytes, budget))
		budget -= int64(len(b))
		return b, err
	}

	main := mainPart(read)
	body, err := read(main)
	if err != nil {
		return nil, err
	}
	d := &doc.Document{Format: doc.FormatDOCX}
	// Automatic numbering lives in two optional parts.
	var num *numbering
	if numXML, err := read("word/numbering.xml"); err == nil {
		stylesXML, _ := read("word/styles.xml")
		num = parseNumbering(numXML, stylesXML)
	}
	p := &docxParser{dec: newScanner(body), maxDepth: o.MaxDepth, cells: o.MaxCells, num: num}
	if num != nil {
		p.warnings = num.warnings
	}
	if d.Blocks, err = p.document(); err != nil {
		return nil, fmt.Errorf("docx: %s: %w", main, err)
	}
	if core, err := read("docProps/core.xml"); err == nil {
		d.Title = coreTitle(core)
	}
	d.Warnings = p.warnings
	return d, nil
}

// readPart inflates one zip entry, refusing to go past limit bytes whatever
// the entry's header claims (a zip bomb lies about its size).
func readPart(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max(limit, 0)) {
		return nil, fmt.Errorf("docx: part %s declares %d bytes, limit %d: %w", f.Name, f.UncompressedSize64, limit, ErrLimit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("docx: open %s: %w", f.Name, err)
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, min(int64(f.UncompressedSize64), limit)+512))
	_, err = buf.ReadFrom(io.LimitReader(rc, limit+1))
	b := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("docx: inflate %s: %w", f.Name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("docx: part %s inflates past %d bytes: %w", f.Name, limit, ErrLimit)
	}
	return b, nil
}

// mainPart finds the main document through the package relationships;
// almost always word/document.xml, but some writers name it otherwise.
func mainPart(read func(string) ([]byte, error)) string {
	const fallback = "word/document.xml"
	rels, err := read("_rels/.rels")
	if err != nil {
		return fallback
	}
	var v struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(rels, &v) != nil {
		return fallback
	}
	for _, r := range v.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") && r.Target != "" {
			return strings.TrimPrefix(path.Clean("/"+r.Target), "/")
		}
	}
	return fallback
}

func coreTitle(core []byte) string {
	var v struct {
		Title string `xml:"title"`
	}
	if xml.Unmarshal(core, &v) != nil {
		return ""
	}
	return collapse(v.Title)
}

// docxParser walks document.xml as a token stream. Containers it does not
// know (w:sdt, w:customXml, w:ins, w:smartTag, mc:AlternateContent, ...)
// are entered transparently, so content wrapped in them is still read;
// elements whose text is not document content are skipped.
type docxParser struct {
	dec      *scanner
	depth    int
	maxDepth int
	cells    int // cell budget left (Options.MaxCells)
	num      *numbering
	warnings []string
}

var errDepth = errors.New("xml nesting too deep")

func (p *docxParser) token() (token, error) {
	t, err := p.dec.next()
	if err != nil {
		if err == errEOF {
			return t, io.ErrUnexpectedEOF
		}
		return t, err
	}
	switch t.kind {
	case tokStart:
		if p.depth++; p.depth > p.maxDepth {
			return t, fmt.Errorf("%w (limit %d): %w", errDepth, p.maxDepth, ErrLimit)
		}
	case tokEnd:
		p.depth--
	}
	return t, nil
}

// skip consumes the rest of the element whose start was just read.
func (p *docxParser) skip() error {
	if err := p.dec.skipElement(); err != nil {
		return err
	}
	p.depth--
	return nil
}

func isW(n xml.Name) bool { return n.Space == nsW || n.Space == nsWStrict }

// skipped are elements whose content is never document text: deleted
// revisions, field instructions, property blocks, and the VML fallback of
// mc:AlternateContent (which repeats the text of its Choice).
func skipped(n xml.Name) bool {
	if n.Space == nsMC {
		return n.Local == "Fallback"
	}
	if !isW(n) {
		return false
	}
	switch n.Local {
	case "del", "moveFrom", "delText", "instrText", "delInstrText", "rPr", "pPr", "sectPr",
		"tblPr", "tblPrEx", "tblGrid", "trPr", "tcPr", "footnoteReference", "endnoteReference",
		"commentReference":
		return true
	}
	return false
}

// children calls fn for every element inside the element just opened.
// fn returns false for elements it does not handle: those are skipped when
// they carry no content, and otherwise entered transparently.
func (p *docxParser) children(fn func(xml.StartElement) (bool, error)) error {
	for {
		t, err := p.token()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokEnd:
			return nil
		case tokStart:
			ok, err := fn(t.start)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
			if skipped(t.start.Name) {
				err = p.skip()
			} else {
				err = p.children(fn)
			}
			if err != nil {
				return err
			}
		}
	}
}

func (p *docxParser) document() ([]doc.Block, error) {
	for {
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		if t.kind == tokStart {
			if se := t.start; se.Name.Local != "document" {
				return nil, fmt.Errorf("root element is %s, not w:document", se.Name.Local)
			}
			return p.blocks()
		}
	}
}

// blocks reads paragraphs and tables, in order, until the end of the
// element just opened.
func (p *docxParser) blocks() ([]doc.Block, error) {
	var out []doc.Block
	err := p.children(func(se xml.StartElement) (bool, error) {
		if !isW(se.Name) {
			return false, nil
		}
		switch se.Name.Local {
		case "p":
			lines, extra, err := p.paragraph()
			for _, l := range lines {
				out = append(out, doc.Block{Text: l})
			}
			out = append(out, extra...)
			return true, err
		case "tbl":
			bs, err := p.table()
			out = append(out, bs...)
			return true, err
		}
		return false, nil
	})
	return out, err
}

// paragraph returns the paragraph's lines (split at w:br and w:cr,
// whitespace collapsed, empty lines dropped) and any tables found inside
// it, which only text boxes can hold.
func (p *docxParser) paragraph() (lines []string, extra []doc.Block, err error) {
	var sb strings.Builder
	flush := func() {
		if s := collapse(sb.String()); s != "" {
			lines = append(lines, s)
		}
		sb.Reset()
	}
	var ref numRef
	var style string
	nested := 0
	var inline func(xml.StartElement) (bool, error)
	inline = func(se xml.StartElement) (bool, error) {
		if !isW(se.Name) {
			return false, nil
		}
		switch se.Name.Local {
		case "pPr":
			if nested > 0 {
				return true, p.skip()
			}
			return true, p.children(func(se xml.StartElement) (bool, error) {
				switch se.Name.Local {
				case "pStyle":
					style = attrVal(se)
				case "numPr":
					return true, p.children(func(se xml.StartElement) (bool, error) {
						switch se.Name.Local {
						case "ilvl":
							ref.ilvl = attrVal(se)
						case "numId":
							ref.numID = attrVal(se)
						}
						return true, p.skip()
					})
				}
				return true, p.skip()
			})
		case "t":
			return true, p.text(&sb)
		case "tab", "ptab":
			sb.WriteByte('\t')
		case "br", "cr":
			flush()
		case "noBreakHyphen":
			sb.WriteByte('-')
		case "p": // a paragraph in a text box: keep its words apart
			sb.WriteByte(' ')
			nested++
			err := p.children(inline)
			nested--
			sb.WriteByte(' ')
			return true, err
		case "tbl":
			bs, err := p.table()
			extra = append(extra, bs...)
			return true, err
		default:
			return false, nil
		}
		return true, p.skip()
	}
	err = p.children(inline)
	flush()
	if n := p.num.label(ref, style); n != "" && len(lines) > 0 {
		lines[0] = n + lines[0]
	}
	return lines, extra, err
}

func attrVal(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "val" {
			return a.Value
		}
	}
	return ""
}

// text appends the character data of a w:t element.
func (p *docxParser) text(sb *strings.Builder) error {
	for {
		t, err := p.token()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokText:
			sb.Write(t.text)
		case tokStart:
			if err := p.skip(); err != nil {
				return err
			}
		case tokEnd:
			return nil
		}
	}
}

// tcell is a parsed w:tc before it is placed in the grid.
type tcell struct {
	text   string
	span   int
	vMerge string // "", "restart" or "continue"
	hMerge string // legacy horizontal merge: "", "restart" or "continue"
}

type trow struct {
	before, after int
	cells         []tcell
}

// table reads a w:tbl and returns it as one block followed by the tables
// nested in its cells. A table that is only a frame (every row a single
// cell, and either one row or nested tables inside) is dropped and its
// content returned in its place: WPS and web editors often wrap a whole
// report, or a boxed note, in such a layout table.
func (p *docxParser) table() ([]doc.Block, error) {
	var rows []trow
	var nested [][]doc.Block // content blocks of every cell, in order
	err := p.children(func(se xml.StartElement) (bool, error) {
		if !isW(se.Name) || se.Name.Local != "tr" {
			return false, nil
		}
		r, cellBlocks, err := p.row()
		rows = append(rows, r)
		nested = append(nested, cellBlocks...)
		return true, err
	})
	if err != nil {
		return nil, err
	}
	frame := len(rows) == 1
	for _, bs := range nested {
		for _, b := range bs {
			frame = frame || b.Table != nil
		}
	}
	for _, r := range rows {
		if len(r.cells) > 1 || r.before > 0 || r.after > 0 {
			frame = false
		}
	}
	var out []doc.Block
	if frame {
		for _, bs := range nested {
			out = append(out, bs...)
		}
		return out, nil
	}
	t, warn := grid(rows, &p.cells)
	if p.cells < 0 {
		// gridSpan copies multiply cells: the total is bounded, not just rows.
		return nil, fmt.Errorf("tables have more cells than the limit: %w", ErrLimit)
	}
	if warn != "" {
		p.warnings = append(p.warnings, warn)
	}
	out = append(out, doc.Block{Table: t})
	for _, bs := range nested {
		for _, b := range bs {
			if b.Table != nil {
				out = append(out, b)
			}
		}
	}
	return out, nil
}

func (p *docxParser) row() (trow, [][]doc.Block, error) {
	var r trow
	var nested [][]doc.Block
	err := p.children(func(se xml.StartElement) (bool, error) {
		if !isW(se.Name) {
			return false, nil
		}
		switch se.Name.Local {
		case "trPr":
			return true, p.children(func(se xml.StartElement) (bool, error) {
				switch se.Name.Local {
				case "gridBefore":
					r.before = spanAttr(se, 0)
				case "gridAfter":
					r.after = spanAttr(se, 0)
				}
				return true, p.skip()
			})
		case "tc":
			c, bs, err := p.cell()
			r.cells = append(r.cells, c)
			nested = append(nested, bs)
			return true, err
		case "tbl": // malformed: a table directly in a row; keep its content
			bs, err := p.table()
			nested = append(nested, bs)
			return true, err
		}
		return false, nil
	})
	return r, nested, err
}

func (p *docxParser) cell() (tcell, []doc.Block, error) {
	c := tcell{span: 1}
	var content []doc.Block
	err := p.children(func(se xml.StartElement) (bool, error) {
		if !isW(se.Name) {
			return false, nil
		}
		switch se.Name.Local {
		case "tcPr":
			return true, p.children(func(se xml.StartElement) (bool, error) {
				switch se.Name.Local {
				case "gridSpan":
					c.span = spanAttr(se, 1)
				case "vMerge":
					c.vMerge = mergeAttr(se)
				case "hMerge":
					c.hMerge = mergeAttr(se)
				}
				return true, p.skip()
			})
		case "p":
			lines, extra, err := p.paragraph()
			for _, l := range lines {
				content = append(content, doc.Block{Text: l})
			}
			content = append(content, extra...)
			return true, err
		case "tbl":
			bs, err := p.table()
			content = append(content, bs...)
			return true, err
		}
		return false, nil
	})
	var parts []string
	for _, b := range content {
		if b.Table == nil {
			parts = append(parts, b.Text)
		}
	}
	c.text = strings.Join(parts, " ")
	return c, content, err
}

// spanAttr reads w:val as a count clamped to [lo, maxSpan]; a missing or
// unreadable value gives lo.
func spanAttr(se xml.StartElement, lo int) int {
	for _, a := range se.Attr {
		if a.Name.Local == "val" {
			n, err := strconv.Atoi(strings.TrimSpace(a.Value))
			if err != nil || n < lo {
				return lo
			}
			return min(n, maxSpan)
		}
	}
	return lo
}

// mergeAttr reads a vMerge/hMerge: w:val="restart" starts a merge, and a
// missing w:val means "continue" (ECMA-376 17.4.84).
func mergeAttr(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "val" {
			if a.Value == "restart" {
				return "restart"
			}
			return "continue"
		}
	}
	return "continue"
}

// grid places the parsed rows on the table grid: gridBefore pads with
// empty cells, gridSpan and hMerge copy a cell to the right, and a
// vMerge continuation copies the origin above. Copies are Spanned.
func grid(rows []trow, budget *int) (*doc.Table, string) {
	t := &doc.Table{Rows: make([][]doc.Cell, 0, len(rows))}
	var warn string
	for ri, r := range rows {
		var out []doc.Cell
		put := func(c doc.Cell) bool {
			if *budget--; *budget < 0 {
				return false
			}
			if len(out) >= maxRowWidth {
				warn = fmt.Sprintf("table row %d wider than %d columns: truncated", ri, maxRowWidth)
				return false
			}
			c.Loc = doc.Loc{Row: ri, Col: len(out)}
			out = append(out, c)
			return true
		}
		for range r.before {
			put(doc.Cell{})
		}
		for _, c := range r.cells {
			origin := doc.Cell{Text: c.text}
			switch {
			case c.vMerge == "continue" && ri > 0 && len(out) < len(t.Rows[ri-1]):
				above := t.Rows[ri-1][len(out)]
				origin = doc.Cell{Text: above.Text, Spanned: true}
			case c.hMerge == "continue" && len(out) > 0:
				origin = doc.Cell{Text: out[len(out)-1].Text, Spanned: true}
			}
			if !put(origin) {
				break
			}
			copyCell := doc.Cell{Text: origin.Text, Spanned: true}
			for k := 1; k < c.span; k++ {
				if c.vMerge == "continue" && ri > 0 && len(out) < len(t.Rows[ri-1]) {
					copyCell.Text = t.Rows[ri-1][len(out)].Text
				}
				if !put(copyCell) {
					break
				}
			}
		}
		t.Rows = append(t.Rows, out)
		if *budget < 0 {
			break
		}
	}
	return t, warn
}

// collapse joins runs of whitespace (including U+3000 and NBSP) into one
// space and trims the ends.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
