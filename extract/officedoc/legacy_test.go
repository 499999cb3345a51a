package officedoc

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/toolcheck"
)

func needLibreOffice(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("LibreOffice conversions take seconds; skipped in -short mode")
	}
	if err := Available(); err != nil {
		t.Skip(err)
	}
}

// valuesOf returns the non-spanned cells after the first cell equal to
// label: what a consumer counting values reads.
func valuesOf(t *testing.T, d *doc.Document, label string) []string {
	t.Helper()
	for _, tb := range d.Tables() {
		for _, r := range tb.Rows {
			i := slices.IndexFunc(r, func(c doc.Cell) bool { return c.Text == label && !c.Spanned })
			if i < 0 {
				continue
			}
			var out []string
			for _, c := range r[i+1:] {
				if !c.Spanned && c.Text != label {
					out = append(out, c.Text)
				}
			}
			return out
		}
	}
	t.Errorf("label %q not found", label)
	return nil
}

func checkValues(t *testing.T, d *doc.Document, want map[string]string) {
	t.Helper()
	for label, vals := range want {
		got := strings.Join(valuesOf(t, d, label), ",")
		if got != vals {
			t.Errorf("%s: values %q, want %q", label, got, vals)
		}
	}
}

// The DOC went HTML → Word 97 → (LibreOffice) → DOCX: the grid must come
// out as the DOCX rendering of the same HTML does.
func TestReadDOC(t *testing.T) {
	needLibreOffice(t)
	d, err := Read(context.Background(), readFixture(t, "report2019.doc"), "application/msword")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != doc.FormatDOC {
		t.Errorf("format %s", d.Format)
	}
	checkHeadings(t, d, headings)
	checkCells(t, d, []cellWant{
		{0, 6, 2, "-5", false},
		{0, 17, 2, "7139200", false},
		{1, 3, 5, "", false},
		{1, 3, 9, "49", false},
		{1, 5, 0, "三、本年度办理结果", false},
		{1, 12, 0, "三、本年度办理结果", true},
		{1, 24, 3, "46", false},
		{2, 3, 0, "1", false},
	})
}

func TestReadXLSX(t *testing.T) {
	d, err := Read(context.Background(), readFixture(t, "report2021.xlsx"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != doc.FormatXLSX || len(d.Tables()) != 1 {
		t.Fatalf("format %s, %d tables", d.Format, len(d.Tables()))
	}
	checkValues(t, d, map[string]string{
		"规章":      "2,1,15",
		"行政许可":    "1523",
		"行政事业性收费": "12.3456",
		"一、本年新收政府信息公开申请数量": "120,8,1,0,3,2,134",
		"1.本机关不掌握相关政府信息":   "25,2,0,0,1,0,28",
		"3.其他":             "1,0,0,0,0,0,1",
		"（七）总计":            "120,8,1,0,2,1,132",
		"四、结转下年度继续办理":      "5,1,0,0,1,1,8",
	})
	// A merged range: the group label spans down, Spanned, with its text.
	rows := d.Tables()[0].Rows
	var group int
	for ri, r := range rows {
		if len(r) > 1 && r[1].Text == "（四）无法提供" && !r[1].Spanned {
			group = ri
		}
	}
	if group == 0 || !rows[group+2][1].Spanned || rows[group+2][1].Text != "（四）无法提供" || rows[group+2][0].Text != "三、本年度办理结果" {
		t.Errorf("merged group label not expanded down from row %d", group)
	}
}

func TestReadXLS(t *testing.T) {
	needLibreOffice(t)
	d, err := Read(context.Background(), readFixture(t, "report2019.xls"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != doc.FormatXLS {
		t.Errorf("format %s", d.Format)
	}
	checkValues(t, d, map[string]string{
		"行政许可":   "120,-5,3400",
		"政府集中采购": "9,7139200",
		"一、本年新收政府信息公开申请数量": "45,3,,,1,,49",
		"（六）其他处理":          "1,,,,,,1",
	})
}

func TestXLSXLimits(t *testing.T) {
	_, err := (&Reader{Options{MaxCells: 100}}).ReadXLSX(readFixture(t, "report2021.xlsx"))
	if !errors.Is(err, ErrLimit) {
		t.Errorf("MaxCells 100: err = %v, want ErrLimit", err)
	}
	_, err = (&Reader{}).ReadXLSX(readFixture(t, "truncated.docx")[:100])
	if err == nil {
		t.Error("truncated zip read without error")
	}
}

func TestReadUnsupported(t *testing.T) {
	_, err := Read(context.Background(), []byte("%PDF-1.7\n"), "")
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("pdf: err = %v", err)
	}
}

// antiword output for a table with a merged first column, as antiword
// 0.37 prints it (rows framed by |, cells padded with spaces).
const antiwordSample = `
二、主动公开政府信息情况

|第二十条第（一）项                                     |
|信息内容        |本年新          |本年新         |对外公开总数量 |
|                |制作数量        |公开数量       |               |
|规章            |1               |1              |10             |
|规范性文件      |8               |8              |40             |

三、收到和处理政府信息公开申请情况
`

func TestParseAntiword(t *testing.T) {
	d := parseAntiword([]byte(antiwordSample))
	if got := d.Paragraphs(); !slices.Equal(got, []string{"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"}) {
		t.Errorf("paragraphs %q", got)
	}
	tb := d.Tables()
	if len(tb) != 1 || len(tb[0].Rows) != 5 {
		t.Fatalf("tables %+v", tb)
	}
	if r := tb[0].Rows[4]; len(r) != 4 || r[0].Text != "规范性文件" || r[3].Text != "40" || r[3].Loc.Line != 8 || r[3].Loc.Col != 3 {
		t.Errorf("last row %+v", r)
	}
}

func TestAntiwordFallback(t *testing.T) {
	if testing.Short() {
		t.Skip("runs antiword")
	}
	if _, err := toolcheck.Antiword.Look(); err != nil {
		t.Skip(err)
	}
	o := (&Reader{}).withDefaults()
	d, err := antiword(context.Background(), o, readFixture(t, "report2019.doc"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) == 0 || !strings.Contains(d.Warnings[0], "merged cells are lost") {
		t.Errorf("warnings %q", d.Warnings)
	}
	checkValues(t, d, map[string]string{"规范性文件": "8,8,40", "政府集中采购": "9,7139200"})
}

func FuzzParseAntiword(f *testing.F) {
	f.Add(antiwordSample)
	f.Add("|a|b|\n|c|\n|\n||\n")
	f.Fuzz(func(t *testing.T, s string) {
		d := parseAntiword([]byte(s))
		for _, tb := range d.Tables() {
			for ri, r := range tb.Rows {
				for ci, c := range r {
					if c.Loc.Row != ri || c.Loc.Col != ci {
						t.Fatalf("cell r%dc%d has Loc %s", ri, ci, c.Loc)
					}
				}
			}
		}
	})
}

func BenchmarkReadXLSX(b *testing.B) {
	data := readFixture(b, "report2021.xlsx")
	r := &Reader{}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := r.ReadXLSX(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// A truncated DOC (an interrupted download) gives a clear error, not an
// empty document.
func TestReadDOCTruncated(t *testing.T) {
	needLibreOffice(t)
	b := readFixture(t, "report2019.doc")
	d, err := Read(context.Background(), b[:len(b)*6/10], "")
	if err == nil || !strings.Contains(err.Error(), "could not convert") {
		t.Fatalf("doc %v, err %v", d, err)
	}
}
