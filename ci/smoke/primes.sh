#!/usr/bin/env bash
# Smoke test for primes (Matloff 5): tutorial mode, --segmented, --list and
# the usage errors. Expects BIN=<dir with binaries>.
set -euo pipefail
BIN=${BIN:-target/release}
P="$BIN/primes"
fail() { echo "smoke primes: $*" >&2; exit 1; }
[ -x "$P" ] || fail "no binary at $P (build with cargo build --release first)"

# Tutorial mode, the design card's command: two thread lines, then the count.
out=$("$P" 100000 2)
[ "$(grep -cE '^thread [01] exiting; processed [0-9]+ values of k$' <<<"$out")" = 2 ] || fail "tutorial thread lines: $out"
[ "$(tail -1 <<<"$out")" = "there are 9592 primes" ] || fail "tutorial count: $out"
ks=$(awk '/values of k$/ { s += $(NF - 3) } END { print s }' <<<"$out")
[ "$ks" = 315 ] || fail "tutorial: values of k add up to $ks, not 315"

# Fast mode.
out=$("$P" --segmented 1e8 2)
[ "$(grep -cE '^thread [01] exiting; processed [0-9]+ segments$' <<<"$out")" = 2 ] || fail "segmented thread lines: $out"
[ "$(tail -1 <<<"$out")" = "there are 5761455 primes" ] || fail "segmented count: $out"

# --trace with --segmented: the run spans' segments add up to the printed ones.
tdir=$(mktemp -d); trap 'rm -rf "$tdir"' EXIT
out=$("$P" --segmented 1e9 2 --trace "$tdir/s.json")
want=$(awk '/segments$/ { s += $(NF - 1) } END { print s }' <<<"$out")
got=$(python3 -c 'import json, sys
ev = json.load(open(sys.argv[1]))
ev = ev["traceEvents"] if isinstance(ev, dict) else ev
print(sum(int(e["name"].split(": ")[1].split()[0]) for e in ev if e.get("ph") == "X" and e["name"].startswith("run ")))' "$tdir/s.json")
[ "$got" = "$want" ] || fail "--segmented --trace: run spans cover $got segments, the threads say $want"

# Big values, in release (too slow for the debug test build): pi(1e12), and
# pi(2^40) as pi(1e12) plus a range count (so ranges are checked too).
# About a minute on 2 cores; SMOKE_QUICK=1 skips it.
if [ "${SMOKE_QUICK:-0}" != 1 ]; then
  out=$("$P" --segmented 1e12 2)
  [ "$(tail -1 <<<"$out")" = "there are 37607912018 primes" ] || fail "pi(1e12): $out"
  out=$("$P" --segmented 1000000000001..1099511627776 2)
  [ "$(tail -1 <<<"$out")" = "there are $((41203088796 - 37607912018)) primes" ] || fail "pi(2^40) - pi(1e12): $out"
fi

# Ranges against primesieve (CI installs it with apt).
if command -v primesieve >/dev/null; then
  for r in "0 1000" "1000000000000 1000010000000" "1000000000000000 1000000010000000"; do
    set -- $r
    want=$(primesieve "$1" "$2" -c -q)
    got=$("$P" --segmented "$1..$2" 2 | tail -1)
    [ "$got" = "there are $want primes" ] || fail "range $1..$2: '$got', primesieve says $want"
  done
  cmp -s <("$P" --list 1e12..1000001000000 2>/dev/null) <(primesieve 1e12 1000001000000 -p) || fail "--list of a range differs from primesieve -p"
elif [ -n "${CI:-}" ]; then
  fail "primesieve is not installed (apt-get install primesieve)"
else
  echo "smoke primes: SKIPPED the primesieve comparisons (not installed)" >&2
fi

# --list: primes on stdout, in order; report on stderr.
got=$("$P" --list 30 2>/dev/null | paste -sd' ')
[ "$got" = "2 3 5 7 11 13 17 19 23 29" ] || fail "--list 30 gave '$got'"
[ "$("$P" --list 1e7 2>/dev/null | wc -l)" = 664579 ] || fail "--list 1e7 count"
[ "$("$P" --list 1e7 2>/dev/null | tail -1)" = 9999991 ] || fail "--list 1e7 last prime"

# Bad arguments: one line, exit 2.
for args in "abc" "-5" "1e99" "" "100 0"; do
  set +e
  # shellcheck disable=SC2086
  err=$("$P" $args 2>&1 >/dev/null); rc=$?
  set -e
  [ "$rc" = 2 ] || fail "'$args': exit $rc, not 2"
  [ "$(wc -l <<<"$err")" = 1 ] || fail "'$args': not one line: $err"
done
echo "smoke primes: ok"
