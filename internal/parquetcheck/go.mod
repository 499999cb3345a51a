module github.com/nianbao/nianbao/internal/parquetcheck

go 1.26.0

require (
	github.com/duckdb/duckdb-go/v2 v2.10505.0
	github.com/nianbao/nianbao v0.0.0-00010101000000-000000000000
)

require (
	github.com/duckdb/duckdb-go-bindings v0.10505.0 // indirect
	github.com/duckdb/duckdb-go-bindings/lib/linux-amd64 v0.10505.0 // indirect
	github.com/go-viper/mapstructure/v2 v2.5.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
)

replace github.com/nianbao/nianbao => ../..
