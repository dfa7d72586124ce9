#!/usr/bin/env bash
# pinger vs fping over 127.0.0.0/24 (254 addresses, loopback only), 2 probes
# each: checks that both give the same verdicts, then times them side by side
# with hyperfine. Run from the workspace root; needs root (or a permissive
# net.ipv4.ping_group_range) for pinger's ICMP sockets.
set -euo pipefail

NET=127.0.0.0/24
RUNS=${RUNS:-10}

need() {
    command -v "$1" >/dev/null && return
    echo "bench-pinger: installing $2" >&2
    apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
}
need fping fping
need hyperfine hyperfine

cargo build -q --release -p pinger
BIN="${CARGO_TARGET_DIR:-target}/release/pinger"

echo "nproc: $(nproc); load: $(uptime | sed 's/.*load average: //')"
echo "fping: $(fping -v 2>&1 | head -1)"

# Same verdicts: both reduced to "ADDRESS VERDICT" lines. $1: a command
# prefix, e.g. to run inside a namespace.
tmp=$(mktemp -d)
NS=""
cleanup() {
    rm -rf "$tmp"
    if [ -n "$NS" ]; then ip netns del "$NS" 2>/dev/null || true; fi
}
trap cleanup EXIT
compare() {
    local label=$1
    shift
    # Both exit 1 when some address is silent: that is not a failure here.
    { "$@" fping -c2 -q -g "$NET" 2>&1 || true; } |
        awk '/xmt\/rcv/ { split($5, n, "/");
            v = (n[2] == 0) ? "no-response" : (n[2] == n[1]) ? "alive" : "loss";
            print $1, v }' >"$tmp/fping"
    { "$@" "$BIN" -c2 "$NET" 2>/dev/null || true; } |
        awk '{ v = ($5 == "no") ? "no-response" : ($5 == "alive,") ? "loss" : "alive"; print $3, v }' >"$tmp/pinger"
    if ! diff -u "$tmp/fping" "$tmp/pinger"; then
        echo "bench-pinger: verdicts differ ($label)" >&2
        exit 1
    fi
    echo "same verdicts ($label): $(wc -l <"$tmp/fping") addresses," \
        "$(grep -c ' alive$' "$tmp/fping") alive, $(grep -c ' no-response$' "$tmp/fping") no response"
}
compare "loopback"
# With some silent addresses: inside a throwaway namespace, its lo dropping
# echo requests to 127.0.0.20-29 (needs root, ip netns, nft).
if [ "$(id -u)" = 0 ] && command -v nft >/dev/null && ip netns add "pinger-bench-$$" 2>/dev/null; then
    NS="pinger-bench-$$"
    ip -n "$NS" link set lo up
    ip netns exec "$NS" nft -f - <<'NFT'
table inet pinger_bench {
    chain input {
        type filter hook input priority 0; policy accept;
        ip daddr 127.0.0.20-127.0.0.29 icmp type echo-request drop
    }
}
NFT
    compare "namespace, 10 silent" ip netns exec "$NS"
    ip netns del "$NS"
    NS=""
else
    echo "skipped the comparison with silent addresses (needs root, ip netns, nft)"
fi

# Defaults against defaults, then each tuned to 10 ms between a target's
# probes and no pacing between targets.
hyperfine -N --warmup 1 --runs "$RUNS" --export-markdown "$tmp/fast.md" \
    -n "fping -c2 -q -g (defaults)" "fping -c2 -q -g $NET" \
    -n "pinger -c2 (defaults)" "$BIN -c2 $NET" \
    -n "fping -c2 -q -i1 -p10" "fping -c2 -q -i 1 -p 10 -g $NET" \
    -n "pinger -c2 -i10ms -t256" "$BIN -c2 -i 10ms -t 256 $NET" >/dev/null
# The tutorial's own method, a ping process per address.
hyperfine -N --runs 3 --export-markdown "$tmp/via-ping.md" \
    -n "pinger --via-ping (ping -q -c2, 64 at once)" "$BIN --via-ping -c2 $NET" \
    -n "pinger --via-ping -t256 (all at once)" "$BIN --via-ping -t 256 -c2 $NET" >/dev/null
# The chapter's before and after, one flag apart: its listing without
# threads (one ping at a time) and the threaded one, over its 10 addresses.
hyperfine -N --runs 3 --export-markdown "$tmp/before-after.md" \
    -n "pinger --sequential --via-ping (one at a time)" "$BIN --sequential --via-ping -c2 127.0.0.20-29" \
    -n "pinger --via-ping (a thread each)" "$BIN --via-ping -c2 127.0.0.20-29" >/dev/null
cat "$tmp/fast.md"
echo
cat "$tmp/via-ping.md"
echo
cat "$tmp/before-after.md"
