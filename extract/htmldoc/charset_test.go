package htmldoc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q as GBK: %v", s, err)
	}
	return b
}

func TestDecode(t *testing.T) {
	const text = "<p>三、收到和处理政府信息公开申请情况：本年新收申请数量</p>"
	// 𠀀 (U+20000) and 㐀 (U+3400) need GB18030's four-byte form: GBK has
	// no code for them, so a GBK decoder would lose them.
	const rare = "<p>𠀀㐀行政许可</p>"
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(rare))
	if err != nil {
		t.Fatal(err)
	}
	utf16le, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	metaGBK := func(label string) []byte {
		return append([]byte(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=`+label+`"></head><body>`), gbk(t, text)...)
	}
	cases := []struct {
		name        string
		data        []byte
		contentType string
		want        string // decoded text must contain this
		charset     string
		warning     string // substring of the one expected warning; "" for none
	}{
		{"UTF-8 without any declaration", []byte(text), "", text, "utf-8", ""},
		{"UTF-8 BOM beats a GBK header", append([]byte("\xEF\xBB\xBF"), text...), "text/html; charset=gbk", text, "utf-8", ""},
		{"UTF-16LE BOM", utf16le, "", text, "utf-16le", ""},
		{"GBK declared in the HTTP header", gbk(t, text), "text/html; charset=GBK", text, "gb18030", ""},
		{"GBK declared in a sloppy header", gbk(t, text), "text/html;charset=gb2312;;", text, "gb18030", ""},
		{"GB2312 declared only in meta http-equiv", metaGBK("gb2312"), "", text, "gb18030", ""},
		{"x-gbk in meta charset", append([]byte(`<meta charset="x-gbk">`), gbk(t, text)...), "", text, "gb18030", ""},
		{"cp936 in meta", metaGBK("cp936"), "", text, "gb18030", ""},
		{"meta after a long comment, within 4 KiB", append([]byte("<!--"+strings.Repeat("版权声明 ", 200)+"--><meta charset=gbk>"), gbk(t, text)...), "", text, "gb18030", ""},
		{"declared GB2312 decodes four-byte GB18030", append([]byte(`<meta charset="gb2312">`), gb18030...), "", rare, "gb18030", ""},
		{"header wins over meta", append([]byte(`<meta charset="utf-8">`), gbk(t, text)...), "text/html; charset=gbk", text, "gb18030", ""},
		{"lying header: says UTF-8, bytes are GBK", gbk(t, text), "text/html; charset=utf-8", text, "gb18030", "decoded as GB18030"},
		{"lying meta: says UTF-8, bytes are GBK", append([]byte(`<meta charset="utf-8">`), gbk(t, text)...), "", text, "gb18030", "decoded as GB18030"},
		{"lying meta: says GBK, bytes are UTF-8", append([]byte(`<meta charset="gbk">`), text...), "", text, "utf-8", "valid UTF-8"},
		{"Latin-1 declared on a GBK page", gbk(t, text), "text/html; charset=iso-8859-1", text, "gb18030", "non-ASCII"},
		{"unknown charset label", append([]byte(`<meta charset="x-made-up">`), gbk(t, text)...), "", text, "gb18030", "unknown charset"},
		{"undeclared GBK is detected, with a warning", gbk(t, text), "", text, "gb18030", "detected GB18030"},
		{"undeclared garbage is replaced, never windows-1252", []byte("<p>\xff\xfe\xff ok</p>"), "", "ok", "utf-8", "replaced"},
		{"UTF-8 cut inside a character stays UTF-8", []byte(text + "三")[:len(text)+2], "", text, "utf-8", "truncated"},
		{"UTF-8 declared and cut inside a character stays UTF-8", []byte(text + "三")[:len(text)+2], "text/html; charset=utf-8", text, "utf-8", "truncated"},
		{"one stray byte in a UTF-8 page", []byte(text[:12] + "\xff" + text[12:]), "", text[12:], "utf-8", "invalid sequences replaced"},
		{"pure ASCII is UTF-8", []byte("<p>plain</p>"), "", "plain", "utf-8", ""},
		{"UTF-16 in meta means UTF-8", append([]byte(`<meta charset="utf-16">`), text...), "", text, "utf-8", ""},
		{"Big5 declared and valid", append([]byte(`<meta charset="big5">`), 0xA4, 0xA4), "", "中", "big5", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, cs, warns := Decode(c.data, c.contentType)
			if !utf8.Valid(out) {
				t.Errorf("output is not UTF-8")
			}
			if !bytes.Contains(out, []byte(c.want)) {
				t.Errorf("decoded text lacks %q: %q", c.want, out)
			}
			if cs != c.charset {
				t.Errorf("charset = %q, want %q", cs, c.charset)
			}
			switch {
			case c.warning == "" && len(warns) > 0:
				t.Errorf("unexpected warnings %q", warns)
			case c.warning != "" && (len(warns) != 1 || !strings.Contains(warns[0], c.warning)):
				t.Errorf("warnings = %q, want one containing %q", warns, c.warning)
			}
		})
	}
}

// TestReadGBKFixture checks that the GBK page, which declares its charset
// only in <meta>, reads the same through Read with and without a header.
func TestReadGBKFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "html", "trs_2021_gbk.html"))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(data) {
		t.Fatal("fixture is valid UTF-8; it must be GBK bytes")
	}
	if _, cs, warns := Decode(data, ""); cs != "gb18030" || len(warns) > 0 {
		t.Errorf("Decode: %s %q", cs, warns)
	}
	plain, err := Read(context.Background(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	lying, err := Read(context.Background(), data, "text/html; charset=UTF-8")
	if err != nil {
		t.Fatal(err)
	}
	if render(plain) != render(lying) {
		t.Errorf("a lying UTF-8 header changed the document")
	}
	if len(lying.Warnings) != 1 || !strings.Contains(lying.Warnings[0], "GB18030") {
		t.Errorf("warnings with a lying header: %q", lying.Warnings)
	}
	if tb := lying.Tables()[1]; tb.Rows[3][0].Text != "一、本年新收政府信息公开申请数量" {
		t.Errorf("GBK table text = %q", tb.Rows[3][0].Text)
	}
}
