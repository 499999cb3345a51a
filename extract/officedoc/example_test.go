package officedoc_test

import (
	"context"
	"fmt"
	"os"

	"github.com/nianbao/nianbao/extract/officedoc"
)

func ExampleRead() {
	data, err := os.ReadFile("testdata/report2021.docx")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := officedoc.Read(context.Background(), data, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	requests := d.Tables()[1]
	row := requests.Rows[3] // 一、本年新收政府信息公开申请数量, spanning 3 label columns
	fmt.Println(d.Format, len(requests.Rows), "rows")
	fmt.Println(row[0].Text, row[1].Spanned, row[3].Text, row[9].Text)
	// Output:
	// docx 28 rows
	// 一、本年新收政府信息公开申请数量 true 120 134
}
