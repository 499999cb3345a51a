package textdoc

import (
	"bytes"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// decode turns data into UTF-8. The order is: byte-order mark, the charset
// declared in contentType, valid UTF-8, and finally GB18030 (a superset of
// GB2312 and GBK, which is what an undeclared Chinese government text file is
// in practice). Windows-1252 is never guessed: a Chinese report read as
// Latin-1 is silently wrong, while GB18030 of a non-Chinese file is at least
// flagged by the warning.
func decode(data []byte, contentType string) (string, []string) {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		return string(data[3:]), nil
	case bytes.HasPrefix(data, []byte("\xFF\xFE")):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data, "UTF-16LE")
	case bytes.HasPrefix(data, []byte("\xFE\xFF")):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data, "UTF-16BE")
	case bytes.HasPrefix(data, []byte("\x84\x31\x95\x33")): // GB18030 BOM
		return decodeWith(simplifiedchinese.GB18030, data[4:], "GB18030")
	}
	if enc, name := declared(contentType); enc != nil {
		if name == "utf-8" {
			if utf8.Valid(data) {
				return string(data), nil
			}
			s, w := decodeWith(simplifiedchinese.GB18030, data, "GB18030")
			return s, append(w, "declared utf-8 but the bytes are not valid UTF-8; decoded as GB18030")
		}
		return decodeWith(enc, data, name)
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	s, w := decodeWith(simplifiedchinese.GB18030, data, "GB18030")
	return s, append(w, "no charset declared and not valid UTF-8; decoded as GB18030")
}

// declared returns the encoding named by the charset parameter of a
// Content-Type, or nil. GB2312 and GBK are read as GB18030, their superset:
// x/text's GBK decoder rejects the four-byte sequences that real files use.
// Latin-1 labels are ignored: servers send them by default, not by knowledge.
func declared(contentType string) (encoding.Encoding, string) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, ""
	}
	cs := strings.ToLower(strings.TrimSpace(params["charset"]))
	switch cs {
	case "":
		return nil, ""
	case "utf-8", "utf8":
		return unicode.UTF8, "utf-8"
	case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "csgb2312", "chinese", "gb_2312-80":
		return simplifiedchinese.GB18030, "GB18030"
	case "iso-8859-1", "latin1", "windows-1252", "us-ascii", "ascii":
		return nil, ""
	}
	enc, err := htmlindex.Get(cs)
	if err != nil {
		return nil, ""
	}
	return enc, cs
}

func decodeWith(enc encoding.Encoding, data []byte, name string) (string, []string) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		// x/text decoders replace bad input rather than fail; an error here
		// means the transformer itself gave up. Keep what UTF-8 we can.
		return strings.ToValidUTF8(string(data), "\uFFFD"), []string{"could not decode as " + name + ": " + err.Error()}
	}
	var w []string
	if n := bytes.Count(out, []byte("\uFFFD")); n > 0 {
		w = append(w, "decoding as "+name+" replaced invalid bytes ("+strconv.Itoa(n)+" replacement characters)")
	}
	return string(out), w
}
