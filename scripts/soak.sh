#!/usr/bin/env bash
# make soak: a long mixed read/write run against a chainmatch server on the
# demo graph (not part of make test). Prints throughput, p50/p99 per
# operation, errors by code, and the slopes of the server's RSS, goroutines
# and open Bolt connections after the first minute. docs/operations.md
# records a run.
#
# Environment (defaults in brackets):
#   NEO4J_URI [bolt://127.0.0.1:7687]   the Neo4j of `make run` (started if local and down;
#                                      the demo graph is loaded when it is empty)
#   SOAK_ADDR [127.0.0.1:18090]        where this script's chainmatch serve listens
#   SOAK_DURATION [5m]  SOAK_CLIENTS [32]
#   SOAK_RATE_LIMITS [the server's defaults]  CHAINMATCH_RATE_LIMITS of the soak server
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export NEO4J_URI=${NEO4J_URI:-bolt://127.0.0.1:7687}
export NEO4J_PASSWORD=${NEO4J_PASSWORD:-chainmatch-dev}
addr=${SOAK_ADDR:-127.0.0.1:18090}
duration=${SOAK_DURATION:-5m}
clients=${SOAK_CLIENTS:-32}
hostport=${NEO4J_URI#*://}
hostport=${hostport%%/*}
bolt_port=${hostport##*:}
out=${SOAK_OUT:-test-output/soak}
mkdir -p "$out"

scripts/neo4j.sh ensure
go build -o bin/chainmatch ./cmd/chainmatch
go build -o bin/opsload ./bench/opsload
bin/chainmatch migrate 2>"$out/migrate.log"
bin/chainmatch demo --if-empty 2>"$out/demo.log" | tail -n 2

admin_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
env CHAINMATCH_ADDR="$addr" CHAINMATCH_MODE=prod CHAINMATCH_ADMIN_KEY="$admin_key" CHAINMATCH_LOG_LEVEL=warn \
	${SOAK_RATE_LIMITS:+CHAINMATCH_RATE_LIMITS=$SOAK_RATE_LIMITS} \
	bin/chainmatch serve 2>"$out/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT

echo "soak: $clients clients for $duration against http://$addr (server pid $server, Neo4j $NEO4J_URI)"
bin/opsload soak -url "http://$addr" -admin-key "$admin_key" -clients "$clients" -duration "$duration" \
	-pid "$server" -bolt-port "$bolt_port" | tee "$out/report.txt"
