package main

import (
	"os/exec"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/htmldoc"
	"github.com/nianbao/nianbao/extract/textdoc"
)

// newExtractor wires every reader nianbao has into one extractor. Which
// reader runs is decided by sniffing the content, not by file name.
func newExtractor(log *zap.Logger) (*extract.Extractor, error) {
	return extract.New(extract.Options{
		Logger: log,
		Readers: map[doc.Format]extract.Reader{
			doc.FormatHTML: extract.ReaderFunc(htmldoc.Read),
			doc.FormatText: extract.ReaderFunc(textdoc.Read),
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
	for _, t := range []missingTool{
		{"pdftotext", "poppler-utils", "PDF attachments are archived but not extracted"},
		{"antiword", "antiword", "DOC/WPS attachments are archived but not extracted"},
	} {
		if _, err := exec.LookPath(t.Tool); err != nil {
			out = append(out, t)
		}
	}
	return out
}
