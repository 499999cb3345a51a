package extract

import (
	"strings"
	"testing"
)

// Hostile sizes: the work stays bounded (rows per section are capped,
// label comparisons are cut at maxLabelRunes, cells per row at the reader's
// limit) and the record stays a valid record.

func TestTenThousandRows(t *testing.T) {
	var b strings.Builder
	b.WriteString(title2021 + "三、收到和处理政府信息公开申请情况\n")
	for i := range 10000 {
		if i%2 == 0 {
			b.WriteString("\t\t4. 无正当理由大量反复申请\t1\t0\t0\t0\t0\t0\t1\n")
		} else {
			b.WriteString("随机标签" + strings.Repeat("字", i%50) + "\t3\t4\t5\n")
		}
	}
	r := parseText(t, b.String())
	assertCodebookKeys(t, r)
	wantValues(t, r, "requests.not_processed.vexatious.total=1")
	if len(r.Warnings) == 0 {
		t.Error("no warning about the oversized section")
	}
}

func TestHugeLines(t *testing.T) {
	long := strings.Repeat("很长的标签文字", 50000) // ~1 MB of label text
	text := title2021 + "三、收到和处理政府信息公开申请情况\n" + long + "\t1\t2\n" +
		"(七) 总计\t" + strings.Repeat("0\t", 100000) + "\n" +
		"四、政府信息公开行政复议、行政诉讼情况\n行政复议\t行政诉讼\n" + strings.Repeat("1\t", 200000) + "\n" +
		long + "\n"
	r := parseText(t, text)
	assertCodebookKeys(t, r)
	if c := cell(t, r, "requests.total.total"); valueString(c) != "0" {
		t.Errorf("total.total %q", valueString(c))
	}
}

func TestHugeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	one := report2021(nil, nil, appealZeros)
	text := strings.Repeat(one, (8<<20)/len(one)) // 8 MB: the same report many times
	r := parseText(t, text)
	assertCodebookKeys(t, r)
	if r.Status == StatusNotAReport {
		t.Errorf("status %s", r.Status)
	}
}

func TestBinaryGarbage(t *testing.T) {
	data := make([]byte, 1<<16)
	for i := range data {
		data[i] = byte(i*131 + i/7)
	}
	e, _ := New(Options{})
	if r, err := e.Parse(t.Context(), Source{Name: "garbage"}, data); err == nil && len(r.Cells) > 0 {
		t.Errorf("cells from garbage: %d", len(r.Cells))
	}
}
