//go:build !nianbao_region

package extract

// regionEnabled says whether region codes are resolved in this build.
const regionEnabled = false

// region is a no-op until package extract/region lands; see region.go.
func (m *mapper) region() {}
