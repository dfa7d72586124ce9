#!/usr/bin/env bash
# sleepers: mtsleep3/4/5 at a hundredth of the time, then the ten sleepers.
set -euo pipefail
out=$("$BIN/sleepers" --scale 0.01)
echo "$out"
[ "$(echo "$out" | head -1)" = "starting threads..." ]
echo "$out" | grep -Eq '^loop 1 done at: [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}$'
echo "$out" | tail -1 | grep -q '^all DONE at: '
for style in callable subclass; do
  "$BIN/sleepers" --style "$style" --names --scale 0.01 | grep -q 'start loop 0 at: .* \[' 
done
n=$("$BIN/sleepers" --sleeper --scale 0.01 | grep -c 'woke up')
[ "$n" = 10 ]
if "$BIN/sleepers" --loops x 2>/dev/null; then exit 1; else [ $? = 2 ]; fi
