#!/usr/bin/env bash
# Benchmarks (not part of the test command): builds the release app, generates the data
# with the core, measures in headless Chromium and writes bench/results.md.
#   ./scripts/bench.sh          print the table and write bench/results.md
#   ./scripts/bench.sh check    the same, and exit non-zero when a budget is missed
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
trunk build --release
export BENCH_DATA="${BENCH_DATA:-${TMPDIR:-/tmp}/career-talk-bench-data}"
cargo run --release -q -p career-core --example bench_data -- "$BENCH_DATA"
node bench/run.mjs ${1:+--$1}
