#!/usr/bin/env bash
# Checks of the published API contract (make test):
#   1. graphql-schema-linter over schema.graphql: 0 findings under the rule
#      set in scripts/contract/.graphql-schema-linterrc (descriptions
#      everywhere, naming, Relay connection and PageInfo rules)
#   2. graphql-inspector's diff of schema.graphql against the last released
#      schema (docs/schema/released.graphql): every breaking change must be
#      named in docs/CHANGELOG-API.md
#   3. graphql-http's GraphQL-over-HTTP server audit against a real server
#      (every check must pass)
# (schema.graphql itself is checked against graph/*.graphqls by go test.)
#
# Installs its npm tools from scripts/contract/package-lock.json (npm ci,
# only when the lock changed), builds the binary, serves it on a free
# loopback port over NEO4J_URI (the test Neo4j under make test) with the
# demo graph, runs the checks and stops the server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! command -v npm >/dev/null 2>&1; then
	echo "contract: npm not found; install Node.js 20+" >&2
	exit 1
fi
tools="$root/scripts/contract"
lock_sum="$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$tools/node_modules/.lock-sum" ] || [ "$(cat "$tools/node_modules/.lock-sum")" != "$lock_sum" ]; then
	echo "contract: npm ci"
	(cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
	echo "$lock_sum" >"$tools/node_modules/.lock-sum"
fi

echo "contract: graphql-schema-linter"
(cd "$tools" && npx --no-install graphql-schema-linter --config-directory . "$root/schema.graphql")
echo "contract: graphql-inspector diff against the last release"
node "$tools/diff.mjs" "$root/docs/schema/released.graphql" "$root/schema.graphql" "$root/docs/CHANGELOG-API.md"

go build -o bin/chainmatch ./cmd/chainmatch
out=${CONTRACT_OUTPUT:-$root/test-output/contract}
mkdir -p "$out"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key="cm_contract_$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"

bin/chainmatch migrate
bin/chainmatch demo --if-empty
# Production mode (what partners meet), rate limits out of the way of the
# audit's burst of requests.
CHAINMATCH_ADDR=127.0.0.1:$port CHAINMATCH_ADMIN_KEY=$key CHAINMATCH_LOG_LEVEL=warn CHAINMATCH_MODE=prod \
	CHAINMATCH_RATE_LIMITS=anonymous=1000:1000,partner=1000:1000,staff=1000:1000,admin=1000:1000 \
	bin/chainmatch serve >"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
	curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
	kill -0 $pid 2>/dev/null || { echo "contract: server exited:"; tail -20 "$out/server.log"; exit 1; }
	sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "contract: server not ready"; tail -20 "$out/server.log"; exit 1; }

url="http://127.0.0.1:$port/graphql"
CHAINMATCH_KEY=$key node "$tools/audit.mjs" "$url"
