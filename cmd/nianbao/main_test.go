package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// runCmd runs the CLI in-process and returns its exit code and streams.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := mainArgs(context.Background(), &env{stdout: &out, stderr: &errb, stdin: strings.NewReader("")}, args)
	return code, out.String(), errb.String()
}

const seedDir = "../../extract/testdata/seeds"
const goldDir = "../../extract/testdata/gold"

func seedFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	if err != nil || len(files) != 5 {
		t.Fatalf("seeds: %v, %d files", err, len(files))
	}
	return files
}

// gold reads a hand-read gold file: its metadata and its cell lines.
func gold(t *testing.T, name string) (map[string]string, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldDir, name+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{}
	var cells []string
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": "); ok && strings.HasPrefix(line, "# ") {
			meta[k] = v
			continue
		}
		if strings.HasPrefix(line, "# ") && strings.HasSuffix(line, ":") {
			meta[strings.TrimSuffix(strings.TrimPrefix(line, "# "), ":")] = ""
			continue
		}
		if line == "table\trow\tcol\tvalue" || i == 0 && strings.HasPrefix(line, "table") {
			continue
		}
		cells = append(cells, line)
	}
	return meta, cells
}

func TestParseTSVEqualsGold(t *testing.T) {
	files := seedFiles(t)
	code, out, errs := runCmd(t, append([]string{"parse", "--format", "tsv"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if lines[0] != "source\ttable\trow\tcol\tvalue" {
		t.Fatalf("header = %q", lines[0])
	}
	bySource := map[string][]string{}
	for _, l := range lines[1:] {
		src, rest, _ := strings.Cut(l, "\t")
		bySource[src] = append(bySource[src], rest)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		_, want := gold(t, name)
		got := bySource[f]
		if len(got) != len(want) {
			t.Errorf("%s: %d cells, gold has %d", name, len(got), len(want))
		}
		for i := 0; i < len(got) && i < len(want); i++ {
			if got[i] != want[i] {
				t.Errorf("%s line %d: got %q, gold %q", name, i+1, got[i], want[i])
			}
		}
	}
}

func TestParseJSONLMetadataEqualsGold(t *testing.T) {
	files := seedFiles(t)
	code, out, errs := runCmd(t, append([]string{"parse", "--format", "jsonl"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		var rep struct {
			Source          string `json:"source"`
			Agency          string `json:"agency"`
			ReportYear      int    `json:"report_year"`
			RegionCode      string `json:"region_code"`
			PublicationDate string `json:"publication_date"`
			Templates       struct{ Active, Requests string }
			Status          string
			Checks          []struct {
				Rule, Scope string
				Passed      *bool
			}
			Cells []json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		n++
		meta, cells := gold(t, strings.TrimSuffix(filepath.Base(rep.Source), ".txt"))
		for field, got := range map[string]string{
			"agency": rep.Agency, "region_code": rep.RegionCode, "publication_date": rep.PublicationDate,
			"template.active": rep.Templates.Active, "template.requests": rep.Templates.Requests,
		} {
			if got != meta[field] {
				t.Errorf("%s: %s = %q, gold %q", rep.Source, field, got, meta[field])
			}
		}
		if want := meta["report_year"]; want != "" && want != strconv.Itoa(rep.ReportYear) {
			t.Errorf("%s: report_year = %d, gold %s", rep.Source, rep.ReportYear, want)
		}
		if len(rep.Cells) != len(cells) {
			t.Errorf("%s: %d cells, gold %d", rep.Source, len(rep.Cells), len(cells))
		}
		var failed []string
		for _, c := range rep.Checks {
			if c.Passed != nil && !*c.Passed {
				failed = append(failed, c.Rule+" "+c.Scope)
			}
		}
		sort.Strings(failed)
		wantFailed := meta["checks_failed"]
		switch {
		case strings.HasPrefix(wantFailed, "none"):
			if len(failed) != 0 || rep.Status != "ok" {
				t.Errorf("%s: status %s, failed checks %v; gold says none", rep.Source, rep.Status, failed)
			}
		default:
			// Gold: "R2 requests.unable.not_held (…); R3 requests total column (…)"
			parts := strings.Split(wantFailed, "; ")
			if len(failed) != len(parts) || rep.Status != "failed_checks" {
				t.Errorf("%s: status %s, failed checks %v; gold %q", rep.Source, rep.Status, failed, wantFailed)
			}
			for i := 0; i < len(parts) && i < len(failed); i++ {
				if strings.Fields(parts[i])[0] != strings.Fields(failed[i])[0] {
					t.Errorf("%s: failed check %d is %q, gold %q", rep.Source, i, failed[i], parts[i])
				}
			}
		}
	}
	if n != 5 {
		t.Fatalf("%d reports, want 5", n)
	}
}

func TestParseExitCodes(t *testing.T) {
	files := seedFiles(t)
	missing := filepath.Join(t.TempDir(), "no-such-report.html")
	code, out, errs := runCmd(t, "parse", missing, files[0])
	if code != exitFailed {
		t.Errorf("unreadable input: exit %d, want %d", code, exitFailed)
	}
	if !strings.Contains(errs, missing) {
		t.Errorf("the message does not name the file: %q", errs)
	}
	if !strings.Contains(out, files[0]+"\trequests\tnew\ttotal\t") {
		t.Errorf("the readable file after the unreadable one was not output")
	}
	// A report that fails its checks is output, flagged, and exits 0.
	code, out, _ = runCmd(t, "parse", "--format", "jsonl", filepath.Join(seedDir, "001_b788a0f788d8dbbc.txt"))
	if code != 0 || !strings.Contains(out, `"status":"failed_checks"`) {
		t.Errorf("failing report: exit %d, output %.200s", code, out)
	}
	for _, args := range [][]string{{"parse", "--format", "xml", files[0]}, {"parse"}, {"nonsense"}, {"extract", files[0]}, {"run", "--data", "x"}} {
		if code, _, _ := runCmd(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tt := range []struct {
		in      string
		i, n    int
		wantErr bool
	}{{"", 0, 0, false}, {"0/4", 0, 4, false}, {"3/4", 3, 4, false}, {"4/4", 0, 0, true}, {"-1/2", 0, 0, true}, {"1", 0, 0, true}, {"a/b", 0, 0, true}, {"0/0", 0, 0, true}} {
		s, err := parseShard(tt.in)
		if (err != nil) != tt.wantErr || (err == nil && (s.Index != tt.i || s.Count != tt.n)) {
			t.Errorf("parseShard(%q) = %+v, %v", tt.in, s, err)
		}
	}
}
