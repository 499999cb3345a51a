package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler"
)

// A one-portal crawl of a loopback site: the listing links a report, the
// report links its PDF, robots.txt keeps us out of /draft/.
func ExampleCrawler_Run() {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /draft/\n")
	})
	mux.HandleFunc("/ndbg/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<ul><li><a href="/ndbg/2023.html">某县2023年政府信息公开工作年度报告</a></li>
<li><a href="/draft/2024.html">某县2024年政府信息公开工作年度报告</a></li></ul>`)
	})
	mux.HandleFunc("/ndbg/2023.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<div id="zoom"><p>一、总体情况</p><a href="/files/2023.pdf">附件</a></div>`)
	})
	mux.HandleFunc("/files/2023.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.4 ...")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cfg, err := configs.Parse("example.yaml", []byte(`
user_agent: "nianbao/1.0 (+https://example.org/contact)"
politeness: {delay_floor: 10ms, delay_ceiling: 20ms}
portals:
  - name: county
    start_urls: ["`+srv.URL+`/ndbg/index.html"]
`))
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "nianbao-example")
	defer os.RemoveAll(dir)
	c, err := crawler.New(crawler.Options{Config: cfg, DataDir: dir})
	if err != nil {
		panic(err)
	}
	sum, err := c.Run(context.Background())
	if err != nil {
		panic(err)
	}
	var lines []string
	for _, cp := range sum.Captures {
		lines = append(lines, fmt.Sprintf("%-10s %-17s changed=%-5v %s", cp.Kind, cp.FetchStatus, cp.Changed, cp.URL[len(srv.URL):]))
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	p := sum.Portals[0]
	fmt.Printf("%s: %d reports found, %d to extract, %d blocked by robots.txt\n", p.Name, p.ReportsFound, p.NewOrChanged, p.RobotsBlocked)
	// Output:
	// attachment ok                changed=true  /files/2023.pdf
	// list       ok                changed=true  /ndbg/index.html
	// report     ok                changed=true  /ndbg/2023.html
	// report     robots_disallowed changed=false /draft/2024.html
	// robots     ok                changed=false /robots.txt
	// county: 2 reports found, 2 to extract, 1 blocked by robots.txt
}
