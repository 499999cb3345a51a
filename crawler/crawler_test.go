package crawler

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const reportTitle = "某县人民政府2023年政府信息公开工作年度报告"

// listing builds a list page linking report pages under titles.
func listing(links ...string) string {
	var b strings.Builder
	b.WriteString("<html><head><meta charset=utf-8><title>年报</title></head><body><ul>\n")
	for i, l := range links {
		fmt.Fprintf(&b, "<li><a href=%q title=\"%d%s\">%d%s</a></li>\n", l, 2019+i, reportTitle[len("某县人民政府2023"):], 2019+i, reportTitle[len("某县人民政府2023"):])
	}
	b.WriteString("</ul></body></html>")
	return b.String()
}

func reportPage(n int, attachment string) string {
	s := fmt.Sprintf("<html><body><h1>%s</h1><div id=zoom><p>报告正文 %d</p><table><tr><td>一、总体情况</td></tr></table>", reportTitle, n)
	if attachment != "" {
		s += fmt.Sprintf(`<p><a href=%q>附件：年度报告.pdf</a></p>`, attachment)
	}
	return s + "</div></body></html>"
}

func TestCrawlPoliteArchivedAndIncremental(t *testing.T) {
	s := newSite(t)
	s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	s.html("/list.html", listing("/r1.html", "/r2.html", "/private/r3.html"))
	s.html("/r1.html", reportPage(1, "/files/a1.pdf"))
	s.html("/private/r3.html", reportPage(3, ""))
	r2 := reportPage(2, "")
	etag := `"v1"`
	s.handle("/r2.html", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, r2)
	})
	pdf := bytes.Repeat([]byte("%PDF-1.4 annual report "), 2000) // 46 kB
	s.handle("/files/a1.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(pdf)
	})
	cfg := testConfig(t, "", portalYAML("county", s.URL("/list.html")))
	dir := t.TempDir()

	sum := crawlOnce(t, cfg, dir)

	// What was fetched, and how.
	want := map[string]struct{ kind, status string }{
		s.URL("/list.html"):       {KindList, StatusOK},
		s.URL("/r1.html"):         {KindReport, StatusOK},
		s.URL("/r2.html"):         {KindReport, StatusOK},
		s.URL("/private/r3.html"): {KindReport, StatusRobotsDisallowed},
		s.URL("/files/a1.pdf"):    {KindAttachment, StatusOK},
		s.URL("/robots.txt"):      {KindRobots, StatusOK},
	}
	for u, w := range want {
		cp, ok := captureFor(sum, u)
		if !ok {
			t.Errorf("no capture for %s", u)
			continue
		}
		if cp.Kind != w.kind || cp.FetchStatus != w.status {
			t.Errorf("%s: kind %s status %s, want %s %s (%s)", u, cp.Kind, cp.FetchStatus, w.kind, w.status, cp.Error)
		}
		if w.kind != KindRobots && w.status == StatusOK && !cp.Changed {
			t.Errorf("%s: first fetch not marked changed", u)
		}
	}
	if len(s.hits("/private/r3.html")) != 0 {
		t.Errorf("robots-disallowed page was requested")
	}
	if ps := sum.Portals[0]; ps.ReportsFound != 3 || ps.NewOrChanged != 3 || ps.RobotsBlocked != 1 || ps.Failures != 0 {
		t.Errorf("portal summary %+v", ps)
	}

	// Politeness, measured at the server: one request at a time, and at
	// least the delay floor between the end of one and the start of the next.
	if n := s.maxInFlight(); n != 1 {
		t.Errorf("max in flight %d, want 1", n)
	}
	hits := s.all()
	for i := 1; i < len(hits); i++ {
		if gap := hits[i].start.Sub(hits[i-1].end); gap < 19*time.Millisecond {
			t.Errorf("request %d (%s) started %v after the previous ended; floor is 20ms", i, hits[i].path, gap)
		}
	}
	for _, h := range hits {
		if ua := h.header.Get("User-Agent"); ua != cfg.UserAgent {
			t.Errorf("User-Agent %q", ua)
		}
	}

	// The archive holds exactly the bytes served.
	recs := readArchive(t, dir)
	var pdfBlock []byte
	for _, r := range recs {
		if r.Type == "response" && r.URI == s.URL("/files/a1.pdf") {
			pdfBlock = r.Block
		}
	}
	if !bytes.HasSuffix(pdfBlock, pdf) || !bytes.Contains(pdfBlock, []byte("Content-Type: application/pdf")) {
		t.Errorf("archived attachment block (%d bytes) does not end with the served PDF", len(pdfBlock))
	}
	if cp, _ := captureFor(sum, s.URL("/files/a1.pdf")); cp.WARCFile == "" || cp.WARCLength == 0 || cp.MIME != "application/pdf" {
		t.Errorf("attachment capture %+v", cp)
	}

	// Next night: the report with an ETag is asked conditionally and comes
	// back 304; the unchanged pages are revisits; r1 changed.
	s.html("/r1.html", reportPage(11, "/files/a1.pdf"))
	sum2 := crawlOnce(t, cfg, dir)
	if sum2.Run != sum.Run+1 {
		t.Errorf("second run is %d, want %d", sum2.Run, sum.Run+1)
	}
	h := s.hits("/r2.html")
	if len(h) != 2 || h[1].header.Get("If-None-Match") != etag {
		t.Fatalf("r2 hits %d, second If-None-Match %q", len(h), h[len(h)-1].header.Get("If-None-Match"))
	}
	for u, w := range map[string]struct {
		status  string
		changed bool
	}{
		s.URL("/r2.html"):      {StatusNotModified, false},
		s.URL("/r1.html"):      {StatusOK, true},
		s.URL("/files/a1.pdf"): {StatusOK, false},
		s.URL("/list.html"):    {StatusOK, false},
	} {
		cp, ok := captureFor(sum2, u)
		if !ok || cp.FetchStatus != w.status || cp.Changed != w.changed {
			t.Errorf("night 2 %s: %+v, want %s changed=%v", u, cp, w.status, w.changed)
		}
	}
	if ps := sum2.Portals[0]; ps.NewOrChanged != 1 {
		t.Errorf("night 2 NewOrChanged %d, want 1", ps.NewOrChanged)
	}
	recs = readArchive(t, dir)
	for _, c := range []struct {
		path          string
		resp, revisit int
	}{{"/r2.html", 1, 1}, {"/r1.html", 2, 0}, {"/files/a1.pdf", 1, 1}, {"/list.html", 1, 1}} {
		if resp, rev := responsesFor(recs, s.URL(c.path)); resp != c.resp || rev != c.revisit {
			t.Errorf("%s: %d responses %d revisits, want %d %d", c.path, resp, rev, c.resp, c.revisit)
		}
	}
}
