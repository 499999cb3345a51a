package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/nianbao/nianbao/extract"
)

// SchemaVersion is written into the key-value metadata of every file. It
// changes whenever a column is renamed, retyped or removed; adding a column
// does not change it (readers use union_by_name for that).
const SchemaVersion = "1"

// The row types below are the on-disk schema; docs/schema.md describes them
// for readers. Choices that apply to all of them:
//
//   - A pointer field is an OPTIONAL column and nil is NULL. Non-pointer
//     fields are REQUIRED, except those tagged `optional`, which parquet-go
//     writes as NULL when they hold the zero value. That tag is only for
//     columns whose zero value means unknown (an empty region code, year
//     0), never for a number that can be printed as 0. cellRow uses it,
//     as parquet-go writes a pointer column one row at a time but an
//     optional one in runs, and cells are most of the rows.
//   - `dict` marks low-cardinality strings (keys, units, statuses, the
//     report_id within a partition); dictionary pages make them a few bits
//     per row and speed up DuckDB's filters. High-cardinality text (source,
//     detail, raw cell text in reports) stays PLAIN.
//   - Timestamps are UTC instants in milliseconds (DuckDB: TIMESTAMPTZ).
//   - year and province are not columns: they are the Hive partition keys
//     (year=2023/province=63/), derived from report_year and region_code.

// reportRow is one row of reports/.
type reportRow struct {
	ReportID         string     `parquet:"report_id"`
	Source           string     `parquet:"source"`
	ContentSHA256    string     `parquet:"content_sha256"`
	Format           string     `parquet:"format,dict"`
	WARCFilename     *string    `parquet:"warc_filename,dict"`
	WARCRecordOffset *int64     `parquet:"warc_record_offset"`
	WARCRecordLength *int64     `parquet:"warc_record_length"`
	FetchedAt        *time.Time `parquet:"fetched_at,timestamp(millisecond)"`
	Agency           *string    `parquet:"agency,dict"`
	RegionCode       *string    `parquet:"region_code,dict"`
	ReportYear       *int32     `parquet:"report_year"`
	PublicationDate  *int32     `parquet:"publication_date,date"` // days since 1970-01-01
	IndexNo          *string    `parquet:"index_no"`
	TemplateActive   *string    `parquet:"template_active,dict"`
	TemplateRequests *string    `parquet:"template_requests,dict"`
	Status           string     `parquet:"status,dict"`
	CellCount        int32      `parquet:"cell_count"`
	BlankCellCount   int32      `parquet:"blank_cell_count"`
	FailedCheckCount int32      `parquet:"failed_check_count"`
	ExtractorVersion string     `parquet:"extractor_version,dict"`
}

// cellRow is one row of cells/.
type cellRow struct {
	ReportID   string   `parquet:"report_id,dict"`
	ReportYear int32    `parquet:"report_year,optional"` // 0 = NULL
	RegionCode string   `parquet:"region_code,optional,dict"`
	Agency     string   `parquet:"agency,optional,dict"`
	Key        string   `parquet:"key,dict"`
	Table      string   `parquet:"table_name,dict"`
	Row        string   `parquet:"row_key,dict"`
	Col        string   `parquet:"col_key,dict"`
	Value      *float64 `parquet:"value"`
	Raw        string   `parquet:"raw,dict"`
	Unit       string   `parquet:"unit,optional,dict"`
	Align      string   `parquet:"align,optional,dict"`
	Flags      []string `parquet:"flags,list"`
}

// checkRow is one row of checks/.
type checkRow struct {
	ReportID string   `parquet:"report_id,dict"`
	Rule     string   `parquet:"rule,dict"`
	Scope    string   `parquet:"scope,dict"`
	Expected *float64 `parquet:"expected"`
	Actual   *float64 `parquet:"actual"`
	Passed   *bool    `parquet:"passed"`
	Severity string   `parquet:"severity,dict"`
	Detail   *string  `parquet:"detail"`
}

// captureRow is one row of captures/.
type captureRow struct {
	URL              string    `parquet:"url"`
	Host             string    `parquet:"host,dict"`
	FetchedAt        time.Time `parquet:"fetched_at,timestamp(millisecond)"`
	HTTPStatus       *int32    `parquet:"http_status"`
	MIME             *string   `parquet:"mime,dict"`
	ContentDigest    *string   `parquet:"content_digest"`
	WARCFilename     *string   `parquet:"warc_filename,dict"`
	WARCRecordOffset *int64    `parquet:"warc_record_offset"`
	WARCRecordLength *int64    `parquet:"warc_record_length"`
	FetchStatus      string    `parquet:"fetch_status,dict"`
	Portal           *string   `parquet:"portal,dict"`
	Kind             *string   `parquet:"kind,dict"`
	Truncated        bool      `parquet:"truncated"`
	Error            *string   `parquet:"error"`
}

// ReportID is the stable identity of a report: the first 16 bytes (32 hex
// digits) of SHA-256 over the source, a NUL byte and the content's SHA-256.
// Re-extracting the same bytes from the same place gives the same ID, so a
// re-run replaces rows instead of adding them; the same bytes found at two
// URLs are two reports (each with its own provenance).
func ReportID(source, contentSHA256 string) string {
	h := sha256.New()
	h.Write([]byte(source))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(contentSHA256)))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// partition is a year=/province= directory of the report datasets.
type partition struct{ year, province int }

func (p partition) path() string {
	return fmt.Sprintf("year=%d/province=%d", p.year, p.province)
}

// partitionOf places a report. Unknown values become 0 rather than a
// string such as "unknown" so that every reader infers the partition
// columns as integers.
func partitionOf(rep *extract.Report) partition {
	var p partition
	if rep.ReportYear >= 1000 && rep.ReportYear <= 9999 {
		p.year = rep.ReportYear
	}
	// GB/T 2260 province codes run 11–82; a leading 0 would make DuckDB read
	// the column as text, and such a code is invalid anyway.
	rc := rep.RegionCode
	if len(rc) >= 2 && rc[0] >= '1' && rc[0] <= '9' && rc[1] >= '0' && rc[1] <= '9' {
		p.province = int(rc[0]-'0')*10 + int(rc[1]-'0')
	}
	return p
}

// optString maps "" (unknown) to NULL.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt32(v int) *int32 {
	if v == 0 {
		return nil
	}
	i := int32(v)
	return &i
}

// rowsOf converts a report into its reports row and checks rows; its
// cells are buffered through cellCodec. A publication date that is not
// YYYY-MM-DD is stored as NULL and returned as a warning: it must not be
// published as a wrong date, and the report can be re-extracted.
func rowsOf(rep *extract.Report, id string, origin Origin, extractorVersion string) (reportRow, []checkRow, []string) {
	var warnings []string
	r := reportRow{
		ReportID:         id,
		Source:           rep.Source,
		ContentSHA256:    strings.ToLower(rep.SHA256),
		Format:           string(rep.Format),
		Agency:           optString(rep.Agency),
		RegionCode:       optString(rep.RegionCode),
		ReportYear:       optInt32(rep.ReportYear),
		IndexNo:          optString(rep.IndexNo),
		TemplateActive:   optString(rep.Templates.Active),
		TemplateRequests: optString(rep.Templates.Requests),
		Status:           string(rep.Status),
		CellCount:        int32(len(rep.Cells)),
		ExtractorVersion: extractorVersion,
	}
	if origin.WARCFile != "" {
		r.WARCFilename = &origin.WARCFile
		off, n := origin.Offset, origin.Length
		r.WARCRecordOffset, r.WARCRecordLength = &off, &n
	}
	if !origin.FetchedAt.IsZero() {
		t := origin.FetchedAt.UTC()
		r.FetchedAt = &t
	}
	if rep.PublicationDate != "" {
		// DATE is days since the epoch. parquet-go's date tag on a
		// *time.Time field writes wrong values (v0.32.0), so store the days.
		if d, err := time.Parse(time.DateOnly, rep.PublicationDate); err == nil {
			days := int32(d.Unix() / 86400)
			r.PublicationDate = &days
		} else {
			warnings = append(warnings, fmt.Sprintf("publication_date %q is not YYYY-MM-DD; stored as NULL", rep.PublicationDate))
		}
	}
	for i := range rep.Cells {
		if rep.Cells[i].Value == nil {
			r.BlankCellCount++
		}
	}
	checks := make([]checkRow, len(rep.Checks))
	for i := range rep.Checks {
		c := &rep.Checks[i]
		if c.Failed() {
			r.FailedCheckCount++
		}
		checks[i] = checkRow{
			ReportID: id,
			Rule:     c.Rule,
			Scope:    c.Scope,
			Expected: c.Expected,
			Actual:   c.Actual,
			Passed:   c.Passed,
			Severity: c.Severity,
			Detail:   optString(c.Detail),
		}
	}
	return r, checks, warnings
}

// Sort orders of the published files. Rows are clustered by region and
// report so that one report's rows are contiguous (a pivot of one report
// reads a few pages) and row-group statistics on region_code and report_id
// let readers skip row groups. Comparisons are total so that re-runs write
// identical files.

func cmpStr(a, b string) int { return strings.Compare(a, b) }

func cmpOptStr(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1 // NULLs first, as declared in the file metadata
	case b == nil:
		return 1
	}
	return strings.Compare(*a, *b)
}

func cmpReport(a, b *reportRow) int {
	if c := cmpOptStr(a.RegionCode, b.RegionCode); c != 0 {
		return c
	}
	return cmpStr(a.ReportID, b.ReportID)
}

func cmpCell(a, b *cellRow) int {
	// "" is NULL, and sorts first as NULL does in cmpOptStr.
	if c := cmpStr(a.RegionCode, b.RegionCode); c != 0 {
		return c
	}
	if c := cmpStr(a.ReportID, b.ReportID); c != 0 {
		return c
	}
	return cmpStr(a.Key, b.Key)
}

func cmpCheck(a, b *checkRow) int {
	if c := cmpStr(a.ReportID, b.ReportID); c != 0 {
		return c
	}
	if c := cmpStr(a.Rule, b.Rule); c != 0 {
		return c
	}
	return cmpStr(a.Scope, b.Scope)
}

func cmpCapture(a, b *captureRow) int {
	if c := cmpStr(a.URL, b.URL); c != 0 {
		return c
	}
	if c := a.FetchedAt.Compare(b.FetchedAt); c != 0 {
		return c
	}
	if c := cmpOptStr(a.WARCFilename, b.WARCFilename); c != 0 {
		return c
	}
	var ao, bo int64
	if a.WARCRecordOffset != nil {
		ao = *a.WARCRecordOffset
	}
	if b.WARCRecordOffset != nil {
		bo = *b.WARCRecordOffset
	}
	switch {
	case ao < bo:
		return -1
	case ao > bo:
		return 1
	}
	return 0
}
