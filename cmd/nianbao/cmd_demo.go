package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nianbao/nianbao/configs"
	"github.com/nianbao/nianbao/crawler/farm"
)

// runDemo runs the whole nightly job against the simulated portal farm,
// started in this process on loopback addresses: no network, no set-up.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", "[--data DIR]")
	data := fs.String("data", "demo-data", "data directory to create")
	var lf logFlags
	lf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if lf.level == "info" {
		// The farm's challenges and faults are there on purpose: the summary
		// reports them, so keep the screen for it.
		lf.level = "error"
	}
	log, err := lf.logger(e)
	if err != nil {
		return err
	}
	defer log.Sync()

	f, err := farm.Start(ctx, farm.Options{Logger: log.Named("farm"), HugeSize: 64 << 20})
	if err != nil {
		return fmt.Errorf("start the portal farm: %w", err)
	}
	defer f.Close()
	if err := os.MkdirAll(*data, 0o755); err != nil {
		return err
	}
	cfgPath := filepath.Join(*data, "farm.yaml")
	if err := os.WriteFile(cfgPath, f.ConfigYAML(), 0o644); err != nil {
		return err
	}
	cfg, err := configs.Load(cfgPath)
	if err != nil {
		return fmt.Errorf("the farm's configuration: %w", err)
	}
	fmt.Fprintf(e.stdout, "nianbao demo: %d simulated portals on loopback, data in %s\n\n", len(cfg.Portals), *data)

	n := &nightly{env: e, log: log, cfg: cfg, dataDir: *data}
	res, err := n.run(ctx, true)
	if err != nil {
		return err
	}
	res.print(e.stdout)
	fmt.Fprintln(e.stdout)
	root := filepath.Join(*data, "parquet")
	if err := demoQueries(e.stdout, root); err != nil {
		return fmt.Errorf("query the datasets: %w", err)
	}
	printHowToQuery(e.stdout, root)
	return nil
}

func printHowToQuery(w io.Writer, root string) {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	fmt.Fprintf(w, `
Open the data (schema: docs/schema.md):
  DuckDB:  SELECT key, value, raw FROM read_parquet('%[1]s/cells/**/*.parquet', hive_partitioning=true) LIMIT 10;
           (docs/schema.md has the query above for DuckDB, counting each report once)
  pandas:  pd.read_parquet('%[1]s/cells')            # pyarrow reads the year=/province= partitions
  polars:  pl.scan_parquet('%[1]s/cells/**/*.parquet', hive_partitioning=True).collect()
`, abs)
}
