#!/usr/bin/env bash
# Fuzzes every decoder that takes outside bytes (cargo-fuzz, nightly). Not part of the test
# command yet. SECONDS_EACH=n (default 30) per target. Seeds (valid samples) are kept in
# fuzz/seeds/<target> (regenerate: cargo run -p career-core --example fuzz_seeds -- fuzz/seeds);
# the growing corpus lives in fuzz/corpus (not committed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/career-talk/fuzz-target}"
for target in share_link share_file stored_doc nats_frames envelope backup; do
    mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  echo "== $target"
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="${SECONDS_EACH:-30}" -max_len=65536 2>&1 \
    | grep -E "^(#[0-9]+\s+DONE|Done|==[0-9]+==ERROR|SUMMARY)" || true
done
