//! Wesley J. Chun, "Multithreaded Programming In Python" (slides), slide
//! "Daemon Threads": a Python program exits once all its non-daemon threads
//! have completed, and
//! any daemon threads still running are killed off (the slides give no code;
//! this is the smallest program that shows it).
//!
//! Rust changes: there is no daemon flag. Every spawned thread is like a
//! daemon: the process ends when `main` returns, whatever other threads are
//! doing. A non-daemon thread is simply one that `main` joins before
//! returning. Here a "service" thread ticks every 50 ms forever, a worker
//! runs for 0.2 s; main joins only the worker and returns, and the service
//! thread dies mid-loop.
//!
//! `--trace FILE` / `--timeline`: rows `MainThread`, `service` (a `tick`
//! span per tick printed, a `sleep` between) and `Thread-1`, the worker (as
//! Python would name it: one `sleep`); main's `join`. The trace is written
//! when main is done, so the daemon's tick under way then is not in it.
//!
//! `cargo run -p snippets --bin t2-chun-3-daemon`

use common::outln;

use std::time::Duration;

fn main() {
    let trace = snippets::trace::Flags::from_env().start();
    std::thread::Builder::new()
        .name("service".into())
        .spawn(|| {
            for tick in 1.. {
                let span = timeline::work!("tick", "tick {tick}");
                outln!("daemon: tick {tick}");
                drop(span);
                let _z = timeline::sleep!("sleep", "sleep(0.05)");
                std::thread::sleep(Duration::from_millis(50));
            }
        })
        .expect("cannot start the daemon thread");
    let worker = std::thread::spawn(|| {
        timeline::thread_name("Thread-1");
        let z = timeline::sleep!("sleep", "sleep(0.2)");
        std::thread::sleep(Duration::from_millis(200));
        drop(z);
        outln!("worker: done");
    });
    let join = timeline::wait!("join", "worker.join()");
    worker.join().expect("worker panicked");
    drop(join);
    outln!("main: the non-daemon thread is done; exiting without waiting for the daemon");
    trace.exit(0)
}
