package extract

import "github.com/nianbao/nianbao/extract/codebook"

// keyIndex numbers every cell key of every template. A report keeps the
// values of its emitted cells in a slice indexed by these numbers rather
// than in a map of its own: no map to allocate per report, and the checks,
// whose operands are numbered once below, look values up without hashing.
var keyIndex = func() map[codebook.Key]int {
	idx := map[codebook.Key]int{}
	for _, l := range codebook.Layouts() {
		for _, k := range l.Keys() {
			if _, ok := idx[k]; !ok {
				idx[k] = len(idx)
			}
		}
	}
	return idx
}()

// keyAt returns the number of key, or -1 when it is not a template key.
func keyAt(k codebook.Key) int {
	if i, ok := keyIndex[k]; ok {
		return i
	}
	return -1
}

// cellValues holds the parsed value of each emitted cell by key. A key
// emitted twice keeps the last value.
type cellValues struct {
	byIndex []slot // allocated on the first put
	// other holds keys outside the codebook, which emit never produces
	// today; it keeps the store total rather than silently dropping one.
	other map[codebook.Key]value
}

type slot struct {
	v   value
	set bool
}

// put stores v under k and returns k's number (-1 for a non-template key).
func (cv *cellValues) put(k codebook.Key, v value) int {
	i := keyAt(k)
	if i < 0 {
		if cv.other == nil {
			cv.other = map[codebook.Key]value{}
		}
		cv.other[k] = v
		return -1
	}
	if cv.byIndex == nil {
		cv.byIndex = make([]slot, len(keyIndex))
	}
	cv.byIndex[i] = slot{v, true}
	return i
}

// at returns the value stored under key number i.
func (cv *cellValues) at(i int) (value, bool) {
	if i < 0 || cv.byIndex == nil {
		return value{}, false
	}
	s := cv.byIndex[i]
	return s.v, s.set
}

// get returns the value stored under k.
func (cv *cellValues) get(k codebook.Key) (value, bool) {
	if i := keyAt(k); i >= 0 {
		return cv.at(i)
	}
	v, ok := cv.other[k]
	return v, ok
}

// maxReportCells is the most cells a report can have: every table in its
// largest template.
var maxReportCells = func() int {
	largest := map[string]int{}
	for _, l := range codebook.Layouts() {
		largest[l.Table] = max(largest[l.Table], len(l.Keys()))
	}
	n := 0
	for _, k := range largest {
		n += k
	}
	return n
}()
