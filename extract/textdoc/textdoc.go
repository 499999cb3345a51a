// Package textdoc reads plain-text reports whose tables broke in conversion:
// tab-separated rows, pipe and markdown tables with ragged pipes, tables cut
// by page footers or blank lines, and tables flattened to one cell per line.
// It only recovers the grid; deciding what the cells mean is the mapper's job.
package textdoc

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/extract/doc"
)

// MaxCellsPerRow bounds the cells kept from one line: a template row has
// at most 17 cells, so anything wider is debris, not a table.
const MaxCellsPerRow = 1024

// Read decodes data (see decode for the charset rules) and splits it into
// paragraphs and tables, keeping the source line of every block and cell.
// It fails only when ctx is done.
func Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error) {
	text, warnings := decode(data, contentType)
	d := &doc.Document{Format: doc.FormatText, Warnings: warnings}
	lines := splitLines(text)

	var cur *doc.Table // table being built
	flush := func() {
		if cur != nil {
			d.Blocks = append(d.Blocks, doc.Block{Table: cur, Loc: cur.Loc})
			cur = nil
		}
	}
	truncated := false
	for i, raw := range lines {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		lineNo := i + 1
		line := trimRightSpaces(raw)
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			// A blank line between two table rows does not end the table:
			// text conversions insert them at page breaks and inside merged cells.
			continue
		case isFooter(trimmed):
			// Page footers sit inside tables that cross a page: skip them
			// without ending the table.
			continue
		case isMarkdownRule(trimmed):
			continue
		}
		cells, ok := splitRow(line)
		if !ok {
			flush()
			d.Blocks = append(d.Blocks, doc.Block{Text: collapse(trimmed), Loc: doc.Loc{Line: lineNo}})
			continue
		}
		if len(cells) > MaxCellsPerRow {
			cells = cells[:MaxCellsPerRow]
			truncated = true
		}
		if cur == nil {
			cur = &doc.Table{Loc: doc.Loc{Line: lineNo}}
		}
		r := len(cur.Rows)
		row := make([]doc.Cell, len(cells))
		for c, s := range cells {
			row[c] = doc.Cell{Text: s, Loc: doc.Loc{Line: lineNo, Row: r, Col: c}}
		}
		cur.Rows = append(cur.Rows, row)
	}
	flush()
	if truncated {
		d.Warnings = append(d.Warnings, "rows wider than the cell limit were truncated")
	}
	d.Blocks = unflatten(d.Blocks)
	return d, nil
}

// trimRightSpaces drops trailing spaces (ASCII, U+3000, U+00A0) but not
// tabs, which are empty cells.
func trimRightSpaces(s string) string {
	for {
		switch {
		case strings.HasSuffix(s, " "):
			s = s[:len(s)-1]
		case strings.HasSuffix(s, "\u3000"):
			s = s[:len(s)-len("\u3000")]
		case strings.HasSuffix(s, "\u00a0"):
			s = s[:len(s)-len("\u00a0")]
		default:
			return s
		}
	}
}

func splitLines(s string) []string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.Split(s, "\n")
}

var (
	// — 4 —, -3-, - 12 -, 第 3 页, 第3页 共10页, 3/10
	footerRe       = regexp.MustCompile(`^(?:[-—–－─]+\s*\d{1,4}\s*[-—–－─]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$`)
	markdownRuleRe = regexp.MustCompile(`^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$`)
)

func isFooter(s string) bool { return len(s) < 40 && footerStart(s) && footerRe.MatchString(s) }

// footerStart is a cheap necessary condition for footerRe, which runs on
// every short line: a footer starts with a dash, 第 or a digit.
func footerStart(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c == '-' || c >= '0' && c <= '9' {
		return true
	}
	for _, p := range []string{"—", "–", "－", "─", "第"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
func isMarkdownRule(s string) bool {
	return strings.Contains(s, "---") && markdownRuleRe.MatchString(s)
}

// splitRow returns the cells of a table line: tab-separated, pipe-separated,
// or (as pdftotext -layout writes) separated by runs of two or more spaces
// with at least two numeric fields. ok is false for a paragraph line.
func splitRow(line string) ([]string, bool) {
	switch {
	case strings.Contains(line, "\t"):
		return cleanCells(strings.Split(strings.TrimLeft(line, " "), "\t")), true
	case strings.Contains(line, "|") && isPipeRow(line):
		t := strings.TrimSpace(line)
		t = strings.TrimPrefix(t, "|")
		// A trailing pipe closes the row; the empty string after it is not a cell.
		t = strings.TrimSuffix(t, "|")
		return cleanCells(strings.Split(t, "|")), true
	}
	if !strings.Contains(line, "  ") && !strings.Contains(line, "\u3000\u3000") {
		return nil, false
	}
	fields := splitWide(strings.TrimSpace(line))
	if len(fields) < 3 {
		return nil, false
	}
	nums := 0
	for _, f := range fields {
		if isNumeric(f) {
			nums++
		}
	}
	if nums >= 2 {
		return cleanCells(fields), true
	}
	return nil, false
}

// splitWide splits s at runs of two or more spaces (ASCII or U+3000).
func splitWide(s string) []string {
	var out []string
	start, run, runStart := 0, 0, 0
	for i, r := range s {
		if r == ' ' || r == '\u3000' {
			if run == 0 {
				runStart = i
			}
			run++
			continue
		}
		if run >= 2 {
			out = append(out, s[start:runStart])
			start = i
		}
		run = 0
	}
	return append(out, s[start:])
}

// isPipeRow tells a pipe table row from prose that happens to contain "|":
// a row has a pipe at an end or at least two pipes.
func isPipeRow(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "|") || strings.HasSuffix(t, "|") || strings.Count(t, "|") >= 2
}

// cleanCells trims and collapses each cell in place: its callers pass a
// slice fresh from splitting, owned by nobody else.
func cleanCells(cells []string) []string {
	for i, s := range cells {
		cells[i] = collapse(strings.TrimSpace(s))
	}
	return cells
}

// collapse replaces runs of whitespace with one space, as the doc contract
// asks of cell text.
func collapse(s string) string {
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// needsCollapse reports whether s has whitespace other than single ASCII
// spaces between other characters.
func needsCollapse(s string) bool {
	prevSpace := true // a leading space needs work too
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return true
			}
			prevSpace = true
		case c < 0x20 || c == 0x7f:
			return true
		case c >= 0xE4 && c <= 0xEF:
			i += 2 // a 3-byte character that is never a space (CJK ideographs)
			prevSpace = false
		case c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3:
			// Only these lead bytes start a non-ASCII space (U+0085, U+00A0,
			// U+1680, U+2000–U+205F, U+3000); CJK text skips the decoding.
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return true
			}
			i += size - 1
			prevSpace = false
		default:
			prevSpace = false
		}
	}
	return prevSpace && len(s) > 0
}

// isNumeric reports whether s (after folding full-width digits) is a plain
// number: optional sign, digits with optional thousands separators, optional decimals.
func isNumeric(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return false
	}
	// A number starts with a sign or a digit, ASCII or full-width (lead
	// byte 0xEF): most lines are prose and stop here, before folding.
	if c := s[0]; c != '-' && c != '+' && (c < '0' || c > '9') && c != 0xEF {
		return false
	}
	s = foldDigits(s)
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ',' && !dot && digits > 0:
		case c == '.' && !dot && digits > 0 && i+1 < len(s):
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

func foldDigits(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= '０' && r <= '９' || r == '，' || r == '．' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '，':
			return ','
		case r == '．':
			return '.'
		}
		return r
	}, s)
}

// runesAtMost reports whether s has at most n runes, counting only when
// its length in bytes leaves the answer open.
func runesAtMost(s string, n int) bool {
	switch {
	case len(s) <= n:
		return true
	case len(s) > n*utf8.UTFMax:
		return false
	}
	return utf8.RuneCountInString(s) <= n
}

// unflatten finds tables flattened to one cell per line among the
// paragraphs: a run of short lines in which numbers are common. Each
// non-numeric line starts a row and the numbers after it are its cells,
// which is how a label-then-values template row reads when flattened.
func unflatten(blocks []doc.Block) []doc.Block {
	const (
		maxRunes   = 40
		minLines   = 8
		minNumbers = 4
	)
	var out []doc.Block
	for i := 0; i < len(blocks); {
		j, nums := i, 0
		for j < len(blocks) && blocks[j].Table == nil && runesAtMost(blocks[j].Text, maxRunes) {
			if isNumeric(blocks[j].Text) {
				nums++
			}
			j++
		}
		if j-i < minLines || nums < minNumbers || nums*10 < (j-i)*3 {
			if j == i {
				j = i + 1
			}
			out = append(out, blocks[i:j]...)
			i = j
			continue
		}
		// Keep any leading prose lines (a heading) as paragraphs: the table
		// starts at the last non-numeric line before the first number.
		first := i
		for k := i; k < j; k++ {
			if isNumeric(blocks[k].Text) {
				first = max(i, k-1)
				break
			}
		}
		out = append(out, blocks[i:first]...)
		t := &doc.Table{Loc: blocks[first].Loc}
		for k := first; k < j; k++ {
			b := blocks[k]
			if !isNumeric(b.Text) || len(t.Rows) == 0 {
				t.Rows = append(t.Rows, nil)
			}
			r := len(t.Rows) - 1
			t.Rows[r] = append(t.Rows[r], doc.Cell{Text: b.Text, Loc: doc.Loc{Line: b.Loc.Line, Row: r, Col: len(t.Rows[r])}})
		}
		out = append(out, doc.Block{Table: t, Loc: t.Loc})
		i = j
	}
	return out
}
