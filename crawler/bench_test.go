package crawler

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/farm"
)

// BenchmarkPolitenessBound crawls H farm hosts with a fixed per-host delay
// (floor = ceiling) and reports the wall time as a ratio of the politeness
// bound: the most requests any host received, less one, times the delay.
// A ratio near 1 means the scheduler keeps every host busy exactly as
// politeness allows and hosts do not wait on one another. nosync=true
// skips the fsyncs (archive and state), separating the scheduler from the
// disk: on a shared disk a slow fsync stalls every archiving goroutine.
func BenchmarkPolitenessBound(b *testing.B) {
	for _, tc := range []struct {
		hosts  int
		noSync bool
	}{{4, false}, {16, false}, {4, true}, {16, true}} {
		hosts, noSync := tc.hosts, tc.noSync
		b.Run(fmt.Sprintf("hosts=%d/nosync=%v", hosts, noSync), func(b *testing.B) {
			const delay = 50 * time.Millisecond
			var ratio, wall float64
			for i := 0; i < b.N; i++ {
				f, cfg := startFarm(b, farm.Options{NoFaults: true, BenchHosts: hosts, BenchPages: 40})
				cfg.Portals = benchPortals(cfg.Portals)
				cfg.Politeness.DelayFloor = configs.Duration(delay)
				cfg.Politeness.DelayCeiling = configs.Duration(delay)
				cfg.Limits.GlobalConcurrency = 8
				start := time.Now()
				c, err := New(Options{Config: cfg, DataDir: b.TempDir(), NoSync: noSync})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				perHost := map[string]int{}
				for _, r := range f.Requests() {
					perHost[r.Host]++
				}
				most := 0
				for _, n := range perHost {
					most = max(most, n)
				}
				if len(perHost) != hosts {
					b.Fatalf("%d hosts requested, want %d", len(perHost), hosts)
				}
				bound := time.Duration(most-1) * delay
				ratio += float64(elapsed) / float64(bound)
				wall += elapsed.Seconds()
				f.Close()
			}
			b.ReportMetric(ratio/float64(b.N), "wall/bound")
			b.ReportMetric(wall/float64(b.N), "wall-s")
		})
	}
}

func benchPortals(ps []configs.Portal) []configs.Portal {
	var out []configs.Portal
	for _, p := range ps {
		if strings.HasPrefix(p.Name, "farm-bench") {
			out = append(out, p)
		}
	}
	return out
}

// BenchmarkFrontierMemory crawls 10,000 and then 100,000 URLs (20 hosts,
// no delay) and reports, for each, the peak Go heap in use seen by the
// progress callback and the peak live heap (measured after a forced GC
// about every second), and the ratios 100k/10k. The frontier and the seen
// set are on disk, so the ratios should stay near 1. (The Summary built at
// the end lists every capture and is not part of the crawl's footprint.)
func BenchmarkFrontierMemory(b *testing.B) {
	var inuse, live [2]float64
	sizes := [2]int{10_000, 100_000}
	for i := 0; i < b.N; i++ {
		for k, n := range sizes {
			in, lv := crawlForPeak(b, 20, n/20)
			inuse[k] += float64(in) / (1 << 20)
			live[k] += float64(lv) / (1 << 20)
		}
	}
	b.ReportMetric(inuse[0]/float64(b.N), "inuse-MiB-10k")
	b.ReportMetric(inuse[1]/float64(b.N), "inuse-MiB-100k")
	b.ReportMetric(inuse[1]/inuse[0], "inuse-100k/10k")
	b.ReportMetric(live[0]/float64(b.N), "live-MiB-10k")
	b.ReportMetric(live[1]/float64(b.N), "live-MiB-100k")
	b.ReportMetric(live[1]/live[0], "live-100k/10k")
}

// crawlForPeak crawls hosts loopback hosts of perHost report pages each and
// returns the peak heap in use and the peak live heap seen while crawling.
func crawlForPeak(b *testing.B, hosts, perHost int) (inuse, live uint64) {
	b.Helper()
	var portals strings.Builder
	for h := 0; h < hosts; h++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: bulkSite(perHost)}
		go srv.Serve(ln)
		defer srv.Close()
		portals.WriteString(portalYAML(fmt.Sprintf("bulk%d", h), "http://"+ln.Addr().String()+"/list"))
	}
	head := strings.NewReplacer("delay_floor: 20ms", "delay_floor: 1us", "delay_ceiling: 40ms", "delay_ceiling: 1us",
		"global_concurrency: 4", "global_concurrency: 8", "page_max_bytes: 65536", "page_max_bytes: 262144").Replace(testPoliteness)
	head += "  max_list_pages: 10000\n  max_pages_per_portal: 1000000\n"
	cfg := testConfig(b, head, portals.String())
	var fetched int
	lastGC := time.Now()
	c, err := New(Options{Config: cfg, DataDir: b.TempDir(), NoSync: true, skipCaptureList: true, Progress: func(p Progress) {
		inuse = max(inuse, p.HeapInuse)
		fetched = p.Fetches
		if time.Since(lastGC) > time.Second {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			live = max(live, ms.HeapAlloc)
			lastGC = time.Now()
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	if want := hosts * (perHost + perHost/bulkPerList + 1); fetched < want {
		b.Fatalf("%d fetches, want at least %d", fetched, want)
	}
	return inuse, live
}

const bulkPerList = 500

// bulkSite serves /list?page=N with bulkPerList report links and a next
// link, and tiny report pages.
func bulkSite(perHost int) http.Handler {
	pages := (perHost + bulkPerList - 1) / bulkPerList
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case r.URL.Path == "/list":
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			page = max(page, 1)
			var sb strings.Builder
			sb.WriteString("<html><body><ul>")
			for i := (page-1)*bulkPerList + 1; i <= min(page*bulkPerList, perHost); i++ {
				fmt.Fprintf(&sb, `<li><a href="/r/%d.html">第%d号单位2023年政府信息公开工作年度报告</a></li>`, i, i)
			}
			sb.WriteString("</ul>")
			if page < pages {
				fmt.Fprintf(&sb, `<a href="/list?page=%d">下一页</a>`, page+1)
			}
			sb.WriteString("</body></html>")
			fmt.Fprint(w, sb.String())
		case strings.HasPrefix(r.URL.Path, "/r/"):
			fmt.Fprintf(w, "<html><body><h1>%s</h1><p>%s</p></body></html>", reportTitle, r.URL.Path)
		default:
			http.NotFound(w, r)
		}
	})
}
