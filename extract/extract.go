package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/textdoc"
)

// Version is the extractor version recorded with every report, so a store
// can tell which records a better extractor should re-read. Bump the minor
// version when any cell could come out differently.
const Version = "0.1.0"

// Reader turns the bytes of one format into a document.
type Reader interface {
	Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error)
}

// ReaderFunc adapts a function to Reader.
type ReaderFunc func(ctx context.Context, data []byte, contentType string) (*doc.Document, error)

// Read calls f.
func (f ReaderFunc) Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error) {
	return f(ctx, data, contentType)
}

// Options configure an Extractor.
type Options struct {
	// Readers maps each format to its reader. Formats left out fall back to
	// the defaults (plain text: textdoc); a format with no reader at all is
	// an error at Parse time, never a guess.
	Readers map[doc.Format]Reader
	// Logger receives debug notes about placement decisions; nil means zap.NewNop().
	Logger *zap.Logger
	// TextUnusable reports whether a reader error that came with a document
	// means the document's text cannot be trusted, e.g.
	// errors.Is(err, pdfdoc.ErrNoTextLayer). Such a document is recorded with
	// StatusNoTextLayer and no cells; for other errors (a truncated file)
	// what was read is mapped and the report is at best partial. Nil treats
	// every such error from a PDF as unusable text (no cell is better than a
	// wrong one) and any other format's as a partial read.
	TextUnusable func(err error) bool
}

// Validate reports the first invalid field.
func (o Options) Validate() error {
	for f, r := range o.Readers {
		switch f {
		case doc.FormatHTML, doc.FormatText, doc.FormatPDF, doc.FormatDOCX, doc.FormatDOC, doc.FormatXLSX, doc.FormatXLS:
		default:
			return fmt.Errorf("extract: Options.Readers: unknown format %q", f)
		}
		if r == nil {
			return fmt.Errorf("extract: Options.Readers[%q] is nil", f)
		}
	}
	return nil
}

// Extractor reads documents and maps them onto the codebook. It is safe for
// concurrent use.
type Extractor struct {
	readers      map[doc.Format]Reader
	log          *zap.Logger
	textUnusable func(error) bool
}

// New returns an Extractor with opts applied over the defaults.
func New(opts Options) (*Extractor, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	e := &Extractor{
		readers:      map[doc.Format]Reader{doc.FormatText: ReaderFunc(textdoc.Read)},
		log:          opts.Logger,
		textUnusable: opts.TextUnusable,
	}
	for f, r := range opts.Readers {
		e.readers[f] = r
	}
	if e.log == nil {
		e.log = zap.NewNop()
	}
	return e, nil
}

// ErrNoReader is wrapped by Parse when no reader handles the sniffed format.
var ErrNoReader = errors.New("no reader for format")

// Parse sniffs the format of data, reads it and maps it. It returns an error
// only when the input cannot be read at all (no reader for its format, or the
// reader failed without a document); everything else, including a document
// that is not a report, is a Report with a Status. A reader error that comes
// with a document is kept in the warnings and classified by
// Options.TextUnusable.
func (e *Extractor) Parse(ctx context.Context, src Source, data []byte) (*Report, error) {
	f := doc.Sniff(data, src.ContentType)
	r, ok := e.readers[f]
	if !ok {
		return nil, fmt.Errorf("extract %s: %w %s", src.Name, ErrNoReader, f)
	}
	d, err := r.Read(ctx, data, src.ContentType)
	if d == nil {
		if err == nil {
			err = errors.New("reader returned no document")
		}
		return nil, fmt.Errorf("extract %s: read %s: %w", src.Name, f, err)
	}
	if d.Format == "" {
		d.Format = f
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	switch {
	case err == nil:
		return e.FromDocument(ctx, src, d, sha), nil
	case e.unusable(d, err):
		// The text cannot be trusted, so nothing is read from it: no
		// cell is better than a wrong one.
		rep := e.newReport(src, d, sha)
		rep.Status = StatusNoTextLayer
		rep.Warnings = append(rep.Warnings, err.Error())
		return rep, nil
	default:
		// A reader that returns a document with its error (a truncated
		// file) read part of the input: map that part and say so.
		rep := e.FromDocument(ctx, src, d, sha)
		rep.Warnings = append(rep.Warnings, "read incompletely: "+err.Error())
		if rep.Status == StatusOK {
			rep.Status = StatusPartial
		}
		return rep, nil
	}
}

// FromDocument maps an already-read document. sha256hex is the hash of the
// original bytes, carried into the report.
func (e *Extractor) FromDocument(ctx context.Context, src Source, d *doc.Document, sha256hex string) *Report {
	rep := e.newReport(src, d, sha256hex)
	m := newMapper(e.log, src, d, rep)
	m.run(ctx)
	return rep
}

// unusable classifies a reader error that came with document d.
func (e *Extractor) unusable(d *doc.Document, err error) bool {
	if e.textUnusable != nil {
		return e.textUnusable(err)
	}
	return d.Format == doc.FormatPDF
}

func (e *Extractor) newReport(src Source, d *doc.Document, sha256hex string) *Report {
	rep := &Report{
		Source: src.Name,
		Format: d.Format,
		SHA256: sha256hex,
		Cells:  []Cell{}, // sized on the first cell: most inputs that are not reports have none
		Checks: []Check{},
		Status: StatusNotAReport,
	}
	rep.Warnings = append(rep.Warnings, d.Warnings...)
	return rep
}
