#!/usr/bin/env bash
# Browser tests of the explorer against a real chainmatch on the demo data.
# Called by `make test` after the Go tests. Loads the demo graph into the
# database NEO4J_URI points at (make test gives the tests a Neo4j of their
# own), starts bin/chainmatch on a free loopback port with a bootstrap admin
# key, runs web/e2e (@playwright/test, web/playwright.config.ts) in Debian's
# Chromium, and stops the server. Arguments go to `playwright test`, e.g.
#
#   scripts/e2e.sh                       every spec
#   scripts/e2e.sh e2e/search.spec.ts    one file
#   scripts/e2e.sh --update-snapshots    accept changed screenshots as the new baselines
#
# Screenshots, traces of failed tests (npx playwright show-trace <zip>) and an
# HTML report go to test-output/explorer/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/chromium.sh
scripts/web.sh build
go build -o bin/chainmatch ./cmd/chainmatch

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key="cm_e2e_$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
out=${E2E_OUTPUT:-$root/test-output/explorer}
mkdir -p "$out"

bin/chainmatch migrate
bin/chainmatch demo --reset
CHAINMATCH_ADDR=127.0.0.1:$port CHAINMATCH_ADMIN_KEY=$key CHAINMATCH_LOG_LEVEL=warn \
	bin/chainmatch serve >"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
	curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
	kill -0 $pid 2>/dev/null || { echo "e2e: server exited:"; tail -20 "$out/server.log"; exit 1; }
	sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "e2e: server not ready"; tail -20 "$out/server.log"; exit 1; }

cd web
CHAINMATCH_URL="http://127.0.0.1:$port" CHAINMATCH_E2E_STAFF_KEY="$key" E2E_OUTPUT="$out" \
	npx --no-install playwright test "$@"
