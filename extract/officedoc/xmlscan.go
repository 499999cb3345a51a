package officedoc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanner is a small XML tokenizer for OOXML parts, about ten times faster
// than encoding/xml's Decoder, which reads a byte at a time through an
// interface and dominated the DOCX reader's profile. It returns the same
// token types with namespaces resolved. It accepts only what OOXML writers
// produce: no DTD (so no entity expansion to bomb us), the five predefined
// entities and character references, comments, processing instructions and
// CDATA; anything else is a syntax error, as is a mismatched end tag.
type scanner struct {
	data       []byte
	pos        int
	pending    xml.EndElement // the end of a self-closing element
	pendingEnd bool
	stack      []string // open element names, for matching end tags
	ns         map[string]string
	undo       []nsUndo
	// Reused between tokens: a StartElement's Attr is valid until the next
	// call, like a CharData's bytes.
	rawAttrs []rawAttr
	attrs    []xml.Attr
	strs     map[string]string    // interned short attribute values
	names    map[string]*nameInfo // every qualified name seen
	gen      int                  // bumped when a namespace binding changes
}

type rawAttr struct {
	name  *nameInfo
	value string
}

// nameInfo is a qualified name and, for the current namespace bindings
// (gen), what it resolves to as an element and as an attribute: one map
// lookup per name instead of three.
type nameInfo struct {
	raw        string
	gen        int
	elem, attr xml.Name
}

type nsUndo struct {
	depth          int
	prefix, before string
	had            bool
}

var errSyntax = errors.New("xml syntax error")

// token is one scanner token, returned by value: boxing every element in an
// xml.Token interface cost an allocation per tag.
type token struct {
	kind  tokKind
	start xml.StartElement
	end   xml.EndElement
	text  []byte
}

type tokKind uint8

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
)

// Token adapts next to encoding/xml's interface (used by the tests that
// compare the two).
func (s *scanner) Token() (xml.Token, error) {
	t, err := s.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tokStart:
		return t.start.Copy(), nil
	case tokEnd:
		return t.end, nil
	}
	return xml.CharData(t.text), nil
}

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

func newScanner(data []byte) *scanner {
	return &scanner{
		data:  data,
		ns:    map[string]string{"xml": xmlNamespace},
		strs:  map[string]string{},
		names: map[string]*nameInfo{},
		gen:   1,
	}
}

// intern returns b as a string, allocating once per distinct short value:
// a document repeats the same few names and attribute values thousands of
// times.
func (s *scanner) intern(b []byte) string {
	if len(b) > 32 {
		return string(b)
	}
	if v, ok := s.strs[string(b)]; ok {
		return v
	}
	v := string(b)
	s.strs[v] = v
	return v
}

func (s *scanner) fail(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errSyntax, s.pos, fmt.Sprintf(format, args...))
}

// next returns the next token, or errEOF after the last. Text bytes and
// attributes are valid until the next call.
func (s *scanner) next() (token, error) {
	if s.pendingEnd {
		s.pendingEnd = false
		e := s.pending
		s.end()
		return token{kind: tokEnd, end: e}, nil
	}
	for {
		if s.pos >= len(s.data) {
			if len(s.stack) > 0 {
				return token{}, s.fail("unexpected end of input inside <%s>", s.stack[len(s.stack)-1])
			}
			return token{}, errEOF
		}
		if s.data[s.pos] != '<' {
			return s.text()
		}
		rest := s.data[s.pos:]
		var c1 byte // the byte after <: most tags are plain start tags
		if len(rest) > 1 {
			c1 = rest[1]
		}
		switch {
		case c1 != '?' && c1 != '!' && c1 != '/':
			return s.startTag()
		case c1 == '/':
			return s.endTag()
		case c1 == '?':
			if err := s.skipTo("?>"); err != nil {
				return token{}, err
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := s.skipTo("-->"); err != nil {
				return token{}, err
			}
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i := bytes.Index(rest, []byte("]]>"))
			if i < 0 {
				return token{}, s.fail("unterminated CDATA")
			}
			s.pos += i + 3
			return token{kind: tokText, text: normalizeNewlines(rest[len("<![CDATA["):i])}, nil
		default:
			return token{}, s.fail("DTDs and declarations are not allowed")
		}
	}
}

var errEOF = errors.New("EOF")

func (s *scanner) skipTo(end string) error {
	i := bytes.Index(s.data[s.pos:], []byte(end))
	if i < 0 {
		return s.fail("unterminated %q", end)
	}
	s.pos += i + len(end)
	return nil
}

func (s *scanner) text() (token, error) {
	i := bytes.IndexByte(s.data[s.pos:], '<')
	if i < 0 {
		i = len(s.data) - s.pos
	}
	raw := s.data[s.pos : s.pos+i]
	s.pos += i
	if len(s.stack) == 0 {
		return s.next() // text outside the root carries nothing
	}
	out, err := unescape(raw)
	if err != nil {
		return token{}, s.fail("%v", err)
	}
	return token{kind: tokText, text: out}, nil
}

func isNameByte(c byte) bool {
	return c == ':' || c == '_' || c == '-' || c == '.' || c >= 0x80 ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func (s *scanner) name() (*nameInfo, error) {
	start := s.pos
	for s.pos < len(s.data) && isNameByte(s.data[s.pos]) {
		s.pos++
	}
	if s.pos == start {
		return nil, s.fail("expected a name")
	}
	b := s.data[start:s.pos]
	if n, ok := s.names[string(b)]; ok {
		return n, nil
	}
	if c := b[0]; c == '-' || c == '.' || ('0' <= c && c <= '9') || !utf8.Valid(b) {
		return nil, s.fail("invalid name %q", b)
	}
	n := &nameInfo{raw: string(b)}
	s.names[n.raw] = n
	return n, nil
}

// resolved brings n's resolutions up to date with the current bindings.
func (s *scanner) resolved(n *nameInfo) *nameInfo {
	if n.gen != s.gen {
		n.elem = s.resolveUncached(n.raw, true)
		n.attr = s.resolveUncached(n.raw, false)
		n.gen = s.gen
	}
	return n
}

func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) startTag() (token, error) {
	s.pos++ // <
	qn, err := s.name()
	if err != nil {
		return token{}, err
	}
	qname := qn.raw
	attrs := s.rawAttrs[:0]
	selfClosing := false
	for {
		s.space()
		if s.pos >= len(s.data) {
			return token{}, s.fail("unterminated start tag <%s", qname)
		}
		c := s.data[s.pos]
		if c == '>' {
			s.pos++
			break
		}
		if c == '/' {
			if s.pos+1 >= len(s.data) || s.data[s.pos+1] != '>' {
				return token{}, s.fail("expected /> in <%s", qname)
			}
			s.pos += 2
			selfClosing = true
			break
		}
		ai, err := s.name()
		if err != nil {
			return token{}, err
		}
		an := ai.raw
		s.space()
		if s.pos >= len(s.data) || s.data[s.pos] != '=' {
			return token{}, s.fail("attribute %s without a value", an)
		}
		s.pos++
		s.space()
		if s.pos >= len(s.data) || (s.data[s.pos] != '"' && s.data[s.pos] != '\'') {
			return token{}, s.fail("unquoted value of %s", an)
		}
		q := s.data[s.pos]
		s.pos++
		end := bytes.IndexByte(s.data[s.pos:], q)
		if end < 0 {
			return token{}, s.fail("unterminated value of %s", an)
		}
		raw := s.data[s.pos : s.pos+end]
		s.pos += end + 1
		if bytes.IndexByte(raw, '<') >= 0 {
			return token{}, s.fail("< in the value of %s", an)
		}
		v, err := unescape(raw)
		if err != nil {
			return token{}, s.fail("%v", err)
		}
		attrs = append(attrs, rawAttr{ai, s.intern(v)})
	}
	s.rawAttrs = attrs
	depth := len(s.stack) + 1
	for _, a := range attrs {
		prefix, ok, n := "", false, a.name.raw
		switch {
		case n == "xmlns":
			ok = true
		case strings.HasPrefix(n, "xmlns:") && len(n) > len("xmlns:"):
			prefix, ok = n[len("xmlns:"):], true
		}
		if ok {
			before, had := s.ns[prefix]
			s.undo = append(s.undo, nsUndo{depth, prefix, before, had})
			s.ns[prefix] = a.value
			s.gen++
		}
	}
	se := xml.StartElement{Name: s.resolved(qn).elem, Attr: s.attrs[:0]}
	for _, a := range attrs {
		n := s.resolved(a.name).attr
		if raw := a.name.raw; raw == "xmlns" {
			n = xml.Name{Local: "xmlns"}
		} else if strings.HasPrefix(raw, "xmlns:") && len(raw) > len("xmlns:") {
			n = xml.Name{Space: "xmlns", Local: raw[len("xmlns:"):]}
		}
		se.Attr = append(se.Attr, xml.Attr{Name: n, Value: a.value})
	}
	s.attrs = se.Attr
	s.stack = append(s.stack, qname)
	if selfClosing {
		s.pending, s.pendingEnd = xml.EndElement{Name: se.Name}, true
	}
	return token{kind: tokStart, start: se}, nil
}

// resolveUncached splits prefix:local and maps the prefix; an unprefixed element
// takes the default namespace, an unprefixed attribute none. An unknown
// prefix is kept as the Space, as encoding/xml does.
func (s *scanner) resolveUncached(qname string, element bool) xml.Name {
	prefix, local, ok := strings.Cut(qname, ":")
	if !ok || prefix == "" || local == "" {
		if element {
			return xml.Name{Space: canonical(s.ns[""]), Local: qname}
		}
		return xml.Name{Local: qname}
	}
	if uri, known := s.ns[prefix]; known {
		return xml.Name{Space: canonical(uri), Local: local}
	}
	return xml.Name{Space: prefix, Local: local}
}

// canonical returns the package's own copy of a well-known namespace, so
// that comparing it with nsW finds the same pointer and skips the bytes.
func canonical(uri string) string {
	switch uri {
	case nsW:
		return nsW
	case nsWStrict:
		return nsWStrict
	case nsMC:
		return nsMC
	}
	return uri
}

func (s *scanner) endTag() (token, error) {
	s.pos += 2
	qn, err := s.name()
	if err != nil {
		return token{}, err
	}
	qname := qn.raw
	s.space()
	if s.pos >= len(s.data) || s.data[s.pos] != '>' {
		return token{}, s.fail("malformed end tag </%s", qname)
	}
	s.pos++
	if len(s.stack) == 0 || s.stack[len(s.stack)-1] != qname {
		return token{}, s.fail("unexpected end tag </%s>", qname)
	}
	e := xml.EndElement{Name: s.resolved(qn).elem}
	s.end()
	return token{kind: tokEnd, end: e}, nil
}

// end closes the innermost element, undoing its namespace declarations.
func (s *scanner) end() {
	depth := len(s.stack)
	for len(s.undo) > 0 && s.undo[len(s.undo)-1].depth == depth {
		u := s.undo[len(s.undo)-1]
		s.undo = s.undo[:len(s.undo)-1]
		if u.had {
			s.ns[u.prefix] = u.before
		} else {
			delete(s.ns, u.prefix)
		}
		s.gen++
	}
	s.stack = s.stack[:depth-1]
}

// unescape decodes entity and character references and normalises line
// ends, as XML requires.
func unescape(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return raw, nil
	}
	raw = normalizeNewlines(raw)
	var out []byte
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			out = append(out, raw...)
			break
		}
		out = append(out, raw[:i]...)
		raw = raw[i:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			return nil, errors.New("unterminated entity reference")
		}
		ref := string(raw[1:semi])
		raw = raw[semi+1:]
		switch ref {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ref) < 2 || ref[0] != '#' {
				return nil, fmt.Errorf("unknown entity &%s;", ref)
			}
			var n uint64
			var err error
			if ref[1] == 'x' {
				n, err = strconv.ParseUint(ref[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ref[1:], 10, 32)
			}
			if err != nil || !isXMLChar(rune(n)) {
				return nil, fmt.Errorf("invalid character reference &%s;", ref)
			}
			out = utf8.AppendRune(out, rune(n))
		}
	}
	return out, nil
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func normalizeNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// skipElement consumes the rest of the element whose start tag was just
// returned, without building tokens: most of a document.xml is property
// elements the reader skips. Nesting inside is only counted, so depth is
// no risk here, and declarations inside end with the element anyway.
func (s *scanner) skipElement() error {
	if s.pendingEnd {
		s.pendingEnd = false
		s.end()
		return nil
	}
	depth := 1
	for {
		i := bytes.IndexByte(s.data[s.pos:], '<')
		if i < 0 {
			s.pos = len(s.data)
			return s.fail("unexpected end of input while skipping an element")
		}
		s.pos += i
		rest := s.data[s.pos:]
		var c1 byte
		if len(rest) > 1 {
			c1 = rest[1]
		}
		switch {
		case c1 != '?' && c1 != '!' && c1 != '/':
			// A start tag: find its end outside quoted values.
			j, quote := 1, byte(0)
			for ; j < len(rest); j++ {
				c := rest[j]
				if quote != 0 {
					if c == quote {
						quote = 0
					}
					continue
				}
				if c == '"' || c == '\'' {
					quote = c
				} else if c == '>' {
					break
				}
			}
			if j >= len(rest) {
				s.pos = len(s.data)
				return s.fail("unterminated start tag")
			}
			if rest[j-1] != '/' {
				depth++
			}
			s.pos += j + 1
		case c1 == '?':
			if err := s.skipTo("?>"); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := s.skipTo("-->"); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			if err := s.skipTo("]]>"); err != nil {
				return err
			}
		case c1 == '/':
			if err := s.skipTo(">"); err != nil {
				return err
			}
			if depth--; depth == 0 {
				s.end()
				return nil
			}
		default:
			return s.fail("DTDs and declarations are not allowed")
		}
	}
}
