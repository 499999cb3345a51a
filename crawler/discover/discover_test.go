package discover

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/configs"
)

func portal(cms string) configs.Portal {
	return configs.Portal{Name: "t", CMS: cms}
}

func get(u string, kind Kind, title string) Link {
	return Link{URL: u, Kind: kind, Title: title, Method: "GET"}
}

func TestFind(t *testing.T) {
	hanwebForm := url.Values{"col": {"1"}, "appid": {"1"}, "webid": {"3081"}, "path": {"/"}, "columnid": {"1229000001"},
		"sourceContentType": {"1"}, "unitid": {"4215"}, "webname": {"西湖区"}, "permissiontype": {"0"}}
	const xh = "http://www.hzxh.gov.cn"
	const col = xh + "/col/col1229000001/index.html"
	custom := portal(configs.CMSCustom)
	custom.Selectors = configs.Selectors{ListItem: "#reports td.t a", NextPage: ".pager .next a"}

	tests := []struct {
		name        string
		file        string
		portal      configs.Portal
		page        string
		kind        Kind
		contentType string
		want        []Link
	}{
		{
			name: "hanweb column page with datastore", file: "hanweb_column.html", portal: portal(configs.CMSHanweb),
			page: col, kind: KindList, contentType: "text/html; charset=UTF-8",
			want: []Link{
				get(xh+"/col/col1229000009/index.html", KindList, "西湖区部门2022年政府信息公开年报"),
				get(xh+"/art/2023/1/20/art_1229000001_4001.html", KindReport, "杭州市西湖区人民政府2022年政府信息公开工作年度报告"),
				get(xh+"/art/2021/1/29/art_1229000001_3901.html", KindReport, "杭州市西湖区市场监督管理局2020年政府信息公开工作年度报告"),
				get(xh+"/module/download/downfile.jsp?classid=0&filename=0f3c9a1b2d4e5f60718293a4b5c6d7e8.pdf&showname=%E8%A5%BF%E6%B9%96%E5%8C%BA%E6%95%99%E8%82%B2%E5%B1%802021%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
					KindAttachment, "西湖区教育局2021年政府信息公开工作年度报告（PDF）"),
				get(xh+"/art/2022/1/20/art_1229000001_3801.html", KindReport, "杭州市西湖区人民政府2021年度政府信息公开工作年度报告"),
				{URL: xh + "/module/web/jpage/dataproxy.jsp?startrecord=10&endrecord=18&perpage=3", Kind: KindList, Method: "POST", Form: hanwebForm, Referer: col},
				{URL: xh + "/module/web/jpage/dataproxy.jsp?startrecord=19&endrecord=25&perpage=3", Kind: KindList, Method: "POST", Form: hanwebForm, Referer: col},
			},
		},
		{
			name: "hanweb dataproxy answer", file: "hanweb_proxy.xml", portal: portal(configs.CMSHanweb),
			page: xh + "/module/web/jpage/dataproxy.jsp?startrecord=10&endrecord=18&perpage=3", kind: KindList, contentType: "text/xml;charset=UTF-8",
			want: []Link{
				get(xh+"/art/2020/1/21/art_1229000001_3501.html", KindReport, "杭州市西湖区人民政府2019年政府信息公开工作年度报告"),
				get(xh+"/art/2019/3/29/art_1229000001_3400.html", KindReport, "西湖区人民政府2018年政府信息公开年报"),
			},
		},
		{
			name: "hanweb report page attachments", file: "hanweb_report.html", portal: portal(configs.CMSHanweb),
			page: xh + "/art/2023/1/20/art_1229000001_4001.html", kind: KindReport, contentType: "text/html",
			want: []Link{
				get(xh+"/module/download/downfile.jsp?classid=0&filename=9a8b7c6d5e4f30211a2b3c4d5e6f7a8b.docx&showname=%E5%B9%B4%E6%8A%A5.docx", KindAttachment, "杭州市西湖区人民政府2022年政府信息公开工作年度报告.docx"),
				get(xh+"/attach/0/xh2022nb.pdf", KindAttachment, "PDF版"),
				get(xh+"/module/download/downfile.jsp?classid=0&filename=1b2c3d4e5f60718293a4b5c6d7e8f901.pdf&showname=nb.pdf", KindAttachment, "PDF版下载"),
				get(xh+"/attach/0/xh2022nb-scan.pdf", KindAttachment, "xh2022nb-scan.pdf"),
			},
		},
		{
			name: "trs gbk list with createPageHTML, charset in meta only", file: "trs_list_gbk.html", portal: portal(configs.CMSTRS),
			page: "http://www.shulan.gov.cn/zwgk/ndbg/index.html", kind: KindList, contentType: "text/html",
			want: []Link{
				get("http://www.shulan.gov.cn/zwgk/ndbg/202201/t20220125_258001.html", KindReport, "舒兰市人民政府2021年政府信息公开工作年度报告"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/202201/t20220120_257990.html", KindReport, "舒兰市教育局2021年政府信息公开工作年度报告（喆）"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/202112/W020211230512345678901.pdf", KindAttachment, "舒兰市财政局2021年政府信息公开工作年度报告"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/index_1.html", KindList, "2"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/index_2.html", KindList, "3"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/index_3.html", KindList, "4"),
			},
		},
		{
			name: "trs gbk list, later page, lying utf-8 header", file: "trs_list_gbk.html", portal: portal(configs.CMSTRS),
			page: "http://www.shulan.gov.cn/zwgk/ndbg/index_2.html", kind: KindList, contentType: "text/html; charset=utf-8",
			want: []Link{
				get("http://www.shulan.gov.cn/zwgk/ndbg/202201/t20220125_258001.html", KindReport, "舒兰市人民政府2021年政府信息公开工作年度报告"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/202201/t20220120_257990.html", KindReport, "舒兰市教育局2021年政府信息公开工作年度报告（喆）"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/202112/W020211230512345678901.pdf", KindAttachment, "舒兰市财政局2021年政府信息公开工作年度报告"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/index.html", KindList, "1"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/index_1.html", KindList, "2"),
				get("http://www.shulan.gov.cn/zwgk/ndbg/index_3.html", KindList, "4"),
			},
		},
		{
			name: "generic list with page numbers and next link", file: "generic_list.html", portal: portal(configs.CMSGeneric),
			page: "http://www.yangling.gov.cn/xxgk/ndbg/?page=2", kind: KindList, contentType: "text/html; charset=utf-8",
			want: []Link{
				get("http://www.yangling.gov.cn/xxgk/ndbg/content_501.html", KindReport, "杨陵区人民政府2023年政府信息公开工作年度报告"),
				get("http://www.yangling.gov.cn/private/draft.html", KindReport, "杨陵区人民政府2023年政府信息公开工作年度报告（内部征求意见稿）"),
				get("http://www.yangling.gov.cn/xxgk/ndbg/files/nb2022.docx", KindAttachment, "杨陵区人民政府2022年政府信息公开工作年度报告（附件）"),
				get("http://www.yangling.gov.cn/xxgk/ndbg/?page=1", KindList, "1"),
				get("http://www.yangling.gov.cn/xxgk/ndbg/?page=3", KindList, "3"),
				get("http://www.yangling.gov.cn/xxgk/ndbg/?page=4", KindList, "4"),
				get("http://www.yangling.gov.cn/xxgk/list.jsp?colid=12&page=2", KindList, "信息公开目录"),
			},
		},
		{
			name: "custom selectors", file: "custom_list.html", portal: custom,
			page: "http://www.shanghai.gov.cn/nw12344/index.html", kind: KindList, contentType: "text/html",
			want: []Link{
				get("http://www.shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html", KindReport, "上海市人民政府办公厅2022年政府信息公开工作年度报告"),
				get("http://www.shanghai.gov.cn/nw12344/list_2.html", KindList, "更多"),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			page, _ := url.Parse(tc.page)
			got, err := Find(tc.portal, page, tc.kind, body, tc.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %d links:\n%s\nwant %d:\n%s", len(got), dump(got), len(tc.want), dump(tc.want))
			}
		})
	}
}

func dump(ls []Link) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString("  " + l.Method + " " + string(l.Kind) + " " + l.URL + " «" + l.Title + "»")
		if l.Form != nil {
			b.WriteString(" form=" + l.Form.Encode() + " referer=" + l.Referer)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestFindLimitCapsListPages(t *testing.T) {
	body := []byte(`<script>createPageHTML(100000, 0, "index", "html");</script>
<script type="text/xml"><datastore><recordset></recordset></datastore></script><script>totalRecord:99999999,perPage:15</script>`)
	page, _ := url.Parse("http://a.gov.cn/col/col1/index.html")
	got, err := FindLimit(portal(configs.CMSHanweb), page, KindList, body, "text/html", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 {
		t.Fatalf("got %d links, want the cap of 7:\n%s", len(got), dump(got))
	}
}

func TestFindPagePatternWithScriptCount(t *testing.T) {
	body := []byte(`<ul><li><a href="./202401/t20240125_1.shtml">某县2023年政府信息公开工作年度报告</a></li></ul>
<div id="pager"></div><script>var countPage = 3; var currentPage = 0; drawPager("pager", countPage);</script>`)
	page, _ := url.Parse("http://a.gov.cn/ndbg/index.shtml")
	p := portal(configs.CMSGeneric)
	p.Selectors.PagePattern = "index_{n}.shtml"
	got, err := Find(p, page, KindList, body, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Link{
		get("http://a.gov.cn/ndbg/202401/t20240125_1.shtml", KindReport, "某县2023年政府信息公开工作年度报告"),
		get("http://a.gov.cn/ndbg/index_1.shtml", KindList, "1"),
		get("http://a.gov.cn/ndbg/index_2.shtml", KindList, "2"),
		get("http://a.gov.cn/ndbg/index_3.shtml", KindList, "3"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", dump(got), dump(want))
	}
	p.Selectors.PagePattern = ""
	if got, _ := Find(p, page, KindList, body, ""); len(got) != 1 {
		t.Errorf("without page_pattern: %d links, want the report only", len(got))
	}
}

func TestFindAllowedHosts(t *testing.T) {
	body := []byte(`<a href="http://b.gov.cn/2022年报.html">某局2022年政府信息公开工作年度报告</a>
<a href="http://c.gov.cn:8080/x.html">某局2021年政府信息公开工作年度报告</a>
<a href="http://c.gov.cn/y.html">某局2020年政府信息公开工作年度报告</a>`)
	page, _ := url.Parse("http://a.gov.cn/list.html")
	p := portal(configs.CMSGeneric)
	p.AllowedHosts = []string{"b.gov.cn", "c.gov.cn:8080"}
	got, err := Find(p, page, KindList, body, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Link{
		get("http://b.gov.cn/2022%E5%B9%B4%E6%8A%A5.html", KindReport, "某局2022年政府信息公开工作年度报告"),
		get("http://c.gov.cn:8080/x.html", KindReport, "某局2021年政府信息公开工作年度报告"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", dump(got), dump(want))
	}
}

func TestFindSkipsBinaries(t *testing.T) {
	page, _ := url.Parse("http://a.gov.cn/module/download/downfile.jsp?filename=x")
	body := []byte(`%PDF-1.4 <a href="/x.pdf">某局2022年政府信息公开工作年度报告</a>`)
	for ct, want := range map[string]int{"application/pdf": 0, "image/jpeg": 0, "text/html; charset=utf-8": 1, "": 1, "application/octet-stream": 1} {
		got, err := Find(portal(configs.CMSHanweb), page, KindList, body, ct)
		if err != nil || len(got) != want {
			t.Errorf("Content-Type %q: %d links (err %v), want %d", ct, len(got), err, want)
		}
	}
}

func TestFindBadPortal(t *testing.T) {
	p := portal(configs.CMSGeneric)
	p.TitleFilter = "(" // Validate would have caught it; Find must not panic
	page, _ := url.Parse("http://a.gov.cn/")
	if _, err := Find(p, page, KindList, []byte("<a href=x>2022年年报</a>"), ""); err == nil {
		t.Fatal("want an error for a bad title filter")
	}
	if _, err := Find(portal(configs.CMSGeneric), nil, KindList, nil, ""); err == nil {
		t.Fatal("want an error for a nil page")
	}
}

func FuzzFind(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for i, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b, "text/html", false, uint8(i))
		}
	}
	f.Add([]byte(`<datastore><recordset><record><![CDATA[<a href='/art/1.html' title='2022年年报'>]]></record></recordset></datastore>totalRecord:3`), "text/xml", false, uint8(0))
	f.Add([]byte(`<a href="../../a.pdf">x</a><embed src="//evil/x.pdf"><span onclick="open('/b.pdf')">`), "text/html; charset=gbk", true, uint8(1))
	f.Add([]byte(`<script>var countPage = 99999; createPageHTML(99999, 0, "index", "shtml")</script>`), "", false, uint8(3))
	page, _ := url.Parse("http://www.example.gov.cn/col/col12/index.html")
	custom := portal(configs.CMSCustom)
	custom.Selectors = configs.Selectors{ListItem: "ul li a", NextPage: "a.next", PagePattern: "index_{n}.shtml"}
	portals := []configs.Portal{portal(configs.CMSHanweb), portal(configs.CMSTRS), portal(configs.CMSGeneric), custom}
	f.Fuzz(func(t *testing.T, body []byte, contentType string, report bool, which uint8) {
		kind := KindList
		if report {
			kind = KindReport
		}
		links, err := FindLimit(portals[int(which)%len(portals)], page, kind, body, contentType, 20)
		if err != nil {
			return
		}
		lists := 0
		seen := map[string]bool{}
		for _, l := range links {
			u, err := url.Parse(l.URL)
			if err != nil || u.Host != page.Host || (u.Scheme != "http" && u.Scheme != "https") || u.Fragment != "" {
				t.Fatalf("link out of scope: %q", l.URL)
			}
			key := l.Method + l.URL + l.Form.Encode()
			if seen[key] {
				t.Fatalf("duplicate link %q", key)
			}
			seen[key] = true
			if l.Kind == KindList {
				lists++
			}
			if report && l.Kind != KindAttachment {
				t.Fatalf("report page yielded a %s link", l.Kind)
			}
		}
		if lists > 20 {
			t.Fatalf("%d list links, cap is 20", lists)
		}
	})
}
