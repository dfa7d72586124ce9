#!/usr/bin/env bash
# pinger end to end, loopback only: a small sweep (native ICMP), the
# tutorial's --via-ping mode, --sequential, a full disk, and a bad range.
# Expects BIN (see ci/smoke.sh).
set -euo pipefail
P="${BIN:?set BIN to the directory of the release binaries}/pinger"
fail() { echo "smoke pinger: $*" >&2; exit 1; }

want=$(for n in 1 2 3 4 5; do echo "Status from  127.0.0.$n is alive"; done)

rc=0
out=$("$P" -i 50ms 127.0.0.1 127.0.0.5 2>/tmp/pinger-smoke.$$) || rc=$?
err=$(cat /tmp/pinger-smoke.$$)
rm -f /tmp/pinger-smoke.$$
if [ "$rc" = 1 ] && grep -q "no permission" <<<"$err"; then
    echo "smoke pinger: no ICMP permission here (not root); native sweep skipped: $err"
else
    [ "$rc" = 0 ] || fail "native sweep exited $rc: $err"
    [ "$out" = "$want" ] || fail "native sweep printed: $out"
    grep -q "^5 addresses: 5 alive" <<<"$err" || fail "summary: $err"
    "$P" -c 1 ::1 2>/dev/null | grep -qx "Status from  ::1 is alive" || fail "::1 not alive"
    # python-course's listing without threads, one flag away.
    out=$("$P" --sequential -c 1 127.0.0.1-2 2>/dev/null) || fail "--sequential exited $?"
    [ "$out" = "$(printf '... pinging  127.0.0.1\n127.0.0.1: alive\n... pinging  127.0.0.2\n127.0.0.2: alive')" ] \
        || fail "--sequential printed: $out"
    rc=0
    "$P" -c 1 127.0.0.1 >/dev/full 2>/dev/null || rc=$?
    [ "$rc" = 1 ] || fail ">/dev/full exited $rc, not 1"
    # --trace: one ping span per address, labelled with its status.
    trace=$(mktemp)
    "$P" -c 1 127.0.0.1-3 --trace "$trace" >/dev/null 2>&1 || fail "--trace exited $?"
    spans=$(grep -c '"what":"ping"' "$trace" || true)
    labelled=$(grep -c '"name":"127.0.0.2: alive"' "$trace" || true)
    rm -f "$trace"
    [ "$spans" = 3 ] || fail "--trace: $spans ping spans for 3 addresses"
    [ "$labelled" = 1 ] || fail "--trace: no span '127.0.0.2: alive'"
fi

if command -v ping >/dev/null; then
    out=$("$P" --via-ping -i 0.2 127.0.0.1-5 2>/dev/null) || fail "--via-ping exited $?"
    [ "$out" = "$want" ] || fail "--via-ping printed: $out"
else
    echo "smoke pinger: no ping installed; --via-ping skipped"
fi

rc=0
err=$("$P" 127.0.0.0/8 2>&1 >/dev/null) || rc=$?
[ "$rc" = 2 ] || fail "an oversized sweep exited $rc, not 2"
grep -q -- "--max-addresses" <<<"$err" || fail "oversized sweep message: $err"
echo "smoke pinger: ok"
