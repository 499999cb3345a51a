package extract

import (
	"slices"
	"strconv"
	"testing"
)

func TestParseValue(t *testing.T) {
	tests := []struct {
		raw   string
		kind  cellKind
		value string // "" for nil
		unit  string
		flag  string
	}{
		{"", kindEmpty, "", "", ""},
		{"  ", kindEmpty, "", "", ""},
		{"0", kindValue, "0", "", ""},
		{"128", kindValue, "128", "", ""},
		{"1,234", kindValue, "1234", "", ""},
		{"１２３", kindValue, "123", "", ""},
		{"-3", kindValue, "-3", "", ""},
		{"0.8650", kindValue, "0.865", "", ""},
		{"3297.1234", kindValue, "3297.1234", "", ""},
		{"-", kindValue, "", "", FlagMarker},
		{"/", kindValue, "", "", FlagMarker},
		{"—", kindValue, "", "", FlagMarker},
		{"无", kindValue, "", "", FlagMarker},
		{"空", kindValue, "", "", FlagMarker},
		{"N/A", kindValue, "", "", FlagMarker},
		{"251000元", kindValue, "251000", "元", FlagUnitInCell},
		{"25.1万元", kindValue, "25.1", "万元", FlagUnitInCell},
		{"22（其中修订16件）", kindValue, "22", "", FlagNoteInCell},
		{"增加2", kindValue, "2", "", FlagNoteInCell},
		{"减少1", kindValue, "-1", "", FlagNoteInCell},
		{"新增3项", kindValue, "3", "", FlagNoteInCell},
		{"予以公开", kindLabel, "", "", ""},
		{"(四) 无", kindLabel, "", "", ""},
		{"1.", kindLabel, "", "", ""},
		{"一、", kindLabel, "", "", ""},
		{"2022年", kindLabel, "", "", ""},
		{"100%", kindLabel, "", "", ""},
	}
	for _, tt := range tests {
		v := parseValue(tt.raw)
		got := ""
		if v.has {
			got = strconv.FormatFloat(v.num, 'f', -1, 64)
		}
		flags := v.flags.list()
		if v.kind != tt.kind || got != tt.value || v.unit != tt.unit || (tt.flag != "" && !slices.Contains(flags, tt.flag)) || (tt.flag == "" && len(flags) > 0) {
			t.Errorf("parseValue(%q) = kind %d value %q unit %q flags %v; want kind %d value %q unit %q flag %q",
				tt.raw, v.kind, got, v.unit, flags, tt.kind, tt.value, tt.unit, tt.flag)
		}
	}
	if v := parseValue("0.12345"); v.decimals != 5 {
		t.Errorf("decimals %d, want 5", v.decimals)
	}
	if v := parseValue("-2"); !v.negative {
		t.Error("-2 not negative")
	}
}
