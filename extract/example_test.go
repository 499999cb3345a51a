package extract_test

import (
	"context"
	"fmt"
	"os"

	"github.com/nianbao/nianbao/extract"
)

// Parse reads a report from bytes of any format it has a reader for (plain
// text by default), maps its tables onto the codebook and checks them.
func ExampleExtractor_Parse() {
	data, err := os.ReadFile("testdata/seeds/001_b788a0f788d8dbbc.txt")
	if err != nil {
		panic(err)
	}
	e, err := extract.New(extract.Options{})
	if err != nil {
		panic(err)
	}
	r, err := e.Parse(context.Background(), extract.Source{Name: "001.txt"}, data)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Agency, r.ReportYear, r.RegionCode, r.PublicationDate, r.Status)
	for _, c := range r.Cells {
		if c.Key() == "requests.new.total" {
			fmt.Println(c.Key(), *c.Value, c.Unit)
		}
	}
	for _, c := range r.Checks {
		if c.Failed() {
			fmt.Println(c.Rule, c.Scope, c.Detail)
		}
	}
	// Output:
	// 海东市人民政府 2023 630200 2024-03-10 failed_checks
	// requests.new.total 128 件
	// R2 requests.unable.not_held 27+8+2=37, total 25
	// R3 requests.*.total 58+2+25+30+1=116, total 128
}

// A blank cell is nil, a printed 0 is 0: blank is not zero.
func ExampleCell_blank() {
	text := "某局2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n" +
		"第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t\t3\n"
	e, _ := extract.New(extract.Options{})
	r, _ := e.Parse(context.Background(), extract.Source{Name: "x.txt"}, []byte(text))
	for _, c := range r.Cells[:3] {
		if c.Value == nil {
			fmt.Printf("%s blank (raw %q)\n", c.Key(), c.Raw)
		} else {
			fmt.Printf("%s %v\n", c.Key(), *c.Value)
		}
	}
	// Output:
	// active.regulations.issued 0
	// active.regulations.repealed blank (raw "")
	// active.regulations.in_force 3
}
