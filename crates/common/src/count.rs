//! A count a thread can sleep on until it reaches zero.
//!
//! Matloff 3.1 has main spin in `while nclnt > 0: pass` until every client
//! thread has decremented the count, burning a whole CPU; python-course's heron
//! example does the same with `num_threads`. A `Condvar` lets main sleep until
//! the last decrement wakes it.

use crate::Shutdown;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// A counter guarded by a lock, with a wait for zero.
///
/// ```
/// use common::WaitCount;
/// use std::sync::Arc;
///
/// let live = Arc::new(WaitCount::new(0));
/// for _ in 0..4 {
///     live.increment();
///     let live = Arc::clone(&live);
///     std::thread::spawn(move || live.decrement());
/// }
/// live.wait_zero(); // sleeps, no busy loop
/// assert_eq!(live.get(), 0);
/// ```
#[derive(Debug, Default)]
pub struct WaitCount {
    n: Mutex<usize>,
    zero: Condvar,
}

/// How often [`WaitCount::wait_zero_or`] looks at the shutdown flag: the
/// Ctrl-C handler runs on its own thread and cannot reach this condvar, so a
/// timed wait bounds how late main notices (20 cheap wake-ups a second).
const SHUTDOWN_POLL: Duration = Duration::from_millis(50);

impl WaitCount {
    /// A count starting at `n`.
    pub fn new(n: usize) -> Self {
        Self {
            n: Mutex::new(n),
            zero: Condvar::new(),
        }
    }

    /// Adds one.
    pub fn increment(&self) {
        *self.lock() += 1;
    }

    /// Takes one away, waking the waiters when the count reaches zero.
    ///
    /// # Panics
    /// If the count is already zero: that is a bookkeeping bug in the caller.
    pub fn decrement(&self) {
        let mut n = self.lock();
        *n = n.checked_sub(1).expect("WaitCount::decrement below zero");
        if *n == 0 {
            self.zero.notify_all();
        }
    }

    /// The count now.
    pub fn get(&self) -> usize {
        *self.lock()
    }

    /// Sleeps until the count is zero.
    pub fn wait_zero(&self) {
        let n = self.lock();
        drop(
            self.zero
                .wait_while(n, |n| *n > 0)
                .unwrap_or_else(|e| e.into_inner()),
        );
    }

    /// Sleeps until the count is zero (`true`) or `shutdown` is triggered
    /// (`false`), noticing the latter within about 50 ms.
    ///
    /// ```
    /// use common::{Shutdown, WaitCount};
    /// let count = WaitCount::new(1);
    /// let shutdown = Shutdown::new();
    /// shutdown.trigger();
    /// assert!(!count.wait_zero_or(&shutdown));
    /// count.decrement();
    /// assert!(count.wait_zero_or(&shutdown));
    /// ```
    pub fn wait_zero_or(&self, shutdown: &Shutdown) -> bool {
        let mut n = self.lock();
        while *n > 0 {
            if shutdown.is_triggered() {
                return false;
            }
            n = self
                .zero
                .wait_timeout(n, SHUTDOWN_POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.n.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn wait_zero_sleeps_until_last_decrement() {
        let c = Arc::new(WaitCount::new(3));
        let t0 = Instant::now();
        for i in 0..3u64 {
            let c = Arc::clone(&c);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20 * (i + 1)));
                c.decrement();
            });
        }
        c.wait_zero();
        assert_eq!(c.get(), 0);
        assert!(t0.elapsed() >= Duration::from_millis(60));
    }

    #[test]
    fn shutdown_interrupts_wait() {
        let c = WaitCount::new(1);
        let s = Shutdown::new();
        let s2 = s.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            s2.trigger();
        });
        let t0 = Instant::now();
        assert!(!c.wait_zero_or(&s));
        assert!(t0.elapsed() < Duration::from_secs(5));
    }

    #[test]
    #[should_panic(expected = "below zero")]
    fn decrement_below_zero_panics() {
        WaitCount::new(0).decrement();
    }
}
