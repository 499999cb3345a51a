package store

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/store/storetest"
)

// corpus returns n synthetic reports and their total cell count.
func corpus(n int) ([]*extract.Report, int) {
	reps := make([]*extract.Report, n)
	cells := 0
	for i := range reps {
		reps[i] = storetest.Synthetic(i, 1)
		cells += len(reps[i].Cells)
	}
	return reps, cells
}

// BenchmarkWrite measures the store end to end (Add + Commit into an empty
// root: convert, buffer, sort, merge, zstd, fsync, verify, publish) against
// a baseline in the same run: the same cell rows written with a bare
// parquet-go GenericWriter, same compression, one file, no sorting.
// Compare cells/s of the two.
func BenchmarkWrite(b *testing.B) {
	const n = 1000
	reps, nCells := corpus(n)

	b.Run("store", func(b *testing.B) {
		b.ReportAllocs()
		var cellBytes int64
		cpu := cpuTime()
		for b.Loop() {
			root := b.TempDir()
			write(b, root, "bench", reps)
			cellBytes = dirSize(b, filepath.Join(root, Cells))
		}
		b.ReportMetric(float64(nCells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		b.ReportMetric(float64(nCells)*float64(b.N)/(cpuTime()-cpu).Seconds(), "cells/cpu-s")
		b.ReportMetric(float64(cellBytes)/float64(nCells), "B/cell")
	})

	// The same cells split into the store's partitions, one file each, with
	// the store's writer options: what partitioning itself costs, without
	// buffering, sorting, merging, verifying or fsync.
	b.Run("baseline-genericwriter-partitioned", func(b *testing.B) {
		b.ReportAllocs()
		parts := map[string][]cellRow{}
		for i, rep := range reps {
			cc := newCellCodec()
			meta := metaOf(i, ReportID(rep.Source, rep.SHA256), rep)
			p := partitionOf(rep).path()
			for j := range rep.Cells {
				m, _ := cc.encode(&rep.Cells[j], meta)
				var row cellRow
				cc.row(&m, &row)
				parts[p] = append(parts[p], row)
			}
		}
		s := &Store{opts: Options{RowGroupRows: defaultRowGroupRows, ExtractorVersion: "bench"}}
		opts := s.writerOptions(Cells, nil)
		cpu := cpuTime()
		for b.Loop() {
			dir := b.TempDir()
			i := 0
			for _, rows := range parts {
				i++
				f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)+".parquet"))
				if err != nil {
					b.Fatal(err)
				}
				w := parquet.NewGenericWriter[cellRow](f, opts...)
				if _, err := w.Write(rows); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		}
		b.ReportMetric(float64(nCells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		b.ReportMetric(float64(nCells)*float64(b.N)/(cpuTime()-cpu).Seconds(), "cells/cpu-s")
	})

	b.Run("baseline-genericwriter", func(b *testing.B) {
		b.ReportAllocs()
		rows := bareRows(reps)
		var size int64
		cpu := cpuTime()
		for b.Loop() {
			size = writeBare(b, b.TempDir(), rows)
		}
		b.ReportMetric(float64(nCells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		b.ReportMetric(float64(nCells)*float64(b.N)/(cpuTime()-cpu).Seconds(), "cells/cpu-s")
		b.ReportMetric(float64(size)/float64(nCells), "B/cell")
	})

	// Each iteration writes with the store, then with the bare writer, and
	// times both: the load of a shared machine changes from second to
	// second, and within an iteration it weighs on both alike, so their
	// ratio is steadier than either rate.
	b.Run("store-vs-bare", func(b *testing.B) {
		rows := bareRows(reps)
		var storeCPU, bareCPU, storeWall, bareWall time.Duration
		for b.Loop() {
			storeDir, bareDir := b.TempDir(), b.TempDir()
			c0, w0 := cpuTime(), time.Now()
			write(b, storeDir, "bench", reps)
			c1, w1 := cpuTime(), time.Now()
			writeBare(b, bareDir, rows)
			storeCPU, storeWall = storeCPU+c1-c0, storeWall+w1.Sub(w0)
			bareCPU, bareWall = bareCPU+cpuTime()-c1, bareWall+time.Since(w1)
		}
		cells := float64(nCells) * float64(b.N)
		b.ReportMetric(cells/storeWall.Seconds(), "store-cells/s")
		b.ReportMetric(cells/storeCPU.Seconds(), "store-cells/cpu-s")
		b.ReportMetric(cells/bareWall.Seconds(), "bare-cells/s")
		b.ReportMetric(cells/bareCPU.Seconds(), "bare-cells/cpu-s")
		b.ReportMetric(bareCPU.Seconds()/storeCPU.Seconds(), "store/bare-cpu")
	})
}

// bareRows converts reports to cell rows as the store writes them.
func bareRows(reps []*extract.Report) []cellRow {
	var rows []cellRow
	cc := newCellCodec()
	for i, rep := range reps {
		meta := metaOf(i, ReportID(rep.Source, rep.SHA256), rep)
		for j := range rep.Cells {
			m, _ := cc.encode(&rep.Cells[j], meta)
			var row cellRow
			cc.row(&m, &row) // row.Value points into this iteration's m
			rows = append(rows, row)
		}
	}
	return rows
}

// writeBare is the baseline: rows written to one file in dir by a bare
// parquet-go writer, zstd at its default level, no sorting, no fsync. It
// returns the file's size.
func writeBare(b *testing.B, dir string, rows []cellRow) int64 {
	f, err := os.Create(filepath.Join(dir, "cells.parquet"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := parquet.NewGenericWriter[cellRow](f, parquet.Compression(&parquet.Zstd))
	if _, err := w.Write(rows); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkWrite10k writes 10,000 reports (2.15 million cells) in one run
// with the default options, generating each report just before adding it
// as the extractor would, and reports the peak heap in use (sampled every
// 10 ms) and the process's peak RSS (VmHWM). Run it alone for a
// meaningful RSS:
//
//	go test ./store -run '^$' -bench Write10k -benchtime 1x
func BenchmarkWrite10k(b *testing.B) {
	const n = 10_000
	for b.Loop() {
		root := b.TempDir()
		stop := make(chan struct{})
		peak := make(chan uint64)
		go func() {
			var max uint64
			var ms runtime.MemStats
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					peak <- max
					return
				case <-t.C:
					runtime.ReadMemStats(&ms)
					max = maxOf(max, ms.HeapInuse)
				}
			}
		}()
		ctx := context.Background()
		cpu := cpuTime()
		s, err := Open(ctx, Options{Root: root, ExtractorVersion: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		for i := range n {
			rep := storetest.Synthetic(i, 1)
			cells += len(rep.Cells)
			if err := s.Add(ctx, rep, originOf(rep, i)); err != nil {
				b.Fatal(err)
			}
		}
		sum, err := s.Commit(ctx)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		close(stop)
		b.ReportMetric(float64(<-peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(vmHWM())/(1<<10), "peak-RSS-MB")
		b.ReportMetric(float64(cells)/b.Elapsed().Seconds(), "cells/s")
		b.ReportMetric(float64(cells)/(cpuTime()-cpu).Seconds(), "cells/cpu-s")
		b.ReportMetric(float64(dirSize(b, filepath.Join(root, Cells)))/float64(sum.Cells), "B/cell")
	}
}

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// vmHWM is the process's peak resident set size in KiB (Linux), 0 if unknown.
func vmHWM() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// cpuTime is the user+system CPU time of the process so far. The machine
// these benchmarks run on is shared, so wall-clock rates vary several-fold
// between runs; CPU-time rates do not. Both are reported.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
