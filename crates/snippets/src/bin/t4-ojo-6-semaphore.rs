//! Tim Ojo, "Threading" (slides), "threading.Semaphore" (here
//! `semaphore.py`, unnumbered fragments): `threading.Semaphore()` (a counter that
//! `acquire` decrements, blocking at zero, and `release` increments) and
//! `BoundedSemaphore(3)`, which lets up to three threads at the shared
//! resource at a time and whose `release` past its starting value is an
//! error (`ValueError: Semaphore released too many times`; Chun's slide
//! "Other threading Module Objects" says the same).
//!
//! Rust changes: std has no semaphore, and crossbeam-channel already is one:
//! a channel holding `n` tokens, where `acquire` receives a token (blocking
//! while there is none) and `release` sends one back. A *bounded* channel of
//! capacity `n` is the `BoundedSemaphore`: `try_send` into a full channel fails,
//! which is the "released too many times" error; an unbounded channel is the
//! plain `Semaphore`, whose counter may grow past its start. So `common` adds
//! no semaphore type. The slides print nothing; every line here is new.
//!
//! `cargo run -p snippets --bin t4-ojo-6-semaphore`

use common::outln;

use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

/// A counting semaphore made of a channel of `()` tokens.
struct Semaphore {
    tokens: Sender<()>,
    take: Receiver<()>,
}

impl Semaphore {
    /// `threading.Semaphore(value)`: `release` always succeeds.
    fn new(value: usize) -> Self {
        Self::filled(crossbeam_channel::unbounded(), value)
    }

    /// `threading.BoundedSemaphore(value)`: the counter cannot exceed `value`.
    fn bounded(value: usize) -> Self {
        Self::filled(crossbeam_channel::bounded(value), value)
    }

    fn filled((tokens, take): (Sender<()>, Receiver<()>), value: usize) -> Self {
        for _ in 0..value {
            tokens.send(()).expect("the receiver is alive");
        }
        Self { tokens, take }
    }

    /// Blocks until the counter is above zero, then decrements it.
    fn acquire(&self) {
        // Never disconnected: `self` holds the sender.
        self.take.recv().expect("the sender is alive");
    }

    /// Increments the counter; for a bounded semaphore already at its
    /// starting value, that is an error.
    fn release(&self) -> Result<(), &'static str> {
        self.tokens
            .try_send(())
            .map_err(|_| "Semaphore released too many times")
    }

    /// The counter now.
    fn value(&self) -> usize {
        self.take.len()
    }
}

fn main() {
    // semaphore.py  semaphore = threading.Semaphore()
    let semaphore = Semaphore::new(1);
    // semaphore.py  semaphore.acquire() # decrements the counter
    semaphore.acquire();
    // semaphore.py  ... access the shared resource
    outln!("Semaphore(): acquired, value {}", semaphore.value());
    // semaphore.py  semaphore.release() # increments the counter
    semaphore.release().expect("unbounded");
    outln!("Semaphore(): released, value {}", semaphore.value());
    semaphore.release().expect("unbounded");
    outln!(
        "Semaphore(): released once more than acquired, value {} (allowed)",
        semaphore.value()
    );

    // semaphore.py  num_permits = 3
    let num_permits = 3;
    // semaphore.py  semaphore = threading.BoundedSemaphore(num_permits)
    let bounded = Arc::new(Semaphore::bounded(num_permits));
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..10)
        .map(|_| {
            let (bounded, inside, most) = (bounded.clone(), inside.clone(), most.clone());
            std::thread::spawn(move || {
                // semaphore.py  semaphore.acquire() # decrements the counter
                bounded.acquire();
                // semaphore.py  ... up to 3 threads can access the shared resource at a time ...
                let now = inside.fetch_add(1, SeqCst) + 1;
                most.fetch_max(now, SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                inside.fetch_sub(1, SeqCst);
                // semaphore.py  semaphore.release() # increments the counter
                bounded.release().expect("released what it acquired");
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a semaphore thread panicked");
    }
    outln!(
        "BoundedSemaphore({num_permits}): 10 threads, at most {} inside at once (never above {num_permits})",
        most.load(SeqCst)
    );
    match bounded.release() {
        Ok(()) => outln!("BoundedSemaphore({num_permits}): extra release accepted (unexpected)"),
        Err(e) => outln!("BoundedSemaphore({num_permits}): extra release: ValueError: {e}"),
    }
    common::out::exit(0)
}
