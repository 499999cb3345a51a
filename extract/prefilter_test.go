package extract

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The hot paths skip regexps with cheap pre-checks. These tests hold each
// pre-check to the regexps alone: same answer on every input.

// classifyRegexp is classify without the numberShaped pre-check.
func classifyRegexp(s string) value {
	if s == "" {
		return value{kind: kindEmpty}
	}
	if markers[s] {
		return value{kind: kindValue, flags: fMarker}
	}
	if m := numRe.FindStringSubmatch(s); m != nil {
		return number(s, m[3])
	}
	if m := numUnitRe.FindStringSubmatch(s); m != nil {
		v := numberText(m[1])
		v.unit = m[2]
		v.flags |= fUnit
		return v
	}
	if m := changeRe.FindStringSubmatch(s); m != nil {
		v := numberText(m[2])
		if v.kind == kindValue && (m[1] == "减少" || m[1] == "减") {
			v.num, v.negative = -v.num, v.num != 0
		}
		v.flags |= fNote
		return v
	}
	if m := numNoteRe.FindStringSubmatch(s); m != nil {
		v := numberText(m[1])
		v.unit = m[2]
		v.flags |= fNote
		if m[2] != "" {
			v.flags |= fUnit
		}
		return v
	}
	return value{kind: kindLabel}
}

var prefilterCorpus = []string{
	"0", "128", "1,234", "-3", "+2", "0.8650", "3297.1234", "1.5", "1.", ".5", "1..2", "1,23",
	"251000元", "3万元", "3件", "5家", "3件件", "3元万", "22(其中修订16件)", "22件(其中修订16件)",
	"22(", "22()", "22)(", "3万元(x)", "1.属于国家秘密", "1、属于国家秘密", "2019年", "12月",
	"-", "--", "-1(x)", "增加2", "减少1", "新增3项", "增2", "减0", "增加", "0(0)", "1,000(一)",
	"3,000,000", "12.5万元", "1.5.6", "+", "+-1", "3次(x)y", "10项)", "7宗(", "8条(a)(b)",
}

func TestNumberShapedMatchesRegexps(t *testing.T) {
	for _, s := range prefilterCorpus {
		if got, want := classify(s), classifyRegexp(s); got != want {
			t.Errorf("classify(%q) = %+v, regexps alone give %+v", s, got, want)
		}
	}
}

func FuzzNumberShaped(f *testing.F) {
	for _, s := range prefilterCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := classify(s), classifyRegexp(s); got != want {
			t.Errorf("classify(%q) = %+v, regexps alone give %+v", s, got, want)
		}
	})
}

var narrativeCorpus = []string{
	"本年度共收到政府信息公开申请128件", "收到申请12宗", "受理依申请公开申请3件", "新收申请1个",
	"接收申请共5次", "收到申请件", "未收到政府信息公开申请", "没有收到申请", "无依申请公开申请",
	"本年度申请人无正当理由", "申请", "", "收到申请１２件", "受理申请,共3件", "未发生行政复议",
	"本机关未收到1件申请",
}

func TestNarrativePrefilters(t *testing.T) {
	for _, s := range narrativeCorpus {
		if got, want := receivedIn(s), receivedRe.FindStringSubmatch(s); !slices.Equal(got, want) {
			t.Errorf("receivedIn(%q) = %q, regexp %q", s, got, want)
		}
		if noneRe.MatchString(s) && !strings.ContainsAny(s, "未没无") {
			t.Errorf("noneRe matches %q without 未没无", s)
		}
	}
}

func TestAgencySuffixMatchesRegexp(t *testing.T) {
	re := regexp.MustCompile(`(?:人民政府|政府|局|委员会|委|办公室|办|中心|厅|院|署|所|站|处|会|队|馆|部|社|集团|公司|街道|街道办事处|镇|乡|管委会|管理委员会)$`)
	for _, s := range []string{"海东市政务服务监督管理局", "某某街道办事处", "某某管委会", "局长", "某某", "", "政府网站", "人民政府"} {
		if got, want := hasAgencySuffix(s), re.MatchString(s); got != want {
			t.Errorf("hasAgencySuffix(%q) = %v, regexp %v", s, got, want)
		}
	}
}

func FuzzNarrativePrefilters(f *testing.F) {
	for _, s := range narrativeCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := receivedIn(s), receivedRe.FindStringSubmatch(s); !slices.Equal(got, want) {
			t.Errorf("receivedIn(%q) = %q, regexp %q", s, got, want)
		}
		if noneRe.MatchString(s) && !strings.ContainsAny(s, "未没无") {
			t.Errorf("noneRe matches %q without 未没无", s)
		}
	})
}

var spaceCorpus = []string{"予以公开 0 0 1", "3\t0", "规章\u30000", "a\u00a0b", "规章", "", "\xe3\x80", "\xe3\xe3\x80\x80",
	"\xc2\xa0", "\xf0\xc2\xa0", "(一)予以公开", "1.属于", "属于、", "\xe3\x80\x81"}

func TestByteSearchesMatchContainsAny(t *testing.T) {
	for _, s := range spaceCorpus {
		checkByteSearches(t, s)
	}
}

func FuzzByteSearches(f *testing.F) {
	for _, s := range spaceCorpus {
		f.Add(s)
	}
	f.Fuzz(checkByteSearches)
}

func checkByteSearches(t *testing.T, s string) {
	if got, want := hasFieldSpace(s), strings.ContainsAny(s, " \t\u3000\u00a0"); got != want {
		t.Errorf("hasFieldSpace(%q) = %v, ContainsAny %v", s, got, want)
	}
	if !strings.ContainsAny(s, "(.、") && splitAtOrdinals(s) != nil {
		t.Errorf("splitAtOrdinals(%q) split without ( . 、", s)
	}
}
