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

// recoverOpenFiles finishes the WARC files a killed process left open: each
// is cut after its last complete record and renamed from .open, so every
// file in the archive is valid. A cut-off exchange was never committed to
// the state, so its URL is still queued and will be fetched again.
// It returns the files recovered, by final path.
func recoverOpenFiles(dir string, log *zap.Logger) ([]string, error) {
	var done []string
	open, err := filepath.Glob(filepath.Join(dir, "*.open"))
	if err != nil {
		return nil, err
	}
	for _, path := range open {
		good, err := lastCompleteRecord(path)
		if err != nil {
			return nil, fmt.Errorf("recover %s: %w", path, err)
		}
		final := strings.TrimSuffix(path, ".open")
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
			log.Warn("warc recovery: cutting a partial record", zap.String("file", path), zap.Int64("from", fi.Size()), zap.Int64("to", good))
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
		if _, err := os.Stat(final); err == nil {
			return nil, fmt.Errorf("recover %s: %s exists", path, final)
		}
		if err := os.Rename(path, final); err != nil {
			return nil, err
		}
		log.Info("warc recovered", zap.String("file", final), zap.Int64("bytes", good))
		done = append(done, final)
	}
	return done, nil
}

// lastCompleteRecord returns the end offset of the last record of the file
// that reads completely (its gzip member ends where the next begins).
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
		if prev != nil && prev.Offset >= 0 && prev.Length >= 0 && err == nil {
			good = prev.Offset + prev.Length
		}
		if err != nil {
			if prev != nil && prev.Offset >= 0 && prev.Length >= 0 && errors.Is(err, io.EOF) {
				good = prev.Offset + prev.Length
			}
			var fe *warc.FormatError
			if errors.Is(err, io.EOF) || errors.As(err, &fe) {
				return good, nil
			}
			return good, err
		}
		prev = rec
	}
}
