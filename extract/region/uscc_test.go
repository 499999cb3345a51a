package region

import (
	"errors"
	"strings"
	"testing"
)

// The three codes domain.md §4 verified by hand.
var validUSCCs = []struct {
	code                  string
	authority, entityType byte
	division, orgCode     string
}{
	{"12330703766405351H", '1', '2', "330703", "766405351"}, // seed 003, 金东区行政服务中心
	{"113325000026455663", '1', '1', "332500", "002645566"}, // 丽水, retired 丽水地区 code
	{"11622301013932616A", '1', '1', "622301", "013932616"}, // 凉州区审计局, former 武威市 code
}

func TestParseUSCCValid(t *testing.T) {
	for _, v := range validUSCCs {
		for _, in := range []string{v.code, strings.ToLower(v.code), " " + v.code + "\n"} {
			u, err := ParseUSCC(in)
			if err != nil {
				t.Errorf("ParseUSCC(%q): %v", in, err)
				continue
			}
			want := USCC{Code: v.code, Authority: v.authority, EntityType: v.entityType, Division: v.division, OrgCode: v.orgCode}
			if u != want {
				t.Errorf("ParseUSCC(%q) = %+v, want %+v", in, u, want)
			}
			if !u.OrgCodeValid() {
				t.Errorf("%s: organisation code %s should be valid", v.code, u.OrgCode)
			}
		}
	}
}

func TestParseUSCCInvalid(t *testing.T) {
	tests := []struct {
		in, reason string
	}{
		{"", "0 characters"},
		{"12330703766405351", "17 characters"},
		{"12330703766405351HX", "19 characters"},
		{"12330703766405351J", "check character is 'J', want 'H'"}, // last character changed
		{"12330703766405315H", "check character"},                  // two digits swapped
		{"12330703766405352H", "check character"},                  // one digit changed
		{"113325000026455664", "check character is '4', want '3'"}, //
		{"I2330703766405351H", "'I' at position 1"},
		{"12330703766405351O", "'O' at position 18"},
		{"1S330703766405351H", "'S' at position 2"},
		{"123307037664V5351H", "'V' at position 13"},
		{"12330703766405351Z", "'Z' at position 18"},
		{"1233070376640535-H", "'-' at position 17"},
		{"12330703766405351Ｈ", "'Ｈ' at position 18"}, // full-width letter
		{"12330703766405351中", "'中' at position 18"},
		{"12A30703766405351H", "division part"},
	}
	for _, tt := range tests {
		_, err := ParseUSCC(tt.in)
		if err == nil {
			t.Errorf("ParseUSCC(%q) succeeded, want error containing %q", tt.in, tt.reason)
			continue
		}
		if !errors.Is(err, ErrUSCC) {
			t.Errorf("ParseUSCC(%q): %v does not wrap ErrUSCC", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseUSCC(%q) error %q, want it to say %q", tt.in, err, tt.reason)
		}
	}
}

// TestParseUSCCOneCheckCharacter: of the 31 possible last characters exactly
// one is accepted.
func TestParseUSCCOneCheckCharacter(t *testing.T) {
	for _, v := range validUSCCs {
		accepted := ""
		for i := 0; i < len(usccAlphabet); i++ {
			if _, err := ParseUSCC(v.code[:17] + usccAlphabet[i:i+1]); err == nil {
				accepted += usccAlphabet[i : i+1]
			}
		}
		if accepted != v.code[17:] {
			t.Errorf("%s: accepted check characters %q, want only %q", v.code, accepted, v.code[17:])
		}
	}
}

func TestOrgCodeValid(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"766405351", true},
		{"766405350", false},
		{"002645566", true},
		{"013932616", true},
		{"D2143569X", true}, // a commonly cited example; check value 10 → X
		{"D21435690", false},
		{"12345678", false},
		{"1234567a0", false},
	}
	for _, tt := range tests {
		if got := orgCodeValid(tt.code); got != tt.want {
			t.Errorf("orgCodeValid(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

// withCheck completes 17 characters with the check character ParseUSCC
// accepts, to build codes that pass ParseUSCC but must fail FindUSCC's
// extra filters.
func withCheck(t *testing.T, prefix string) string {
	t.Helper()
	for i := 0; i < len(usccAlphabet); i++ {
		if u, err := ParseUSCC(prefix + usccAlphabet[i:i+1]); err == nil {
			return u.Code
		}
	}
	t.Fatalf("no check character completes %s", prefix)
	return ""
}

func TestFindUSCC(t *testing.T) {
	idCard := withCheck(t, "11010519900101123")  // division part 010519: no province 01
	badOrg := withCheck(t, "12330703766405350")  // organisation check digit wrong
	central := withCheck(t, "11100000000013127") // 100000: central bodies
	tests := []struct {
		text, want string
	}{
		{"索引号：12330703766405351H/2022-115518", "12330703766405351H"},
		{"12330703766405351H", "12330703766405351H"},
		{"统一社会信用代码11622301013932616A。", "11622301013932616A"},
		{"code 12330703766405351h here", "12330703766405351H"},
		{"first 12330703766405351J then 113325000026455663", "113325000026455663"}, // bad check skipped
		{"X12330703766405351H", ""},                                                // part of a longer token
		{"12330703766405351H0", ""},
		{"身份证 " + idCard + " 代码 12330703766405351H", "12330703766405351H"},
		{"身份证 " + idCard, ""},
		{badOrg, ""},
		{central, central},
		{"", ""},
		{"没有代码", ""},
	}
	for _, tt := range tests {
		u, ok := FindUSCC(tt.text)
		if tt.want == "" {
			if ok {
				t.Errorf("FindUSCC(%q) = %s, want none", tt.text, u.Code)
			}
			continue
		}
		if !ok || u.Code != tt.want {
			t.Errorf("FindUSCC(%q) = %q, %v; want %s", tt.text, u.Code, ok, tt.want)
		}
	}
}

func TestProvince(t *testing.T) {
	tests := []struct{ code, want string }{
		{"630200", "63"},
		{"33", "33"},
		{"12330703766405351H"[2:8], "33"},
		{"6", ""},
		{"", ""},
		{"a30200", ""},
		{"海东", ""},
	}
	for _, tt := range tests {
		if got := Province(tt.code); got != tt.want {
			t.Errorf("Province(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestChain(t *testing.T) {
	var names []string
	for _, d := range Chain("330703") {
		names = append(names, d.Name)
	}
	if got := strings.Join(names, ","); got != "浙江省,金华市,金东区" {
		t.Errorf("Chain(330703) = %s", got)
	}
	if c := Chain("110105"); len(c) != 2 || c[0].Code != "110000" {
		t.Errorf("Chain(110105) = %v, want 北京市, 朝阳区", c)
	}
	if c := Chain("999999"); c != nil {
		t.Errorf("Chain(999999) = %v, want nil", c)
	}
}

func FuzzParseUSCC(f *testing.F) {
	for _, v := range validUSCCs {
		f.Add(v.code)
	}
	f.Add("12330703766405351J")
	f.Add("1233070376640535１H")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUSCC(s)
		if found, ok := FindUSCC(s); ok {
			if _, err := ParseUSCC(found.Code); err != nil || !strings.Contains(strings.ToUpper(s), found.Code) {
				t.Fatalf("FindUSCC(%q) = %s: not a valid code from the text (%v)", s, found.Code, err)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrUSCC) {
				t.Fatalf("ParseUSCC(%q): %v does not wrap ErrUSCC", s, err)
			}
			return
		}
		if len(u.Code) != 18 || u.Division != u.Code[2:8] || u.OrgCode != u.Code[8:17] ||
			u.Authority != u.Code[0] || u.EntityType != u.Code[1] {
			t.Fatalf("ParseUSCC(%q) = %+v: fields disagree with Code", s, u)
		}
		if again, err := ParseUSCC(strings.ToLower(u.Code)); err != nil || again != u {
			t.Fatalf("ParseUSCC(lower %q) = %+v, %v; want %+v", u.Code, again, err, u)
		}
		// Changing the check character must break the code.
		for i := 0; i < len(usccAlphabet); i++ {
			if c := usccAlphabet[i]; c != u.Code[17] {
				if _, err := ParseUSCC(u.Code[:17] + string(c)); err == nil {
					t.Fatalf("%s accepted with check %c too", u.Code, c)
				}
			}
		}
	})
}

func BenchmarkParseUSCC(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseUSCC("12330703766405351H"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindUSCC(b *testing.B) {
	text := strings.Repeat("政府信息公开工作年度报告，", 40) + "索引号：12330703766405351H/2022-115518"
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, ok := FindUSCC(text); !ok {
			b.Fatal("not found")
		}
	}
}
