package extract

import "github.com/nianbao/nianbao/extract/region"

// region sets the GB/T 2260 code from the agency's place name. The USCC in
// an index number is a hint only: it carries the division of the
// registering authority at registration time, which may be stale, so the
// place name wins when both are known; the hint only breaks a tie between
// places of the same name.
func (m *mapper) region() {
	var hint string
	if u, ok := region.FindUSCC(m.rep.IndexNo); ok {
		hint = u.Division
	}
	for _, name := range []string{m.rep.Agency, m.metaField("发布机构")} {
		if name == "" {
			continue
		}
		if d, ok := region.FindWithHint(name, hint); ok {
			m.rep.RegionCode = d.Code
			if hint != "" && hint != d.Code {
				m.warnf("region: place name gives %s, the index number's USCC %s", d, hint)
			}
			return
		}
	}
	if hint != "" {
		m.rep.RegionCode = hint
		m.warnf("region: no place name recognised; taken from the USCC in the index number")
	}
}
