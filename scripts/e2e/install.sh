#!/usr/bin/env bash
# Install what the Bluesky end-to-end tests need into the git-ignored .e2e/ directory:
# Node 22 (the `node` package from the npm registry) and @atproto/dev-env, which runs a
# real PLC, PDS, AppView and Ozone locally. Idempotent: does nothing when already there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="${MODBOT_E2E_DIR:-$ROOT/.e2e}/bluesky"
DEV_ENV_VERSION="${DEV_ENV_VERSION:-0.6.7}"
NODE_VERSION="${NODE_VERSION:-22}"
mkdir -p "$DEST"
cp "$ROOT/scripts/e2e/devenv.mjs" "$DEST/devenv.mjs"
if [ -x "$DEST/node_modules/.bin/node" ] && [ -d "$DEST/node_modules/@atproto/dev-env" ]; then
  echo "e2e: already installed in $DEST"
  exit 0
fi
cd "$DEST"
[ -f package.json ] || printf '{"name":"modbot-e2e","private":true,"type":"module"}\n' > package.json
npm install --no-audit --no-fund --loglevel=error "node@$NODE_VERSION" "@atproto/dev-env@$DEV_ENV_VERSION"
"$DEST/node_modules/.bin/node" --version
echo "e2e: installed in $DEST"
