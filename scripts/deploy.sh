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
# last build), CT_UPDATE=1 (build and publish to the site a running copy serves, then stop:
# an update without downtime). Ctrl-C stops both servers; either one stopping stops the
# other. README "Run it for your team" says how to grow.
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

# The relay's two passwords, made once and kept (the operator's makes the stream). Letters
# first and hex after: nats-server reads an environment value as configuration, where a
# value such as 1e5… or -x… is not a string.
if [[ ! -f "$STATE/secrets.env" ]]; then
  password() { printf 'ct%s' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
  (umask 077 && printf 'APP_PASSWORD=%s\nOPERATOR_PASSWORD=%s\n' "$(password)" "$(password)" > "$STATE/secrets.env")
fi
# Read, not exported: only nats-server and create-stream.sh are given them.
APP_PASSWORD="$(sed -n 's/^APP_PASSWORD=//p' "$STATE/secrets.env")"
OPERATOR_PASSWORD="$(sed -n 's/^OPERATOR_PASSWORD=//p' "$STATE/secrets.env")"
[[ "$APP_PASSWORD" =~ ^ct[0-9a-f]+$ && "$OPERATOR_PASSWORD" =~ ^ct[0-9a-f]+$ ]] \
  || { echo "$STATE/secrets.env is not as this script writes it: move it away to make new passwords" >&2; exit 1; }

# Debian's packages run services of their own where systemd is: caddy (a welcome page on
# port 80) and nats-server (on 127.0.0.1:4222, without JetStream). This script runs both
# itself, with this project's configurations.
if [[ "${CT_UPDATE:-0}" != 1 ]]; then
if [[ "$(id -u)" == 0 ]] && command -v systemctl >/dev/null; then
  for unit in caddy nats-server; do
    if systemctl is-active --quiet "$unit" 2>/dev/null; then
      say "stopping Debian's own $unit service: systemctl disable --now $unit"
      systemctl disable --now "$unit"
    fi
  done
fi
if [[ "$(id -u)" != 0 ]] && (( CT_HTTPS_PORT < 1024 || CT_HTTP_PORT < 1024 )); then
  echo "ports below 1024 need root: as this user, set CT_HTTPS_PORT=8443 CT_HTTP_PORT=8081 (say)" >&2
  exit 1
fi
for port in 4222 4223 "$CT_HTTPS_PORT" "$CT_HTTP_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken on this machine (another copy of this script, or another server): stop it first" >&2
    exit 1
  fi
done
fi

if [[ "${CT_NO_BUILD:-0}" != 1 ]]; then
  say "building the app for $ORIGIN"
  # The page's relay is its own origin + /relay; its <meta> policy names that origin (the
  # HTTP header from Caddy says the same, and that no page may frame the app).
  # Built beside the served folder (dist/ stays the development build).
  CAREER_TALK_RELAY_ORIGINS="wss://${ORIGIN#https://}" trunk build --release --dist "$STATE/build"
  node scripts/compress.mjs "$STATE/build"
fi
[[ -f "$STATE/build/index.html" ]] || { echo "$STATE/build has no build: run without CT_NO_BUILD" >&2; exit 1; }
# Into the served folder: the files named by their hash first, then index.html, sw.js last
# (a new service worker caches the new index.html), so a page never names a file that is not
# there yet. Earlier builds' files stay, for pages still open on them.
say "publishing the build to $STATE/site"
publish() { # <file relative to the build>
  mkdir -p "$STATE/site/$(dirname "$1")"
  cp -p "$STATE/build/$1" "$STATE/site/$1.new" && mv -f "$STATE/site/$1.new" "$STATE/site/$1"
  # A compressed copy the new build does not have would be served for the new file.
  case "$1" in *.br|*.gz) ;; *) for z in br gz; do [[ -f "$STATE/build/$1.$z" ]] || rm -f "$STATE/site/$1.$z"; done ;; esac
}
while IFS= read -r f; do publish "$f"; done < <(cd "$STATE/build" && find . -type f ! -name 'index.html*' ! -name 'sw.js*' | sed 's|^\./||')
for f in index.html.br index.html.gz index.html sw.js.br sw.js.gz sw.js; do [[ -f "$STATE/build/$f" ]] && publish "$f"; done

if [[ "${CT_UPDATE:-0}" == 1 ]]; then
  say "published: pages open on $ORIGIN offer the new version (the running servers serve it from now on)"
  exit 0
fi

export CT_NODE="${CT_NODE:-relay-1}" CT_CLIENT_LISTEN=127.0.0.1:4222 CT_WS_LISTEN=127.0.0.1:4223
export CT_APP_ORIGIN="$ORIGIN" CT_STORE="$STATE/nats"
say "starting the relay (nats-server, JetStream in $STATE/nats)"
CT_APP_PASSWORD="$APP_PASSWORD" CT_OPERATOR_PASSWORD="$OPERATOR_PASSWORD" \
  nats-server -c deploy/nats/relay.conf > "$STATE/nats.log" 2>&1 &
NATS_PID=$!
CADDY_PID=
stop() { kill $NATS_PID $CADDY_PID 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM
relay_up=0
for _ in $(seq 50); do
  kill -0 $NATS_PID 2>/dev/null || break
  if (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then relay_up=1; break; fi
  sleep 0.2
done
(( relay_up )) || { echo "the relay did not start; see $STATE/nats.log" >&2; tail -5 "$STATE/nats.log" >&2; exit 1; }
stream=0
for _ in $(seq 10); do
  if CT_OPERATOR_PASSWORD="$OPERATOR_PASSWORD" deploy/nats/create-stream.sh 4222 1 >/dev/null 2>&1; then stream=1; break; fi
  sleep 1
done
(( stream )) || { echo "the relay's mailbox stream could not be made; see $STATE/nats.log" >&2; exit 1; }

say "serving $ORIGIN (app and relay; TLS: $CT_TLS). Ctrl-C stops both."
if [[ "$CT_TLS" == internal ]]; then
  say "Caddy's own CA signs the certificate: trust $STATE/caddy/caddy/pki/authorities/local/root.crt on the devices that will use it"
fi
CT_DIST="$STATE/site" CT_RELAY_UPSTREAMS=127.0.0.1:4223 XDG_DATA_HOME="$STATE/caddy" XDG_CONFIG_HOME="$STATE/caddy" \
  caddy run --config deploy/caddy/Caddyfile --adapter caddyfile &
CADDY_PID=$!
# Either one stopping stops the other: a relay without the site or the reverse is no service.
wait -n $NATS_PID $CADDY_PID || true
echo "the relay or Caddy stopped (see $STATE/nats.log and Caddy's output above): stopping both" >&2
exit 1
