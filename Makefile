# chainmatch — the two commands are `make run` and `make test`.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
BIN       := bin/chainmatch
GOTESTFLAGS ?=
export NEO4J_URI      ?= bolt://127.0.0.1:7687
export NEO4J_PASSWORD ?= chainmatch-dev
# make test uses a Neo4j of its own, so tests never wipe the database that
# make run serves.
TEST_NEO4J_URI ?= bolt://127.0.0.1:7688

.PHONY: help run test test-all build generate check-generate tidy-check vet fmt-check go-test web web-test e2e contract schema fuzz \
        neo4j-start neo4j-stop neo4j-status neo4j-ensure migrate demo bench clean backup restore soak chaos

help: ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

run: neo4j-ensure web build ## set everything up and serve the API with GraphiQL on the demo data (:8080)
	$(BIN) migrate
	$(BIN) demo --if-empty
	$(BIN) serve

test: ## every check and test, against a real Neo4j (its own, on port 7688)
	@$(MAKE) --no-print-directory NEO4J_URI=$(TEST_NEO4J_URI) test-all

test-all: neo4j-ensure web vet fmt-check tidy-check check-generate go-test fuzz web-test e2e contract

build: ## build bin/chainmatch (embeds the explorer when built)
	$(GO) build -o $(BIN) ./cmd/chainmatch

generate: ## regenerate gqlgen output from graph/*.graphqls
	$(GO) generate ./...

check-generate: ## fail when `go generate ./...` changes committed files
	$(GO) generate ./...
	@if ! git diff --quiet -- graph examples/goclient; then \
		echo "go generate changed graph/ — run 'make generate' and commit:"; git diff --stat -- graph; exit 1; fi

tidy-check: ## fail when `go mod tidy` would change go.mod or go.sum
	@$(GO) mod tidy -diff || { echo "go mod tidy changes go.mod/go.sum — run 'go mod tidy' and commit"; exit 1; }

vet: ## go vet
	$(GO) vet ./...

fmt-check: ## gofmt check
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

go-test: neo4j-ensure web ## go test -race (integration tests use the real Neo4j; the explorer build is embedded and tested)
	$(GO) test -race -count=1 -timeout 50m $(GOTESTFLAGS) ./...

fuzz: neo4j-ensure ## short fuzz runs of the request path and the query limits (seed corpus in testdata/fuzz)
	$(GO) test ./cmd/chainmatch -run '^$$' -fuzz=FuzzGraphQLRequest -fuzztime=10s -parallel=1
	$(GO) test ./graph -run '^$$' -fuzz=FuzzQueryLimits -fuzztime=10s
	$(GO) test ./internal/uscc -run '^$$' -fuzz=FuzzValidate -fuzztime=5s

web: ## build the explorer into the Go binary's embedded assets
	@if [ -x scripts/web.sh ]; then scripts/web.sh build; else echo "explorer: no web build script yet"; fi

web-test: ## Vitest unit tests of the explorer
	@if [ -x scripts/web.sh ]; then scripts/web.sh test; fi

e2e: ## browser tests of the explorer against a real server on the demo data
	@if [ -x scripts/e2e.sh ]; then scripts/e2e.sh; fi

schema: ## regenerate schema.graphql and the role matrix in docs/security.md from graph/*.graphqls
	UPDATE_SCHEMA=1 $(GO) test ./graph -run '^TestPublishedSchemaIsCurrent$$' -count=1

contract: neo4j-ensure ## API contract checks: schema lint (0 findings), breaking-change diff vs the last release, graphql-http's audit of a real server
	scripts/contract.sh

neo4j-ensure: ## start the local Neo4j unless NEO4J_URI already answers
	@scripts/neo4j.sh ensure

neo4j-start: ## start the local Neo4j (Bolt on 127.0.0.1:7687)
	@scripts/neo4j.sh start

neo4j-stop: ## stop the local Neo4j
	@scripts/neo4j.sh stop

neo4j-status: ## is the local Neo4j running?
	@scripts/neo4j.sh status

migrate: neo4j-ensure build ## apply schema migrations
	$(BIN) migrate

demo: neo4j-ensure build ## (re)load the Jiaxing demo graph
	$(BIN) demo --reset

BACKUP ?= backups/chainmatch-$(shell date -u +%Y%m%dT%H%M%SZ).dump

backup: ## dump the local Neo4j's database with neo4j-admin (stops and restarts it): make backup [BACKUP=file.dump]
	scripts/backup.sh backup $(BACKUP)

restore: build ## replace the local Neo4j's database with a dump (stops and restarts it): make restore BACKUP=file.dump
	@if [ -z "$(filter command line environment,$(origin BACKUP))" ]; then echo "make restore BACKUP=file.dump"; exit 2; fi
	scripts/backup.sh restore $(BACKUP)

soak: ## 5 minutes at 32 clients of mixed reads and writes on the demo graph; throughput, p50/p99, errors, resource slopes (not in make test)
	scripts/soak.sh

chaos: ## failure cases (Neo4j killed or stalled, API killed or stopped, import cancelled), one verdict each (not in make test)
	scripts/chaos.sh

bench: build ## side-by-side benchmarks on Neo4j instances of their own (tens of minutes; not part of make test)
	scripts/bench.sh

clean: ## remove build output (keeps the Neo4j data)
	rm -rf bin
