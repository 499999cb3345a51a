package farm

import (
	"bytes"
	"fmt"
	"html"
	"strings"
)

// tcell is one cell of a template table. A value cell names its codebook
// key and takes its text from the report's values.
type tcell struct {
	text    string // "\n" is a line break (<br /> in HTML, <w:br/> in DOCX)
	key     string
	colspan int
	rowspan int
}

type ttable [][]tcell

func lbl(text string) tcell              { return tcell{text: text} }
func span(text string, cs, rs int) tcell { return tcell{text: text, colspan: cs, rowspan: rs} }
func val(key string, cs int) tcell       { return tcell{key: key, colspan: cs} }

// text returns the printed text of c for report r.
func (c tcell) print(r Report) string {
	if c.key != "" {
		return format(r.Values[c.key])
	}
	if r.VariantLabels {
		return variantLabel(c.text)
	}
	return c.text
}

// labelVariants are spellings of template labels seen in real reports
// (domain spec §1.2–1.4): ASCII parentheses and commas with spaces, a space
// after the number, the short 其他法律法规禁止公开, 规范性文件 in a 2021
// table, and the fee header that asks for 4 decimals.
var labelVariants = strings.NewReplacer(
	"（区分处理的，只计这一情形，不计其他情形）", " (区分处理的, 只计这一情形, 不计其他情形)",
	"（一）", "(一) ", "（二）", "(二) ", "（三）", "(三) ", "（四）", "(四) ", "（五）", "(五) ", "（六）", "(六) ", "（七）", "(七) ",
	"1.", "1. ", "2.", "2. ", "3.", "3. ", "4.", "4. ", "5.", "5. ", "6.", "6. ", "7.", "7. ", "8.", "8. ",
	"其他法律行政法规禁止公开", "其他法律法规禁止公开",
	"行政规范性文件", "规范性文件",
	"本年收费金额（单位：万元）", "本年收费金额（单位：万元，保留4位小数）",
)

// variantLabel respells a label; captions (第二十条第（一）项) and the section
// 三 corner note keep their official form.
func variantLabel(s string) string {
	if strings.HasPrefix(s, "第二十条") || strings.HasPrefix(s, "（本列数据") {
		return s
	}
	return labelVariants.Replace(s)
}

// activeTable lays out section 二 as one table of four columns with a
// caption row per article item, as the official templates do.
func activeTable(tmpl string) ttable {
	var t ttable
	caption := func(item string) { t = append(t, []tcell{span("第二十条第（"+item+"）项", 4, 1)}) }
	rows3 := func(labels map[string]string, order []string, cols ...string) {
		for _, row := range order {
			line := []tcell{lbl(labels[row])}
			for _, c := range cols {
				line = append(line, val("active."+row+"."+c, 1))
			}
			t = append(t, line)
		}
	}
	if tmpl == "2019" {
		caption("一")
		t = append(t, []tcell{lbl("信息内容"), lbl("本年新\n制作数量"), lbl("本年新\n公开数量"), lbl("对外公开\n总数量")})
		rows3(map[string]string{"regulations": "规章", "normative_docs": "规范性文件"}, []string{"regulations", "normative_docs"},
			"newly_made", "newly_published", "total_published")
		for _, item := range []struct {
			n    string
			rows []string
		}{{"五", []string{"admin_licensing", "other_services"}}, {"六", []string{"admin_penalty", "admin_coercion"}}} {
			caption(item.n)
			t = append(t, []tcell{lbl("信息内容"), lbl("上一年\n项目数量"), lbl("本年\n增/减"), lbl("处理决定\n数量")})
			rows3(map[string]string{"admin_licensing": "行政许可", "other_services": "其他对外管理服务事项",
				"admin_penalty": "行政处罚", "admin_coercion": "行政强制"}, item.rows, "prev_items", "change", "decisions")
		}
		caption("八")
		t = append(t, []tcell{lbl("信息内容"), lbl("上一年\n项目数量"), span("本年\n增/减", 2, 1)},
			[]tcell{lbl("行政事业性收费"), val("active.admin_fees.prev_items", 1), val("active.admin_fees.change", 2)})
		caption("九")
		t = append(t, []tcell{lbl("信息内容"), lbl("采购\n项目数量"), span("采购\n总金额", 2, 1)},
			[]tcell{lbl("政府集中采购"), val("active.procurement.items", 1), val("active.procurement.amount", 2)})
		return t
	}
	caption("一")
	t = append(t, []tcell{lbl("信息内容"), lbl("本年制发件数"), lbl("本年废止件数"), lbl("现行有效件数")})
	rows3(map[string]string{"regulations": "规章", "normative_docs": "行政规范性文件"}, []string{"regulations", "normative_docs"},
		"issued", "repealed", "in_force")
	caption("五")
	t = append(t, []tcell{lbl("信息内容"), span("本年处理决定数量", 3, 1)},
		[]tcell{lbl("行政许可"), val("active.admin_licensing.decisions", 3)})
	caption("六")
	t = append(t, []tcell{lbl("信息内容"), span("本年处理决定数量", 3, 1)},
		[]tcell{lbl("行政处罚"), val("active.admin_penalty.decisions", 3)},
		[]tcell{lbl("行政强制"), val("active.admin_coercion.decisions", 3)})
	caption("八")
	t = append(t, []tcell{lbl("信息内容"), span("本年收费金额（单位：万元）", 3, 1)},
		[]tcell{lbl("行政事业性收费"), val("active.admin_fees.fee_amount", 3)})
	return t
}

// requestsTable lays out section 三 with the template's three header rows
// and rowspan groups (三、本年度办理结果 spans 22 rows in 2021, 20 in 2019).
func requestsTable(tmpl string) ttable {
	values := func(row string) []tcell {
		out := make([]tcell, len(requestCols))
		for i, c := range requestCols {
			out[i] = val("requests."+row+"."+c, 1)
		}
		return out
	}
	line := func(head []tcell, row string) []tcell { return append(head, values(row)...) }
	group := func(label string, rows []string, labels []string) ttable {
		var g ttable
		for i, row := range rows {
			head := []tcell{lbl(labels[i])}
			if i == 0 {
				head = []tcell{span(label, 1, len(rows)), lbl(labels[i])}
			}
			g = append(g, line(head, row))
		}
		return g
	}
	outcomes := 22
	if tmpl == "2019" {
		outcomes = 20
	}
	t := ttable{
		{span("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), span("申请人情况", 7, 1)},
		{span("自然人", 1, 2), span("法人或其他组织", 5, 1), span("总计", 1, 2)},
		{lbl("商业企业"), lbl("科研机构"), lbl("社会公益组织"), lbl("法律服务机构"), lbl("其他")},
		line([]tcell{span("一、本年新收政府信息公开申请数量", 3, 1)}, "new"),
		line([]tcell{span("二、上年结转政府信息公开申请数量", 3, 1)}, "carried_over"),
		line([]tcell{span("三、本年度办理结果", 1, outcomes), span("（一）予以公开", 2, 1)}, "disclosed"),
		line([]tcell{span("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 2, 1)}, "partially_disclosed"),
	}
	prefix := func(p string, keys []string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = p + k
		}
		return out
	}
	t = append(t, group("（三）不予公开", prefix("withheld.", withheld), []string{"1.属于国家秘密", "2.其他法律行政法规禁止公开",
		"3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"})...)
	t = append(t, group("（四）无法提供", prefix("unable.", unable), []string{"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
		"3.补正后申请内容仍不明确"})...)
	t = append(t, group("（五）不予处理", prefix("not_processed.", notProc), []string{"1.信访举报投诉类申请", "2.重复申请",
		"3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"})...)
	if tmpl == "2019" {
		t = append(t, line([]tcell{span("（六）其他处理", 2, 1)}, "other"))
	} else {
		t = append(t, group("（六）其他处理", prefix("other.", other2021), []string{
			"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
			"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"})...)
	}
	t = append(t,
		line([]tcell{span("（七）总计", 2, 1)}, "total"),
		line([]tcell{span("四、结转下年度继续办理", 3, 1)}, "carried_forward"))
	return t
}

// appealsTable lays out section 四: three header rows and one data row of 15.
func appealsTable() ttable {
	outcomes := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	var second, third, data []tcell
	for _, o := range outcomes {
		second = append(second, span(o, 1, 2))
	}
	second = append(second, span("未经复议直接起诉", 5, 1), span("复议后起诉", 5, 1))
	for range 2 {
		for _, o := range outcomes {
			third = append(third, lbl(o))
		}
	}
	for _, r := range appealRows {
		for _, c := range appealCols {
			data = append(data, val("appeals."+r+"."+c, 1))
		}
	}
	return ttable{{span("行政复议", 5, 1), span("行政诉讼", 10, 1)}, second, third, data}
}

// pageStyle is how one site dresses a report page.
type pageStyle struct {
	charset   string // declared in <meta>; "" declares none
	container string // attributes of the body container, e.g. id="zoom"
	links     []attachmentLink
}

type attachmentLink struct{ href, text string }

// RenderHTML lays out a full report page for r: title, metadata, sections
// 一 to 六 with the section 二, 三 and 四 tables of r's template (real
// colspan and rowspan structure, exact labels), the signature and the
// publication date. The page is UTF-8.
func RenderHTML(r Report) []byte {
	return renderPage(r, pageStyle{charset: "utf-8", container: `class="article-content"`})
}

func renderPage(r Report, st pageStyle) []byte {
	var b bytes.Buffer
	esc := html.EscapeString
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("<!DOCTYPE html>\n<html>\n<head>\n")
	if st.charset != "" {
		p(`<meta http-equiv="Content-Type" content="text/html; charset=%s">`+"\n", st.charset)
	}
	p("<title>%s</title>\n</head>\n<body>\n", esc(r.Title()))
	p(`<div class="crumbs"><a href="/">首页</a> &gt; 政府信息公开 &gt; 政府信息公开年报</div>` + "\n")
	p(`<table class="xxgk-meta"><tr><td>索引号</td><td>发布机构</td><td>发布日期</td></tr><tr><td>%s</td><td>%s</td><td>%s</td></tr></table>`+"\n",
		esc(r.IndexNo), esc(r.Agency), esc(r.Published))
	p("<div %s>\n<h1>%s</h1>\n", st.container, esc(r.Title()))
	for _, para := range narrative(r) {
		if t, ok := sectionTables(r)[para]; ok {
			p("<p><strong>%s</strong></p>\n", esc(para))
			writeHTMLTable(&b, r, t)
			continue
		}
		p("<p>%s</p>\n", esc(para))
	}
	p(`<p style="text-align:right">%s</p>`+"\n"+`<p style="text-align:right">%s</p>`+"\n", esc(r.Agency), esc(chineseDate(r.Published)))
	if len(st.links) > 0 {
		p("<p>附件：</p>\n<ul class=\"attachments\">\n")
		for _, l := range st.links {
			p(`<li><a href="%s">%s</a></li>`+"\n", esc(l.href), esc(l.text))
		}
		p("</ul>\n")
	}
	p("</div>\n</body>\n</html>\n")
	return b.Bytes()
}

func writeHTMLTable(b *bytes.Buffer, r Report, t ttable) {
	b.WriteString(`<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">` + "\n<tbody>\n")
	for _, row := range t {
		b.WriteString("<tr>")
		for _, c := range row {
			b.WriteString("<td")
			if c.colspan > 1 {
				fmt.Fprintf(b, ` colspan="%d"`, c.colspan)
			}
			if c.rowspan > 1 {
				fmt.Fprintf(b, ` rowspan="%d"`, c.rowspan)
			}
			b.WriteString(`><p style="text-align:center">`)
			b.WriteString(strings.ReplaceAll(html.EscapeString(c.print(r)), "\n", "<br />"))
			b.WriteString("</p></td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

// The six section headings of the 2021 outline; a table follows 二, 三 and 四.
const (
	sec1 = "一、总体情况"
	sec2 = "二、主动公开政府信息情况"
	sec3 = "三、收到和处理政府信息公开申请情况"
	sec4 = "四、政府信息公开行政复议、行政诉讼情况"
	sec5 = "五、存在的主要问题及改进情况"
	sec6 = "六、其他需要报告的事项"
)

func sectionTables(r Report) map[string]ttable {
	return map[string]ttable{sec2: activeTable(r.Template), sec3: requestsTable(r.Template), sec4: appealsTable()}
}

// narrative is the report's text in order, section headings included. Its
// numbers agree with the tables (R10, R11).
func narrative(r Report) []string {
	y := r.Year
	intro := fmt.Sprintf("本报告根据《中华人民共和国政府信息公开条例》要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"+
		"政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自%d年1月1日起至%d年12月31日止。", y, y)
	overall := fmt.Sprintf("%d年，%s深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，", y, r.Agency)
	if n := r.Values["requests.new.total"]; n == nil || *n == 0 {
		overall += "本年度未收到政府信息公开申请。"
	} else {
		overall += fmt.Sprintf("全年共收到政府信息公开申请%s件，均在法定期限内答复。", format(n))
	}
	appeals := "本年度发生的政府信息公开行政复议、行政诉讼情况如下表。"
	if total := sum(r, "appeals.review.total", "appeals.litigation_direct.total", "appeals.litigation_after_review.total"); total == 0 {
		appeals = "本年度未发生政府信息公开行政复议、行政诉讼案件。"
	}
	fees := "本年度未发出收费通知，未收取信息处理费。"
	if r.Template == "2019" {
		fees = "无其他需要报告的事项。"
	}
	return []string{intro, sec1, overall, sec2, sec3, sec4, appeals, sec5,
		"一是政策解读形式还不够丰富；二是基层公开标准化规范化水平有待提升。下一步将加强培训，提高公开质量。", sec6, fees}
}

func sum(r Report, keys ...string) float64 {
	s := 0.0
	for _, k := range keys {
		if v := r.Values[k]; v != nil {
			s += *v
		}
	}
	return s
}

// chineseDate prints 2023-01-20 as 2023年1月20日.
func chineseDate(iso string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(iso, "%d-%d-%d", &y, &m, &d); err != nil {
		return iso
	}
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}
