//! Bernd Klein, python-course.eu, "Threads in Python", section "The thread
//! Module", "We expand the previous example with counters for the threads"
//! (here `heron_count.py`): each heron thread does `num_threads += 1` at its
//! start and `num_threads -= 1` at its end, and main busy-waits in `while
//! num_threads > 0: pass`. The page then explains ("The script above doesn't
//! work the way we might expect it to work. What is wrong?") why this is
//! wrong twice over: main may test the counter before any thread has
//! incremented it, and `+=` is a read, an add and a write, so two threads can
//! both read 0 and both write 1.
//!
//! Rust changes: a plain shared `static mut` counter would not compile in safe
//! Rust, so the racy read-then-write is written out as an atomic `load`
//! followed by a separate `store`: each step is atomic, the pair is not, which
//! is exactly Python's `+=` between two bytecodes. The busy `pass` loop
//! becomes a 1 ms sleep loop, bounded at 5 s because a lost decrement would
//! leave the Python spinning forever. After the wait, main reports on stderr
//! what it saw; as in Python, returning from main kills the threads still
//! running, so stdout is usually cut short or empty: that is the bug being
//! shown. Python 3 semantics. The fixed program is `t3-pycourse-3-heron-fixed`.
//!
//! Modern CPython rarely shows the lost update: since 3.10 it switches
//! threads only at calls and loop back-edges, and `num_threads += 1` has
//! neither inside it (`sys.setswitchinterval` in 3.x, `sys.setcheckinterval`
//! in Python 2, change how often a switch can come, not where); the
//! free-threaded 3.13t loses updates again. These Rust threads really run at
//! once. The README's "smaller tutorial programs" section has the figures.
//!
//! `cargo run -p snippets --bin t3-pycourse-2-heron-racy`

use clap::Parser;
use common::cli;
use snippets::heron;
use snippets::threads::Threads;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

/// The tutorial's racy thread counter: main may stop before the threads ran.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Numbers to take the square root of [default: 99 999 1733 17334]
    numbers: Vec<f64>,
}

// heron_count.py  num_threads = 0
static NUM_THREADS: AtomicI64 = AtomicI64::new(0);
/// Counted correctly (`fetch_add`), only for the report.
static FINISHED: AtomicUsize = AtomicUsize::new(0);

/// `num_threads += 1` as Python executes it: read, then write back.
fn racy_add(delta: i64) {
    let n = NUM_THREADS.load(SeqCst);
    NUM_THREADS.store(n + delta, SeqCst);
}

fn main() {
    let cli: Cli = cli::parse();
    let numbers = heron::numbers(cli.numbers, &[99.0, 999.0, 1733.0, 17334.0]);
    let started = numbers.len();
    let mut threads = Threads::new();
    // heron_count.py  start_new_thread(heron,(99,))
    // heron_count.py  start_new_thread(heron,(999,))
    // heron_count.py  start_new_thread(heron,(1733,))
    // heron_count.py  start_new_thread(heron,(17334,))
    for a in numbers {
        // heron_count.py  def heron(a):
        let spawned = threads.spawn(move || {
            // heron_count.py  global num_threads
            // heron_count.py  num_threads += 1
            racy_add(1);
            // heron_count.py  # code has been left out, see above
            heron::heron(a);
            // heron_count.py  num_threads -= 1
            racy_add(-1);
            FINISHED.fetch_add(1, SeqCst);
            // heron_count.py  return new
        });
        if let Err(e) = spawned {
            cli::fail(format!("cannot start a thread: {e}"));
        }
    }
    let t0 = Instant::now();
    // heron_count.py  while num_threads > 0: pass
    while NUM_THREADS.load(SeqCst) > 0 && t0.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let n = NUM_THREADS.load(SeqCst);
    let finished = FINISHED.load(SeqCst);
    cli::warn(format_args!(
        "main stopped waiting after {} ms with num_threads = {n}; \
         {finished} of {} had finished",
        t0.elapsed().as_millis(),
        snippets::count(started as u64, "thread")
    ));
    if n > 0 {
        cli::warn("an update was lost: the Python would spin forever");
    } else if finished < started {
        cli::warn("main exits now and kills the unfinished threads");
    }
    // Returning kills the threads still running, as in Python.
    common::out::exit(0)
}
