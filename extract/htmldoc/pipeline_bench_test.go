// The pipeline benchmark imports the extract package (which itself does
// not import this one). Run it with
//
//	go test -run '^$' -bench Pipeline -cpu 1 ./extract/htmldoc

package htmldoc

import (
	"bytes"
	"context"
	"testing"

	"golang.org/x/net/html"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/extract/doc"
)

// BenchmarkPipeline measures the whole HTML path, bytes to checked cells
// (this reader plus the extract mapper and checks), against html.Parse
// alone on the same input in the same iteration, by process CPU time.
// Run with -cpu 1.
func BenchmarkPipeline(b *testing.B) {
	e, err := extract.New(extract.Options{Readers: map[doc.Format]extract.Reader{
		doc.FormatHTML: extract.ReaderFunc(Read),
	}})
	if err != nil {
		b.Fatal(err)
	}
	in := benchInputs(b)
	for _, name := range sortedKeys(in) {
		data := in[name]
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			var tPipe, tParse float64
			for b.Loop() {
				t0 := cpuNow()
				if _, err := e.Parse(ctx, extract.Source{Name: name}, data); err != nil {
					b.Fatal(err)
				}
				t1 := cpuNow()
				if _, err := html.Parse(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				t2 := cpuNow()
				tPipe += (t1 - t0).Seconds()
				tParse += (t2 - t1).Seconds()
			}
			mb := float64(len(data)) * float64(b.N) / 1e6
			b.ReportMetric(mb/tPipe, "pipeline-MB/s")
			b.ReportMetric(mb/tParse, "parse-MB/s")
			b.ReportMetric(tParse/tPipe, "x-of-parse")
		})
	}
}
