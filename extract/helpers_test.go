package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseText runs the whole pipeline on text.
func parseText(t testing.TB, text string) *Report {
	t.Helper()
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Parse(context.Background(), Source{Name: "test.txt"}, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// cell returns the reported cell with key k, failing the test if absent.
func cell(t testing.TB, r *Report, k string) Cell {
	t.Helper()
	for _, c := range r.Cells {
		if c.Key() == k {
			return c
		}
	}
	t.Fatalf("no cell %s among %d", k, len(r.Cells))
	return Cell{}
}

// wantValues checks "key=value" pairs; value "" means blank (nil).
func wantValues(t testing.TB, r *Report, pairs ...string) {
	t.Helper()
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		if got := valueString(cell(t, r, k)); got != v {
			c := cell(t, r, k)
			t.Errorf("%s = %q (raw %q, flags %v, align %s), want %q", k, got, c.Raw, c.Flags, c.Align, v)
		}
	}
}

// requestRows2021 are the section 三 row labels of the 2021 template as a
// tab-separated text extraction prints them (label cells only).
var requestRows2021 = []struct{ key, label string }{
	{"new", "一、本年新收政府信息公开申请数量\t"},
	{"carried_over", "二、上年结转政府信息公开申请数量\t"},
	{"disclosed", "三、本年度办理结果\t(一) 予以公开"},
	{"partially_disclosed", "\t(二) 部分公开（区分处理的，只计这一情形，不计其他情形）"},
	{"withheld.state_secret", "\t(三) 不予公开\t1. 属于国家秘密"},
	{"withheld.prohibited_by_law", "\t\t2. 其他法律行政法规禁止公开"},
	{"withheld.security_stability", "\t\t3. 危及“三安全一稳定”"},
	{"withheld.third_party", "\t\t4. 保护第三方合法权益"},
	{"withheld.internal_affairs", "\t\t5. 属于三类内部事务信息"},
	{"withheld.process_info", "\t\t6. 属于四类过程性信息"},
	{"withheld.enforcement_files", "\t\t7. 属于行政执法案卷"},
	{"withheld.admin_query", "\t\t8. 属于行政查询事项"},
	{"unable.not_held", "\t(四) 无法提供\t1. 本机关不掌握相关政府信息"},
	{"unable.needs_creation", "\t\t2. 没有现成信息需要另行制作"},
	{"unable.unclear", "\t\t3. 补正后申请内容仍不明确"},
	{"not_processed.petition", "\t(五) 不予处理\t1. 信访举报投诉类申请"},
	{"not_processed.duplicate", "\t\t2. 重复申请"},
	{"not_processed.publication", "\t\t3. 要求提供公开出版物"},
	{"not_processed.vexatious", "\t\t4. 无正当理由大量反复申请"},
	{"not_processed.confirm_reissue", "\t\t5. 要求行政机关确认或重新出具已获取信息"},
	{"other.no_correction", "\t(六) 其他处理\t1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
	{"other.fee_unpaid", "\t\t2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
	{"other.other", "\t\t3. 其他"},
	{"total", "\t(七) 总计\t"},
	{"carried_forward", "四、结转下年度继续办理\t"},
}

const zeros7 = "0\t0\t0\t0\t0\t0\t0"

// requestsText renders a section 三 table: every row gets seven zeros
// unless vals names the text after its label (tabs included). A row mapped
// to "-" is left out; the label can be replaced with labels[key].
func requestsText(vals, labels map[string]string) string {
	var b strings.Builder
	b.WriteString("三、收到和处理政府信息公开申请情况\n\n")
	b.WriteString("(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\t\t\t\t\t\t总计\n")
	b.WriteString("\t\t自然人\t法人或其他组织\t\t\t\t\t\n")
	b.WriteString("\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n")
	for _, r := range requestRows2021 {
		v, ok := vals[r.key]
		if v == "-" {
			continue
		}
		if !ok {
			v = zeros7
		}
		label := r.label
		if l, ok := labels[r.key]; ok {
			label = l
		}
		b.WriteString(label + "\t" + v + "\n")
	}
	return b.String()
}

// appealsText renders section 四 with the given data line ("" for none).
func appealsText(data string) string {
	s := "四、政府信息公开行政复议、行政诉讼情况\n\n" +
		"行政复议\t\t\t\t\t行政诉讼\n" +
		"结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n" +
		"\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
	if data != "" {
		s += data + "\n"
	}
	return s + "\n五、存在的主要问题及改进情况\n\n无。\n"
}

const activeText2021 = "二、主动公开政府信息情况\n\n" +
	"第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t0\t0\t0\n" +
	"第二十条第（五）项\t\t\t\n信息内容\t本年处理决定数量\n行政许可\t0\n" +
	"第二十条第（六）项\t\t\t\n信息内容\t本年处理决定数量\n行政处罚\t0\n行政强制\t0\n" +
	"第二十条第（八）项\t\t\t\n信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t0\n\n"

const title2021 = "某某县某某局2021年政府信息公开工作年度报告\n\n一、总体情况\n\n概述。\n\n"

// report2021 is a whole report with the given section 三 and 四 data.
func report2021(vals, labels map[string]string, appealsData string) string {
	return title2021 + activeText2021 + requestsText(vals, labels) + "\n" + appealsText(appealsData)
}

const appealZeros = "0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"

func seedText(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
