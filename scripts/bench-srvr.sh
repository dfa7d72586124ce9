#!/usr/bin/env bash
# Letters per second and p50/p99 echo latency of srvr-threaded (Matloff 3.2)
# against a Python 3 threading server written the tutorial's way
# (crates/clnt/tests/fixtures/py_srvr.py), for 50 and 500 concurrent
# clients over loopback. The load generator is the srvr-threaded example
# srvr_load: every client connects at once and sends LETTERS single letters,
# each after the whole reply (all of v) to the one before.
#
# usage: scripts/bench-srvr.sh [LETTERS=100] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
LETTERS=${1:-100}
RUNS=${2:-3}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build -q -j2 --release -p srvr-threaded --bins --examples
SRVR="$TARGET/release/srvr-threaded"
LOAD="$TARGET/release/examples/srvr_load"
PEER=crates/clnt/tests/fixtures/py_srvr.py
have_python=1
command -v python3 >/dev/null || { echo "python3 missing: the Python peer is skipped" >&2; have_python=0; }

tmp=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_server NAME CLIENTS: starts it on 127.0.0.1, any free port; sets
# server_pid and port.
start_server() {
  local name=$1 n=$2
  : >"$tmp/err"
  case $name in
    rust) "$SRVR" --bind 127.0.0.1 0 "$n" >"$tmp/out" 2>"$tmp/err" & ;;
    python) python3 "$PEER" 0 "$n" 127.0.0.1 >"$tmp/out" 2>"$tmp/err" & ;;
  esac
  server_pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$tmp/err")
    [[ -n $port ]] && return 0
    sleep 0.05
  done
  echo "bench-srvr: $name server did not start: $(cat "$tmp/err")" >&2
  exit 1
}

echo "# bench-srvr: $(date -u +%FT%TZ), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), letters/client $LETTERS"
printf '%-8s %7s %4s %12s %9s %9s %12s\n' server clients run letters/s p50_us p99_us connect_ms
for n in 50 500; do
  for run in $(seq "$RUNS"); do
    for name in rust python; do
      [[ $name == python && $have_python == 0 ]] && continue
      start_server "$name" "$n"
      line=$(timeout 300 "$LOAD" "127.0.0.1:$port" "$n" "$LETTERS")
      wait "$server_pid"
      server_pid=
      want=$((n * LETTERS))
      got=$(($(wc -c <"$tmp/out") - 25))
      [[ $got == "$want" ]] || { echo "bench-srvr: $name: v has $got letters, want $want" >&2; exit 1; }
      field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$line"; }
      printf '%-8s %7s %4s %12s %9s %9s %12s\n' "$name" "$n" "$run" \
        "$(field letters_per_s)" "$(field p50_us)" "$(field p99_us)" "$(field max_connect_ms)"
    done
  done
done
