package farm

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"
)

func TestManifestAttachments(t *testing.T) {
	files := fstest.MapFS{
		"assets/manifest.json": {Data: []byte(`{"files": [
			{"file": "r01.pdf", "report": "r01", "content_type": "application/pdf"},
			{"file": "r03.xlsx", "report": "r03", "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "title": "附表"},
			{"file": "r05.doc", "report": "r05", "content_type": "application/msword"}
		]}`)},
		"assets/r01.pdf":  {Data: []byte("%PDF-1.7 r01")},
		"assets/r03.xlsx": {Data: []byte("PK r03")},
		"assets/r05.doc":  {Data: []byte("\xD0\xCF\x11\xE0 r05")},
	}
	f := startFarm(t, Options{NoFaults: true, assets: files})
	want := map[string][]string{
		"r01": {"/module/download/downfile.jsp?classid=0&filename=", ".pdf&showname=", "%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"},
		"r03": {trsBase + "202201/W020220125", ".xlsx"},
		"r05": {"/files/r05-1.doc"},
	}
	body := map[string]string{"r01": "%PDF-1.7 r01", "r03": "PK r03", "r05": "\xD0\xCF\x11\xE0 r05"}
	for _, e := range f.Expected() {
		parts, ok := want[e.ID]
		if !ok {
			continue
		}
		if len(e.Attachments) != 2 {
			t.Fatalf("%s: attachments %q, want the DOCX and the manifest file", e.ID, e.Attachments)
		}
		u := e.Attachments[1]
		for _, p := range parts {
			if !strings.Contains(u, p) {
				t.Errorf("%s: attachment URL %s lacks %q", e.ID, u, p)
			}
		}
		resp, b := fetch(t, "GET", u, nil, nil)
		if resp.StatusCode != 200 || string(b) != body[e.ID] {
			t.Errorf("%s: %s answered %d %q", e.ID, u, resp.StatusCode, b)
		}
		_, page := fetch(t, "GET", e.URL, nil, nil)
		if e.ID == "r03" {
			page = []byte(strings.ReplaceAll(string(page), "./W0", trsBase+"202201/W0"))
		}
		if !bytes.Contains(page, []byte(strings.ReplaceAll(strings.TrimPrefix(u, "http://"+f.Host(hostOf(e.ID))), "&", "&amp;"))) {
			t.Errorf("%s: report page does not link %s", e.ID, u)
		}
	}
	// Discovery follows the new links like any other attachment.
	_, attachments := crawl(t, f, SiteHanweb)
	if len(attachments) != 2 {
		t.Errorf("discovery found attachments %q on the Hanweb site, want 2", attachments)
	}
}

func hostOf(id string) string {
	for _, r := range catalogue() {
		if r.ID == id {
			return r.site
		}
	}
	return ""
}

func TestManifestErrors(t *testing.T) {
	for name, files := range map[string]fstest.MapFS{
		"unknown report": {"assets/manifest.json": {Data: []byte(`{"files":[{"file":"x.pdf","report":"r99"}]}`)}, "assets/x.pdf": {}},
		"missing file":   {"assets/manifest.json": {Data: []byte(`{"files":[{"file":"x.pdf","report":"r01"}]}`)}},
		"bad json":       {"assets/manifest.json": {Data: []byte(`{"files":[`)}},
		"no manifest":    {},
	} {
		if f, err := Start(context.Background(), Options{assets: files}); err == nil {
			f.Close()
			t.Errorf("%s: Start succeeded", name)
		} else if !strings.Contains(err.Error(), "manifest") {
			t.Errorf("%s: error %v does not name the manifest", name, err)
		}
	}
}

// TestEmbeddedAssets checks the committed files: each was made from its
// report as the farm serves it now (values fingerprint), is the format its
// name says, and is linked and served.
func TestEmbeddedAssets(t *testing.T) {
	raw, err := assets.ReadFile("assets/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	reports := map[string]Report{}
	for _, r := range Reports() {
		reports[r.ID] = r
	}
	magic := map[string]string{".pdf": "%PDF-", ".doc": "\xD0\xCF\x11\xE0", ".xls": "\xD0\xCF\x11\xE0", ".docx": "PK\x03\x04", ".xlsx": "PK\x03\x04"}
	f := startFarm(t, Options{})
	linked := map[string]bool{}
	for _, e := range f.Expected() {
		for _, a := range e.Attachments {
			linked[a] = true
		}
	}
	for _, mf := range m.Files {
		r, ok := reports[mf.Report]
		if !ok {
			t.Errorf("%s: no report %s", mf.File, mf.Report)
			continue
		}
		if mf.Values != ValuesFingerprint(r) {
			t.Errorf("%s was made from other values than %s has now: rerun go run ./crawler/farm/internal/assetgen", mf.File, r.ID)
		}
		data, err := assets.ReadFile("assets/" + mf.File)
		if err != nil {
			t.Fatal(err)
		}
		if want := magic[path.Ext(mf.File)]; !bytes.HasPrefix(data, []byte(want)) {
			t.Errorf("%s does not start with %q", mf.File, want)
		}
		served := false
		for u := range linked {
			if resp, b := fetch(t, "GET", u, nil, nil); resp.StatusCode == 200 && bytes.Equal(b, data) {
				served = true
			}
		}
		if !served {
			t.Errorf("%s is not among the linked attachments", mf.File)
		}
	}
}

// TestAssetValues reads values back out of the PDF (with pdftotext, when
// installed) and the XLSX (with excelize): the totals row of section 三.
func TestAssetValues(t *testing.T) {
	reports := map[string]Report{}
	for _, r := range Reports() {
		reports[r.ID] = r
	}
	totals := func(r Report) []string {
		var out []string
		for _, c := range requestCols {
			if v := format(r.Values["requests.total."+c]); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	t.Run("pdf", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext not installed")
		}
		data, _ := assets.ReadFile("assets/r03.pdf")
		cmd := exec.Command("pdftotext", "-layout", "-", "-")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "（七）总计") {
				if got := strings.Fields(strings.SplitN(line, "（七）总计", 2)[1]); !slices.Equal(got, totals(reports["r03"])) {
					t.Errorf("r03.pdf totals %q, want %q", got, totals(reports["r03"]))
				}
				return
			}
		}
		t.Errorf("r03.pdf has no （七）总计 line:\n%s", out)
	})
	t.Run("xlsx", func(t *testing.T) {
		data, _ := assets.ReadFile("assets/r05.xlsx")
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			i := slices.Index(row, "（七）总计")
			if i < 0 {
				continue
			}
			var got []string
			for _, c := range row[i+1:] {
				if c = strings.TrimSpace(c); c != "" && c != "（七）总计" {
					got = append(got, c)
				}
			}
			if !slices.Equal(got, totals(reports["r05"])) {
				t.Errorf("r05.xlsx totals %q, want %q", got, totals(reports["r05"]))
			}
			return
		}
		t.Error("r05.xlsx has no （七）总计 row")
	})
}

func TestChangeUnlinksStaticFiles(t *testing.T) {
	f := startFarm(t, Options{NoFaults: true})
	before := expectedByID(f, "r05")
	if len(before.Attachments) != 2 {
		t.Fatalf("r05 attachments %q, want the DOCX and the XLSX", before.Attachments)
	}
	if err := f.Change("r05"); err != nil {
		t.Fatal(err)
	}
	after := expectedByID(f, "r05")
	if !slices.Equal(after.Attachments, before.Attachments[:1]) {
		t.Errorf("after Change: attachments %q, want only the regenerated DOCX %q", after.Attachments, before.Attachments[:1])
	}
	if resp, _ := fetch(t, "GET", before.Attachments[1], nil, nil); resp.StatusCode != 404 {
		t.Errorf("the old XLSX answers %d after Change, want 404", resp.StatusCode)
	}
	if _, page := fetch(t, "GET", after.URL, nil, nil); bytes.Contains(page, []byte(".xlsx")) {
		t.Error("the changed page still links the old XLSX")
	}
}

func expectedByID(f *Farm, id string) Expected {
	for _, e := range f.Expected() {
		if e.ID == id {
			return e
		}
	}
	return Expected{}
}
