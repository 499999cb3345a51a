// Package parquetcheck reads the Parquet datasets written by package store
// back with DuckDB, an independent reader: column types against
// docs/schema.md, NULL versus 0, partition columns, row counts, re-runs and
// every DuckDB example in the docs. It is a separate module so that the
// CGO DuckDB dependency stays out of the nianbao binary. It holds tests and
// cmd/duckq, a one-statement DuckDB runner.
package parquetcheck
