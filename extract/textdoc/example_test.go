package textdoc_test

import (
	"context"
	"fmt"

	"github.com/nianbao/nianbao/extract/textdoc"
)

// A pipe table with ragged trailing pipes and a page footer inside it is
// one table; the heading before it is a paragraph.
func ExampleRead() {
	text := "二、主动公开政府信息情况\n" +
		"信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n" +
		"规章 | 0 | 0 | 3 ||\n" +
		"- 4 -\n" +
		"行政规范性文件 | 4 | 0 | 4 |\n"
	d, err := textdoc.Read(context.Background(), []byte(text), "text/plain; charset=utf-8")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Paragraphs())
	for _, row := range d.Tables()[0].Rows {
		fmt.Println(len(row), row[0].Text, row[0].Loc.Line)
	}
	// Output:
	// [二、主动公开政府信息情况]
	// 4 信息内容 2
	// 5 规章 3
	// 4 行政规范性文件 5
}
