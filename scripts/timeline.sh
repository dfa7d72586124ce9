#!/usr/bin/env bash
# scripts/timeline.sh PROGRAM PYFILE [ARGS...]
#
# Runs the reader's Python program under VizTracer and its Rust twin with
# --trace, both with the same ARGS, and draws both traces on one page
# (target/timeline/PROGRAM.html unless TIMELINE_DIR is set): the Python
# above, the Rust below, on one time axis. Example, from the workspace root:
#
#   scripts/timeline.sh primes crates/timeline/tests/data/primes3.py 1000000 2
#
# VizTracer runs on Python 3 only. The tutorials' listings are Python 2
# (print statements, the `thread` module), which Python 3 cannot even
# parse; for such a file this script says so and draws the Rust trace alone.
# Hand it a Python 3 version of the program to compare (the one above is
# Matloff section 5's sieve, written for Python 3).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: scripts/timeline.sh PROGRAM PYFILE [ARGS...]" >&2
    exit 2
fi
prog=$1
py=$2
shift 2
if [ ! -f "$py" ]; then
    echo "timeline.sh: no such file: $py" >&2
    exit 2
fi
out=${TIMELINE_DIR:-target/timeline}
mkdir -p "$out"
limit=${TIMELINE_TIMEOUT:-600}

python=python3
if ! $python -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' "$py" 2>/dev/null; then
    echo "timeline.sh: $py is not Python 3 (a Python 2 listing, as the tutorials print them?)." >&2
    echo "timeline.sh: VizTracer runs only on Python 3, so there is no Python band; pass a" >&2
    echo "timeline.sh: Python 3 version of the program to see both. Drawing the Rust trace alone." >&2
    py=""
fi
if [ -n "$py" ] && ! $python -c 'import viztracer' 2>/dev/null; then
    echo "timeline.sh: installing VizTracer (pip install viztracer)" >&2
    $python -m pip install --quiet viztracer
fi

cargo build -q --release -p "$prog" -p timeline
bin="${CARGO_TARGET_DIR:-target}/release"

traces=()
titles=()
if [ -n "$py" ]; then
    echo "== python3 $(basename "$py") $* (under VizTracer)"
    timeout "$limit" $python -m viztracer --quiet -o "$out/$prog-python.json" "$py" "$@"
    traces+=("$out/$prog-python.json")
    titles+=(-t "Python 3: $(basename "$py") $* (VizTracer)")
fi
echo "== $prog $* --trace"
timeout "$limit" "$bin/$prog" "$@" --trace "$out/$prog-rust.json"
traces+=("$out/$prog-rust.json")
titles+=(-t "Rust: $prog $*")

"$bin/timeline" "${traces[@]}" "${titles[@]}" -o "$out/$prog.html" >/dev/null
echo "traces: ${traces[*]}"
echo "page: $out/$prog.html"
