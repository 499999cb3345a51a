package store_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/store"
)

func Example() {
	root, err := os.MkdirTemp("", "nianbao-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)

	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{Root: root, ExtractorVersion: "v1"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	received := 128.0
	rep := &extract.Report{
		Source: "https://www.haidong.gov.cn/art/2024/3/10/art_2.html", SHA256: strings.Repeat("0", 64),
		Agency: "海东市人民政府", ReportYear: 2023, RegionCode: "630200", Status: extract.StatusOK,
		Cells: []extract.Cell{
			{Table: "requests", Row: "new", Col: "total", Value: &received, Raw: "128", Unit: "件"},
			{Table: "requests", Row: "carried_over", Col: "total", Raw: ""}, // blank: stored as NULL
		},
	}
	origin := store.Origin{FetchedAt: time.Date(2026, 11, 21, 3, 0, 0, 0, time.UTC), WARCFile: "crawl-1.warc.gz", Offset: 0, Length: 4096}
	if err := s.Add(ctx, rep, origin); err != nil {
		log.Fatal(err)
	}
	sum, err := s.Commit(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d report, %d cells (%d NULL)\n", sum.Reports, sum.Cells, sum.NullCells)

	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".parquet") {
			rel, _ := filepath.Rel(root, path)
			fmt.Println(filepath.ToSlash(rel))
		}
		return nil
	})
	// Output:
	// 1 report, 2 cells (1 NULL)
	// cells/year=2023/province=63/part-0.parquet
	// reports/year=2023/province=63/part-0.parquet
}
