#!/usr/bin/env bash
# Sets up what is missing, then builds and serves Career Talk on http://127.0.0.1:8080
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
echo "Serving Career Talk on http://127.0.0.1:${PORT:-8080}"
exec trunk serve --release --port "${PORT:-8080}"
