// Package parquetcheck reads the Parquet datasets written by package store
// back with DuckDB, an independent reader. It is a separate module so that
// the CGO DuckDB dependency stays out of the nianbao binary; it has tests
// only.
package parquetcheck
