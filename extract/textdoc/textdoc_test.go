package textdoc

import (
	"context"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nianbao/nianbao/extract/doc"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func read(t *testing.T, s, ct string) *doc.Document {
	t.Helper()
	d, err := Read(context.Background(), []byte(s), ct)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// grid renders the tables of d as "a|b|c" rows, tables separated by "--".
func grid(d *doc.Document) string {
	var b strings.Builder
	for i, t := range d.Tables() {
		if i > 0 {
			b.WriteString("--\n")
		}
		for _, r := range t.Rows {
			for j, c := range r {
				if j > 0 {
					b.WriteByte('|')
				}
				b.WriteString(c.Text)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestTables(t *testing.T) {
	tests := []struct {
		name, in, want string
		paras          []string
	}{
		{
			name:  "tabs with a blank line inside and trailing tabs",
			in:    "标题\n\n第二十条第（五）项\t\t\t\n\n信息内容\t本年处理决定数量\n行政许可\t0\n\n正文",
			want:  "第二十条第（五）项|||\n信息内容|本年处理决定数量\n行政许可|0\n",
			paras: []string{"标题", "正文"},
		},
		{
			name: "markdown with separator and ragged pipes",
			in:   "| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 1 |\n规范性文件 | 2 ||\n",
			want: "信息内容|本年制发件数\n规章|1\n规范性文件|2|\n",
		},
		{
			name: "page footers inside a table do not split it",
			in:   "规章\t1\n— 4 —\n-3-\n第 3 页\n规范性文件\t2\n",
			want: "规章|1\n规范性文件|2\n",
		},
		{
			name: "CRLF and BOM",
			in:   "\uFEFF规章\t1\r\n规范性文件\t2\r\n",
			want: "规章|1\n规范性文件|2\n",
		},
		{
			name: "letter-spaced label cells keep single spaces",
			in:   "结 果 维 持\t尚 未  审 结\n",
			want: "结 果 维 持|尚 未 审 结\n",
		},
		{
			name: "layout text with wide gaps and numbers",
			in:   "行政处罚     12     3\n",
			want: "行政处罚|12|3\n",
		},
		{
			name:  "prose with one pipe is a paragraph",
			in:    "网址 a|b 说明",
			paras: []string{"网址 a|b 说明"},
		},
		{
			name: "one cell per line",
			in: strings.Join([]string{"三、收到和处理政府信息公开申请情况",
				"一、本年新收政府信息公开申请数量", "1", "2", "0", "0", "0", "0", "3",
				"二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"}, "\n"),
			want:  "一、本年新收政府信息公开申请数量|1|2|0|0|0|0|3\n二、上年结转政府信息公开申请数量|0|0|0|0|0|0|0\n",
			paras: []string{"三、收到和处理政府信息公开申请情况"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := read(t, tt.in, "")
			if got := grid(d); got != tt.want {
				t.Errorf("tables:\n%s\nwant:\n%s", got, tt.want)
			}
			if got := d.Paragraphs(); strings.Join(got, "/") != strings.Join(tt.paras, "/") {
				t.Errorf("paragraphs %q, want %q", got, tt.paras)
			}
		})
	}
}

func TestLocLine(t *testing.T) {
	d := read(t, "a\n\n规章\t1\n\n规范性文件\t2\n", "")
	tb := d.Tables()[0]
	if tb.Loc.Line != 3 || tb.Rows[1][1].Loc.Line != 5 || tb.Rows[1][1].Loc.Row != 1 || tb.Rows[1][1].Loc.Col != 1 {
		t.Errorf("locs: table %+v, cell %+v", tb.Loc, tb.Rows[1][1].Loc)
	}
	if d.Blocks[0].Loc.Line != 1 {
		t.Errorf("paragraph line %d", d.Blocks[0].Loc.Line)
	}
}

func TestCharsets(t *testing.T) {
	const s = "海东市人民政府2023年政府信息公开工作年度报告\n规章\t9\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, ct string
		warn           bool
	}{
		{"utf-8", s, "", false},
		{"gbk declared", gb, "text/plain; charset=GBK", false},
		{"gb2312 declared", gb, "text/plain; charset=gb2312", false},
		{"gbk undeclared", gb, "", true},
		{"gbk declared latin-1", gb, "text/plain; charset=ISO-8859-1", true},
		{"gbk declared utf-8", gb, "text/plain; charset=utf-8", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := read(t, tt.data, tt.ct)
			if got := d.Paragraphs()[0]; got != "海东市人民政府2023年政府信息公开工作年度报告" {
				t.Errorf("paragraph %q", got)
			}
			if (len(d.Warnings) > 0) != tt.warn {
				t.Errorf("warnings %q, want any: %v", d.Warnings, tt.warn)
			}
		})
	}
}

func TestSeeds(t *testing.T) {
	// Seed 000: the section 三 table has a blank line mid-table and must
	// stay one table; seed 003 is a pipe table.
	tests := []struct {
		file      string
		tables    int
		firstRows []int
	}{
		{"000_3450487cb858bd82.txt", 3, []int{14, 28, 4}},
		{"003_2d75f7f597d72c01.txt", 3, []int{15, 26, 4}},
	}
	for _, tt := range tests {
		data, err := os.ReadFile("../testdata/seeds/" + tt.file)
		if err != nil {
			t.Fatal(err)
		}
		d := read(t, string(data), "")
		ts := d.Tables()
		if len(ts) != tt.tables {
			t.Fatalf("%s: %d tables, want %d:\n%s", tt.file, len(ts), tt.tables, grid(d))
		}
		for i, n := range tt.firstRows {
			if len(ts[i].Rows) != n {
				t.Errorf("%s table %d: %d rows, want %d", tt.file, i, len(ts[i].Rows), n)
			}
		}
	}
}

func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, []byte("a\tb\n"), ""); err == nil {
		t.Error("want an error for a cancelled context")
	}
}

var footerCorpus = []string{"— 4 —", "-3-", "- 12 -", "第 3 页", "第3页 共10页", "3/10", "－2－", "─1─", "–5–",
	"第三页", "一、总体情况", "3", "", "共10页", "12 / 30", "第3页，共10页"}

// TestFooterStartMatchesRegexp holds the pre-check to the regexp alone.
func TestFooterStartMatchesRegexp(t *testing.T) {
	for _, s := range footerCorpus {
		if got, want := isFooter(s), len(s) < 40 && footerRe.MatchString(s); got != want {
			t.Errorf("isFooter(%q) = %v, regexp %v", s, got, want)
		}
	}
}

func FuzzFooterStart(f *testing.F) {
	for _, s := range footerCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isFooter(s), len(s) < 40 && footerRe.MatchString(s); got != want {
			t.Errorf("isFooter(%q) = %v, regexp %v", s, got, want)
		}
	})
}

// isNumericSlow is isNumeric without the first-byte shortcut.
func isNumericSlow(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return false
	}
	s = foldDigits(s)
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ',' && !dot && digits > 0:
		case c == '.' && !dot && digits > 0 && i+1 < len(s):
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

var numericCorpus = []string{"0", " 12 ", "１２", "－3", "-3", "+1,000", "1.5", ".5", "，1", "．5", "a1", "一", "", "\u30001", "1.", "12/30"}

func TestShortcutsMatch(t *testing.T) {
	for _, s := range numericCorpus {
		checkShortcuts(t, s)
	}
}

func FuzzShortcuts(f *testing.F) {
	for _, s := range numericCorpus {
		f.Add(s)
	}
	f.Fuzz(checkShortcuts)
}

func checkShortcuts(t *testing.T, s string) {
	if got, want := isNumeric(s), isNumericSlow(s); got != want {
		t.Errorf("isNumeric(%q) = %v, without shortcut %v", s, got, want)
	}
	for _, n := range []int{0, 1, 3, 40} {
		if got, want := runesAtMost(s, n), utf8.RuneCountInString(s) <= n; got != want {
			t.Errorf("runesAtMost(%q, %d) = %v, want %v", s, n, got, want)
		}
	}
}
