#!/usr/bin/env bash
# Sets up what is missing, then builds and serves Career Talk on http://127.0.0.1:8080
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
# The relay, when installed: nats-server with its WebSocket on 127.0.0.1:4223, for live
# sessions, and JetStream for paired sync (the mailboxes kept under the user's cache dir,
# so they outlive a restart).
if command -v nats-server >/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/4223) 2>/dev/null; then
  STORE="${XDG_CACHE_HOME:-$HOME/.cache}/career-talk/nats"
  mkdir -p "$STORE"
  nats-server -c deploy/nats/local.conf --jetstream --store_dir "$STORE" > /tmp/career-talk-nats.log 2>&1 &
  trap 'kill %1 2>/dev/null' EXIT
  echo "Relay (nats-server, JetStream in $STORE) on ws://127.0.0.1:4223, for the app at /relay"
fi
echo "Serving Career Talk on http://127.0.0.1:${PORT:-8080}"
trunk serve --release --port "${PORT:-8080}"
