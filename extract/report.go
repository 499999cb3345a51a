// Package extract turns a document into a validated report record: it finds
// sections 二, 三 and 四, maps their tables onto the codebook's template
// cells, reads the values, checks the table arithmetic and recovers the
// report's metadata. Readers for each input format live in subpackages and
// all produce a *doc.Document.
package extract

import "github.com/nianbao/nianbao/extract/doc"

// Status summarises how far a report could be read.
type Status string

const (
	// StatusOK: every template table found was read and all hard checks pass.
	StatusOK Status = "ok"
	// StatusFailedChecks: the tables were read but a hard check (R1–R5) failed.
	// The values are published as printed, with the failing checks beside them.
	StatusFailedChecks Status = "failed_checks"
	// StatusPartial: a report, but some template tables or cells could not be
	// placed with confidence; those cells are flagged.
	StatusPartial Status = "partial"
	// StatusNoTables: a report (title or section headings match) without
	// readable statistical tables, e.g. an image-only page.
	StatusNoTables Status = "no_tables"
	// StatusNotAReport: the document is not an annual report.
	StatusNotAReport Status = "not_a_report"
	// StatusNoTextLayer: a PDF without a usable text layer. No cells are
	// produced: an unreadable number is never written as 0.
	StatusNoTextLayer Status = "no_text_layer"
)

// Source says where a document came from. It is carried into the report
// unchanged, and the HTTP Content-Type (when known) informs charset decoding.
type Source struct {
	Name        string // file path or URL
	ContentType string // HTTP Content-Type header, if the bytes came over HTTP
}

// Report is one annual report as extracted.
type Report struct {
	Source string     `json:"source"`
	Format doc.Format `json:"format"`
	SHA256 string     `json:"content_sha256"`

	Agency          string    `json:"agency"`
	ReportYear      int       `json:"report_year,omitempty"` // 0 when unknown
	RegionCode      string    `json:"region_code"`           // GB/T 2260, 6 digits, "" when unknown
	PublicationDate string    `json:"publication_date"`      // YYYY-MM-DD, "" when unknown
	IndexNo         string    `json:"index_no,omitempty"`    // 索引号
	Templates       Templates `json:"templates"`

	Status Status  `json:"status"`
	Cells  []Cell  `json:"cells"`
	Checks []Check `json:"checks"`
	// Warnings are notes about the reading that are not tied to one cell.
	Warnings []string `json:"warnings,omitempty"`
}

// Templates names the template version ("2019" or "2021") each section's
// tables were read with; "" when the section was not found. Detected per
// table: a 2021 report may still use 2019 tables.
type Templates struct {
	Active   string `json:"active"`
	Requests string `json:"requests"`
}

// Cell is one template cell: the key is a codebook key, table.row.col.
type Cell struct {
	Table string `json:"table"`
	Row   string `json:"row"`
	Col   string `json:"col"`
	// Value is nil when the cell is blank or holds no number (a marker such
	// as "-" or "无"). Blank is not 0: a printed 0 is 0, an empty cell is nil.
	Value *float64 `json:"value"`
	// Raw is the source text of the cell, untouched. "" means blank.
	Raw string `json:"raw"`
	// Unit is the unit of Value: the codebook unit, one printed in the cell
	// (251000元), or "unknown" where the template leaves it open.
	Unit string `json:"unit,omitempty"`
	// Align says how the value was placed (see the Align* constants).
	Align string `json:"align,omitempty"`
	// Flags name anything uncertain about this cell (see the Flag* constants).
	Flags []string `json:"flags,omitempty"`
	Loc   doc.Loc  `json:"-"`
}

// Key returns the codebook key of the cell, table.row.col.
func (c Cell) Key() string { return c.Table + "." + c.Row + "." + c.Col }

// Check is the result of one arithmetic or plausibility rule (R1–R11 in
// the domain spec) applied to one scope.
type Check struct {
	Rule  string `json:"rule"`  // R1 … R11
	Scope string `json:"scope"` // the row or column checked, e.g. requests.unable.not_held
	// Expected is what the rule computes from the other cells, Actual what
	// the report prints. Both nil when the check is not assessable.
	Expected *float64 `json:"expected"`
	Actual   *float64 `json:"actual"`
	// Passed is nil when the check could not be assessed (every cell blank,
	// a table missing), which is different from passing.
	Passed   *bool  `json:"passed"`
	Severity string `json:"severity"` // hard, format or soft
	Detail   string `json:"detail,omitempty"`
}

// Failed reports whether the check was assessed and did not hold.
func (c Check) Failed() bool { return c.Passed != nil && !*c.Passed }

// MarkTruncated records that the bytes the report was read from were cut
// short (a crawler size cap, a broken gzip stream, a reset connection). What
// was read is kept, but the report is at best partial: tables after the cut
// are missing and the checks may fail because of it.
func (r *Report) MarkTruncated(reason string) {
	r.Warnings = append(r.Warnings, "input truncated: "+reason)
	if r.Status == StatusOK || r.Status == StatusFailedChecks {
		r.Status = StatusPartial
	}
}
