package warc

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// decompressAll turns a per-record gzip file into an uncompressed WARC.
func decompressAll(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr) // multistream: all members
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// drain reads every record and its block, returning the records read and
// the first error other than io.EOF.
func drain(r *Reader) (n int, err error) {
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if _, err := io.Copy(io.Discard, rec.Block()); err != nil {
			return n, err
		}
		n++
	}
}

func TestReadUncompressedAndWholeFileGzip(t *testing.T) {
	ss := samples(t)
	path, refs := writeSamples(t, t.TempDir(), ss)
	plain := decompressAll(t, fileBytes(t, path))

	t.Run("uncompressed", func(t *testing.T) {
		recs := 0
		r := NewReader(bytes.NewReader(plain))
		var last int64
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := rec.Verify(); err != nil {
				t.Error(err)
			}
			if !bytes.HasPrefix(plain[rec.Offset:], []byte("WARC/1.1\r\n")) || rec.Offset != last {
				t.Errorf("record %d offset %d (previous ended at %d)", recs, rec.Offset, last)
			}
			last = rec.Offset + rec.Length
			recs++
		}
		if last != int64(len(plain)) || recs != 18 {
			t.Errorf("%d records ending at %d of %d bytes", recs, last, len(plain))
		}
		// Random access works on uncompressed files too.
		plainPath := filepath.Join(t.TempDir(), "plain.warc")
		os.WriteFile(plainPath, plain, 0o644)
		for _, want := range readAll(t, NewReader(bytes.NewReader(plain))) {
			io.Copy(io.Discard, want.Block()) // sets Length
			rec, err := ReadAt(plainPath, want.Offset)
			if err != nil {
				t.Fatal(err)
			}
			if rec.ID != want.ID || rec.Verify() != nil || rec.Length != want.Length {
				t.Errorf("ReadAt(%d) = %s (length %d), want %s (%d)", want.Offset, rec.ID, rec.Length, want.ID, want.Length)
			}
			rec.Close()
		}
	})
	t.Run("one gzip member for the whole file", func(t *testing.T) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(plain)
		zw.Close()
		r := NewReader(&buf)
		recs := readAll(t, r)
		if len(recs) != 18 || recs[0].Offset != 0 || recs[0].Length != -1 || recs[1].Offset != -1 {
			t.Fatalf("%d records, first at %d+%d, second at %d", len(recs), recs[0].Offset, recs[0].Length, recs[1].Offset)
		}
		if recs[2].ID != refs[0].RecordID {
			t.Errorf("third record %s, want %s", recs[2].ID, refs[0].RecordID)
		}
	})
}

func TestTruncatedFile(t *testing.T) {
	ss := samples(t)
	path, refs := writeSamples(t, t.TempDir(), ss)
	data := fileBytes(t, path)
	memberEnds := map[int64]bool{}
	for _, rec := range readAll(t, NewReader(bytes.NewReader(data))) {
		memberEnds[rec.Offset+rec.Length] = true
	}
	if len(memberEnds) != 18 || !memberEnds[refs[7].Offset+refs[7].Length] {
		t.Fatalf("record ends %v", memberEnds)
	}
	for cut := int64(1); cut < int64(len(data)); cut += 7 {
		_, err := drain(NewReader(bytes.NewReader(data[:cut])))
		if memberEnds[cut] {
			if err != nil {
				t.Errorf("cut at member end %d: %v", cut, err)
			}
			continue
		}
		var fe *FormatError
		if !errors.As(err, &fe) || !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: error %v, want a FormatError wrapping ErrTruncated", cut, err)
		}
		if fe.Offset > cut || fe.Offset < 0 {
			t.Errorf("cut at %d: error offset %d", cut, fe.Offset)
		}
	}
}

// flipInMember rewrites the gzip member at off with one byte of its
// decompressed record changed, keeping the gzip framing valid.
func flipInMember(t *testing.T, data []byte, off, length int64, find string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data[off : off+length]))
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := io.ReadAll(zr)
	i := bytes.LastIndex(rec, []byte(find))
	if i < 0 {
		t.Fatalf("%q not in record", find)
	}
	rec[i] ^= 0x20
	var member bytes.Buffer
	zw := gzip.NewWriter(&member)
	zw.Write(rec)
	zw.Close()
	out := append([]byte{}, data[:off]...)
	out = append(out, member.Bytes()...)
	return append(out, data[off+length:]...)
}

func TestVerifyDetectsFlippedByte(t *testing.T) {
	ss := samples(t)
	path, refs := writeSamples(t, t.TempDir(), ss)
	data := fileBytes(t, path)

	t.Run("in the payload", func(t *testing.T) {
		bad := flipInMember(t, data, refs[4].Offset, refs[4].Length, "ok")
		r := NewReader(bytes.NewReader(bad))
		var errs []error
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := rec.Verify(); err != nil {
				errs = append(errs, err)
				var fe *FormatError
				if !errors.Is(err, ErrDigestMismatch) || !errors.As(err, &fe) || fe.Offset != refs[4].Offset {
					t.Errorf("error %v, want a digest mismatch at %d", err, refs[4].Offset)
				}
				if !strings.Contains(err.Error(), "WARC-Block-Digest") || !strings.Contains(err.Error(), "WARC-Payload-Digest") {
					t.Errorf("both digests should fail: %v", err)
				}
			}
		}
		if len(errs) != 1 {
			t.Errorf("%d records failed Verify, want 1", len(errs))
		}
	})
	t.Run("in the HTTP header", func(t *testing.T) {
		bad := flipInMember(t, data, refs[4].Offset, refs[4].Length, "text/plain")
		rec, err := NewReaderAt(bad, refs[4].Offset).Next()
		if err != nil {
			t.Fatal(err)
		}
		err = rec.Verify()
		if !errors.Is(err, ErrDigestMismatch) || strings.Contains(err.Error(), "WARC-Payload-Digest") {
			t.Errorf("header change: %v, want only the block digest to fail", err)
		}
	})
	t.Run("in the compressed bytes", func(t *testing.T) {
		bad := append([]byte{}, data...)
		bad[refs[1].Offset+refs[1].Length/2] ^= 0xff
		_, err := drain(NewReader(bytes.NewReader(bad)))
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Offset != refs[1].Offset {
			t.Errorf("error %v, want a FormatError at %d", err, refs[1].Offset)
		}
	})
}

// NewReaderAt reads data starting at off, as ReadAt does for a file.
func NewReaderAt(data []byte, off int64) *Reader {
	return newReaderAt(bytes.NewReader(data[off:]), off)
}

func TestGarbage(t *testing.T) {
	tests := map[string]string{
		"": "",
		"WARC/1.1\r\nContent-Length: 0\r\n\r\n\r\n\r\nWARC/1.1\r\nContent-Length: 0\r\n\r\n\r\n\r\n": "",
		"not a warc":                                                 "not a WARC record",
		"\x1f\x8bgarbage":                                            "gzip",
		"WARC/1.1\r\nfoo\r\n\r\n":                                    "no colon",
		"WARC/1.1\r\nContent-Length: -5\r\n\r\n":                     "Content-Length",
		"WARC/1.1\r\nContent-Length: 99\r\n\r\nshort":                "truncated",
		"WARC/1.1\r\nContent-Length: 1\r\n\r\nx\r\n\r\nHTTP/1.1 200": "not a WARC record",
		"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 2":       "truncated",
		"WARC/1.1\r\n" + strings.Repeat("X-Long: "+strings.Repeat("a", 1000)+"\r\n", 1100): "longer than",
	}
	for in, want := range tests {
		_, err := drain(NewReader(strings.NewReader(in)))
		if want == "" {
			if err != nil {
				t.Errorf("%.30q: %v", in, err)
			}
			continue
		}
		var fe *FormatError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%.30q: error %v, want a FormatError containing %q", in, err, want)
		}
	}
}

func TestRecover(t *testing.T) {
	ss := samples(t)
	src, refs := writeSamples(t, t.TempDir(), ss)
	data := fileBytes(t, src)
	recs := readAll(t, NewReader(bytes.NewReader(data))) // offsets checked against warcio elsewhere
	if recs[7].ID != refs[2].RecordID || recs[11].ID != refs[4].RecordID {
		t.Fatal("unexpected record order")
	}
	tests := []struct {
		name      string
		cut       int64
		wantRecs  int   // records kept
		wantBytes int64 // file size after
	}{
		{"inside a response", refs[2].Offset + 30, 6, recs[6].Offset},
		{"after a request", refs[4].Offset + 1, 10, recs[10].Offset},
		{"complete file", int64(len(data)), 18, int64(len(data))},
		{"inside the warcinfo", 20, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "nianbao-20261121000000-00000-h-1.warc.gz.open")
			if err := os.WriteFile(path, data[:tt.cut], 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := Recover(path)
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != tt.wantRecs {
				t.Errorf("kept %d records, want %d", res.Records, tt.wantRecs)
			}
			if tt.wantRecs == 0 {
				if res.Path != "" || fileExists(path) {
					t.Errorf("empty capture not removed: %+v", res)
				}
				return
			}
			if res.Path != strings.TrimSuffix(path, ".open") || fileExists(path) {
				t.Fatalf("path %q", res.Path)
			}
			got := fileBytes(t, res.Path)
			if int64(len(got)) != tt.wantBytes || res.Dropped != tt.cut-tt.wantBytes {
				t.Errorf("size %d dropped %d, want %d and %d", len(got), res.Dropped, tt.wantBytes, tt.cut-tt.wantBytes)
			}
			n, err := drain(NewReader(bytes.NewReader(got)))
			if err != nil || n != tt.wantRecs {
				t.Errorf("recovered file: %d records, %v", n, err)
			}
		})
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
