#!/usr/bin/env bash
# Sets up what is missing, then runs every check: formatting, lints, the core's native
# tests, a release build of the app, and the end-to-end tests in headless Chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (native, all targets) and (wasm32 app)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p career-talk -- -D warnings

step "native tests"
cargo test --workspace

step "release build (trunk)"
trunk build --release

step "end-to-end tests (headless Chromium)"
node --test --test-concurrency=1 tests/e2e/*.spec.mjs
