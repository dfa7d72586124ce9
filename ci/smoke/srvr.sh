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
