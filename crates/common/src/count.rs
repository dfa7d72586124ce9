//! A count a thread can sleep on until it reaches zero.
//!
//! Matloff 3.1 has main spin in `while nclnt > 0: pass` until every client
//! thread has decremented the count, burning a whole CPU; python-course's heron
//! example does the same with `num_threads`. A `Condvar` lets main sleep until
//! the last decrement wakes it.

use crate::sync::Arc;
use crate::{Monitor, Shutdown};

/// A blocked `wait_zero` in a `--trace` timeline.
const WAIT_ZERO: crate::monitor::Waiting = ("WaitCount.wait_zero", "wait for the count to reach 0");

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
    n: Monitor<usize>,
}

impl WaitCount {
    /// A count starting at `n`.
    ///
    /// ```
    /// assert_eq!(common::WaitCount::new(3).get(), 3);
    /// ```
    pub fn new(n: usize) -> Self {
        Self { n: Monitor::new(n) }
    }

    /// Adds one.
    ///
    /// ```
    /// let c = common::WaitCount::new(0);
    /// c.increment();
    /// assert_eq!(c.get(), 1);
    /// ```
    pub fn increment(&self) {
        *self.n.lock() += 1;
    }

    /// Adds one and returns a [`Token`] that takes it away again when
    /// dropped, also when the thread holding it panics (crossbeam's
    /// `WaitGroup` works this way).
    ///
    /// ```
    /// use common::WaitCount;
    /// use std::sync::Arc;
    ///
    /// let live = Arc::new(WaitCount::new(0));
    /// for _ in 0..4 {
    ///     let token = WaitCount::token(&live);
    ///     std::thread::spawn(move || {
    ///         let _token = token; // given back when the thread ends, however
    ///     });
    /// }
    /// live.wait_zero();
    /// assert_eq!(live.get(), 0);
    /// ```
    pub fn token(this: &Arc<Self>) -> Token {
        this.increment();
        Token(Arc::clone(this))
    }

    /// Takes one away, waking the waiters when the count reaches zero.
    ///
    /// # Panics
    /// If the count is already zero: that is a bookkeeping bug in the caller.
    ///
    /// ```
    /// let c = common::WaitCount::new(1);
    /// c.decrement();
    /// c.wait_zero(); // at once
    /// ```
    pub fn decrement(&self) {
        let mut n = self.n.lock();
        *n = n.checked_sub(1).expect("WaitCount::decrement below zero");
        if *n == 0 {
            self.n.notify_all();
        }
    }

    /// The count now.
    ///
    /// ```
    /// assert_eq!(common::WaitCount::default().get(), 0);
    /// ```
    pub fn get(&self) -> usize {
        *self.n.lock()
    }

    /// Sleeps until the count is zero.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let c = Arc::new(common::WaitCount::new(1));
    /// let c2 = Arc::clone(&c);
    /// std::thread::spawn(move || c2.decrement());
    /// c.wait_zero();
    /// ```
    pub fn wait_zero(&self) {
        drop(self.n.wait_while_uninterrupted(WAIT_ZERO, |n| *n > 0));
    }

    /// Sleeps until the count is zero (`true`) or `shutdown` is triggered
    /// (`false`), which wakes it at once (a [`Monitor`] wait, no polling).
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
        self.n
            .wait_while_as(WAIT_ZERO, shutdown, |n| *n > 0)
            .is_ok()
    }
}

/// One unit of a [`WaitCount`], given back on drop (see [`WaitCount::token`]).
/// Cloning adds another unit.
///
/// ```
/// use common::WaitCount;
/// let c = std::sync::Arc::new(WaitCount::new(0));
/// let a = WaitCount::token(&c);
/// let b = a.clone();
/// assert_eq!(c.get(), 2);
/// drop((a, b));
/// assert_eq!(c.get(), 0);
/// ```
#[must_use = "dropping the token decrements the count at once"]
#[derive(Debug)]
pub struct Token(Arc<WaitCount>);

impl Clone for Token {
    fn clone(&self) -> Self {
        WaitCount::token(&self.0)
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        self.0.decrement();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

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
    fn tokens_count_down_on_drop_and_clone_counts_up() {
        let c = Arc::new(WaitCount::new(0));
        let a = WaitCount::token(&c);
        let b = a.clone();
        assert_eq!(c.get(), 2);
        drop(a);
        let h = std::thread::spawn(move || {
            let _b = b;
            panic!("worker failed");
        });
        assert!(h.join().is_err());
        assert_eq!(c.get(), 0);
        c.wait_zero();
    }

    #[test]
    #[should_panic(expected = "below zero")]
    fn decrement_below_zero_panics() {
        WaitCount::new(0).decrement();
    }
}

/// `RUSTFLAGS="--cfg loom" cargo test -p common --release --lib loom`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::thread;

    /// The last token dropped and a trigger racing a parked `wait_zero_or`:
    /// it returns whichever comes first, never sleeps on.
    #[test]
    fn loom_wait_zero_or_ends_on_zero_or_trigger() {
        loom::model(|| {
            let s = Shutdown::new();
            let c = Arc::new(WaitCount::new(0));
            let token = WaitCount::token(&c);
            let worker = thread::spawn(move || drop(token));
            let stopper = {
                let s = s.clone();
                thread::spawn(move || s.trigger())
            };
            let zero = c.wait_zero_or(&s);
            worker.join().unwrap();
            stopper.join().unwrap();
            assert!(zero || s.is_triggered());
            assert_eq!(c.get(), 0);
        });
    }
}
