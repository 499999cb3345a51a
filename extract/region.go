//go:build nianbao_region

package extract

import "github.com/nianbao/nianbao/extract/region"

// regionEnabled says whether region codes are resolved in this build.
const regionEnabled = true

// region sets the GB/T 2260 code from the agency's place name. The USCC in
// an index number is a hint only: it carries the division of the
// registering authority at registration time, which may be stale, so the
// place name wins when both are known.
func (m *mapper) region() {
	var hint string
	if len(m.rep.IndexNo) >= 18 {
		if u, err := region.ParseUSCC(m.rep.IndexNo[:18]); err == nil {
			hint = u.Division
		}
	}
	if m.rep.Agency != "" {
		if d, ok := region.Find(m.rep.Agency); ok {
			m.rep.RegionCode = d.Code
			if hint != "" && hint != d.Code {
				m.warnf("region: place name gives %s (%s), index number USCC gives %s", d.Code, d.Name, hint)
			}
			return
		}
	}
	if hint != "" {
		m.rep.RegionCode = hint
		m.warnf("region: taken from the USCC in the index number, not from a place name")
	}
}
