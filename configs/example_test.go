package configs_test

import (
	"fmt"

	"github.com/nianbao/nianbao/configs"
)

func ExampleParse() {
	yaml := []byte(`contact: https://example.org/nianbao
portals:
  - name: county
    cms: hanweb
    start_urls: ["http://www.example.gov.cn/col/col1229000001/index.html"]
    politeness:
      delay_floor: 5s
`)
	cfg, err := configs.Parse("portals.yaml", yaml)
	if err != nil {
		panic(err)
	}
	p := cfg.Portals[0]
	fmt.Println(cfg.UserAgent)
	fmt.Println(p.Name, p.CMS, p.AllowedHosts, cfg.EffectivePoliteness(p).DelayFloor.D())

	// Mistakes are named by file, line and field.
	_, err = configs.Parse("portals.yaml", []byte(`contact: https://example.org/nianbao
portals:
  - name: county
    start_urls: ["http://www.example.gov.cn/"]
    politeness:
      delay_floor: five seconds
`))
	fmt.Println(err)
	// Output:
	// nianbao/1.0 (+https://example.org/nianbao)
	// county hanweb [www.example.gov.cn] 5s
	// portals.yaml:6: portals[0].politeness.delay_floor: not a duration: "five seconds" (write e.g. 2s or 1m30s)
}
