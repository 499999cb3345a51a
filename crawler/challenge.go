package crawler

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
)

// challengeMarkers are strings of anti-bot interstitials: Ruishu (瑞数,
// HTTP 412 with a $_ts script), Jiasule (加速乐, HTTP 521 setting
// __jsl_clearance), the wzws WAF, Cloudflare-style "Just a moment", and
// generic Chinese verification pages.
var challengeMarkers = []string{"$_ts", "__jsl_clearance", "__jsluid", "wzws_cid", "Just a moment", "安全验证", "访问验证", "人机验证", "请开启JavaScript", "cf-chl"}

// challengeOf says why an answer is an anti-bot challenge, or "" if it is
// not. A challenge is never extracted, never answered: the crawler does
// not run its script or replay its cookie, it backs off and reports.
func challengeOf(status int, h http.Header, head []byte) string {
	ct := strings.ToLower(h.Get("Content-Type"))
	htmlish := ct == "" || strings.Contains(ct, "html") || strings.Contains(ct, "javascript") || strings.Contains(ct, "text/plain")
	if !htmlish {
		return ""
	}
	marker := ""
	if len(head) <= 64<<10 {
		for _, m := range challengeMarkers {
			if bytes.Contains(head, []byte(m)) {
				marker = m
				break
			}
		}
	}
	switch {
	case status == 412 && (marker != "" || bytes.Contains(head, []byte("<script"))):
		return "HTTP 412 script challenge" + withMarker(marker)
	case status == 521 && (marker != "" || bytes.Contains(head, []byte("<script"))):
		return "HTTP 521 cookie challenge" + withMarker(marker)
	case marker != "" && len(head) < 16<<10:
		// A large page merely mentioning a marker is content; a small one
		// is the interstitial itself.
		return "challenge page" + withMarker(marker)
	case status >= 200 && status < 300 && jsOnlyShell(head):
		return "JavaScript-only shell page"
	}
	return ""
}

func withMarker(m string) string {
	if m == "" {
		return ""
	}
	return " (" + m + ")"
}

var (
	reScript = regexp.MustCompile(`(?is)<script\b.*?</script\s*>`)
	reTag    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// jsOnlyShell reports a tiny page that is all script and no text or links:
// the body a WAF serves until a script has set a cookie.
func jsOnlyShell(b []byte) bool {
	if len(b) >= 2048 || !bytes.Contains(bytes.ToLower(b), []byte("<script")) {
		return false
	}
	if bytes.Contains(bytes.ToLower(b), []byte("<a ")) || bytes.Contains(b, []byte("<datastore")) {
		return false
	}
	text := reTag.ReplaceAll(reScript.ReplaceAll(b, nil), nil)
	return len([]rune(strings.TrimSpace(string(text)))) < 16
}
