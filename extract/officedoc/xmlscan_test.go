package officedoc

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// trace renders a token stream for comparison: elements with resolved
// names and attributes, and text inside the root (adjacent pieces joined).
// Comments and processing instructions are dropped: the scanner skips them.
func trace(next func() (xml.Token, error)) (string, error) {
	var sb strings.Builder
	depth := 0
	text := ""
	flush := func() {
		if text != "" {
			fmt.Fprintf(&sb, "T%q\n", text)
			text = ""
		}
	}
	for {
		t, err := next()
		if err == io.EOF || err == errEOF {
			flush()
			return sb.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.StartElement:
			flush()
			depth++
			fmt.Fprintf(&sb, "S{%s}%s", t.Name.Space, t.Name.Local)
			for _, a := range t.Attr {
				fmt.Fprintf(&sb, " {%s}%s=%q", a.Name.Space, a.Name.Local, a.Value)
			}
			sb.WriteByte('\n')
		case xml.EndElement:
			flush()
			depth--
			fmt.Fprintf(&sb, "E{%s}%s\n", t.Name.Space, t.Name.Local)
		case xml.CharData:
			if depth > 0 {
				text += string(t)
			}
		}
	}
}

func TestScannerMatchesEncodingXML(t *testing.T) {
	for _, in := range scannerSeeds {
		want, err := trace(xml.NewDecoder(strings.NewReader(in)).Token)
		if err != nil {
			t.Fatalf("encoding/xml rejects seed %q: %v", in, err)
		}
		got, err := trace(newScanner([]byte(in)).Token)
		if err != nil || got != want {
			t.Errorf("input %q\n got %s (err %v)\nwant %s", in, got, err, want)
		}
	}
}

func TestScannerRejects(t *testing.T) {
	for _, in := range []string{
		`<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`, // entity expansion
		`<a><b></a></b>`,
		`<a x=1/>`,
		`<a>&bogus;</a>`,
		`<a>&#0;</a>`,
		`<a><![CDATA[x</a>`,
		`<a`,
	} {
		if _, err := trace(newScanner([]byte(in)).Token); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

var scannerSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="` + nsW + `"><w:body><w:p><w:r><w:t xml:space="preserve"> a &amp; b &lt;c&gt; &#x4E2D;&#25991; </w:t></w:r></w:p></w:body></w:document>`,
	`<a xmlns="urn:d" xmlns:p='urn:p'><p:b p:x="1" y="2"/><!-- c --><c><![CDATA[<raw>]]>t</c><d xmlns="urn:e"><e/></d><f/></a>`,
	"<a>line\r\nnext\rlast</a>",
	`<q:a xmlns:q="urn:q"><q:b xmlns:q="urn:r"/><q:c/></q:a>`,
	`<a b = "1" ></a >`,
}

// FuzzScanner checks the scanner against encoding/xml: where both accept
// the input they must agree, and the scanner may reject only inputs with
// declarations (<!) or characters encoding/xml itself rejects.
func FuzzScanner(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		want, werr := trace(xml.NewDecoder(strings.NewReader(in)).Token)
		got, gerr := trace(newScanner([]byte(in)).Token)
		switch {
		case werr == nil && gerr == nil && got != want:
			t.Fatalf("input %q\n got %s\nwant %s", in, got, want)
		case werr == nil && gerr != nil && !bytes.Contains([]byte(in), []byte("<!")):
			t.Fatalf("input %q accepted by encoding/xml, rejected: %v", in, gerr)
		}
	})
}

func BenchmarkScanner(b *testing.B) {
	xmlDoc := documentXML(b, "report2021.docx")
	b.SetBytes(int64(len(xmlDoc)))
	b.Run("scanner", func(b *testing.B) {
		for b.Loop() {
			s := newScanner(xmlDoc)
			for {
				if _, err := s.Token(); err != nil {
					break
				}
			}
		}
	})
	b.Run("encoding/xml", func(b *testing.B) {
		for b.Loop() {
			d := xml.NewDecoder(bytes.NewReader(xmlDoc))
			for {
				if _, err := d.Token(); err != nil {
					break
				}
			}
		}
	})
}
