package discover

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// metaCharset finds <meta charset=…> and <meta http-equiv content="…charset=…">
// in the head of a page, the way a browser's prescan does.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)`)

// prescanBytes is how much of a page the meta prescan reads (the HTML
// standard says 1024; real county sites put long comments first).
const prescanBytes = 4096

// Decode returns body as UTF-8 and the name of the charset it was decoded
// from. The order is: byte-order mark, the charset in the HTTP Content-Type,
// a <meta> declaration, then a guess: valid UTF-8 stays UTF-8, anything else
// is read as GB18030, the superset of GBK and GB2312 that Chinese government
// sites use. A declared UTF-8 that is not valid UTF-8 is treated as a lie
// and the next source is asked. GBK and GB2312 are always decoded as GB18030
// so that rare characters in agency names survive.
func Decode(body []byte, contentType string) ([]byte, string) {
	switch {
	case bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")):
		return body[3:], "utf-8"
	case bytes.HasPrefix(body, []byte("\xFE\xFF")):
		return transform(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), body[2:]), "utf-16be"
	case bytes.HasPrefix(body, []byte("\xFF\xFE")):
		return transform(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), body[2:]), "utf-16le"
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if out, name, ok := decodeAs(body, params["charset"]); ok {
			return out, name
		}
	}
	head := body
	if len(head) > prescanBytes {
		head = head[:prescanBytes]
	}
	if m := metaCharset.FindSubmatch(head); m != nil {
		if out, name, ok := decodeAs(body, string(m[1])); ok {
			return out, name
		}
	}
	if utf8.Valid(body) {
		return body, "utf-8"
	}
	return transform(simplifiedchinese.GB18030, body), "gb18030"
}

// decodeAs decodes body from the named charset. ok is false when the name is
// unknown or when it claims UTF-8 for bytes that are not.
func decodeAs(body []byte, label string) ([]byte, string, bool) {
	label = strings.ToLower(strings.TrimSpace(label))
	switch label {
	case "":
		return nil, "", false
	case "utf-8", "utf8":
		if !utf8.Valid(body) {
			return nil, "", false
		}
		return body, "utf-8", true
	case "gbk", "gb2312", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn", "chinese":
		return transform(simplifiedchinese.GB18030, body), "gb18030", true
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, "", false
	}
	name, _ := htmlindex.Name(enc)
	if name == "utf-8" {
		return decodeAs(body, "utf-8")
	}
	if name == "gbk" || name == "gb18030" {
		return transform(simplifiedchinese.GB18030, body), "gb18030", true
	}
	return transform(enc, body), name, true
}

func transform(enc encoding.Encoding, body []byte) []byte {
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		// The x/text decoders replace bad sequences rather than fail; an
		// error here means a broken transformer, so keep the bytes.
		return body
	}
	return out
}
