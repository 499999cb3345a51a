package region

import (
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		want string // "" = not found
	}{
		// The seeds' agencies (shared/gold).
		{"海东市政务服务监督管理局", "630200"},
		{"海东市人民政府", "630200"},
		{"卫辉市政务和大数据管理局", "410781"},
		{"金华市金东区行政服务中心", "330703"},
		{"海东市市直机关事务管理局", "630200"},
		{"青海省人民政府办公厅", "630000"},

		// Nested chains.
		{"青海省海东市乐都区人民政府", "630202"},
		{"浙江省金华市金东区", "330703"},
		{"浙江省金东区", "330703"}, // skipping a level is still consistent
		{"河南省济源市", "419001"}, // province-administered county-level city
		{"湖北省神农架林区", "429021"},
		{"北京市朝阳区人民政府", "110105"}, // municipality: districts directly beneath
		{"上海市浦东新区人民政府", "310115"},
		{"重庆市石柱土家族自治县人民政府", "500240"},
		{"吉林省长春市朝阳区", "220104"},
		{"长春市朝阳区教育局", "220104"},
		{"兰州市城关区", "620102"},
		{"西藏自治区拉萨市城关区", "540102"},
		{"南京市鼓楼区", "320106"},
		{"福州市鼓楼区", "350102"},
		{"广州市天河区", "440106"},
		{"深圳市南山区", "440305"},
		{"北京市通州区", "110112"},
		{"南通市通州区", "320612"},
		{"荆州市公安县", "421022"},
		{"湖北省公安县人民政府", "421022"},
		{"广西壮族自治区南宁市", "450100"},
		{"宁夏回族自治区银川市", "640100"},
		{"内蒙古自治区锡林郭勒盟", "152500"},
		{"新疆维吾尔自治区伊犁哈萨克自治州", "654000"},
		{"黑龙江省大兴安岭地区", "232700"},
		{"吉林省吉林市", "220200"},
		{"海南省海口市", "460100"},
		{"  青海省 海东市 ", "630200"}, // spaces around and between names
		{"\u3000浙江省\u3000金华市\u3000金东区", "330703"},

		// Special division types.
		{"锡林郭勒盟行政公署", "152500"},
		{"大兴安岭地区行政公署", "232700"},
		{"神农架林区", "429021"},
		{"六枝特区", "520203"},
		{"鄂伦春自治旗", "150723"},
		{"东莞市", "441900"},
		{"凉州区审计局", "620602"},
		{"丽水市", "331100"},

		// Short forms.
		{"海东", "630200"},
		{"浙江金华", "330700"},
		{"广西南宁", "450100"},
		{"金华市金东", "330703"},
		{"延边州人民政府", "222400"},
		{"延边朝鲜族自治州", "222400"},
		{"湘西州", "433100"},
		{"恩施州", "422800"},
		{"阿坝州", "513200"},
		{"伊犁州", "654000"},
		{"海南州共和县", "632521"},
		{"海南藏族自治州", "632500"},
		{"化隆县", "630224"},
		{"互助县", "630223"},
		{"莫力达瓦旗", "150722"},
		{"鄂温克旗", "150724"},
		{"黄南州河南县", "632324"},

		// Leading non-place words.
		{"中共海东市委组织部", "630200"},
		{"中国共产党金华市委员会", "330700"},
		{"国家税务总局青海省税务局", "630000"},
		{"《海东市人民政府", "630200"},

		// Short forms that are really agency words.
		{"湖北省公安厅", "420000"},
		{"济南市市中心医院", "370100"},
		{"济南市市中区", "370103"},
		{"海东市平安建设领导小组办公室", "630200"},
		{"海东市平安区", "630203"},
		{"新乡市红旗渠", "410700"},

		// Ambiguous: several divisions share the name.
		{"朝阳区人民政府", ""},
		{"城关区财政局", ""},
		{"鼓楼区", ""},
		{"南山区", ""},
		{"通州区", ""},
		{"吉林", ""},           // 吉林省 or 吉林市
		{"海南", ""},           // 海南省 or 海南藏族自治州
		{"河北省朝阳区", "130000"}, // neither 朝阳区 is in 河北: the chain stops

		// Bare county short forms need a parent.
		{"金东行政服务中心", ""},
		{"公安局", ""},

		// Not places.
		{"", ""},
		{"国务院办公厅", ""},
		{"教育部", ""},
		{"政府信息公开工作年度报告", ""},
		{"2021年政府信息公开工作年度报告", ""},
		{"中共中央办公厅", ""},
		{"\xff\xfe海东市", ""}, // invalid UTF-8 before the place: no match at the start
	}
	for _, tt := range tests {
		d, ok := Find(tt.name)
		if tt.want == "" {
			if ok {
				t.Errorf("Find(%q) = %v, want not found", tt.name, d)
			}
			continue
		}
		if !ok || d.Code != tt.want {
			t.Errorf("Find(%q) = %v, %v; want %s", tt.name, d, ok, tt.want)
		}
	}
}

func TestFindWithHint(t *testing.T) {
	tests := []struct {
		name, hint string
		want       string // "" = not found
	}{
		{"朝阳区人民政府", "110000", "110105"},
		{"朝阳区人民政府", "11", "110105"},
		{"朝阳区人民政府", "2201", "220104"},
		{"朝阳区人民政府", "220104", "220104"},
		{"朝阳区人民政府", "120000", ""}, // hint matches neither
		{"朝阳区人民政府", "", ""},
		{"朝阳区人民政府", "bogus", ""},
		{"城关区财政局", "620000", "620102"},
		{"城关区财政局", "540000", "540102"},
		{"城关区审计局", "622301", "620102"}, // stale USCC code of the former 武威市 still names the province
		{"鼓楼区", "3201", "320106"},
		{"鼓楼区", "320000", ""}, // 南京 and 徐州 both in 江苏: still a tie
		{"鼓楼区", "410000", "410204"},
		{"吉林", "220200", "220200"},
		{"海南", "630000", "632500"},
		{"城关区审计局", "11622301013932616A", "620102"}, // a whole USCC as hint
		{"城关区审计局", "11622301013932616B", ""},       // invalid USCC: no hint
		// A hint never overrides an unambiguous name.
		{"海东市人民政府", "330703", "630200"},
		{"金华市金东区", "110000", "330703"},
		{"国务院办公厅", "110000", ""},
	}
	for _, tt := range tests {
		d, ok := FindWithHint(tt.name, tt.hint)
		if tt.want == "" {
			if ok {
				t.Errorf("FindWithHint(%q, %q) = %v, want not found", tt.name, tt.hint, d)
			}
			continue
		}
		if !ok || d.Code != tt.want {
			t.Errorf("FindWithHint(%q, %q) = %v, %v; want %s", tt.name, tt.hint, d, ok, tt.want)
		}
	}
}

// TestFindFullPaths checks every division in the gazetteer: its full path
// (浙江省金华市金东区) must resolve to it, and so must its bare name when no
// other division shares it.
func TestFindFullPaths(t *testing.T) {
	g := load()
	fullNames := map[string]int{}
	for _, d := range g.divs {
		fullNames[d.Name]++
	}
	for _, d := range g.divs {
		var path strings.Builder
		for _, a := range Chain(d.Code) {
			path.WriteString(a.Name)
		}
		if got, ok := Find(path.String() + "人民政府"); !ok || got != d {
			t.Errorf("Find(%q) = %v, %v; want %v", path.String(), got, ok, d)
		}
		if fullNames[d.Name] > 1 {
			continue
		}
		got, ok := Find(d.Name)
		if !ok {
			t.Errorf("Find(%q) not found, want %v", d.Name, d)
		} else if got != d {
			t.Errorf("Find(%q) = %v; want %v", d.Name, got, d)
		}
	}
}

func TestShortForms(t *testing.T) {
	tests := []struct {
		name, bare, suffixed string
	}{
		{"海东市", "海东", ""},
		{"青海省", "青海", ""},
		{"西藏自治区", "西藏", ""},
		{"内蒙古自治区", "内蒙古", ""},
		{"广西壮族自治区", "广西", ""},
		{"新疆维吾尔自治区", "新疆", ""},
		{"海西蒙古族藏族自治州", "海西", "海西州"},
		{"伊犁哈萨克自治州", "伊犁", "伊犁州"},
		{"湘西土家族苗族自治州", "湘西", "湘西州"},
		{"龙胜各族自治县", "龙胜", "龙胜县"},
		{"双江拉祜族佤族布朗族傣族自治县", "双江", "双江县"},
		{"鄂温克族自治旗", "鄂温克", "鄂温克旗"},
		{"东乡族自治县", "东乡", "东乡县"},
		{"大兴安岭地区", "大兴安岭", ""},
		{"神农架林区", "神农架", ""},
		{"六枝特区", "六枝", ""},
		{"锡林郭勒盟", "锡林郭勒", ""},
		{"科尔沁右翼前旗", "", ""},
		{"沛县", "", ""},
		{"城区", "", ""},
	}
	for _, tt := range tests {
		bare, suffixed := shortForms(Division{Name: tt.name})
		if bare != tt.bare || suffixed != tt.suffixed {
			t.Errorf("shortForms(%s) = %q, %q; want %q, %q", tt.name, bare, suffixed, tt.bare, tt.suffixed)
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"海东市政务服务监督管理局", "金华市金东区行政服务中心", "朝阳区", "中共中国共产党海东",
		"吉林省吉林市", "海南州共和县", "  ", "\xe6\xb5", "国家税务总局",
	} {
		f.Add(s, "630000")
	}
	f.Fuzz(func(t *testing.T, name, hint string) {
		d, ok := Find(name)
		if ok {
			if got, found := Lookup(d.Code); !found || got != d {
				t.Fatalf("Find(%q) = %v, which Lookup does not return (%v, %v)", name, d, got, found)
			}
			// A hint only breaks ties: it cannot change an unambiguous answer.
			if h, hok := FindWithHint(name, hint); !hok || h != d {
				t.Fatalf("FindWithHint(%q, %q) = %v, %v; Find gave %v", name, hint, h, hok, d)
			}
		}
		if h, hok := FindWithHint(name, hint); hok {
			if _, found := Lookup(h.Code); !found {
				t.Fatalf("FindWithHint(%q, %q) = %v, unknown code", name, hint, h)
			}
		}
	})
}

var benchNames = []string{
	"海东市政务服务监督管理局",
	"金华市金东区行政服务中心",
	"新疆维吾尔自治区伊犁哈萨克自治州察布查尔锡伯自治县人民政府办公室",
	"朝阳区人民政府",
	"国务院办公厅",
}

// BenchmarkFind measures one lookup per report; BenchmarkLookup (a map hit)
// is the baseline in the same run.
func BenchmarkFind(b *testing.B) {
	load()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Find(benchNames[i%len(benchNames)])
	}
}

func BenchmarkLookup(b *testing.B) {
	load()
	b.ReportAllocs()
	for b.Loop() {
		Lookup("630200")
	}
}

// BenchmarkLoad is the one-time cost of parsing and indexing the embedded table.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(divisionsTSV)))
	for b.Loop() {
		g, err := parseTable(divisionsTSV)
		if err != nil {
			b.Fatal(err)
		}
		g.index()
	}
}
