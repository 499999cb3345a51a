//go:build !unix

package htmldoc

import "time"

func cpuNow() time.Duration { return time.Duration(time.Now().UnixNano()) }
