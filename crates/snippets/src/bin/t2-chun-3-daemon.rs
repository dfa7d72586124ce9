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
//! `cargo run -p snippets --bin t2-chun-3-daemon`

use common::outln;

use std::time::Duration;

fn main() {
    std::thread::Builder::new()
        .name("service".into())
        .spawn(|| {
            for tick in 1.. {
                outln!("daemon: tick {tick}");
                std::thread::sleep(Duration::from_millis(50));
            }
        })
        .expect("cannot start the daemon thread");
    let worker = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(200));
        outln!("worker: done");
    });
    worker.join().expect("worker panicked");
    outln!("main: the non-daemon thread is done; exiting without waiting for the daemon");
    common::out::exit(0)
}
