package extract

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize folds a label to the form labels are compared in: NFKC (so
// （一） is (一) and ０ is 0), no whitespace of any kind (letter-spaced
// labels such as 结 果 维 持), no quotes or markdown emphasis, and one
// spelling of the punctuation that varies between reports.
func normalize(s string) string {
	if isNormal(s) {
		return s
	}
	if needsNFKC(s) {
		s = norm.NFKC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			// Full-width ASCII, as NFKC would fold it (the fast path skips NFKC).
			b.WriteRune(r - 0xFEE0)
		case r < 0x80 && r > ' ' && r != '"' && r != '\'' && r != '*' && r != '`' && r != '[' && r != ']':
			b.WriteByte(byte(r))
		case unicode.IsSpace(r), r == '\u200b', r == '\ufeff', r == '\u00a0', r == '\u3000':
		case r == '"', r == '\'', r == '“', r == '”', r == '‘', r == '’', r == '「', r == '」', r == '『', r == '』', r == '*', r == '`':
		case r == '【', r == '〔', r == '[':
			b.WriteRune('(')
		case r == '】', r == '〕', r == ']':
			b.WriteRune(')')
		case r == '—', r == '–', r == '－', r == '─':
			b.WriteRune('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isNormal reports whether normalize would return s unchanged: printable
// ASCII other than space, quotes and brackets, and CJK ideographs or the
// CJK punctuation normalize keeps. Most label cells are, and skip the copy.
func isNormal(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c <= ' ' || c == '"' || c == '\'' || c == '*' || c == '`' || c == '[' || c == ']' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if !(r >= 0x4E00 && r <= 0x9FFF) && r != '、' && r != '。' && r != '《' && r != '》' && r != '…' && r != '·' {
			return false
		}
	}
	return true
}

// needsNFKC reports whether s has a character that NFKC would change and
// normalize does not handle itself. Report text is ASCII, CJK ideographs,
// full-width ASCII and a little CJK punctuation, so NFKC is rarely needed.
func needsNFKC(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= 0x4E00 && r <= 0x9FFF, r >= 0xFF01 && r <= 0xFF5E:
		case r == '、', r == '。', r == '“', r == '”', r == '‘', r == '’', r == '《', r == '》', r == '〔', r == '〕',
			r == '【', r == '】', r == '「', r == '」', r == '—', r == '–', r == '─', r == '…', r == '·', r == '\u3000':
		default:
			return true
		}
	}
	return false
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

// cjkDigit returns the value of a CJK numeral 一 … 十, 0 for any other
// rune. A switch, not a map: it runs on every rune of every label prefix.
func cjkDigit(r rune) int {
	switch r {
	case '一':
		return 1
	case '二':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	case '十':
		return 10
	}
	return 0
}

// cjkNumber parses 一 … 九十九 at the start of s and returns the value and
// its byte length.
func cjkNumber(s string) (int, int) {
	n, i, cur := 0, 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		d := cjkDigit(r)
		if d == 0 {
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
		if r, size := utf8.DecodeRuneInString(s[w:]); r == '、' || r == '.' || r == ',' {
			return ordinal{level1, n}, trimSep(s[w+size:])
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
	return simRunes(labelRunes(a), labelRunes(b))
}

// labelRunes is the rune form of a label, cut to maxLabelRunes.
func labelRunes(s string) []rune {
	r := []rune(s)
	if len(r) > maxLabelRunes {
		r = r[:maxLabelRunes]
	}
	return r
}

func simRunes(ra, rb []rune) float64 {
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	return 2 * float64(lcs(ra, rb)) / float64(len(ra)+len(rb))
}

// simBound is the highest similarity two labels of these lengths can have.
func simBound(la, lb int) float64 {
	if la+lb == 0 {
		return 0
	}
	return 2 * float64(min(la, lb)) / float64(la+lb)
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
	var rs []rune
	n := utf8.RuneCountInString(s)
	for _, l := range labels {
		if l == s {
			return 1
		}
		if simBound(n, utf8.RuneCountInString(l)) <= best {
			continue
		}
		if rs == nil {
			rs = labelRunes(s)
		}
		if v := simRunes(rs, labelRunes(l)); v > best {
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

// matcher compares labels with a fixed list of template labels: exact
// matches through a map, others by similarity with a length bound that
// skips comparisons which cannot beat the best so far.
type matcher struct {
	labels []string
	runes  [][]rune
	exact  map[string]int

	// memo remembers fuzzy results: real reports repeat the same few
	// hundred label spellings, so a corpus pays for each comparison once.
	// It is bounded so hostile input cannot grow it without limit.
	mu   sync.RWMutex
	memo map[memoKey]memoVal
}

type memoKey struct {
	s     string
	floor float64
}

type memoVal struct {
	i     int
	score float64
}

// The memo holds at most maxMemo labels of at most maxMemoLabel bytes.
const (
	maxMemo      = 1 << 14
	maxMemoLabel = 256
)

func newMatcher(labels []string) *matcher {
	m := &matcher{labels: labels, exact: map[string]int{}}
	for i, l := range labels {
		m.runes = append(m.runes, labelRunes(l))
		if _, dup := m.exact[l]; !dup {
			m.exact[l] = i
		}
	}
	return m
}

// best returns the index of the most similar label and the similarity;
// -1 and 0 when nothing reaches floor.
func (m *matcher) best(s string, floor float64) (int, float64) {
	if i, ok := m.exact[s]; ok {
		return i, 1
	}
	if s == "" {
		return -1, 0
	}
	k := memoKey{s, floor}
	m.mu.RLock()
	v, ok := m.memo[k]
	m.mu.RUnlock()
	if ok {
		return v.i, v.score
	}
	i, score := m.fuzzy(s, floor)
	m.mu.Lock()
	if m.memo == nil {
		m.memo = map[memoKey]memoVal{}
	}
	if len(m.memo) < maxMemo && len(s) <= maxMemoLabel {
		m.memo[k] = memoVal{i, score}
	}
	m.mu.Unlock()
	return i, score
}

func (m *matcher) fuzzy(s string, floor float64) (int, float64) {
	n := utf8.RuneCountInString(s)
	var rs []rune
	best, score := -1, floor
	for i, lr := range m.runes {
		if simBound(n, len(lr)) < score {
			continue
		}
		if rs == nil {
			rs = labelRunes(s)
		}
		if v := simRunes(rs, lr); v > score || (v == score && best < 0) {
			best, score = i, v
		}
	}
	if best < 0 {
		return -1, 0
	}
	return best, score
}
