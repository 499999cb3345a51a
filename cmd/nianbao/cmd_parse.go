package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/extract"
)

func runParse(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "parse", "[--format tsv|jsonl] FILE...")
	format := fs.String("format", "tsv", "output format: tsv (one line per template cell) or jsonl (one object per report)")
	var lf logFlags
	lf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "tsv" && *format != "jsonl" {
		return usageError("--format: %q is not one of tsv, jsonl", *format)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageError("no input files (use - for standard input)")
	}
	log, err := lf.logger(e)
	if err != nil {
		return err
	}
	defer log.Sync()
	ex, err := newExtractor(log)
	if err != nil {
		return err
	}

	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if *format == "tsv" {
		fmt.Fprintln(out, "source\ttable\trow\tcol\tvalue")
	}
	unreadable := 0
	for _, name := range fs.Args() {
		data, err := readInput(e, name)
		if err == nil {
			var rep *extract.Report
			rep, err = ex.Parse(ctx, extract.Source{Name: name}, data)
			if err == nil {
				if *format == "tsv" {
					writeTSV(out, rep)
				} else {
					err = writeJSONL(out, rep)
				}
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// One unreadable file does not stop the others.
			fmt.Fprintf(e.stderr, "nianbao parse: %s: %v\n", name, err)
			unreadable++
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	if unreadable > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d inputs unreadable", unreadable, fs.NArg())}
	}
	return nil
}

func readInput(e *env, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(name)
}

// writeTSV prints the layout of the hand-read gold files, with a leading
// source column: one line per template cell, blank cells with an empty value.
func writeTSV(w io.Writer, rep *extract.Report) {
	src := tsvField(rep.Source)
	for _, c := range rep.Cells {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", src, c.Table, c.Row, c.Col, tsvField(cellText(c)))
	}
}

// cellText is the value column: the number when there is one, else the
// source text (so a marker such as "-" stays distinct from 0), else empty.
func cellText(c extract.Cell) string {
	if c.Value != nil {
		return strconv.FormatFloat(*c.Value, 'f', -1, 64)
	}
	return strings.TrimSpace(c.Raw)
}

// tsvField keeps a field on one line and in one column.
func tsvField(s string) string {
	if !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	return strings.NewReplacer("\t", " ", "\r", " ", "\n", " ").Replace(s)
}

func writeJSONL(w io.Writer, rep *extract.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
