package textdoc

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTextRead: any bytes decode and split without panic; every cell and
// paragraph is valid UTF-8, and line numbers stay within the input.
// go test -run XXX -fuzz FuzzTextRead -fuzztime=20s -fuzzminimizetime=2s ./extract/textdoc/
func FuzzTextRead(f *testing.F) {
	// Short pieces of the seeds: the fuzzer minimises every new input,
	// which is slow on whole reports.
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "seeds", "*.txt"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i += 12 {
			f.Add([]byte(strings.Join(lines[i:min(i+12, len(lines))], "\n")), "")
		}
	}
	f.Add([]byte("| a | b |\n|---|---|\n| 1 | 2 |"), "text/plain; charset=gbk")
	f.Add([]byte("\xff\xfea\x00\tb\x00"), "")
	f.Add([]byte("规章\t1\n— 4 —\n规范性文件\t2\r\n"), "text/plain; charset=utf-8")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		d, err := Read(context.Background(), data, ct)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(string(data), "\n") + strings.Count(string(data), "\r") + 1
		for _, b := range d.Blocks {
			if b.Loc.Line < 1 || b.Loc.Line > lines {
				t.Errorf("block line %d outside 1..%d", b.Loc.Line, lines)
			}
			if b.Table == nil {
				if !utf8.ValidString(b.Text) {
					t.Errorf("invalid UTF-8 paragraph %q", b.Text)
				}
				continue
			}
			for r, row := range b.Table.Rows {
				if len(row) > MaxCellsPerRow {
					t.Errorf("row of %d cells", len(row))
				}
				for c, cell := range row {
					if !utf8.ValidString(cell.Text) || cell.Loc.Row != r || cell.Loc.Col != c {
						t.Errorf("cell %q at %+v, want r%dc%d", cell.Text, cell.Loc, r, c)
					}
				}
			}
		}
	})
}
