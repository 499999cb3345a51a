package farm

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strconv"
)

// fault is one misbehaving URL of the fault host, linked from /list.html
// under a report-like title so that discovery follows it.
type fault struct {
	path, title, what string
}

func (f *Farm) faultList() []fault {
	return []fault{
		{"/flaky/2022nb.html", f.reports["r07"].Title(), "503 the first FlakyFailures times, then the report"},
		{"/charset/2021nb.html", f.reports["r08"].Title(), "Content-Type says utf-8, the body is GBK, no meta"},
		{"/ratelimited/2019nb.html", f.reports["r09"].Title(), "429 with Retry-After once, then the report"},
		{"/slow/2022nb.html", "某县交通运输局2022年政府信息公开工作年度报告", "headers only after SlowDelay"},
		{"/stall/2022nb.html", "某县水利局2022年政府信息公开工作年度报告", "half the body, then nothing until the client gives up"},
		{"/reset/2022nb.pdf", "某县民政局2022年政府信息公开工作年度报告", "connection reset in the middle of the body"},
		{"/gzip/2022nb.html", "某县卫健委2022年政府信息公开工作年度报告", "Content-Encoding gzip, the gzip stream cut in half"},
		{"/loop/a.html", "某县应急管理局2022年政府信息公开工作年度报告", "a → b → a redirect loop"},
		{"/away/2022nb.html", "某县统计局2022年政府信息公开工作年度报告", "a redirect to a host outside the portal"},
		{"/files/huge-2022nb.pdf", "某县自然资源局2022年政府信息公开工作年度报告（PDF）", "a HugeSize attachment, streamed"},
		{"/private/2022nb.html", "某县人民政府2022年政府信息公开工作年度报告（内部稿）", "disallowed by robots.txt"},
		{"/gone/2022nb.html", "某县审计局2022年政府信息公开工作年度报告", "404"},
	}
}

// faults is the fault host. Its robots.txt answers 503 the first time.
func (f *Farm) faults(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/robots.txt":
		if f.hit(p) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		f.robots(w, f.named[SiteFaults])
	case p == "/" || p == "/list.html":
		var b bytes.Buffer
		b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>年度报告</title></head><body><ul>\n")
		for _, x := range f.faultList() {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", x.path, html.EscapeString(x.title))
		}
		b.WriteString("</ul></body></html>\n")
		serve(w, r, b.Bytes(), "text/html; charset=UTF-8", f.epoch)
	case p == "/flaky/2022nb.html":
		if f.hit(p) <= f.opts.FlakyFailures {
			http.Error(w, "Service Temporarily Unavailable", http.StatusServiceUnavailable)
			return
		}
		f.serveReport(w, r, f.reports["r07"])
	case p == "/charset/2021nb.html":
		f.serveReport(w, r, f.reports["r08"])
	case p == "/ratelimited/2019nb.html":
		if f.hit(p) == 1 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.opts.RetryAfter.Seconds())))
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
			return
		}
		f.serveReport(w, r, f.reports["r09"])
	case p == "/slow/2022nb.html":
		if f.sleep(r, f.opts.SlowDelay) {
			serve(w, r, newsPage("某县交通运输局2022年政府信息公开工作年度报告（慢）", "utf-8", `class="article-content"`), "text/html; charset=UTF-8", f.epoch)
		}
	case p == "/stall/2022nb.html":
		f.stall(w, r)
	case p == "/reset/2022nb.pdf":
		f.reset(w)
	case p == "/gzip/2022nb.html":
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(bytes.Repeat(newsPage("某县卫健委2022年政府信息公开工作年度报告", "utf-8", `class="article-content"`), 20))
		zw.Close()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(z.Bytes()[:z.Len()/2])
	case p == "/loop/a.html":
		http.Redirect(w, r, "/loop/b.html", http.StatusFound)
	case p == "/loop/b.html":
		http.Redirect(w, r, "/loop/a.html", http.StatusFound)
	case p == "/away/2022nb.html":
		http.Redirect(w, r, f.URL(SiteOutside, "/landing.html"), http.StatusFound)
	case p == "/files/huge-2022nb.pdf":
		f.huge(w, r)
	case p == "/private/2022nb.html":
		serve(w, r, newsPage("内部稿", "utf-8", `class="article-content"`), "text/html; charset=UTF-8", f.epoch)
	default:
		if !f.serveFile(w, r, SiteFaults, p) {
			http.NotFound(w, r)
		}
	}
}

// stall sends headers and half a page, then waits until the client leaves
// or the farm closes: a crawler without a body timeout hangs here.
func (f *Farm) stall(w http.ResponseWriter, r *http.Request) {
	page := newsPage("某县水利局2022年政府信息公开工作年度报告", "utf-8", `class="article-content"`)
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	w.Write(page[:len(page)/2])
	http.NewResponseController(w).Flush()
	select {
	case <-r.Context().Done():
	case <-f.done:
	}
}

// reset announces a 100 kB PDF, sends 30 kB and resets the connection.
func (f *Farm) reset(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer conn.Close()
	if rec, ok := w.(*recorder); ok {
		rec.status = http.StatusOK
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 100000\r\n\r\n%PDF-1.4\n")
	buf.Write(bytes.Repeat([]byte("0"), 30000))
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close with RST, not FIN
	}
}

// huge streams HugeSize bytes of a PDF-looking file without holding them.
func (f *Farm) huge(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.FormatInt(f.opts.HugeSize, 10))
	if r.Method == http.MethodHead {
		return
	}
	chunk := bytes.Repeat([]byte("%PDF-1.4 filler stream 0123456789abcdef\n"), 1600) // 64 000 bytes
	copy(chunk, "%PDF-1.4\n")
	for left := f.opts.HugeSize; left > 0; {
		n := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			return
		}
		left -= n
		select {
		case <-r.Context().Done():
			return
		case <-f.done:
			return
		default:
		}
	}
}

// ruishu answers like 瑞数: HTTP 412 and a $_ts script that would compute a
// cookie in a browser.
func (f *Farm) ruishu(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Set-Cookie", "FSSBBIl1UgzbN7N80S=Xk3v1lJc0rCmJQ2o9bUE0Vb4JX4fT8tXb2Q9; Path=/; HttpOnly")
	w.WriteHeader(http.StatusPreconditionFailed)
	io.WriteString(w, `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">`+
		`<script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=24789;$_ts.cd="qyrcrrAlqGWEcqqmDhrFWSQmWmxjTmq0rS2ysk";`+
		`$_ts.lcd=function(){};</script><script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r="m"></script>`+
		`</head><body></body></html>`)
}

// jiasule answers like 加速乐: HTTP 521 and a script that sets __jsl_clearance.
func (f *Farm) jiasule(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Set-Cookie", "__jsluid_h=8f1c2e7b0a4d9e3f6b5a1c2d3e4f5a6b; max-age=31536000; path=/; HttpOnly")
	w.WriteHeader(521)
	io.WriteString(w, `<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('_')+('s')+('=')+`+
		`(+!+[]+'7'+'0'+(1+[0]))+('.')+('9')+('|')+('-1')+('|')+'0'+';max-age=3600;path=/';`+
		`location.href=location.pathname+location.search</script>`)
}

// shell lists one report whose page is a tiny JavaScript-only shell, the
// kind of answer a site behind a script wall gives a client without a
// browser. It has a host of its own because a challenge parks the host for
// the rest of the run, and the fault host's other faults must still be met.
func (f *Farm) shell(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/", "/list.html":
		serve(w, r, []byte("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>年度报告</title></head><body><ul>\n"+
			"<li><a href=\"/js-shell/2022nb.html\">某县2022年政府信息公开工作年度报告（JS版）</a></li>\n</ul></body></html>\n"),
			"text/html; charset=UTF-8", f.epoch)
	case "/js-shell/2022nb.html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<html><head><script src="/static/app.8f3a.js"></script></head><body><div id="app"></div><noscript>请开启JavaScript</noscript></body></html>`)
	default:
		http.NotFound(w, r)
	}
}

// outside is a host no portal allows: the target of /away/.
func (f *Farm) outside(w http.ResponseWriter, r *http.Request) {
	serve(w, r, newsPage("外部网站", "utf-8", `class="article-content"`), "text/html; charset=UTF-8", f.epoch)
}

// Faults describes the fault URLs: absolute URL → what it does.
func (f *Farm) Faults() map[string]string {
	out := map[string]string{}
	if _, ok := f.named[SiteFaults]; !ok {
		return out
	}
	for _, x := range f.faultList() {
		out[f.URL(SiteFaults, x.path)] = x.what
	}
	out[f.URL(SiteFaults, "/robots.txt")] = "503 with Retry-After the first time, then robots.txt"
	out[f.URL(SiteRuishu, "/")] = "412 with a $_ts challenge script (瑞数), on every path but robots.txt"
	out[f.URL(SiteJiasule, "/")] = "521 with a __jsl_clearance challenge script (加速乐), on every path but robots.txt"
	out[f.URL(SiteShell, "/js-shell/2022nb.html")] = "a tiny JavaScript-only shell page (200), linked as a report"
	return out
}
