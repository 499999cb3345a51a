package crawler

// syncArchive makes the archive durable before the state commit that marks
// a URL done. WriteExchange flushes to the kernel, which already survives
// a killed process; the fsync also survives a power loss. Options.NoSync
// (benchmarks) skips it.
func (r *run) syncArchive() error {
	if r.c.opts.NoSync {
		return nil
	}
	return r.archive.Sync()
}
