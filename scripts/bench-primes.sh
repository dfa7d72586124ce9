#!/usr/bin/env bash
# primes against its peer, Debian's primesieve, side by side in one run
# (issue 16's table):
#  * counting to N = 1e10, 1e11, 1e12 with 2 and 1 threads:
#    `primesieve N -c -q -tT` vs `primes --segmented N T`;
#  * listing to 1e9 with 2 threads into a file and into a pipe:
#    `primesieve 1e9 -p -t2` vs `primes --list 1e9 2`;
#  * optionally (TUTORIAL=1) tutorial mode at 1e9 with 1 and 2 threads.
# Each row: hyperfine medians of the pair run in the same hyperfine call
# (peer first), the ratio ours / primesieve (below 1 means primes is
# faster), and the peak RSS of one more run of each (GNU time).
# Run from the workspace root. Installs hyperfine, primesieve and GNU time
# with apt-get when they are missing.
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
command -v hyperfine >/dev/null || need+=(hyperfine)
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

median() { # hyperfine JSON -> median of result $2
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}
rss() { # peak RSS in MiB of one run of the command line $1 (run by sh)
    /usr/bin/time -f '%M' -o "$tmp/rss" sh -c "$1" >/dev/null 2>&1
    awk '{ printf "%.1f", $1 / 1024 }' "$tmp/rss"
}
# row LABEL RUNS PEER OURS [shell]: one table row.
row() {
    local label=$1 runs=$2 peer=$3 ours=$4 mode=${5:-}
    local warm=1 shell=(-N)
    [ "$runs" -le 2 ] && warm=0
    [ "$mode" = shell ] && shell=()
    nice -n "$NICE" hyperfine "${shell[@]}" --warmup "$warm" --runs "$runs" --style none \
        --export-json "$tmp/h.json" "$peer" "$ours" >/dev/null 2>&1
    local a b
    a=$(median "$tmp/h.json" 0)
    b=$(median "$tmp/h.json" 1)
    awk -v l="$label" -v r="$runs" -v a="$a" -v b="$b" -v ra="$(rss "$peer")" -v rb="$(rss "$ours")" \
        'BEGIN { printf "| %s | %d | %.3f s | %.3f s | %.2fx | %s | %s |\n", l, r, a, b, b / a, ra, rb }'
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

echo "| work (medians, hyperfine, same run) | runs | primesieve | primes | ratio | RSS primesieve [MiB] | RSS primes [MiB] |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for n in $NS; do
    runs=$RUNS
    [ "$n" = 1e12 ] && runs=$BIG_RUNS
    for t in $THREADS; do
        row "count to $n, $t thread(s)" "$runs" "primesieve $n -c -q -t$t" "$P --segmented $n $t"
    done
done
row "list to 1e9 > file, 2 threads" "$RUNS" "primesieve 1e9 -p -t2 > $tmp/out" "$P --list 1e9 2 > $tmp/out 2>/dev/null" shell
row "list to 1e9 into a pipe (cat), 2 threads" "$RUNS" "primesieve 1e9 -p -t2 | cat > /dev/null" "$P --list 1e9 2 2>/dev/null | cat > /dev/null" shell
rm -f "$tmp/out"

if [ "${TUTORIAL:-0}" = 1 ]; then
    echo
    echo "Tutorial mode (the tutorial's algorithm) at 1e9, 1 thread vs 2 threads:"
    nice -n "$NICE" hyperfine -N --runs 3 --style basic "$P 1e9 1" "$P 1e9 2" 2>&1 | grep -E 'Benchmark|Time'
fi
echo
echo "load after: $(uptime | sed 's/.*load average: //')"
