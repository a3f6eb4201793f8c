#!/usr/bin/env bash
# Install what the browser tests of the clerk's page need, idempotently:
#   - Debian's chromium (apt; needs root or sudo),
#   - axe-core (npm) into the git-ignored .e2e/axe directory.
# The tests find axe at $MODBOT_AXE_JS or .e2e/axe/node_modules/axe-core/axe.min.js.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${MODBOT_E2E_DIR:-$ROOT/.e2e}/axe"
AXE_VERSION="${AXE_VERSION:-4.10}"

if [ -x /usr/bin/chromium ]; then
  echo "browser: chromium already installed"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

if [ -f "$DEST/node_modules/axe-core/axe.min.js" ]; then
  echo "browser: axe-core already installed in $DEST"
else
  mkdir -p "$DEST"
  cd "$DEST"
  [ -f package.json ] || printf '{"name":"modbot-axe","private":true}\n' > package.json
  npm install --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION"
  echo "browser: axe-core installed in $DEST"
fi
