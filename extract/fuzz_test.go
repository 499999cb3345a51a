package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract/codebook"
	"github.com/nianbao/nianbao/extract/doc"
)

// FuzzMap feeds random text, seeded with table fragments of real reports,
// through the whole pipeline: no panic, no hang, only codebook keys, every
// emitted cell of a found table, checks that name a rule. Run it with a
// short minimisation, or each new input stalls the run for a minute:
// go test -run XXX -fuzz FuzzMap -fuzztime=30s -fuzzminimizetime=2s ./extract/
func FuzzMap(f *testing.F) {
	// Table fragments of the seeds rather than whole reports: the fuzzer
	// minimises every new input, which is slow on 9 KB reports.
	paths, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, part := range strings.SplitAfter(string(data), "情况\n") {
			if strings.ContainsAny(part, "\t|") && len(part) < 4096 {
				f.Add([]byte("一、总体情况\n" + part))
			}
		}
	}
	f.Add([]byte(requestsText(map[string]string{"new": "\t1\t\t\t\t\t\t1", "total": "1\t\t\t\t\t\t1\t\t"}, nil)))
	f.Add([]byte("三、收到和处理政府信息公开申请情况\n(七) 总计\t1\t2\n四、结转下年度继续办理\t\t\t\t\t\t\t\t9"))
	f.Add([]byte("四、政府信息公开行政复议、行政诉讼情况\n行政复议\t行政诉讼\n1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13\t14\t15\t16\t17"))
	f.Add([]byte("二、主动公开政府信息情况\n第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t-\t1,234.5万元"))
	e, _ := New(Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := e.Parse(context.Background(), Source{Name: "fuzz"}, data)
		if err != nil {
			// Only unreadable formats may fail; text never does.
			if doc.Sniff(data, "") == doc.FormatText {
				t.Fatalf("text input failed: %v", err)
			}
			return
		}
		assertCodebookKeys(t, r)
		perTable := map[string]int{}
		for _, c := range r.Cells {
			perTable[c.Table]++
			if strings.Contains(c.Row, "total") && c.Row != "total" {
				t.Errorf("derived key %s emitted", c.Key())
			}
		}
		if n := perTable[codebook.Appeals]; n != 0 && n != 15 {
			t.Errorf("%d appeals cells", n)
		}
		if n := perTable[codebook.Requests]; n != 0 && n != 23*7 && n != 25*7 {
			t.Errorf("%d requests cells", n)
		}
		for _, c := range r.Checks {
			if c.Rule == "" || c.Scope == "" || (c.Passed == nil) != (c.Expected == nil && c.Actual == nil) && c.Rule != "R5" {
				t.Errorf("malformed check %+v", c)
			}
		}
	})
}
