package warc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Recovered reports what Recover kept.
type Recovered struct {
	// Path is the file after recovery ("" if nothing was worth keeping and
	// the file was removed).
	Path string
	// Records is the number of complete records kept; Dropped the bytes cut
	// off the end.
	Records int
	Dropped int64
}

// Recover repairs a file left by a writer that was killed: it keeps the
// complete records (a request whose response never made it is dropped
// too), truncates the rest, and renames NAME.warc.gz.open to NAME.warc.gz.
// A file with no complete record but its warcinfo is removed. Call it only
// on files no live process writes: the writer's name carries host and pid.
func Recover(path string) (Recovered, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return Recovered{}, fmt.Errorf("warc: recover: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Recovered{}, fmt.Errorf("warc: recover: %w", err)
	}

	r := NewReader(f)
	var end, endBeforeRequest int64
	n, nBeforeRequest, firstType, lastType := 0, 0, "", ""
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			break // the damaged tail starts here
		}
		if err := rec.skip(); err != nil || rec.Offset < 0 || rec.Length < 0 {
			break
		}
		if rec.Type == TypeRequest {
			endBeforeRequest, nBeforeRequest = end, n
		}
		end, lastType = rec.Offset+rec.Length, rec.Type
		if n == 0 {
			firstType = rec.Type
		}
		n++
	}
	if lastType == TypeRequest {
		end, n = endBeforeRequest, nBeforeRequest
	}
	res := Recovered{Path: strings.TrimSuffix(path, ".open"), Records: n, Dropped: fi.Size() - end}
	if res.Dropped > 0 {
		if err := errors.Join(f.Truncate(end), f.Sync()); err != nil {
			return Recovered{}, fmt.Errorf("warc: recover %s: %w", path, err)
		}
	}
	if n == 0 || n == 1 && firstType == TypeWarcinfo { // nothing captured
		f.Close()
		res.Path = ""
		return res, os.Remove(path)
	}
	if res.Path != path {
		if _, err := os.Lstat(res.Path); err == nil {
			return Recovered{}, fmt.Errorf("warc: recover %s: %s already exists", path, res.Path)
		}
		if err := os.Rename(path, res.Path); err != nil {
			return Recovered{}, fmt.Errorf("warc: recover: %w", err)
		}
	}
	return res, nil
}
