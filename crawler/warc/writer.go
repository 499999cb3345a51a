package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// DefaultMaxFileBytes is the size at which a file is closed and the next
// one begun: 1 GB, the convention of Annex C of the standard.
const DefaultMaxFileBytes int64 = 1_000_000_000

// bodyInMemory is the largest non-seekable body kept in memory for the two
// passes (digest, then write); larger ones are spooled to a temporary file.
const bodyInMemory = 1 << 20

// ErrClosed is returned by WriteExchange after Close.
var ErrClosed = errors.New("warc: writer closed")

// WriterOptions configures a Writer. The zero value of every field but Dir
// has a default.
type WriterOptions struct {
	// Dir receives the files. It must exist.
	Dir string
	// Prefix starts every file name (default "nianbao").
	Prefix string
	// MaxFileBytes is the compressed size after which the file is closed
	// and the next exchange starts a new one (default DefaultMaxFileBytes).
	// An exchange is never split, so a file may exceed it by one exchange.
	MaxFileBytes int64
	// Software and Operator are stated in each file's warcinfo record
	// (defaults "nianbao" and "").
	Software, Operator string
	// Robots is the robots.txt policy stated in warcinfo (default "obey").
	Robots string
	// GzipLevel is the compression level, 1 (fastest) to 9 (smallest);
	// 0 means gzip's default (6).
	GzipLevel int
	// Logger receives file open/close events (default zap.NewNop()).
	Logger *zap.Logger
}

func (o WriterOptions) withDefaults() WriterOptions {
	if o.Prefix == "" {
		o.Prefix = "nianbao"
	}
	if o.MaxFileBytes == 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.Software == "" {
		o.Software = "nianbao"
	}
	if o.Robots == "" {
		o.Robots = "obey"
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.GzipLevel == 0 {
		o.GzipLevel = gzip.DefaultCompression
	}
	return o
}

// Validate reports the first bad field.
func (o WriterOptions) Validate() error {
	if o.Dir == "" {
		return errors.New("warc: WriterOptions.Dir is empty")
	}
	if fi, err := os.Stat(o.Dir); err != nil {
		return fmt.Errorf("warc: WriterOptions.Dir: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("warc: WriterOptions.Dir %q is not a directory", o.Dir)
	}
	if strings.ContainsAny(o.Prefix, `/\`) || strings.ContainsFunc(o.Prefix, isSpaceOrControl) {
		return fmt.Errorf("warc: WriterOptions.Prefix %q must be a plain file name part", o.Prefix)
	}
	if o.GzipLevel < gzip.DefaultCompression || o.GzipLevel > gzip.BestCompression {
		return fmt.Errorf("warc: WriterOptions.GzipLevel %d is not 0 (default) or 1..9", o.GzipLevel)
	}
	if o.MaxFileBytes < 0 {
		return fmt.Errorf("warc: WriterOptions.MaxFileBytes is negative (%d)", o.MaxFileBytes)
	}
	return nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// Exchange is one HTTP request and its answer, as captured at the transport.
type Exchange struct {
	// TargetURI is the URL fetched; it is percent-encoded with EncodeURI.
	TargetURI string
	// IP is the server address the connection went to (optional).
	IP string
	// Date is when the capture began (default: now). Request and response
	// records share it.
	Date time.Time
	// Request is the raw request as sent: request line, headers, CRLF CRLF
	// and body for POST. Empty means no request record is written.
	Request []byte
	// ResponseHeader is the raw status line and headers as received, ending
	// with the empty line. A Transfer-Encoding header is renamed (see the
	// package documentation).
	ResponseHeader []byte
	// Body is the de-chunked body as received, still content-encoded.
	// BodyLength is its length, or -1 when unknown (read to EOF). When Body
	// is an io.ReadSeeker (an *os.File, a *bytes.Reader) it is read twice
	// in place from its current offset, once for the digests and once to
	// write; otherwise a body over 1 MiB is spooled to a temporary file in
	// Dir. A body with more bytes than BodyLength is refused unless
	// Truncated says why it was cut. For an identical-payload revisit the
	// body is digested but not stored.
	Body       io.Reader
	BodyLength int64
	// Truncated is "", "length", "time", "disconnect" or "unspecified":
	// why Body is shorter than what the server meant to send.
	Truncated string
	// Revisit, when set, turns the response record into a revisit record.
	Revisit *Revisit
	// Metadata, when non-empty, is written as a metadata record
	// (application/warc-fields) concurrent to the response: fetch facts
	// such as via, hopsFromSeed, fetchTimeMs.
	Metadata Header
}

// Revisit describes a capture whose payload is not stored again.
type Revisit struct {
	// Profile is ProfileServerNotModified (a 304 answer) or
	// ProfileIdenticalPayload (the payload's digest equals an earlier one).
	Profile string
	// RefersToURI and RefersToDate name the earlier capture; RefersTo is
	// its record ID when known.
	RefersToURI  string
	RefersToDate time.Time
	RefersTo     string
	// PayloadDigest is the digest of the unchanged payload, required by the
	// identical-payload profile when Exchange.Body is nil (with a Body the
	// writer computes it).
	PayloadDigest string
}

// Ref locates a written record: the response or revisit of an exchange.
type Ref struct {
	// File is the final file name (no .open), relative to WriterOptions.Dir.
	File string
	// Offset and Length are those of the record's gzip member.
	Offset, Length int64
	RecordID       string
	// PayloadDigest is "sha1:…" of the stored body ("" for a 304 revisit).
	PayloadDigest string
	// Date is the WARC-Date as written; TargetURI the encoded URI.
	Date      time.Time
	TargetURI string
}

// Writer appends exchanges to rotating WARC files. It is safe for
// concurrent use: digests are computed in the caller's goroutine, records
// are written one exchange at a time.
type Writer struct {
	opts    WriterOptions
	hostTag string
	mu      sync.Mutex
	closed  bool
	seq     int
	f       *os.File
	name    string // final base name of f
	bw      *bufio.Writer
	pos     int64 // bytes written to f, buffered included
	gz      *gzip.Writer
	infoID  string // record ID of f's warcinfo
}

// NewWriter checks opts and returns a Writer. The first file is created on
// the first WriteExchange, so a crawl that fetches nothing leaves no file.
func NewWriter(opts WriterOptions) (*Writer, error) {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	host = strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return r
		}
		return -1
	}, host)
	if host == "" {
		host = "localhost"
	}
	gz, _ := gzip.NewWriterLevel(io.Discard, opts.GzipLevel) // level checked by Validate
	return &Writer{opts: opts, hostTag: host + "-" + strconv.Itoa(os.Getpid()), gz: gz}, nil
}

// prepared is an exchange checked and digested, ready to be written.
type prepared struct {
	uri, date            string
	when                 time.Time
	respHeader           []byte
	bodyLen              int64
	blockSum, payloadSum string
	body                 func() (io.Reader, error) // exactly bodyLen bytes
	cleanup              func()
}

// WriteExchange writes the request record (if any), the response or
// revisit record, and the metadata record (if any), in one file, and
// returns where the response or revisit record is.
func (w *Writer) WriteExchange(ctx context.Context, x *Exchange) (Ref, error) {
	p, err := w.prepare(x)
	if err != nil {
		return Ref{}, err
	}
	defer p.cleanup()
	if err := ctx.Err(); err != nil {
		return Ref{}, err
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return Ref{}, ErrClosed
	}
	if w.f != nil && w.pos >= w.opts.MaxFileBytes {
		if err := w.closeFile(); err != nil {
			return Ref{}, err
		}
	}
	if w.f == nil {
		if err := w.openFile(); err != nil {
			return Ref{}, err
		}
	}
	start := w.pos
	ref, err := w.writeExchange(ctx, x, p)
	if err == nil {
		err = w.bw.Flush()
	}
	if err != nil {
		w.rollback(start)
		return Ref{}, fmt.Errorf("warc: writing %s: %w", p.uri, err)
	}
	return ref, nil
}

func (w *Writer) writeExchange(ctx context.Context, x *Exchange, p *prepared) (Ref, error) {
	respID, reqID, metaID := newRecordID(), newRecordID(), newRecordID()
	common := func(typ, id string) Header {
		h := Header{{"WARC-Type", typ}, {"WARC-Record-ID", id}, {"WARC-Date", p.date}, {"WARC-Target-URI", p.uri}}
		if x.IP != "" {
			h = append(h, Field{"WARC-IP-Address", x.IP})
		}
		return append(h, Field{"WARC-Warcinfo-ID", w.infoID})
	}

	if len(x.Request) > 0 {
		h := common(TypeRequest, reqID)
		h = append(h, Field{"WARC-Concurrent-To", respID},
			Field{"WARC-Block-Digest", formatSHA1(sha1Sum(x.Request))},
			Field{"Content-Type", contentTypeHTTPRequest})
		if _, _, err := w.writeRecord(h, x.Request, nil, 0); err != nil {
			return Ref{}, err
		}
	}

	typ := TypeResponse
	if x.Revisit != nil {
		typ = TypeRevisit
	}
	h := common(typ, respID)
	if len(x.Request) > 0 {
		h = append(h, Field{"WARC-Concurrent-To", reqID})
	}
	if rv := x.Revisit; rv != nil {
		h = append(h, Field{"WARC-Profile", rv.Profile})
		if rv.RefersTo != "" {
			h = append(h, Field{"WARC-Refers-To", bracketID(rv.RefersTo)})
		}
		refURI, _ := EncodeURI(rv.RefersToURI) // checked in prepare
		h = append(h, Field{"WARC-Refers-To-Target-URI", refURI},
			Field{"WARC-Refers-To-Date", FormatDate(rv.RefersToDate)})
	}
	h = append(h, Field{"WARC-Block-Digest", p.blockSum})
	if p.payloadSum != "" {
		h = append(h, Field{"WARC-Payload-Digest", p.payloadSum})
	}
	switch {
	case x.Truncated != "":
		h = append(h, Field{"WARC-Truncated", x.Truncated})
	case x.Revisit != nil && x.Revisit.Profile == ProfileIdenticalPayload:
		// The block holds the headers only; the standard recommends
		// saying so.
		h = append(h, Field{"WARC-Truncated", TruncatedLength})
	}
	h = append(h, Field{"Content-Type", contentTypeHTTPResponse})

	var body io.Reader
	bodyLen := int64(0)
	if x.Revisit == nil && p.bodyLen > 0 {
		r, err := p.body()
		if err != nil {
			return Ref{}, err
		}
		body, bodyLen = ctxReader{ctx, r}, p.bodyLen
	}
	off, n, err := w.writeRecord(h, p.respHeader, body, bodyLen)
	if err != nil {
		return Ref{}, err
	}

	if len(x.Metadata) > 0 {
		var block bytes.Buffer
		for _, f := range x.Metadata {
			fmt.Fprintf(&block, "%s: %s\r\n", f.Name, oneLine(f.Value))
		}
		mh := Header{{"WARC-Type", TypeMetadata}, {"WARC-Record-ID", metaID}, {"WARC-Date", p.date},
			{"WARC-Target-URI", p.uri}, {"WARC-Warcinfo-ID", w.infoID}, {"WARC-Concurrent-To", respID},
			{"WARC-Block-Digest", formatSHA1(sha1Sum(block.Bytes()))}, {"Content-Type", contentTypeWarcFields}}
		if _, _, err := w.writeRecord(mh, block.Bytes(), nil, 0); err != nil {
			return Ref{}, err
		}
	}
	return Ref{File: w.name, Offset: off, Length: n, RecordID: respID, PayloadDigest: p.payloadSum, Date: p.when, TargetURI: p.uri}, nil
}

// writeRecord writes one record as one gzip member: header, block (head
// then bodyLen bytes of body), CRLF CRLF. It returns the member's offset
// and length.
func (w *Writer) writeRecord(h Header, head []byte, body io.Reader, bodyLen int64) (int64, int64, error) {
	start := w.pos
	w.gz.Reset(countWriter{w.bw, &w.pos})
	var hb bytes.Buffer
	hb.WriteString(version11 + "\r\n")
	for _, f := range h {
		hb.WriteString(f.Name)
		hb.WriteString(": ")
		hb.WriteString(f.Value)
		hb.WriteString("\r\n")
	}
	fmt.Fprintf(&hb, "Content-Length: %d\r\n\r\n", int64(len(head))+bodyLen)
	if _, err := w.gz.Write(hb.Bytes()); err != nil {
		return 0, 0, err
	}
	if _, err := w.gz.Write(head); err != nil {
		return 0, 0, err
	}
	if body != nil {
		n, err := io.CopyN(w.gz, body, bodyLen)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("body ended after %d of %d bytes (changed since it was digested?)", n, bodyLen)
			}
			return 0, 0, err
		}
	}
	if _, err := w.gz.Write([]byte("\r\n\r\n")); err != nil {
		return 0, 0, err
	}
	if err := w.gz.Close(); err != nil {
		return 0, 0, err
	}
	return start, w.pos - start, nil
}

func (w *Writer) openFile() error {
	now := time.Now().UTC()
	ts := now.Format("20060102150405")
	for tries := 0; ; tries++ {
		name := fmt.Sprintf("%s-%s-%05d-%s.warc.gz", w.opts.Prefix, ts, w.seq, w.hostTag)
		w.seq++
		path := filepath.Join(w.opts.Dir, name)
		if _, err := os.Lstat(path); err == nil {
			continue // a closed file of that name exists
		}
		f, err := os.OpenFile(path+".open", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) && tries < 10000 {
			continue
		}
		if err != nil {
			return fmt.Errorf("warc: creating file: %w", err)
		}
		w.f, w.name, w.pos = f, name, 0
		break
	}
	if w.bw == nil {
		w.bw = bufio.NewWriterSize(w.f, 256<<10)
	} else {
		w.bw.Reset(w.f)
	}
	w.infoID = newRecordID()
	var block bytes.Buffer
	for _, f := range [][2]string{
		{"software", w.opts.Software},
		{"format", "WARC File Format 1.1"},
		{"conformsTo", "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{"hostname", w.hostTag[:strings.LastIndexByte(w.hostTag, '-')]},
		{"operator", w.opts.Operator},
		{"robots", w.opts.Robots},
	} {
		if f[1] != "" {
			fmt.Fprintf(&block, "%s: %s\r\n", f[0], oneLine(f[1]))
		}
	}
	h := Header{{"WARC-Type", TypeWarcinfo}, {"WARC-Record-ID", w.infoID}, {"WARC-Date", FormatDate(now)},
		{"WARC-Filename", w.name}, {"WARC-Block-Digest", formatSHA1(sha1Sum(block.Bytes()))},
		{"Content-Type", contentTypeWarcFields}}
	_, _, err := w.writeRecord(h, block.Bytes(), nil, 0)
	if err == nil {
		err = w.bw.Flush()
	}
	if err != nil {
		err = fmt.Errorf("warc: writing warcinfo to %s: %w", w.name, err)
		w.f.Close()
		os.Remove(w.f.Name())
		w.f = nil
		return err
	}
	syncDir(w.opts.Dir)
	w.opts.Logger.Info("warc file opened", zap.String("file", w.name))
	return nil
}

// rollback cuts a failed exchange off the file so the file stays a
// sequence of complete records. If even that fails the file is closed as
// it is (Recover can cut it later) and the next exchange starts a new one.
func (w *Writer) rollback(to int64) {
	w.bw.Reset(w.f)
	err := w.f.Truncate(to)
	if err == nil {
		_, err = w.f.Seek(to, io.SeekStart)
	}
	if err == nil {
		w.pos = to
		return
	}
	w.opts.Logger.Error("warc rollback failed; closing file with a partial record", zap.String("file", w.name), zap.Error(err))
	_ = w.closeFile()
}

func (w *Writer) closeFile() error {
	if w.f == nil {
		return nil
	}
	f, name := w.f, w.name
	w.f = nil
	err := errors.Join(w.bw.Flush(), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(w.opts.Dir, name))
		syncDir(w.opts.Dir)
	}
	if err != nil {
		return fmt.Errorf("warc: closing %s: %w", name, err)
	}
	w.opts.Logger.Info("warc file closed", zap.String("file", name), zap.Int64("bytes", w.pos))
	return nil
}

// Sync makes every exchange written so far durable: the current file is
// fsynced. WriteExchange already flushes to the operating system after
// each exchange; a crawler that commits its own state after archiving
// calls Sync in between, so that the state never names a record a power
// cut could lose.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	if err := errors.Join(w.bw.Flush(), w.f.Sync()); err != nil {
		return fmt.Errorf("warc: sync %s: %w", w.name, err)
	}
	return nil
}

// syncDir makes a file's creation or renaming in dir durable (best effort:
// not every file system supports it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Close finishes the current file and renames it from .open. Later
// WriteExchange calls return ErrClosed.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	return w.closeFile()
}

// prepare checks x, encodes its URIs, renames Transfer-Encoding, and
// computes the digests, reading the body once.
func (w *Writer) prepare(x *Exchange) (*prepared, error) {
	if x == nil {
		return nil, errors.New("warc: nil exchange")
	}
	uri, err := EncodeURI(x.TargetURI)
	if err != nil {
		return nil, err
	}
	if x.IP != "" && net.ParseIP(x.IP) == nil {
		return nil, fmt.Errorf("warc: exchange for %s: IP %q is not an IP address", uri, x.IP)
	}
	switch x.Truncated {
	case "", TruncatedLength, TruncatedTime, TruncatedDisconnect, TruncatedUnspecified:
	default:
		return nil, fmt.Errorf("warc: exchange for %s: Truncated %q is not length, time, disconnect or unspecified", uri, x.Truncated)
	}
	if !endsWithEmptyLine(x.ResponseHeader) {
		return nil, fmt.Errorf("warc: exchange for %s: ResponseHeader does not end with an empty line", uri)
	}
	if len(x.Request) > 0 && !bytes.Contains(x.Request, []byte("\n\n")) && !bytes.Contains(x.Request, []byte("\n\r\n")) {
		return nil, fmt.Errorf("warc: exchange for %s: Request has no end of headers", uri)
	}
	for _, f := range x.Metadata {
		if f.Name == "" || strings.ContainsFunc(f.Name, func(r rune) bool { return r == ':' || isSpaceOrControl(r) }) {
			return nil, fmt.Errorf("warc: exchange for %s: Metadata field name %q is not a token", uri, f.Name)
		}
	}
	when := x.Date
	if when.IsZero() {
		when = time.Now()
	}
	when = when.UTC().Truncate(time.Microsecond)
	p := &prepared{uri: uri, when: when, date: FormatDate(when), respHeader: renameTransferEncoding(x.ResponseHeader), cleanup: func() {}}

	if rv := x.Revisit; rv != nil {
		if rv.Profile != ProfileServerNotModified && rv.Profile != ProfileIdenticalPayload {
			return nil, fmt.Errorf("warc: exchange for %s: Revisit.Profile %q is not a WARC 1.1 revisit profile", uri, rv.Profile)
		}
		if _, err := EncodeURI(rv.RefersToURI); err != nil {
			return nil, fmt.Errorf("warc: exchange for %s: Revisit.RefersToURI: %w", uri, err)
		}
		if rv.RefersToDate.IsZero() {
			return nil, fmt.Errorf("warc: exchange for %s: Revisit.RefersToDate is zero", uri)
		}
		if strings.ContainsFunc(rv.RefersTo, isSpaceOrControl) {
			return nil, fmt.Errorf("warc: exchange for %s: Revisit.RefersTo %q has spaces or control characters", uri, rv.RefersTo)
		}
		p.blockSum = formatSHA1(sha1Sum(p.respHeader))
		if rv.Profile == ProfileServerNotModified {
			return p, nil
		}
		if x.Body == nil {
			if _, err := parseDigest(rv.PayloadDigest); err != nil {
				return nil, fmt.Errorf("warc: exchange for %s: identical-payload revisit needs Body or Revisit.PayloadDigest: %w", uri, err)
			}
			p.payloadSum = rv.PayloadDigest
			return p, nil
		}
	}

	if x.Revisit != nil { // identical payload: digest the body, store none of it
		payload := sha1.New()
		if err := p.digestOnly(x, payload); err != nil {
			return nil, fmt.Errorf("warc: exchange for %s: %w", uri, err)
		}
		p.payloadSum = formatSHA1(payload.Sum(nil))
		return p, nil
	}
	block, payload := sha1.New(), sha1.New()
	block.Write(p.respHeader)
	if err := p.digestBody(x, w.opts.Dir, io.MultiWriter(block, payload)); err != nil {
		p.cleanup()
		return nil, fmt.Errorf("warc: exchange for %s: %w", uri, err)
	}
	p.payloadSum = formatSHA1(payload.Sum(nil))
	p.blockSum = formatSHA1(block.Sum(nil))
	return p, nil
}

func (p *prepared) digestOnly(x *Exchange, h io.Writer) error {
	if x.BodyLength < 0 {
		_, err := io.Copy(h, x.Body)
		return err
	}
	got, err := io.CopyN(h, x.Body, x.BodyLength)
	if errors.Is(err, io.EOF) {
		err = fmt.Errorf("body has %d bytes, BodyLength says %d", got, x.BodyLength)
	}
	return err
}

// digestBody reads the body once into the hashes and arranges for it to be
// read again by p.body.
func (p *prepared) digestBody(x *Exchange, dir string, hashes io.Writer) error {
	n := x.BodyLength
	// A body longer than BodyLength is an error unless the exchange says
	// it was cut (a cap may hand over the rest of the stream unread):
	// archiving part of a body without saying so would lose data silently.
	checkEnd := func() error {
		var b [1]byte
		if x.Truncated == "" {
			if k, _ := io.ReadFull(x.Body, b[:]); k > 0 {
				return fmt.Errorf("body is longer than BodyLength %d (use -1 for an unknown length, or set Truncated)", n)
			}
		}
		return nil
	}
	if x.Body == nil || n == 0 {
		if n > 0 {
			return fmt.Errorf("BodyLength is %d but Body is nil", n)
		}
		if x.Body != nil {
			return checkEnd()
		}
		return nil
	}
	if n < -1 {
		return fmt.Errorf("BodyLength %d is negative", n)
	}
	copyBody := func(dst io.Writer) (int64, error) {
		if n < 0 {
			return io.Copy(dst, x.Body)
		}
		got, err := io.CopyN(dst, x.Body, n)
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("body has %d bytes, BodyLength says %d", got, n)
		}
		if err == nil {
			err = checkEnd()
		}
		return got, err
	}

	switch body := x.Body.(type) {
	case io.ReadSeeker:
		start, err := body.Seek(0, io.SeekCurrent)
		if err != nil {
			return fmt.Errorf("body: %w", err)
		}
		if p.bodyLen, err = copyBody(hashes); err != nil {
			return err
		}
		p.body = func() (io.Reader, error) {
			if _, err := body.Seek(start, io.SeekStart); err != nil {
				return nil, err
			}
			return io.LimitReader(body, p.bodyLen), nil
		}
	default:
		if n >= 0 && n <= bodyInMemory {
			buf := make([]byte, n)
			if got, err := io.ReadFull(body, buf); err != nil {
				return fmt.Errorf("body has %d bytes, BodyLength says %d: %w", got, n, err)
			}
			if err := checkEnd(); err != nil {
				return err
			}
			hashes.Write(buf)
			p.bodyLen = n
			p.body = func() (io.Reader, error) { return bytes.NewReader(buf), nil }
			return nil
		}
		spool, err := os.CreateTemp(dir, ".spool-*")
		if err != nil {
			return fmt.Errorf("spooling body: %w", err)
		}
		p.cleanup = func() { spool.Close(); os.Remove(spool.Name()) }
		if p.bodyLen, err = copyBody(io.MultiWriter(hashes, spool)); err != nil {
			return err
		}
		p.body = func() (io.Reader, error) {
			if _, err := spool.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			return bufio.NewReaderSize(spool, 256<<10), nil
		}
	}
	return nil
}

// renameTransferEncoding renames a Transfer-Encoding header line, because
// the stored body is already de-chunked.
func renameTransferEncoding(h []byte) []byte {
	var out []byte
	rest := h
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		name, _, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimRight(name, " \t")), "Transfer-Encoding") {
			if out == nil {
				out = append(out, h[:len(h)-len(rest)-len(line)]...)
			}
			out = append(out, renamedTransferEncodingName...)
			out = append(out, line[len(name):]...)
			continue
		}
		if out != nil {
			out = append(out, line...)
		}
	}
	if out == nil {
		return h
	}
	return out
}

func endsWithEmptyLine(b []byte) bool {
	return bytes.HasSuffix(b, []byte("\n\r\n")) || bytes.HasSuffix(b, []byte("\n\n"))
}

func bracketID(id string) string {
	if strings.HasPrefix(id, "<") {
		return id
	}
	return "<" + id + ">"
}

// oneLine keeps a warc-fields value on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
}

func sha1Sum(b []byte) []byte { s := sha1.Sum(b); return s[:] }

type countWriter struct {
	w io.Writer
	n *int64
}

func (c countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

// ctxReader stops a long body copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
