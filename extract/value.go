package extract

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// cellKind is what a source cell holds, decided from its text alone.
type cellKind uint8

const (
	kindEmpty cellKind = iota
	kindValue          // a number, a number with a unit or note, or a no-value marker
	kindLabel          // anything else: a row or column label, a note, a fragment
)

// value is a parsed value cell. It holds the number by value: a cell
// becomes a *float64 only when it is emitted, so reading a table does not
// allocate per number.
type value struct {
	kind     cellKind
	has      bool    // a number was read
	num      float64 // the number, when has
	unit     string  // unit printed in the cell, "" if none
	decimals int8    // fractional digits as printed (capped at 127)
	negative bool
	flags    flagSet
}

// ptr returns the number as a fresh pointer, nil when there is none.
func (v value) ptr() *float64 {
	if !v.has {
		return nil
	}
	f := v.num
	return &f
}

// flagSet is the cell flags a value can carry from its own text.
type flagSet uint8

const (
	fMarker flagSet = 1 << iota
	fUnit
	fNote
)

// list returns the flags as Flag* strings, in a fixed order.
func (f flagSet) list() []string {
	if f == 0 {
		return nil
	}
	var out []string
	if f&fMarker != 0 {
		out = append(out, FlagMarker)
	}
	if f&fNote != 0 {
		out = append(out, FlagNoteInCell)
	}
	if f&fUnit != 0 {
		out = append(out, FlagUnitInCell)
	}
	return out
}

var (
	numRe     = regexp.MustCompile(`^([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$`)
	numUnitRe = regexp.MustCompile(`^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(万元|元|件|项|个|条|宗|次|家)$`)
	changeRe  = regexp.MustCompile(`^(增加|减少|新增|增|减)(\d+(?:\.\d+)?)(?:项|个|件)?$`)
	numNoteRe = regexp.MustCompile(`^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(万元|元|件|项|个|条|宗|次)?\((.*)\)$`)
	markers   = map[string]bool{"-": true, "--": true, "---": true, "/": true, "\\": true, "无": true, "空": true,
		"N/A": true, "n/a": true, "NA": true, "×": true, "x": true, "X": true, "~": true, "…": true, "...": true}
)

// parseValue classifies a cell and reads its number. A printed 0 is 0; an
// empty cell is kindEmpty (blank, not 0); a marker such as "-" or "无" is a
// value cell without a number, flagged. A note in the cell (22（其中修订16件）)
// or a unit (251000元) is read around and flagged.
func parseValue(raw string) value { return classify(normalizeValue(raw)) }

// classify is parseValue on text already normalised.
func classify(s string) value {
	if s == "" {
		return value{kind: kindEmpty}
	}
	if isASCIINumber(s) && len(s) <= 15 {
		// The common value cell: a plain integer, read without a regexp.
		n, _ := strconv.ParseInt(s, 10, 64)
		return value{kind: kindValue, has: true, num: float64(n)}
	}
	if markers[s] {
		return value{kind: kindValue, flags: fMarker}
	}
	if c := s[0]; (c < '0' || c > '9') && c != '-' && c != '+' && !strings.HasPrefix(s, "增") && !strings.HasPrefix(s, "减") && !strings.HasPrefix(s, "新增") {
		return value{kind: kindLabel} // the common label cell: no regexp
	} else if (c >= '0' && c <= '9' || c == '-' || c == '+') && !numberShaped(s) {
		return value{kind: kindLabel} // a numbered label (1.属于国家秘密): no regexp
	}
	if m := numRe.FindStringSubmatch(s); m != nil {
		return number(s, m[3])
	}
	if m := numUnitRe.FindStringSubmatch(s); m != nil {
		v := numberText(m[1])
		v.unit = m[2]
		v.flags |= fUnit
		return v
	}
	if m := changeRe.FindStringSubmatch(s); m != nil {
		// 本年增/减 written out: 增加2, 减少1, 新增3.
		v := numberText(m[2])
		if v.kind == kindValue && (m[1] == "减少" || m[1] == "减") {
			v.num, v.negative = -v.num, v.num != 0
		}
		v.flags |= fNote
		return v
	}
	if m := numNoteRe.FindStringSubmatch(s); m != nil {
		v := numberText(m[1])
		v.unit = m[2]
		v.flags |= fNote
		if m[2] != "" {
			v.flags |= fUnit
		}
		return v
	}
	return value{kind: kindLabel}
}

// valueUnits are the units numUnitRe and numNoteRe accept after a number.
var valueUnits = []string{"万元", "元", "件", "项", "个", "条", "宗", "次", "家"}

// numberShaped is a cheap necessary condition for numRe, numUnitRe and
// numNoteRe: after the leading run of number characters comes nothing, a
// unit, or a unit and a parenthesised note. Those characters never start a
// unit or a note, so the run is exactly the number the regexps would read.
func numberShaped(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ',' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
		i++
	}
	rest := s[i:]
	for _, u := range valueUnits {
		if strings.HasPrefix(rest, u) {
			rest = rest[len(u):]
			break
		}
	}
	return rest == "" || strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")")
}

func numberText(s string) value {
	m := numRe.FindStringSubmatch(s)
	if m == nil {
		return value{kind: kindLabel}
	}
	return number(s, m[3])
}

func number(s, frac string) value {
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || math.IsInf(f, 0) {
		return value{kind: kindLabel}
	}
	if f == 0 {
		f = 0 // no negative zero
	}
	v := value{kind: kindValue, has: true, num: f, decimals: int8(min(len(frac), 127)), negative: f < 0}
	if len(frac) <= 4 {
		// Amounts in 万元 carry up to 4 decimals; snap the binary float to
		// the printed decimal so 3297.1234 stays 3297.1234.
		v.num = math.Round(f*1e4) / 1e4
	}
	return v
}

// normalizeValue prepares a cell for number parsing: full-width digits and
// punctuation folded (NFKC), whitespace removed, the dash variants unified.
func normalizeValue(raw string) string {
	if raw == "" {
		return ""
	}
	if isASCIINumber(raw) {
		return raw
	}
	return normalize(raw)
}

// isASCIINumber is the fast path for the common cell: a plain ASCII integer.
func isASCIINumber(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
