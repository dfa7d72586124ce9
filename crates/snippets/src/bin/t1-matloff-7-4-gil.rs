//! Norman Matloff, "Tutorial on Threads Programming with Python", 7.4 "The
//! Python Thread Manager" (PDF pp. 21-22) and 7.4.1 "The GIL" (PDF p. 22): a Python
//! thread runs only while it holds the global interpreter lock, and the
//! interpreter makes it give the lock up "when the interpreter sees that the
//! thread has executed 100 byte code instructions" (Python 2's
//! `sys.setcheckinterval`; since 3.2, a time slice, `sys.setswitchinterval`,
//! 5 ms by default). So CPU-bound threads take turns: two of them take as
//! long as one doing both jobs. The section has no listing; this program and
//! its lines are new.
//!
//! The run: `--threads` threads each do `--steps` steps of a CPU-bound loop,
//! twice. First under one global lock that a thread must hold to take a step
//! and gives up every `--check-interval` steps, as the GIL makes it do; then
//! as free threads, as Rust runs them. Each line gives the wall time, and for
//! the locked run how often the lock changed hands. On a machine with two or
//! more idle cores the free run is about `--threads` times faster; the
//! locked run is no faster than one thread doing all the steps (slower, from
//! the handing over). Times vary with the machine's load.
//!
//! Rust changes: there is no interpreter, so the "byte code instruction" is
//! one step of the loop (an xorshift of a thread-local number, which the
//! compiler cannot skip), and the GIL is a `Mutex<()>`. std's mutex is not
//! fair: a thread that unlocks and locks again at once may get it back
//! before the waiting one wakes (Python 2's GIL had the same convoy effect);
//! `thread::yield_now` after each release gives the others their chance.
//!
//! `cargo run --release -p snippets --bin t1-matloff-7-4-gil`

use clap::Parser;
use common::{cli, outln};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// CPU-bound threads under one global lock (the GIL) versus free threads.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Threads, each doing the same work
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: u16,
    /// Steps of the CPU-bound loop per thread
    #[arg(long, default_value_t = 50_000_000,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000_000))]
    steps: u64,
    /// Steps a thread takes before it gives the lock up (Python 2: 100 byte codes)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    check_interval: u64,
}

/// One step of work on `x` (xorshift64).
fn step(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Runs `threads` threads of `steps` steps; with `gil`, a thread holds the
/// lock for each run of `check` steps. Returns (seconds, hand-overs, sum of
/// the results so the work cannot be optimised away).
fn run(threads: u16, steps: u64, gil: Option<u64>) -> (f64, usize, u64) {
    let lock = Arc::new(Mutex::new(()));
    let last = Arc::new(AtomicUsize::new(usize::MAX));
    let handovers = Arc::new(AtomicUsize::new(0));
    let sum = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    let handles: Vec<_> = (0..usize::from(threads))
        .map(|id| {
            let (lock, last, handovers, sum) =
                (lock.clone(), last.clone(), handovers.clone(), sum.clone());
            let spawned = std::thread::Builder::new().spawn(move || {
                let mut x = 0x9E37_79B9_7F4A_7C15 ^ id as u64;
                let mut done = 0;
                while done < steps {
                    let n = gil.unwrap_or(steps).min(steps - done);
                    let held = gil.map(|_| lock.lock().unwrap_or_else(|e| e.into_inner()));
                    if held.is_some() && last.swap(id, Relaxed) != id {
                        handovers.fetch_add(1, Relaxed);
                    }
                    for _ in 0..n {
                        x = step(x);
                    }
                    done += n;
                    if held.is_some() {
                        drop(held);
                        std::thread::yield_now();
                    }
                }
                sum.fetch_add(x, Relaxed);
            });
            spawned.unwrap_or_else(|e| cli::fail(format!("cannot start a thread: {e}")))
        })
        .collect();
    for h in handles {
        h.join().expect("a worker panicked");
    }
    (
        t0.elapsed().as_secs_f64(),
        handovers.load(Relaxed),
        sum.load(Relaxed),
    )
}

fn main() {
    let cli: Cli = cli::parse();
    let (n, steps) = (cli.threads, cli.steps);
    outln!(
        "{} x {steps} steps of a CPU-bound loop ({} here)",
        snippets::count(n, "thread"),
        snippets::count(
            std::thread::available_parallelism().map_or(1, |c| c.get()) as u64,
            "core"
        )
    );
    let (one, _, _) = run(1, steps * u64::from(n), None);
    outln!(
        "one thread doing all {} steps: {one:.2} s",
        steps * u64::from(n)
    );
    let (locked, handovers, a) = run(n, steps, Some(cli.check_interval));
    outln!(
        "one lock, given up every {} steps (the GIL): {locked:.2} s, the lock changed hands {handovers} times",
        cli.check_interval
    );
    let (free, _, b) = run(n, steps, None);
    outln!("free threads (no GIL): {free:.2} s");
    if a != b {
        cli::fail("the two runs computed different results");
    }
    outln!(
        "free threads were {:.1}x as fast as the locked ones",
        locked / free.max(1e-9)
    );
    common::out::exit(0)
}
