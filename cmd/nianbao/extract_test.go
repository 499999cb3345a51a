package main

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

type cellRow struct {
	ReportID string   `parquet:"report_id"`
	Key      string   `parquet:"key"`
	Value    *float64 `parquet:"value,optional"`
	Raw      string   `parquet:"raw"`
}

type reportRow struct {
	ReportID         string `parquet:"report_id"`
	Source           string `parquet:"source"`
	Agency           string `parquet:"agency"`
	Status           string `parquet:"status"`
	FailedCheckCount int64  `parquet:"failed_check_count"`
}

// cellLines reads the cells dataset back as sorted lines, year and province
// from the partition path included.
func cellLines(t *testing.T, root string) []string {
	t.Helper()
	var lines []string
	err := eachRow[cellRow](filepath.Join(root, "cells"), func(c cellRow, year, province int) {
		v := "NULL"
		if c.Value != nil {
			v = strconv.FormatFloat(*c.Value, 'f', -1, 64)
		}
		lines = append(lines, strings.Join([]string{strconv.Itoa(year), strconv.Itoa(province), c.ReportID, c.Key, v, c.Raw}, "|"))
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return lines
}

func TestExtractSeedsIdempotent(t *testing.T) {
	out := t.TempDir()
	code, stdout, errs := runCmd(t, "extract", "--out", out, "--log-level", "error", seedDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "5 written") || !strings.Contains(stdout, "994 (344 NULL)") {
		t.Errorf("summary:\n%s", stdout)
	}
	// Partitions year × province exactly as the seeds' metadata says.
	var parts []string
	for _, ds := range []string{"reports", "cells", "checks"} {
		files, _ := filepath.Glob(filepath.Join(out, ds, "year=*", "province=*", "*.parquet"))
		for _, f := range files {
			rel, _ := filepath.Rel(filepath.Join(out, ds), filepath.Dir(f))
			parts = append(parts, ds+"/"+rel)
		}
	}
	sort.Strings(parts)
	var want []string
	for _, ds := range []string{"cells", "checks", "reports"} {
		for _, p := range []string{"year=2019/province=63", "year=2021/province=33", "year=2021/province=41", "year=2021/province=63", "year=2023/province=63"} {
			want = append(want, ds+"/"+p)
		}
	}
	if !reflect.DeepEqual(parts, want) {
		t.Errorf("partitions:\n%v\nwant\n%v", parts, want)
	}
	first := cellLines(t, out)
	nulls := 0
	for _, l := range first {
		if strings.Split(l, "|")[4] == "NULL" {
			nulls++
		}
	}
	if len(first) != 994 || nulls != 344 {
		t.Errorf("read back %d cells, %d NULL; want 994, 344", len(first), nulls)
	}
	// The same command again leaves exactly the same rows.
	if code, _, errs := runCmd(t, "extract", "--out", out, "--log-level", "error", seedDir); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errs)
	}
	if second := cellLines(t, out); !reflect.DeepEqual(first, second) {
		t.Errorf("second run changed the rows: %d then %d", len(first), len(second))
	}
	// A source whose content changed replaces its old rows.
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(seedDir, "000_3450487cb858bd82.txt"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "r.txt")
	os.WriteFile(src, data, 0o644)
	runCmd(t, "extract", "--out", out, "--log-level", "error", src)
	os.WriteFile(src, []byte(strings.Replace(string(data), "行政规范性文件\t4\t0\t4", "行政规范性文件\t5\t0\t5", 1)), 0o644)
	runCmd(t, "extract", "--out", out, "--log-level", "error", src)
	var reports []reportRow
	eachRow[reportRow](filepath.Join(out, "reports"), func(r reportRow, _, _ int) {
		if r.Source == src {
			reports = append(reports, r)
		}
	})
	if len(reports) != 1 {
		t.Fatalf("%d report rows for the changed source, want 1", len(reports))
	}
	found := false
	for _, l := range cellLines(t, out) {
		f := strings.Split(l, "|")
		if f[2] == reports[0].ReportID && f[3] == "active.normative_docs.issued" {
			found = true
			if f[4] != "5" {
				t.Errorf("changed cell = %s, want 5", f[4])
			}
		}
	}
	if !found {
		t.Error("the changed report's cell is missing")
	}
}
