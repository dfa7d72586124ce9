//! Wesley J. Chun, "Multithreaded Programming In Python" (slides), slides
//! "Thread Naming", "Are you alive?" and "Thread Class Methods": a thread's name
//! (`name`, `getName`/`setName`), `is_alive()` (false before `start` and
//! after the thread ends) and `threading.enumerate()`, the list of live
//! threads including the main one (the slides give no code).
//!
//! Rust changes: the name is given before the thread starts
//! (`thread::Builder::name`) and read with `thread().name()`; there is no
//! `setName` for a running thread. A thread that
//! has not started is a `Builder` not yet spawned, so it has no handle to ask.
//! `is_alive()` is `!JoinHandle::is_finished()`. std cannot list the process's
//! threads, so `enumerate` here is over a registry the program keeps of the
//! handles it spawned, plus the main thread. Default names: Python's
//! `Thread-N`, Rust's unnamed threads have none (`None`); main is `main`
//! (Python says `MainThread`).
//!
//! `cargo run -p snippets --bin t2-chun-2-thread-objects`

use common::outln;

use common::Event;
use std::sync::Arc;
use std::thread::JoinHandle;

fn main() {
    let release = Arc::new(Event::new());
    let mut threads: Vec<JoinHandle<()>> = Vec::new();

    let builder = std::thread::Builder::new().name("worker-1".into());
    outln!("before start: worker-1 is_alive() = False (a Builder, not yet a thread)");
    for b in [builder, std::thread::Builder::new().name("worker-2".into())] {
        let release = release.clone();
        let t = b
            .spawn(move || release.wait())
            .expect("cannot start a thread");
        threads.push(t);
    }
    let unnamed = std::thread::spawn(|| ());
    unnamed.join().expect("the unnamed thread panicked");
    outln!(
        "unnamed thread's name: {:?} (Python would say Thread-3)",
        None::<&str>
    );

    for t in &threads {
        outln!(
            "after start: {} is_alive() = {}",
            t.thread().name().unwrap_or("?"),
            snippets::py::bool(!t.is_finished())
        );
    }
    outln!("enumerate(): {}", enumerate(&threads).join(", "));

    release.set();
    for t in &threads {
        // Wait for the end without giving up the handle, as join would.
        while !t.is_finished() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
    for t in &threads {
        outln!(
            "after it ended: {} is_alive() = {}",
            t.thread().name().unwrap_or("?"),
            snippets::py::bool(!t.is_finished())
        );
    }
    outln!("enumerate(): {}", enumerate(&threads).join(", "));
    for t in threads {
        t.join().expect("a worker panicked");
    }
    common::out::exit(0)
}

/// `threading.enumerate()` over the threads this program started.
fn enumerate(threads: &[JoinHandle<()>]) -> Vec<String> {
    let main = std::thread::current().name().unwrap_or("main").to_string();
    std::iter::once(main)
        .chain(
            threads
                .iter()
                .filter(|t| !t.is_finished())
                .map(|t| t.thread().name().unwrap_or("<unnamed>").to_string()),
        )
        .collect()
}
