#!/usr/bin/env bash
# Smoke test for pqsort (Matloff 6): tutorial mode, --size on every input
# shape, sorting stdin, and the error exits. Expects BIN=<dir with binaries>.
set -euo pipefail
BIN=${BIN:-target/release}
PQ="$BIN/pqsort"
fail() { echo "smoke pqsort: $*" >&2; exit 1; }
[ -x "$PQ" ] || fail "no binary at $PQ (build with cargo build --release first)"

# Tutorial mode: 10 sizes, 5 threads each.
out=$("$PQ")
[ "$(grep -c '^For sorting an array of size [0-9]*$' <<<"$out")" = 10 ] || fail "tutorial: size lines: $out"
[ "$(grep -cE '^thread [1-5] visited array [0-9]+ times$' <<<"$out")" = 50 ] || fail "tutorial: thread lines"
head -1 <<<"$out" | grep -qx 'For sorting an array of size 100' || fail "tutorial: first line"
# The listing's algorithm: each size's visit counts add up to the size.
sums=$(awk '/^For sorting/ { if (n) print n, s; n = $NF; s = 0 } /visited array/ { s += $5 } END { print n, s }' <<<"$out" |
  awk '$1 != $2 { bad = 1 } END { print bad ? "bad" : "ok" }')
[ "$sums" = ok ] || fail "tutorial: visit counts do not add up to the sizes: $out"

# Tool mode on generated data.
for shape in random sorted reverse equal few-unique; do
  "$PQ" --size 1000000 --input "$shape" --seed 1 | tail -1 |
    grep -q "^sorted 1000000 $shape integers with [0-9]* threads in .* (checked: in order, same elements)$" ||
    fail "--size --input $shape"
done

# Sorting integers from stdin, like sort -n.
got=$(printf ' 10\n-3\n\n+7\n0\n' | "$PQ" - | tr '\n' ' ')
[ "$got" = "-3 0 7 10 " ] || fail "stdin sort gave '$got'"

# Integers of any length (u64 above i64::MAX, 30 digits): same as sort -n.
tmp=$(mktemp -d)
for i in $(seq 2000); do
  case $((i % 3)) in
    0) printf '%d%05d%05d%05d\n' $((RANDOM % 9 + 1)) $RANDOM $RANDOM $RANDOM ;;
    1) printf -- '-%d%05d%05d%05d%05d%05d%05d\n' $((RANDOM % 9 + 1)) $RANDOM $RANDOM $RANDOM $RANDOM $RANDOM $RANDOM ;;
    2) printf '1844674407370955%04d\n' $((RANDOM % 10000)) ;;
  esac
done >"$tmp/big.txt"
"$PQ" "$tmp/big.txt" >"$tmp/pq.txt" || fail "big integers: exit $?"
sort -n "$tmp/big.txt" | cmp -s - "$tmp/pq.txt" || fail "big integers: differs from sort -n"
# Past a memory budget (-S): sorted runs on disk, merged; nothing left behind.
mkdir "$tmp/runs"
"$PQ" -S 64K -T "$tmp/runs" "$tmp/big.txt" | cmp -s - "$tmp/pq.txt" || fail "-S 64K: differs from in memory"
[ -z "$(ls -A "$tmp/runs")" ] || fail "-S 64K: temporary files left behind"
rm -rf "$tmp"

# A closed stdout is an error, not an empty success.
if "$PQ" --size 10 >&- 2>/dev/null; then fail "closed stdout: exit 0"; fi

# Bad line: exit 1, names the line, writes nothing.
set +e
out=$(printf '1\n2\nthree\n' | "$PQ" - 2>/tmp/pqsort-smoke-err.$$); rc=$?
set -e
[ "$rc" = 1 ] && [ -z "$out" ] && grep -q 'line 3' /tmp/pqsort-smoke-err.$$ || fail "bad line: rc=$rc out='$out'"
rm -f /tmp/pqsort-smoke-err.$$

# Bad arguments: exit 2.
if "$PQ" --threads 0 2>/dev/null; then fail "--threads 0 accepted"; else [ $? = 2 ] || fail "--threads 0: not exit 2"; fi
echo "smoke pqsort: ok"
