#!/usr/bin/env bash
# primes against its peer, side by side in one run:
#  1. counting primes to N=1e10: Debian's `primesieve N -c -tT` vs
#     `primes --segmented N T`, for T = 2 and 1 (hyperfine medians), and the
#     peak RSS of each (GNU time's "Maximum resident set size");
#  2. tutorial mode at 1e9, 1 thread vs 2 threads (the GIL-free speedup).
# Run from the workspace root. Installs hyperfine, primesieve and GNU time
# with apt-get when they are missing. Env: N (1e10), TUT_N (1e9), RUNS (5),
# TUT_RUNS (3), NICE (e.g. -10 on a machine shared with builds; needs root).
set -euo pipefail

N=${N:-1e10}
TUT_N=${TUT_N:-1e9}
RUNS=${RUNS:-5}
TUT_RUNS=${TUT_RUNS:-3}
NICE=${NICE:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

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

# Medians from hyperfine's JSON, with the ratio to the first command, and the
# mean user CPU time (on a busy machine the wall time of 2 threads can lose
# to 1 while the CPU time shows the work is the same).
medians() {
    echo "| Command | Median [s] | vs first | User CPU [s] |"
    echo "|:---|---:|---:|---:|"
    awk -F': ' -v strip="$TARGET_DIR/release/" '
        /"command"/ { c = $2; gsub(/^"|",?$/, "", c); sub(strip, "", c) }
        /"median"/ { m = $2; sub(/,$/, "", m); if (!b) b = m }
        /"user"/ { u = $2; sub(/,$/, "", u)
                   printf "| `%s` | %.3f | %.2f | %.2f |\n", c, m, m / b, u }' "$1"
}

echo "nproc: $(nproc); cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "load before: $(uptime | sed 's/.*load average: //')"
echo "primesieve: $(primesieve --version | head -1)"

# Same answer first.
want=$(primesieve "$N" -c -q)
got=$("$P" --segmented "$N" 2 | sed -n 's/^there are \([0-9]*\) primes$/\1/p')
[ "$want" = "$got" ] || { echo "bench-primes: primesieve says $want, primes says $got" >&2; exit 1; }
echo "pi($N) = $got (both agree)"

echo
echo "## Counting primes to $N"
nice -n "$NICE" hyperfine -N --warmup 1 --runs "$RUNS" --style basic --export-markdown "$tmp/seg.md" --export-json "$tmp/seg.json" \
    "primesieve $N -c -q -t2" \
    "$P --segmented $N 2" \
    "primesieve $N -c -q -t1" \
    "$P --segmented $N 1" >/dev/null
sed "s|$TARGET_DIR/release/||g" "$tmp/seg.md"
echo
medians "$tmp/seg.json"

echo
echo "## Best of $RUNS alternating runs (robust to other load on a shared machine)"
echo "| Command | Best wall [s] | vs first |"
echo "|:---|---:|---:|"
cmds=("primesieve $N -c -q -t2" "$P --segmented $N 2" "primesieve $N -c -q -t1" "$P --segmented $N 1")
for ((r = 0; r < RUNS; r++)); do
    for i in "${!cmds[@]}"; do
        # shellcheck disable=SC2086
        /usr/bin/time -f "$i %e" ${cmds[$i]} 2>&1 >/dev/null | tail -1
    done
done >"$tmp/alt.txt"
for i in "${!cmds[@]}"; do
    best=$(awk -v i="$i" '$1 == i && (b == "" || $2 < b) { b = $2 } END { print b }' "$tmp/alt.txt")
    [ "$i" = 0 ] && first=$best
    awk -v c="${cmds[$i]#"$TARGET_DIR/release/"}" -v b="$best" -v f="$first" \
        'BEGIN { printf "| `%s` | %.2f | %.2f |\n", c, b, b / f }'
done

echo
echo "## Peak RSS (GNU time, one run each)"
echo "| Command | Max RSS (KiB) |"
echo "|:---|---:|"
for cmd in "primesieve $N -c -q -t2" "$P --segmented $N 2" "primesieve $N -c -q -t1" "$P --segmented $N 1"; do
    # shellcheck disable=SC2086
    rss=$(/usr/bin/time -f '%M' $cmd 2>&1 >/dev/null | tail -1)
    echo "| \`${cmd#"$TARGET_DIR/release/"}\` | $rss |"
done

echo
echo "## Tutorial mode (the tutorial's algorithm) at $TUT_N"
nice -n "$NICE" hyperfine -N --runs "$TUT_RUNS" --style basic --export-markdown "$tmp/tut.md" --export-json "$tmp/tut.json" \
    "$P $TUT_N 1" \
    "$P $TUT_N 2" >/dev/null
sed "s|$TARGET_DIR/release/||g" "$tmp/tut.md"
echo
medians "$tmp/tut.json"
echo "load after: $(uptime | sed 's/.*load average: //')"
