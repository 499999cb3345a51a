//go:build unix

package extract

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock reports the process CPU time (user+system). On a shared machine
// wall-clock ns/op swings with other load; CPU time per op does not.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op and cpu-MB/s metrics to b, measured from start.
func reportCPU(b *testing.B, start time.Duration, bytesPerOp int64) {
	d := cpuClock() - start
	if d <= 0 || b.N == 0 {
		return
	}
	perOp := float64(d.Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp, "cpu-ns/op")
	if bytesPerOp > 0 {
		b.ReportMetric(float64(bytesPerOp)/perOp*1e3, "cpu-MB/s")
	}
}
