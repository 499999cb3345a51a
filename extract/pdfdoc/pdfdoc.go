// Package pdfdoc reads PDF reports into the doc model through poppler's
// `pdftotext -tsv` word boxes, rebuilding paragraphs and tables from
// positions (see layout.go for the steps).
//
// A PDF without a usable text layer (a scan, CID fonts without a Unicode
// map, mojibake) is not guessed at: Read returns a Document that carries a
// warning and an error wrapping ErrNoTextLayer, which the extractor maps to
// status no_text_layer. Encrypted and truncated files give ErrEncrypted and
// ErrTruncated.
package pdfdoc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/toolcheck"
)

// Errors a caller can test with errors.Is.
var (
	// ErrNoTextLayer: the PDF has no text a reader can trust (image-only,
	// (cid:NN) glyph codes, replacement characters, too few CJK
	// characters). The returned Document says why in Warnings.
	ErrNoTextLayer = errors.New("no usable text layer")
	// ErrEncrypted: the PDF needs a password to open.
	ErrEncrypted = errors.New("pdf is encrypted")
	// ErrTruncated: the file ends before its end-of-file marker, as an
	// interrupted download leaves it. Whatever pages could be read are
	// returned with the error.
	ErrTruncated = errors.New("pdf is truncated")
	// ErrNotPDF: the content does not start with %PDF-.
	ErrNotPDF = errors.New("not a pdf")
	// ErrTooLarge: the text layer has more words than any report
	// (maxWords); laying it out could take unbounded time.
	ErrTooLarge = errors.New("pdf text layer too large")
)

// maxWords bounds the words laid out from one PDF. An annual report has a
// few thousand; a hostile file can have millions on one line.
const maxWords = 300_000

// Options bounds one read. Zero fields take the defaults.
type Options struct {
	// Timeout bounds the pdftotext run. Default 30 s.
	Timeout time.Duration
	// MaxPages is the last page read. Default 200: an annual report has
	// fewer than 30.
	MaxPages int
	// MaxOutputBytes caps pdftotext's output. Default 64 MiB.
	MaxOutputBytes int64
	// Logger receives debug notes. Default: no logging.
	Logger *zap.Logger
}

// Defaults for Options.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultMaxPages       = 200
	DefaultMaxOutputBytes = 64 << 20
)

// Validate names the first field that holds an impossible value.
func (o Options) Validate() error {
	switch {
	case o.Timeout < 0:
		return fmt.Errorf("pdfdoc: Options.Timeout is negative (%s)", o.Timeout)
	case o.MaxPages < 0:
		return fmt.Errorf("pdfdoc: Options.MaxPages is negative (%d)", o.MaxPages)
	case o.MaxOutputBytes < 0:
		return fmt.Errorf("pdfdoc: Options.MaxOutputBytes is negative (%d)", o.MaxOutputBytes)
	}
	return nil
}

// Reader reads PDFs with the given Options. The zero Reader uses the
// defaults and is safe for concurrent use.
type Reader struct {
	Options
}

// Available reports whether pdftotext is installed; the error names the
// Debian packages to install.
func Available() error {
	_, err := toolcheck.PDFToText.Look()
	return err
}

// Read reads data with the default Options. See Reader.Read.
func Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error) {
	return (&Reader{}).Read(ctx, data, contentType)
}

// Read converts a PDF to a Document. contentType is ignored: the content
// must start with %PDF-. On ErrNoTextLayer and ErrTruncated the Document
// is returned too.
func (r *Reader) Read(ctx context.Context, data []byte, contentType string) (*doc.Document, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	o := r.Options
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxPages == 0 {
		o.MaxPages = DefaultMaxPages
	}
	if o.MaxOutputBytes == 0 {
		o.MaxOutputBytes = DefaultMaxOutputBytes
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if doc.Sniff(data, contentType) != doc.FormatPDF {
		return nil, fmt.Errorf("pdfdoc: %w", ErrNotPDF)
	}
	bin, err := toolcheck.PDFToText.Look()
	if err != nil {
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	tsv, err := runPDFToText(ctx, bin, data, o)
	if err != nil {
		return nil, err
	}
	d, err := fromTSV(tsv)
	if truncated(data) {
		d.Warnings = append(d.Warnings, "file ends without %%EOF: truncated download")
		if err == nil {
			err = fmt.Errorf("pdfdoc: %w", ErrTruncated)
		}
	}
	o.Logger.Debug("pdf read", zap.Int("blocks", len(d.Blocks)), zap.Strings("warnings", d.Warnings))
	return d, err
}

func runPDFToText(ctx context.Context, bin string, data []byte, o Options) ([]byte, error) {
	dir, cleanup, err := toolcheck.TempDir("nianbao-pdf-")
	if err != nil {
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	defer cleanup()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	out, err := toolcheck.Run(ctx, toolcheck.Command{
		Path:      bin,
		Args:      []string{"-tsv", "-enc", "UTF-8", "-l", fmt.Sprint(o.MaxPages), in, "-"},
		Dir:       dir,
		Timeout:   o.Timeout,
		MaxOutput: o.MaxOutputBytes,
	})
	var ee *toolcheck.ExitError
	switch {
	case errors.As(err, &ee) && (strings.Contains(ee.Stderr, "password") || ee.Code == 3):
		return nil, fmt.Errorf("pdfdoc: %w (pdftotext: %s)", ErrEncrypted, ee.Stderr)
	case errors.As(err, &ee) && truncated(data):
		return nil, fmt.Errorf("pdfdoc: %w (pdftotext: %s)", ErrTruncated, ee.Stderr)
	case err != nil:
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	return out, nil
}

// truncated reports a file without %%EOF near its end. Writers may append
// a few bytes of padding after the marker, never kilobytes.
func truncated(data []byte) bool {
	tail := data[max(0, len(data)-2048):]
	return !bytes.Contains(tail, []byte("%%EOF"))
}

// fromTSV is the pure-Go part of Read: TSV in, Document out.
func fromTSV(tsv []byte) (*doc.Document, error) {
	d := &doc.Document{Format: doc.FormatPDF}
	pages, skipped := parseTSV(tsv)
	if skipped > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d malformed pdftotext rows skipped", skipped))
	}
	words := 0
	for _, p := range pages {
		words += len(p.words)
	}
	if words > maxWords {
		return d, fmt.Errorf("pdfdoc: %d words, limit %d: %w", words, maxWords, ErrTooLarge)
	}
	if reason := textLayerProblem(pages); reason != "" {
		d.Warnings = append(d.Warnings, "no usable text layer: "+reason)
		return d, fmt.Errorf("pdfdoc: %s: %w", reason, ErrNoTextLayer)
	}
	// A scanned page among text pages (a table pasted in as a picture)
	// loses its content silently unless someone says so.
	for _, p := range pages {
		n := 0
		for _, w := range p.words {
			n += utf8.RuneCountInString(w.text)
		}
		if n < 10 {
			d.Warnings = append(d.Warnings, fmt.Sprintf("page %d has %d characters of text: a scanned page? its content is not read", p.n, n))
		}
	}
	d.Blocks = layout(pages)
	return d, nil
}

var cidRE = regexp.MustCompile(`\(cid:\d+\)`)

// commonHan are the 300 most frequent characters of written Chinese; they
// make up more than half of ordinary text and about 1.5% of the CJK block.
const commonHan = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"

// textLayerProblem says why the text layer cannot be read, or "".
func textLayerProblem(pages []page) string {
	var total, han, bad, letters, common int
	cids := 0
	for _, p := range pages {
		for _, w := range p.words {
			cids += len(cidRE.FindAllStringIndex(w.text, -1))
			for _, r := range w.text {
				total++
				switch {
				case unicode.Is(unicode.Han, r):
					han++
					letters++
					if strings.ContainsRune(commonHan, r) {
						common++
					}
				case r == unicode.ReplacementChar, r >= 0xE000 && r <= 0xF8FF: // U+FFFD, private use
					bad++
				case unicode.IsLetter(r):
					letters++
					if r >= 0xC0 && r <= 0xFF { // Latin-1 letters: GBK read as Latin-1
						bad++
					}
				}
			}
		}
	}
	switch {
	case total < 20:
		return fmt.Sprintf("%d characters on %d pages (image-only?)", total, len(pages))
	case han >= 200 && common*100 < han*8:
		// Glyph codes read as if they were Unicode give Han characters, but
		// random ones: in real Chinese text the commonest characters make up
		// half, in random ones a few percent.
		return fmt.Sprintf("only %d of %d CJK characters are common ones: glyph codes without a Unicode map", common, han)
	case cids >= 5:
		return fmt.Sprintf("%d (cid:NN) glyph codes: fonts without a Unicode map", cids)
	case bad*20 > total:
		return fmt.Sprintf("%d of %d characters are replacement, private-use or mojibake", bad, total)
	case han < 20 || han*5 < letters:
		return fmt.Sprintf("only %d CJK characters among %d letters", han, letters)
	}
	return ""
}
