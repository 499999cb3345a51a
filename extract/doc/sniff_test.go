package doc

import (
	"archive/zip"
	"bytes"
	"testing"
	"unicode/utf8"
)

func zipWith(t *testing.T, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<x/>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 64)...)
	word := append(append([]byte{}, ole...), []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")...)
	book := append(append([]byte{}, ole...), []byte("W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00")...)
	tests := []struct {
		name, ct string
		data     []byte
		want     Format
	}{
		{"pdf served as html", "text/html", []byte("%PDF-1.7\n%\xe2\xe3"), FormatPDF},
		{"pdf after BOM", "", []byte("\xEF\xBB\xBF%PDF-1.4"), FormatPDF},
		{"docx", "", zipWith(t, "word/document.xml"), FormatDOCX},
		{"xlsx", "application/octet-stream", zipWith(t, "xl/workbook.xml"), FormatXLSX},
		{"other zip", "", zipWith(t, "a.txt"), FormatUnknown},
		{"ole word", "", word, FormatDOC},
		{"ole excel", "", book, FormatXLS},
		{"html doctype", "", []byte("  <!DOCTYPE html><html><body>x</body></html>"), FormatHTML},
		{"html fragment", "", []byte("海东市\n<p>一</p><table><tr><td>1</td></tr></table>"), FormatHTML},
		{"tab text", "", []byte("规章\t0\t0\t0\n"), FormatText},
		{"pipe text", "text/plain", []byte("| 规章 | 0 |\n"), FormatText},
		{"gbk text", "", []byte{0xba, 0xa3, 0xb6, 0xab, '\n'}, FormatText},
		{"declared html without tags", "text/html; charset=gbk", []byte("plain words"), FormatHTML},
		{"binary", "", []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0}, FormatUnknown},
		{"empty", "", nil, FormatText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.data, tt.ct); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.4"), "")
	f.Add([]byte("PK\x03\x04word/"), "")
	f.Add([]byte("<html>"), "text/html")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		Sniff(data, ct)
	})
}

// looksHTMLRef is looksHTML as first written, with bytes.ToLower: the
// reference lowerMarkup must agree with.
func looksHTMLRef(data []byte) bool {
	head := skipBOMSpace(data, 8192)
	if !utf8.Valid(head) && !bytes.Contains(bytes.ToLower(head), []byte("<")) {
		return false
	}
	lower := bytes.ToLower(head)
	if bytes.HasPrefix(lower, []byte("<")) {
		for _, m := range htmlMarkers {
			if bytes.HasPrefix(lower, m) || bytes.HasPrefix(lower, []byte("<!--")) {
				return true
			}
		}
	}
	n := 0
	for _, m := range htmlMarkers {
		n += bytes.Count(lower, m)
	}
	return n >= 3
}

func TestLooksHTMLMatchesToLower(t *testing.T) {
	for _, s := range []string{
		"<TD>1<TD>2<TD>3", "海东市<Td>1<tD>2<td>3", "<d\u0130v><d\u0130v><d\u0130v>",
		"\u0130<d\u0130v><d\u0130v><d\u0130v>", "<br\u212a<br<br", "<\u212a", "\xba\xa3<TD\xb6<td<td",
		"<tİtle>", "\u0130<p>", "年报\n<P>一</P><TABLE>", "", "\xb2\xc4\xb0<d\u0130v><d\xc4\xb0v><\xe2\x84\xaa",
		"<d\xc4", "<br\xe2\x84", "\xff<td\xc4\xb0<td\xe2\x84\xaa<td",
	} {
		if got, want := looksHTML([]byte(s)), looksHTMLRef([]byte(s)); got != want {
			t.Errorf("looksHTML(%q) = %v, bytes.ToLower gives %v", s, got, want)
		}
	}
}

func FuzzLooksHTML(f *testing.F) {
	f.Add([]byte("<TD>1<TD>2<TD>3"))
	f.Add([]byte("<d\u0130v><d\u0130v><d\u0130v>"))
	f.Add([]byte("\xba\xa3<TD\xb6<td<td"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := looksHTML(data), looksHTMLRef(data); got != want {
			t.Errorf("looksHTML(%q) = %v, bytes.ToLower gives %v", data, got, want)
		}
	})
}
