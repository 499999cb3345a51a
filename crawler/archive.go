package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nianbao/nianbao/crawler/warc"
)

// Archived is one archived report page or attachment, read back from the
// WARC archive with its content coding removed: what extraction needs, and
// where it came from.
type Archived struct {
	URL, Portal, Kind string
	ContentType       string // the response's Content-Type header
	FetchedAt         time.Time
	HTTPStatus        int
	Truncated         bool // the crawler cut the body at a size cap
	WARCFile          string
	Offset, Length    int64
	Body              []byte
}

// LoadArchived reads the response record at offset in an archive file and
// decodes its body (at most limit bytes). A body whose content coding is
// broken (a truncated gzip stream) returns what decoded and an error.
func LoadArchived(archiveDir, file string, offset, limit int64) (*Archived, error) {
	rec, err := warc.ReadAt(filepath.Join(archiveDir, file), offset)
	if err != nil {
		return nil, err
	}
	defer rec.Close()
	if rec.Type != warc.TypeResponse {
		return nil, fmt.Errorf("%s@%d: a %s record, not a response", file, offset, rec.Type)
	}
	resp, err := rec.HTTPResponse()
	if err != nil {
		return nil, err
	}
	a := &Archived{
		URL: rec.TargetURI, ContentType: resp.Header.Get("Content-Type"), FetchedAt: rec.Date,
		HTTPStatus: resp.StatusCode, Truncated: rec.Header.Get("WARC-Truncated") != "",
		WARCFile: file, Offset: offset,
	}
	a.Body, err = resp.DecodedBody(limit)
	// The member's length is known once the block has been read to its end.
	if _, derr := io.Copy(io.Discard, rec.Block()); derr == nil {
		a.Length = rec.Length
	}
	if err != nil {
		return a, fmt.Errorf("%s@%d: %w", file, offset, err)
	}
	return a, nil
}

// archivedRef is a response record found while scanning, before its body is read.
type archivedRef struct {
	url, file   string
	offset      int64
	date        time.Time
	portal      string
	kind        string
	status      int
	challenge   bool
	contentType string
}

// WalkArchive calls fn for the latest archived response of every report
// page and attachment in the archive directory, oldest file first. It
// reads only the archive: the kind and portal of each response come from
// the metadata record the crawler writes beside it. Challenge pages,
// error answers and revisits are skipped (a revisit's content is the
// earlier response, which is visited instead). A record that cannot be
// decoded is passed to fn with its error, so the caller can count it.
func WalkArchive(ctx context.Context, archiveDir string, limit int64, fn func(*Archived, error) error) error {
	files, err := filepath.Glob(filepath.Join(archiveDir, "*.warc.gz"))
	if err != nil {
		return err
	}
	plain, _ := filepath.Glob(filepath.Join(archiveDir, "*.warc"))
	files = append(files, plain...)
	sort.Strings(files) // names start with a timestamp: oldest first
	latest := map[string]archivedRef{}
	var order []string
	for _, path := range files {
		refs, err := scanArchiveFile(ctx, path)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r.challenge || r.status < 200 || r.status >= 300 || (r.kind != KindReport && r.kind != KindAttachment) {
				continue
			}
			if prev, ok := latest[r.url]; !ok {
				order = append(order, r.url)
			} else if prev.date.After(r.date) {
				continue
			}
			latest[r.url] = r
		}
	}
	for _, u := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := latest[u]
		a, err := LoadArchived(archiveDir, r.file, r.offset, limit)
		if a != nil {
			a.Portal, a.Kind = r.portal, r.kind
		}
		if err := fn(a, err); err != nil {
			return err
		}
	}
	return nil
}

// scanArchiveFile lists the response records of one file with the kind
// and portal of their metadata records.
func scanArchiveFile(ctx context.Context, path string) ([]archivedRef, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd := warc.NewReader(f)
	var refs []archivedRef
	byID := map[string]int{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A damaged tail (a crawl killed mid-write) ends the file; what
			// was read before it is intact.
			if len(refs) > 0 {
				break
			}
			return nil, fmt.Errorf("scan %s: %w", path, err)
		}
		switch rec.Type {
		case warc.TypeResponse:
			r := archivedRef{url: rec.TargetURI, file: filepath.Base(path), offset: rec.Offset, date: rec.Date}
			if resp, err := rec.HTTPResponse(); err == nil {
				r.status = resp.StatusCode
				r.contentType, _, _ = mime.ParseMediaType(resp.Header.Get("Content-Type"))
			}
			byID[rec.ID] = len(refs)
			refs = append(refs, r)
		case warc.TypeMetadata:
			i, ok := byID[rec.Header.Get("WARC-Concurrent-To")]
			if !ok {
				i, ok = byID[rec.Header.Get("WARC-Refers-To")]
			}
			if !ok {
				continue
			}
			body, err := io.ReadAll(io.LimitReader(rec.Block(), 64<<10))
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(body), "\n") {
				name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
				if !ok {
					continue
				}
				value = strings.TrimSpace(value)
				switch strings.TrimSpace(name) {
				case "portal":
					refs[i].portal = value
				case "kind":
					refs[i].kind = value
				case "fetchStatus":
					refs[i].challenge = strings.HasPrefix(value, "challenge")
				}
			}
		}
	}
	return refs, nil
}
