package officedoc

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/nianbao/nianbao/extract/doc"
	"github.com/nianbao/nianbao/extract/toolcheck"
)

// ReadXLSX reads every worksheet of an Office Open XML workbook as one
// table, in sheet order, with merged ranges expanded: the top-left value is
// copied, Spanned, into the other cells of the range. Values are read as
// displayed (number formats applied), which is what the report printed.
func (r *Reader) ReadXLSX(data []byte) (*doc.Document, error) {
	o, err := r.options()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("xlsx: open zip: %w", err)
	}
	if len(zr.File) > o.MaxEntries {
		return nil, fmt.Errorf("xlsx: %d zip entries, limit %d: %w", len(zr.File), o.MaxEntries, ErrLimit)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > uint64(o.MaxUncompressed) {
		return nil, fmt.Errorf("xlsx: parts declare %d bytes, limit %d: %w", total, o.MaxUncompressed, ErrLimit)
	}
	tmp, cleanup, err := toolcheck.TempDir("nianbao-xlsx-")
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	defer cleanup()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    o.MaxUncompressed,
		UnzipXMLSizeLimit: min(o.MaxPartBytes, o.MaxUncompressed),
		TmpDir:            tmp,
	})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	defer f.Close()

	d := &doc.Document{Format: doc.FormatXLSX}
	budget := o.MaxCells
	for _, sheet := range f.GetSheetList() {
		t, err := readSheet(f, sheet, &budget)
		if err != nil {
			return nil, fmt.Errorf("xlsx: sheet %q: %w", sheet, err)
		}
		if len(t.Rows) > 0 {
			d.Blocks = append(d.Blocks, doc.Block{Table: t})
		}
	}
	if props, err := f.GetDocProps(); err == nil && props != nil {
		d.Title = collapse(props.Title)
	}
	return d, nil
}

func readSheet(f *excelize.File, sheet string, budget *int) (*doc.Table, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &doc.Table{}
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		if *budget -= len(cols) + 1; *budget < 0 {
			return nil, fmt.Errorf("more cells than the limit: %w", ErrLimit)
		}
		row := make([]doc.Cell, len(cols))
		for i, s := range cols {
			row[i] = doc.Cell{Text: collapse(s)}
		}
		t.Rows = append(t.Rows, row)
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	// Drop trailing empty rows (formatting often reaches further than text).
	for len(t.Rows) > 0 && len(t.Rows[len(t.Rows)-1]) == 0 {
		t.Rows = t.Rows[:len(t.Rows)-1]
	}
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, err
	}
	for _, m := range merges {
		c0, r0, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r0 > len(t.Rows) || c1 < c0 || r1 < r0 {
			continue
		}
		r1 = min(r1, len(t.Rows))
		if *budget -= (r1 - r0 + 1) * (c1 - c0 + 1); *budget < 0 {
			return nil, fmt.Errorf("merged ranges larger than the limit: %w", ErrLimit)
		}
		text := ""
		if c0 <= len(t.Rows[r0-1]) {
			text = t.Rows[r0-1][c0-1].Text
		}
		for ri := r0; ri <= r1; ri++ {
			row := t.Rows[ri-1]
			for len(row) < c1 {
				row = append(row, doc.Cell{})
			}
			for ci := c0; ci <= c1; ci++ {
				if ri != r0 || ci != c0 {
					row[ci-1] = doc.Cell{Text: text, Spanned: true}
				}
			}
			t.Rows[ri-1] = row
		}
	}
	for ri, row := range t.Rows {
		for ci := range row {
			row[ci].Loc = doc.Loc{Row: ri, Col: ci}
		}
	}
	return t, nil
}

// ReadXLS reads a legacy Excel workbook by converting it to XLSX with
// LibreOffice.
func (r *Reader) ReadXLS(ctx context.Context, data []byte) (*doc.Document, error) {
	o, err := r.options()
	if err != nil {
		return nil, err
	}
	out, err := convert(ctx, o, data, "in.xls", "xlsx:Calc MS Excel 2007 XML", "in.xlsx")
	if err != nil {
		return nil, fmt.Errorf("xls: %w", err)
	}
	d, err := r.ReadXLSX(out)
	if err != nil {
		return nil, fmt.Errorf("xls: converted workbook: %w", err)
	}
	d.Format = doc.FormatXLS
	d.Warnings = append(d.Warnings, "converted from XLS by LibreOffice")
	return d, nil
}
