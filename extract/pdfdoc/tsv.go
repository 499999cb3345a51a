package pdfdoc

import (
	"bufio"
	"bytes"
	"math"
	"strconv"
	"strings"
)

// word is one word box from `pdftotext -tsv`, in PDF points with the
// origin at the top left of its page.
type word struct {
	x0, y0, x1, y1 float64
	text           string
}

// page is one page of word boxes.
type page struct {
	n     int // 1-based page number
	w, h  float64
	words []word
}

// maxPageNum bounds page numbers read from TSV, so a hostile line cannot
// make us allocate a billion pages.
const maxPageNum = 100000

// parseTSV reads the output of `pdftotext -tsv`: a header line, then
// rows of level, page_num, par_num, block_num, line_num, word_num, left,
// top, width, height, conf, text. Level 1 rows describe pages, level 5
// rows are words; the rest (flows, blocks, lines) are recomputed from
// geometry, because poppler's grouping mixes table cells. Malformed rows are
// skipped and counted.
func parseTSV(data []byte) (pages []page, skipped int) {
	byNum := map[int]int{} // page number → index in pages
	get := func(n int) *page {
		i, ok := byNum[n]
		if !ok {
			i = len(pages)
			byNum[n] = i
			pages = append(pages, page{n: n})
		}
		return &pages[i]
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "level\t") {
			continue
		}
		f := strings.SplitN(line, "\t", 12)
		if len(f) < 12 {
			skipped++
			continue
		}
		level, err1 := strconv.Atoi(f[0])
		pn, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || pn < 1 || pn > maxPageNum {
			skipped++
			continue
		}
		var box [4]float64
		ok := true
		for i := range box {
			v, err := strconv.ParseFloat(f[6+i], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
				ok = false
				break
			}
			box[i] = v
		}
		if !ok || box[2] < 0 || box[3] < 0 {
			skipped++
			continue
		}
		switch level {
		case 1:
			p := get(pn)
			p.w, p.h = box[2], box[3]
		case 5:
			text := strings.TrimSpace(f[11])
			if text == "" {
				continue
			}
			p := get(pn)
			p.words = append(p.words, word{x0: box[0], y0: box[1], x1: box[0] + box[2], y1: box[1] + box[3], text: text})
		}
	}
	if sc.Err() != nil {
		skipped++ // a line longer than 1 MiB: the rest is dropped
	}
	for i := range pages {
		p := &pages[i]
		for _, w := range p.words {
			// A page row may be missing or lie; never let words fall outside.
			p.w = max(p.w, w.x1)
			p.h = max(p.h, w.y1)
		}
	}
	return pages, skipped
}
