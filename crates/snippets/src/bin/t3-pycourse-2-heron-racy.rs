//! python-course-threads.txt, "We expand the previous example with counters
//! for the threads" (characters 7643-8060 of that one-line file): each heron
//! thread does `num_threads += 1` at its start and `num_threads -= 1` at its
//! end, and main busy-waits for `num_threads` to fall to 0. The text explains why
//! this is wrong twice over (characters 8060-9299): main may test the counter
//! before any thread has incremented it, and `+=` is a read, an add and a
//! write, so two threads can both read 0 and both write 1.
//!
//! Rust changes: a plain shared `static mut` counter would not compile in safe
//! Rust, so the racy read-then-write is written out as an atomic `load`
//! followed by a separate `store`: each step is atomic, the pair is not, which
//! is exactly Python's `+=` under the GIL. The busy `pass` loop becomes a 1 ms
//! sleep loop, bounded at 5 s because a lost decrement would leave the Python
//! spinning forever. After the wait, main reports on stderr what it saw; as in
//! Python, returning from main kills the threads still running, so stdout is
//! usually cut short or empty: that is the bug being shown. Python 3
//! semantics. The fixed program is `heron_fixed`.
//!
//! `cargo run -p common --example heron_racy`

use snippets::heron;

use clap::Parser;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

/// The tutorial's racy thread counter: main may stop before the threads ran.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Numbers to take the square root of [default: 99 999 1733 17334]
    numbers: Vec<f64>,
}

static NUM_THREADS: AtomicI64 = AtomicI64::new(0);
/// Counted correctly (`fetch_add`), only for the report.
static FINISHED: AtomicUsize = AtomicUsize::new(0);

/// `num_threads += 1` as Python executes it: read, then write back.
fn racy_add(delta: i64) {
    let n = NUM_THREADS.load(SeqCst);
    NUM_THREADS.store(n + delta, SeqCst);
}

fn main() {
    let cli: Cli = common::cli::parse();
    let numbers = heron::numbers(cli.numbers, &[99.0, 999.0, 1733.0, 17334.0]);
    let started = numbers.len();
    for a in numbers {
        std::thread::spawn(move || {
            racy_add(1);
            heron::heron(a);
            racy_add(-1);
            FINISHED.fetch_add(1, SeqCst);
        });
    }
    let t0 = Instant::now();
    while NUM_THREADS.load(SeqCst) > 0 && t0.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let n = NUM_THREADS.load(SeqCst);
    let finished = FINISHED.load(SeqCst);
    eprintln!(
        "heron_racy: main stopped waiting after {} ms with num_threads = {n}; \
         {finished} of {started} threads had finished",
        t0.elapsed().as_millis()
    );
    if n > 0 {
        eprintln!("heron_racy: an update was lost: the Python would spin forever");
    } else if finished < started {
        eprintln!("heron_racy: main exits now and kills the unfinished threads");
    }
}
