package farm

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const (
	hanwebColumnID = "1229000001"
	hanwebColumn   = "/col/col" + hanwebColumnID + "/index.html"
	hanwebProxy    = "/module/web/jpage/dataproxy.jsp"
	hanwebPerPage  = 3 // the column page embeds groupSize × perPage = 9 records
	trsBase        = "/zfxxgk/ndbg/"
	trsPages       = 3
	genericBase    = "/xxgk/ndbg/"
	genericPages   = 3
	benchPerList   = 20
)

// item is one entry of a listing.
type item struct{ title, href, date string }

// reportPath is where a report's page lives, in the URL shape of its site.
func reportPath(r *reportSpec) string {
	if r.path != "" {
		return r.path
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(r.ID, "r"))
	var y, m, d int
	fmt.Sscanf(r.Published, "%d-%d-%d", &y, &m, &d)
	switch r.site {
	case SiteHanweb:
		return fmt.Sprintf("/art/%d/%d/%d/art_%s_%d.html", y, m, d, hanwebColumnID, 4000+n)
	case SiteTRS:
		return fmt.Sprintf("%s%d%02d/t%d%02d%02d_%d.html", trsBase, y, m, y, m, d, 258000+n)
	default:
		return fmt.Sprintf("%scontent_%d.html", genericBase, 500+n)
	}
}

// listing returns the entries of one page of a site's listing: its reports
// first, then pages that are not reports (news, a work summary, a notice
// about the reports) and one link into the robots-disallowed path, so a
// crawler that ignores robots.txt is caught.
func (f *Farm) listing(site string, page int) []item {
	var out []item
	for _, id := range sortedIDs(f.reports) {
		r := f.reports[id]
		if r.site == site && r.page == page {
			out = append(out, item{r.Title(), r.path, r.Published})
		}
	}
	switch site + strconv.Itoa(page) {
	case SiteHanweb + "0":
		out = append(out,
			item{"西湖区召开2023年政务公开工作推进会", "/art/2023/1/18/art_1229000001_5001.html", "2023-01-18"},
			item{"西湖区2022年政务公开工作总结", "/art/2023/1/16/art_1229000001_5002.html", "2023-01-16"},
			item{"杭州市西湖区人民政府2022年政府信息公开工作年度报告（内部审核稿）", "/private/art_1229000001_5003.html", "2023-01-15"},
			item{"关于印发政府信息公开工作年度报告格式的通知", "/art/2021/10/9/art_1229000001_5004.html", "2021-10-09"},
			item{"西湖区开展“政府开放日”活动", "/art/2022/12/9/art_1229000001_5005.html", "2022-12-09"},
			item{"西湖区政务服务中心调整办公时间的公告", "/art/2022/11/2/art_1229000001_5006.html", "2022-11-02"},
			item{"西湖区2022年重点领域信息公开清单", "/art/2022/10/20/art_1229000001_5007.html", "2022-10-20"},
			item{"西湖区召开政务公开业务培训会", "/art/2022/9/5/art_1229000001_5008.html", "2022-09-05"})
	case SiteHanweb + "1":
		out = append(out,
			item{"西湖区2020年政务公开工作总结", "/art/2021/1/20/art_1229000001_5011.html", "2021-01-20"},
			item{"西湖区召开政务公开工作推进会", "/art/2020/12/1/art_1229000001_5012.html", "2020-12-01"},
			item{"西湖区政府信息公开指南", "/art/2020/6/1/art_1229000001_5013.html", "2020-06-01"},
			item{"西湖区开展政务公开宣传周活动", "/art/2020/5/15/art_1229000001_5014.html", "2020-05-15"})
	case SiteTRS + "0":
		out = append(out,
			item{"舒兰市召开2022年春节安全生产工作会议", trsBase + "202201/t20220110_257900.html", "2022-01-10"},
			item{"舒兰市2021年政务公开工作总结", trsBase + "202201/t20220105_257800.html", "2022-01-05"})
	case SiteTRS + "1":
		out = append(out,
			item{"舒兰市政府信息公开指南", trsBase + "202106/t20210601_250100.html", "2021-06-01"},
			item{"舒兰市人民政府2021年政府信息公开工作年度报告（征求意见稿）", trsBase + "draft/t20220101_1.html", "2022-01-01"},
			item{"舒兰市开展政务公开培训", trsBase + "202105/t20210510_250000.html", "2021-05-10"})
	case SiteTRS + "2":
		out = append(out, item{"舒兰市2019年政务公开工作要点", trsBase + "201903/t20190301_200000.html", "2019-03-01"})
	case SiteGeneric + "0":
		out = append(out,
			item{"杨陵区2023年政务公开工作总结", genericBase + "content_701.html", "2024-01-15"},
			item{"杨陵区开展“政府开放日”活动", genericBase + "content_702.html", "2023-12-01"})
	case SiteGeneric + "1":
		out = append(out,
			item{"杨陵区政务公开专题培训会召开", genericBase + "content_703.html", "2023-09-01"},
			item{"杨陵区人民政府2023年政府信息公开工作年度报告（内部征求意见稿）", "/private/draft.html", "2024-03-01"},
			item{"杨陵区政府信息公开指南", genericBase + "content_704.html", "2023-06-01"})
	case SiteGeneric + "2":
		out = append(out, item{"海东市2023年政务公开工作要点", genericBase + "content_705.html", "2023-04-01"})
	}
	return out
}

// serveReport answers a report page, dressed and encoded as its site does.
func (f *Farm) serveReport(w http.ResponseWriter, r *http.Request, spec *reportSpec) {
	rep, mod, files := f.report(spec.ID)
	st := pageStyle{charset: "utf-8", container: `class="article-content"`}
	switch spec.site {
	case SiteHanweb:
		st.container = `id="zoom"`
	case SiteTRS:
		st.charset, st.container = "gb2312", `class="TRS_Editor"`
	}
	if spec.lying {
		st.charset = "" // the header is the only declaration, and it lies
	}
	for _, h := range files {
		href := h.href
		if spec.site == SiteTRS {
			href = "./" + path.Base(h.href) // TRS links attachments relative to the article
		}
		st.links = append(st.links, attachmentLink{href: href, text: h.title})
	}
	body := renderPage(rep, st)
	ct := "text/html; charset=UTF-8"
	if spec.charset == "gbk" {
		body = gbk(body)
		switch {
		case spec.lying:
			ct = "text/html; charset=utf-8"
		case spec.metaOnly:
			ct = "text/html"
		default:
			ct = "text/html; charset=GBK"
		}
	}
	serve(w, r, body, ct, mod)
}

func (f *Farm) reportAt(site, p string) *reportSpec {
	for _, r := range f.reports {
		if r.site == site && r.path == p {
			return r
		}
	}
	return nil
}

// newsPage is an ordinary article: not a report.
func newsPage(title, charset, container string) []byte {
	t := html.EscapeString(title)
	return fmt.Appendf(nil, `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s"><title>%s</title></head>
<body><div class="crumbs"><a href="/">首页</a> &gt; 新闻动态</div>
<div %s><h1>%s</h1><p>近日，有关部门召开会议，传达学习上级文件精神，部署下一阶段工作。</p>
<p>会议强调，要坚持以公开为常态、不公开为例外，持续提升政务公开质量。</p></div></body></html>
`, charset, t, container, t)
}

func gbk(b []byte) []byte {
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
	if err != nil {
		return b
	}
	return out
}

func queryEscape(s string) string { return url.QueryEscape(s) }

// ---- Hanweb ----------------------------------------------------------------

func (f *Farm) hanwebRecords() []item {
	return append(f.listing(SiteHanweb, 0), f.listing(SiteHanweb, 1)...)
}

func recordXML(b *bytes.Buffer, items []item) {
	b.WriteString("<recordset>\n")
	for _, it := range items {
		t := html.EscapeString(it.title)
		fmt.Fprintf(b, "<record><![CDATA[<li><a href='%s' title='%s' target='_blank'>%s</a><span>%s</span></li>]]></record>\n",
			html.EscapeString(it.href), t, t, it.date)
	}
	b.WriteString("</recordset>\n")
}

const hanwebWebName = "西湖区"

func hanwebNextGroup(page int) string {
	return fmt.Sprintf(`<nextgroup><![CDATA[<a href="%s?page=%d&appid=1&webid=3081&path=/&columnid=%s&unitid=4215&webname=%s&permissiontype=0"></a>]]></nextgroup>`,
		hanwebProxy, page, hanwebColumnID, url.QueryEscape(hanwebWebName))
}

var hanwebArt = regexp.MustCompile(`^/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$`)

func (f *Farm) hanweb(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/" || p == "/index.html":
		serve(w, r, fmt.Appendf(nil, `<html><head><meta charset="utf-8"><title>杭州市西湖区人民政府</title></head><body>
<a href="%s">政府信息公开年报</a></body></html>`, hanwebColumn), "text/html; charset=UTF-8", f.epoch)
	case p == hanwebColumn:
		records := f.hanwebRecords()
		first := records[:min(len(records), 3*hanwebPerPage)]
		var b bytes.Buffer
		b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政府信息公开年报 杭州市西湖区人民政府</title>
<script language="javascript" src="/module/jslib/jquery/jpage/jquery.jpage.js"></script></head>
<body><div class="crumbs"><a href="/">首页</a> &gt; <a href="` + hanwebColumn + `">政府信息公开年报</a></div>
<div id="4215"><script type="text/xml"><datastore>
`)
		b.WriteString(hanwebNextGroup(1) + "\n")
		recordXML(&b, first)
		fmt.Fprintf(&b, `</datastore></script>
<script type="text/javascript">
$(document).ready(function(){ $('#4215').jpage({ dataStore: dataStore4215, totalRecord:%d, perPage:%d, groupSize:3,
  proxyUrl:'%s', ajaxParam:{ col:1, appid:1, webid:3081, path:'/', columnid:%s, sourceContentType:1, unitid:4215, webname:'%s', permissiontype:0 } }); });
</script></div></body></html>
`, len(records), hanwebPerPage, hanwebProxy, hanwebColumnID, hanwebWebName)
		serve(w, r, b.Bytes(), "text/html; charset=UTF-8", f.epoch)
	case p == hanwebProxy:
		f.hanwebProxy(w, r)
	case p == "/module/download/downfile.jsp":
		if !f.serveFile(w, r, SiteHanweb, r.URL.Query().Get("filename")) {
			http.NotFound(w, r)
		}
	case hanwebArt.MatchString(p) || strings.HasPrefix(p, "/private/"):
		if spec := f.reportAt(SiteHanweb, p); spec != nil {
			f.serveReport(w, r, spec)
			return
		}
		for _, it := range f.hanwebRecords() {
			if it.href == p {
				serve(w, r, newsPage(it.title, "utf-8", `id="zoom"`), "text/html; charset=UTF-8", f.epoch)
				return
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

// hanwebProxy answers dataproxy.jsp as Hanweb does: a POST with the column's
// form fields gets the datastore fragment for startrecord…endrecord. A GET,
// a missing field or a foreign Referer gets 400, so a crawler that pages
// Hanweb wrongly finds nothing.
func (f *Farm) hanwebProxy(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	start, err1 := strconv.Atoi(q.Get("startrecord"))
	end, err2 := strconv.Atoi(q.Get("endrecord"))
	if err1 != nil || err2 != nil || start < 1 || end < start {
		http.Error(w, "bad startrecord/endrecord", http.StatusBadRequest)
		return
	}
	for k, want := range map[string]string{"col": "1", "appid": "1", "webid": "3081", "columnid": hanwebColumnID, "unitid": "4215", "permissiontype": "0"} {
		if r.PostForm.Get(k) != want {
			http.Error(w, "bad form field "+k, http.StatusBadRequest)
			return
		}
	}
	if !strings.Contains(r.Referer(), hanwebColumn) {
		http.Error(w, "bad referer", http.StatusBadRequest)
		return
	}
	records := f.hanwebRecords()
	start, end = min(start, len(records)+1), min(end, len(records))
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<datastore>\n")
	b.WriteString(hanwebNextGroup(start/(3*hanwebPerPage)+1) + "\n")
	recordXML(&b, records[start-1:end])
	b.WriteString("</datastore>\n")
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.Write(b.Bytes())
}

// ---- TRS --------------------------------------------------------------------

var trsArt = regexp.MustCompile(`^` + trsBase + `(?:\d{6}|draft)/t\d{8}_\d+\.html$`)

func (f *Farm) trs(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	page := -1
	switch {
	case p == trsBase || p == trsBase+"index.html":
		page = 0
	case strings.HasPrefix(p, trsBase+"index_") && strings.HasSuffix(p, ".html"):
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, trsBase+"index_"), ".html")); err == nil && n > 0 && n < trsPages {
			page = n
		}
	}
	if page >= 0 {
		var b bytes.Buffer
		b.WriteString(`<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>年度报告-舒兰市人民政府</title>
</head>
<body>
<div class="crumbs"><a href="/">首页</a> &gt; 政府信息公开 &gt; 年度报告</div>
<div class="list"><ul>
`)
		for _, it := range f.listing(SiteTRS, page) {
			t := html.EscapeString(it.title)
			fmt.Fprintf(&b, `<li><a href="./%s" target="_blank" title="%s">%s</a><span>%s</span></li>`+"\n",
				strings.TrimPrefix(it.href, trsBase), t, t, it.date)
		}
		fmt.Fprintf(&b, `</ul></div>
<div class="page"><script type="text/javascript">
	var currentPage = %d;
	var countPage = %d;
	createPageHTML(%d, %d, "index", "html");
</script></div>
</body>
</html>
`, page, trsPages, trsPages, page)
		serve(w, r, gbk(b.Bytes()), "text/html; charset=GBK", f.epoch)
		return
	}
	if trsArt.MatchString(p) {
		if spec := f.reportAt(SiteTRS, p); spec != nil {
			f.serveReport(w, r, spec)
			return
		}
		for pg := range trsPages {
			for _, it := range f.listing(SiteTRS, pg) {
				if it.href == p {
					serve(w, r, gbk(newsPage(it.title, "gb2312", `class="TRS_Editor"`)), "text/html; charset=GBK", f.epoch)
					return
				}
			}
		}
	}
	if f.serveFile(w, r, SiteTRS, p) {
		return
	}
	http.NotFound(w, r)
}

// ---- generic ------------------------------------------------------------

func (f *Farm) generic(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == genericBase || p == genericBase+"index.html" {
		page := 1
		if s := r.URL.Query().Get("page"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > genericPages {
				http.NotFound(w, r)
				return
			}
			page = n
		}
		var b bytes.Buffer
		b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>
<body><div class="crumbs"><a href="/">首页</a> &gt; 信息公开 &gt; 年度报告</div>
<ul class="list">
`)
		for _, it := range f.listing(SiteGeneric, page-1) {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a><span>%s</span></li>`+"\n", html.EscapeString(it.href), html.EscapeString(it.title), it.date)
		}
		b.WriteString("</ul>\n<div class=\"pager\"><a href=\"?page=1\">首页</a> ")
		for n := 1; n <= genericPages; n++ {
			if n == page {
				fmt.Fprintf(&b, "<span class=\"current\">%d</span> ", n)
			} else {
				fmt.Fprintf(&b, "<a href=\"?page=%d\">%d</a> ", n, n)
			}
		}
		if page < genericPages {
			fmt.Fprintf(&b, "<a href=\"?page=%d\">下一页</a> ", page+1)
		}
		fmt.Fprintf(&b, "<a href=\"?page=%d\">尾页</a></div>\n</body></html>\n", genericPages)
		serve(w, r, b.Bytes(), "text/html; charset=UTF-8", f.epoch)
		return
	}
	if spec := f.reportAt(SiteGeneric, p); spec != nil {
		f.serveReport(w, r, spec)
		return
	}
	for pg := range genericPages {
		for _, it := range f.listing(SiteGeneric, pg) {
			if it.href == p {
				serve(w, r, newsPage(it.title, "utf-8", `class="article-content"`), "text/html; charset=UTF-8", f.epoch)
				return
			}
		}
	}
	if f.serveFile(w, r, SiteGeneric, p) {
		return
	}
	http.NotFound(w, r)
}

// ---- benchmark hosts ----------------------------------------------------

// bench serves a plain listing of BenchPages report pages, 20 per list
// page, answering everything after BenchDelay.
func (f *Farm) bench(w http.ResponseWriter, r *http.Request) {
	if !f.sleep(r, f.opts.BenchDelay) {
		return
	}
	host := r.Host
	p := r.URL.Path
	switch {
	case p == "/list/":
		page := 1
		if s := r.URL.Query().Get("page"); s != "" {
			page, _ = strconv.Atoi(s)
		}
		pages := (f.opts.BenchPages + benchPerList - 1) / benchPerList
		if page < 1 || (page > pages && page != 1) {
			http.NotFound(w, r)
			return
		}
		var b bytes.Buffer
		b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>年报</title></head><body><ul>\n")
		for i := (page-1)*benchPerList + 1; i <= min(page*benchPerList, f.opts.BenchPages); i++ {
			fmt.Fprintf(&b, "<li><a href=\"/p/%d.html\">基准测试第%d号单位2022年政府信息公开工作年度报告</a></li>\n", i, i)
		}
		if page == 1 {
			b.WriteString("<li><a href=\"/private/draft.html\">基准测试单位2022年政府信息公开工作年度报告（内部稿）</a></li>\n")
		}
		b.WriteString("</ul><div class=\"pager\">")
		if page < pages {
			fmt.Fprintf(&b, "<a href=\"?page=%d\">下一页</a>", page+1)
		}
		b.WriteString("</div></body></html>\n")
		serve(w, r, b.Bytes(), "text/html; charset=UTF-8", f.epoch)
	case strings.HasPrefix(p, "/p/") && strings.HasSuffix(p, ".html"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/p/"), ".html"))
		if err != nil || n < 1 || n > f.opts.BenchPages {
			http.NotFound(w, r)
			return
		}
		serve(w, r, newsPage(fmt.Sprintf("基准测试第%d号单位2022年政府信息公开工作年度报告（%s）", n, host), "utf-8", `class="article-content"`),
			"text/html; charset=UTF-8", f.epoch)
	default:
		http.NotFound(w, r)
	}
}

// sleep waits d, or returns false when the client or the farm goes away first.
func (f *Farm) sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-f.done:
	}
	return false
}
