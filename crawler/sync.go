package crawler

import "github.com/nianbao/nianbao/crawler/warc"

// syncArchive makes the archive durable before the state commit that marks
// a URL done. WriteExchange flushes to the kernel, which survives a killed
// process; a writer that can fsync is asked to, which survives power loss.
func syncArchive(w *warc.Writer) error {
	if s, ok := any(w).(interface{ Sync() error }); ok {
		return s.Sync()
	}
	return nil
}
