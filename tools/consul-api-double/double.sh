#!/usr/bin/env bash
# HashiCorp's Consul API double for the controller's tests.
#   double.sh install          npm ci, once: skipped while node_modules matches package-lock.json
#   double.sh start STATE_DIR  installs, starts the double on 127.0.0.1:<free port>, prints its URL;
#                              STATE_DIR keeps its pid and log
#   double.sh stop STATE_DIR   stops the double started with that STATE_DIR
# Needs node and npm (Debian packages nodejs, npm; CI installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  echo "consul-api-double: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 3
}

install() {
  need_node
  local stamp="$here/node_modules/.meshsim-lock.sha256"
  local want
  want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  # Two test runs may ask at once: one installs, the other waits for it.
  exec 9>"$here/.install.lock"
  flock 9
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$stamp"
}

start() {
  local state="${1:?usage: double.sh start STATE_DIR}"
  install
  mkdir -p "$state"
  node "$here/serve.js" > "$state/log" 2>&1 &
  echo $! > "$state/pid"
  for _ in $(seq 1 200); do
    if url="$(grep -o 'http://127.0.0.1:[0-9]*' "$state/log" 2>/dev/null)"; then echo "$url"; return 0; fi
    if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      echo "consul-api-double: the server exited: $(cat "$state/log")" >&2; exit 1
    fi
    sleep 0.05
  done
  echo "consul-api-double: no 'listening' line after 10 s: $(cat "$state/log")" >&2
  stop "$state"
  exit 1
}

stop() {
  local state="${1:?usage: double.sh stop STATE_DIR}"
  [ -f "$state/pid" ] || return 0
  kill "$(cat "$state/pid")" 2>/dev/null || true
  rm -f "$state/pid"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: double.sh install | start STATE_DIR | stop STATE_DIR" >&2; exit 2 ;;
esac
