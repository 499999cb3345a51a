package crawler

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/crawler/warc"
)

// leftover is a WARC file a killed process left open, cut after its last
// complete exchange but not yet renamed.
type leftover struct {
	open, final string
}

// recoverOpenFiles cuts each WARC file a killed process left open after
// its last complete exchange. The files keep their .open name until
// closeLeftovers: a process killed while adopting them finds them again.
func recoverOpenFiles(dir string, log *zap.Logger) ([]leftover, error) {
	var out []leftover
	open, err := filepath.Glob(filepath.Join(dir, "*.open"))
	if err != nil {
		return nil, err
	}
	for _, path := range open {
		good, err := lastCompleteRecord(path)
		if err != nil {
			return nil, fmt.Errorf("recover %s: %w", path, err)
		}
		if good == 0 {
			log.Warn("warc recovery: no complete record; removing", zap.String("file", path))
			if err := os.Remove(path); err != nil {
				return nil, err
			}
			continue
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		fi, err := f.Stat()
		if err == nil && fi.Size() != good {
			log.Warn("warc recovery: cutting a partial exchange", zap.String("file", path), zap.Int64("from", fi.Size()), zap.Int64("to", good))
			err = f.Truncate(good)
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("recover %s: %w", path, err)
		}
		out = append(out, leftover{open: path, final: strings.TrimSuffix(path, ".open")})
	}
	return out, nil
}

// closeLeftovers gives recovered files their final name.
func closeLeftovers(files []leftover, log *zap.Logger) error {
	for _, l := range files {
		if _, err := os.Stat(l.final); err == nil {
			return fmt.Errorf("recover %s: %s exists", l.open, l.final)
		}
		if err := os.Rename(l.open, l.final); err != nil {
			return err
		}
		log.Info("warc recovered", zap.String("file", l.final))
	}
	return nil
}

// lastCompleteRecord returns the end offset of the last complete exchange
// of the file: every exchange this package writes ends with its metadata
// record, so the file is cut after the last metadata record (or after the
// warcinfo, if no exchange is complete). A response whose metadata was not
// written was never committed to the state; its URL is still queued.
func lastCompleteRecord(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rd := warc.NewReader(f)
	var good int64
	var prev *warc.Record
	for {
		rec, err := rd.Next()
		// Next has read prev to its end: its Length is known.
		if prev != nil && prev.Offset >= 0 && prev.Length >= 0 && (err == nil || errors.Is(err, io.EOF)) &&
			(prev.Type == warc.TypeMetadata || prev.Type == warc.TypeWarcinfo) {
			good = prev.Offset + prev.Length
		}
		if err != nil {
			var fe *warc.FormatError
			if errors.Is(err, io.EOF) || errors.As(err, &fe) {
				return good, nil
			}
			return good, err
		}
		prev = rec
	}
}
