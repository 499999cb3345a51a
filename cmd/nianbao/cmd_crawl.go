package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler"
)

// crawlFlags are shared by crawl and run.
type crawlFlags struct {
	config             string
	data               string
	shard              string
	includeUnreachable bool
	logFlags
}

func (c *crawlFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "", "portal configuration file (YAML; see configs/portals.example.yaml)")
	fs.StringVar(&c.data, "data", "", "data directory: archive/, state/, parquet/, runs/")
	fs.StringVar(&c.shard, "shard", "", "crawl a stable share i/n of the hosts, e.g. 0/4 on the first of four machines")
	fs.BoolVar(&c.includeUnreachable, "include-unreachable", false, "also crawl portals marked reachable: false")
	c.logFlags.register(fs)
}

// load checks the flags and the configuration; every problem found here is
// a usage error (exit 2).
func (c *crawlFlags) load() (*configs.File, crawler.Shard, error) {
	if c.config == "" || c.data == "" {
		return nil, crawler.Shard{}, usageError("--config and --data are required")
	}
	shard, err := parseShard(c.shard)
	if err != nil {
		return nil, crawler.Shard{}, usageError("--shard: %v", err)
	}
	cfg, err := configs.Load(c.config)
	if err != nil {
		return nil, crawler.Shard{}, &exitError{code: exitUsage, err: err}
	}
	return cfg, shard, nil
}

func parseShard(s string) (crawler.Shard, error) {
	if s == "" {
		return crawler.Shard{}, nil
	}
	i, n, ok := strings.Cut(s, "/")
	idx, err1 := strconv.Atoi(i)
	cnt, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || cnt < 1 || idx < 0 || idx >= cnt {
		return crawler.Shard{}, fmt.Errorf("%q is not i/n with 0 <= i < n", s)
	}
	return crawler.Shard{Index: idx, Count: cnt}, nil
}

func runCrawl(ctx context.Context, e *env, args []string) error {
	return runNightly(ctx, e, "crawl", args, false)
}

func runRun(ctx context.Context, e *env, args []string) error {
	return runNightly(ctx, e, "run", args, true)
}

// runNightly is crawl (extractToo false: crawl, archive and index the
// captures) and run (the whole nightly job).
func runNightly(ctx context.Context, e *env, name string, args []string, extractToo bool) error {
	fs := newFlagSet(e, name, "--config FILE --data DIR [--shard i/n]")
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
	res, err := n.run(ctx, extractToo)
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

var errLocked = errors.New("another nianbao run holds this data directory")
