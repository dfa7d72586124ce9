//! Bernd Klein, python-course.eu, "Threads in Python", section "The thread
//! Module", "Solution" and "The solution with locks looks like this" (here
//! `heron_lock.py`): the heron threads change `num_threads` only while
//! holding a lock, the first one sets `thread_started`, and main busy-waits
//! first for the flag, then for the count to fall to 0.
//!
//! Rust changes: the counter under its lock is [`common::WaitCount`] and the
//! flag is [`common::Event`], so both waits sleep instead of burning a CPU
//! each. The tutorial's fix still has a gap: `thread_started` only proves the
//! *first* thread counted itself, so if it finishes before the second has
//! taken the lock, the count reads 0 and main quits early. Counting in main
//! before each spawn would close it; this port keeps the tutorial's shape and
//! then joins the threads (which `_thread` cannot do), so every root is
//! printed. With very many numbers at most 10000 threads run at once
//! ([`snippets::threads`]: finished ones are joined as the next start).
//! Python 3 semantics (`print(old, new)`, shortest float repr).
//!
//! `cargo run -p snippets --bin t3-pycourse-3-heron-fixed`

use clap::Parser;
use common::{Event, WaitCount, cli};
use snippets::heron;
use snippets::threads::Threads;
use std::sync::Arc;

/// The tutorial's fixed thread counter: a lock, a started flag, no busy wait.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Numbers to take the square root of [default: 99 999 1733]
    numbers: Vec<f64>,
}

fn main() {
    let cli: Cli = cli::parse();
    // heron_lock.py  num_threads = 0
    // heron_lock.py  lock = allocate_lock()
    let num_threads = Arc::new(WaitCount::new(0));
    // heron_lock.py  thread_started = False
    let thread_started = Arc::new(Event::new());
    let mut threads = Threads::new();
    // heron_lock.py  start_new_thread(heron,(99,))
    // heron_lock.py  start_new_thread(heron,(999,))
    // heron_lock.py  start_new_thread(heron,(1733,))
    for a in heron::numbers(cli.numbers, &[99.0, 999.0, 1733.0]) {
        let (num_threads, thread_started) = (num_threads.clone(), thread_started.clone());
        // heron_lock.py  def heron(a):
        let spawned = threads.spawn(move || {
            // heron_lock.py  global num_threads, thread_started
            // heron_lock.py  lock.acquire()
            // heron_lock.py  num_threads += 1
            // heron_lock.py  lock.release()
            let counted = WaitCount::token(&num_threads);
            // heron_lock.py  thread_started = True
            thread_started.set();
            // heron_lock.py  ...
            heron::heron(a);
            // heron_lock.py  num_threads -= 1
            drop(counted);
            // heron_lock.py  return new
        });
        if let Err(e) = spawned {
            cli::fail(format!("cannot start a thread: {e}"));
        }
    }
    // heron_lock.py  while not thread_started: pass
    thread_started.wait();
    // heron_lock.py  while num_threads > 0: pass
    num_threads.wait_zero();
    // heron cannot panic; if it somehow did, the panic message is printed.
    let panicked = threads.join_all();
    common::out::exit(i32::from(panicked > 0))
}
