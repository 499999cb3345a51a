package extract

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestHeapFlat parses 10,000 reports with one Extractor and checks that the
// live heap does not grow with the number of reports: nothing a report
// leaves behind (the label memo, caches) may accumulate. It compares the
// heap after 1,000 reports, when any bounded cache has filled, with the
// heap after 10,000.
func TestHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 10,000 reports")
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	if len(paths) == 0 {
		t.Fatal("no seeds")
	}
	var seeds [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	live := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	const total, warm = 10000, 1000
	var atWarm uint64
	for i := range total {
		if i == warm {
			atWarm = live()
		}
		rep, err := e.Parse(ctx, Source{Name: "seed"}, seeds[i%len(seeds)])
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Cells) == 0 {
			t.Fatalf("report %d has no cells", i)
		}
	}
	end := live()
	growth := int64(end) - int64(atWarm)
	t.Logf("live heap after %d reports %d B, after %d reports %d B, growth %d B", warm, atWarm, total, end, growth)
	// Heap noise between two GCs is a few tens of kilobytes; 9,000 reports
	// leaking even 100 bytes each would exceed this.
	if growth > 512<<10 {
		t.Errorf("live heap grew by %d B over %d reports", growth, total-warm)
	}
}
