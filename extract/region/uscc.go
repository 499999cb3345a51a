package region

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// USCC is a parsed unified social credit code (统一社会信用代码, GB 32100-2015).
type USCC struct {
	Code       string // the 18 characters, upper case
	Authority  byte   // position 1: registration authority ('1' 机构编制, '5' 民政, '9' 工商, 'Y' other …)
	EntityType byte   // position 2: entity type under the authority ('1' 机关, '2' 事业单位 … under '1')
	// Division is positions 3–8: the GB/T 2260 code of the registering
	// authority at registration time. It can be stale (retired codes stay in
	// old USCCs), so use it as a hint, not as the agency's current division.
	Division string
	OrgCode  string // positions 9–17: the GB 11714 organisation code, its check digit last
}

// ErrUSCC is wrapped by every error ParseUSCC returns.
var ErrUSCC = errors.New("invalid unified social credit code")

// usccAlphabet lists the characters of a USCC in the order of their values;
// I, O, S, V and Z are never used.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccValue maps an upper-case ASCII byte to its value, -1 if not allowed.
var usccValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(usccAlphabet); i++ {
		v[usccAlphabet[i]] = int8(i)
	}
	return v
}()

// ParseUSCC validates s as a unified social credit code: 18 characters from
// the GB 32100 alphabet, a numeric division part, and a correct check
// character. Surrounding spaces are ignored and lower case is accepted (the
// returned Code is upper case). The error wraps ErrUSCC and says what is wrong.
func ParseUSCC(s string) (USCC, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n != 18 {
		return USCC{}, fmt.Errorf("%w: %d characters, want 18", ErrUSCC, n)
	}
	var b [18]byte
	sum := 0
	for i, r := range s { // s has 18 runes; any multi-byte rune fails below
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if r >= 0x80 || usccValue[r] < 0 {
			return USCC{}, fmt.Errorf("%w: character %q at position %d is not in the code alphabet (digits and A–Y without I, O, S, V, Z)", ErrUSCC, r, runeIndex(s, i)+1)
		}
		b[i] = byte(r)
	}
	for i := 2; i < 8; i++ {
		if b[i] < '0' || b[i] > '9' {
			return USCC{}, fmt.Errorf("%w: division part %q (positions 3–8) is not six digits", ErrUSCC, b[2:8])
		}
	}
	for i, c := range b[:17] {
		sum += int(usccValue[c]) * usccWeights[i]
	}
	want := usccAlphabet[(31-sum%31)%31]
	if b[17] != want {
		return USCC{}, fmt.Errorf("%w: check character is %q, want %q", ErrUSCC, b[17], want)
	}
	code := string(b[:])
	return USCC{
		Code:       code,
		Authority:  b[0],
		EntityType: b[1],
		Division:   code[2:8],
		OrgCode:    code[8:17],
	}, nil
}

// runeIndex converts a byte offset of s to a rune index.
func runeIndex(s string, byteOff int) int {
	return utf8.RuneCountInString(s[:byteOff])
}

// OrgCodeValid reports whether the organisation code inside the USCC
// (positions 9–17) carries a correct GB 11714 check digit.
func (u USCC) OrgCodeValid() bool {
	return orgCodeValid(u.OrgCode)
}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

func orgCodeValid(code string) bool {
	if len(code) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := code[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return false
		}
		sum += v * orgWeights[i]
	}
	var want byte
	switch r := 11 - sum%11; r {
	case 10:
		want = 'X'
	case 11:
		want = '0'
	default:
		want = byte('0' + r)
	}
	return code[8] == want
}

// FindUSCC returns the first valid USCC in free text, such as a page's
// 索引号 "12330703766405351H/2021-01234". A candidate is a run of exactly 18
// ASCII letters and digits; besides ParseUSCC's checks it must name a
// plausible province (or 10, the central government) and carry a valid
// organisation code, which keeps 18-digit numbers such as ID card numbers out.
func FindUSCC(text string) (USCC, bool) {
	for i := 0; i < len(text); {
		if !isAlnum(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isAlnum(text[j]) {
			j++
		}
		if j-i == 18 {
			if u, err := ParseUSCC(text[i:j]); err == nil && plausibleProvince(u.Division) && u.OrgCodeValid() {
				return u, true
			}
		}
		i = j
	}
	return USCC{}, false
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// plausibleProvince reports whether a USCC division starts with the code of
// a province in the gazetteer, or with 10 (central bodies), 71, 81 or 82
// (Taiwan, Hong Kong, Macao, which the gazetteer leaves out).
func plausibleProvince(div string) bool {
	switch p := div[:2]; p {
	case "10", "71", "81", "82":
		return true
	default:
		_, ok := load().byCode[p+"0000"]
		return ok
	}
}
