#!/usr/bin/env bash
# Career Talk in production on one machine: installs what is missing, builds the app,
# compresses it, and runs the relay (nats-server with JetStream, deploy/nats/relay.conf) and
# Caddy (deploy/caddy/Caddyfile) serving the app and the relay on one HTTPS origin.
#
#   ./scripts/deploy.sh                                   # a trial: https://localhost, Caddy's own CA
#   CT_SITE=careertalk.example ./scripts/deploy.sh        # a public name: automatic HTTPS
#
# Settings (environment): CT_SITE (default localhost), CT_TLS (acme for a public name,
# internal for localhost by default), CT_HTTPS_PORT / CT_HTTP_PORT (443 / 80), CT_STATE (where
# the relay's mailboxes, Caddy's certificates, the passwords and the served files live:
# /var/lib/career-talk as root, else ~/.local/share/career-talk), CT_NO_BUILD=1 (serve the
# last build). Stops both with Ctrl-C. README "Run it for your team" says how to grow.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP_TESTS=0 source "$ROOT/scripts/setup.sh"
cd "$ROOT"
say() { printf '\033[1m[deploy]\033[0m %s\n' "$*"; }

export CT_SITE="${CT_SITE:-localhost}"
if [[ -z "${CT_TLS:-}" ]]; then
  case "$CT_SITE" in localhost|127.*|*.localhost|*.internal|*.lan) CT_TLS=internal ;; *) CT_TLS=acme ;; esac
fi
export CT_TLS CT_HTTPS_PORT="${CT_HTTPS_PORT:-443}" CT_HTTP_PORT="${CT_HTTP_PORT:-80}"
ORIGIN="https://$CT_SITE"
[[ "$CT_HTTPS_PORT" == 443 ]] || ORIGIN="$ORIGIN:$CT_HTTPS_PORT"
if [[ "$(id -u)" == 0 ]]; then STATE="${CT_STATE:-/var/lib/career-talk}"; else STATE="${CT_STATE:-$HOME/.local/share/career-talk}"; fi
mkdir -p "$STATE/site" "$STATE/nats" "$STATE/caddy"
chmod 700 "$STATE"

# The relay's two passwords, made once and kept (the operator's makes the stream).
if [[ ! -f "$STATE/secrets.env" ]]; then
  umask 077
  printf 'CT_APP_PASSWORD=%s\nCT_OPERATOR_PASSWORD=%s\n' "$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')" \
    "$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')" > "$STATE/secrets.env"
  umask 022
fi
set -a; source "$STATE/secrets.env"; set +a

if [[ "${CT_NO_BUILD:-0}" != 1 ]]; then
  say "building the app for $ORIGIN"
  # The page's relay is its own origin + /relay; its <meta> policy names that origin (the
  # HTTP header from Caddy says the same, and that no page may frame the app).
  # Built beside the served folder (dist/ stays the development build).
  CAREER_TALK_RELAY_ORIGINS="wss://${ORIGIN#https://}" trunk build --release --dist "$STATE/build"
  node scripts/compress.mjs "$STATE/build"
fi
[[ -f "$STATE/build/index.html" ]] || { echo "$STATE/build has no build: run without CT_NO_BUILD" >&2; exit 1; }
# Into the served folder: the files named by their hash first, index.html and sw.js last, so
# a page never names a file that is not there yet. Earlier builds' files stay, for pages
# still open on them.
say "publishing the build to $STATE/site"
(cd "$STATE/build" && find . -type f ! -name 'index.html*' ! -name 'sw.js*' -exec cp --parents -p {} "$STATE/site/" \;)
cp -p "$STATE/build"/sw.js* "$STATE/build"/index.html* "$STATE/site/"

# Debian's caddy package runs its own service (a welcome page on port 80) where systemd is.
if command -v systemctl >/dev/null && systemctl is-active --quiet caddy 2>/dev/null; then
  say "stopping Debian's own caddy service (it holds ports 80/443): systemctl disable --now caddy"
  systemctl disable --now caddy
fi

export CT_NODE="${CT_NODE:-relay-1}" CT_CLIENT_LISTEN=127.0.0.1:4222 CT_WS_LISTEN=127.0.0.1:4223
export CT_APP_ORIGIN="$ORIGIN" CT_STORE="$STATE/nats"
say "starting the relay (nats-server, JetStream in $STATE/nats)"
nats-server -c deploy/nats/relay.conf > "$STATE/nats.log" 2>&1 &
NATS_PID=$!
trap 'kill $NATS_PID 2>/dev/null' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null && break; sleep 0.2; done
for _ in $(seq 10); do deploy/nats/create-stream.sh 4222 1 >/dev/null 2>&1 && break; sleep 1; done \
  || { echo "the relay's mailbox stream could not be made; see $STATE/nats.log" >&2; exit 1; }

say "serving $ORIGIN (app and relay; TLS: $CT_TLS). Ctrl-C stops both."
[[ "$CT_TLS" == internal ]] && say "Caddy's own CA signs the certificate: trust $STATE/caddy/caddy/pki/authorities/local/root.crt on the devices that will use it"
export CT_DIST="$STATE/site" CT_RELAY_UPSTREAMS=127.0.0.1:4223 XDG_DATA_HOME="$STATE/caddy" XDG_CONFIG_HOME="$STATE/caddy"
caddy run --config deploy/caddy/Caddyfile --adapter caddyfile
