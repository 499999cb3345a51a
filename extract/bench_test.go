package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/textdoc"
)

func seedBytes(b *testing.B) [][]byte {
	b.Helper()
	paths, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

func totalLen(ds [][]byte) int64 {
	var n int64
	for _, d := range ds {
		n += int64(len(d))
	}
	return n
}

// BenchmarkBaselineLines is the floor the pipeline is compared with:
// splitting the same bytes into lines and cells, nothing else.
func BenchmarkBaselineLines(b *testing.B) {
	seeds := seedBytes(b)
	n := totalLen(seeds)
	b.SetBytes(n)
	b.ReportAllocs()
	start := cpuClock()
	for b.Loop() {
		for _, s := range seeds {
			for _, l := range bytes.Split(s, []byte("\n")) {
				_ = bytes.Split(l, []byte("\t"))
			}
		}
	}
	reportCPU(b, start, n)
}

// BenchmarkTextRead is the text reader alone.
func BenchmarkTextRead(b *testing.B) {
	seeds := seedBytes(b)
	ctx := context.Background()
	n := totalLen(seeds)
	b.SetBytes(n)
	b.ReportAllocs()
	start := cpuClock()
	for b.Loop() {
		for _, s := range seeds {
			if _, err := textdoc.Read(ctx, s, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, start, n)
}

// BenchmarkParseText is the whole text pipeline: sniff, read, map, check.
func BenchmarkParseText(b *testing.B) {
	seeds := seedBytes(b)
	e, _ := New(Options{})
	ctx := context.Background()
	n := totalLen(seeds)
	b.SetBytes(n)
	b.ReportAllocs()
	start := cpuClock()
	for b.Loop() {
		for _, s := range seeds {
			if _, err := e.Parse(ctx, Source{Name: "seed"}, s); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, start, n)
}

// BenchmarkMap is the mapper alone, on documents read once.
func BenchmarkMap(b *testing.B) {
	seeds := seedBytes(b)
	e, _ := New(Options{})
	ctx := context.Background()
	var docs []*docAndLen
	for _, s := range seeds {
		d, err := textdoc.Read(ctx, s, "")
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, &docAndLen{d: d})
	}
	n := totalLen(seeds)
	b.SetBytes(n)
	b.ReportAllocs()
	start := cpuClock()
	for b.Loop() {
		for _, d := range docs {
			e.FromDocument(ctx, Source{Name: "seed"}, d.d, "")
		}
	}
	reportCPU(b, start, n)
}

type docAndLen struct{ d *doc.Document }

// BenchmarkParseTextRatio interleaves the baseline (splitting the seeds
// into lines and cells) and the whole text pipeline inside every iteration
// and times each by process CPU time, so that load from other processes
// hits both alike. x-of-baseline is the pipeline's speed as a share of the
// baseline's. Run it with -cpu 1 so that garbage collection is charged to
// the stage that caused it.
func BenchmarkParseTextRatio(b *testing.B) {
	seeds := seedBytes(b)
	e, _ := New(Options{})
	ctx := context.Background()
	n := totalLen(seeds)
	var tBase, tPipe time.Duration
	for b.Loop() {
		t0 := cpuClock()
		for _, s := range seeds {
			for _, l := range bytes.Split(s, []byte("\n")) {
				_ = bytes.Split(l, []byte("\t"))
			}
		}
		t1 := cpuClock()
		for _, s := range seeds {
			if _, err := e.Parse(ctx, Source{Name: "seed"}, s); err != nil {
				b.Fatal(err)
			}
		}
		t2 := cpuClock()
		tBase += t1 - t0
		tPipe += t2 - t1
	}
	mbs := func(d time.Duration) float64 { return float64(n) * float64(b.N) / d.Seconds() / 1e6 }
	b.ReportMetric(mbs(tBase), "baseline-MB/s")
	b.ReportMetric(mbs(tPipe), "pipeline-MB/s")
	b.ReportMetric(tBase.Seconds()/tPipe.Seconds(), "x-of-baseline")
}
