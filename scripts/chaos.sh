#!/usr/bin/env bash
# make chaos: the failure cases of docs/operations.md against a Neo4j of
# their own (this script kills, stops and restarts it) and chainmatch
# servers they start themselves (not part of make test). Each case prints a
# one-line verdict with its figures:
#   1 kill -9 Neo4j under a write load     2 kill -9 the API mid-write, retry
#   3 SIGTERM under load                   4 Neo4j stalled (SIGSTOP 10 s)
#   5 an import cancelled midway
#
# Environment (defaults in brackets):
#   CHAOS_BOLT_PORT [7697]       the chaos Neo4j (started here if down; NEVER point it at
#                                 a database you care about: it is killed)
#   CHAOS_DATA_DIR [.neo4j/<port>]  its data directory
#   CHAOS_PORTS [18097,18098]    ports of the chainmatch servers
#   CHAOS_CASES [1,2,3,4,5]      CHAOS_QUICK [0]: shorter loads
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${CHAOS_BOLT_PORT:-7697}
data=${CHAOS_DATA_DIR:-$root/.neo4j/$port}
ports=${CHAOS_PORTS:-18097,18098}
out=${CHAOS_OUT:-test-output/chaos}
mkdir -p "$out"
export NEO4J_PASSWORD=${NEO4J_PASSWORD:-chainmatch-dev}
export NEO4J_BOLT_PORT=$port NEO4J_DATA_DIR=$data NEO4J_HEAP=${NEO4J_HEAP:-512m} NEO4J_PAGECACHE=${NEO4J_PAGECACHE:-256m}
export NEO4J_START_TIMEOUT=${NEO4J_START_TIMEOUT:-600}

go build -o bin/chainmatch ./cmd/chainmatch
go build -o bin/opsload ./bench/opsload
scripts/neo4j.sh start
NEO4J_URI=bolt://127.0.0.1:$port bin/chainmatch migrate 2>"$out/migrate.log"
NEO4J_URI=bolt://127.0.0.1:$port bin/chainmatch demo --if-empty --scale 300 2>"$out/demo.log" | tail -n 1

quick=()
[ "${CHAOS_QUICK:-0}" = 1 ] && quick=(-quick)
bin/opsload chaos -bolt-port "$port" -neo4j-data "$data" -ports "$ports" -logs "$out" \
	-cases "${CHAOS_CASES:-1,2,3,4,5}" "${quick[@]}" | tee "$out/verdicts.txt"
