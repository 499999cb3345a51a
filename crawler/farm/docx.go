package farm

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"time"
)

// RenderDOCX lays out r as a Word document: the same text and tables as
// RenderHTML, with real w:tbl tables whose merged cells use gridSpan
// (colspan) and vMerge (rowspan), so a DOCX attachment carries known values.
func RenderDOCX(r Report) []byte {
	var body strings.Builder
	para := func(text string, bold bool) {
		body.WriteString("<w:p>")
		if bold {
			body.WriteString(`<w:pPr><w:jc w:val="center"/></w:pPr>`)
		}
		writeRuns(&body, text, bold)
		body.WriteString("</w:p>")
	}
	para(r.Title(), true)
	tables := sectionTables(r)
	for _, text := range narrative(r) {
		para(text, false)
		if t, ok := tables[text]; ok {
			writeDOCXTable(&body, r, t)
		}
	}
	para(r.Agency, false)
	para(chineseDate(r.Published), false)

	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		body.String() +
		`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1134" w:bottom="1440" w:left="1134" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>` +
		`</w:body></w:document>`
	files := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
			`</Relationships>`},
		{"word/document.xml", doc},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// A fixed time keeps the bytes (and so the ETag) stable across runs.
	stamp := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			panic(err) // writing to memory cannot fail
		}
		w.Write([]byte(f.data))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// writeRuns writes text as runs, turning "\n" into <w:br/>.
func writeRuns(b *strings.Builder, text string, bold bool) {
	b.WriteString("<w:r>")
	if bold {
		b.WriteString("<w:rPr><w:b/></w:rPr>")
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		fmt.Fprintf(b, `<w:t xml:space="preserve">%s</w:t>`, xmlEscape(line))
	}
	b.WriteString("</w:r>")
}

// writeDOCXTable writes t as a w:tbl. Word has no rowspan: a merged cell
// starts with <w:vMerge w:val="restart"/> and every row below it repeats a
// cell with <w:vMerge/> at the same grid position, so the grid is laid out
// first.
func writeDOCXTable(b *strings.Builder, r Report, t ttable) {
	type slot struct {
		cell  tcell
		cont  bool // continues a vertical merge from above
		start bool // first grid column of the cell
	}
	width := 0
	for _, c := range t[0] {
		width += max(c.colspan, 1)
	}
	grid := make([][]slot, len(t))
	for i := range grid {
		grid[i] = make([]slot, width)
	}
	taken := make([][]bool, len(t))
	for i := range taken {
		taken[i] = make([]bool, width)
	}
	for i, row := range t {
		col := 0
		for _, c := range row {
			for col < width && taken[i][col] {
				col++
			}
			if col >= width {
				break
			}
			cs, rs := max(c.colspan, 1), max(c.rowspan, 1)
			for dr := 0; dr < rs && i+dr < len(t); dr++ {
				for dc := 0; dc < cs && col+dc < width; dc++ {
					taken[i+dr][col+dc] = true
				}
				if dr > 0 {
					grid[i+dr][col] = slot{cell: c, cont: true, start: true}
				}
			}
			grid[i][col] = slot{cell: c, start: true}
			col += cs
		}
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>` +
		`<w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/>` +
		`<w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/>` +
		`</w:tblBorders></w:tblPr><w:tblGrid>`)
	for range width {
		b.WriteString(`<w:gridCol w:w="600"/>`)
	}
	b.WriteString("</w:tblGrid>")
	for _, row := range grid {
		b.WriteString("<w:tr>")
		for _, s := range row {
			if !s.start {
				continue
			}
			b.WriteString("<w:tc><w:tcPr>")
			if cs := max(s.cell.colspan, 1); cs > 1 {
				fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, cs)
			}
			switch {
			case s.cont:
				b.WriteString("<w:vMerge/>")
			case s.cell.rowspan > 1:
				b.WriteString(`<w:vMerge w:val="restart"/>`)
			}
			b.WriteString("</w:tcPr><w:p>")
			if !s.cont {
				if text := s.cell.print(r); text != "" {
					writeRuns(b, text, false)
				}
			}
			b.WriteString("</w:p></w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
