#!/usr/bin/env bash
# pqsort against its peers, side by side in one run on the same data:
#  1. the in-memory sort (benches/vs_rayon.rs): pqsort with T threads vs
#     rayon's par_sort_unstable with T threads vs pqsort with 1 thread vs
#     slice::sort_unstable, 10^7 integers of every input shape (and 10^8
#     random with BIG=1), rounds interleaved, medians printed as a table;
#  2. the tool on a file of integers (hyperfine): `pqsort FILE` vs GNU
#     `sort -n` (1 thread and --parallel=T), output checked identical first.
# Run from the workspace root. Env: THREADS (default nproc), ROUNDS (5),
# BIG=1 (adds 10^8 random, 800 MB per copy), LINES (file size, 2000000),
# NICE (e.g. -10 on a machine shared with builds; needs root), QUICK=1 (a
# smoke run of the script itself: 10^6 elements, no figures worth keeping),
# BUDGET (e.g. 64M: also times pqsort -S BUDGET, sorting in runs on disk).
#
# `scripts/bench-pqsort.sh trace`: the cost of the timeline recorder (issue
# 15). Builds pqsort from BASE (a git rev without the recorder [default: the
# parent of the commit that added it], in a temporary `git worktree`, removed
# after; its build cache stays in target/bench-base) and times, rounds
# interleaved, `pqsort --size N -t T --seed 1`: BASE, the current binary with
# the recorder compiled in but off, and on (`--trace FILE`), at the default
# cut-off and at --cutoff FINE (many partitions: many spans). Prints the
# median wall and CPU (user + sys) times of the whole run, the median and least
# sort time the report prints, and the trace sizes. Env: N (default 100000000), THREADS (2), ROUNDS (5), FINE (4096),
# BASE, NICE.
set -euo pipefail

THREADS_ASKED=${THREADS:-}
THREADS=${THREADS:-$(nproc)}
ROUNDS=${ROUNDS:-5}
LINES=${LINES:-2000000}
NICE=${NICE:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

if [ "${1:-}" = trace ]; then
    THREADS=${THREADS_ASKED:-2}
    N=${N:-100000000}
    FINE=${FINE:-4096}
    if [ -z "${BASE:-}" ]; then
        added=$(git log --reverse --format=%H -S'timeline' -- crates/pqsort/Cargo.toml | head -1)
        [ -n "$added" ] || { echo "bench-pqsort: no commit adds the recorder to pqsort; set BASE" >&2; exit 1; }
        BASE=$added^
    fi
    base_rev=$(git rev-parse --short "$BASE")
    tmp=$(mktemp -d)
    wt="$tmp/base-worktree"
    cleanup() {
        git worktree remove --force "$wt" 2>/dev/null || true
        git worktree prune 2>/dev/null || true
        rm -rf "$tmp"
    }
    trap cleanup EXIT
    echo "nproc: $(nproc); threads: $THREADS; n: $N; rounds: $ROUNDS; base: $base_rev; load: $(uptime | sed 's/.*load average: //')"
    git worktree add -q --detach "$wt" "$BASE"
    base_target=$(realpath -m "$TARGET_DIR/bench-base")
    (cd "$wt" && CARGO_TARGET_DIR="$base_target" cargo build -q --release --locked -p pqsort)
    cp "$base_target/release/pqsort" "$tmp/pqsort-base"
    git worktree remove --force "$wt"
    cargo build -q --release -p pqsort
    cp "$TARGET_DIR/release/pqsort" "$tmp/pqsort-now"
    # name|command (the trace goes to $tmp/NAME.json)
    variants=(
        "base|$tmp/pqsort-base"
        "off|$tmp/pqsort-now"
        "on|$tmp/pqsort-now --trace $tmp/on.json"
        "base, --cutoff $FINE|$tmp/pqsort-base --cutoff $FINE"
        "off, --cutoff $FINE|$tmp/pqsort-now --cutoff $FINE"
        "on, --cutoff $FINE|$tmp/pqsort-now --cutoff $FINE --trace $tmp/on-fine.json"
    )
    TIMEFORMAT='%R %U %S'
    for r in $(seq "$ROUNDS"); do
        for i in "${!variants[@]}"; do
            cmd=${variants[$i]#*|}
            # shellcheck disable=SC2086
            { time nice -n "$NICE" $cmd --size "$N" -t "$THREADS" --seed 1 >"$tmp/out"; } 2>"$tmp/time"
            sort_s=$(sed -n 's/^sorted .* in \([0-9.]*\) s .*/\1/p' "$tmp/out")
            [ -n "$sort_s" ] || { echo "bench-pqsort: no report from: $cmd" >&2; exit 1; }
            # index, wall, sort, CPU (user + sys)
            echo "$i $(awk '{ print $1, "'"$sort_s"'", $2 + $3 }' "$tmp/time")" >>"$tmp/times"
        done
        echo "round $r of $ROUNDS done" >&2
    done
    median() { sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); printf "%.3f", (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }
    least() { sort -g | head -1; }
    col() { awk -v i="$1" -v c="$2" '$1 == i { print $c }' "$tmp/times"; }
    pct() { awk -v s="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (s - b) * 100 / b }'; }
    echo
    echo "| pqsort --size $N -t $THREADS | wall, median (s) | CPU, median (s) | sort, median (s) | sort, min (s) | sort vs base: median, min |"
    echo "|---|---|---|---|---|---|"
    for i in "${!variants[@]}"; do
        name=${variants[$i]%%|*}
        b=$((i / 3 * 3))
        med=$(col "$i" 3 | median)
        min=$(col "$i" 3 | least)
        echo "| $name | $(col "$i" 2 | median) | $(col "$i" 4 | median) | $med | $min | $(pct "$med" "$(col "$b" 3 | median)"), $(pct "$min" "$(col "$b" 3 | least)") |"
    done
    for f in on on-fine; do
        [ -f "$tmp/$f.json" ] && echo "trace $f.json: $(wc -c <"$tmp/$f.json") bytes, $(grep -c '"ph":"X"' "$tmp/$f.json") spans"
    done
    echo "load after: $(uptime | sed 's/.*load average: //')"
    exit 0
fi

command -v hyperfine >/dev/null || { echo "bench-pqsort: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

echo "nproc: $(nproc); threads: $THREADS; load: $(uptime | sed 's/.*load average: //')"

cargo build -q --release -p pqsort
cargo bench -q -p pqsort --bench vs_rayon --no-run 2>/dev/null
bench=$(cargo bench -q -p pqsort --bench vs_rayon --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*vs_rayon[^"]*\)".*/\1/p' | tail -1)
[ -x "$bench" ] || { echo "bench-pqsort: cannot find the vs_rayon bench binary" >&2; exit 1; }

echo
echo "## In memory: 64-bit integers"
args=(--threads "$THREADS" --rounds "$ROUNDS")
[ "${BIG:-0}" = 1 ] && args+=(--big)
[ "${QUICK:-0}" = 1 ] && args+=(--quick)
nice -n "$NICE" "$bench" "${args[@]}"

echo
echo "## Tool mode: $LINES integers, one a line, file to stdout"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$LINES" 'BEGIN { srand(7); for (i = 0; i < n; i++) printf "%.0f\n", int((rand() - 0.5) * 2^52) }' >"$tmp/in.txt"
pq="$TARGET_DIR/release/pqsort"
"$pq" --threads "$THREADS" "$tmp/in.txt" >"$tmp/pq.txt"
sort -n "$tmp/in.txt" >"$tmp/sort.txt"
cmp -s "$tmp/pq.txt" "$tmp/sort.txt" || { echo "bench-pqsort: pqsort and sort -n disagree" >&2; exit 1; }
echo "outputs identical to sort -n"
extra=()
if [ -n "${BUDGET:-}" ]; then
    "$pq" --threads "$THREADS" -S "$BUDGET" -T "$tmp" "$tmp/in.txt" | cmp -s - "$tmp/sort.txt" ||
        { echo "bench-pqsort: pqsort -S $BUDGET and sort -n disagree" >&2; exit 1; }
    extra+=("$pq --threads $THREADS -S $BUDGET -T $tmp $tmp/in.txt")
fi
nice -n "$NICE" hyperfine -N --warmup 1 --runs "$ROUNDS" --style basic --export-markdown "$tmp/hf.md" \
    "$pq --threads $THREADS $tmp/in.txt" \
    "${extra[@]}" \
    "$pq --threads 1 $tmp/in.txt" \
    "sort -n --parallel=$THREADS -S 50% $tmp/in.txt" \
    "sort -n --parallel=1 -S 50% $tmp/in.txt" >/dev/null
sed "s|$tmp/||g; s|$tmp|TMPDIR|g" "$tmp/hf.md"
echo "load after: $(uptime | sed 's/.*load average: //')"
