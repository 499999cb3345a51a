// Package codebook holds the two national report templates (国办公开办函
// 〔2019〕60号 and 〔2021〕30号) as ordered data: for each table and template
// version, its blocks, rows and columns in template order, with the Chinese
// labels and aliases used to recognise them and the unit of every cell.
//
// The public schema, codebook.tsv, is embedded; a test proves that every key
// the layouts can produce is one of its keys.
package codebook

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// Table names, the first part of a cell key.
const (
	Active   = "active"   // section 二, proactive disclosure
	Requests = "requests" // section 三, requests received and handled
	Appeals  = "appeals"  // section 四, administrative review and litigation
)

// Template versions.
const (
	T2019 = "2019"
	T2021 = "2021"
)

// Units. UnitAsPrinted marks a cell whose unit the template leaves open: the
// extractor keeps a unit printed in the cell and otherwise reports "unknown".
const (
	UnitDocs      = "件"
	UnitItems     = "项"
	UnitTenK      = "万元"
	UnitAsPrinted = "as printed"
	UnitUnknown   = "unknown"
)

// Label is a printed label and the other spellings that mean the same.
type Label struct {
	Zh      string
	Aliases []string
}

// All returns the label and its aliases.
func (l Label) All() []string { return append([]string{l.Zh}, l.Aliases...) }

// Row is one template row.
type Row struct {
	Key   string // e.g. "unable.not_held"; dotted for rows inside a group
	Label Label  // the row's own label, without numbering
	// Group is the label of the rowspan group the row sits in
	// (不予公开 for withheld.*), "" for a top-level row.
	Group string
	// Level is the numbering level the template prints: 1 for 一、,
	// 2 for （一）, 3 for 1. inside a group. Section 二 rows have level 0.
	Level int
}

// Col is one template column.
type Col struct {
	Key   string
	Label Label
	Unit  string
	// Signed is true for the 2019 本年增/减 column, the only one that may be negative.
	Signed bool
	// Decimals is the number of fractional digits the column allows (万元 amounts: 4).
	Decimals int
}

// Block is a group of rows sharing one column header. Section 二 has one
// block per article item (第二十条第（一）项 …); sections 三 and 四 have one.
type Block struct {
	Caption string // 第二十条第（一）项 for section 二, "" otherwise
	Item    string // the article item numeral: 一, 五, 六, 八, 九
	Rows    []Row
	Cols    []Col
}

// Layout is one table in one template version.
type Layout struct {
	Table    string
	Template string
	Blocks   []Block
}

// Key is a cell key as the report emits it.
type Key struct{ Table, Row, Col string }

func (k Key) String() string { return k.Table + "." + k.Row + "." + k.Col }

// Keys returns every cell key of the layout in template order: blocks, then
// rows, then columns. This is the order of the gold files.
func (l *Layout) Keys() []Key {
	var out []Key
	for _, b := range l.Blocks {
		for _, r := range b.Rows {
			for _, c := range b.Cols {
				out = append(out, Key{l.Table, r.Key, c.Key})
			}
		}
	}
	return out
}

// Row returns the row with key k and its block, or false.
func (l *Layout) Row(k string) (Row, *Block, bool) {
	for i := range l.Blocks {
		for _, r := range l.Blocks[i].Rows {
			if r.Key == k {
				return r, &l.Blocks[i], true
			}
		}
	}
	return Row{}, nil, false
}

// Lookup returns the layout of table in template version tmpl.
func Lookup(table, tmpl string) (*Layout, bool) {
	for _, l := range layouts {
		if l.Table == table && l.Template == tmpl {
			return l, true
		}
	}
	return nil, false
}

// Layouts returns every layout, for both template versions.
func Layouts() []*Layout { return layouts }

// Entry is one line of codebook.tsv. Row or Col may be "*" (every row or
// column of the table).
type Entry struct {
	Table, Row, Col string
	Template        string // 2019, 2021 or both
	ZhRow, ZhCol    string
	Unit            string
	Meaning         string
}

//go:embed codebook.tsv
var codebookTSV string

var (
	entriesOnce sync.Once
	entries     []Entry
	entriesErr  error
)

// Entries returns the embedded public codebook, one entry per line, in file order.
func Entries() ([]Entry, error) {
	entriesOnce.Do(func() { entries, entriesErr = parseTSV(codebookTSV) })
	return entries, entriesErr
}

func parseTSV(s string) ([]Entry, error) {
	var out []Entry
	for i, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if i == 0 {
			continue // header
		}
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 8 {
			return nil, fmt.Errorf("codebook.tsv line %d: %d fields, want 8", i+1, len(f))
		}
		out = append(out, Entry{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]})
	}
	return out, nil
}

// Allowed reports whether the codebook names the cell key k for template
// version tmpl, expanding the "*" wildcards of sections 三 and 四.
func Allowed(k Key, tmpl string) bool {
	es, err := Entries()
	if err != nil {
		return false
	}
	var rowOK, colOK, exact bool
	for _, e := range es {
		if e.Table != k.Table || (e.Template != "both" && e.Template != tmpl) {
			continue
		}
		switch {
		case e.Row == k.Row && e.Col == k.Col:
			exact = true
		case e.Row == k.Row && e.Col == "*":
			rowOK = true
		case e.Row == "*" && e.Col == k.Col:
			colOK = true
		}
	}
	return exact || (rowOK && colOK)
}
