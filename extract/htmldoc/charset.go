package htmldoc

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// metaScanLimit is how far into the document a <meta> charset declaration
// is looked for. WHATWG prescans 1024 bytes; government templates often put
// long comments and scripts first, so we look a little further.
const metaScanLimit = 4096

// Decode turns the bytes of an HTML page into UTF-8. It returns the text,
// the name of the charset it used and warnings about anything it guessed.
//
// The charset is taken, in order, from a byte-order mark, the charset
// parameter of contentType (an HTTP Content-Type, may be ""), a <meta>
// declaration in the first 4 KiB, and finally from the bytes themselves:
// valid UTF-8 is UTF-8, anything else is tried as GB18030. A declaration is
// checked against the bytes: a page that says UTF-8 but is GBK (or says GBK
// but is UTF-8) is decoded as what it is, with a warning. Declared GB2312,
// GBK and their aliases are decoded as GB18030, their superset. Unlike
// x/net/html/charset, Decode never falls back silently to windows-1252.
func Decode(data []byte, contentType string) (text []byte, charset string, warnings []string) {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		return checkUTF8(data[3:], "byte-order mark")
	case bytes.HasPrefix(data, []byte("\xFF\xFE")):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), data[2:]), "utf-16le", nil
	case bytes.HasPrefix(data, []byte("\xFE\xFF")):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), data[2:]), "utf-16be", nil
	}
	if label := headerCharset(contentType); label != "" {
		return decodeDeclared(data, label, "HTTP header")
	}
	if label := metaCharset(data); label != "" {
		return decodeDeclared(data, label, "<meta>")
	}
	if utf8.Valid(data) {
		return data, "utf-8", nil
	}
	if n, ok := mostlyUTF8(data); ok {
		return bytes.ToValidUTF8(data, []byte("\uFFFD")), "utf-8",
			[]string{fmt.Sprintf("charset not declared: UTF-8 with %d invalid sequences replaced (truncated or damaged?)", n)}
	}
	if out, ok := gb18030Clean(data); ok {
		return out, "gb18030", []string{"charset not declared: detected GB18030 (bytes are not valid UTF-8)"}
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD")), "utf-8",
		[]string{fmt.Sprintf("charset not declared and bytes are neither UTF-8 nor GB18030: %d invalid UTF-8 sequences replaced", countInvalidUTF8(data))}
}

// decodeDeclared decodes data as the charset label says, unless the bytes
// show that the label is wrong.
func decodeDeclared(data []byte, label, source string) ([]byte, string, []string) {
	name := canonicalCharset(label)
	if source == "<meta>" && strings.HasPrefix(name, "utf-16") {
		// A <meta> that could be read as ASCII cannot be UTF-16 (WHATWG
		// reads such a declaration as UTF-8).
		name = "utf-8"
	}
	switch name {
	case "utf-8":
		return checkUTF8(data, source+" charset="+label)
	case "gb18030":
		if hasNonASCII(data) && utf8.Valid(data) {
			// Valid multi-byte UTF-8 is almost never GBK by accident; sites
			// that moved to UTF-8 often keep their old declaration.
			return data, "utf-8", []string{fmt.Sprintf("%s declares %s but the bytes are valid UTF-8: decoded as UTF-8", source, label)}
		}
		out, ok := gb18030Clean(data)
		if !ok {
			return out, "gb18030", []string{fmt.Sprintf("%s declares %s: %d undecodable bytes replaced", source, label, bytes.Count(out, []byte("\uFFFD")))}
		}
		return out, "gb18030", nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return detectUndeclared(data, fmt.Sprintf("%s declares unknown charset %q", source, label))
	}
	if latin(name) && hasNonASCII(data) {
		// A Chinese page labelled Latin-1/ASCII is mislabelled; decoding it
		// as windows-1252 would turn every character into mojibake.
		return detectUndeclared(data, fmt.Sprintf("%s declares %s but the page has non-ASCII bytes", source, label))
	}
	out := decodeWith(enc, data)
	if n := bytes.Count(out, []byte("\uFFFD")); n > 0 && !bytes.Contains(data, []byte("\uFFFD")) {
		if utf8.Valid(data) {
			return data, "utf-8", []string{fmt.Sprintf("%s declares %s but the bytes are valid UTF-8: decoded as UTF-8", source, label)}
		}
		if gb, ok := gb18030Clean(data); ok {
			return gb, "gb18030", []string{fmt.Sprintf("%s declares %s but the bytes decode cleanly only as GB18030: decoded as GB18030", source, label)}
		}
		return out, name, []string{fmt.Sprintf("%s declares %s: %d undecodable bytes replaced", source, label, n)}
	}
	return out, name, nil
}

// detectUndeclared decodes data whose declaration was unusable.
func detectUndeclared(data []byte, why string) ([]byte, string, []string) {
	if utf8.Valid(data) {
		return data, "utf-8", []string{why + ": decoded as UTF-8"}
	}
	if out, ok := gb18030Clean(data); ok {
		return out, "gb18030", []string{why + ": detected GB18030"}
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD")), "utf-8",
		[]string{fmt.Sprintf("%s: bytes are neither UTF-8 nor GB18030, %d invalid sequences replaced", why, countInvalidUTF8(data))}
}

// checkUTF8 accepts data declared as UTF-8, unless it is not UTF-8 and
// decodes cleanly as GB18030 (a lying header).
func checkUTF8(data []byte, source string) ([]byte, string, []string) {
	if utf8.Valid(data) {
		return data, "utf-8", nil
	}
	if n, ok := mostlyUTF8(data); ok {
		return bytes.ToValidUTF8(data, []byte("\uFFFD")), "utf-8",
			[]string{fmt.Sprintf("%s says UTF-8: %d invalid sequences replaced (truncated or damaged?)", source, n)}
	}
	if out, ok := gb18030Clean(data); ok {
		return out, "gb18030", []string{fmt.Sprintf("%s says UTF-8 but the bytes are not valid UTF-8 and decode cleanly as GB18030: decoded as GB18030", source)}
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD")), "utf-8",
		[]string{fmt.Sprintf("%s says UTF-8: %d invalid sequences replaced", source, countInvalidUTF8(data))}
}

// gb18030Clean decodes data as GB18030 and reports whether every byte
// sequence was valid.
func gb18030Clean(data []byte) ([]byte, bool) {
	out := decodeWith(simplifiedchinese.GB18030, data)
	return out, !bytes.Contains(out, []byte("\uFFFD"))
}

func decodeWith(enc encoding.Encoding, data []byte) []byte {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		// The x/text decoders replace invalid input rather than fail; an
		// error here means a transformer bug, so keep what is readable.
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

// canonicalCharset maps a charset label to the name Decode works with.
// Every GB label decodes as GB18030: GBK and GB2312 are subsets of it, and
// x/text's GBK decoder does not handle four-byte sequences.
func canonicalCharset(label string) string {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch l {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
		return "utf-8"
	case "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb18030", "gb_2312-80", "gb_2312",
		"csgb2312", "chinese", "iso-ir-58", "euc-cn", "x-euc-cn", "csiso58gb231280", "hz-gb-2312":
		return "gb18030"
	}
	if enc, err := htmlindex.Get(l); err == nil {
		if n, err := htmlindex.Name(enc); err == nil {
			return n
		}
	}
	return l
}

func latin(name string) bool {
	return name == "windows-1252" || name == "iso-8859-1" || name == "us-ascii"
}

func hasNonASCII(data []byte) bool {
	for _, b := range data {
		if b >= 0x80 {
			return true
		}
	}
	return false
}

// mostlyUTF8 reports whether data is UTF-8 with a few damaged sequences,
// as a download cut inside a character leaves it. GBK text read as UTF-8
// is invalid at nearly every Chinese character, so a handful of errors
// among many valid multi-byte characters tells the two apart; decoding a
// damaged UTF-8 page as GB18030 would garble all of it.
func mostlyUTF8(data []byte) (int, bool) {
	bad, multi := 0, 0
	for len(data) > 0 {
		if data[0] < utf8.RuneSelf {
			data = data[1:]
			continue
		}
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			bad++
		} else {
			multi++
		}
		data = data[size:]
	}
	return bad, bad <= 3+multi/1000 && multi >= 4*bad
}

func countInvalidUTF8(data []byte) int {
	n := 0
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			n++
		}
		data = data[size:]
	}
	return n
}

// headerCharset returns the charset parameter of an HTTP Content-Type.
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Servers send things like "text/html; charset=GBK;;"; take the
		// parameter by hand rather than ignore it.
		i := indexFold(contentType, "charset=")
		if i < 0 {
			return ""
		}
		v := contentType[i+len("charset="):]
		if j := strings.IndexAny(v, "; "); j >= 0 {
			v = v[:j]
		}
		return strings.Trim(v, `"'`)
	}
	return params["charset"]
}

// metaCharset prescans the head of data for <meta charset> or
// <meta http-equiv="content-type" content="...charset=...">. Comments are
// skipped, as in the WHATWG prescan.
func metaCharset(data []byte) string {
	if len(data) > metaScanLimit {
		data = data[:metaScanLimit]
	}
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			return ""
		}
		i += j
		rest := data[i:]
		if bytes.HasPrefix(rest, []byte("<!--")) {
			k := bytes.Index(rest[4:], []byte("-->"))
			if k < 0 {
				return ""
			}
			i += 4 + k + 3
			continue
		}
		end := tagEnd(rest)
		if end < 0 {
			return ""
		}
		if len(rest) > 5 && asciiEqualFold(rest[1:5], "meta") && isSpaceOrEnd(rest[5]) {
			if c := metaTagCharset(rest[:end]); c != "" {
				return c
			}
		}
		i += end
	}
	return ""
}

// tagEnd returns the index just past the '>' that closes the tag at the
// start of s, skipping quoted attribute values; -1 when s ends first.
func tagEnd(s []byte) int {
	var q byte
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			if i > 0 && s[i-1] == '=' || i > 1 && s[i-1] == ' ' && s[i-2] == '=' {
				q = c
			}
		case c == '>':
			return i + 1
		}
	}
	return -1
}

func metaTagCharset(tag []byte) string {
	var content []byte
	var httpEquiv bool
	for it := newAttrIter(tag); it.next(); {
		switch {
		case it.is("charset"):
			if c := strings.TrimSpace(string(it.value)); c != "" {
				return c
			}
		case it.is("http-equiv"):
			httpEquiv = asciiEqualFold(bytes.TrimSpace(it.value), "content-type")
		case it.is("content"):
			content = it.value
		}
	}
	if httpEquiv && len(content) > 0 {
		return headerCharset(string(content))
	}
	return ""
}

// indexFold is strings.Index ignoring ASCII case; unlike searching a
// strings.ToLower copy, its index is valid in s even when s is not UTF-8.
func indexFold(s, word string) int {
	for i := 0; i+len(word) <= len(s); i++ {
		if asciiEqualFold([]byte(s[i:i+len(word)]), word) {
			return i
		}
	}
	return -1
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(s) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
