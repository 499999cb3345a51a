package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize folds a label to the form labels are compared in: NFKC (so
// （一） is (一) and ０ is 0), no whitespace of any kind (letter-spaced
// labels such as 结 果 维 持), no quotes or markdown emphasis, and one
// spelling of the punctuation that varies between reports.
func normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '\u200b', r == '\ufeff', r == '\u00a0', r == '\u3000':
		case r == '"', r == '\'', r == '“', r == '”', r == '‘', r == '’', r == '「', r == '」', r == '『', r == '』', r == '*', r == '`':
		case r == '【', r == '〔', r == '[':
			b.WriteRune('(')
		case r == '】', r == '〕', r == ']':
			b.WriteRune(')')
		case r == '；':
			b.WriteRune(';')
		case r == '—', r == '–', r == '－', r == '─':
			b.WriteRune('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Ordinal levels of the template's numbering.
const (
	levelNone = 0
	level1    = 1 // 一、
	level2    = 2 // （一）
	level3    = 3 // 1.
)

// ordinal is the numbering in front of a label.
type ordinal struct {
	level int
	n     int // 1-based; 0 when level is levelNone
}

var cjkDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '十': 10}

// cjkNumber parses 一 … 九十九 at the start of s and returns the value and
// its byte length.
func cjkNumber(s string) (int, int) {
	n, i, cur := 0, 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		d, ok := cjkDigits[r]
		if !ok {
			break
		}
		if d == 10 {
			if cur == 0 {
				cur = 1
			}
			n += cur * 10
			cur = 0
		} else {
			cur = d
		}
		i += size
	}
	return n + cur, i
}

// splitOrdinal strips the numbering from a normalised label: 一、, (一),
// 1. and 1、 (also 1, and 1) as broken conversions write them). A bare
// number followed by a digit is a value, not an ordinal, and is left alone.
func splitOrdinal(s string) (ordinal, string) {
	if strings.HasPrefix(s, "(") {
		if n, w := cjkNumber(s[1:]); w > 0 && strings.HasPrefix(s[1+w:], ")") {
			return ordinal{level2, n}, trimSep(s[2+w:])
		}
	}
	if n, w := cjkNumber(s); w > 0 && w < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[w:]); r == '、' || r == '.' || r == ',' {
			return ordinal{level1, n}, trimSep(s[w+1:])
		}
	} else if w > 0 && w == len(s) && n > 0 && utf8.RuneCountInString(s) == 1 {
		// A lone numeral is a label fragment, not numbering.
		return ordinal{}, s
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) {
		switch s[i] {
		case '.', ',', ')':
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				return ordinal{}, s // 1.5 is a number
			}
			return ordinal{level3, atoi(s[:i])}, trimSep(s[i+1:])
		}
		if strings.HasPrefix(s[i:], "、") {
			return ordinal{level3, atoi(s[:i])}, trimSep(s[i+len("、"):])
		}
	}
	return ordinal{}, s
}

func trimSep(s string) string { return strings.TrimLeft(s, "、.,:") }

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// core is the part of a label that is compared with the template: the
// numbering and any parenthesised note are removed, so 部分公开（区分处理的…）
// and the two fee headers with and without 保留4位小数 compare by their head.
func core(s string) string {
	_, s = splitOrdinal(normalize(s))
	return stripNotes(s)
}

func stripNotes(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxLabelRunes bounds the work of one comparison: template labels are at
// most 37 runes, and a longer cell is prose, compared by its head only.
const maxLabelRunes = 64

// similarity is 2·LCS/(|a|+|b|) over runes: 1 for equal strings, high for a
// label with a doubled or missing character (无正当理由由大量反复申请,
// 其他法律行政止公开), low for unrelated text.
func similarity(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > maxLabelRunes {
		ra = ra[:maxLabelRunes]
	}
	if len(rb) > maxLabelRunes {
		rb = rb[:maxLabelRunes]
	}
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	return 2 * float64(lcs(ra, rb)) / float64(len(ra)+len(rb))
}

// lcs is the length of the longest common subsequence, in O(len(a)·len(b))
// time and O(len(b)) space.
func lcs(a, b []rune) int {
	var buf [2 * (maxLabelRunes + 1)]int
	prev, cur := buf[:len(b)+1], buf[maxLabelRunes+1:maxLabelRunes+1+len(b)+1]
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
		clear(cur)
	}
	return prev[len(b)]
}

// bestOf returns the highest similarity of s to any of the labels.
func bestOf(s string, labels []string) float64 {
	best := 0.0
	for _, l := range labels {
		if v := similarity(s, l); v > best {
			best = v
		}
	}
	return best
}

// Thresholds for accepting a fuzzy label match. Below labelLow nothing
// matches; between labelLow and labelSure the match is kept and flagged.
const (
	labelLow  = 0.72
	labelSure = 0.86
)
