// Package warc writes and reads WARC 1.1 files (ISO 28500:2017), the
// archive every fetched byte of the harvest is kept in.
//
// Files are gzip-compressed one member per record, so that a record can be
// read back by (file, offset) alone, the way a capture index addresses it.
// A file starts with a warcinfo record, is written as NAME.warc.gz.open and
// renamed when closed; Recover repairs a .open file left by a killed process.
//
// # What a response record holds
//
// The block of a response record is the HTTP message as it came off the
// wire, with two deliberate exceptions that keep the record self-consistent:
//
//   - The body is stored de-chunked. A chunked message therefore has its
//     Transfer-Encoding header renamed to X-Crawler-Transfer-Encoding
//     (same value), so that no reader tries to de-chunk it again.
//   - Nothing else is changed: Content-Encoding stays (a gzip body is
//     stored gzipped), no charset conversion, header order and spelling kept.
//
// WARC-Payload-Digest is the SHA-1 of exactly the stored body, i.e. the
// entity with transfer coding removed and content coding kept, as clarified
// in iipc/warc-specifications#22; independent readers (warcio) that take
// the payload as "block bytes after the header's empty line" agree with it.
//
// Digests are "sha1:" + RFC 4648 base32, dates are UTC with microseconds
// (WARC 1.1 allows 1–9 fraction digits), record IDs are <urn:uuid:…>.
//
// # Crashes
//
// A Writer flushes after every exchange and cuts a failed exchange off
// the file, so a .open file is always a run of complete records except,
// after a kill, for a partial tail. Reader stops there with an error
// wrapping ErrTruncated; Recover cuts the tail (and a request whose
// response was lost) and renames the file. The crawler should call
// Recover at start-up on every *.warc.gz.open in its directory whose name
// carries its own host but a pid that is no longer running.
//
// # Reading other writers' files
//
// Reader also reads uncompressed files, whole-file gzip, WARC/1.0 and the
// quirks of GNU wget (Target-URI in angle brackets, chunked bodies stored
// chunked with the payload digest over the chunked bytes). Verify accepts a
// payload digest of either the stored or the de-chunked body of such
// records.
package warc

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
)

// Record types used by the harvest. Readers must ignore types they do not
// know, so Record.Type is a plain string.
const (
	TypeWarcinfo = "warcinfo"
	TypeRequest  = "request"
	TypeResponse = "response"
	TypeRevisit  = "revisit"
	TypeMetadata = "metadata"
	TypeResource = "resource"
)

// Revisit profiles of WARC 1.1.
const (
	ProfileServerNotModified    = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
	ProfileIdenticalPayload     = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
	profileIdenticalPayload10   = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
	profileServerNotModified10  = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"
	contentTypeHTTPResponse     = "application/http;msgtype=response"
	contentTypeHTTPRequest      = "application/http;msgtype=request"
	contentTypeWarcFields       = "application/warc-fields"
	version11                   = "WARC/1.1"
	dateLayout                  = "2006-01-02T15:04:05.000000Z"
	renamedTransferEncodingName = "X-Crawler-Transfer-Encoding"
)

// Truncation reasons for WARC-Truncated.
const (
	TruncatedLength      = "length"
	TruncatedTime        = "time"
	TruncatedDisconnect  = "disconnect"
	TruncatedUnspecified = "unspecified"
)

// Field is one named field of a WARC record header.
type Field struct{ Name, Value string }

// Header is a WARC record header: its fields in file order. Names compare
// case-insensitively; WARC-Concurrent-To may repeat.
type Header []Field

// Get returns the value of the first field named name, or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every field named name, in order.
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// FormatDate formats t the way the writer writes WARC-Date and
// WARC-Refers-To-Date: UTC, microsecond precision.
func FormatDate(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(dateLayout) }

// ParseDate parses a WARC-Date of either WARC version (with or without a
// fraction of a second).
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("warc: bad date %q: %w", s, err)
	}
	return t.UTC(), nil
}

// newRecordID returns a random (version 4) UUID URN in angle brackets.
func newRecordID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails on supported platforms
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
