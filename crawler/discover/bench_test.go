package discover

import (
	"net/url"
	"os"
	"testing"

	"github.com/nianbao/nianbao/configs"
)

func BenchmarkFind(b *testing.B) {
	for _, bc := range []struct {
		name, file, page, cms string
	}{
		{"hanweb", "hanweb_column.html", "http://www.hzxh.gov.cn/col/col1229000001/index.html", configs.CMSHanweb},
		{"trs-gbk", "trs_list_gbk.html", "http://www.shulan.gov.cn/zwgk/ndbg/index.html", configs.CMSTRS},
		{"generic", "generic_list.html", "http://www.yangling.gov.cn/xxgk/ndbg/?page=2", configs.CMSGeneric},
	} {
		body, err := os.ReadFile("testdata/" + bc.file)
		if err != nil {
			b.Fatal(err)
		}
		page, _ := url.Parse(bc.page)
		p := portal(bc.cms)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := Find(p, page, KindList, body, "text/html"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
