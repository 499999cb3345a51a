package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress draws one self-overwriting status line on a terminal. On
// anything else it draws nothing: logs and the summary say what happened,
// and a cron mail full of carriage returns helps nobody.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	on      bool
	label   string
	done    int
	total   int // 0 when unknown
	started time.Time
	last    time.Time
	width   int
}

func newProgress(e *env, label string, total int) *progress {
	return &progress{w: e.stderr, on: e.isTerminal, label: label, total: total, started: time.Now()}
}

// Add advances the counter by n and redraws at most ten times a second.
func (p *progress) Add(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if !p.on || time.Since(p.last) < 100*time.Millisecond && p.done != p.total {
		return
	}
	p.last = time.Now()
	p.draw(p.line())
}

// Status replaces the counter with a free-form status (for crawls, whose
// total is unknown until the end).
func (p *progress) Status(s string) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw(fmt.Sprintf("%s: %s  %s", p.label, s, time.Since(p.started).Round(time.Second)))
}

func (p *progress) line() string {
	el := time.Since(p.started).Round(time.Second)
	if p.total <= 0 {
		return fmt.Sprintf("%s: %d  %s", p.label, p.done, el)
	}
	const barWidth = 30
	filled := barWidth * p.done / p.total
	if filled > barWidth {
		filled = barWidth
	}
	return fmt.Sprintf("%s [%s%s] %d/%d  %s", p.label, strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), p.done, p.total, el)
}

func (p *progress) draw(s string) {
	pad := ""
	if n := p.width - len(s); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	p.width = len(s)
	fmt.Fprintf(p.w, "\r%s%s", s, pad)
}

// Done clears the line so the summary starts on a clean one.
func (p *progress) Done() {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
	p.width = 0
}
