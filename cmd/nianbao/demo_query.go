package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/parquet-go/parquet-go"
)

// The demo's queries read the published Parquet files back with parquet-go,
// projected onto the few columns they need, and take year and province from
// the Hive partition path exactly as DuckDB does.

type demoCell struct {
	ReportID string   `parquet:"report_id"`
	Key      string   `parquet:"key"`
	Value    *float64 `parquet:"value,optional"`
}

type demoReport struct {
	ReportID         string `parquet:"report_id"`
	Agency           string `parquet:"agency"`
	ReportYear       *int32 `parquet:"report_year,optional"`
	Format           string `parquet:"format"`
	Status           string `parquet:"status"`
	FailedCheckCount int64  `parquet:"failed_check_count"`
}

type demoCheck struct {
	ReportID string `parquet:"report_id"`
	Rule     string `parquet:"rule"`
	Scope    string `parquet:"scope"`
	Passed   *bool  `parquet:"passed,optional"`
	Detail   string `parquet:"detail"`
}

func demoQueries(w io.Writer, root string) error {
	// One agency's report for one year is often published twice, as a page
	// and as an attachment; count it once, preferring the HTML page (the
	// query docs/schema.md gives for DuckDB does the same).
	reports := map[string]demoReport{}
	chosen := map[string]string{} // agency|year → report_id
	err := eachRow[demoReport](filepath.Join(root, "reports"), func(r demoReport, _, _ int) {
		reports[r.ReportID] = r
		k := r.ReportID // a report whose agency or year is unknown stands alone
		if r.ReportYear != nil && r.Agency != "" {
			k = r.Agency + "|" + strconv.Itoa(int(*r.ReportYear))
		}
		if cur, ok := chosen[k]; !ok || preferred(r, reports[cur]) {
			chosen[k] = r.ReportID
		}
	})
	if err != nil {
		return err
	}
	counted := map[string]bool{}
	for _, id := range chosen {
		counted[id] = true
	}

	// Requests received (requests.new.total) by province and year.
	type pk struct{ year, province int }
	sums := map[pk]float64{}
	counts := map[pk]int{}
	err = eachRow[demoCell](filepath.Join(root, "cells"), func(c demoCell, year, province int) {
		if c.Key == "requests.new.total" && c.Value != nil && counted[c.ReportID] {
			k := pk{year, province}
			sums[k] += *c.Value
			counts[k]++
		}
	})
	if err != nil {
		return err
	}
	keys := make([]pk, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].province != keys[j].province {
			return keys[i].province < keys[j].province
		}
		return keys[i].year < keys[j].year
	})
	fmt.Fprintln(w, "Requests received (requests.new.total) by province and year, one report per agency and year:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "province\tyear\treports\trequests\t")
	for _, k := range keys {
		fmt.Fprintf(tw, "%02d\t%d\t%d\t%s\t\n", k.province, k.year, counts[k], strconv.FormatFloat(sums[k], 'f', -1, 64))
	}
	tw.Flush()

	// Reports whose hard checks failed, with the checks.
	var failing []string
	for id, r := range reports {
		if r.FailedCheckCount > 0 {
			failing = append(failing, id)
		}
	}
	failed := map[string][]string{}
	err = eachRow[demoCheck](filepath.Join(root, "checks"), func(c demoCheck, _, _ int) {
		if c.Passed != nil && !*c.Passed {
			failed[c.ReportID] = append(failed[c.ReportID], fmt.Sprintf("%s %s (%s)", c.Rule, c.Scope, c.Detail))
		}
	})
	if err != nil {
		return err
	}
	sort.Slice(failing, func(i, j int) bool {
		a, b := reports[failing[i]], reports[failing[j]]
		return a.Agency+a.Format+a.ReportID < b.Agency+b.Format+b.ReportID
	})
	fmt.Fprintf(w, "\nDocuments whose checks failed: %d\n", len(failing))
	for _, id := range failing {
		r := reports[id]
		fmt.Fprintf(w, "  %s  %s (%s)\n", id, r.Agency, r.Format)
		sort.Strings(failed[id])
		for _, c := range failed[id] {
			fmt.Fprintf(w, "      %s\n", c)
		}
	}
	return nil
}

// preferred reports whether a should stand for its agency and year rather
// than b: an HTML page over an attachment, then the smaller report id, so
// the choice does not depend on the order files are read.
func preferred(a, b demoReport) bool {
	if (a.Format == "html") != (b.Format == "html") {
		return a.Format == "html"
	}
	return a.ReportID < b.ReportID
}

// eachRow reads every Parquet file of a dataset into rows of T.
func eachRow[T any](dir string, fn func(row T, year, province int)) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && path == dir {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") || !strings.HasSuffix(d.Name(), ".parquet") {
			return nil
		}
		year, province := partitionOf(path)
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rd := parquet.NewGenericReader[T](f)
		defer rd.Close()
		buf := make([]T, 256)
		for {
			n, err := rd.Read(buf)
			for _, row := range buf[:n] {
				fn(row, year, province)
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	})
}

// partitionOf reads year= and province= from a Hive-partitioned path.
func partitionOf(path string) (year, province int) {
	for _, part := range strings.Split(filepath.ToSlash(path), "/") {
		if v, ok := strings.CutPrefix(part, "year="); ok {
			year, _ = strconv.Atoi(v)
		}
		if v, ok := strings.CutPrefix(part, "province="); ok {
			province, _ = strconv.Atoi(v)
		}
	}
	return year, province
}
