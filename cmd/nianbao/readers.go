package main

import (
	"errors"
	"strings"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/htmldoc"
	"github.com/nianbao/nianbao/extract/officedoc"
	"github.com/nianbao/nianbao/extract/pdfdoc"
	"github.com/nianbao/nianbao/extract/textdoc"
	"github.com/nianbao/nianbao/extract/toolcheck"
)

// newExtractor wires every reader nianbao has into one extractor. Which
// reader runs is decided by sniffing the content, not by file name. The
// PDF and legacy Office readers shell out to external tools; when one is
// missing, its reader says so for each such document and the rest runs.
func newExtractor(log *zap.Logger) (*extract.Extractor, error) {
	office := extract.ReaderFunc(officedoc.Read)
	return extract.New(extract.Options{
		Logger: log,
		// A PDF without a usable text layer is recorded as such, with no
		// cells; a truncated or encrypted one is read as far as it goes.
		TextUnusable: func(err error) bool { return errors.Is(err, pdfdoc.ErrNoTextLayer) },
		Readers: map[doc.Format]extract.Reader{
			doc.FormatHTML: extract.ReaderFunc(htmldoc.Read),
			doc.FormatText: extract.ReaderFunc(textdoc.Read),
			doc.FormatPDF:  extract.ReaderFunc(pdfdoc.Read),
			doc.FormatDOCX: office,
			doc.FormatDOC:  office,
			doc.FormatXLSX: office,
			doc.FormatXLS:  office,
		},
	})
}

// missingTool is an optional external program that is not installed, and
// what nianbao skips without it.
type missingTool struct {
	Tool    string `json:"tool"`
	Package string `json:"package"`
	Skipped string `json:"skipped"`
}

// missingTools names the optional programs not on PATH. nianbao runs
// without them; the summary says what was skipped.
func missingTools() []missingTool {
	var out []missingTool
	for _, t := range []struct {
		tool    toolcheck.Tool
		skipped string
	}{
		{toolcheck.PDFToText, "PDF attachments are archived but not extracted"},
		{toolcheck.LibreOffice, "XLS attachments are archived but not extracted; DOC/WPS fall back to antiword"},
		{toolcheck.Antiword, "DOC/WPS attachments need LibreOffice instead"},
	} {
		if _, err := t.tool.Look(); err != nil {
			out = append(out, missingTool{Tool: strings.Join(t.tool.Names, "/"), Package: t.tool.Package, Skipped: t.skipped})
		}
	}
	return out
}
