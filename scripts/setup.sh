#!/usr/bin/env bash
# Installs whatever is missing to build, serve and test Career Talk. Idempotent: each step
# is skipped when the right version is already there. Nothing is downloaded from a
# website: only crates.io, npm and Debian packages are used.
#
# Source it (". scripts/setup.sh") to also get PATH and CARGO_TARGET_DIR in your shell.
# SETUP_TESTS=0 leaves out what only the tests need (the three browsers and their drivers):
# scripts/deploy.sh sets it on a server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
# Share one target dir between checkouts and CI runs on this machine (2 cores: rebuilding
# leptos + automerge from scratch costs minutes).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/career-talk/target}"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Cargo names this workspace's own crates by their path inside the workspace and judges them
# fresh by file times, so a build from another checkout (or a worktree of an older commit)
# into the shared target dir can pass for this checkout's. When the last build came from
# elsewhere, make this checkout's sources newer than anything built (dependencies stay).
mkdir -p "$CARGO_TARGET_DIR"
if [ "$(cat "$CARGO_TARGET_DIR/.checkout" 2>/dev/null)" != "$ROOT" ]; then
  say "the shared build dir was last used by another checkout: rebuilding this one's crates"
  find "$ROOT/src" "$ROOT/core" "$ROOT/bench" "$ROOT/fuzz" -name '*.rs' -not -path '*/target/*' -exec touch {} +
  echo "$ROOT" > "$CARGO_TARGET_DIR/.checkout"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]]; then
  say "installing trunk $TRUNK_VERSION (about 11 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ]]; then
  say "installing wasm-bindgen-cli $WB_VERSION"
  # Not --locked: its lockfile pins a crate version this registry does not have.
  cargo install wasm-bindgen-cli --version "=$WB_VERSION"
fi
if ! grep -q "wasm_bindgen = \"$WB_VERSION\"" Trunk.toml; then
  echo "Trunk.toml [tools] wasm_bindgen must be \"$WB_VERSION\" (the version in Cargo.lock)" >&2
  exit 1
fi

# wasm-split (scripts/split.mjs): splits the app's module into the first module and the
# parts loaded on demand, as cargo-leptos does; Trunk 0.21 cannot.
WS_VERSION="0.2.4"
if [[ "$(cat "$HOME/.cargo/.wasm-split-cli-version" 2>/dev/null || true)" != "$WS_VERSION" ]] || ! command -v wasm-split-cli >/dev/null; then
  say "installing wasm-split-cli $WS_VERSION (wasm_split_cli_support, about 3 minutes on 2 cores)"
  cargo install wasm_split_cli_support --version "=$WS_VERSION" --features build-binary --locked
  echo "$WS_VERSION" > "$HOME/.cargo/.wasm-split-cli-version"
fi

# The relay (nats-server) and the production web server (Caddy, deploy/caddy), both from
# Debian; the tests run them too.
if { ! command -v nats-server >/dev/null && [[ ! -x /usr/sbin/nats-server ]]; } || ! command -v caddy >/dev/null; then
  if [[ "$(id -u)" == 0 ]]; then
    say "installing nats-server (the relay) and caddy (the production server) from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server caddy >/dev/null
  else
    echo "nats-server or caddy is missing: run 'sudo apt-get install nats-server caddy'" >&2
    exit 1
  fi
fi
export PATH="$PATH:/usr/sbin"

if [[ "${SETUP_TESTS:-1}" != 0 ]]; then
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [[ "$(id -u)" == 0 ]]; then
    say "installing Chromium and ChromeDriver from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install chromium chromium-driver'" >&2
    exit 1
  fi
fi

# The other two engines the end-to-end flows run in (tests/e2e/engines.spec.mjs): WebKit
# (WebKitGTK's MiniBrowser driven by WebKitWebDriver, in a virtual screen) and Firefox ESR
# (driven by geckodriver, from crates.io: no prebuilt download); an emoji font so that
# screenshots show what people typed.
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
if ! command -v WebKitWebDriver >/dev/null || [[ ! -x "$MINIBROWSER" ]] || ! command -v xvfb-run >/dev/null \
   || ! command -v firefox-esr >/dev/null || [[ ! -d /usr/share/fonts/truetype/noto ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    say "installing WebKitGTK's WebDriver, Firefox ESR, Xvfb and an emoji font from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq webkit2gtk-driver firefox-esr xvfb xauth fonts-noto-color-emoji >/dev/null
  else
    echo "WebKit/Firefox are missing: run 'sudo apt-get install webkit2gtk-driver firefox-esr xvfb xauth fonts-noto-color-emoji'" >&2
    exit 1
  fi
fi
GECKODRIVER_VERSION="0.37.1"
if [[ "$(geckodriver --version 2>/dev/null | head -1 || true)" != "geckodriver $GECKODRIVER_VERSION"* ]]; then
  say "installing geckodriver $GECKODRIVER_VERSION from crates.io (about 4 minutes on 2 cores)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
fi
fi

# wasm-opt (npm binaryen 132; Debian's binaryen 108 produces a wasm that crashes at load)
# playwright-core (drives Debian's Chromium; it never downloads a browser), axe-core, and
# ical.js (an independent iCalendar parser the tests check the .ics export with), and for the
# benchmarks only @automerge/automerge and yjs (the side-by-side replay).
if [[ ! -x node_modules/.bin/wasm-opt || ! -d node_modules/playwright-core || ! -d node_modules/axe-core || ! -d node_modules/ical.js || ! -d node_modules/yjs || ! -d node_modules/@automerge/automerge ]] \
   || ! node -e "process.exit(require('./node_modules/binaryen/package.json').version==='132.0.0'?0:1)" 2>/dev/null; then
  say "installing node packages"
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
