package extract

import "strings"

// status decides the report status from what was found and checked.
func (m *mapper) status() {
	rep := m.rep
	switch {
	case len(rep.Cells) == 0:
		if m.looksLikeReport() {
			rep.Status = StatusNoTables
		} else {
			rep.Status = StatusNotAReport
		}
		return
	}
	for _, c := range rep.Checks {
		if c.Failed() && (c.Severity == SeverityHard || c.Severity == SeverityFormat) {
			rep.Status = StatusFailedChecks
			return
		}
	}
	if m.lostValue {
		rep.Status = StatusPartial
		return
	}
	for _, c := range rep.Cells {
		for _, f := range c.Flags {
			switch f {
			case FlagAmbiguousAlignment, FlagLowConfidenceLabel, FlagRowNotFound, FlagTextInCell:
				rep.Status = StatusPartial
				return
			}
		}
	}
	if rep.Templates.Active == "" || rep.Templates.Requests == "" || !m.hasTable("appeals") {
		rep.Status = StatusPartial
		return
	}
	rep.Status = StatusOK
}

// looksLikeReport: a report title, or at least two outline headings. A
// page listing several reports (a column page: many titles, no outline) is
// not a report.
func (m *mapper) looksLikeReport() bool {
	if m.distinctTitles() >= 3 {
		return false
	}
	if m.rep.ReportYear != 0 && m.rep.Agency != "" {
		return true
	}
	n := 0
	for _, h := range m.headings {
		if h {
			n++
		}
	}
	if n >= 2 {
		return true
	}
	for _, l := range m.titleCandidates() {
		if strings.Contains(normalize(l), "政府信息公开工作年度报告") {
			return true
		}
	}
	return false
}

// distinctTitles counts the different report titles among the first lines.
func (m *mapper) distinctTitles() int {
	seen := map[string]bool{}
	for i, l := range m.lines {
		if i >= 400 {
			break
		}
		if !strings.Contains(l, "报告") {
			continue
		}
		if n := normalize(l); isTitle(n) && titleRe.MatchString(n) {
			seen[n] = true
		}
	}
	return len(seen)
}
