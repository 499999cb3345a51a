# nianbao — the two commands a new user needs are `make demo` and `make test`.
GO      ?= go
BIN     := bin/nianbao
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
# Packages whose tests need the external tools installed by `make deps`.
PKGS    := ./...

.PHONY: build test test-short deps lint bench demo fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nianbao

# Everything: unit, golden, fuzz-seed and end-to-end tests, plus the DuckDB
# read-back tests in the nested module internal/parquetcheck.
test: deps
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 12m $(PKGS)
	cd internal/parquetcheck && $(GO) test -count=1 -timeout 8m ./...

# Installs what the tests need: apt packages when run as root, npm packages
# into .tools/node; otherwise stops and names what to install.
deps:
	@./.ci/install-deps

test-short:
	$(GO) test -short -count=1 $(PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt: files above need formatting'; exit 1; }
	$(GO) vet $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s $(PKGS)

# Fuzz each fuzz target briefly (the seed corpora also run in `make test`).
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Runs the whole nightly job against the simulated portal farm on loopback.
demo: build
	./$(BIN) demo --data demo-data

clean:
	rm -rf bin demo-data
