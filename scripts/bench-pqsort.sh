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
set -euo pipefail

THREADS=${THREADS:-$(nproc)}
ROUNDS=${ROUNDS:-5}
LINES=${LINES:-2000000}
NICE=${NICE:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

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
