package crawler

import "sync"

// syncArchive makes the archive durable before the state commit that marks
// a URL done. WriteExchange flushes to the kernel, which already survives
// a killed process; the fsync also survives a power loss. Options.NoSync
// (benchmarks) skips it.
func (r *run) syncArchive() error {
	if r.c.opts.NoSync {
		return nil
	}
	return r.syncer.sync(r.archive.Sync)
}

// groupSync shares fsyncs between goroutines: a caller needs a sync that
// began after its write, and one fsync serves every caller waiting when it
// begins. Under load (or a slow disk) this turns N fsyncs into a few.
type groupSync struct {
	mu       sync.Mutex
	cond     *sync.Cond
	started  uint64 // generations begun
	finished uint64 // generations done
	running  bool
	err      error
}

func (g *groupSync) sync(do func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cond == nil {
		g.cond = sync.NewCond(&g.mu)
	}
	need := g.started + 1 // the next generation to begin covers our write
	for g.finished < need {
		if g.running {
			g.cond.Wait()
			continue
		}
		g.running = true
		g.started++
		gen := g.started
		g.mu.Unlock()
		err := do()
		g.mu.Lock()
		g.running, g.finished, g.err = false, gen, err
		g.cond.Broadcast()
	}
	return g.err
}
