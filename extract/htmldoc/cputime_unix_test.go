//go:build unix

package htmldoc

import (
	"syscall"
	"time"
)

// cpuNow returns the CPU time this process has used. On a machine shared
// with other work, CPU time measures a benchmark far more steadily than
// wall time, which counts the time spent waiting for a core.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
