package htmldoc

import (
	"bytes"

	"golang.org/x/net/html/atom"
)

// The tokenizer's TagName and TagAttr copy their results on every call,
// which costs more than the rest of the reader together. The tokenizer has
// already found where each tag starts and ends, so the few names and
// attributes the reader needs are read from Raw directly.

// rawTagName returns the atom of the tag in raw ("<td ...>" or "</td>").
// Tags that are not HTML elements (o:p, st1:chsdate) give 0.
func rawTagName(raw []byte) atom.Atom {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	var buf [16]byte
	n := 0
	for ; i < len(raw); i++ {
		c := raw[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>' {
			break
		}
		if n == len(buf) {
			return 0 // longer than any element the reader cares about
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return atom.Lookup(buf[:n])
}

// attrIter walks the attributes of the start tag in raw. Names are
// lower-cased; values are unquoted but character references are not
// decoded (the attributes read here never need them).
type attrIter struct {
	raw         []byte
	i           int
	name, value []byte
}

// is reports whether the current attribute is called name (lower case).
func (it *attrIter) is(name string) bool {
	if len(it.name) != len(name) {
		return false
	}
	for k := range len(name) {
		c := it.name[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[k] {
			return false
		}
	}
	return true
}

func newAttrIter(raw []byte) attrIter {
	i := 1
	for i < len(raw) && !isSpaceOrEnd(raw[i]) {
		i++
	}
	return attrIter{raw: raw, i: i}
}

func (it *attrIter) next() bool {
	raw, i := it.raw, it.i
	for i < len(raw) {
		for i < len(raw) && (isSpace(raw[i]) || raw[i] == '/') {
			i++
		}
		if i >= len(raw) || raw[i] == '>' {
			break
		}
		start := i
		for i < len(raw) && !isSpace(raw[i]) && raw[i] != '=' && raw[i] != '>' && raw[i] != '/' {
			i++
		}
		if i == start { // a lone '=' or other junk: step over it
			i++
			continue
		}
		name := raw[start:i]
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		var value []byte
		if i < len(raw) && raw[i] == '=' {
			i++
			for i < len(raw) && isSpace(raw[i]) {
				i++
			}
			if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
				q := raw[i]
				i++
				vs := i
				if k := bytes.IndexByte(raw[i:], q); k >= 0 {
					i += k
				} else {
					i = len(raw)
				}
				value = raw[vs:i]
				i++
			} else {
				vs := i
				for i < len(raw) && !isSpace(raw[i]) && raw[i] != '>' {
					i++
				}
				value = raw[vs:i]
			}
		}
		it.i, it.name, it.value = i, name, value
		return true
	}
	it.i = len(raw)
	return false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isSpaceOrEnd(c byte) bool { return isSpace(c) || c == '>' || c == '/' }
