package htmldoc

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
)

func TestCellText(t *testing.T) {
	cases := []struct {
		name, cell, want string
	}{
		{"Word spans split a label mid-word", `<span style='font-family:宋体'>其他对外管理</span><span lang=EN-US>服务事项</span>`, "其他对外管理服务事项"},
		{"line break inside a CJK label from Word's line wrapping", "<span>只计这一情形，不计其他\n  情形</span>", "只计这一情形，不计其他情形"},
		{"line break between Latin words stays a space", "total\nvalue", "total value"},
		{"space between inline elements is kept", `<b>A</b> <i>B</i>`, "A B"},
		{"br is a space", `本年新<br />制作数量`, "本年新 制作数量"},
		{"nbsp only is blank", `<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>`, ""},
		{"ideographic space only is blank", `<span>&#12288;</span>`, ""},
		{"ideographic spaces around a value are trimmed", `&#12288;&#12288;12&#12288;`, "12"},
		{"o:p wrapper around a value", `<span>7<o:p></o:p></span>`, "7"},
		{"zero-width characters vanish", "本年\u200b制发\ufeff件数", "本年制发件数"},
		{"entities are decoded", `A&amp;B &lt;1&gt; &quot;x&quot;`, `A&B <1> "x"`},
		{"script, style and comments are dropped", `1<script>document.write("9")</script><style>td{}</style><!-- 8 -->2`, "12"},
		{"conditional comments are dropped", `<!--[if gte mso 9]><xml>99</xml><![endif]-->5`, "5"},
		{"downlevel-revealed conditionals keep their content", `<![if !supportLists]>1.<![endif]>属于国家秘密`, "1.属于国家秘密"},
		{"paragraphs in a cell join with a space", `<p>第一段</p><p>第二段</p>`, "第一段 第二段"},
		{"whitespace runs collapse", "  a \t\n  b  ", "a b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustRead(t, "<table><tr><td>label</td><td>"+c.cell+"</td></tr></table>")
			tb := onlyTable(t, d)
			if got := tb.Rows[0][1].Text; got != c.want {
				t.Errorf("cell text = %q, want %q", got, c.want)
			}
		})
	}
}

func TestParagraphs(t *testing.T) {
	page := `<body><div>一、总体情况</div><p>第一段<span>续</span></p>甲<br>乙<br/>丙
<h2>二、主动公开</h2><ul><li>项一</li><li>项二</li></ul><noscript>请启用脚本</noscript><template><p>模板</p></template>
<textarea>输入框</textarea><select><option>选项</option></select><p>末段</p></body>`
	d := mustRead(t, page)
	want := []string{"一、总体情况", "第一段续", "甲", "乙", "丙", "二、主动公开", "项一", "项二", "选项", "末段"}
	if got := d.Paragraphs(); !slices.Equal(got, want) {
		t.Errorf("paragraphs:\n%q\nwant:\n%q", got, want)
	}
	if d.Format != doc.FormatHTML {
		t.Errorf("format = %q", d.Format)
	}
	if d.Blocks[1].Loc.Line != 1 || d.Blocks[5].Loc.Line != 2 {
		t.Errorf("lines: %v, %v", d.Blocks[1].Loc, d.Blocks[5].Loc)
	}
}

func TestBodySelection(t *testing.T) {
	chrome := `<div class="nav"><a href="/">首页</a><a>政务公开</a><a>无障碍</a><a>长者版</a></div>
<div class="crumb">当前位置：<a>首页</a> &gt; <a>年报</a></div>`
	footer := `<div class="footer">主办单位：某某市人民政府办公室 版权所有 网站标识码：1234</div>`
	report := `<p>一、总体情况</p><p>本年度共收到申请3件。</p><p>二、主动公开政府信息情况</p>
<table><tr><td>行政许可</td><td>5</td></tr><tr><td>行政处罚</td><td>0</td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>`
	sidebar := `<div class="side"><h3>相关信息</h3><ul><li><a>一、关于印发某某办法的通知</a></li><li><a>某某局2020年政府信息公开工作年度报告</a></li></ul></div>`
	cases := []struct {
		name  string
		page  string
		first string
	}{
		{"Hanweb #zoom", chrome + `<div id="zoom">` + report + `</div>` + footer, "一、总体情况"},
		{"TRS .TRS_Editor in a layout table", `<table><tr><td>` + chrome + `</td></tr><tr><td><div class="TRS_Editor">` + report + `</div></td></tr></table>` + footer, "一、总体情况"},
		{"span.Custom_UnionStyle", chrome + `<span class="Custom_UnionStyle">` + report + `</span>` + footer, "一、总体情况"},
		{"font#zoom", chrome + `<font id="Zoom">` + report + `</font>` + footer, "一、总体情况"},
		{"scored: unknown container among chrome and a link sidebar", chrome + sidebar + `<div class="c"><div class="txt">` + report + `</div><div class="tools"><a>打印本页</a> <a>关闭窗口</a></div></div>` + footer, "一、总体情况"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustRead(t, c.page)
			paras := d.Paragraphs()
			if len(paras) == 0 || paras[0] != c.first {
				t.Fatalf("paragraphs = %q, want first %q", paras, c.first)
			}
			all := strings.Join(paras, "\n")
			for _, noise := range []string{"首页", "当前位置", "无障碍", "长者版", "网站标识码", "相关信息", "关于印发", "打印本页"} {
				if strings.Contains(all, noise) {
					t.Errorf("chrome %q in body:\n%s", noise, all)
				}
			}
			if len(d.Tables()) != 1 {
				t.Errorf("tables = %d, want 1", len(d.Tables()))
			}
			if !strings.Contains(all, "四、政府信息公开行政复议、行政诉讼情况") {
				t.Errorf("body lost its last section:\n%s", all)
			}
		})
	}

	t.Run("report tables outside the known container are taken in", func(t *testing.T) {
		page := chrome + `<div id="zoom"><p>一、总体情况</p><p>本年度共收到申请3件，详见下表。</p></div>` +
			`<table><tr><td colspan="5">行政复议</td></tr><tr><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>` +
			`<table><tr><td>索引号</td><td>发布机构</td></tr><tr><td>X1</td><td>某局</td></tr></table>` + footer
		d := mustRead(t, page)
		if len(d.Tables()) != 1 || d.Tables()[0].Rows[0][0].Text != "行政复议" {
			t.Fatalf("tables = %d", len(d.Tables()))
		}
		if got := d.Paragraphs(); len(got) != 2 || got[0] != "一、总体情况" {
			t.Errorf("paragraphs = %q", got)
		}
		if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "widened") {
			t.Errorf("warnings = %q", d.Warnings)
		}
	})
	t.Run("a hidden copy of the body's tables is not taken in", func(t *testing.T) {
		table := `<table><tr><td colspan="5">行政复议</td></tr><tr><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>`
		d := mustRead(t, `<div id="zoom"><p>一、总体情况</p><p>正文正文正文正文</p>`+table+`</div><div id="print" style="display:none">`+table+`</div>`)
		if len(d.Tables()) != 1 || len(d.Warnings) != 0 {
			t.Errorf("tables = %d, warnings %q", len(d.Tables()), d.Warnings)
		}
	})
	t.Run("a known container that is empty is passed over", func(t *testing.T) {
		d := mustRead(t, `<div id="zoom"> </div><div>`+report+`</div>`)
		if p := d.Paragraphs(); len(p) == 0 || p[0] != "一、总体情况" {
			t.Errorf("paragraphs = %q", p)
		}
	})
	t.Run("a page without structure is read whole", func(t *testing.T) {
		d := mustRead(t, "第一行<br>第二行")
		if got := d.Paragraphs(); !slices.Equal(got, []string{"第一行", "第二行"}) {
			t.Errorf("paragraphs = %q", got)
		}
	})
}

func TestTitle(t *testing.T) {
	cases := []struct {
		name, page, want string
	}{
		{"heading repeating <title> beats the logo h1",
			`<title>某局2021年政府信息公开工作年度报告_某市人民政府</title><h1><a href="/">某市人民政府</a></h1><div class="nav"><a>首页</a></div><div class="article-title">某局2021年政府信息公开工作年度报告</div><div id="zoom"><p>一、总体情况</p><p>正文正文正文正文正文正文正文正文</p></div>`,
			"某局2021年政府信息公开工作年度报告"},
		{"h1 without <title>", `<h1>某局2022年政府信息公开工作年度报告</h1><p>一、总体情况</p>`, "某局2022年政府信息公开工作年度报告"},
		{"<title> minus site suffix when there is no heading", `<title> 某局2019年度政府信息公开工作年度报告 - 某某区政府网 </title><p>正文</p>`, "某局2019年度政府信息公开工作年度报告"},
		{"<title> with a pipe", `<title>某局2019年报告|某区</title><p>正文</p>`, "某局2019年报告"},
		{"ArticleTitle <meta> before <title>", `<head><meta name="ArticleTitle" content="某局2020年政府信息公开工作年度报告"><title>某局2020年报_某区</title></head><p>正文</p>`, "某局2020年政府信息公开工作年度报告"},
		{"section headings in h1 are not the title", `<title>某市人民政府</title><div class="title">某局2021年政府信息公开工作年度报告</div><div id="zoom"><h1>一、总体情况</h1><p>正文正文正文正文正文正文正文正文</p></div>`, "某局2021年政府信息公开工作年度报告"},
		{"no title at all", `<p>正文</p>`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := mustRead(t, c.page).Title; got != c.want {
				t.Errorf("title = %q, want %q", got, c.want)
			}
		})
	}
}

func TestMeta(t *testing.T) {
	cases := []struct {
		name, page string
		want       []doc.Field
	}{
		{"Hanweb labels with values in the next row",
			`<table><tr><td>索引号</td><td>公开方式</td><td>发布机构</td></tr><tr><td>0144/2022-001</td><td>主动公开</td><td>某某局</td></tr></table><div id="zoom"><p>一、总体情况</p><p>正文正文正文正文正文正文</p></div>`,
			[]doc.Field{{Name: "索引号", Value: "0144/2022-001"}, {Name: "公开方式", Value: "主动公开"}, {Name: "发布机构", Value: "某某局"}}},
		{"label | value pairs with colons and spanned values",
			`<table><tr><td>索引号：</td><td>A/2022-1</td><td>发布日期：</td><td colspan="2">2022-01-11</td></tr><tr><td>发文字号</td><td></td><td>有效性</td><td>有效</td><td></td></tr></table><div id="zoom"><p>正文正文正文正文正文正文正文</p></div>`,
			[]doc.Field{{Name: "索引号", Value: "A/2022-1"}, {Name: "发布日期", Value: "2022-01-11"}, {Name: "有效性", Value: "有效"}}},
		{"label：value spans on one line, page furniture cut off",
			`<div class="info"><span>索引号：12330703766405351H/2022-115518</span> <span>发布机构：行政服务中心</span> <span>发布时间：2022-01-11 10:02</span> <span>浏览次数：34</span></div><div id="zoom"><p>正文正文正文正文正文正文正文</p></div>`,
			[]doc.Field{{Name: "索引号", Value: "12330703766405351H/2022-115518"}, {Name: "发布机构", Value: "行政服务中心"}, {Name: "发布时间", Value: "2022-01-11 10:02"}}},
		{"body sentences are not metadata",
			`<div id="zoom"><p>一、总体情况</p><p>本报告的发布机构：由办公室负责编制和发布，时间较长的说明文字不当作元数据处理。这里再写一些字使其足够长以超过阈值，确保不会误判。</p></div>`,
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mustRead(t, c.page).Meta
			if !slices.Equal(got, c.want) {
				t.Errorf("meta = %q, want %q", got, c.want)
			}
		})
	}
}

// fixture describes what a hand-written page in ../testdata/html must read as.
type fixture struct {
	file      string
	title     string
	meta      []doc.Field
	tableRows []int // rows of the three report tables
	first     string
	last      string
	absent    []string // chrome that must not reach the body
	warning   string   // substring of a required warning; "" means no warnings
	template  string   // "2019" or "2021"
}

var fixtures = []fixture{
	{
		file:      "hanweb_2021_utf8.html",
		title:     "衢州市柯城区农业农村局2021年政府信息公开工作年度报告",
		meta:      []doc.Field{{Name: "SiteName", Value: "衢州市柯城区人民政府"}, {Name: "ArticleTitle", Value: "衢州市柯城区农业农村局2021年政府信息公开工作年度报告"}, {Name: "PubDate", Value: "2022-01-20 16:42"}, {Name: "索引号", Value: "113308020026488559/2022-00012"}, {Name: "公开方式", Value: "主动公开"}, {Name: "发布机构", Value: "柯城区农业农村局"}, {Name: "发布日期", Value: "2022-01-20"}, {Name: "来源", Value: "柯城区农业农村局"}},
		tableRows: []int{14, 28, 4},
		first:     "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。",
		last:      "2022年1月20日",
		absent:    []string{"首页", "当前位置", "无障碍", "长者版", "网站标识码", "打印本页", "一、广告位", "浏览器版本过低", "不应出现的列表项", "索引号"},
		template:  "2021",
	},
	{
		file:      "word_2019_blanks.html",
		title:     "上海市黄浦区民政局2019年政府信息公开工作年度报告",
		meta:      []doc.Field{{Name: "索引号", Value: "113101010024812908/2020-00003"}, {Name: "发布机构", Value: "黄浦区民政局"}, {Name: "发布日期", Value: "2020-01-21"}},
		tableRows: []int{18, 26, 4},
		first:     "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由上海市黄浦区民政局编制。报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。",
		last:      "2020年1月21日",
		absent:    []string{"首页", "您现在的位置", "无障碍", "网站标识码", "分享到", "changeSize"},
		template:  "2019",
	},
	{
		file:      "trs_2021_gbk.html",
		title:     "舒兰市水利局2021年政府信息公开工作年度报告",
		meta:      []doc.Field{{Name: "发布时间", Value: "2022-01-25"}, {Name: "来源", Value: "舒兰市水利局"}},
		tableRows: []int{14, 28, 4},
		first:     "本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
		last:      "2022年1月25日",
		absent:    []string{"首页", "您当前的位置", "网站标识码", "TRS_Editor", "margin-top"},
		template:  "2021",
	},
	{
		file:      "custom_2022_malformed.html",
		title:     "金水区城市管理局2022年政府信息公开工作年度报告",
		meta:      []doc.Field{{Name: "发布时间", Value: "2023-01-16 09:30"}, {Name: "信息来源", Value: "金水区城市管理局"}},
		tableRows: []int{14, 28, 4},
		first:     "根据《中华人民共和国政府信息公开条例》规定，现将金水区城市管理局2022年度政府信息公开工作情况报告如下。",
		last:      "2023年1月16日",
		absent:    []string{"首页", "当前位置", "无障碍", "长者版", "相关年报", "2021年政府信息公开工作年度报告", "打印本页", "网站标识码"},
		template:  "2021",
	},
}

func readFixture(t testing.TB, file string) *doc.Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "html", file))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(context.Background(), data, "")
	if err != nil {
		t.Fatalf("Read(%s): %v", file, err)
	}
	return d
}

func TestFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			d := readFixture(t, f.file)
			if d.Title != f.title {
				t.Errorf("title = %q, want %q", d.Title, f.title)
			}
			if !slices.Equal(d.Meta, f.meta) {
				t.Errorf("meta = %q\nwant %q", d.Meta, f.meta)
			}
			if f.warning == "" && len(d.Warnings) > 0 {
				t.Errorf("warnings: %q", d.Warnings)
			}
			var got []int
			for _, tb := range d.Tables() {
				got = append(got, len(tb.Rows))
			}
			if !slices.Equal(got, f.tableRows) {
				t.Errorf("table rows = %v, want %v", got, f.tableRows)
			}
			paras := d.Paragraphs()
			if len(paras) == 0 || paras[0] != f.first || paras[len(paras)-1] != f.last {
				t.Fatalf("paragraphs from %q to %q", paras[0], paras[len(paras)-1])
			}
			// The six section headings, in order, each a paragraph of its own.
			var heads []string
			for _, p := range paras {
				if sectionMarker(p) > 0 && len([]rune(p)) < 40 {
					heads = append(heads, p[:len("一")])
				}
			}
			if strings.Join(heads, "") != "一二三四五六" {
				t.Errorf("section headings %q", heads)
			}
			body := strings.Join(paras, "\n")
			for _, a := range f.absent {
				if strings.Contains(body, a) {
					t.Errorf("%q leaked into the body", a)
				}
			}
		})
	}
}

// gold holds the values of a *.gold.tsv file, in template order.
type gold struct {
	active, requests, appeals []string
	header                    map[string]string
}

func readGold(t *testing.T, file string) gold {
	t.Helper()
	fh, err := os.Open(filepath.Join("..", "testdata", "html", strings.TrimSuffix(file, ".html")+".gold.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	g := gold{header: map[string]string{}}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": "); ok && strings.HasPrefix(line, "# ") {
			g.header[k] = v
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("gold line %q has %d fields", line, len(f))
		}
		switch f[0] {
		case "active":
			g.active = append(g.active, f[3])
		case "requests":
			g.requests = append(g.requests, f[3])
		case "appeals":
			g.appeals = append(g.appeals, f[3])
		}
	}
	return g
}

// TestFixturesAgainstGold reads each fixture's value cells straight off
// the grid, by position, and compares them with the hand-written gold
// file: the gold was written from the page by hand, so a difference is a
// reader bug or a gold typo, and both matter.
func TestFixturesAgainstGold(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			g := readGold(t, f.file)
			if g.header["template.active"] != f.template || g.header["template.requests"] != f.template {
				t.Fatalf("gold templates %q/%q, fixture says %s", g.header["template.active"], g.header["template.requests"], f.template)
			}
			tables := d3(t, readFixture(t, f.file))

			// 二: every origin cell right of the row label, except caption and header rows.
			var active []string
			for _, row := range tables[0].Rows {
				if strings.HasPrefix(row[0].Text, "第二十条") || row[0].Text == "信息内容" {
					continue
				}
				for _, c := range row[1:] {
					if !c.Spanned {
						active = append(active, c.Text)
					}
				}
			}
			if !slices.Equal(active, g.active) {
				t.Errorf("section 二 values\n got %q\nwant %q", active, g.active)
			}

			// 三: the last 7 cells of every row below the 3 header rows.
			var requests []string
			for _, row := range tables[1].Rows[3:] {
				if len(row) != 10 {
					t.Fatalf("section 三 row has %d cells: %q", len(row), rows(&doc.Table{Rows: [][]doc.Cell{row}}))
				}
				for _, c := range row[3:] {
					requests = append(requests, c.Text)
				}
			}
			if !slices.Equal(requests, g.requests) {
				t.Errorf("section 三 values\n got %q\nwant %q", requests, g.requests)
			}

			// 四: the 15 cells of the data row.
			var appeals []string
			for _, c := range tables[2].Rows[3] {
				appeals = append(appeals, c.Text)
			}
			if !slices.Equal(appeals, g.appeals) {
				t.Errorf("section 四 values\n got %q\nwant %q", appeals, g.appeals)
			}
		})
	}
}

func d3(t *testing.T, d *doc.Document) []*doc.Table {
	t.Helper()
	tables := d.Tables()
	if len(tables) != 3 {
		t.Fatalf("got %d tables, want 3", len(tables))
	}
	return tables
}

func TestReadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Read(ctx, []byte("<p>x</p>"), "")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestNoReferenceToInput overwrites the input after Read: the document
// must not change, because it must not keep the input alive.
func TestNoReferenceToInput(t *testing.T) {
	data := []byte(`<title>标题标题</title><table><tr><td>标签</td><td>42</td></tr></table><p>段落</p><div>索引号：X1</div>`)
	d, err := Read(context.Background(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	before := render(d)
	for i := range data {
		data[i] = 'x'
	}
	if after := render(d); after != before {
		t.Errorf("document changed with its input:\n%s\n%s", before, after)
	}
}

func render(d *doc.Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n")
	for _, m := range d.Meta {
		b.WriteString(m.Name + "=" + m.Value + "\n")
	}
	for _, blk := range d.Blocks {
		if blk.Table != nil {
			b.WriteString(strings.Join(rows(blk.Table), "\n") + "\n")
		} else {
			b.WriteString(blk.Text + "\n")
		}
	}
	return b.String()
}
