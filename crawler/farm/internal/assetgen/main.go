// Command assetgen renders some of the farm's reports into the office
// formats agencies publish (PDF, DOC, XLSX) the way they make them, with
// LibreOffice, and lists them in crawler/farm/assets/manifest.json so the
// farm serves them as attachments with known values. Entries of the
// manifest for other files are kept. Run from the repository root:
//
//	go run ./crawler/farm/internal/assetgen
//
// It needs soffice (libreoffice-writer-nogui, libreoffice-calc-nogui) and
// CJK fonts (fonts-noto-cjk). Rerun it whenever the farm's reports change:
// the farm tests compare each file's values fingerprint with the report.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/nianbao/nianbao/crawler/farm"
)

// jobs: which report becomes which format. The 2019 DOC and the GBK TRS
// site's PDF cover both templates.
var jobs = []struct {
	report, ext, infilter, filter, contentType string
}{
	{"r03", "pdf", "HTML (StarWriter)", "pdf:writer_pdf_Export", "application/pdf"},
	{"r02", "doc", "HTML (StarWriter)", "doc:MS Word 97", "application/msword"},
	{"r05", "xlsx", "HTML (StarCalc)", "xlsx:Calc MS Excel 2007 XML", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}

func main() {
	out := flag.String("out", "crawler/farm/assets", "the farm's assets directory")
	flag.Parse()
	if err := run(*out); err != nil {
		log.Fatal(err)
	}
}

func run(out string) error {
	work, err := os.MkdirTemp("", "assetgen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	reports := map[string]farm.Report{}
	for _, r := range farm.Reports() {
		reports[r.ID] = r
	}
	m, err := farm.ReadManifest(filepath.Join(out, "manifest.json"))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, j := range jobs {
		r, ok := reports[j.report]
		if !ok {
			return fmt.Errorf("no report %s", j.report)
		}
		src := filepath.Join(work, r.ID+".html")
		if err := os.WriteFile(src, farm.RenderHTML(r), 0o644); err != nil {
			return err
		}
		cmd := exec.Command("soffice", "--headless", "-env:UserInstallation=file://"+filepath.Join(work, "profile"),
			"--infilter="+j.infilter, "--convert-to", j.filter, "--outdir", work, src)
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("soffice %s: %w\n%s", r.ID, err, b)
		}
		name := r.ID + "." + j.ext
		data, err := os.ReadFile(filepath.Join(work, name))
		if err != nil {
			return fmt.Errorf("soffice made no %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
		entry := farm.ManifestFile{File: name, Report: r.ID, ContentType: j.contentType, Values: farm.ValuesFingerprint(r)}
		i := slices.IndexFunc(m.Files, func(f farm.ManifestFile) bool { return f.File == name })
		if i < 0 {
			m.Files = append(m.Files, entry)
		} else {
			m.Files[i] = entry
		}
		log.Printf("%s: %d bytes", name, len(data))
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644)
}
