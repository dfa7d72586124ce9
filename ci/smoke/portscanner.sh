#!/usr/bin/env bash
# portscanner end to end, loopback only: bad input; a scan of two ports this
# script holds (one listening, one bound and refused) in both modes; and, as
# root, the tutorial's default run and a whole-range tool-mode scan inside a
# network namespace made (and deleted) here. Expects BIN (see ci/smoke.sh).
set -euo pipefail
P="${BIN:?set BIN to the directory of the release binaries}/portscanner"
fail() { echo "smoke portscanner: $*" >&2; exit 1; }
NS=pscan-smoke-$$
tmp=$(mktemp -d)
cleanup() {
    [[ -n ${holder:-} ]] && kill "$holder" 2>/dev/null
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

for bad in "127.0.0.1 0" "-p 0 127.0.0.1" "-p 65536 127.0.0.1" "-p 9-8 127.0.0.1"; do
    rc=0
    # shellcheck disable=SC2086
    err=$("$P" $bad 2>&1 >/dev/null) || rc=$?
    [[ $rc == 2 ]] || fail "'$bad' exited $rc, not 2"
    [[ $(wc -l <<<"$err") == 1 ]] || fail "'$bad' printed more than one line: $err"
done

if command -v python3 >/dev/null; then
    python3 -c '
import socket, time
a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen(8)
b = socket.socket(); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1], flush=True)
time.sleep(60)' >"$tmp/ports" &
    holder=$!
    for _ in $(seq 100); do [[ -s $tmp/ports ]] && break; sleep 0.05; done
    read -r open closed <"$tmp/ports" || fail "the python listener did not start"
    out=$("$P" -p "$open,$closed" 127.0.0.1 2)
    grep -qx "$open: successfully connected" <<<"$out" || fail "tutorial mode: $out"
    grep -qx "$closed: connection failed" <<<"$out" || fail "tutorial mode: $out"
    out=$("$P" --open -p "$open,$closed" 127.0.0.1 2)
    grep -qx "127.0.0.1:$open open" <<<"$out" || fail "--open: $out"
    grep -q "^1 open, 1 closed, 0 filtered, 0 errors in " <<<"$out" || fail "--open: $out"
    rc=0
    "$P" --open -p "$open,$closed" 127.0.0.1 2 >/dev/full 2>/dev/null || rc=$?
    [[ $rc == 1 ]] || fail ">/dev/full exited $rc, not 1"
else
    echo "smoke portscanner: no python3 for a listener; own-port scan skipped"
fi

if [[ $(id -u) == 0 ]] && ip netns add "$NS" 2>/dev/null; then
    ip -n "$NS" link set lo up
    out=$(ip netns exec "$NS" "$P" 127.0.0.1 5)
    [[ $(grep -c ': attempting check$' <<<"$out") == 99 ]] || fail "default run: $out"
    [[ $(grep -c ': connection failed$' <<<"$out") == 99 ]] || fail "default run: $out"
    [[ $(grep -c ': now active -- \[' <<<"$out") == 198 ]] || fail "default run: $out"
    # --trace: one port span per port checked, on the scanner's row.
    ip netns exec "$NS" "$P" 127.0.0.1 5 --trace "$tmp/t.json" >/dev/null
    [[ $(grep -c '"what":"port"' "$tmp/t.json") == 99 ]] || fail "--trace: not 99 port spans"
    grep -q '"name":"Thread-99"' "$tmp/t.json" || fail "--trace: no row Thread-99"
    out=$(ip netns exec "$NS" "$P" --open -p- 127.0.0.1)
    grep -q "^0 open, 65535 closed, 0 filtered, 0 errors in " <<<"$out" || fail "whole range: $out"
    # A mistyped MAXTHREADS is not the host 1.0.0.5 (inside the namespace,
    # so a regression sends nothing off the machine).
    rc=0
    ip netns exec "$NS" "$P" -p 1 127.0.0.1 1.5 >/dev/null 2>&1 || rc=$?
    [[ $rc == 2 ]] || fail "'127.0.0.1 1.5' exited $rc, not 2"
    out=$(ip netns exec "$NS" "$P" --all -p 1-3 0.0.0.0 2)
    grep -q "^0 open, 3 closed, " <<<"$out" || fail "0.0.0.0: $out"
else
    echo "smoke portscanner: not root or no ip netns; namespace scans skipped"
fi
echo "smoke portscanner: ok"
