#!/usr/bin/env bash
# Local Neo4j Community 5.26 LTS without Docker.
#
#   scripts/neo4j.sh start|stop|restart|status|install|ensure
#
# `ensure` is what `make run` and `make test` call: when NEO4J_URI (default
# bolt://127.0.0.1:7687) answers it does nothing; when it points at this
# machine and nothing answers it starts the local server on that port;
# otherwise it fails with one line.
#
# Maven Central does not carry Neo4j's server tarball, so this fetches the
# embeddable database (org.neo4j:neo4j + org.neo4j:neo4j-bolt, see
# scripts/neo4j/pom.xml) with the machine's `mvn` into a cache outside the
# work tree, compiles scripts/neo4j/Launcher.java, and runs it: Bolt on
# 127.0.0.1 only, authentication on, data under .neo4j/ (git-ignored).
# The embedded route has no HTTP/Browser endpoint; chainmatch only needs Bolt.
#
# Environment (defaults in brackets):
#   NEO4J_BOLT_PORT [7687]          NEO4J_PASSWORD [chainmatch-dev]
#   NEO4J_HEAP [1g]                 NEO4J_PAGECACHE [512m]
#   NEO4J_DATA_DIR [.neo4j/<port>]  CHAINMATCH_CACHE [~/.cache/chainmatch]
#   NEO4J_START_TIMEOUT [120]       seconds to wait for a start
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$root/scripts/neo4j/pom.xml")
port=${NEO4J_BOLT_PORT:-7687}
password=${NEO4J_PASSWORD:-chainmatch-dev}
heap=${NEO4J_HEAP:-1g}
pagecache=${NEO4J_PAGECACHE:-512m}
data=${NEO4J_DATA_DIR:-$root/.neo4j/$port}
cache=${CHAINMATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chainmatch}/neo4j-$version
pidfile=$data/neo4j.pid
logfile=$data/neo4j.log

die() { echo "neo4j.sh: $*" >&2; exit 1; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running_pid() {
	[ -f "$pidfile" ] || return 1
	local pid
	pid=$(cat "$pidfile")
	kill -0 "$pid" 2>/dev/null && echo "$pid"
}

install() {
	command -v java >/dev/null 2>&1 || die "Java 17+ is required (apt-get install openjdk-17-jre-headless)."
	command -v javac >/dev/null 2>&1 || die "a JDK is required to compile the launcher (apt-get install openjdk-17-jdk-headless)."
	command -v mvn >/dev/null 2>&1 || die "Maven is required to fetch Neo4j from Maven Central (apt-get install maven)."
	if [ ! -f "$cache/lib/.complete" ]; then
		echo "neo4j.sh: fetching Neo4j $version from Maven Central into $cache ..."
		rm -rf "$cache/lib"
		mkdir -p "$cache/lib"
		if ! mvn -q -B -f "$root/scripts/neo4j/pom.xml" dependency:copy-dependencies \
			-DoutputDirectory="$cache/lib" -DincludeScope=runtime >"$cache/mvn.log" 2>&1; then
			die "could not fetch Neo4j $version with mvn (details: $cache/mvn.log)."
		fi
		touch "$cache/lib/.complete"
	fi
	if [ ! -f "$cache/classes/Launcher.class" ] || [ "$root/scripts/neo4j/Launcher.java" -nt "$cache/classes/Launcher.class" ]; then
		mkdir -p "$cache/classes"
		javac -nowarn -cp "$cache/lib/*" -d "$cache/classes" "$root/scripts/neo4j/Launcher.java" >"$cache/javac.log" 2>&1 ||
			die "could not compile the Neo4j launcher (details: $cache/javac.log)."
	fi
}

start() {
	if pid=$(running_pid); then
		echo "neo4j.sh: already running (pid $pid) on bolt://127.0.0.1:$port"
		return 0
	fi
	if listening; then
		echo "neo4j.sh: something already listens on 127.0.0.1:$port; using it"
		return 0
	fi
	install
	mkdir -p "$data"
	# Heap and page cache sized for a 2-core, 24 GiB machine shared with the
	# API, the tests and the benchmark peers.
	nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
		-cp "$cache/lib/*:$cache/classes" Launcher "$data/home" "127.0.0.1:$port" "$password" "$pagecache" \
		>"$logfile" 2>&1 </dev/null &
	echo $! >"$pidfile"
	for _ in $(seq 1 $((${NEO4J_START_TIMEOUT:-120} * 2))); do
		if grep -q 'chainmatch-neo4j: ready' "$logfile" 2>/dev/null; then
			echo "neo4j.sh: Neo4j $version ready on bolt://127.0.0.1:$port (user neo4j, password in NEO4J_PASSWORD)"
			return 0
		fi
		if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
			die "Neo4j exited during start-up: $(grep -m1 -E 'Exception|Error' "$logfile" || tail -n1 "$logfile") (log: $logfile)"
		fi
		sleep 0.5
	done
	die "Neo4j did not become ready within ${NEO4J_START_TIMEOUT:-120} s (log: $logfile)"
}

stop() {
	if pid=$(running_pid); then
		kill "$pid"
		for _ in $(seq 1 120); do
			kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "neo4j.sh: stopped"; return 0; }
			sleep 0.5
		done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$pidfile"
		echo "neo4j.sh: killed after 60 s"
	else
		echo "neo4j.sh: not running"
	fi
}

status() {
	if pid=$(running_pid); then
		echo "neo4j.sh: running (pid $pid) on bolt://127.0.0.1:$port, data in $data"
	elif listening; then
		echo "neo4j.sh: a server not started by this script listens on 127.0.0.1:$port"
	else
		echo "neo4j.sh: not running"
		return 3
	fi
}

ensure() {
	local uri=${NEO4J_URI:-bolt://127.0.0.1:7687}
	local hostport=${uri#*://}
	hostport=${hostport%%/*}
	hostport=${hostport##*@}
	local host=${hostport%:*} p=7687
	[ "$host" != "$hostport" ] && p=${hostport##*:}
	if (exec 3<>"/dev/tcp/$host/$p") 2>/dev/null; then
		echo "neo4j.sh: Neo4j answers at $uri"
		return 0
	fi
	case "$host" in
	127.0.0.1 | localhost | "[::1]") port=$p; data=${NEO4J_DATA_DIR:-$root/.neo4j/$port}; pidfile=$data/neo4j.pid; logfile=$data/neo4j.log; start ;;
	*) die "nothing answers at $uri and it is not on this machine; start that server or unset NEO4J_URI to use a local one." ;;
	esac
}

case "${1:-}" in
ensure) ensure ;;
start) start ;;
stop) stop ;;
restart) stop; start ;;
status) status ;;
install) install ;;
*) echo "usage: $0 start|stop|restart|status|install|ensure" >&2; exit 2 ;;
esac
