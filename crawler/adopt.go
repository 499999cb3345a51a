package crawler

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/nianbao/nianbao/crawler/warc"
)

// adopt closes the one gap between archive and state. A URL is archived
// (record written and flushed) before its state commit; a process killed
// between the two leaves an exchange in the archive whose URL is still
// queued. Fetching it again would archive it twice, so the exchanges of
// the files a killed process left open are read back, and each one the
// state does not know is committed now, exactly as if the process had
// lived: same classification, same links discovered from the archived
// body.
//
// An identical-payload revisit of a page holds no body: its links are
// read from the response it refers to (state keeps where that is).
func (r *run) adopt(files []leftover) error {
	for _, l := range files {
		if err := r.adoptFile(l.open, filepath.Base(l.final)); err != nil {
			return fmt.Errorf("crawler: adopt %s: %w", filepath.Base(l.open), err)
		}
	}
	return closeLeftovers(files, r.c.log)
}

// archived is a response or revisit record read back, waiting for the
// metadata record that names its state key.
type archived struct {
	rec    *warc.Record
	ip     string
	status int
	header http.Header
	body   []byte
	length int64
}

// adoptFile reads the leftover at path; refs name it by its final name.
func (r *run) adoptFile(path, file string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rd := warc.NewReader(f)
	pending := map[string]*archived{} // by response record ID
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch rec.Type {
		case warc.TypeResponse, warc.TypeRevisit:
			resp, err := rec.HTTPResponse()
			if err != nil {
				continue
			}
			a := &archived{rec: rec, ip: rec.Header.Get("WARC-IP-Address"), status: resp.StatusCode, header: resp.Header}
			// Only pages are read back (their links are needed); the cap
			// keeps a hostile record from using unbounded memory.
			if a.body, err = io.ReadAll(io.LimitReader(resp.Body, r.c.cfg.Limits.PageMaxBytes+1)); err != nil {
				continue
			}
			pending[rec.ID] = a
		case warc.TypeMetadata:
			to := strings.Trim(rec.Header.Get("WARC-Concurrent-To"), "<>")
			a := pending["<"+to+">"]
			if a == nil {
				a = pending[to]
			}
			if a == nil {
				continue
			}
			delete(pending, a.rec.ID)
			fields, err := io.ReadAll(io.LimitReader(rec.Block(), 64<<10))
			if err != nil {
				continue
			}
			if err := r.adoptOne(file, a, parseFields(fields)); err != nil {
				return err
			}
		}
	}
}

func parseFields(b []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ":"); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

func (r *run) adoptOne(file string, a *archived, meta map[string]string) error {
	key := meta["stateKey"]
	if key == "" || meta["fetchStatus"] != "" { // challenges stay queued anyway
		return nil
	}
	rec, ok, err := r.store.Get(key)
	if err != nil || !ok {
		return err
	}
	if rec.QueueSeq == 0 || rec.QueuedRun != r.runID || (rec.WARCFile == file && rec.WARCOffset == a.rec.Offset) {
		return nil // committed
	}
	p := r.c.byName[rec.Portal]
	if p == nil {
		return nil
	}
	profile := a.rec.Header.Get("WARC-Profile")
	if a.rec.Type == warc.TypeRevisit && strings.HasSuffix(profile, "identical-payload-digest") && (rec.Kind == KindList || rec.Kind == KindReport) {
		// The links are in the body of the response the revisit refers to.
		body, err := r.archivedBody(rec.RecordFile, rec.RecordOffset)
		if err != nil {
			r.c.log.Warn("not adopting a list revisit: its original is unreadable", zap.String("url", rec.URL), zap.Error(err))
			return nil
		}
		a.body = body
	}
	digest := a.rec.Header.Get("WARC-Payload-Digest")
	if a.rec.Type == warc.TypeRevisit {
		digest = rec.PayloadDigest // unchanged by definition
	}
	ex := &exchange{url: a.rec.TargetURI, ip: a.ip, started: a.rec.Date}
	fe := &fetched{ex: ex, status: a.status, header: a.header, body: a.body, n: int64(len(a.body)), digest: digest,
		truncated: a.rec.Header.Get("WARC-Truncated") != "" && a.rec.Type == warc.TypeResponse}
	rec.Attempts++
	rec.FetchedAt = a.rec.Date
	ref := warc.Ref{File: file, Offset: a.rec.Offset, Length: a.rec.Length, RecordID: a.rec.ID, PayloadDigest: digest, Date: a.rec.Date, TargetURI: a.rec.TargetURI}
	o := r.decide(outcome{job: &job{rec: rec, portal: p, pol: p.pol}, rec: rec}, fe, &ref)
	if o.fatal != nil {
		return o.fatal
	}
	r.c.log.Info("adopted an archived exchange the killed process had not committed", zap.String("url", rec.URL), zap.String("file", file), zap.Int64("offset", a.rec.Offset))
	return nil
}

// archivedBody reads the body of the response record at file and offset in
// the archive, up to the page cap.
func (r *run) archivedBody(file string, offset int64) ([]byte, error) {
	if file == "" {
		return nil, errors.New("no original recorded")
	}
	rec, err := warc.ReadAt(filepath.Join(r.c.opts.DataDir, "archive", file), offset)
	if err != nil {
		return nil, err
	}
	defer rec.Close()
	resp, err := rec.HTTPResponse()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(resp.Body, r.c.cfg.Limits.PageMaxBytes))
}
