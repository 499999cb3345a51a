package htmldoc_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/extract/htmldoc"
)

func ExampleRead() {
	page := `<html><head><meta charset="utf-8"><title>某局2021年政府信息公开工作年度报告_某市人民政府</title></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>
<table class="meta"><tr><td>索引号</td><td>公开方式</td></tr><tr><td>1133/2022-001</td><td>主动公开</td></tr></table>
<div id="zoom">
<p>一、总体情况</p>
<table>
<tr><td colspan="2;">第二十条第（五）项</td></tr>
<tr><td>行政许可</td><td><span>12</span><o:p></o:p></td></tr>
</table>
</div>
</body></html>`
	d, err := htmldoc.Read(context.Background(), []byte(page), "text/html; charset=utf-8")
	if err != nil {
		panic(err)
	}
	fmt.Println("title:", d.Title)
	for _, m := range d.Meta {
		fmt.Printf("meta: %s = %s\n", m.Name, m.Value)
	}
	fmt.Println("paragraphs:", d.Paragraphs())
	for _, row := range d.Tables()[0].Rows {
		var cells []string
		for _, c := range row {
			if c.Spanned {
				cells = append(cells, "("+c.Text+")")
			} else {
				cells = append(cells, c.Text)
			}
		}
		fmt.Println("row:", strings.Join(cells, " | "))
	}
	// Output:
	// title: 某局2021年政府信息公开工作年度报告
	// meta: 索引号 = 1133/2022-001
	// meta: 公开方式 = 主动公开
	// paragraphs: [一、总体情况]
	// row: 第二十条第（五）项 | (第二十条第（五）项)
	// row: 行政许可 | 12
}
