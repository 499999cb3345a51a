package extract

import (
	"slices"
	"testing"
)

// A consistent base table (2 requests received, both disclosed), then one
// change per case that breaks exactly the rules listed.
func TestChecksEachRule(t *testing.T) {
	base := map[string]string{
		"new":       "\t2\t0\t0\t0\t0\t0\t2",
		"disclosed": "2\t0\t0\t0\t0\t0\t2",
		"total":     "\t2\t0\t0\t0\t0\t0\t2",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name       string
		text       string
		wantFailed []string
		status     Status
	}{
		{"consistent", report2021(base, nil, appealZeros), nil, StatusOK},
		{"R1 carried forward not accounted for",
			report2021(with("carried_forward", "\t1\t0\t0\t0\t0\t0\t1"), nil, appealZeros),
			[]string{"R1 requests.*.natural_person", "R1 requests.*.total"}, StatusFailedChecks},
		{"R2 row totals swapped between two rows",
			report2021(map[string]string{
				"new": base["new"], "total": base["total"],
				"disclosed":           "2\t0\t0\t0\t0\t0\t1",
				"partially_disclosed": "0\t0\t0\t0\t0\t0\t1",
			}, nil, appealZeros),
			[]string{"R2 requests.disclosed", "R2 requests.partially_disclosed"}, StatusFailedChecks},
		{"R3 outcomes short of the total",
			report2021(with("disclosed", "1\t0\t0\t0\t0\t0\t1"), nil, appealZeros),
			[]string{"R3 requests.*.natural_person", "R3 requests.*.total"}, StatusFailedChecks},
		{"R4 review total wrong",
			report2021(base, nil, "1\t0\t0\t0\t2\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"),
			[]string{"R4 appeals.review"}, StatusFailedChecks},
		{"R11 narrative says no appeals, table has one (soft)",
			report2021(base, nil, "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0") + "\n2021年未发生因政府信息公开引起的行政复议、行政诉讼。\n",
			nil, StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseText(t, tt.text)
			var hard []string
			for _, c := range r.Checks {
				if c.Failed() && c.Severity != SeveritySoft {
					hard = append(hard, c.Rule+" "+c.Scope)
				}
			}
			slices.Sort(hard)
			if !slices.Equal(hard, tt.wantFailed) {
				t.Errorf("failed %q, want %q", hard, tt.wantFailed)
			}
			if r.Status != tt.status {
				t.Errorf("status %s, want %s", r.Status, tt.status)
			}
		})
	}
}

func TestCheckDetail(t *testing.T) {
	r := parseText(t, report2021(map[string]string{
		"new":             "\t37\t0\t0\t0\t0\t0\t37",
		"unable.not_held": "27\t0\t0\t0\t8\t2\t25",
		"total":           "\t37\t0\t0\t0\t0\t0\t37",
	}, nil, appealZeros))
	for _, c := range r.Checks {
		if c.Rule == "R2" && c.Scope == "requests.unable.not_held" {
			if c.Detail != "27+8+2=37, total 25" || *c.Expected != 37 || *c.Actual != 25 || c.Severity != SeverityHard {
				t.Errorf("check %+v (detail %q)", c, c.Detail)
			}
			return
		}
	}
	t.Error("no R2 check for requests.unable.not_held")
}

// Blank counts as 0, but an equation whose cells are all blank is not
// assessable: Passed nil, not true.
func TestChecksNotAssessable(t *testing.T) {
	blank := map[string]string{}
	for _, r := range requestRows2021 {
		blank[r.key] = "\t\t\t\t\t\t"
	}
	blank["new"] = "\t2\t\t\t\t\t\t2"
	blank["disclosed"] = "2\t\t\t\t\t\t2"
	blank["total"] = "\t2\t\t\t\t\t\t2"
	r := parseText(t, report2021(blank, nil, ""))
	var assessed, notAssessed int
	for _, c := range r.Checks {
		switch {
		case c.Passed == nil:
			notAssessed++
			if c.Expected != nil || c.Actual != nil {
				t.Errorf("%s %s: not assessable but has numbers", c.Rule, c.Scope)
			}
		case !*c.Passed:
			t.Errorf("%s %s failed: %s", c.Rule, c.Scope, c.Detail)
		default:
			assessed++
		}
	}
	for _, c := range r.Checks {
		if c.Rule == "R3" && c.Scope == "requests.*.total" && (c.Passed == nil || !*c.Passed) {
			t.Errorf("R3 total column: %+v", c)
		}
		if (c.Rule == "R3" || c.Rule == "R1") && c.Scope == "requests.*.commercial" && c.Passed != nil {
			t.Errorf("%s commercial column (all blank) assessed: %+v", c.Rule, c)
		}
	}
	if assessed == 0 || notAssessed == 0 {
		t.Errorf("assessed %d, not assessable %d", assessed, notAssessed)
	}
}

func TestFormatCheck(t *testing.T) {
	text := "某局2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n" +
		"第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t-1\t3.00\t0\n行政规范性文件\t1.5\t0\t0\n" +
		"第二十条第（八）项\t\t\t\n信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t0.12345\n"
	r := parseText(t, text)
	want := map[string]bool{"active.regulations": true, "active.normative_docs": true, "active.admin_fees": true}
	for _, c := range r.Checks {
		if c.Rule != "R5" {
			continue
		}
		if c.Failed() != want[c.Scope] {
			t.Errorf("R5 %s failed=%v (%s)", c.Scope, c.Failed(), c.Detail)
		}
		delete(want, c.Scope)
	}
	if len(want) > 0 {
		t.Errorf("no R5 check for %v", want)
	}
	if r.Status != StatusFailedChecks {
		t.Errorf("status %s", r.Status)
	}
	// 3.00 is a count; only the negative value fails its row.
	for _, c := range r.Checks {
		if c.Rule == "R5" && c.Scope == "active.regulations" && c.Detail != "issued negative (-1)" {
			t.Errorf("R5 detail %q", c.Detail)
		}
	}
}

func TestNarrativeR10(t *testing.T) {
	tests := []struct {
		narrative string
		passed    *bool
	}{
		{"2021年，全市共收到政府信息公开申请2宗。", ptr(true)},
		{"2021年，全市共收到政府信息公开申请5件。", ptr(false)},
		{"2021年，我中心未收到政府信息公开申请。", ptr(false)},
		{"本年度工作平稳。", nil},
	}
	for _, tt := range tests {
		text := "某县某局2021年政府信息公开工作年度报告\n\n一、总体情况\n\n" + tt.narrative + "\n\n" + activeText2021 +
			requestsText(map[string]string{
				"new":       "\t2\t0\t0\t0\t0\t0\t2",
				"disclosed": "2\t0\t0\t0\t0\t0\t2",
				"total":     "\t2\t0\t0\t0\t0\t0\t2",
			}, nil) + "\n" + appealsText(appealZeros)
		r := parseText(t, text)
		var got *Check
		for i, c := range r.Checks {
			if c.Rule == "R10" {
				got = &r.Checks[i]
			}
		}
		switch {
		case tt.passed == nil && got != nil:
			t.Errorf("%s: unexpected R10 %+v", tt.narrative, *got)
		case tt.passed != nil && (got == nil || got.Passed == nil || *got.Passed != *tt.passed):
			t.Errorf("%s: R10 %+v, want passed=%v", tt.narrative, got, *tt.passed)
		case got != nil && got.Severity != SeveritySoft:
			t.Errorf("R10 severity %s", got.Severity)
		}
		if r.Status != StatusOK {
			t.Errorf("%s: status %s; a soft check must not fail the report", tt.narrative, r.Status)
		}
	}
}

func ptr[T any](v T) *T { return &v }
