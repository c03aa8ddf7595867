#!/usr/bin/env bash
# Benchmarks (not part of the test command): builds the release app and the replay module,
# generates the data with the core, measures in headless Chromium (and Node for the
# side-by-side replay) and writes bench/results.md.
#   ./scripts/bench.sh          print the table and write bench/results.md
#   ./scripts/bench.sh check    the same, and exit non-zero when a budget is missed
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
trunk build --release
export BENCH_DATA="${BENCH_DATA:-${TMPDIR:-/tmp}/career-talk-bench-data}"
cargo run --release -q -p career-core --example bench_data -- "$BENCH_DATA"

# The core compiled to wasm for the side-by-side replay: once with the app's release
# settings (opt-level "z", Automerge at 3, then wasm-opt -Oz as scripts/split.mjs does: what
# users run), once with opt-level 3 for everything and no wasm-opt (speed over size), to
# show the trade-off.
# Built without the relocations .cargo/config.toml keeps for scripts/split.mjs (they are
# not part of what ships; RUSTFLAGS replaces the config's flags, the target's variable would
# add to them).
export RUSTFLAGS="--cfg erase_components"
WASM_OPT_FLAGS=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types)
build_replay() { # <opt-level> <out dir>
  (cd bench/replay && CARGO_TARGET_DIR="${REPLAY_TARGET:-$HOME/.cache/career-talk/replay-target}-$1" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL="$1" cargo build --release -q --target wasm32-unknown-unknown)
  local wasm="${REPLAY_TARGET:-$HOME/.cache/career-talk/replay-target}-$1/wasm32-unknown-unknown/release/career_talk_replay.wasm"
  wasm-bindgen --target nodejs --out-dir "$2" "$wasm"  # for bench/replay.mjs (Node)
  wasm-bindgen --target web --out-dir "$2-web" "$wasm" # for the page (bench/replay.html)
  if [[ "$1" == z ]]; then
    for f in "$2/career_talk_replay_bg.wasm" "$2-web/career_talk_replay_bg.wasm"; do wasm-opt "${WASM_OPT_FLAGS[@]}" "$f" -o "$f"; done
  fi
}
export REPLAY_PKG="$BENCH_DATA/replay-z" REPLAY_PKG_O3="$BENCH_DATA/replay-3"
build_replay z "$REPLAY_PKG"
build_replay 3 "$REPLAY_PKG_O3"
# Floors for the bundle budget, built with the same settings and wasm-opt -Oz: the smallest
# Leptos app shaped like ours (bench/floor), and the core's Automerge editing, saving and
# loading alone (the replay module above).
(cd bench/floor && cargo build --release -q --target wasm32-unknown-unknown)
export FLOOR_PKG="$BENCH_DATA/floor"
wasm-bindgen --target web --out-dir "$FLOOR_PKG" \
  "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/career-talk-floor.wasm"
wasm-opt "${WASM_OPT_FLAGS[@]}" "$FLOOR_PKG/career-talk-floor_bg.wasm" -o "$FLOOR_PKG/career-talk-floor_bg.wasm"
wasm-opt "${WASM_OPT_FLAGS[@]}" "$REPLAY_PKG/career_talk_replay_bg.wasm" -o "$BENCH_DATA/automerge-only.wasm"
node bench/run.mjs ${1:+--$1}
