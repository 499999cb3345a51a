package extract

import (
	"testing"

	"github.com/nianbao/nianbao/extract/codebook"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"三、本 年度办 理结果", "三、本年度办理结果"},
		{"（一）予以公开", "(一)予以公开"},
		{"结\u3000果\u00a0维 持", "结果维持"},
		{"3. 危及“三安全一稳定”", "3.危及三安全一稳定"},
		{"１２３，４５６", "123,456"},
		{"**强化政府门户网站建设**", "强化政府门户网站建设"},
		{"本年收费金额（单位：万元）", "本年收费金额(单位:万元)"},
		{"第二十条第〔一〕项", "第二十条第(一)项"},
		{"①予以公开", "1予以公开"}, // NFKC for the rarer compatibility characters
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitOrdinal(t *testing.T) {
	tests := []struct {
		in    string
		level int
		n     int
		rest  string
	}{
		{"一、本年新收政府信息公开申请数量", level1, 1, "本年新收政府信息公开申请数量"},
		{"四、结转下年度继续办理", level1, 4, "结转下年度继续办理"},
		{"十二、其他", level1, 12, "其他"},
		{"(三)不予公开", level2, 3, "不予公开"},
		{"(七)总计", level2, 7, "总计"},
		{"1.属于国家秘密", level3, 1, "属于国家秘密"},
		{"1、重复申请", level3, 1, "重复申请"},
		{"10.x", level3, 10, "x"},
		{"2)其他", level3, 2, "其他"},
		{"1.5", levelNone, 0, "1.5"},
		{"三", levelNone, 0, "三"},
		{"三安全一稳定", levelNone, 0, "三安全一稳定"},
		{"一、", level1, 1, ""},
		{"规章", levelNone, 0, "规章"},
	}
	for _, tt := range tests {
		o, rest := splitOrdinal(tt.in)
		if o.level != tt.level || o.n != tt.n || rest != tt.rest {
			t.Errorf("splitOrdinal(%q) = %+v %q, want level %d n %d %q", tt.in, o, rest, tt.level, tt.n, tt.rest)
		}
	}
}

func TestCore(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)", "部分公开"},
		{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"},
		{"本年收费金额（单位：万元，保留4位小数）", "本年收费金额"},
		{"本年收费金额（单位：万元）", "本年收费金额"},
		{"1. 属于国家秘密", "属于国家秘密"},
	}
	for _, tt := range tests {
		if got := core(tt.in); got != tt.want {
			t.Errorf("core(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"无正当理由由大量反复申请", "无正当理由大量反复申请", 0.95, 0.96},
		{"其他法律行政止公开", "其他法律行政法规禁止公开", 0.85, 0.86},
		{"予以公开", "予以公开", 1, 1},
		{"规章", "行政许可", 0, 0},
		{"", "", 0, 0},
	}
	for _, tt := range tests {
		if got := similarity(tt.a, tt.b); got < tt.min || got > tt.max {
			t.Errorf("similarity(%q, %q) = %.3f, want in [%.2f, %.2f]", tt.a, tt.b, got, tt.min, tt.max)
		}
	}
}

// Row labels as reports print them, typos and variants included, each
// against the row it must name (or "" for no row).
func TestMatchRequestLabels(t *testing.T) {
	tests := []struct {
		tmpl, label, want string
	}{
		{"2021", "4.无正当理由由大量反复申请", "not_processed.vexatious"},
		{"2021", "2.其他法律行政止公开", "withheld.prohibited_by_law"},
		{"2021", "2.其他法律法规禁止公开", "withheld.prohibited_by_law"},
		{"2021", "2. 其他法律行政法规禁止公开", "withheld.prohibited_by_law"},
		{"2021", "3.危及三安全一稳定", "withheld.security_stability"},
		{"2021", "(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)", "partially_disclosed"},
		{"2021", "(七)合计", "total"},
		{"2021", "（七）总计", "total"},
		{"2021", "1. 申请人无正当理由逾期不补正, 行政机关不再处理其政府信息公开申请", "other.no_correction"},
		{"2021", "3.其他", "other.other"},
		{"2021", "1.本机关不掌握相关政府信", "unable.not_held"},
		{"2021", "一、本年新收政府信息公开申请数量", "new"},
		{"2021", "四、结转下年度继续办理", "carried_forward"},
		{"2019", "(六)其他处理", "other"},
		{"2019", "6.属于四类过程性信息", "withheld.process_info"},
		{"2021", "五、存在的主要问题及改进情况", ""},
		{"2021", "法人或其他组织", ""},
		{"2021", "政府信息公开工作年度报告", ""},
	}
	for _, tt := range tests {
		set := requestTargetSets[tt.tmpl]
		units, _ := appendRowLabels(nil, srow{cells: []scell{{raw: tt.label, norm: normalize(tt.label), val: parseValue(tt.label)}}})
		got := ""
		if len(units) == 1 {
			if i, s := matchUnit(units[0], set, ""); i >= 0 && s >= labelLow && set.ts[i].row >= 0 {
				got = set.rows[set.ts[i].row].Key
			}
		}
		if got != tt.want {
			t.Errorf("%s %q matched %q, want %q", tt.tmpl, tt.label, got, tt.want)
		}
	}
}

func TestMatchActiveColumns(t *testing.T) {
	tests := []struct{ label, want string }{
		{"本年收费金额(单位:万元,保留4位小数)", "fee_amount"},
		{"本年收费金额", "fee_amount"},
		{"本年新制作数量", "newly_made"},
		{"本年增/减", "change"},
		{"采购总金额", "amount"},
		{"信息内容", ""},
	}
	for _, tt := range tests {
		if got, _ := matchActiveCol(stripNotes(normalize(tt.label))); got != tt.want {
			t.Errorf("matchActiveCol(%q) = %q, want %q", tt.label, got, tt.want)
		}
	}
	if i, _ := activeRowMatcher.best(core("规范性文件"), labelLow); i < 0 || activeRowKeys[i] != "normative_docs" {
		t.Errorf("规范性文件 does not name normative_docs")
	}
	_ = codebook.T2021
}

func TestHeading(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"二、主动公开政府信息情况", secActive},
		{"三、收到和处理政府信息公开申请情况", secRequests},
		{"三、本年度办理结果", secNone},
		{"四、政府信息公开行政复议、行政诉讼情况", secAppeals},
		{"四、结转下年度继续办理", secNone},
		{"五、存在的主要问题及下一步打算", secProblems},
		{"五、政府信息公开工作存在的主要问题及改进情况", secProblems},
		{"（二）主动公开政府信息情况", secNone},
	}
	for _, tt := range tests {
		if got := heading(tt.in); got != tt.want {
			t.Errorf("heading(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
