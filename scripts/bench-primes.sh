#!/usr/bin/env bash
# primes against its peer, Debian's primesieve, side by side in one run
# (issue 16's table):
#  * counting to N = 1e10, 1e11, 1e12 with 2 and 1 threads:
#    `primesieve N -c -q -tT` vs `primes --segmented N T`;
#  * listing to 1e9 with 2 threads into a file and into a pipe:
#    `primesieve 1e9 -p -t2` vs `primes --list 1e9 2`;
#  * optionally (TUTORIAL=1) tutorial mode at 1e9 with 1 and 2 threads.
# Each row: RUNS rounds, each running the peer and ours once, back to back,
# in alternating order (peer first, then ours first, ...), so both meet the
# same machine: on a shared VM, slow spells of tens of seconds hit whichever
# program runs then, and all runs of one program before all of the other's
# (hyperfine's order) let one spell decide a row. Medians of the wall times,
# the ratio ours / primesieve (below 1 means primes is faster), the range of
# the per-round ratios, and the peak RSS of one more run of each (GNU time).
# Run from the workspace root. Installs primesieve and GNU time with apt-get
# when they are missing.
# Env: RUNS (5), BIG_RUNS (runs at 1e12, 2), SKIP_1E12=1 to leave 1e12 out,
# NS ("1e10 1e11 1e12"), THREADS ("2 1"), NICE (e.g. -10; needs root).
set -euo pipefail

RUNS=${RUNS:-5}
BIG_RUNS=${BIG_RUNS:-2}
NS=${NS:-1e10 1e11 1e12}
THREADS=${THREADS:-2 1}
NICE=${NICE:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [ "${SKIP_1E12:-0}" = 1 ]; then NS=${NS//1e12/}; fi

need=()
command -v primesieve >/dev/null || need+=(primesieve)
[ -x /usr/bin/time ] || need+=(time)
if ((${#need[@]})); then
    echo "installing ${need[*]}" >&2
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build -q --release -p primes
P="$TARGET_DIR/release/primes"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rss() { # peak RSS in MiB of one run of the command line $1 (run by sh)
    /usr/bin/time -f '%M' -o "$tmp/rss" sh -c "$1" >/dev/null 2>&1
    awk '{ printf "%.1f", $1 / 1024 }' "$tmp/rss"
}
# rounds RUNS PEER OURS: prints "peer-median ours-median min-ratio max-ratio",
# the commands run by sh, alternating which goes first.
rounds() {
    nice -n "$NICE" python3 - "$@" <<'PY'
import os, statistics, subprocess, sys, time
runs, peer, ours = int(sys.argv[1]), sys.argv[2], sys.argv[3]
# Write-only, as a shell's >/dev/null: primes takes a read-write /dev/null
# on stdout (subprocess.DEVNULL) for a closed one (common::out).
null = open(os.devnull, "w")
def wall(cmd):
    t = time.perf_counter()
    subprocess.run(["sh", "-c", cmd], check=True, stdout=null, stderr=null)
    return time.perf_counter() - t
a, b = [], []
for r in range(runs):
    if r % 2 == 0:
        a.append(wall(peer)); b.append(wall(ours))
    else:
        b.append(wall(ours)); a.append(wall(peer))
ratios = [y / x for x, y in zip(a, b)]
print(f"{statistics.median(a):.3f} {statistics.median(b):.3f} {min(ratios):.2f} {max(ratios):.2f}")
PY
}
# row LABEL RUNS PEER OURS: one table row.
row() {
    local label=$1 runs=$2 peer=$3 ours=$4
    read -r a b lo hi <<<"$(rounds "$runs" "$peer" "$ours")"
    awk -v l="$label" -v r="$runs" -v a="$a" -v b="$b" -v lo="$lo" -v hi="$hi" -v ra="$(rss "$peer")" -v rb="$(rss "$ours")" \
        'BEGIN { printf "| %s | %d | %.3f s | %.3f s | %.2fx | %s-%s | %s | %s |\n", l, r, a, b, b / a, lo, hi, ra, rb }'
}

echo "nproc: $(nproc); cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "caches: L1d $(cat /sys/devices/system/cpu/cpu0/cache/index0/size 2>/dev/null || echo ?), L2 $(cat /sys/devices/system/cpu/cpu0/cache/index2/size 2>/dev/null || echo ?)"
echo "primesieve: $(primesieve --version | head -1)"
echo "load before: $(uptime | sed 's/.*load average: //')"

# Same answers first.
for n in $NS; do
    want=$(primesieve "$n" -c -q)
    got=$("$P" --segmented "$n" 2 | sed -n 's/^there are \([0-9]*\) primes$/\1/p')
    [ "$want" = "$got" ] || { echo "bench-primes: pi($n): primesieve says $want, primes says $got" >&2; exit 1; }
    echo "pi($n) = $got (both agree)"
done
cmp -s <("$P" --list 1e8 2 2>/dev/null) <(primesieve 1e8 -p -t2) || { echo "bench-primes: --list 1e8 differs" >&2; exit 1; }
echo "--list 1e8: byte-identical to primesieve -p"
echo

echo "| work (medians of interleaved rounds) | rounds | primesieve | primes | ratio | per-round ratios | RSS primesieve [MiB] | RSS primes [MiB] |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for n in $NS; do
    runs=$RUNS
    [ "$n" = 1e12 ] && runs=$BIG_RUNS
    for t in $THREADS; do
        row "count to $n, $t thread(s)" "$runs" "primesieve $n -c -q -t$t" "$P --segmented $n $t"
    done
done
row "list to 1e9 > file, 2 threads" "$RUNS" "primesieve 1e9 -p -t2 > $tmp/out" "$P --list 1e9 2 > $tmp/out 2>/dev/null"
row "list to 1e9 into a pipe (cat), 2 threads" "$RUNS" "primesieve 1e9 -p -t2 | cat > /dev/null" "$P --list 1e9 2 2>/dev/null | cat > /dev/null"
rm -f "$tmp/out"

if [ "${TUTORIAL:-0}" = 1 ]; then
    echo
    echo "Tutorial mode (the tutorial's algorithm) at 1e9, 1 thread vs 2 threads:"
    read -r one two _ <<<"$(rounds 3 "$P 1e9 1" "$P 1e9 2")"
    echo "1 thread: $one s, 2 threads: $two s (medians of 3 interleaved rounds)"
fi
echo
echo "load after: $(uptime | sed 's/.*load average: //')"
