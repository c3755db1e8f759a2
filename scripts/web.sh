#!/usr/bin/env bash
# The explorer's and GraphiQL's build, and the unit tests (web/).
#
#   scripts/web.sh [build]   type-check and build both pages (index.html, graphiql.html)
#                            into internal/httpserver/explorer/dist, which the Go binary embeds
#   scripts/web.sh --force   build even when nothing changed
#   scripts/web.sh test      Vitest unit tests
#
# Both first regenerate the explorer's operation types (web/src/gql, by
# graphql-codegen from schema.graphql and web/src/graphql/*.graphql) and fail
# when they differ from the committed ones: commit the regenerated files.
#
# Idempotent: installs dependencies only when web/package-lock.json changed
# (npm ci), and skips the Vite build when the sources are unchanged since the
# build in dist/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WEB="$ROOT/web"
DIST="$ROOT/internal/httpserver/explorer/dist"
STAMP="$DIST/.build-stamp"
CMD="${1:-build}"
case "$CMD" in
  build | --force | test) ;;
  *)
    echo "usage: scripts/web.sh [build|--force|test]" >&2
    exit 2
    ;;
esac

if ! command -v npm >/dev/null 2>&1; then
  echo "web.sh: npm not found; install Node.js 20+ to build the explorer" >&2
  exit 1
fi

cd "$WEB"

# 1. Dependencies, exactly as locked.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.lock-sum ] || [ "$(cat node_modules/.lock-sum)" != "$lock_sum" ]; then
  echo "web.sh: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.lock-sum
fi

# 2. The operation types, generated and committed: fail on drift.
npx --no-install graphql-codegen --config codegen.ts --silent
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 && { ! git -C "$ROOT" diff --quiet -- web/src/gql || [ -n "$(git -C "$ROOT" ls-files --others --exclude-standard web/src/gql)" ]; }; then
  echo "web.sh: graphql-codegen changed web/src/gql (schema.graphql or web/src/graphql changed); commit the regenerated files" >&2
  git -C "$ROOT" status --short -- web/src/gql >&2
  exit 1
fi

if [ "$CMD" = "test" ]; then
  exec npx --no-install vitest run
fi

# 3. Build unless the inputs are the same as for the build in dist/.
src_sum="$( (find src public test -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum; sha256sum index.html graphiql.html package-lock.json vite.config.ts tsconfig.json codegen.ts ../schema.graphql) | sha256sum | cut -d' ' -f1)"
if [ "$CMD" != "--force" ] && [ -f "$DIST/index.html" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$src_sum" ]; then
  echo "web.sh: explorer is up to date ($DIST)"
  exit 0
fi

echo "web.sh: type-check and build"
npx --no-install tsc --noEmit -p .
npx --no-install vite build --logLevel warn
echo "$src_sum" > "$STAMP"
echo "web.sh: built $(find "$DIST" -type f ! -name README.md ! -name .build-stamp | wc -l) files into $DIST"
