#!/usr/bin/env bash
# Back up and restore the local Neo4j's database with Neo4j's own tool
# (neo4j-admin database dump / load, from the jars scripts/neo4j.sh fetches).
#
#   scripts/backup.sh backup  FILE.dump   dump the database into FILE.dump
#   scripts/backup.sh restore FILE.dump   replace the database with FILE.dump
#
# Neo4j Community dumps and loads only a stopped database, so both commands
# stop the local server started by scripts/neo4j.sh (when it runs), do their
# work and start it again: the API answers DATABASE_UNAVAILABLE meanwhile and
# recovers by itself. `restore` then runs `chainmatch migrate` so that an
# older dump gets the current schema.
#
# Which server: NEO4J_URI's port (default 7687) or NEO4J_BOLT_PORT, data in
# NEO4J_DATA_DIR [.neo4j/<port>], as for scripts/neo4j.sh. Docker and Aura:
# see docs/operations.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$root/scripts/neo4j/pom.xml")
uri=${NEO4J_URI:-bolt://127.0.0.1:7687}
hostport=${uri#*://}
hostport=${hostport%%/*}
hostport=${hostport##*@}
uri_port=7687
[ "${hostport%:*}" != "$hostport" ] && uri_port=${hostport##*:}
port=${NEO4J_BOLT_PORT:-$uri_port}
data=${NEO4J_DATA_DIR:-$root/.neo4j/$port}
database=${NEO4J_DATABASE:-neo4j}
lib=${CHAINMATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chainmatch}/neo4j-$version/lib

die() { echo "backup.sh: $*" >&2; exit 1; }

neo() { NEO4J_BOLT_PORT=$port NEO4J_DATA_DIR=$data "$root/scripts/neo4j.sh" "$@"; }

# admin runs neo4j-admin (org.neo4j.cli.AdminTool) against the server's home.
admin() {
	mkdir -p "$data/home/conf"
	[ -f "$data/home/conf/neo4j.conf" ] || : >"$data/home/conf/neo4j.conf"
	NEO4J_HOME=$data/home NEO4J_CONF=$data/home/conf \
		java -Xms256m -Xmx512m -cp "$lib/*" org.neo4j.cli.AdminTool "$@"
}

# with_stopped runs "$@" while the local server is stopped, restarting it
# afterwards if it was running (also when "$@" fails).
with_stopped() {
	local was_running=0 rc=0
	if neo status >/dev/null 2>&1; then
		was_running=1
		neo stop >/dev/null
	fi
	"$@" || rc=$?
	if [ "$was_running" = 1 ]; then
		neo start >/dev/null || die "Neo4j did not start again (log: $data/neo4j.log)"
	fi
	return "$rc"
}

do_dump() {
	local file=$1 tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/chainmatch-dump.XXXXXX")
	if ! admin database dump "$database" --to-path="$tmp" --overwrite-destination=true >"$tmp/admin.log" 2>&1; then
		cat "$tmp/admin.log" >&2
		rm -rf "$tmp"
		return 1
	fi
	mv "$tmp/$database.dump" "$file"
	rm -rf "$tmp"
}

do_load() {
	local file=$1 tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/chainmatch-load.XXXXXX")
	cp "$file" "$tmp/$database.dump"
	if ! admin database load "$database" --from-path="$tmp" --overwrite-destination=true >"$tmp/admin.log" 2>&1; then
		cat "$tmp/admin.log" >&2
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$tmp"
}

cmd=${1:-}
file=${2:-}
[ -n "$file" ] || { echo "usage: $0 backup|restore FILE.dump" >&2; exit 2; }
case "$cmd" in
backup)
	[ -d "$data/home/data/databases/$database" ] || die "no database '$database' under $data (is NEO4J_URI/NEO4J_DATA_DIR the local server?)"
	neo install >/dev/null
	mkdir -p "$(dirname "$file")"
	file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
	start=$(date +%s.%N)
	with_stopped do_dump "$file" || die "neo4j-admin database dump failed"
	printf 'backup.sh: dumped %s to %s (%s bytes) in %.1f s\n' "$database" "$file" "$(stat -c %s "$file")" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{print e-s}')"
	;;
restore)
	[ -f "$file" ] || die "no such dump: $file"
	neo install >/dev/null
	file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
	start=$(date +%s.%N)
	with_stopped do_load "$file" || die "neo4j-admin database load failed"
	printf 'backup.sh: loaded %s into %s in %.1f s\n' "$file" "$database" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{print e-s}')"
	if neo status >/dev/null 2>&1 && [ -x "$root/bin/chainmatch" ]; then
		NEO4J_URI=bolt://127.0.0.1:$port "$root/bin/chainmatch" migrate 2>/dev/null && echo "backup.sh: schema migrated"
	fi
	;;
*) echo "usage: $0 backup|restore FILE.dump" >&2; exit 2 ;;
esac
