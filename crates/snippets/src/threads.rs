//! A thread per input, as the tutorials start them, without keeping every
//! finished thread: [`Threads`] joins as it goes.
//!
//! The tutorials keep one `Thread` object per number or argument
//! (`threads += [thread]`) and join them all at the end. In Python a finished
//! thread's OS thread is gone at once; a Rust thread that has ended but has
//! not been joined keeps its stack mapped until `join`. With tens of
//! thousands of inputs the memory maps run out (`vm.max_map_count`) and
//! `thread::spawn` panics or the process aborts, where the Python finishes.
//! So [`Threads::spawn`] first joins the threads that have ended, keeps at
//! most [`MAX_LIVE_THREADS`](common::limits::MAX_LIVE_THREADS) alive (joining
//! the oldest when full), and when the system refuses a new thread it waits
//! for an older one to end and tries again.

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

/// The threads a program has started and not joined yet, at most `max` of
/// them alive at once.
///
/// ```
/// let mut threads = snippets::threads::Threads::with_max(2);
/// let total = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
/// for i in 1..=100 {
///     let total = total.clone();
///     threads.spawn(move || { total.fetch_add(i, std::sync::atomic::Ordering::SeqCst); }).unwrap();
///     assert!(threads.len() <= 2);
/// }
/// assert_eq!(threads.join_all(), 0); // no thread panicked
/// assert_eq!(total.load(std::sync::atomic::Ordering::SeqCst), 5050);
/// ```
#[derive(Debug)]
pub struct Threads {
    live: VecDeque<JoinHandle<()>>,
    max: usize,
    panicked: usize,
}

impl Default for Threads {
    fn default() -> Self {
        Self::new()
    }
}

impl Threads {
    /// At most [`MAX_LIVE_THREADS`](common::limits::MAX_LIVE_THREADS) alive.
    pub fn new() -> Self {
        Self::with_max(common::limits::MAX_LIVE_THREADS)
    }

    /// At most `max` (at least 1) alive.
    pub fn with_max(max: usize) -> Self {
        Self {
            live: VecDeque::new(),
            max: max.max(1),
            panicked: 0,
        }
    }

    /// Threads started and not joined yet.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether every thread started has been joined.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Starts `f` on a thread of its own, as `thread.start()` does. Joins
    /// the threads that have ended first, and the oldest while `max` are
    /// alive. If the system refuses the thread, waits for the oldest and
    /// tries again; the error comes back only when no thread is left to wait
    /// for.
    pub fn spawn(&mut self, f: impl FnOnce() + Send + 'static) -> io::Result<()> {
        self.reap();
        while self.live.len() >= self.max {
            self.join_oldest();
        }
        // `Builder::spawn` drops its closure when it fails; keep `f` here so
        // a retry can hand it to the next attempt.
        let slot = Arc::new(Mutex::new(Some(f)));
        loop {
            let job = slot.clone();
            let spawned = thread::Builder::new().spawn(move || {
                let f = job.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(f) = f {
                    f();
                }
            });
            match spawned {
                Ok(h) => {
                    self.live.push_back(h);
                    return Ok(());
                }
                Err(e) if self.live.is_empty() => return Err(e),
                Err(_) => self.join_oldest(),
            }
        }
    }

    /// Joins every thread; returns how many panicked (their panic message
    /// has already been printed on stderr by the default hook).
    pub fn join_all(mut self) -> usize {
        while !self.live.is_empty() {
            self.join_oldest();
        }
        self.panicked
    }

    /// Joins the oldest threads while they have ended (usually most of
    /// them: they started first). One that ends out of turn waits in the
    /// list, counted against `max`, until those before it are joined.
    fn reap(&mut self) {
        while self.live.front().is_some_and(JoinHandle::is_finished) {
            self.join_oldest();
        }
    }

    fn join_oldest(&mut self) {
        if let Some(h) = self.live.pop_front() {
            self.join(h);
        }
    }

    fn join(&mut self, h: JoinHandle<()>) {
        if h.join().is_err() {
            self.panicked += 1;
        }
    }
}
