// Package doc is the document model every reader produces, whatever the
// input format: paragraphs and tables in reading order. A table is a grid
// whose row and column spans have already been expanded, and every cell
// remembers where in the source it came from, so that a number published
// downstream can always be traced back to the text it was read from.
package doc

import "fmt"

// Format names what a reader was given. It is decided by sniffing the
// content (see Sniff), never by file name.
type Format string

const (
	FormatHTML    Format = "html"
	FormatText    Format = "text"
	FormatPDF     Format = "pdf"
	FormatDOCX    Format = "docx"
	FormatDOC     Format = "doc" // OLE2 Word or Kingsoft WPS
	FormatXLSX    Format = "xlsx"
	FormatXLS     Format = "xls"
	FormatUnknown Format = "unknown"
)

// Document is one report as a reader saw it.
type Document struct {
	Format Format
	// Title is the document's own title when the format has one
	// (HTML <title> or the article heading, DOCX core title); it may be empty.
	Title string
	// Meta holds page metadata found outside the body, in source order:
	// 索引号, 发布机构, 发布日期, 公开方式 and the like. Names are kept as printed.
	Meta []Field
	// Blocks is the body in reading order.
	Blocks []Block
	// Warnings lists what the reader had to guess or repair
	// (a charset detected rather than declared, a truncated file, ...).
	Warnings []string
}

// Field is one name/value pair of page metadata.
type Field struct {
	Name, Value string
}

// Block is either a paragraph (Table == nil) or a table.
type Block struct {
	Text  string // paragraph text; empty for a table
	Table *Table
	Loc   Loc
}

// Table is a grid of cells. Rows may have different lengths: text
// extractions are rarely rectangular, and the mapper, not the reader,
// decides what a short row means.
type Table struct {
	Rows [][]Cell
	Loc  Loc
}

// Cell is one grid position.
type Cell struct {
	// Text is the cell's text with inline markup joined and runs of
	// whitespace collapsed to one space; it is not otherwise normalised.
	Text string
	// Spanned is true for the copies made when a rowspan or colspan was
	// expanded. They carry the origin's text so group labels can be read on
	// every row, but a consumer counting values must skip them: a value cell
	// with colspan=3 is one value, not three.
	Spanned bool
	Loc     Loc
}

// Loc is a position in the source. Zero fields are unknown.
type Loc struct {
	Line int // 1-based line of a text input, or of the HTML start tag
	Page int // 1-based page of a PDF
	Row  int // 0-based grid row within the table
	Col  int // 0-based grid column within the table
}

func (l Loc) String() string {
	s := ""
	if l.Page > 0 {
		s += fmt.Sprintf("page %d ", l.Page)
	}
	if l.Line > 0 {
		s += fmt.Sprintf("line %d ", l.Line)
	}
	return s + fmt.Sprintf("r%dc%d", l.Row, l.Col)
}

// Paragraphs returns the text of the paragraph blocks, in order.
func (d *Document) Paragraphs() []string {
	var out []string
	for _, b := range d.Blocks {
		if b.Table == nil {
			out = append(out, b.Text)
		}
	}
	return out
}

// Tables returns the tables, in order.
func (d *Document) Tables() []*Table {
	var out []*Table
	for _, b := range d.Blocks {
		if b.Table != nil {
			out = append(out, b.Table)
		}
	}
	return out
}
