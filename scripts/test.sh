#!/usr/bin/env bash
# Sets up what is missing, then runs every check: formatting, the layers (scripts/layers.mjs),
# lints, the core's native tests, a release build of the app, the end-to-end tests (Chromium; the main flows also in
# WebKit and Firefox), and a short fuzzing run per decoder.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "the shape of the house: the core's layers point down, no circle in src/"
node scripts/layers.mjs

step "cargo clippy (native, all targets) and (wasm32 app)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p career-talk -- -D warnings

step "native tests"
cargo test --workspace

step "release build (trunk)"
trunk build --release

step "end-to-end tests (Chromium; the main flows also in WebKit and Firefox)"
node --test --test-concurrency=1 tests/e2e/*.spec.mjs

# Last, so every other result is in before it. FUZZ_SECONDS=0 skips it (say, while iterating).
if [ "${FUZZ_SECONDS:-30}" != 0 ]; then
  step "fuzzing every decoder of outside bytes, ${FUZZ_SECONDS:-30} s each"
  SECONDS_EACH="${FUZZ_SECONDS:-30}" "$ROOT/scripts/fuzz.sh"
fi
