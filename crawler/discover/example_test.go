package discover_test

import (
	"fmt"
	"net/url"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/discover"
)

func ExampleFind() {
	page, _ := url.Parse("http://www.example.gov.cn/zwgk/ndbg/index.html")
	body := []byte(`<ul>
<li><a href="./202401/t20240125_1001.html">某县人民政府2023年政府信息公开工作年度报告</a></li>
<li><a href="./202401/t20240120_1000.html">某县2023年政务公开工作总结</a></li>
</ul>
<script>createPageHTML(2, 0, "index", "html");</script>`)
	p := configs.Portal{Name: "example", CMS: configs.CMSTRS}
	links, err := discover.Find(p, page, discover.KindList, body, "text/html; charset=utf-8")
	if err != nil {
		panic(err)
	}
	for _, l := range links {
		fmt.Println(l.Kind, l.Method, l.URL)
	}
	// Output:
	// report GET http://www.example.gov.cn/zwgk/ndbg/202401/t20240125_1001.html
	// list GET http://www.example.gov.cn/zwgk/ndbg/index_1.html
}
