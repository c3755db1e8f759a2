#!/usr/bin/env bash
# chainmatch's side-by-side benchmark (docs/benchmarks.md); `make bench` runs it.
#
#  1. starts its own Neo4j (Bolt 127.0.0.1:7695, fresh data directory),
#  2. loads the demo graph through chainmatch's batched import
#     (`chainmatch demo --scale N --reset`) and times it,
#  3. exports the same graph as CSV and loads it with Neo4j's offline bulk
#     importer (`neo4j-admin database import full`, run from the Maven
#     Central jars) into a separate, empty database; starts that one on
#     7696 to check the counts match and to time the index build,
#  4. serves the first database three ways at once: chainmatch, the raw
#     floor (hand-written Cypher in a plain Go handler) and @neo4j/graphql
#     on @apollo/server,
#  5. checks every workload gives identical answers on all three, then runs
#     the closed-loop load generator (bench/chainbench) at 1, 8 and 32
#     concurrent clients,
#  6. stops everything it started and prints where the report is.
#
# Everything listens on 127.0.0.1 only. Environment (defaults in brackets):
#   BENCH_SCALE [100000]       enterprises in the demo graph
#   BENCH_DURATION [20s]       recorded time per run   BENCH_WARMUP [3s]
#   BENCH_CONCURRENCY [1,8,32] BENCH_OPS [W1,W2,W3,W4,W5,W6]
#   BENCH_NEO4J_HEAP [3g]      BENCH_NEO4J_PAGECACHE [3g]
#   BENCH_SKIP_IMPORT [0]      1 skips the offline-importer comparison
#   BENCH_KEEP [0]             1 keeps the databases and CSV files under .neo4j/bench
#   BENCH_PPROF [0]            1 also records CPU and heap profiles of chainmatch under W1/W2/W4
#   BENCH_BASELINE []          a git revision (e.g. HEAD~5): its chainmatch binary is built and
#                              served beside the current one (:18083) and timed in the same runs
#                              ("chainmatch-base" rows, "chainmatch / baseline" ratios)
#   BENCH_OUT [test-output/bench/<time>]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scale=${BENCH_SCALE:-100000}
duration=${BENCH_DURATION:-20s}
warmup=${BENCH_WARMUP:-3s}
concurrency=${BENCH_CONCURRENCY:-1,8,32}
ops=${BENCH_OPS:-W1,W2,W3,W4,W5,W6}
heap=${BENCH_NEO4J_HEAP:-3g}
pagecache=${BENCH_NEO4J_PAGECACHE:-3g}
bolt=7695
import_bolt=7696
cm_port=18080 floor_port=18081 peer_port=18082 base_port=18083
baseline=${BENCH_BASELINE:-}
out=${BENCH_OUT:-$root/test-output/bench/$(date -u +%Y%m%dT%H%M%SZ)}
work=$root/.neo4j/bench
password=chainmatch-bench
version=$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' scripts/neo4j/pom.xml)
lib=${CHAINMATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chainmatch}/neo4j-$version/lib

log() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { echo "bench.sh: $*" >&2; exit 1; }

pids=()
cleanup() {
	local rc=$?
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
		kill -9 "$pid" 2>/dev/null || true
	done
	neo import stop >/dev/null 2>&1 || true
	neo load stop >/dev/null 2>&1 || true
	# The databases and CSV files are gigabytes; BENCH_KEEP=1 keeps them.
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
	exit $rc
}
trap cleanup EXIT INT TERM

# neo load|import start|stop: the two Neo4j instances of the benchmark.
neo() {
	local which=$1
	shift
	local port=$bolt dir=$work/load
	if [ "$which" = import ]; then port=$import_bolt dir=$work/import; fi
	NEO4J_BOLT_PORT=$port NEO4J_DATA_DIR=$dir NEO4J_PASSWORD=$password \
		NEO4J_HEAP=$heap NEO4J_PAGECACHE=$pagecache scripts/neo4j.sh "$@"
}

wait_http() { # url [method body]
	for _ in $(seq 1 240); do
		if [ $# -gt 1 ]; then
			curl -fsS -o /dev/null -X "$2" -H 'Content-Type: application/json' -d "$3" "$1" 2>/dev/null && return 0
		else
			curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		fi
		sleep 0.5
	done
	die "$1 did not answer within 120 s"
}

mkdir -p "$out" "$work"
for p in $bolt $import_bolt $cm_port $floor_port $peer_port $base_port; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p is in use; stop what listens there first"; fi
done
command -v node >/dev/null || die "Node.js 20+ is required for the @neo4j/graphql peer"
command -v npm >/dev/null || die "npm is required for the @neo4j/graphql peer"

log "build"
go build -o bin/chainmatch ./cmd/chainmatch
go build -o bin/chainbench ./bench/chainbench
if [ -n "$baseline" ]; then
	rev=$(git rev-parse --verify "$baseline^{commit}") || die "BENCH_BASELINE=$baseline is not a commit"
	log "baseline: chainmatch at $rev"
	rm -rf "$work/baseline-src"
	mkdir -p "$work/baseline-src"
	git archive "$rev" | tar -x -C "$work/baseline-src"
	(cd "$work/baseline-src" && go build -o "$root/bin/chainmatch-base" ./cmd/chainmatch) || die "could not build the baseline $rev"
fi
(cd bench/node && npm ci --no-audit --no-fund --loglevel=error >"$out/npm.log" 2>&1) || die "npm ci failed (log: $out/npm.log)"
scripts/neo4j.sh install

{
	echo "# chainmatch benchmark run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "- machine: $(nproc) CPU ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
	echo "- Go $(go env GOVERSION), Node $(node --version), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2), Neo4j Community $version (embedded launcher, heap $heap, page cache $pagecache)"
	echo "- @neo4j/graphql $(node -p "require('./bench/node/node_modules/@neo4j/graphql/package.json').version"), @apollo/server $(node -p "require('./bench/node/node_modules/@apollo/server/package.json').version"), neo4j-driver (JS) $(node -p "require('./bench/node/node_modules/neo4j-driver/package.json').version")"
	echo "- scale $scale enterprises; runs: warm-up $warmup then $duration recorded, concurrency $concurrency"
	echo "- command: BENCH_SCALE=$scale BENCH_DURATION=$duration BENCH_WARMUP=$warmup scripts/bench.sh (what make bench runs)"
	[ -z "$baseline" ] || echo "- baseline: chainmatch at $(git rev-parse --short "$baseline") served beside $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)') on the same Neo4j"
} >"$out/summary.md"

log "Neo4j on 127.0.0.1:$bolt (fresh data directory)"
rm -rf "$work/load"
neo load start
export NEO4J_URI=bolt://127.0.0.1:$bolt NEO4J_USER=neo4j NEO4J_PASSWORD=$password
neo4j_pid=$(cat "$work/load/neo4j.pid")
bin/chainmatch migrate 2>"$out/migrate.log" || die "chainmatch migrate failed (log: $out/migrate.log)"

log "load: chainmatch demo --scale $scale --reset"
if bin/chainmatch demo --help 2>&1 | grep -q 'not wired'; then
	echo "(this chainmatch binary has no demo command yet: loading through the same demo.Load with bin/chainbench load)"
	bin/chainbench measure --out "$out/load.json" -- bin/chainbench load --scale "$scale" 2>&1 | tee "$out/load.log"
else
	bin/chainbench measure --out "$out/load.json" -- bin/chainmatch demo --scale "$scale" --reset 2>&1 | tee "$out/load.log"
fi
bin/chainbench counts >"$out/counts-load.json"
echo "counts: $(cat "$out/counts-load.json")"

if [ "${BENCH_SKIP_IMPORT:-0}" != 1 ]; then
	log "offline bulk importer (neo4j-admin database import full) into an empty database"
	rm -rf "$work/csv" "$work/import"
	mkdir -p "$work/import/home/conf"
	: >"$work/import/home/conf/neo4j.conf"
	bin/chainbench measure --out "$out/csv.json" -- bin/chainbench csv --scale "$scale" --out "$work/csv" >"$work/import-args"
	mapfile -t import_args <"$work/import-args"
	NEO4J_HOME=$work/import/home NEO4J_CONF=$work/import/home/conf \
		bin/chainbench measure --out "$out/import.json" -- \
		java -Xms1g -Xmx1g -cp "$lib/*" org.neo4j.cli.AdminTool database import full \
		"${import_args[@]}" --overwrite-destination=true --threads="$(nproc)" --report-file="$out/import.report" neo4j >"$out/import.log" 2>&1 ||
		die "the offline importer failed (log: $out/import.log)"
	tail -n 12 "$out/import.log"
	log "imported database on 127.0.0.1:$import_bolt: counts and index build"
	neo import start
	NEO4J_URI=bolt://127.0.0.1:$import_bolt bin/chainbench measure --out "$out/import-migrate.json" -- \
		bin/chainmatch migrate 2>"$out/import-migrate.log"
	NEO4J_URI=bolt://127.0.0.1:$import_bolt bin/chainbench counts >"$out/counts-import.json"
	echo "counts: $(cat "$out/counts-import.json")"
	neo import stop
fi

log "servers: chainmatch :$cm_port, raw floor :$floor_port, @neo4j/graphql :$peer_port"
admin_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
cm_bin=bin/chainmatch
# The peer has no rate limit; the benchmark key has none either (0 = off).
CHAINMATCH_ADDR=127.0.0.1:$cm_port CHAINMATCH_MODE=prod CHAINMATCH_ADMIN_KEY=$admin_key CHAINMATCH_MIGRATE=false \
	CHAINMATCH_RATE_LIMITS=anonymous=5:20,partner=20:60,staff=50:100,admin=0:0 \
	CHAINMATCH_PPROF=127.0.0.1:18089 \
	"$cm_bin" serve >"$out/chainmatch.log" 2>&1 &
cm_pid=$!
pids+=("$cm_pid")
bin/chainbench floor --addr "127.0.0.1:$floor_port" >"$out/floor.log" 2>&1 &
floor_pid=$!
pids+=("$floor_pid")
base_args=()
if [ -n "$baseline" ]; then
	CHAINMATCH_ADDR=127.0.0.1:$base_port CHAINMATCH_MODE=prod CHAINMATCH_ADMIN_KEY=$admin_key CHAINMATCH_MIGRATE=false \
		CHAINMATCH_RATE_LIMITS=anonymous=5:20,partner=20:60,staff=50:100,admin=0:0 \
		bin/chainmatch-base serve >"$out/chainmatch-base.log" 2>&1 &
	base_pid=$!
	pids+=("$base_pid")
	base_args=(--baseline "http://127.0.0.1:$base_port" --baseline-pid "$base_pid")
	wait_http "http://127.0.0.1:$base_port/readyz"
fi
PORT=$peer_port node bench/node/server.js >"$out/neo4j-graphql.log" 2>&1 &
peer_pid=$!
pids+=("$peer_pid")
wait_http "http://127.0.0.1:$cm_port/readyz"
if [ "${CHAINMATCH_MATCH_INDEX:-true}" != false ]; then
	# Time the server as it runs, not while it loads its match index
	# (until then matches are Cypher and the build takes the CPU).
	for _ in $(seq 1 600); do grep -q '"match index built"' "$out/chainmatch.log" && break; sleep 1; done
	grep -q '"match index built"' "$out/chainmatch.log" || log "warning: the match index was not built within 600 s"
fi
wait_http "http://127.0.0.1:$floor_port/healthz"
wait_http "http://127.0.0.1:$peer_port/" POST '{"query":"{ __typename }"}'

if [ "${BENCH_PPROF:-0}" = 1 ]; then
	log "profiles of chainmatch (CPU 20 s per workload at concurrency 32)"
	for op in W1 W2 W4; do
		bin/chainbench run --servers chainmatch --ops "$op" --concurrency 32 --warmup 2s --duration 25s \
			--chainmatch "http://127.0.0.1:$cm_port" --chainmatch-key "$admin_key" >/dev/null 2>&1 &
		load=$!
		sleep 4
		curl -fsS -o "$out/cpu-$op.pprof" "http://127.0.0.1:18089/debug/pprof/profile?seconds=20"
		curl -fsS -o "$out/heap-$op.pprof" "http://127.0.0.1:18089/debug/pprof/heap"
		wait "$load" || true
		go tool pprof -top -nodecount=40 bin/chainmatch "$out/cpu-$op.pprof" >"$out/cpu-$op.txt" 2>/dev/null || true
		head -n 30 "$out/cpu-$op.txt"
	done
fi

log "workloads: check, then time"
rc=0
bin/chainbench run \
	--chainmatch "http://127.0.0.1:$cm_port" --chainmatch-pid "$cm_pid" --chainmatch-key "$admin_key" \
	--floor "http://127.0.0.1:$floor_port" --floor-pid "$floor_pid" \
	--neo4j-graphql "http://127.0.0.1:$peer_port" --neo4j-graphql-pid "$peer_pid" \
	"${base_args[@]}" --neo4j-pid "$neo4j_pid" --concurrency "$concurrency" --warmup "$warmup" --duration "$duration" --ops "$ops" \
	--json "$out/results.json" --markdown "$out/results.md" || rc=$?

log "load and import"
python3 - "$out" >>"$out/summary.md" <<'EOF'
import json, os, sys
out = sys.argv[1]
def j(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
load, imp, mig, csv = j("load.json"), j("import.json"), j("import-migrate.json"), j("csv.json")
cl, ci = j("counts-load.json"), j("counts-import.json")
print("\n## Bulk load\n")
print("| loader | wall s | relationships | relationships/s | peak RSS MB | CPU s |")
print("|---|---:|---:|---:|---:|---:|")
rels = cl["totalRelationships"] if cl else 0
if load:
    print(f"| chainmatch demo (batched UNWIND/MERGE over Bolt) | {load['wallSeconds']:.1f} | {rels} | {rels/load['wallSeconds']:.0f} | {load['maxRSSBytes']/2**20:.0f} | {load['cpuSeconds']:.1f} |")
if imp:
    irels = ci["totalRelationships"] if ci else rels
    print(f"| neo4j-admin database import full (offline, CSV) | {imp['wallSeconds']:.1f} | {irels} | {irels/imp['wallSeconds']:.0f} | {imp['maxRSSBytes']/2**20:.0f} | {imp['cpuSeconds']:.1f} |")
    if mig:
        print(f"| ... plus building chainmatch's constraints and indexes on it | {imp['wallSeconds']+mig['wallSeconds']:.1f} | | | | |")
    if csv:
        print(f"\nWriting the CSV files took {csv['wallSeconds']:.1f} s (not counted).")
    if load:
        print(f"\nchainmatch load / offline import wall time: **{load['wallSeconds']/imp['wallSeconds']:.2f}x** (target <= 3x)"
              + (f"; / (import + index build): {load['wallSeconds']/(imp['wallSeconds']+mig['wallSeconds']):.2f}x" if mig else ""))
    if cl and ci:
        same = cl["nodes"] == ci["nodes"] and cl["relationships"] == ci["relationships"]
        print(f"\nNode and relationship counts of the two databases {'are identical' if same else 'DIFFER'}: {cl['totalNodes']} nodes, {rels} relationships.")
EOF
cat "$out/results.md" >>"$out/summary.md" 2>/dev/null || true

log "Go micro-benchmarks (scoring, USCC validation, record mapping)"
{
	printf '\n## Go micro-benchmarks\n\n```\n'
	go test -run '^$' -bench . -benchmem -count 1 ./internal/match ./internal/uscc ./internal/store/neo4j | grep -E '^(Benchmark|ok|goos|cpu)'
	printf '```\n'
} >"$out/micro.md" 2>&1 || rc=1
cat "$out/micro.md" >>"$out/summary.md"
# Print the bulk-load section (awk reads to the end: a `head` here would
# end the pipeline with SIGPIPE, which pipefail turns into a failed run).
awk '/^## Bulk load/ { on = 1 } on && shown++ < 20' "$out/summary.md"
echo
echo "bench.sh: report in $out/summary.md (raw numbers: results.json, logs next to it)"
exit $rc
