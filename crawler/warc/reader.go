package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base32"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Limits that keep a hostile or broken file from using unbounded memory.
const (
	maxHeaderBytes = 1 << 20 // a WARC or HTTP header
	maxHeaderLines = 10_000
)

var (
	// ErrTruncated means the file ends inside a record (a killed writer,
	// a partial copy).
	ErrTruncated = errors.New("warc: truncated record")
	// ErrDigestMismatch means a recomputed digest differs from the header.
	ErrDigestMismatch = errors.New("warc: digest mismatch")
	// ErrNotWARC means the bytes at a record start are not a WARC header.
	ErrNotWARC = errors.New("warc: not a WARC record")
)

// FormatError is an error in the file at a byte offset (of the gzip member
// or, in an uncompressed file, of the record).
type FormatError struct {
	Offset int64
	Err    error
}

func (e *FormatError) Error() string { return fmt.Sprintf("warc: at offset %d: %v", e.Offset, e.Err) }
func (e *FormatError) Unwrap() error { return e.Err }

// Reader iterates the records of a WARC file: gzip-compressed one member
// per record (several records in one member are read too), or
// uncompressed, WARC/1.1 or 1.0.
type Reader struct {
	src  *countReader  // the file, counting bytes read from it
	raw  *bufio.Reader // over src
	base int64         // file offset of src's first byte
	gz   *gzip.Reader
	zr   *bufio.Reader // over gz
	rd   *bufio.Reader // where the current record is read from: zr or raw

	inMember    bool  // rd == zr and the member may hold more records
	memberUsed  bool  // a record of the current member has been read
	memberStart int64 // offset of the current gzip member
	rec         *Record
	err         error // sticky
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// NewReader returns a Reader of the WARC file r.
func NewReader(r io.Reader) *Reader { return newReaderAt(r, 0) }

func newReaderAt(r io.Reader, base int64) *Reader {
	src := &countReader{r: r}
	return &Reader{src: src, raw: bufio.NewReaderSize(src, 64<<10), base: base}
}

// pos is the file offset of the next unread raw byte.
func (r *Reader) pos() int64 { return r.base + r.src.n - int64(r.raw.Buffered()) }

// Next returns the next record, io.EOF at the end of the file, or a
// *FormatError. The previous record's block is skipped if unread. After an
// error every call returns the same error.
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.rec != nil {
		r.rec.block.skipped = true // nobody can Verify it any more: skip unhashed
		if err := r.rec.skip(); err != nil {
			return nil, r.fail(r.rec.errOffset(), err)
		}
		r.rec = nil
	}
	if r.err != nil { // set while finishing the previous record
		return nil, r.err
	}
	for {
		if !r.inMember {
			start, err := r.startRecord()
			if err == io.EOF {
				r.err = io.EOF
				return nil, io.EOF
			}
			if err != nil {
				return nil, r.fail(start, err)
			}
		}
		if r.inMember {
			if _, err := r.zr.Peek(1); err == io.EOF {
				r.inMember = false // an empty member, or trailing records done
				continue
			} else if err != nil {
				return nil, r.fail(r.memberStart, gzipErr(err))
			}
		}
		break
	}
	rec, err := r.readHeader()
	if err != nil {
		return nil, err
	}
	r.rec = rec
	return rec, nil
}

// startRecord positions rd at the start of the next record: a new gzip
// member or an uncompressed record. It returns the offset it looked at.
func (r *Reader) startRecord() (int64, error) {
	// Uncompressed files may separate records by extra line ends.
	for {
		b, err := r.raw.Peek(1)
		if err != nil {
			if err == io.EOF {
				return r.pos(), io.EOF
			}
			return r.pos(), err
		}
		if b[0] != '\r' && b[0] != '\n' {
			break
		}
		r.raw.Discard(1)
	}
	start := r.pos()
	b, _ := r.raw.Peek(2)
	if len(b) == 1 && b[0] == 0x1f {
		return start, fmt.Errorf("%w: file ends in a gzip header", ErrTruncated)
	}
	if len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		var err error
		if r.gz == nil {
			r.gz, err = gzip.NewReader(r.raw)
		} else {
			err = r.gz.Reset(r.raw)
		}
		if err != nil {
			return start, gzipErr(err)
		}
		r.gz.Multistream(false)
		if r.zr == nil {
			r.zr = bufio.NewReaderSize(r.gz, 64<<10)
		} else {
			r.zr.Reset(r.gz)
		}
		r.rd, r.inMember, r.memberUsed, r.memberStart = r.zr, true, false, start
		return start, nil
	}
	r.rd, r.inMember = r.raw, false
	return start, nil
}

func (r *Reader) fail(off int64, err error) error {
	var fe *FormatError
	if !errors.As(err, &fe) {
		err = &FormatError{Offset: off, Err: err}
	}
	r.err = err
	return err
}

// gzipErr names a cut-off member as truncation.
func gzipErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: gzip member ends early", ErrTruncated)
	}
	return fmt.Errorf("gzip: %w", err)
}

func (r *Reader) readHeader() (*Record, error) {
	rec := &Record{r: r, Offset: -1, Length: -1}
	start := r.pos()
	if r.rd == r.zr {
		start = r.memberStart
		if !r.memberUsed {
			rec.Offset = r.memberStart
		}
	} else {
		rec.Offset = start
	}
	fail := func(err error) (*Record, error) { return nil, r.fail(start, err) }
	err := checkMagic(r.rd)
	var lines []string
	if err == nil {
		lines, err = readHeaderLines(r.rd)
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrNotWARC):
		return fail(err)
	case errors.Is(err, errHeaderTooLong):
		return fail(fmt.Errorf("%w: %w", ErrNotWARC, err))
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return fail(fmt.Errorf("%w: file ends in a record header", ErrTruncated))
	default:
		return fail(r.blockErr(err))
	}
	version := strings.TrimSpace(lines[0])
	if !strings.HasPrefix(version, "WARC/") {
		return fail(fmt.Errorf("%w: first line %.40q", ErrNotWARC, lines[0]))
	}
	rec.Version = version
	for _, l := range lines[1:] {
		if l[0] == ' ' || l[0] == '\t' { // continuation line
			if len(rec.Header) > 0 {
				rec.Header[len(rec.Header)-1].Value += " " + strings.TrimSpace(l)
			}
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return fail(fmt.Errorf("%w: header line %.60q has no colon", ErrNotWARC, l))
		}
		rec.Header = append(rec.Header, Field{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	cl := rec.Header.Get("Content-Length")
	n, err := strconv.ParseInt(cl, 10, 64)
	if err != nil || n < 0 {
		return fail(fmt.Errorf("%w: bad Content-Length %q", ErrNotWARC, cl))
	}
	rec.ContentLength = n
	rec.Type = rec.Header.Get("WARC-Type")
	rec.ID = rec.Header.Get("WARC-Record-ID")
	rec.TargetURI = strings.TrimSuffix(strings.TrimPrefix(rec.Header.Get("WARC-Target-URI"), "<"), ">")
	if d := rec.Header.Get("WARC-Date"); d != "" {
		rec.Date, _ = ParseDate(d) // a bad date is kept visible in Header; Date stays zero
	}
	rec.block = newBlockReader(rec, r.rd, n)
	return rec, nil
}

// checkMagic skips line ends before a record and fails early, with
// ErrNotWARC, when what follows cannot be a WARC version line.
func checkMagic(rd *bufio.Reader) error {
	for {
		b, err := rd.Peek(1)
		if err != nil {
			return err
		}
		if b[0] != '\r' && b[0] != '\n' {
			break
		}
		rd.Discard(1)
	}
	b, err := rd.Peek(5)
	if !bytes.HasPrefix([]byte("WARC/"), b) {
		return fmt.Errorf("%w: starts with %.20q", ErrNotWARC, b)
	}
	return err
}

// errHeaderTooLong stops reading a header that would not fit in memory.
var errHeaderTooLong = fmt.Errorf("header longer than %d bytes or %d lines", maxHeaderBytes, maxHeaderLines)

// readHeaderLines reads lines up to an empty line, without line ends.
func readHeaderLines(rd *bufio.Reader) ([]string, error) {
	var lines []string
	total := 0
	for {
		var line []byte
		for {
			frag, err := rd.ReadSlice('\n')
			total += len(frag)
			if total > maxHeaderBytes {
				return nil, errHeaderTooLong
			}
			line = append(line, frag...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				if err == io.EOF && len(lines) == 0 && len(line) == 0 {
					return nil, io.EOF
				}
				if err == io.EOF {
					return nil, io.ErrUnexpectedEOF
				}
				return nil, err
			}
			break
		}
		s := strings.TrimRight(string(line), "\r\n")
		if s == "" {
			if len(lines) == 0 {
				continue // tolerate blank lines before a record
			}
			return lines, nil
		}
		if len(lines) >= maxHeaderLines {
			return nil, errHeaderTooLong
		}
		lines = append(lines, s)
	}
}

// finish consumes what follows a fully read block: the CRLF CRLF and, for
// a gzip member, its end. It sets rec.Length.
func (r *Reader) finish(rec *Record) error {
	// The standard wants CRLF CRLF; accept any run of up to four line-end
	// bytes, as other readers do.
	for i := 0; i < 4; i++ {
		b, err := r.rd.Peek(1)
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.blockErr(err)
		}
		if b[0] != '\r' && b[0] != '\n' {
			break
		}
		r.rd.Discard(1)
	}
	if r.rd != r.zr {
		rec.Length = r.pos() - rec.Offset
		return nil
	}
	r.memberUsed = true
	if _, err := r.zr.Peek(1); err == io.EOF {
		r.inMember, r.memberUsed = false, false
		if rec.Offset >= 0 {
			rec.Length = r.pos() - rec.Offset
		}
		return nil
	} else if err != nil {
		return gzipErr(err)
	}
	// More records follow in this member (a whole-file gzip): this one is
	// found at the member's offset, but has no length of its own, and the
	// next ones have no offset of their own.
	return nil
}

func (r *Reader) blockErr(err error) error {
	if r.rd == r.zr {
		return gzipErr(err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}

// Record is one WARC record. Its block is read through Block, once.
type Record struct {
	// Version is the version line, "WARC/1.1" or "WARC/1.0".
	Version string
	// Header holds every field in file order.
	Header Header
	// Type, ID, TargetURI (angle brackets of WARC 1.0 writers removed) and
	// Date are read from Header for convenience.
	Type, ID, TargetURI string
	Date                time.Time
	// ContentLength is the block's length.
	ContentLength int64
	// Offset and Length locate the record's gzip member (or, uncompressed,
	// the record) in the file. Offset is -1 for a record that does not
	// start its gzip member. Length is -1 until the block has been read to
	// the end (Next does that for the previous record).
	Offset, Length int64

	r      *Reader
	block  *blockReader
	closer io.Closer
}

// Block returns the record's block: ContentLength bytes, streamed from the
// file. A file that ends early gives an error wrapping ErrTruncated.
func (rec *Record) Block() io.Reader { return rec.block }

// Close releases the file opened by ReadAt; for records from a Reader it
// does nothing.
func (rec *Record) Close() error {
	if rec.closer == nil {
		return nil
	}
	c := rec.closer
	rec.closer = nil
	return c.Close()
}

func (rec *Record) skip() error {
	_, err := io.Copy(io.Discard, rec.block)
	return err
}

func (rec *Record) errOffset() int64 {
	if rec.Offset >= 0 {
		return rec.Offset
	}
	return rec.r.memberStart
}

// Verify reads the rest of the block and checks its length and the
// WARC-Block-Digest and WARC-Payload-Digest fields (the payload of an
// application/http record is the body after the HTTP header; a revisit's
// payload digest names a payload not stored, so it is not checked).
// Digests may have been read partly through Block or HTTPResponse before:
// every byte read is hashed. It returns nil when there is nothing to check.
func (rec *Record) Verify() error {
	b := rec.block
	if b.skipped {
		return fmt.Errorf("warc: record %s: Verify called after the Reader moved past it", rec.ID)
	}
	if err := rec.skip(); err != nil {
		return err
	}
	wrap := func(err error) error { return &FormatError{Offset: rec.errOffset(), Err: err} }
	var errs []error
	if b.blockSpec.err != nil {
		errs = append(errs, wrap(fmt.Errorf("record %s: WARC-Block-Digest: %w", rec.ID, b.blockSpec.err)))
	} else if b.blockHash != nil && !b.blockSpec.matches(b.blockHash) {
		errs = append(errs, wrap(fmt.Errorf("%w: record %s: WARC-Block-Digest %s, block hashes to %s",
			ErrDigestMismatch, rec.ID, rec.Header.Get("WARC-Block-Digest"), b.blockSpec.format(b.blockHash))))
	}
	if b.payloadSpec.err != nil {
		errs = append(errs, wrap(fmt.Errorf("record %s: WARC-Payload-Digest: %w", rec.ID, b.payloadSpec.err)))
	} else if b.payloadHash != nil {
		ok := b.payloadSpec.matches(b.payloadHash)
		if !ok && b.dechunkedHash != nil && !b.dechunk.broken {
			ok = b.payloadSpec.matches(b.dechunkedHash)
		}
		if !ok {
			errs = append(errs, wrap(fmt.Errorf("%w: record %s: WARC-Payload-Digest %s, payload hashes to %s",
				ErrDigestMismatch, rec.ID, rec.Header.Get("WARC-Payload-Digest"), b.payloadSpec.format(b.payloadHash))))
		}
	}
	return errors.Join(errs...)
}

// specOrErr is a parsed digest field, or why it could not be parsed.
type specOrErr struct {
	digestSpec
	err error
}

func (d digestSpec) format(h hash.Hash) string {
	if d.algo == "sha1" {
		return formatSHA1(h.Sum(nil))
	}
	return d.algo + ":" + base32.StdEncoding.EncodeToString(h.Sum(nil))
}

// blockReader streams a block, hashing it for Verify and locating the
// HTTP payload on the way.
type blockReader struct {
	rec     *Record
	src     *bufio.Reader
	left    int64
	done    bool
	skipped bool // drained by Next: no hashing needed

	blockSpec, payloadSpec specOrErr
	blockHash, payloadHash hash.Hash
	httpPayload            bool   // payload starts after an HTTP header
	inBody                 bool   // the HTTP header has been passed
	tail                   uint32 // last bytes of the HTTP header, for end detection
	head                   []byte // the HTTP header so far (bounded)
	dechunkedHash          hash.Hash
	dechunk                chunkDecoder
}

func newBlockReader(rec *Record, src *bufio.Reader, n int64) *blockReader {
	b := &blockReader{rec: rec, src: src, left: n}
	if v := rec.Header.Get("WARC-Block-Digest"); v != "" {
		b.blockSpec.digestSpec, b.blockSpec.err = parseDigest(v)
		if b.blockSpec.err == nil {
			b.blockHash = b.blockSpec.newHash()
		}
	}
	if v := rec.Header.Get("WARC-Payload-Digest"); v != "" && rec.Type != TypeRevisit {
		b.payloadSpec.digestSpec, b.payloadSpec.err = parseDigest(v)
		if b.payloadSpec.err == nil {
			b.payloadHash = b.payloadSpec.newHash()
		}
	}
	b.httpPayload = strings.HasPrefix(strings.ToLower(rec.Header.Get("Content-Type")), "application/http")
	b.inBody = !b.httpPayload
	return b
}

func (b *blockReader) Read(p []byte) (int, error) {
	if b.left == 0 {
		if !b.done {
			b.done = true
			if err := b.rec.r.finish(b.rec); err != nil {
				b.rec.r.fail(b.rec.errOffset(), err)
			}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.src.Read(p)
	b.left -= int64(n)
	if !b.skipped {
		b.hash(p[:n])
	}
	if err == io.EOF && b.left > 0 {
		err = &FormatError{Offset: b.rec.errOffset(), Err: fmt.Errorf("%w: block ends %d bytes early", ErrTruncated, b.left)}
	} else if err != nil && err != io.EOF {
		err = &FormatError{Offset: b.rec.errOffset(), Err: b.rec.r.blockErr(err)}
	} else {
		err = nil
	}
	if err != nil {
		b.rec.r.fail(b.rec.errOffset(), err)
	}
	return n, err
}

func (b *blockReader) hash(p []byte) {
	if b.blockHash != nil {
		b.blockHash.Write(p)
	}
	if b.payloadHash == nil {
		return
	}
	if !b.inBody {
		i := 0
		for ; i < len(p) && !b.inBody; i++ {
			b.tail = b.tail<<8 | uint32(p[i])
			if len(b.head) < maxHeaderBytes {
				b.head = append(b.head, p[i])
			}
			// The header ends at LF LF or LF CR LF.
			if b.tail&0xffff == 0x0a0a || b.tail&0xffffff == 0x0a0d0a {
				b.inBody = true
				b.startPayload()
			}
		}
		p = p[i:]
	}
	if b.inBody {
		b.payloadHash.Write(p)
		if b.dechunkedHash != nil {
			b.dechunk.write(p, b.dechunkedHash)
		}
	}
}

// startPayload notices a chunked body (as written by wget, which stores
// the transfer coding) so that Verify can accept a payload digest taken
// over the de-chunked entity, as the standard intends.
func (b *blockReader) startPayload() {
	for _, line := range strings.Split(string(b.head), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Transfer-Encoding") &&
			strings.Contains(strings.ToLower(value), "chunked") {
			b.dechunkedHash = b.payloadSpec.newHash()
		}
	}
	b.head = nil
}

// ReadAt reads the record whose gzip member (or uncompressed record) starts
// at offset in the file at path, as a capture index addresses it. Close
// the record when done with it.
func ReadAt(path string, offset int64) (*Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("warc: %s: %w", path, err)
	}
	rec, err := newReaderAt(f, offset).Next()
	if err != nil {
		f.Close()
		if err == io.EOF {
			err = &FormatError{Offset: offset, Err: fmt.Errorf("%w: offset is at or past the end of %s", ErrNotWARC, path)}
		}
		return nil, fmt.Errorf("warc: %s: %w", path, err)
	}
	rec.closer = f
	return rec, nil
}

// chunkDecoder de-chunks a chunked body incrementally into a hash.
type chunkDecoder struct {
	state  int // 0 size line, 1 data, 2 CRLF after data, 3 trailer
	size   int64
	line   []byte
	broken bool
}

func (d *chunkDecoder) write(p []byte, h io.Writer) {
	for len(p) > 0 && !d.broken {
		switch d.state {
		case 0, 2, 3:
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				d.line = append(d.line, p...)
				if len(d.line) > 4096 {
					d.broken = true
				}
				return
			}
			line := strings.TrimSpace(string(append(d.line, p[:i]...)))
			d.line, p = d.line[:0], p[i+1:]
			switch d.state {
			case 0:
				if j := strings.IndexByte(line, ';'); j >= 0 {
					line = line[:j]
				}
				n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
				if err != nil || n < 0 {
					d.broken = true
					return
				}
				d.size, d.state = n, 1
				if n == 0 {
					d.state = 3
				}
			case 2:
				d.state = 0
			case 3: // trailer lines until an empty one; then ignore the rest
			}
		case 1:
			n := min(int64(len(p)), d.size)
			h.Write(p[:n])
			p, d.size = p[n:], d.size-n
			if d.size == 0 {
				d.state = 2
			}
		}
	}
}
