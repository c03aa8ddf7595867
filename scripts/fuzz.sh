#!/usr/bin/env bash
# Fuzzes every decoder that takes outside bytes (cargo-fuzz, nightly, AddressSanitizer).
# SECONDS_EACH=n (default 30) per target; TARGETS="a b" to pick some. Seeds (valid samples)
# are kept in fuzz/seeds/<target> (regenerate: cargo run -p career-core --example fuzz_seeds
# -- fuzz/seeds); the growing corpus lives in fuzz/corpus (not committed). Exits non-zero
# when a target crashes; the input is then in fuzz/artifacts/<target>/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/career-talk/fuzz-target}"
TARGETS="${TARGETS:-share_link share_file stored_doc stored_doc_checked nats_frames envelope signed_envelope backup live_sync mailbox_relay}"
cargo +nightly fuzz build 2>&1 | tail -1
failed=""
for target in $TARGETS; do
  mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  echo "== $target (${SECONDS_EACH:-30} s)"
  log="$(mktemp)"
  if cargo +nightly fuzz run "$target" "corpus/$target" -- \
      -max_total_time="${SECONDS_EACH:-30}" -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    grep -E "^(#[0-9]+\s+DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)" "$log" || true
  else
    failed="$failed $target"
    grep -E "panicked at|==[0-9]+==ERROR|SUMMARY|Test unit written" "$log" || tail -20 "$log"
  fi
  rm -f "$log"
done
if [ -n "$failed" ]; then
  echo "fuzz: crashes in:$failed"
  exit 1
fi
echo "fuzz: no crashes"
