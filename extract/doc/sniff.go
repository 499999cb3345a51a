package doc

import (
	"archive/zip"
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"
)

// Sniff decides the format of data from its content. contentType (an HTTP
// Content-Type, possibly empty) is used only to break a tie between HTML
// and plain text: servers often label a PDF as text/html, and a saved
// attachment's name says nothing about what it holds.
func Sniff(data []byte, contentType string) Format {
	switch {
	case bytes.HasPrefix(skipBOMSpace(data, 1024), []byte("%PDF-")):
		return FormatPDF
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return sniffOLE(data)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(data)
	}
	if looksBinary(data) {
		return FormatUnknown
	}
	if looksHTML(data) {
		return FormatHTML
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		// Declared HTML without markup in the first kilobytes: still HTML
		// (a page of bare text is read the same way by the HTML reader).
		return FormatHTML
	}
	return FormatText
}

// skipBOMSpace drops a UTF-8 BOM and leading whitespace, looking at most at limit bytes.
func skipBOMSpace(data []byte, limit int) []byte {
	if len(data) > limit {
		data = data[:limit]
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	return bytes.TrimLeft(data, " \t\r\n\f")
}

// sniffOLE tells Word (and Kingsoft WPS, which uses the same container and
// stream name) from Excel by the directory stream names, which are UTF-16LE.
func sniffOLE(data []byte) Format {
	utf16 := func(s string) []byte {
		b := make([]byte, 0, 2*len(s))
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return b
	}
	switch {
	case bytes.Contains(data, utf16("WordDocument")):
		return FormatDOC
	case bytes.Contains(data, utf16("Workbook")), bytes.Contains(data, utf16("Book")):
		return FormatXLS
	}
	return FormatDOC
}

func sniffZip(data []byte) Format {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		// A truncated archive still names its first entries in local headers.
		switch {
		case bytes.Contains(data, []byte("word/")):
			return FormatDOCX
		case bytes.Contains(data, []byte("xl/")):
			return FormatXLSX
		}
		return FormatUnknown
	}
	for _, f := range zr.File {
		switch {
		case strings.HasPrefix(f.Name, "word/"):
			return FormatDOCX
		case strings.HasPrefix(f.Name, "xl/"):
			return FormatXLSX
		}
	}
	return FormatUnknown
}

// looksBinary reports whether the head of data has control bytes that no
// text or HTML document contains. Legacy CJK encodings (GBK, GB18030, Big5)
// use only bytes >= 0x40 in their trail positions, so they pass.
func looksBinary(data []byte) bool {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	for _, b := range head {
		if b == 0 || (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1B) {
			return true
		}
	}
	return false
}

var htmlMarkers = [][]byte{
	[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body"),
	[]byte("<meta"), []byte("<table"), []byte("<div"), []byte("<p>"), []byte("<p "),
	[]byte("<title"), []byte("<br"), []byte("<span"), []byte("<td"), []byte("<tr"),
	[]byte("<?xml"),
}

func looksHTML(data []byte) bool {
	head := skipBOMSpace(data, 8192)
	if !utf8.Valid(head) && !bytes.Contains(head, []byte("<")) {
		return false
	}
	lower := lowerMarkup(head)
	if bytes.HasPrefix(lower, []byte("<")) {
		for _, m := range htmlMarkers {
			if bytes.HasPrefix(lower, m) || bytes.HasPrefix(lower, []byte("<!--")) {
				return true
			}
		}
	}
	// Markup later in the head: count tags that only HTML has. A text
	// report mentions "<" rarely and never as "<td".
	n := 0
	for _, m := range htmlMarkers {
		n += bytes.Count(lower, m)
	}
	return n >= 3
}

// lowerMarkup lower-cases b for matching the ASCII htmlMarkers, with the
// same marker matches as bytes.ToLower, which maps CJK text rune by rune
// and dominated sniffing a text report. Only two non-ASCII runes
// lower-case to ASCII: U+0130 to i and U+212A to k; they are mapped here
// too (their lead bytes are never continuation bytes, so bytes.ToLower
// decodes them even inside GBK text). Every other non-ASCII byte stays
// non-ASCII, as bytes.ToLower's output for it does, so no marker can
// match across it in either.
func lowerMarkup(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == 0xC4 && i+1 < len(b) && b[i+1] == 0xB0: // U+0130
			c = 'i'
			i++
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x84 && b[i+2] == 0xAA: // U+212A
			c = 'k'
			i += 2
		}
		out = append(out, c)
	}
	return out
}
