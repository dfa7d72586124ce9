#!/usr/bin/env bash
# Smoke test for srvr, srvr-threaded and clnt (Matloff 3.1/3.2): a two-client
# session through clnt with piped input against each server, on 127.0.0.1.
set -euo pipefail
BIN=${BIN:-target/release}
tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "smoke srvr: $*" >&2; exit 1; }

# start PROG ARGS...: runs a server on a free loopback port; sets pid, port.
start() {
  : >"$tmp/err" # before the server starts: no stale port from the last one
  "$BIN/$1" --bind 127.0.0.1 0 "${@:2}" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/err")
    [[ -n $port ]] && return 0
    sleep 0.05
  done
  fail "$1 did not start: $(cat "$tmp/err")"
}

# session PROG ARGS...: two clients, then the final v must be "abc".
session() {
  start "$@"
  out1=$(printf 'a\nb\n\n' | timeout 10 "$BIN/clnt" 127.0.0.1 "$port")
  [[ $out1 == $'enter a letter:a\nenter a letter:ab\nenter a letter:' ]] || fail "$1: client 1 printed: $out1"
  out2=$(printf 'c\n' | timeout 10 "$BIN/clnt" localhost "$port")
  [[ $out2 == $'enter a letter:abc\nenter a letter:' ]] || fail "$1: client 2 printed: $out2"
  for ((i = 3; i <= ${2:-2}; i++)); do printf '' | timeout 10 "$BIN/clnt" 127.0.0.1 "$port" >/dev/null; done
  timeout 10 tail --pid="$pid" -f /dev/null || fail "$1 did not exit"
  wait "$pid" || fail "$1 exited with $?"
  pid=
  grep -qx 'the final value of v is abc' "$tmp/out" || fail "$1 printed: $(cat "$tmp/out")"
  echo "smoke srvr: $1 ok"
}

session srvr
session srvr-threaded 3

# --trace: a session span per client, a letter span per letter sent.
session srvr-threaded 3 --trace "$tmp/t.json"
[[ $(grep -c '"what":"session"' "$tmp/t.json") == 3 ]] || fail "--trace: not 3 session spans"
[[ $(grep -c '"what":"letter"' "$tmp/t.json") == 3 ]] || fail "--trace: not 3 letter spans"
echo "smoke srvr: --trace ok"

# Ctrl-C with a client connected: exit 130 and the v so far.
start srvr
exec 3< <(sleep 5)
timeout 10 "$BIN/clnt" 127.0.0.1 "$port" <&3 >/dev/null 2>&1 &
client=$!
sleep 0.3
kill -INT "$pid"
code=0
wait "$pid" || code=$?
pid=
kill "$client" 2>/dev/null || true
wait "$client" 2>/dev/null || true
[[ $code == 130 ]] || fail "srvr after Ctrl-C exited with $code"
grep -qx 'the final value of v is ' "$tmp/out" || fail "srvr after Ctrl-C printed: $(cat "$tmp/out")"
echo "smoke srvr: Ctrl-C ok"

# The benchmark's load generator: a small run against srvr-threaded, and bad
# counts are one line and exit 2 (CLIENTS 0 used to panic).
LOAD=${EXAMPLES:-$BIN/examples}/srvr_load
start srvr-threaded 2
line=$(timeout 30 "$LOAD" "127.0.0.1:$port" 2 3) || fail "srvr_load failed"
[[ $line == "clients=2 letters=6 "* ]] || fail "srvr_load printed: $line"
timeout 10 tail --pid="$pid" -f /dev/null || fail "srvr-threaded did not exit after srvr_load"
wait "$pid" || fail "srvr-threaded exited with $? after srvr_load"
pid=
for args in "127.0.0.1:9 0 3" "127.0.0.1:9 2 0" "127.0.0.1:9 x 3" "127.0.0.1 2 3" "127.0.0.1:9"; do
  code=0
  # shellcheck disable=SC2086 # the words are the arguments
  err=$("$LOAD" $args 2>&1 >/dev/null) || code=$?
  [[ $code == 2 && $err == "srvr_load: "* && $(wc -l <<<"$err") == 1 ]] ||
    fail "srvr_load $args: exit $code: $err"
done
echo "smoke srvr: srvr_load ok"
