package codebook_test

import (
	"fmt"

	"github.com/nianbao/nianbao/extract/codebook"
)

// The cells of section 二 in the 2019 template, in the order reports list them.
func ExampleLookup() {
	l, _ := codebook.Lookup(codebook.Active, codebook.T2019)
	for _, b := range l.Blocks[1:2] {
		fmt.Println(b.Caption)
		for _, r := range b.Rows {
			for _, c := range b.Cols {
				fmt.Println(" ", codebook.Key{Table: l.Table, Row: r.Key, Col: c.Key}, r.Label.Zh, c.Label.Zh, c.Unit)
			}
		}
	}
	// Output:
	// 第二十条第(五)项
	//   active.admin_licensing.prev_items 行政许可 上一年项目数量 项
	//   active.admin_licensing.change 行政许可 本年增/减 项
	//   active.admin_licensing.decisions 行政许可 处理决定数量 件
	//   active.other_services.prev_items 其他对外管理服务事项 上一年项目数量 项
	//   active.other_services.change 其他对外管理服务事项 本年增/减 项
	//   active.other_services.decisions 其他对外管理服务事项 处理决定数量 件
}

// Entries is the public codebook, for documentation next to the data.
func ExampleEntries() {
	es, err := codebook.Entries()
	if err != nil {
		panic(err)
	}
	for _, e := range es {
		if e.Row == "admin_fees" && e.Col == "fee_amount" {
			fmt.Println(e.Table, e.Row, e.Col, e.Template, e.Unit)
		}
	}
	fmt.Println(codebook.Allowed(codebook.Key{Table: "requests", Row: "withheld.total", Col: "total"}, codebook.T2021))
	// Output:
	// active admin_fees fee_amount 2021 万元
	// false
}
