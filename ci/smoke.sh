#!/usr/bin/env bash
# Runs every program of the workspace once, end to end, with small arguments,
# over loopback only, and checks its output: one script per program in
# ci/smoke/. Each gets BIN, the directory of the release binaries.
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build --release --workspace --bins --examples --quiet || exit 1
export BIN="${CARGO_TARGET_DIR:-$PWD/target}/release"
export EXAMPLES="$BIN/examples"
passed=0 failed=0 failures=()
for script in ci/smoke/*.sh; do
  name=$(basename "$script" .sh)
  printf -- '--- smoke %s\n' "$name"
  start=$(date +%s)
  if timeout 180 bash "$script"; then
    passed=$((passed + 1))
    printf -- '--- ok %s (%ss)\n' "$name" "$(($(date +%s) - start))"
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf -- '--- FAILED %s\n' "$name"
  fi
done
((failed)) && printf 'failed: %s\n' "${failures[*]}"
echo "smoke: $passed passed, $failed failed"
((failed == 0))
