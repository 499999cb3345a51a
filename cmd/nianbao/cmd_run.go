package main

import (
	"context"
	"errors"
)

func runRun(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "run", "--config FILE --data DIR [--shard i/n]")
	var cf crawlFlags
	cf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, shard, err := cf.load()
	if err != nil {
		return err
	}
	log, err := cf.logger(e)
	if err != nil {
		return err
	}
	defer log.Sync()
	n := &nightly{env: e, log: log, cfg: cfg, dataDir: cf.data, shard: shard, includeUnreachable: cf.includeUnreachable}
	res, err := n.run(ctx, true)
	if res != nil && res.Finished.IsZero() && err != nil {
		// Keep a record of a failed run too: the operator reads runs/.
		res.Error = err.Error()
		_ = res.save(cf.data)
	}
	if res != nil && !res.Finished.IsZero() {
		res.print(e.stdout)
	}
	if err != nil {
		if errors.Is(err, errLocked) {
			return &exitError{code: exitFailed, err: err}
		}
		return err
	}
	return res.exitErr()
}
