// Package officedoc reads office attachments into the doc model: Word
// DOCX natively, legacy Word DOC and Kingsoft WPS through LibreOffice (or
// antiword when LibreOffice is missing), and Excel XLSX/XLS spreadsheets
// through excelize (XLS after a LibreOffice conversion).
//
// DOCX paragraphs carry Word's automatic numbering (一、 1.) where the
// document uses it, because headings and row labels are often numbered
// that way. document.xml is read with a small XML scanner of our own
// (xmlscan.go) that refuses DTDs and is checked against encoding/xml by a
// differential fuzz test.
//
// Every archive is read with limits on entry count, inflated size, XML
// depth and grid cells, so a zip bomb or a hostile document yields
// ErrLimit, never an exhausted machine.
package officedoc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract/doc"
)

// ErrLimit is wrapped by every error caused by a size or structure limit
// (too many zip entries, a part that inflates too far, XML nested too deep).
var ErrLimit = errors.New("document exceeds a reader limit")

// ErrUnsupported is returned for content that is not an office document
// this package reads.
var ErrUnsupported = errors.New("not a DOCX, DOC, WPS, XLSX or XLS document")

// Options bounds what one read may cost. Zero fields take the defaults.
type Options struct {
	// MaxPartBytes caps the inflated size of one part of a zip package
	// (word/document.xml, a worksheet). Default 64 MiB.
	MaxPartBytes int64
	// MaxUncompressed caps the bytes inflated from one package in total.
	// Default 128 MiB.
	MaxUncompressed int64
	// MaxEntries caps the number of entries in a zip package. Default 4096.
	MaxEntries int
	// MaxDepth caps XML element nesting. Default 256.
	MaxDepth int
	// MaxCells caps the grid cells of one document (spreadsheet cells, or
	// DOCX table cells after spans are expanded). Default 1,000,000.
	MaxCells int
	// Timeout bounds one external conversion (LibreOffice, antiword).
	// Default 60 s.
	Timeout time.Duration
	// MaxOutputBytes caps what an external converter may write. Default 64 MiB.
	MaxOutputBytes int64
	// Logger receives debug notes on conversions. Default: no logging.
	Logger *zap.Logger
}

// Defaults for Options.
const (
	DefaultMaxPartBytes    = 64 << 20
	DefaultMaxUncompressed = 128 << 20
	DefaultMaxEntries      = 4096
	DefaultMaxDepth        = 256
	DefaultMaxCells        = 1_000_000
	DefaultTimeout         = 60 * time.Second
	DefaultMaxOutputBytes  = 64 << 20
)

// Validate names the first field that holds an impossible value.
func (o Options) Validate() error {
	switch {
	case o.MaxPartBytes < 0:
		return fmt.Errorf("officedoc: Options.MaxPartBytes is negative (%d)", o.MaxPartBytes)
	case o.MaxUncompressed < 0:
		return fmt.Errorf("officedoc: Options.MaxUncompressed is negative (%d)", o.MaxUncompressed)
	case o.MaxEntries < 0:
		return fmt.Errorf("officedoc: Options.MaxEntries is negative (%d)", o.MaxEntries)
	case o.MaxDepth < 0:
		return fmt.Errorf("officedoc: Options.MaxDepth is negative (%d)", o.MaxDepth)
	case o.MaxCells < 0:
		return fmt.Errorf("officedoc: Options.MaxCells is negative (%d)", o.MaxCells)
	case o.Timeout < 0:
		return fmt.Errorf("officedoc: Options.Timeout is negative (%s)", o.Timeout)
	case o.MaxOutputBytes < 0:
		return fmt.Errorf("officedoc: Options.MaxOutputBytes is negative (%d)", o.MaxOutputBytes)
	}
	return nil
}

func (o Options) withDefaults() Options {
	def := func(v *int64, d int64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.MaxPartBytes, DefaultMaxPartBytes)
	def(&o.MaxUncompressed, DefaultMaxUncompressed)
	def(&o.MaxOutputBytes, DefaultMaxOutputBytes)
	if o.MaxEntries == 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxCells == 0 {
		o.MaxCells = DefaultMaxCells
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	return o
}

// Reader reads office documents with the given Options. The zero Reader
// uses the defaults and is safe for concurrent use.
type Reader struct {
	Options
}

func (r *Reader) options() (Options, error) {
	if err := r.Validate(); err != nil {
		return Options{}, err
	}
	return r.withDefaults(), nil
}

// Read reads data with the default Options. See Reader.Read.
func Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error) {
	return (&Reader{}).Read(ctx, data, contentType)
}

// Read sniffs data (doc.Sniff, by content) and reads it as DOCX, DOC/WPS,
// XLSX or XLS. contentType is only a hint for the sniffer. Anything else
// returns ErrUnsupported.
func (r *Reader) Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error) {
	switch f := doc.Sniff(data, contentType); f {
	case doc.FormatDOCX:
		return r.ReadDOCX(data)
	case doc.FormatDOC:
		return r.ReadDOC(ctx, data)
	case doc.FormatXLSX:
		return r.ReadXLSX(data)
	case doc.FormatXLS:
		return r.ReadXLS(ctx, data)
	default:
		return nil, fmt.Errorf("officedoc: content sniffed as %s: %w", f, ErrUnsupported)
	}
}
