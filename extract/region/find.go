package region

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameRef is one division a name (full or short form) refers to.
type nameRef struct {
	div int32
	// bare marks a short form without any type suffix (海东 for 海东市,
	// 金东 for 金东区), as opposed to full names and suffixed short forms
	// (延边州, 化隆县). Bare forms are the ones that collide with words.
	bare bool
}

// ethnicGroups are the names stripped from autonomous divisions to get their
// short form (延边朝鲜族自治州 → 延边, 化隆回族自治县 → 化隆). 各 covers 各族.
var ethnicGroups = []string{
	"蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
	"土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡",
	"纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
	"锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安",
	"裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
}

// leadingNoise are words that precede the place in agency names but are not
// places themselves (中共海东市委, 国家税务总局青海省税务局).
var leadingNoise = []string{
	"中国共产党", "中共", "共青团", "国家税务总局", "中国人民政治协商会议",
}

// agencyWords are words that follow a place in agency names. A short form
// that starts one of them at the same position is not taken as a place:
// 湖北省公安厅 is not 公安县, 济南市市中心医院 is not 市中区.
var agencyWords = []string{
	"公安", "财政", "民政", "教育", "司法", "人力资源", "自然资源", "生态", "环境", "住房", "住建",
	"城乡", "城市", "城管", "交通", "水利", "水务", "农业", "农村", "商务", "文化", "旅游", "卫生",
	"健康", "退役军人", "应急", "审计", "国资", "国有资产", "市场", "体育", "统计", "医疗", "医保",
	"信访", "机关", "发展", "改革", "工业", "信息", "科学", "科技", "民族", "宗教", "林业", "粮食",
	"人民", "政府", "办公", "政务", "大数据", "行政", "服务", "中心", "委员会", "管理", "税务",
	"海关", "气象", "地震", "档案", "新闻", "广播", "电视", "规划", "建设", "经济", "开发", "高新",
	"港口", "港务", "航道", "供销", "妇联", "团委", "法院", "检察", "人大", "政协", "纪委", "监察",
	"组织", "宣传", "统战", "政法", "编办", "机构", "党校", "老干部", "机要", "保密", "网信", "外事",
	"侨务", "残疾人", "残联", "科协", "文联", "工商", "红十字", "消防", "邮政", "烟草", "电力",
	"银行", "总工会", "工会", "知识产权", "药品", "食品", "市中心", "城区", "新区", "园区", "保税",
	"海事", "海洋", "渔业", "畜牧", "农机", "商业", "贸易", "投资", "招商", "金融", "公共", "资源",
	"执法", "人防", "医院", "学校", "大学", "学院", "中学", "小学", "职业", "技术", "公路", "铁路",
	"公积金", "社会", "就业", "乡村", "扶贫", "移民", "水文", "地质", "测绘", "国土", "能源", "安全",
	"监督", "质量", "价格", "口岸", "事务", "办事处", "街道", "社区",
	// County stems that are everyday words: 平安建设, 新华书店, 红旗渠, 共和国 …
	"平安", "解放", "新华", "和平", "红旗", "共和", "胜利", "友谊",
}

// index builds the name index: every full name, and the short forms of
// shortForms.
func (g *gazetteer) index() {
	g.names = make(map[string][]nameRef, 3*len(g.divs))
	g.blockers = make(map[string][]string)
	add := func(name string, i int, bare bool) {
		for _, r := range g.names[name] {
			if r.div == int32(i) {
				return
			}
		}
		g.names[name] = append(g.names[name], nameRef{div: int32(i), bare: bare})
		g.maxNameLen = max(g.maxNameLen, len(name))
	}
	for i, d := range g.divs {
		add(d.Name, i, false)
	}
	// Short forms go in after all full names so that a name that is both
	// (a full name somewhere, a short form elsewhere) keeps both refs.
	for i, d := range g.divs {
		bare, suffixed := shortForms(d)
		if bare != "" {
			add(bare, i, true)
			for _, w := range agencyWords {
				if strings.HasPrefix(w, bare) && !slices.Contains(g.blockers[bare], w) {
					g.blockers[bare] = append(g.blockers[bare], w)
				}
			}
		}
		if suffixed != "" {
			add(suffixed, i, false)
		}
	}
}

// shortForms returns the names a division goes by besides its full name:
// the bare stem without type suffix — 海东 (海东市), 浙江 (浙江省), 广西
// (广西壮族自治区), 大兴安岭 (大兴安岭地区), 锡林郭勒 (锡林郭勒盟), 神农架
// (神农架林区), 金东 (金东区) — and, for autonomous divisions, the stem with
// a plain suffix: 延边州 (延边朝鲜族自治州), 化隆县 (化隆回族自治县),
// 莫力达瓦旗 (莫力达瓦达斡尔族自治旗). A stem has at least two characters, so
// 沛县 has no short form. Banners (旗) keep their suffix, since 科尔沁右翼前
// is no name anyone writes. Either result may be "".
func shortForms(d Division) (bare, suffixed string) {
	n := d.Name
	for _, suf := range []string{"自治区", "自治州", "自治县", "自治旗"} {
		if stem, ok := strings.CutSuffix(n, suf); ok {
			stem = stripEthnic(stem)
			// 鄂温克族自治旗 and 东乡族自治县 are named for the group alone:
			// 鄂温克旗, 东乡县.
			if t, ok := strings.CutSuffix(stem, "族"); ok && runeLen(t) >= 2 {
				stem = t
			}
			if runeLen(stem) < 2 {
				return "", ""
			}
			if suf == "自治区" {
				return stem, ""
			}
			return stem, stem + suf[len("自治"):]
		}
	}
	for _, suf := range []string{"特别行政区", "地区", "林区", "特区", "省", "市", "盟", "县", "区"} {
		if stem, ok := strings.CutSuffix(n, suf); ok && runeLen(stem) >= 2 {
			return stem, ""
		}
	}
	return "", ""
}

// stripEthnic removes trailing ethnic group names: 海西蒙古族藏族 → 海西,
// 伊犁哈萨克 → 伊犁, 龙胜各族 → 龙胜. A one-character group is removed only
// with 族, and at least two characters stay, so 西藏 and 内蒙古 survive.
func stripEthnic(s string) string {
	for {
		t, zu := strings.CutSuffix(s, "族")
		cut := false
		for _, e := range ethnicGroups {
			if stem, ok := strings.CutSuffix(t, e); ok && (zu || runeLen(e) > 1) && runeLen(stem) >= 2 {
				s, cut = stem, true
				break
			}
		}
		if !cut {
			return s
		}
	}
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// Find returns the most specific division named at the start of an agency or
// place name: "金华市金东区行政服务中心" → 330703 金东区. It reads a chain of
// names from the start (province, prefecture, county, each optional, each
// inside the previous), accepting short forms (海东 for 海东市, 海南州 for
// 海南藏族自治州), and prefers the chain that covers the most text. Leading
// non-place words such as 中共 are skipped.
//
// When the best chains end in different divisions (朝阳区 is in Beijing and
// in Changchun), Find reports false rather than choose; see FindWithHint.
// A bare county-level short form (金东 for 金东区) is taken only after its
// province or prefecture, because on its own it is too often an ordinary
// word; suffixed ones (化隆县 for 化隆回族自治县) are taken anywhere.
func Find(name string) (Division, bool) {
	return FindWithHint(name, "")
}

// FindWithHint is Find with a tie-breaker: when the name alone leaves
// several divisions, the one sharing the longest code prefix (province,
// prefecture, county) with hintCode wins, if exactly one does. hintCode may
// be a 2-, 4- or 6-digit code, such as a USCC's Division or a configured
// code, or a whole USCC; it never overrides a name that is unambiguous. An
// unusable hint is ignored.
func FindWithHint(name, hintCode string) (Division, bool) {
	g := load()
	s := trimNoise(name)
	var r chainResult
	g.walk(s, 0, -1, &r)
	switch len(r.ends) {
	case 0:
		return Division{}, false
	case 1:
		return g.divs[r.ends[0]], true
	}
	hint, ok := normCode(hintCode)
	if !ok && len(hintCode) >= 18 {
		if u, err := ParseUSCC(hintCode); err == nil {
			hint, ok = u.Division, true
		}
	}
	if !ok {
		return Division{}, false
	}
	best, bestScore, tied := int32(-1), 0, false
	for _, e := range r.ends {
		switch sc := agreement(g.divs[e].Code, hint); {
		case sc > bestScore:
			best, bestScore, tied = e, sc, false
		case sc == bestScore:
			tied = true
		}
	}
	if best < 0 || tied {
		return Division{}, false
	}
	return g.divs[best], true
}

// agreement counts the leading levels (2-digit groups) two codes share,
// stopping at a zero group in hint: agreement("620102", "622301") is 1.
func agreement(code, hint string) int {
	n := 0
	for i := 0; i < 6; i += 2 {
		if hint[i:i+2] == "00" || code[i:i+2] != hint[i:i+2] {
			break
		}
		n++
	}
	return n
}

// trimNoise drops leading spaces, brackets and non-place words.
func trimNoise(s string) string {
	for {
		t := strings.TrimLeft(s, " \t\r\n\u3000\ufeff\"'“”‘’《【[（(")
		for _, w := range leadingNoise {
			t = strings.TrimPrefix(t, w)
		}
		if t == s {
			return s
		}
		s = t
	}
}

// chainResult collects the divisions that the longest chains end in.
type chainResult struct {
	consumed int
	ends     []int32
}

func (r *chainResult) add(consumed int, div int32) {
	switch {
	case consumed > r.consumed:
		r.consumed = consumed
		r.ends = append(r.ends[:0], div)
	case consumed == r.consumed:
		for _, e := range r.ends {
			if e == div {
				return
			}
		}
		r.ends = append(r.ends, div)
	}
}

// walk extends a chain whose last division is parent (-1 for none) with
// every name that starts at pos and lies inside parent, depth first.
// Chains are at most three names long, so this stays small.
func (g *gazetteer) walk(s string, pos int, parent int32, r *chainResult) {
	if parent >= 0 {
		for pos < len(s) {
			r, size := utf8.DecodeRuneInString(s[pos:])
			if !unicode.IsSpace(r) {
				break
			}
			pos += size
		}
	}
	end := pos
	for n := 0; end < len(s) && end-pos < g.maxNameLen; n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
		if n == 0 {
			continue // no name has a single character
		}
		key := s[pos:end]
		for _, ref := range g.names[key] {
			d := &g.divs[ref.div]
			if parent < 0 {
				if ref.bare && d.Level == LevelCounty {
					continue
				}
			} else if !g.inside(ref.div, parent) {
				continue
			}
			if ref.bare && g.startsAgencyWord(s[pos:], key) {
				continue
			}
			r.add(end, ref.div)
			g.walk(s, end, ref.div, r)
		}
	}
}

// inside reports whether division i lies strictly inside division p.
func (g *gazetteer) inside(i, p int32) bool {
	code := g.divs[p].Code
	for parent := g.divs[i].Parent; parent != ""; {
		if parent == code {
			return true
		}
		j := g.byCode[parent]
		parent = g.divs[j].Parent
	}
	return false
}

// startsAgencyWord reports whether s starts with an agency word that the
// bare short form key is a prefix of.
func (g *gazetteer) startsAgencyWord(s, key string) bool {
	for _, w := range g.blockers[key] {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}
