#!/usr/bin/env bash
# Makes the paired-sync stream on a running relay, with replicas (3 on a cluster), as the
# operator, over the node's loopback NATS port. Pure bash (no NATS client needed).
#
#   CT_OPERATOR_PASSWORD=… deploy/nats/create-stream.sh [port] [replicas]
#
# The stream: subjects ctmb.*.* (one per mailbox and side), at most 16 messages kept per
# subject (a later bundle holds what an earlier one held that the other side lacks), none
# older than 400 days, at most 5 GiB in all (15 GiB with three replicas; the oldest go
# first, and a device sends again what the other side never acknowledged), at most 10,000
# readers at once, file storage. Running it again on an existing stream applies these
# settings to it (nothing stored is lost); it prints the relay's answers.
set -euo pipefail
PORT="${1:-4222}"
REPLICAS="${2:-3}"
: "${CT_OPERATOR_PASSWORD:?set CT_OPERATOR_PASSWORD}"
CONFIG="{\"name\":\"CTMB\",\"subjects\":[\"ctmb.*.*\"],\"storage\":\"file\",\"retention\":\"limits\",\"discard\":\"old\",\"max_msgs_per_subject\":16,\"max_age\":34560000000000000,\"max_msg_size\":1048576,\"max_bytes\":5368709120,\"max_consumers\":10000,\"num_replicas\":$REPLICAS}"

exec 3<>"/dev/tcp/127.0.0.1/$PORT"
read -r -t 5 info <&3 || { echo "no relay on 127.0.0.1:$PORT" >&2; exit 1; }
printf 'CONNECT {"verbose":false,"user":"operator","pass":"%s"}\r\nSUB _INBOX.create 1\r\n' "$CT_OPERATOR_PASSWORD" >&3

# Asks the JetStream API <subject> with the stream's settings; prints the answer.
ask() {
  printf 'PUB %s _INBOX.create %d\r\n%s\r\n' "$1" "${#CONFIG}" "$CONFIG" >&3
  local line reply
  while read -r -t 10 line <&3; do
    line="${line%$'\r'}"
    case "$line" in
      MSG*) read -r -t 5 reply <&3; echo "${reply%$'\r'}"; return 0 ;;
      -ERR*) echo "$line" >&2; exit 1 ;;
    esac
  done
  echo "the relay did not answer" >&2
  exit 1
}

reply="$(ask '$JS.API.STREAM.CREATE.CTMB')"
echo "$reply"
case "$reply" in
  *'"error"'*)
    # Made before (the account holds one stream): bring its settings up to these.
    if [[ "$reply" == *"already in use"* || "$reply" == *"maximum number of streams"* ]]; then
      reply="$(ask '$JS.API.STREAM.UPDATE.CTMB')"
      echo "$reply"
      [[ "$reply" != *'"error"'* ]] || exit 1
    else
      exit 1
    fi ;;
esac
