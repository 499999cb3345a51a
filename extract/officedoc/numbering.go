package officedoc

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// numbering renders Word's automatic paragraph numbering. Section headings
// (一、总体情况) and row labels (1.属于国家秘密) are often list paragraphs
// whose number is not in the text at all, only in numbering.xml; without
// it a heading reads 总体情况 and the mapper cannot place it.
type numbering struct {
	nums     map[string]*numInstance // numId → instance
	styles   map[string]numRef       // paragraph styleId → numbering, basedOn resolved
	warnings []string
}

type numRef struct{ numID, ilvl string }

type numLevel struct {
	start   int
	format  string // w:numFmt: decimal, chineseCounting, ...
	text    string // w:lvlText: "%1、"
	isLegal bool
}

type numInstance struct {
	levels  [9]numLevel
	counter [9]int
	used    [9]bool
}

// The parts are small; encoding/xml's Unmarshal is fine for them.
type xNumbering struct {
	Abstract []struct {
		ID   string `xml:"abstractNumId,attr"`
		Lvls []xLvl `xml:"lvl"`
	} `xml:"abstractNum"`
	Nums []struct {
		ID       string `xml:"numId,attr"`
		Abstract xVal   `xml:"abstractNumId"`
		Override []struct {
			Ilvl  string `xml:"ilvl,attr"`
			Start xVal   `xml:"startOverride"`
			Lvl   *xLvl  `xml:"lvl"`
		} `xml:"lvlOverride"`
	} `xml:"num"`
}

type xLvl struct {
	Ilvl    string `xml:"ilvl,attr"`
	Start   xVal   `xml:"start"`
	NumFmt  xVal   `xml:"numFmt"`
	LvlText xVal   `xml:"lvlText"`
	IsLgl   *xVal  `xml:"isLgl"`
}

type xVal struct {
	Val string `xml:"val,attr"`
}

type xStyles struct {
	Styles []struct {
		ID      string `xml:"styleId,attr"`
		BasedOn xVal   `xml:"basedOn"`
		NumPr   *struct {
			Ilvl  xVal `xml:"ilvl"`
			NumID xVal `xml:"numId"`
		} `xml:"pPr>numPr"`
	} `xml:"style"`
}

func level(l xLvl) (int, numLevel, bool) {
	i, err := strconv.Atoi(l.Ilvl)
	if err != nil || i < 0 || i > 8 {
		return 0, numLevel{}, false
	}
	start, err := strconv.Atoi(l.Start.Val)
	if err != nil {
		start = 1
	}
	return i, numLevel{start: start, format: l.NumFmt.Val, text: l.LvlText.Val, isLegal: l.IsLgl != nil}, true
}

// parseNumbering reads numbering.xml and styles.xml; either may be nil.
func parseNumbering(numXML, stylesXML []byte) *numbering {
	n := &numbering{nums: map[string]*numInstance{}, styles: map[string]numRef{}}
	var xn xNumbering
	if len(numXML) > 0 {
		if err := xml.Unmarshal(numXML, &xn); err != nil {
			n.warnings = append(n.warnings, "numbering.xml unreadable: automatic numbers omitted")
		}
	}
	abstract := map[string][9]numLevel{}
	for _, a := range xn.Abstract {
		var ls [9]numLevel
		for _, l := range a.Lvls {
			if i, lv, ok := level(l); ok {
				ls[i] = lv
			}
		}
		abstract[a.ID] = ls
	}
	for _, num := range xn.Nums {
		inst := &numInstance{levels: abstract[num.Abstract.Val]}
		for _, o := range num.Override {
			i, err := strconv.Atoi(o.Ilvl)
			if err != nil || i < 0 || i > 8 {
				continue
			}
			if o.Lvl != nil {
				if _, lv, ok := level(*o.Lvl); ok {
					inst.levels[i] = lv
				}
			}
			if s, err := strconv.Atoi(o.Start.Val); err == nil {
				inst.levels[i].start = s
			}
		}
		n.nums[num.ID] = inst
	}
	var xs xStyles
	if len(stylesXML) > 0 && xml.Unmarshal(stylesXML, &xs) == nil {
		type st struct {
			basedOn string
			ref     *numRef
		}
		all := map[string]st{}
		for _, s := range xs.Styles {
			v := st{basedOn: s.BasedOn.Val}
			if s.NumPr != nil {
				v.ref = &numRef{numID: s.NumPr.NumID.Val, ilvl: s.NumPr.Ilvl.Val}
			}
			all[s.ID] = v
		}
		for id := range all {
			// Follow basedOn, at most a few steps: chains are short, loops possible.
			for cur, hops := id, 0; cur != "" && hops < 16; hops++ {
				s, ok := all[cur]
				if !ok {
					break
				}
				if s.ref != nil {
					n.styles[id] = *s.ref
					break
				}
				cur = s.basedOn
			}
		}
	}
	return n
}

// label advances the counter of a numbered paragraph and returns its
// number text ("一、", "1."), or "" for bullets and unnumbered paragraphs.
func (n *numbering) label(ref numRef, style string) string {
	if n == nil {
		return ""
	}
	if ref.numID == "" {
		sr, ok := n.styles[style]
		if !ok {
			return ""
		}
		ref.numID = sr.numID
		if ref.ilvl == "" {
			ref.ilvl = sr.ilvl
		}
	}
	inst := n.nums[ref.numID]
	if inst == nil || ref.numID == "0" {
		return ""
	}
	lvl, err := strconv.Atoi(ref.ilvl)
	if err != nil || lvl < 0 || lvl > 8 {
		lvl = 0
	}
	if !inst.used[lvl] {
		inst.counter[lvl] = inst.levels[lvl].start
		inst.used[lvl] = true
	} else {
		inst.counter[lvl]++
	}
	for d := lvl + 1; d < 9; d++ {
		inst.used[d] = false
	}
	l := inst.levels[lvl]
	if l.format == "bullet" || l.format == "none" || l.text == "" {
		return ""
	}
	var sb strings.Builder
	for i := 0; i < len(l.text); i++ {
		c := l.text[i]
		if c == '%' && i+1 < len(l.text) && l.text[i+1] >= '1' && l.text[i+1] <= '9' {
			d := int(l.text[i+1] - '1')
			f := inst.levels[d].format
			if l.isLegal {
				f = "decimal"
			}
			v := inst.counter[d]
			if !inst.used[d] {
				v = inst.levels[d].start
			}
			sb.WriteString(formatNumber(v, f))
			i++
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

var cjkDigits = []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// formatNumber renders n in a Word number format; unknown formats fall
// back to decimal.
func formatNumber(n int, format string) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional", "taiwaneseCounting", "taiwaneseCountingThousand":
		return chineseNumber(n)
	case "ideographDigital", "taiwaneseDigital":
		var sb strings.Builder
		for _, c := range strconv.Itoa(n) {
			sb.WriteString(cjkDigits[c-'0'])
		}
		return sb.String()
	case "upperLetter", "lowerLetter":
		if n < 1 {
			return strconv.Itoa(n)
		}
		base := 'a'
		if format == "upperLetter" {
			base = 'A'
		}
		// Word repeats the letter: a … z, aa … zz.
		return strings.Repeat(string(base+rune((n-1)%26)), (n-1)/26+1)
	case "upperRoman", "lowerRoman":
		r := roman(n)
		if format == "lowerRoman" {
			r = strings.ToLower(r)
		}
		return r
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n >= 1 && n <= 20 {
			return string(rune(0x2460 + n - 1))
		}
	case "decimalZero":
		if n >= 0 && n < 10 {
			return "0" + strconv.Itoa(n)
		}
	case "decimalFullWidth", "decimalFullWidth2":
		var sb strings.Builder
		for _, c := range strconv.Itoa(n) {
			sb.WriteRune(c - '0' + '０')
		}
		return sb.String()
	}
	return strconv.Itoa(n)
}

// chineseNumber writes 1–9999 the way list numbers are written: 十, 十一,
// 二十, 一百零五.
func chineseNumber(n int) string {
	if n <= 0 || n >= 10000 {
		return strconv.Itoa(n)
	}
	units := []string{"", "十", "百", "千"}
	digits := []int{n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10}
	var sb strings.Builder
	zero := false
	for i, d := range digits {
		u := units[3-i]
		if d == 0 {
			zero = sb.Len() > 0
			continue
		}
		if zero {
			sb.WriteString("零")
			zero = false
		}
		if !(d == 1 && u == "十" && sb.Len() == 0) {
			sb.WriteString(cjkDigits[d])
		}
		sb.WriteString(u)
	}
	return sb.String()
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var sb strings.Builder
	for i, v := range vals {
		for n >= v {
			sb.WriteString(syms[i])
			n -= v
		}
	}
	return sb.String()
}
