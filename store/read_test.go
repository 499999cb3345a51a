package store

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// partRow is a row read back with the partition directory it sits in.
type partRow[T any] struct {
	Part string
	Row  T
}

// publishedFiles lists the files a Hive reader would read: *.parquet,
// skipping hidden files and directories as pyarrow and polars do.
func publishedFiles(t testing.TB, root, dataset string) []string {
	t.Helper()
	var files []string
	base := filepath.Join(root, dataset)
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != base {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".parquet") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// cellOut is a cells row as a reader sees it, NULL as nil. cellRow, the
// row as written, holds some optional columns as plain values, so reading
// with it could not tell NULL from "" or 0.
type cellOut struct {
	ReportID   string   `parquet:"report_id"`
	ReportYear *int32   `parquet:"report_year"`
	RegionCode *string  `parquet:"region_code"`
	Agency     *string  `parquet:"agency"`
	Key        string   `parquet:"key"`
	Table      string   `parquet:"table_name"`
	Row        string   `parquet:"row_key"`
	Col        string   `parquet:"col_key"`
	Value      *float64 `parquet:"value"`
	Raw        string   `parquet:"raw"`
	Unit       *string  `parquet:"unit"`
	Align      *string  `parquet:"align"`
	Flags      []string `parquet:"flags,list"`
}

// readDataset reads every published row of a dataset with parquet-go.
func readDataset[T any](t testing.TB, root, dataset string) []partRow[T] {
	t.Helper()
	var out []partRow[T]
	for _, path := range publishedFiles(t, root, dataset) {
		rel, _ := filepath.Rel(filepath.Join(root, dataset), filepath.Dir(path))
		rows, err := parquet.ReadFile[T](path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		for _, r := range rows {
			out = append(out, partRow[T]{Part: filepath.ToSlash(rel), Row: r})
		}
	}
	return out
}

// snapshot renders the three report datasets as sorted JSON lines, for
// comparing whole datasets.
func snapshot(t testing.TB, root string) []string {
	t.Helper()
	var lines []string
	add := func(ds string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, ds+" "+string(b))
	}
	for _, r := range readDataset[reportRow](t, root, Reports) {
		add(Reports, r)
	}
	for _, r := range readDataset[cellOut](t, root, Cells) {
		add(Cells, r)
	}
	for _, r := range readDataset[checkRow](t, root, Checks) {
		add(Checks, r)
	}
	slices.Sort(lines)
	return lines
}
