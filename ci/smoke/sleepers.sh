#!/usr/bin/env bash
# sleepers: mtsleep3/4/5 at a hundredth of the time, then the ten sleepers,
# then a bad argument. Expects BIN=<dir with binaries>.
set -euo pipefail
BIN=${BIN:-target/release}
S="$BIN/sleepers"
fail() { echo "smoke sleepers: $*" >&2; exit 1; }
[ -x "$S" ] || fail "no binary at $S (build with cargo build --release first)"

out=$("$S" --scale 0.01)
[ "$(head -1 <<<"$out")" = "starting threads..." ] || fail "first line: $out"
grep -Eq '^loop 1 done at: [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}$' <<<"$out" ||
  fail "no ctime-stamped 'loop 1 done' line: $out"
tail -1 <<<"$out" | grep -q '^all DONE at: ' || fail "last line: $out"
for style in callable subclass; do
  out=$("$S" --style "$style" --names --scale 0.01)
  grep -q 'start loop 0 at: .* \[' <<<"$out" || fail "--style $style --names: $out"
done
n=$("$S" --sleeper --scale 0.01 | grep -c 'woke up') || true
[ "$n" = 10 ] || fail "--sleeper: $n threads woke up, want 10"
code=0
"$S" --loops x 2>/dev/null || code=$?
[ "$code" = 2 ] || fail "--loops x exited with $code, want 2"
code=0
"$S" --sleeper --loops 1 2>/dev/null || code=$?
[ "$code" = 2 ] || fail "--sleeper --loops 1 exited with $code, want 2"
code=0
err=$("$S" --scale 0.001 2>&1 >/dev/full) || code=$?
[ "$code" = 1 ] && [ "$err" = "sleepers: cannot write to stdout: No space left on device" ] ||
  fail ">/dev/full: exit $code, stderr: $err"
echo "smoke sleepers: ok"
