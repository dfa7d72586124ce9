#!/usr/bin/env bash
# Side-by-side speed of `portscanner --open` and `nmap -sT` over all 65535
# TCP ports of 127.0.0.1, inside a network namespace this script creates
# (and deletes), with a few listeners in it. Checks that both find the same
# open ports, then times them with hyperfine and prints a markdown table.
#
#   sudo scripts/bench-portscanner.sh            # builds the release binary
#   BIN=target/release RUNS=10 scripts/bench-portscanner.sh
#
# Needs root (ip netns), iproute2, nmap, hyperfine, python3 (listeners) and
# nft or iptables for the filtered-ports round; installs missing ones with apt-get.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
NS=pscan-bench-$$
LISTEN_PORTS=(22 80 8080 40000 65535)

if [[ $(id -u) != 0 ]]; then
    echo "bench-portscanner: needs root to create a network namespace" >&2
    exit 1
fi
missing=()
for tool in ip:iproute2 nmap:nmap hyperfine:hyperfine python3:python3 nft:nftables; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ -z ${BIN:-} ]]; then
    cargo build -q --release -p portscanner
    BIN=${CARGO_TARGET_DIR:-target}/release
fi
SCAN=$(realpath "$BIN/portscanner")

cleanup() {
    # Only processes inside our own namespace: the listener we started.
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
in_ns() { ip netns exec "$NS" "$@"; }

# Listeners that accept and close, so repeated scans never fill a backlog.
ip netns exec "$NS" python3 -c '
import socket, sys, threading
def serve(s):
    while True:
        c, _ = s.accept(); c.close()
for p in sys.argv[1:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p))); s.listen(128)
    threading.Thread(target=serve, args=(s,), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
' "${LISTEN_PORTS[@]}" > "/tmp/$NS.ready" &
for _ in $(seq 100); do grep -q ready "/tmp/$NS.ready" 2>/dev/null && break; sleep 0.05; done
rm -f "/tmp/$NS.ready"

want=$(printf '%s\n' "${LISTEN_PORTS[@]}" | sort -n | paste -sd,)
ours=$(in_ns "$SCAN" --open -p 1-65535 127.0.0.1 | sed -n 's/^127\.0\.0\.1:\([0-9]*\) open$/\1/p' | sort -n | paste -sd,)
theirs=$(in_ns nmap -n -sT -T5 -p1-65535 -oG - 127.0.0.1 | grep -o '[0-9]*/open' | cut -d/ -f1 | sort -n | paste -sd,)
echo "listening:        $want"
echo "portscanner open: $ours"
echo "nmap open:        $theirs"
if [[ $ours != "$want" || $theirs != "$want" ]]; then
    echo "bench-portscanner: open ports differ" >&2
    exit 1
fi

echo
echo "nproc $(nproc); load:$(uptime | sed 's/.*load average//')"
echo "$(nmap --version | head -1); $("$SCAN" --version)"
table=$(mktemp)
hyperfine -N -w 1 -r "$RUNS" --export-markdown "$table" \
    -n "nmap -sT -T4" "ip netns exec $NS nmap -n -sT -T4 -p1-65535 127.0.0.1" \
    -n "nmap -sT -T5" "ip netns exec $NS nmap -n -sT -T5 -p1-65535 127.0.0.1" \
    -n "nmap -sT -T5 --min-rate 100000 --max-retries 0" \
    "ip netns exec $NS nmap -n -sT -T5 --min-rate 100000 --max-retries 0 -p1-65535 127.0.0.1" \
    -n "portscanner --open (default 1000 threads)" "ip netns exec $NS $SCAN --open -p 1-65535 127.0.0.1" \
    -n "portscanner --open (256 threads)" "ip netns exec $NS $SCAN --open -p 1-65535 127.0.0.1 256" \
    -n "portscanner --open (4 threads)" "ip netns exec $NS $SCAN --open -p 1-65535 127.0.0.1 4" \
    >/dev/null 2>&1
echo
echo "All 65535 ports of 127.0.0.1, ${#LISTEN_PORTS[@]} open:"
cat "$table"

# Second round: 1000 of the ports drop their packets (filtered), so the
# timeout and the number of connects in flight matter, not just syscalls.
in_ns nft -f - <<'NFT'
add table inet pscanbench
add chain inet pscanbench out { type filter hook output priority 0; }
add rule inet pscanbench out oifname "lo" tcp dport 20000-20999 drop
NFT
hyperfine -N -w 1 -r 3 --export-markdown "$table" \
    -n "nmap -sT -T5" "ip netns exec $NS nmap -n -sT -T5 -p1-65535 127.0.0.1" \
    -n "portscanner --open (defaults: 1000 threads, 1 s timeout)" \
    "ip netns exec $NS $SCAN --open -p 1-65535 127.0.0.1" \
    -n "portscanner --open (256 threads, 1 s timeout)" \
    "ip netns exec $NS $SCAN --open -p 1-65535 127.0.0.1 256" \
    -n "portscanner --open --timeout 0.3 (1000 threads)" \
    "ip netns exec $NS $SCAN --open --timeout 0.3 -p 1-65535 127.0.0.1" \
    >/dev/null
echo
echo "The same with ports 20000-20999 dropped (filtered):"
cat "$table"
rm -f "$table"
