#!/usr/bin/env bash
# Smoke test of the smaller tutorial programs, the binaries of
# crates/snippets: runs each once and checks its output. No network at all.
#
# Expects `cargo build --release -p snippets` to have run; the binaries are
# taken from $BIN (the release directory, as for the other smoke scripts),
# else ${CARGO_TARGET_DIR:-target}/release. About 5 s.
set -euo pipefail

cd "$(dirname "$0")/../.."
EX=${BIN:-${CARGO_TARGET_DIR:-target}/release}
failures=0
for name in t1-matloff-3-2-enumerate t1-matloff-4-3-notify t1-matloff-7-4-gil \
    t1-matloff-b-generators t2-chun-1-bar t2-chun-2-thread-objects t2-chun-3-daemon t2-chun-4-timer \
    t3-pycourse-1-heron t3-pycourse-2-heron-racy t3-pycourse-3-heron-fixed \
    t3-pycourse-4-prime-number t3-pycourse-5-prime-number-lock \
    t4-ojo-1-do-some-work t4-ojo-2-fibonacci t4-ojo-3-bank-account t4-ojo-4-locks \
    t4-ojo-5-rlock t4-ojo-6-semaphore t4-ojo-7-event t4-ojo-8-condition t4-ojo-9-queue \
    t5-ghl3-1-pool; do
    if [[ ! -x $EX/$name ]]; then
        echo "snippets smoke: $EX/$name not found (run: cargo build --release -p snippets)" >&2
        exit 1
    fi
done
OUT=$(mktemp) ERR=$(mktemp)
trap 'rm -f "$OUT" "$ERR"' EXIT

fail() { echo "FAIL $name: $*" >&2; echo "--- stdout" >&2; head -40 "$OUT" >&2; echo "--- stderr" >&2; head -20 "$ERR" >&2; failures=$((failures + 1)); }
ok() { echo "ok   $name"; }

# run NAME [ARGS...]: runs the example with stdin from $INPUT (default empty),
# a 20 s limit, stdout in $OUT, stderr in $ERR, exit status in $rc.
run() {
    name=$1; shift
    local bin="$EX/$name"
    rc=0
    printf '%b' "${INPUT:-}" | timeout 20 "$bin" "$@" >"$OUT" 2>"$ERR" || rc=$?
}
has() { grep -qF -- "$1" "$OUT" || { fail "stdout lacks: $1"; return 1; }; }
has_err() { grep -qF -- "$1" "$ERR" || { fail "stderr lacks: $1"; return 1; }; }
lines() { local n; n=$(grep -cF -- "$1" "$OUT" || true); [[ $n == "$2" ]] || { fail "$n lines with '$1', want $2"; return 1; }; }
status() { [[ $rc == "$1" ]] || { fail "exit status $rc, want $1"; return 1; }; }
# want DESCRIPTION COMMAND...: fails with DESCRIPTION unless COMMAND succeeds.
want() { local d=$1; shift; "$@" || { fail "$d"; return 1; }; }
count() { grep -oF -- "$1" "$OUT" | wc -l; }

# --- Matloff -------------------------------------------------------------------
run t1-matloff-3-2-enumerate
status 0 && want "output differs" [ "$(cat "$OUT")" = "[<_MainThread(MainThread, started)>, <srvr(Thread-1, started)>, <srvr(Thread-2, started)>]
[<_MainThread(MainThread, started)>]" ] && ok

run t1-matloff-4-3-notify
status 0 && has "3 threads wait on the condition" && has "; 2 still waiting" \
    && has "notifyAll(): 2 threads woke" && ok

run t1-matloff-7-4-gil --steps 2000000
status 0 && has "(the GIL): " && has "free threads (no GIL): " && ok && sed -n '2,5s/^/     /p' "$OUT"

run t1-matloff-b-generators
status 0 && has "final balance 150, expected 150" && ok
run t1-matloff-b-generators --yield-between
name=t1-matloff-b-generators--yield-between
status 0 && has "final balance -150, expected 150" && ok

# --- Chun ----------------------------------------------------------------------
run t2-chun-1-bar
status 0 && want "want foo" [ "$(cat "$OUT")" = foo ] && ok

run t2-chun-2-thread-objects
status 0 && has "after start: worker-1 is_alive() = True" && has "enumerate(): main, worker-1, worker-2" \
    && has "after it ended: worker-2 is_alive() = False" \
    && want "finished threads enumerated" [ "$(grep enumerate "$OUT" | tail -1)" = "enumerate(): main" ] && ok

SECONDS=0
run t2-chun-3-daemon
status 0 && has "worker: done" && has "exiting without waiting for the daemon" \
    && has "daemon: tick 1" && want "daemon kept the process alive" [ "$SECONDS" -lt 5 ] && ok

run t2-chun-4-timer
status 0 && has "timer 1 fired after 0.2 s" && has "timer 1 ran: True, timer 2 ran: False" \
    && want "cancelled timer fired" [ "$(count "timer 2 fired")" -eq 0 ] && ok

# --- python-course ---------------------------------------------------------
name=t3-pycourse-1-heron; rc=0
{ sleep 0.5; echo; } | timeout 20 "$EX/t3-pycourse-1-heron" >"$OUT" 2>"$ERR" || rc=$?
status 0 && has "Type something to quit." && has "1 50.0" \
    && has "9.949874371188393 9.9498743710662" \
    && has "31.606961258558748 31.606961258558215" \
    && has "41.62931659471749 41.6293165929973" && ok

run t3-pycourse-2-heron-racy
status 0 && has_err "main stopped waiting after" && has_err "threads had finished" && ok

run t3-pycourse-3-heron-fixed
status 0 && has "9.949874371188393 9.9498743710662" \
    && has "31.606961258558748 31.606961258558215" \
    && has "41.62931659471749 41.6293165929973" \
    && want "want 28 lines" [ "$(wc -l <"$OUT")" -eq 28 ] && ok
run t3-pycourse-3-heron-fixed -- -1
name=t3-pycourse-3-heron-fixed-bad-arg
status 2 && has_err "not a positive number" && ok

INPUT='17\n12\n9\n1\n0\n99\n' run t3-pycourse-4-prime-number
status 0 && has "17 is a prime number" && has "12 is no prime number, because 12 = 2 * 6" \
    && has "9 is no prime number, because 9 = 3 * 3" && has "1 is no prime number" \
    && want "read past 0" [ "$(count "99")" -eq 0 ] \
    && want "want 5 prompts" [ "$(count "number: ")" -eq 5 ] && ok
INPUT='9\n' run t3-pycourse-4-prime-number --as-written
name=t3-pycourse-4-prime-number--as-written
status 0 && has "9 is a prime number" && ok
INPUT='7\nabc\n' run t3-pycourse-4-prime-number
name=t3-pycourse-4-prime-number-bad-input
status 1 && has "7 is a prime number" && has_err 'not a whole number: "abc"' \
    && want "one error line" [ "$(wc -l <"$ERR")" -eq 1 ] && ok

INPUT='17\n12\n9\n17\n-5\n' run t3-pycourse-5-prime-number-lock
status 0 && has "{17: True, 12: False, 9: False}" && ok

# --- Ojo ---------------------------------------------------------------------
run t4-ojo-1-do-some-work
status 0 && want "output differs" [ "$(cat "$OUT")" = $'doing some work in thread\necho: text\ndone' ] && ok

run t4-ojo-2-fibonacci
status 0 && want "want 34 and 144" [ "$(sort "$OUT" | tr '\n' ' ')" = "144 34 " ] && ok

# The racy run may lose any number (0 included: it depends on the scheduler);
# the fixed ones must lose none.
run t4-ojo-3-bank-account
status 0 && has "slide: deposit 100 and withdraw 50 on two threads: balance" \
    && want "racy line" grep -Eq '^racy \(load, then store\): balance -?[0-9]+, expected 250000000: lost [0-9]+ of 10000000 updates$' "$OUT" \
    && has "lock (Mutex): balance 250000000, expected 250000000: lost 0 of 10000000 updates" \
    && has "atomic (fetch_add): balance 250000000, expected 250000000: lost 0 of 10000000 updates" \
    && ok && grep '^racy' "$OUT" | sed 's/^/     /'

run t4-ojo-4-locks
status 0 && has "acquire/release: counter = 1" && has "the lock was released (and poisoned)" \
    && has "with: counter = 3" && has "could not acquire lock, do other stuff" \
    && has "acquire(False) when free: lock acquired, counter = 4" \
    && has "locked() check: the lock is free" \
    && want "stale locked() not shown" grep -Eq 'yet acquire\(\) then waited ([5-9][0-9]|[1-9][0-9]{2,}) ms' "$OUT" && ok

run t4-ojo-5-rlock
status 0 && has "would block forever" && has "balance 200" && ok

run t4-ojo-6-semaphore
status 0 && has "released once more than acquired, value 2 (allowed)" \
    && want "more than 3 inside" grep -Eq 'at most [123] inside at once' "$OUT" \
    && has "extra release: ValueError: Semaphore released too many times" && ok

run t4-ojo-7-event
status 0 && lines "the flag is set, going on" 3 && has "is_set() = False" \
    && has "after clear() returned False" && ok

run t4-ojo-8-condition
status 0 && lines "consumed item" 10 && lines "produced item" 10 \
    && want "consumed out of order" [ "$(grep '^consumed item' "$OUT" | tr -dc '0-9')" = 0123456789 ] \
    && has "all 10 items consumed" && ok

run t4-ojo-9-queue
status 0 && lines "consumer: got item-" 10 \
    && want "join returned before all items were done" [ "$(tail -1 "$OUT")" = "queue.join() returned: all 10 items processed" ] && ok

# --- ghl3 ------------------------------------------------------------------------
run t5-ghl3-1-pool --workers 3 --delay-ms 20
status 1 && has_err 'item "oops" failed' && has "13 items: 12 done, 1 failed" \
    && has "1 -> 1" && has "12 -> 144" && lines "worker " 3 && ok
run t5-ghl3-1-pool -j 2 --delay-ms 0 3 4
name=t5-ghl3-1-pool-all-good
status 0 && has "2 items: 2 done, 0 failed" && ok
name=t5-ghl3-1-pool-ctrl-c
"$EX/t5-ghl3-1-pool" --workers 2 --delay-ms 300 $(seq 1 40) >"$OUT" 2>"$ERR" &
pid=$!
sleep 0.5
kill -INT "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"; fail "still running 5 s after Ctrl-C"
else
    rc=0; wait "$pid" || rc=$?
    status 130 && has_err "interrupted:" && has "results (" && ok
fi

if (( failures > 0 )); then
    echo "snippets smoke: $failures failure(s)" >&2
    exit 1
fi
echo "snippets smoke: all passed"
