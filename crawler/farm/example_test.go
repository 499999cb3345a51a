package farm_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/farm"
)

func ExampleStart() {
	f, err := farm.Start(context.Background(), farm.Options{NoFaults: true})
	if err != nil {
		panic(err)
	}
	defer f.Close()

	// The farm's own configuration crawls it.
	cfg, err := configs.Parse("farm.yaml", f.ConfigYAML())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(cfg.Portals), "portals,", len(f.Expected()), "reports")

	e := f.Expected()[0]
	resp, err := http.Get(e.URL)
	if err != nil {
		panic(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println(e.Title, resp.StatusCode, *e.Values["requests.new.total"] > 0)
	// Output:
	// 3 portals, 6 reports
	// 杭州市西湖区人民政府2022年政府信息公开工作年度报告 200 true
}
