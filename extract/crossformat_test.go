// These tests drive the other readers (htmldoc, pdfdoc, officedoc) into the
// mapper, and compare each format with the HTML original.

package extract

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/htmldoc"
	"github.com/nianbao/nianbao/extract/officedoc"
	"github.com/nianbao/nianbao/extract/pdfdoc"
)

// TestCrossFormatAgreement: the readers' fixtures hold the same two reports
// (2019 and 2021 template) as HTML, PDF, DOCX, DOC and XLS(X). Whatever the
// format, the mapper must produce the same record: every cell key, value
// and blank, the metadata and the templates. Formats whose converter is
// not installed are skipped.
func TestCrossFormatAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("runs external converters")
	}
	e, err := New(Options{Readers: map[doc.Format]Reader{
		doc.FormatHTML: ReaderFunc(htmldoc.Read),
		doc.FormatPDF:  ReaderFunc(pdfdoc.Read),
		doc.FormatDOCX: ReaderFunc(officedoc.Read),
		doc.FormatXLSX: ReaderFunc(officedoc.Read),
		doc.FormatDOC:  ReaderFunc(officedoc.Read),
		doc.FormatXLS:  ReaderFunc(officedoc.Read),
	}})
	if err != nil {
		t.Fatal(err)
	}
	parse := func(t *testing.T, path string) *Report {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.Parse(context.Background(), Source{Name: filepath.Base(path)}, data)
		if err != nil {
			if ext := filepath.Ext(path); ext == ".doc" || ext == ".xls" {
				// LibreOffice conversions fail when another process holds
				// its profile; that is the converter's business, not the mapper's.
				t.Skipf("converter: %v", err)
			}
			t.Fatal(err)
		}
		return r
	}
	for _, year := range []string{"2019", "2021"} {
		ref := parse(t, filepath.Join("pdfdoc", "testdata", "report"+year+".html"))
		if len(ref.Cells) < 190 || ref.Status != StatusOK {
			t.Fatalf("%s reference: %d cells, status %s", year, len(ref.Cells), ref.Status)
		}
		others := []struct {
			path  string
			avail func() error
		}{
			{filepath.Join("pdfdoc", "testdata", "report"+year+".pdf"), pdfdoc.Available},
			{filepath.Join("officedoc", "testdata", "report"+year+".docx"), nil},
			{filepath.Join("officedoc", "testdata", "report"+year+".doc"), officedoc.Available},
			{filepath.Join("officedoc", "testdata", "report"+year+".xlsx"), nil},
			{filepath.Join("officedoc", "testdata", "report"+year+".xls"), officedoc.Available},
		}
		for _, o := range others {
			if _, err := os.Stat(o.path); err != nil {
				continue
			}
			t.Run(filepath.Base(o.path), func(t *testing.T) {
				if o.avail != nil {
					if err := o.avail(); err != nil {
						t.Skip(err)
					}
				}
				r := parse(t, o.path)
				if len(r.Cells) != len(ref.Cells) {
					t.Fatalf("%d cells, reference %d", len(r.Cells), len(ref.Cells))
				}
				for i, c := range r.Cells {
					if c.Key() != ref.Cells[i].Key() || valueString(c) != valueString(ref.Cells[i]) {
						t.Errorf("cell %d: %s=%q, reference %s=%q", i, c.Key(), valueString(c), ref.Cells[i].Key(), valueString(ref.Cells[i]))
					}
				}
				if r.Agency != ref.Agency || r.ReportYear != ref.ReportYear || r.Templates != ref.Templates || r.Status != ref.Status {
					t.Errorf("got %q %d %+v %s, reference %q %d %+v %s", r.Agency, r.ReportYear, r.Templates, r.Status,
						ref.Agency, ref.ReportYear, ref.Templates, ref.Status)
				}
			})
		}
	}
}
