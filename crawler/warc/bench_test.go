package warc

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The write and read benchmarks move 1 MiB bodies that compress about as
// badly as PDFs do; each has a baseline of gzip alone over the same bytes,
// so that the figures can be read as ratios on any machine. Besides the
// wall-clock MB/s they report cpu-MB/s, bytes per second of this process's
// CPU time, which stays readable on a machine shared with other work.

// cpuClock measures the process's CPU time over a benchmark loop.
type cpuClock struct{ start time.Duration }

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{cpuNow()} }

func (c cpuClock) report(b *testing.B, bytesPerOp int64) {
	if d := cpuNow() - c.start; d > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/d.Seconds()/1e6, "cpu-MB/s")
	}
}

const benchBody = 1 << 20

func BenchmarkWriteExchange(b *testing.B) {
	body := bigBody(benchBody)
	w, err := NewWriter(WriterOptions{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	x := Exchange{TargetURI: "http://127.0.0.1/big.pdf", IP: "127.0.0.1", Request: getRequest("/big.pdf", "127.0.0.1"),
		ResponseHeader: crlf("HTTP/1.1 200 OK", "Content-Type: application/pdf"), BodyLength: benchBody}
	b.SetBytes(benchBody)
	b.ReportAllocs()
	clock := startCPU()
	for b.Loop() {
		x.Body = bytes.NewReader(body)
		if _, err := w.WriteExchange(context.Background(), &x); err != nil {
			b.Fatal(err)
		}
	}
	clock.report(b, benchBody)
}

func BenchmarkGzipBaseline(b *testing.B) {
	body := bigBody(benchBody)
	zw := gzip.NewWriter(io.Discard)
	b.SetBytes(benchBody)
	b.ReportAllocs()
	clock := startCPU()
	for b.Loop() {
		zw.Reset(io.Discard)
		zw.Write(body)
		zw.Close()
	}
	clock.report(b, benchBody)
}

// benchFile writes n 1 MiB exchanges and returns the file's bytes.
func benchFile(b *testing.B, n int) []byte {
	dir := b.TempDir()
	w, err := NewWriter(WriterOptions{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	body := bigBody(benchBody)
	for i := 0; i < n; i++ {
		_, err := w.WriteExchange(context.Background(), &Exchange{TargetURI: "http://127.0.0.1/big.pdf",
			ResponseHeader: crlf("HTTP/1.1 200 OK"), Body: bytes.NewReader(body), BodyLength: benchBody})
		if err != nil {
			b.Fatal(err)
		}
	}
	w.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	data, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchRead(b *testing.B, verify bool) {
	const n = 8
	data := benchFile(b, n)
	b.SetBytes(n * benchBody)
	b.ReportAllocs()
	clock := startCPU()
	defer clock.report(b, n*benchBody)
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if verify {
				err = rec.Verify()
			} else {
				_, err = io.Copy(io.Discard, rec.Block())
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkRead(b *testing.B)       { benchRead(b, false) }
func BenchmarkReadVerify(b *testing.B) { benchRead(b, true) }

func BenchmarkGunzipBaseline(b *testing.B) {
	const n = 8
	data := benchFile(b, n)
	b.SetBytes(n * benchBody)
	b.ReportAllocs()
	zr, _ := gzip.NewReader(bytes.NewReader(data))
	clock := startCPU()
	defer clock.report(b, n*benchBody)
	for b.Loop() {
		zr.Reset(bytes.NewReader(data))
		if _, err := io.Copy(io.Discard, zr); err != nil {
			b.Fatal(err)
		}
	}
}
