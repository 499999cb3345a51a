package warc

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// ErrBodyTooLarge is returned by DecodedBody when the decoded body exceeds
// its limit; the bytes up to the limit are returned with it.
var ErrBodyTooLarge = errors.New("warc: decoded body exceeds limit")

// Response is the HTTP response held by a response or revisit record.
type Response struct {
	Proto      string // "HTTP/1.1"
	StatusCode int
	Status     string // "200 OK"
	// Header is the response header; a Transfer-Encoding renamed by our
	// writer appears as X-Crawler-Transfer-Encoding.
	Header http.Header
	// Body is the payload as archived: transfer coding removed (records
	// by writers that kept it chunked are de-chunked here), content coding
	// kept. Empty for revisits.
	Body io.Reader
}

// HTTPResponse parses the record's block as an HTTP response. It must be
// called before the block is read.
func (rec *Record) HTTPResponse() (*Response, error) {
	if rec.Type != TypeResponse && rec.Type != TypeRevisit {
		return nil, fmt.Errorf("warc: record %s is a %s, not a response", rec.ID, rec.Type)
	}
	if rec.ContentLength-rec.block.left != 0 {
		return nil, fmt.Errorf("warc: record %s: block already read", rec.ID)
	}
	br := bufio.NewReaderSize(rec.block, 32<<10)
	lines, err := readHeaderLines(br)
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = errors.New("block ends inside the HTTP header")
		}
		return nil, fmt.Errorf("warc: record %s: HTTP header: %w", rec.ID, err)
	}
	proto, status, _ := strings.Cut(lines[0], " ")
	code, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(strings.TrimSpace(status), " ", 2)[0]))
	if !strings.HasPrefix(proto, "HTTP/") || err != nil {
		return nil, fmt.Errorf("warc: record %s: bad HTTP status line %.60q", rec.ID, lines[0])
	}
	resp := &Response{Proto: proto, StatusCode: code, Status: strings.TrimSpace(status), Header: http.Header{}, Body: br}
	last := ""
	for _, l := range lines[1:] {
		if (l[0] == ' ' || l[0] == '\t') && last != "" { // obsolete line folding
			vs := resp.Header[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(l)
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(name) == "" {
			continue // a broken line from a broken server; keep the rest
		}
		last = http.CanonicalHeaderKey(strings.TrimSpace(name))
		resp.Header[last] = append(resp.Header[last], strings.TrimSpace(value))
	}
	if strings.Contains(strings.ToLower(resp.Header.Get("Transfer-Encoding")), "chunked") {
		resp.Body = httputil.NewChunkedReader(br)
	}
	return resp, nil
}

// DecodedBody returns at most limit bytes of the body with its
// Content-Encoding (gzip, x-gzip, deflate, br, identity, or a list of them)
// removed. A body cut short returns what decoded and an error; a body
// longer than limit returns limit bytes and ErrBodyTooLarge; an unknown
// coding returns the body as stored and an error naming it.
func (resp *Response) DecodedBody(limit int64) ([]byte, error) {
	r, err := resp.decoder()
	if err != nil {
		raw, rerr := readLimited(resp.Body, limit)
		return raw, errors.Join(err, rerr)
	}
	return readLimited(r, limit)
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if err != nil {
		return buf.Bytes(), fmt.Errorf("warc: decoding body: %w", err)
	}
	if n > limit {
		return buf.Bytes()[:limit], ErrBodyTooLarge
	}
	return buf.Bytes(), nil
}

// decoder stacks the decoders for the Content-Encoding list (applied in
// the order listed, so removed in reverse).
func (resp *Response) decoder() (io.Reader, error) {
	var codings []string
	for _, v := range resp.Header.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	for _, c := range codings {
		switch c {
		case "gzip", "x-gzip", "deflate", "br":
		default:
			return nil, fmt.Errorf("warc: content coding %q not supported", c)
		}
	}
	r := resp.Body
	for i := len(codings) - 1; i >= 0; i-- {
		switch codings[i] {
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				if err == io.EOF {
					return bytes.NewReader(nil), nil // empty body
				}
				return nil, fmt.Errorf("warc: gzip body: %w", err)
			}
			r = zr
		case "deflate":
			// RFC 9110 says zlib; some servers send raw deflate.
			br := bufio.NewReader(r)
			if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
				zr, err := zlib.NewReader(br)
				if err != nil {
					return nil, fmt.Errorf("warc: deflate body: %w", err)
				}
				r = zr
			} else {
				r = flate.NewReader(br)
			}
		case "br":
			r = brotli.NewReader(r)
		}
	}
	return r, nil
}
