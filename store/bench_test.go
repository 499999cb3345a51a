package store

import (
	"os"
	"path/filepath"
	"testing"

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
		for b.Loop() {
			root := b.TempDir()
			write(b, root, "bench", reps)
			cellBytes = dirSize(b, filepath.Join(root, Cells))
		}
		b.ReportMetric(float64(nCells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		b.ReportMetric(float64(cellBytes)/float64(nCells), "B/cell")
	})

	b.Run("baseline-genericwriter", func(b *testing.B) {
		b.ReportAllocs()
		rows := make([]cellRow, 0, nCells)
		for i, rep := range reps {
			_, cells, _, _ := rowsOf(rep, ReportID(rep.Source, rep.SHA256), originOf(rep, i), "bench")
			rows = append(rows, cells...)
		}
		var size int64
		for b.Loop() {
			f, err := os.Create(filepath.Join(b.TempDir(), "cells.parquet"))
			if err != nil {
				b.Fatal(err)
			}
			w := parquet.NewGenericWriter[cellRow](f, parquet.Compression(&parquet.Zstd))
			if _, err := w.Write(rows); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			st, _ := f.Stat()
			size = st.Size()
			f.Close()
		}
		b.ReportMetric(float64(nCells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		b.ReportMetric(float64(size)/float64(nCells), "B/cell")
	})
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
