package warc

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// EncodeURI returns raw as a URI fit for WARC-Target-URI: surrounding angle
// brackets (WARC 1.0 style) removed, a non-ASCII host converted to
// punycode, and every byte outside printable ASCII, plus the characters
// RFC 3986 never allows (space " < > \ ^ ` { | }), percent-encoded. The
// bytes are encoded as they are, so a UTF-8 file name such as
// downfile.jsp?filename=年报.pdf becomes %E5%B9%B4%E6%8A%A5.pdf. Existing
// %XX escapes are kept; a stray % becomes %25. Encoding is idempotent.
//
// Tools downstream (pywb, CDX indexes, HTTP headers) cannot carry raw
// non-Latin-1 text, which is why the archive never stores it.
func EncodeURI(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	if s == "" {
		return "", fmt.Errorf("warc: empty URI")
	}
	if i := strings.Index(s, "://"); i > 0 {
		start := i + 3
		end := len(s)
		if j := strings.IndexAny(s[start:], "/?#"); j >= 0 {
			end = start + j
		}
		s = s[:start] + asciiAuthority(s[start:end]) + s[end:]
	}
	return percentEncode(s), nil
}

// asciiAuthority converts the host of [userinfo@]host[:port] to its ASCII
// (punycode) form when it is an internationalised domain name. A host
// IDNA rejects is left as it is, to be percent-encoded, rather than losing
// the capture.
func asciiAuthority(auth string) string {
	if isASCII(auth) {
		return auth
	}
	userinfo, hostport := "", auth
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		userinfo, hostport = auth[:i+1], auth[i+1:]
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.Contains(hostport[i:], "]") {
		host, port = hostport[:i], hostport[i:]
	}
	if !utf8.ValidString(host) || isASCII(host) {
		return auth
	}
	a, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return auth
	}
	return userinfo + a + port
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		case c <= 0x20 || c >= 0x7f || strings.IndexByte("%\"<>\\^`{|}", c) >= 0:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
