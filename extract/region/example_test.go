package region_test

import (
	"fmt"

	"github.com/nianbao/nianbao/extract/region"
)

func ExampleFind() {
	for _, name := range []string{
		"海东市政务服务监督管理局",
		"卫辉市政务和大数据管理局",
		"金华市金东区行政服务中心",
		"青海省人民政府办公厅",
		"朝阳区人民政府", // in Beijing and in Changchun
	} {
		d, ok := region.Find(name)
		fmt.Println(d.Code, d.Name, d.Level, ok)
	}
	// Output:
	// 630200 海东市 2 true
	// 410781 卫辉市 3 true
	// 330703 金东区 3 true
	// 630000 青海省 1 true
	//   0 false
}

func ExampleFindWithHint() {
	// Two divisions are called 朝阳区; a hint (here a configured province
	// code, often a USCC's Division) picks one. Without it Find says no.
	_, ok := region.Find("朝阳区人民政府")
	fmt.Println(ok)
	d, ok := region.FindWithHint("朝阳区人民政府", "110000")
	fmt.Println(d, ok)
	// Output:
	// false
	// 110105 朝阳区 true
}

func ExampleParseUSCC() {
	u, err := region.ParseUSCC("12330703766405351H")
	fmt.Printf("%c %c %s %s %v\n", u.Authority, u.EntityType, u.Division, u.OrgCode, err)

	_, err = region.ParseUSCC("12330703766405351J")
	fmt.Println(err)
	// Output:
	// 1 2 330703 766405351 <nil>
	// invalid unified social credit code: check character is 'J', want 'H'
}

func ExampleFindUSCC() {
	u, ok := region.FindUSCC("索引号：12330703766405351H/2022-115518")
	fmt.Println(u.Code, ok)
	d, _ := region.Lookup(u.Division)
	fmt.Println(d.Name, region.Province(u.Division))
	// Output:
	// 12330703766405351H true
	// 金东区 33
}

func ExampleLookup() {
	d, ok := region.Lookup("410781")
	fmt.Println(d.Name, d.Level, d.Parent, ok)
	_, ok = region.Lookup("332500") // retired 丽水地区: not in the gazetteer
	fmt.Println(ok)
	// Output:
	// 卫辉市 3 410700 true
	// false
}
