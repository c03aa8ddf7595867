#!/usr/bin/env bash
# Benchmark: live keystroke latency between two browsers through nats-server on loopback.
# Not part of the test command. Prints p50/p95 over 500 edits (EDITS=n to change).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
trunk build --release
node bench/live.mjs
