package crawler

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// checkWithWarcio validates every WARC file under dir/archive with
// warcio.js, an independent reader, through crawler/warc's validate.mjs
// (digests, Content-Length, revisit fields, Concurrent-To). Without node
// or warcio.js it only logs that it could not check.
func checkWithWarcio(t *testing.T, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Log("node not on PATH: archive not checked with warcio.js")
		return
	}
	warcio, _ := filepath.Abs("../.tools/node/node_modules/warcio/dist/index.js")
	script, _ := filepath.Abs("warc/testdata/validate.mjs")
	for _, p := range []string{warcio, script} {
		if _, err := os.Stat(p); err != nil {
			t.Logf("%s missing (npm install --no-audit --no-fund --prefix .tools/node warcio@2.4.11): archive not checked with warcio.js", p)
			return
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "archive", "*.warc.gz"))
	if len(files) == 0 {
		t.Fatal("no WARC files")
	}
	cmd := exec.Command(node, append([]string{script}, files...)...)
	cmd.Env = append(os.Environ(), "WARCIO="+warcio)
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil {
		var bad []string
		for _, l := range lines {
			if strings.Contains(l, `"problems":[`) && !strings.Contains(l, `"problems":[]`) {
				bad = append(bad, l)
			}
		}
		t.Fatalf("warcio.js: %v; %d problem records, first: %v\nsummary: %s", err, len(bad), bad[:min(3, len(bad))], lines[len(lines)-1])
	}
	t.Logf("warcio.js: %s", lines[len(lines)-1])
}
