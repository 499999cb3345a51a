package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

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
