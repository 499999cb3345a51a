package farm

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"
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
