//! python-course-threads.txt, "Solution ... The solution with locks looks like
//! this" (characters 9299-10236 of that one-line file): the heron threads
//! change `num_threads` only while holding a lock, the first one sets
//! `thread_started`, and main busy-waits first for the flag, then for the
//! count to fall to 0.
//!
//! Rust changes: the counter under its lock is [`common::WaitCount`] and the
//! flag is [`common::Event`], so both waits sleep instead of burning a CPU
//! each. The tutorial's fix still has a gap: `thread_started` only proves the
//! *first* thread counted itself, so if it finishes before the second has
//! taken the lock, the count reads 0 and main quits early. Counting in main
//! before each spawn would close it; this port keeps the tutorial's shape and
//! then joins the threads (which `_thread` cannot do), so every root is
//! printed. Python 3 semantics (`print(old, new)`, shortest float repr).
//!
//! `cargo run -p common --example heron_fixed`

use snippets::heron;

use clap::Parser;
use common::{Event, WaitCount};
use std::sync::Arc;

/// The tutorial's fixed thread counter: a lock, a started flag, no busy wait.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Numbers to take the square root of [default: 99 999 1733]
    numbers: Vec<f64>,
}

fn main() {
    let cli: Cli = common::cli::parse();
    let num_threads = Arc::new(WaitCount::new(0));
    let thread_started = Arc::new(Event::new());
    let handles: Vec<_> = heron::numbers(cli.numbers, &[99.0, 999.0, 1733.0])
        .into_iter()
        .map(|a| {
            let (num_threads, thread_started) = (num_threads.clone(), thread_started.clone());
            std::thread::spawn(move || {
                num_threads.increment();
                thread_started.set();
                heron::heron(a);
                num_threads.decrement();
            })
        })
        .collect();
    thread_started.wait();
    num_threads.wait_zero();
    for h in handles {
        // heron cannot panic; if it somehow did, the panic message is printed.
        let _ = h.join();
    }
}
