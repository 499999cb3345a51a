package discover

import (
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestDecode(t *testing.T) {
	const text = "<p>舒兰市教育局（喆）2021年政府信息公开工作年度报告</p>"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	meta := `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`
	tests := []struct {
		name, body, contentType, want, charset string
	}{
		{"utf-8 bom", "\xEF\xBB\xBF" + text, "text/html; charset=gbk", text, "utf-8"},
		{"gbk by header", gbk, "text/html; charset=GBK", text, "gb18030"},
		{"gb2312 by meta only", meta + gbk, "text/html", meta + text, "gb18030"},
		{"header wins over meta", `<meta charset="gbk">` + text, "text/html; charset=utf-8", `<meta charset="gbk">` + text, "utf-8"},
		{"lying utf-8 header, meta tells", meta + gbk, "text/html; charset=utf-8", meta + text, "gb18030"},
		{"lying utf-8 header, nothing else", gbk, "text/html; charset=utf-8", text, "gb18030"},
		{"undeclared utf-8", text, "", text, "utf-8"},
		{"undeclared gbk", gbk, "", text, "gb18030"},
		{"unknown label falls through", text, "text/html; charset=x-nonsense", text, "utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, cs := Decode([]byte(tc.body), tc.contentType)
			if string(got) != tc.want || cs != tc.charset {
				t.Errorf("Decode = %q (%s), want %q (%s)", got, cs, tc.want, tc.charset)
			}
		})
	}
}
