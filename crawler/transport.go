package crawler

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base32"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxRawHeader caps the bytes kept of a request or of a response head. A
// response whose head is longer is refused by net/http anyway (1 MiB).
const maxRawHeader = 1 << 20

// tap records one exchange's bytes as they cross the connection: the
// request as written, and the response head as read (interim 1xx answers
// dropped). The body is not recorded here; it is teed at the response
// reader, after net/http has removed the chunked framing.
type tap struct {
	mu       sync.Mutex
	req      bytes.Buffer
	head     bytes.Buffer
	headDone bool
}

func (t *tap) wrote(p []byte) {
	t.mu.Lock()
	if t.req.Len()+len(p) <= maxRawHeader {
		t.req.Write(p)
	}
	t.mu.Unlock()
}

func (t *tap) read(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(p) > 0 && !t.headDone {
		// Scan only what is needed to find the end of the head.
		before := t.head.Len()
		t.head.Write(p)
		buf := t.head.Bytes()
		from := max(before-3, 0)
		i := bytes.Index(buf[from:], []byte("\r\n\r\n"))
		if i < 0 {
			if t.head.Len() > maxRawHeader {
				t.headDone = true // give up; the head is reconstructed
				t.head.Reset()
			}
			return
		}
		end := from + i + 4
		if isInterim(buf[:end]) {
			rest := append([]byte(nil), buf[end:]...)
			t.head.Reset()
			p = rest
			continue
		}
		t.head.Truncate(end)
		t.headDone = true
	}
}

// isInterim reports a 1xx head, which net/http skips (except 101).
func isInterim(head []byte) bool {
	return len(head) > 12 && bytes.HasPrefix(head, []byte("HTTP/1.")) && head[9] == '1' && !bytes.HasPrefix(head[9:], []byte("101"))
}

func (t *tap) request() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.req.Bytes())
}

func (t *tap) responseHead() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.headDone {
		return nil
	}
	return bytes.Clone(t.head.Bytes())
}

// tapConn passes bytes to the tap of the exchange currently using it. A
// keep-alive connection serves exchanges one after another; the transport
// attaches the next tap when it hands the connection to a new request,
// before the request is written, so no byte goes to the wrong exchange.
type tapConn struct {
	net.Conn
	cur atomic.Pointer[tap]
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if t := c.cur.Load(); t != nil && n > 0 {
		t.read(p[:n])
	}
	return n, err
}

func (c *tapConn) Write(p []byte) (int, error) {
	if t := c.cur.Load(); t != nil {
		t.wrote(p)
	}
	return c.Conn.Write(p)
}

// exchange is the capture of one HTTP exchange, carried to the transport
// in the request's context.
type exchange struct {
	tap  tap
	sink io.Writer // receives the body bytes, at most limit of them
	// limit is the body cap; more bytes than that mark the exchange
	// truncated.
	limit int64

	// Filled in by the transport.
	url        string // as requested, after colly's normalisation
	ip         string
	started    time.Time
	headerAt   time.Time
	resp       *http.Response
	body       *teeBody
	bodyCancel context.CancelFunc
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

// captureTransport is the crawler's http.RoundTripper: HTTP/1.1 only (an
// HTTP/2 exchange has no wire form to archive), no transparent
// decompression (gzip stays gzip in the archive), every connection tapped.
type captureTransport struct {
	base        *http.Transport
	bodyTimeout time.Duration
	now         func() time.Time
}

// DialFunc dials a network connection (net.Dialer.DialContext).
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func newCaptureTransport(dial DialFunc, connectTimeout, headerTimeout, bodyTimeout time.Duration, now func() time.Time) *captureTransport {
	if dial == nil {
		d := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
		dial = d.DialContext
	}
	dialTapped := func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, connectTimeout)
		defer cancel()
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, &netError{op: "connect", err: err}
		}
		return &tapConn{Conn: c}, nil
	}
	// TLS is dialled here, not by net/http, so the tap sits above TLS and
	// records plaintext. No ALPN is offered: the server speaks HTTP/1.1.
	dialTLS := func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, connectTimeout)
		defer cancel()
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, &netError{op: "connect", err: err}
		}
		host, _, _ := net.SplitHostPort(addr)
		tc := tls.Client(raw, &tls.Config{ServerName: host})
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, &netError{op: "tls handshake", err: err}
		}
		return &tapConn{Conn: tc}, nil
	}
	return &captureTransport{
		base: &http.Transport{
			DialContext:           dialTapped,
			DialTLSContext:        dialTLS,
			DisableCompression:    true,
			ForceAttemptHTTP2:     false,
			TLSNextProto:          map[string]func(string, *tls.Conn) http.RoundTripper{},
			ResponseHeaderTimeout: headerTimeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       30 * time.Second,
			Proxy:                 nil, // the archive records the origin's answer
		},
		bodyTimeout: bodyTimeout,
		now:         now,
	}
}

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ex, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil {
		return nil, errors.New("crawler: request without a capture")
	}
	ex.url = req.URL.String()
	// The body timeout is a deadline on the whole body, armed once the
	// head has arrived; cancelling the context aborts the read.
	ctx, cancel := context.WithCancel(req.Context())
	ex.bodyCancel = cancel
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if tc, ok := info.Conn.(*tapConn); ok {
			tc.cur.Store(&ex.tap)
		}
		if addr, ok := info.Conn.RemoteAddr().(*net.TCPAddr); ok {
			ex.ip = addr.IP.String()
		} else if info.Conn.RemoteAddr() != nil {
			ex.ip, _, _ = net.SplitHostPort(info.Conn.RemoteAddr().String())
		}
	}}
	ex.started = t.now()
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	if err != nil {
		cancel()
		return nil, err
	}
	ex.headerAt = t.now()
	ex.resp = resp
	tb := &teeBody{rc: resp.Body, sink: ex.sink, limit: ex.limit, sum: sha1.New()}
	if t.bodyTimeout > 0 {
		tb.timer = time.AfterFunc(t.bodyTimeout, func() { tb.timedOut.Store(true); cancel() })
	}
	ex.body = tb
	resp.Body = tb
	return resp, nil
}

// teeBody passes the body through, copying up to limit bytes to the sink
// and hashing them, and notes how the body ended.
type teeBody struct {
	rc       io.ReadCloser
	sink     io.Writer
	limit    int64
	sum      hash.Hash
	timer    *time.Timer
	timedOut atomic.Bool

	mu        sync.Mutex
	n         int64 // bytes kept
	truncated bool
	eof       bool
	err       error
	sinkErr   error
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > 0 {
		keep := int64(n)
		if b.n+keep > b.limit {
			keep = b.limit - b.n
			b.truncated = true
		}
		if keep > 0 {
			b.sum.Write(p[:keep])
			if b.sinkErr == nil {
				_, b.sinkErr = b.sink.Write(p[:keep])
			}
			b.n += keep
		}
	}
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil && b.err == nil:
		if b.timedOut.Load() {
			err = &netError{op: "body timeout", err: err}
		}
		b.err = err
	}
	return n, err
}

func (b *teeBody) Close() error {
	if b.timer != nil {
		b.timer.Stop()
	}
	return b.rc.Close()
}

// result describes how the body ended, once the reader is done with it.
func (b *teeBody) result() (n int64, digest string, truncated bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sinkErr != nil {
		return b.n, "", false, fmt.Errorf("spool body: %w", b.sinkErr)
	}
	err = b.err
	if b.truncated {
		err = nil // we stopped reading on purpose
	} else if err == nil && !b.eof {
		err = io.ErrUnexpectedEOF
	}
	return b.n, "sha1:" + base32.StdEncoding.EncodeToString(b.sum.Sum(nil)), b.truncated, err
}

// netError marks a failure of the network (retryable) and says where.
type netError struct {
	op  string
	err error
}

func (e *netError) Error() string { return e.op + ": " + e.err.Error() }
func (e *netError) Unwrap() error { return e.err }

// reconstructHead writes a response head from the parsed response, for the
// rare exchange whose raw head could not be captured (e.g. an HTTP/0.9 or
// malformed answer that net/http still accepted).
func reconstructHead(resp *http.Response) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\r\n", resp.Proto, resp.Status)
	resp.Header.Write(&b)
	b.WriteString("\r\n")
	return []byte(b.String())
}
