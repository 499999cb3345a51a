package extract

import (
	"context"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
)

func TestMetadataFromText(t *testing.T) {
	tests := []struct {
		name, text, src     string
		agency              string
		year                int
		date, index, region string
	}{
		{
			name:   "title with spaces and 年度, signature and date",
			text:   "\n海东市市直机关事务管理局 2019年度政府信息公开工作年度报告\n\n正文。\n\n海东市市直机关事务管理局\n\n2020年2月19日\n",
			agency: "海东市市直机关事务管理局", year: 2019, date: "2020-02-19", region: "630200",
		},
		{
			name:   "standalone agency line above a title without a prefix",
			text:   "卫辉市政务和大数据管理局\n\n2021年政府信息公开工作年度报告\n\n正文。\n",
			agency: "卫辉市政务和大数据管理局", year: 2021, region: "410781",
		},
		{
			name: "no title: metadata block, body year, signature",
			text: "12330703766405351H/2022-115518\n单位审核公开\n行政服务中心\n2022-01-11\n主动公开\n一、总体情况\n" +
				"现将我中心2021年信息公开工作报告如下。\n金华市金东区行政服务中心\n2022年1月11日\n",
			agency: "金华市金东区行政服务中心", year: 2021, date: "2022-01-11",
			index: "12330703766405351H/2022-115518", region: "330703",
		},
		{
			name:   "statistics period gives the year",
			text:   "某某单位信息公开材料\n本年报所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n",
			year:   2020,
			agency: "",
		},
		{
			name: "publication year minus one, URL date",
			text: "一、总体情况\n本单位依法公开。\n", src: "http://www.example.gov.cn/art/2023/1/13/art_28646_1016387.html",
			year: 2022, date: "2023-01-13",
		},
		{
			name: "TRS URL date",
			text: "一、总体情况\n本单位依法公开。\n", src: "http://x.gov.cn/ndbg/202201/t20220125_257176.html",
			year: 2021, date: "2022-01-25",
		},
		{
			name:   "prose mentioning a report is not a title",
			text:   "按照要求，现将本局编制的2021年政府信息公开工作年度报告全文公布如下，请社会各界监督，如有疑问请联系办公室，联系电话见网站首页，谢谢大家的关注和支持。\n",
			agency: "", year: 2021, // from the body sentence 现将…2021年…, not as a title
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := New(Options{})
			src := tt.src
			if src == "" {
				src = "x.txt"
			}
			r, err := e.Parse(context.Background(), Source{Name: src}, []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if r.Agency != tt.agency || r.ReportYear != tt.year || r.PublicationDate != tt.date || r.IndexNo != tt.index || r.RegionCode != tt.region {
				t.Errorf("got agency %q year %d date %q index %q region %q\nwant agency %q year %d date %q index %q region %q",
					r.Agency, r.ReportYear, r.PublicationDate, r.IndexNo, r.RegionCode,
					tt.agency, tt.year, tt.date, tt.index, tt.region)
			}
		})
	}
}

func TestMetadataFromPageTitle(t *testing.T) {
	for _, title := range []string{
		"卫辉市政务和大数据管理局2021年政府信息公开工作年度报告-中华人民共和国河南省新乡市卫辉市人民政府门户网站",
		"关于卫辉市政务和大数据管理局2021年政府信息公开工作年度报告的公告",
	} {
		d := &doc.Document{Format: doc.FormatHTML, Title: title, Blocks: []doc.Block{{Text: "一、总体情况"}}}
		e, _ := New(Options{})
		r := e.FromDocument(context.Background(), Source{Name: "p.html"}, d, "")
		if r.Agency != "卫辉市政务和大数据管理局" || r.ReportYear != 2021 || r.RegionCode != "410781" {
			t.Errorf("%s: %q %d %q", title, r.Agency, r.ReportYear, r.RegionCode)
		}
	}
}

// Page metadata from an HTML page (索引号, 发布机构, 发布日期) feeds the
// record when the body lacks them.
func TestMetadataFromPageMeta(t *testing.T) {
	d := &doc.Document{
		Format: doc.FormatHTML,
		Title:  "2021年政府信息公开工作年度报告",
		Meta: []doc.Field{
			{Name: "索引号：", Value: "113308020026488559/2022-00012"},
			{Name: "发布机构", Value: "衢州市柯城区农业农村局"},
			{Name: "发布日期", Value: "2022-01-20"},
		},
		Blocks: []doc.Block{{Text: "一、总体情况"}, {Text: "本局依法公开。"}},
	}
	e, _ := New(Options{})
	r := e.FromDocument(context.Background(), Source{Name: "page.html"}, d, "")
	if r.Agency != "衢州市柯城区农业农村局" || r.ReportYear != 2021 || r.PublicationDate != "2022-01-20" ||
		r.IndexNo != "113308020026488559/2022-00012" || r.RegionCode != "330802" {
		t.Errorf("got %q %d %q %q %q", r.Agency, r.ReportYear, r.PublicationDate, r.IndexNo, r.RegionCode)
	}
	if r.Status != StatusNoTables {
		t.Errorf("status %s, want %s", r.Status, StatusNoTables)
	}
}
