package htmldoc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// addFixtureSeeds seeds the corpus with every report table of the
// fixtures and with their heads (charset declarations, chrome, metadata).
// Whole pages would be better seeds but make coverage-guided fuzzing crawl.
func addFixtureSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "html", "*.html"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data[:min(len(data), 3000)], "")
		for rest := data; ; {
			i := bytes.Index(rest, []byte("<table"))
			if i < 0 {
				break
			}
			rest = rest[i:]
			j := bytes.Index(rest, []byte("</table>"))
			if j < 0 {
				break
			}
			f.Add(rest[:j+len("</table>")], "")
			rest = rest[j:]
		}
	}
}

// FuzzRead: no input may panic or hang Read, and every document it
// returns satisfies the grid and text invariants of checkDoc.
func FuzzRead(f *testing.F) {
	addFixtureSeeds(f)
	for _, s := range []string{
		`<table><tr><td colspan="2;" rowspan="0">a<td>b<tr><td rowspan="3 ">c</table>`,
		`<table><tfoot><tr><td>f</tfoot><tbody><tr><td rowspan=9>x</tbody><thead><tr><th>h</table>`,
		`<table><tr><td><table><tr><td>inner</td></tr></table></td><td>outer</td></tr></table>`,
		`<div id="zoom"><p>一、总体情况</p><span>索引号：1</span></div><div class="nav">首页</div>`,
		"<meta charset=gbk><p>\xc8\xfd\xa1\xa2</p>",
		`<![if !supportLists]><o:p>&nbsp;</o:p><![endif]><!--[if gte mso 9]><xml></xml><![endif]-->`,
	} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("<p>\xb1\xbe\xc4\xea</p>"), "text/html; charset=utf-8")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		d, err := Read(context.Background(), data, contentType)
		if err != nil {
			t.Fatal(err)
		}
		checkDoc(t, d)
	})
}

// FuzzDecode: whatever the bytes and the header, the output is UTF-8, a
// charset is named, and undeclared valid UTF-8 passes through unchanged.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=gb2312><p>\xc8\xfd\xa1\xa2</p>"), "")
	f.Add([]byte("<p>三、</p>"), "text/html; charset=utf-8")
	f.Add([]byte("\xEF\xBB\xBF<p>x</p>"), "text/html; charset=gbk")
	f.Add([]byte("\xFF\xFE<\x00p\x00>\x00"), "")
	f.Add([]byte(`<meta http-equiv="content-type" content="text/html; charset=big5">`), "")
	f.Add([]byte("\xc8\xfd\xa1\xa2"), "text/html; charset=iso-8859-1")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		out, cs, _ := Decode(data, contentType)
		if !utf8.Valid(out) {
			t.Fatalf("output is not UTF-8 (charset %s)", cs)
		}
		if cs == "" {
			t.Fatal("no charset named")
		}
		plain := contentType == "" && utf8.Valid(data) && metaCharset(data) == "" &&
			!bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) && !bytes.HasPrefix(data, []byte("\xFF\xFE")) && !bytes.HasPrefix(data, []byte("\xFE\xFF"))
		if plain && !bytes.Equal(out, data) {
			t.Fatalf("undeclared UTF-8 changed")
		}
	})
}
