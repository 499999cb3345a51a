// These tests drive the other readers (htmldoc, pdfdoc, officedoc) into the
// mapper, and compare the HTML fixtures with their hand-written gold.

package extract

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/htmldoc"
)

// TestHTMLMatchGold runs the HTML reader's fixtures (hand-read gold files in
// testdata/html, written by the HTML reader's author) through the mapper:
// the same mapping must work on a real grid with expanded spans.
func TestHTMLMatchGold(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "html", "*.html"))
	if len(pages) == 0 {
		t.Skip("no HTML fixtures")
	}
	e, err := New(Options{Readers: map[doc.Format]Reader{doc.FormatHTML: ReaderFunc(htmldoc.Read)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range pages {
		gold := strings.TrimSuffix(path, ".html") + ".gold.tsv"
		t.Run(filepath.Base(path), func(t *testing.T) { compareGold(t, e, path, gold) })
	}
}
