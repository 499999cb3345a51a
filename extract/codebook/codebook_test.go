package codebook

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every key a layout can produce is in codebook.tsv for that template.
func TestLayoutKeysInCodebook(t *testing.T) {
	for _, l := range Layouts() {
		for _, k := range l.Keys() {
			if !Allowed(k, l.Template) {
				t.Errorf("%s template %s: key %s not in codebook.tsv", l.Table, l.Template, k)
			}
		}
	}
}

// Every concrete codebook key is produced by some layout of its template,
// so the layouts do not silently drop a published cell.
func TestCodebookKeysCovered(t *testing.T) {
	es, err := Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 70 {
		t.Fatalf("only %d codebook entries parsed", len(es))
	}
	have := map[string]bool{}
	for _, l := range Layouts() {
		for _, k := range l.Keys() {
			have[l.Template+" "+k.String()] = true
			have["row "+l.Template+" "+k.Table+"."+k.Row] = true
			have["col "+l.Template+" "+k.Table+"."+k.Col] = true
		}
	}
	for _, e := range es {
		tmpls := []string{e.Template}
		if e.Template == "both" {
			tmpls = []string{T2019, T2021}
		}
		for _, tm := range tmpls {
			var want string
			switch {
			case e.Row == "*":
				want = "col " + tm + " " + e.Table + "." + e.Col
			case e.Col == "*":
				want = "row " + tm + " " + e.Table + "." + e.Row
			default:
				want = tm + " " + e.Table + "." + e.Row + "." + e.Col
			}
			if !have[want] {
				t.Errorf("codebook entry %+v (template %s) not produced by any layout", e, tm)
			}
		}
	}
}

func TestAllowedRejects(t *testing.T) {
	for _, k := range []struct {
		key  Key
		tmpl string
	}{
		{Key{Requests, "withheld.total", "total"}, T2021}, // derived, never extracted
		{Key{Requests, "other", "total"}, T2021},          // 2019 single row only
		{Key{Requests, "other.other", "total"}, T2019},
		{Key{Active, "procurement", "items"}, T2021},
		{Key{Active, "admin_fees", "fee_amount"}, T2019},
		{Key{Appeals, "review", "natural_person"}, T2021},
	} {
		if Allowed(k.key, k.tmpl) {
			t.Errorf("Allowed(%s, %s) = true, want false", k.key, k.tmpl)
		}
	}
}

// The key order of each layout is the order of the hand-written gold files.
func TestKeyOrderMatchesGold(t *testing.T) {
	tests := []struct {
		gold string
		tmpl string
	}{
		{"000_3450487cb858bd82.tsv", T2021},
		{"004_97c949ad666f67be.tsv", T2019},
	}
	for _, tt := range tests {
		f, err := os.Open(filepath.Join("..", "testdata", "gold", tt.gold))
		if err != nil {
			t.Fatal(err)
		}
		var gold []string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "table\t") || line == "" {
				continue
			}
			p := strings.Split(line, "\t")
			gold = append(gold, p[0]+"."+p[1]+"."+p[2])
		}
		f.Close()
		var got []string
		for _, table := range []string{Active, Requests, Appeals} {
			l, _ := Lookup(table, tt.tmpl)
			for _, k := range l.Keys() {
				got = append(got, k.String())
			}
		}
		if strings.Join(got, "\n") != strings.Join(gold, "\n") {
			t.Errorf("%s: layout order differs from gold\n got %d keys, gold %d", tt.gold, len(got), len(gold))
			for i := range min(len(got), len(gold)) {
				if got[i] != gold[i] {
					t.Errorf("first difference at %d: got %s, gold %s", i, got[i], gold[i])
					break
				}
			}
		}
	}
}
