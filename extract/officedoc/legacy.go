package officedoc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/toolcheck"
)

// Available reports which converters for legacy formats are installed:
// nil when LibreOffice is there; otherwise an error naming the packages.
// DOCX and XLSX need no external tool.
func Available() error {
	_, err := toolcheck.LibreOffice.Look()
	return err
}

// ReadDOC reads a legacy Word document or a Kingsoft WPS file (the same
// binary format). LibreOffice converts it to DOCX, which keeps merged
// cells; without LibreOffice, antiword's pipe-delimited text is read
// instead, which loses merged cells, and the Document says so.
func (r *Reader) ReadDOC(ctx context.Context, data []byte) (*doc.Document, error) {
	o, err := r.options()
	if err != nil {
		return nil, err
	}
	out, err := convert(ctx, o, data, "in.doc", "docx:MS Word 2007 XML", "in.docx")
	if err == nil {
		d, err := r.ReadDOCX(out)
		if err != nil {
			return nil, fmt.Errorf("doc: converted document: %w", err)
		}
		d.Format = doc.FormatDOC
		d.Warnings = append(d.Warnings, "converted from DOC by LibreOffice")
		return d, nil
	}
	if !errors.Is(err, toolcheck.ErrMissing) {
		return nil, fmt.Errorf("doc: %w", err)
	}
	d, aerr := antiword(ctx, o, data)
	if aerr != nil {
		return nil, fmt.Errorf("doc: %w; %w", err, aerr)
	}
	return d, nil
}

// convert runs LibreOffice headless on data saved as inName, with a
// private profile so parallel runs do not share (and lock) one, and
// returns the converted file outName.
func convert(ctx context.Context, o Options, data []byte, inName, filter, outName string) ([]byte, error) {
	bin, err := toolcheck.LibreOffice.Look()
	if err != nil {
		return nil, err
	}
	dir, cleanup, err := toolcheck.TempDir("nianbao-office-")
	if err != nil {
		return nil, err
	}
	defer cleanup()
	in := filepath.Join(dir, inName)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	outDir := filepath.Join(dir, "out")
	_, err = toolcheck.Run(ctx, toolcheck.Command{
		Path: bin,
		Args: []string{
			"--headless", "--norestore", "--nologo", "--nolockcheck",
			"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
			"--convert-to", filter, "--outdir", outDir, in,
		},
		Dir:       dir,
		Timeout:   o.Timeout,
		MaxOutput: 1 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("libreoffice: %w", err)
	}
	path := filepath.Join(outDir, outName)
	st, err := os.Stat(path)
	if err != nil {
		// soffice exits 0 even when it cannot read the input.
		return nil, fmt.Errorf("libreoffice could not convert the file (no %s written)", outName)
	}
	if st.Size() > o.MaxOutputBytes {
		return nil, fmt.Errorf("libreoffice wrote %d bytes, limit %d: %w", st.Size(), o.MaxOutputBytes, ErrLimit)
	}
	o.Logger.Debug("converted", zap.String("to", outName), zap.Int64("bytes", st.Size()))
	return os.ReadFile(path)
}

func antiword(ctx context.Context, o Options, data []byte) (*doc.Document, error) {
	bin, err := toolcheck.Antiword.Look()
	if err != nil {
		return nil, err
	}
	dir, cleanup, err := toolcheck.TempDir("nianbao-antiword-")
	if err != nil {
		return nil, err
	}
	defer cleanup()
	in := filepath.Join(dir, "in.doc")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	// -m UTF-8.txt: without it antiword prints ? for CJK outside a UTF-8
	// locale; -w 0: do not wrap paragraphs.
	out, err := toolcheck.Run(ctx, toolcheck.Command{
		Path: bin, Args: []string{"-m", "UTF-8.txt", "-w", "0", in},
		Dir: dir, Timeout: o.Timeout, MaxOutput: o.MaxOutputBytes,
	})
	if err != nil {
		return nil, fmt.Errorf("antiword: %w", err)
	}
	d := parseAntiword(out)
	d.Warnings = append(d.Warnings, "read with antiword (LibreOffice missing): merged cells are lost")
	return d, nil
}

// parseAntiword reads antiword's text: lines framed by | are table rows,
// consecutive rows one table; other non-empty lines are paragraphs.
func parseAntiword(out []byte) *doc.Document {
	d := &doc.Document{Format: doc.FormatDOC}
	var t *doc.Table
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		if strings.HasPrefix(line, "|") && strings.HasSuffix(line, "|") && len(line) > 1 {
			if t == nil {
				t = &doc.Table{Loc: doc.Loc{Line: n}}
				d.Blocks = append(d.Blocks, doc.Block{Table: t, Loc: t.Loc})
			}
			parts := strings.Split(line[1:len(line)-1], "|")
			row := make([]doc.Cell, len(parts))
			for i, p := range parts {
				row[i] = doc.Cell{Text: collapse(p), Loc: doc.Loc{Line: n, Row: len(t.Rows), Col: i}}
			}
			t.Rows = append(t.Rows, row)
			continue
		}
		t = nil
		if s := collapse(line); s != "" {
			d.Blocks = append(d.Blocks, doc.Block{Text: s, Loc: doc.Loc{Line: n}})
		}
	}
	return d
}
