package region

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		code       string
		name       string
		level      int
		parent     string
		wantAbsent bool
	}{
		{code: "630200", name: "海东市", level: 2, parent: "630000"},
		{code: "410781", name: "卫辉市", level: 3, parent: "410700"},
		{code: "330703", name: "金东区", level: 3, parent: "330700"},
		{code: "330000", name: "浙江省", level: 1, parent: ""},
		{code: "63", name: "青海省", level: 1, parent: ""},
		{code: "6302", name: "海东市", level: 2, parent: "630000"},
		{code: "110105", name: "朝阳区", level: 3, parent: "110000"}, // municipality: district directly under
		{code: "419001", name: "济源市", level: 3, parent: "410000"}, // province-administered county-level city
		{code: "441900", name: "东莞市", level: 2, parent: "440000"}, // prefecture without counties
		{code: "222400", name: "延边朝鲜族自治州", level: 2, parent: "220000"},
		{code: "152500", name: "锡林郭勒盟", level: 2, parent: "150000"},
		{code: "429021", name: "神农架林区", level: 3, parent: "420000"},
		{code: "520203", name: "六枝特区", level: 3, parent: "520200"},
		{code: "332500", wantAbsent: true}, // retired 丽水地区: not invented
		{code: "622301", wantAbsent: true}, // retired county-level 武威市
		{code: "130171", wantAbsent: true}, // NBS-only 开发区 code
		{code: "110100", wantAbsent: true}, // NBS placeholder 市辖区
		{code: "", wantAbsent: true},
		{code: "63020", wantAbsent: true},
		{code: "6302000", wantAbsent: true},
		{code: "63a200", wantAbsent: true},
	}
	for _, tt := range tests {
		d, ok := Lookup(tt.code)
		if ok == tt.wantAbsent {
			t.Errorf("Lookup(%q) ok = %v, want %v (%v)", tt.code, ok, !tt.wantAbsent, d)
			continue
		}
		if tt.wantAbsent {
			continue
		}
		if d.Name != tt.name || d.Level != tt.level || d.Parent != tt.parent {
			t.Errorf("Lookup(%q) = %+v, want name %s level %d parent %q", tt.code, d, tt.name, tt.level, tt.parent)
		}
	}
}

func TestParseTableErrors(t *testing.T) {
	tests := []struct{ tsv, want string }{
		{"110000\t1\t北京市\n", "fields"},
		{"110000\t4\t北京市\t\n", "bad level"},
		{"110000\t1\t北京市\t\n110000\t1\t北京市\t\n", "duplicate"},
		{"110105\t3\t朝阳区\t110000\n", "parent 110000 missing"},
		{"11000\t1\t北京市\t\n", "malformed"},
		{"110105\t3\t朝阳区\t\n", "malformed"}, // county without parent
	}
	for _, tt := range tests {
		_, err := parseTable(tt.tsv)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseTable(%q) error %v, want %q", tt.tsv, err, tt.want)
		}
	}
	g, err := parseTable(divisionsTSV)
	if err != nil {
		t.Fatal(err)
	}
	// Level counts of the 2023 data: 31 provinces, 333 prefectures
	// (342 NBS groups less 9 placeholders), 2850 counties.
	count := map[int]int{}
	for _, d := range g.divs {
		count[d.Level]++
	}
	if count[1] != 31 || count[2] != 333 || count[3] != 2850 {
		t.Errorf("levels: %v, want 31 provinces, 333 prefectures, 2850 counties", count)
	}
}
