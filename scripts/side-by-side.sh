#!/usr/bin/env bash
# side-by-side.sh PROGRAM PYFILE [ARGS...]
#
# Runs your own copy of a tutorial's Python program and its Rust twin with the
# same arguments, masks what legitimately differs between two runs, and prints
# a unified diff. Exit 0 when they agree, 1 when they do not, 2 on bad usage.
#
#   scripts/side-by-side.sh primes ~/tutorial/primes.py 100000 2
#   scripts/side-by-side.sh portscanner ~/tutorial/portscanner.py 127.0.0.1 5
#   scripts/side-by-side.sh pqsort ~/tutorial/pqsort.py
#   scripts/side-by-side.sh srvr ~/tutorial/srvr.py [LETTERS...]
#   scripts/side-by-side.sh srvr-threaded ~/tutorial/thsvr.py [LETTERS...]
#
# (python-course's pinger, as printed, pings fifty addresses of a home LAN:
# point your copy at loopback, e.g. 127.0.0.20-69, before running it against
# `pinger --via-ping`.)
#
# The Python: python2 when PYFILE is Python 2 (a `print x` statement, or it
# does not compile as Python 3), else python3. Python 2 is $PYTHON2 if set,
# else `python2`, else `PYENV_VERSION=2.7.18 python2` (pyenv); Python 3 is
# $PYTHON3 if set, else `python3`. Both run unbuffered (-u).
# The Rust: $BIN_DIR/PROGRAM when BIN_DIR is set, else the release binary that
# `cargo build -q --release -p PROGRAM` makes (what `cargo run -q --release -p
# PROGRAM --` runs). Each side is stopped after $SIDE_BY_SIDE_TIMEOUT seconds
# (default 300).
#
# Servers (srvr, srvr-threaded): each server is started on a free port, the
# Rust one with `--bind 127.0.0.1` (your srvr.py binds '' as printed; the
# clients only ever connect to 127.0.0.1), and driven by the same scripted
# clients: one client per LETTERS argument (default: two, `abc` and `xyz`;
# srvr.py takes exactly two), all connected first, then sending one letter
# each in turn and reading back v, then leaving in order the way the
# tutorial's client does on an empty line (it sends nothing and closes).
# srvr-threaded gets NCLNT, the number of clients, after the port. Compared:
# the server's stdout and the clients' transcript.
#
# What is masked, and why it legitimately differs:
# - Timestamps (`ctime()`: `Sun Aug 13 18:16:38 2006`; ISO times) -> <time>.
# - Thread ids and pthread ids (`started 140737...`, 9+ digit numbers) -> <id>,
#   hex addresses -> <addr>, `Thread-3` -> Thread-<n>: they number whatever
#   the runtime made first.
# - The order of lines printed by concurrent threads: both outputs are sorted.
# - What depends on how the threads happened to take turns: primes' `processed
#   N values of k` and pqsort's `visited array N times` (N -> <n>; the
#   tutorial's own runs differ the same way), portscanner's `now active --
#   [...]` list (removed). What does not depend on it is compared instead
#   ("work summed over threads"): the k values all threads processed
#   together, and pqsort's visits per size, which add up to the size.
# - portscanner's `N: need to wait` lines are counted, not compared: they
#   appear only when all MAXTHREADS scanners are still alive when main wants
#   another. The Rust scanners really run at once, so the list fills and Rust
#   runs print them; under the GIL Python's scanners almost never fill it.
# - Torn lines: `print a, b` writes a, the space, b and the newline as
#   separate writes, in Python 2 (the tutorials' Python) as in Python 3's
#   print(a, b), and Python 2 even prints a list item by item, so another
#   thread can print in the middle of a line. Where a program's lines have a
#   known start (`N: attempting check`, `thread T exiting;`), the output is
#   cut again at each start. When the sorted lines still differ, the lines
#   both print are set aside; if every Python line left is torn (fits none of
#   the program's line formats) and the words left are the same on both
#   sides, they agree "but for torn lines", and the script says so. A whole
#   line that differs (`there are 9529 primes`) is always a difference.
set -euo pipefail

usage() {
  echo "usage: side-by-side.sh PROGRAM PYFILE [ARGS...]  (PROGRAM: a crate, e.g. primes, portscanner, srvr)" >&2
  exit 2
}

# --mask PROGRAM: the masking alone, stdin to stdout (used by the tests).
if [ "${1:-}" = "--mask" ]; then
  [ $# -eq 2 ] || usage
  mode=mask
  program=$2
else
  [ $# -ge 2 ] || usage
  mode=run
  program=$1
  pyfile=$2
  shift 2
  [ -f "$pyfile" ] || { echo "side-by-side.sh: $pyfile: no such file" >&2; exit 2; }
fi
case "$program" in
  *[!a-z0-9_-]* | "") echo "side-by-side.sh: bad PROGRAM '$program'" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
py3=${PYTHON3:-python3}
limit=${SIDE_BY_SIDE_TIMEOUT:-300}

# The masks, in Python 3 (present wherever the workspace builds). Reads stdin,
# writes the masked lines, and on stderr `need-to-wait N` for portscanner.
mask_py=$(
  cat <<'PY'
import re, sys
program = sys.argv[1]
text = sys.stdin.read()
# Where each of a program's lines starts: a torn line is cut there again.
starts = {
    "portscanner": r"(?<!\d)\d+: (attempting check|need to wait|starting check|now active --|successfully connected|connection failed)",
    "primes": r"thread \d+ exiting;|there are \d+ primes",
    "pqsort": r"For sorting an array|thread \d+ visited array",
    "sleepers": r"starting threads|start loop \d|loop \d+ done|all DONE|thread \d+ (sleeps|woke)",
}
subs = [
    (r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d:\d\d \d{4}\b", "<time>"),
    (r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?\b", "<time>"),
    (r"\b0x[0-9a-fA-F]{6,}\b", "<addr>"),
    (r"\b\d{9,}\b", "<id>"),
    (r"\bThread-\d+\b", "Thread-<n>"),
]
if program == "primes":
    subs.append((r"processed \d+ values of k", "processed <n> values of k"))
if program == "pqsort":
    subs.append((r"visited array \d+ times", "visited array <n> times"))
if program == "portscanner":
    # The list of live scanners ([<scanner(Thread-3, started 1401...)>]):
    # what it holds is timing. Python 2 prints a list piece by piece ("[",
    # each item, ", ", "]"), so its pieces can land anywhere: remove every
    # thread repr, bracket and comma (no other portscanner line has them).
    subs[:0] = [(r"<\w+\((?:[^()]|\([^()]*\))*\)>", ""), (r"[\[\],]", "")]
if program in starts:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?(?=%s)" % starts[program], "\n", text).strip() + "\n"
# What does not depend on timing, added before the counts are masked: the
# work the threads did, summed (primes: one k per value up to sqrt(n); pqsort:
# one visit per element of each size, as the tutorial's own runs add up).
# They go to stderr as `sum ...` lines, compared by the script; a torn line
# (fewer whole `processed N values` than `processed`) makes the sum unknown.
sums = []
if program == "primes":
    ks = [int(m) for m in re.findall(r"processed (\d+) values of k", text)]
    if ks and len(ks) == text.count("processed"):
        sums.append("sum processed %d values of k" % sum(ks))
    elif ks:
        sums.append("sum torn")
if program == "pqsort":
    size, total = None, 0
    for l in text.splitlines() + ["For sorting an array of size end"]:
        m = re.match(r"For sorting an array of size (\S+)", l)
        if m:
            if size is not None:
                sums.append("sum size %s: visited array %d times" % (size, total))
            size, total = m.group(1), 0
        m = re.match(r"thread \d+ visited array (\d+) times", l)
        if m:
            total += int(m.group(1))
for line in sums:
    sys.stderr.write(line + "\n")
for pat, rep in subs:
    text = re.sub(pat, rep, text, flags=re.M)
lines = [re.sub(r"[ \t]+", " ", l).strip() for l in text.splitlines()]
lines = [l for l in lines if l]
if program == "portscanner":
    waits = [l for l in lines if re.fullmatch(r"\d+: need to wait", l)]
    lines = [l for l in lines if l not in waits]
    sys.stderr.write("need-to-wait %d\n" % len(waits))
sys.stdout.write("".join(l + "\n" for l in lines))
PY
)
mask() { "$py3" -c "$mask_py" "$1"; }

if [ "$mode" = mask ]; then
  mask "$program"
  exit 0
fi

# Which Python.
is_py2() {
  grep -Eq '^[[:space:]]*print([[:space:]]+[^([:space:]=]|[[:space:]]*$)|raw_input\(' "$1" && return 0
  ! "$py3" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' "$1" 2>/dev/null
}
python=()
if is_py2 "$pyfile"; then
  if [ -n "${PYTHON2:-}" ]; then
    python=("$PYTHON2")
  elif python2 -c pass >/dev/null 2>&1; then
    python=(python2)
  elif PYENV_VERSION=2.7.18 python2 -c pass >/dev/null 2>&1; then
    python=(env PYENV_VERSION=2.7.18 python2)
  else
    echo "side-by-side.sh: $pyfile is Python 2, and no python2 runs here (set PYTHON2)" >&2
    exit 1
  fi
else
  python=("$py3")
fi

# Which Rust.
if [ -n "${BIN_DIR:-}" ]; then
  rust="$BIN_DIR/$program"
else
  (cd "$root" && cargo build -q --release -p "$program") || {
    echo "side-by-side.sh: cannot build $program" >&2
    exit 1
  }
  rust="${CARGO_TARGET_DIR:-$root/target}/release/$program"
  case "$rust" in /*) ;; *) rust="$root/$rust" ;; esac
fi
[ -x "$rust" ] || { echo "side-by-side.sh: no binary $rust" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bounded() { timeout --kill-after=5 "$limit" "$@"; }

# The scripted clients and the wait for a listening port, in Python 3.
clients_py=$work/clients.py
cat >"$clients_py" <<'PY'
import socket, sys, time
def listening(port):
    want = ":%04X" % port
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for r in rows:
            f = r.split()
            if f[1].endswith(want) and f[3] == "0A":
                return True
    return False
port = int(sys.argv[2])
if sys.argv[1] == "wait":
    deadline = time.time() + float(sys.argv[3])
    while not listening(port):
        if time.time() > deadline:
            sys.exit("side-by-side.sh: nothing listens on port %d" % port)
        time.sleep(0.05)
    sys.exit(0)
letters = sys.argv[3:]
socks = []
for i in range(len(letters)):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    socks.append(s)
    time.sleep(0.2)  # the servers accept in order; keep the order
v = b""
for r in range(max(len(l) for l in letters)):
    for i, l in enumerate(letters):
        if r >= len(l):
            continue
        k = l[r].encode()
        socks[i].sendall(k)
        v += k
        got = b""
        while len(got) < len(v):
            part = socks[i].recv(1024)
            if not part:
                break
            got += part
        print("client %d sent %s, got back %s" % (i, l[r], got.decode("latin-1")))
for i, s in enumerate(socks):
    s.close()
    print("client %d left" % i)
    time.sleep(0.2)
PY

free_port() {
  "$py3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve NAME CMD...: runs a server on $port, drives it, leaves NAME.out
# (server stdout), NAME.err, NAME.clients.
serve() {
  local name=$1
  shift
  bounded "$@" >"$work/$name.out" 2>"$work/$name.err" &
  local pid=$!
  pids+=("$pid")
  if ! "$py3" "$clients_py" wait "$port" 30 2>>"$work/$name.err"; then
    kill "$pid" 2>/dev/null || true
    echo "(server did not listen)" >>"$work/$name.clients"
    return 0
  fi
  bounded "$py3" "$clients_py" drive "$port" "${letters[@]}" >"$work/$name.clients" 2>&1 || true
  # The server ends when its last client has gone.
  local t=0
  while kill -0 "$pid" 2>/dev/null && [ $t -lt 300 ]; do
    sleep 0.1
    t=$((t + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    echo "(still running 30 s after its clients left: stopped)" >>"$work/$name.err"
  fi
  wait "$pid" 2>/dev/null || true
}

case "$program" in
  srvr | srvr-threaded)
    letters=("$@")
    [ ${#letters[@]} -gt 0 ] || letters=(abc xyz)
    for l in "${letters[@]}"; do
      case "$l" in "" | *[!A-Za-z0-9]*) echo "side-by-side.sh: client letters must be letters or digits: '$l'" >&2; exit 2 ;; esac
    done
    n=${#letters[@]}
    extra=()
    [ "$program" = srvr-threaded ] && extra=("$n")
    port=$(free_port)
    serve python "${python[@]}" -u "$pyfile" "$port" "${extra[@]}"
    port=$(free_port)
    serve rust "$rust" --bind 127.0.0.1 "$port" "${extra[@]}"
    cat "$work/python.clients" "$work/python.out" >"$work/python.raw"
    cat "$work/rust.clients" "$work/rust.out" >"$work/rust.raw"
    shown_py="${python[*]} $pyfile PORT ${extra[*]}"
    shown_rust="$rust --bind 127.0.0.1 PORT ${extra[*]}"
    ;;
  *)
    py_rc=0
    bounded "${python[@]}" -u "$pyfile" "$@" >"$work/python.raw" 2>"$work/python.err" </dev/null || py_rc=$?
    rust_rc=0
    bounded "$rust" "$@" >"$work/rust.raw" 2>"$work/rust.err" </dev/null || rust_rc=$?
    shown_py="${python[*]} $pyfile $*"
    shown_rust="$rust $*"
    ;;
esac

mask "$program" <"$work/python.raw" 2>"$work/python.notes" | LC_ALL=C sort >"$work/python.txt"
mask "$program" <"$work/rust.raw" 2>"$work/rust.notes" | LC_ALL=C sort >"$work/rust.txt"

echo "python: $shown_py"
echo "rust:   $shown_rust"
if [ "$program" = portscanner ]; then
  pw=$(sed -n 's/^need-to-wait //p' "$work/python.notes")
  rw=$(sed -n 's/^need-to-wait //p' "$work/rust.notes")
  echo "need to wait: python ${pw:-0} lines, rust ${rw:-0} (not compared: whether main finds MAXTHREADS scanners alive depends on how the threads took turns)"
fi
for side in python rust; do
  rc_var=${side}_rc
  if [ -n "${!rc_var:-}" ] && [ "${!rc_var}" != 0 ]; then
    echo "$side exited with status ${!rc_var}; its stderr:"
    sed 's/^/  /' "$work/$side.err" | head -20
  fi
done

# The sums of the work the threads did (primes, pqsort): not timing, so compared.
grep '^sum ' "$work/python.notes" >"$work/python.sums" || true
grep '^sum ' "$work/rust.notes" >"$work/rust.sums" || true
sums_agree=1
if [ -s "$work/python.sums" ] || [ -s "$work/rust.sums" ]; then
  if grep -q '^sum torn' "$work/python.sums" "$work/rust.sums"; then
    echo "work summed over threads: not compared (a line was torn)"
  elif cmp -s "$work/python.sums" "$work/rust.sums"; then
    echo "work summed over threads: the same ($(sed 's/^sum //' "$work/rust.sums" | paste -sd ';' | sed 's/;/; /g'))"
  else
    sums_agree=0
    echo "work summed over threads differs:"
    diff -u --label python --label rust "$work/python.sums" "$work/rust.sums" | sed 's/^/  /'
  fi
fi
if ! [ -s "$work/python.txt" ] && ! [ -s "$work/rust.txt" ]; then
  echo "differ: neither printed anything"
  exit 1
fi
if diff -u --label "python (masked, sorted)" --label "rust (masked, sorted)" "$work/python.txt" "$work/rust.txt" >"$work/diff" && [ $sums_agree = 1 ]; then
  echo "agree: $(wc -l <"$work/rust.txt") lines"
  exit 0
fi
# Torn lines: the lines both sides print are set aside; every Python line
# left must be torn (match none of the program's line formats: a whole line
# that differs is a real difference), and the words left on both sides must
# be the same. The Python's text is cut into the Rust's words, as a torn line
# glues one thread's `processed` to another's `thread`.
torn_agree() {
  "$py3" - "$work/python.txt" "$work/rust.txt" "$program" <<'PY'
import collections, re, sys
py = open(sys.argv[1]).read().splitlines()
rs = open(sys.argv[2]).read().splitlines()
program = sys.argv[3]
formats = {
    "portscanner": r"\d+: (attempting check|need to wait|starting check|now active --|successfully connected|connection failed)",
    "primes": r"thread \d+ exiting; processed (\d+|<n>) values of k|there are \d+ primes",
    "pqsort": r"For sorting an array of size \d+|thread \d+ visited array (\d+|<n>) times",
    "sleepers": r"starting threads\.\.\.|start loop \d+ at: <time>|loop \d+ done at: <time>|all DONE at: <time>|thread \d+ (sleeps for \d+ seconds|woke up)",
}
if program not in formats:
    sys.exit(1)
common = collections.Counter(py) & collections.Counter(rs)
py_left = list((collections.Counter(py) - common).elements())
rs_left = list((collections.Counter(rs) - common).elements())
if any(re.fullmatch(formats[program], l) for l in py_left):
    sys.exit(1)
counting = program in ("primes", "pqsort")
def norm(t):
    return re.sub(r"\d+", "<n>", t) if counting else t
vocab = sorted({w for l in rs_left for w in norm(l).split()}, key=len, reverse=True)
def cut(text):
    text = re.sub(r"\s+", "", norm(text))
    out, i = [], 0
    while i < len(text):
        m = re.match(r"\d+", text[i:])
        w = m.group(0) if m else next((v for v in vocab if text.startswith(v, i)), text[i])
        out.append(w)
        i += len(w)
    return sorted(out)
sys.exit(0 if cut(" ".join(py_left)) == cut(" ".join(rs_left)) else 1)
PY
}
if [ $sums_agree = 1 ] && torn_agree; then
  cat "$work/diff"
  echo "agree but for torn lines: the lines above differ only where the Python's print was torn between threads (it writes each item separately); the words are the same"
  exit 0
fi
cat "$work/diff"
for side in python rust; do
  if [ -s "$work/$side.err" ]; then
    echo "$side's stderr:"
    head -10 "$work/$side.err" | sed 's/^/  /'
  fi
done
echo "differ"
exit 1
