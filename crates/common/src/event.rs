//! Python's `threading.Event`, with the wake-up that a naive port loses.
//!
//! The tutorial's port scanner (Matloff 4.2) wakes its main thread with
//! `set()` immediately followed by `clear()`. A waiter written as
//! `while !flag { cv.wait() }` may be scheduled only after the `clear()`, see
//! the flag false again and sleep forever. Python avoids this because its
//! `Condition.wait` returns on the notify, not on the flag. Here each `set()`
//! also advances a generation number, and a waiter returns once the flag is set
//! *or* the generation moved since it started waiting.

use crate::{Condvar, Mutex};
#[cfg(not(loom))]
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
struct State {
    flag: bool,
    generation: u64,
    /// Threads inside `wait`/`wait_timeout` now (lets tests park waiters exactly).
    waiting: usize,
}

/// A flag threads can wait on, with `threading.Event` semantics.
///
/// ```
/// use common::Event;
/// use std::sync::Arc;
///
/// let ready = Arc::new(Event::new());
/// let waiter = {
///     let ready = Arc::clone(&ready);
///     std::thread::spawn(move || {
///         ready.wait();
///         "woken"
///     })
/// };
/// ready.set();
/// assert_eq!(waiter.join().unwrap(), "woken");
/// ready.clear();
/// assert!(!ready.is_set());
/// ```
#[derive(Debug, Default)]
pub struct Event {
    state: Mutex<State>,
    cv: Condvar,
}

impl Event {
    /// A new event, not set.
    ///
    /// ```
    /// assert!(!common::Event::new().is_set());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes every thread waiting now.
    ///
    /// ```
    /// let ev = common::Event::new();
    /// ev.set();
    /// assert!(ev.is_set());
    /// ```
    pub fn set(&self) {
        let mut st = self.lock();
        st.flag = true;
        st.generation = st.generation.wrapping_add(1);
        self.cv.notify_all();
        #[cfg(not(loom))]
        timeline::instant!("set", "Event.set()");
    }

    /// Resets the flag; threads that `wait` afterwards block until the next `set`.
    ///
    /// ```
    /// let ev = common::Event::new();
    /// ev.set();
    /// ev.clear();
    /// assert!(!ev.is_set());
    /// ```
    pub fn clear(&self) {
        self.lock().flag = false;
        #[cfg(not(loom))]
        timeline::instant!("clear", "Event.clear()");
    }

    /// Whether the flag is set.
    ///
    /// ```
    /// assert!(!common::Event::default().is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.lock().flag
    }

    /// Blocks until the flag is set, or until a `set()` happens while waiting
    /// (even one undone by `clear()` before this thread runs again).
    ///
    /// ```
    /// let ev = common::Event::new();
    /// ev.set();
    /// ev.wait(); // at once
    /// ```
    pub fn wait(&self) {
        let mut st = self.lock();
        // A span only when it blocks (the flag not set yet).
        #[cfg(not(loom))]
        let _w = if st.flag {
            timeline::Span::none()
        } else {
            timeline::wait!("Event.wait", "Event.wait()")
        };
        let start = st.generation;
        st.waiting += 1;
        while !st.flag && st.generation == start {
            st = self.cv.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.waiting -= 1;
    }

    /// Like [`wait`](Self::wait) but gives up after `timeout`. Returns `true`
    /// if the flag was set or a `set()` happened meanwhile, `false` on timeout,
    /// as Python's `Event.wait(timeout)` does.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let ev = common::Event::new();
    /// assert!(!ev.wait_timeout(Duration::from_millis(10)));
    /// ev.set();
    /// assert!(ev.wait_timeout(Duration::from_secs(3600)));
    /// ```
    #[cfg(not(loom))]
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut st = self.lock();
        let _w = if st.flag {
            timeline::Span::none()
        } else {
            timeline::wait!("Event.wait", "Event.wait({timeout:?})")
        };
        let start = st.generation;
        st.waiting += 1;
        while !st.flag && st.generation == start {
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left,
                    _ => {
                        st.waiting -= 1;
                        return false;
                    }
                },
                // A timeout too large for Instant: wait without one.
                None => Duration::from_secs(3600),
            };
            st = self
                .cv
                .wait_timeout(st, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        st.waiting -= 1;
        true
    }

    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.lock().waiting
    }

    fn lock(&self) -> crate::Guard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    #[test]
    fn set_before_wait_returns_at_once() {
        let ev = Event::new();
        ev.set();
        ev.wait();
        assert!(ev.is_set());
        ev.clear();
        assert!(!ev.is_set());
    }

    #[test]
    fn timeout_without_set() {
        let ev = Event::new();
        let t0 = Instant::now();
        assert!(!ev.wait_timeout(Duration::from_millis(50)));
        assert!(t0.elapsed() >= Duration::from_millis(50));
        // A huge timeout must not overflow.
        ev.set();
        assert!(ev.wait_timeout(Duration::MAX));
    }

    /// Many rounds of set(); clear() with every waiter parked inside wait()
    /// first: each must come back, each round, within a generous bound.
    #[test]
    fn set_clear_never_loses_a_waiter() {
        const WAITERS: usize = 8;
        const ROUNDS: usize = 300;
        let ev = Arc::new(Event::new());
        let woke = Arc::new(AtomicUsize::new(0));
        let t0 = Instant::now();
        for round in 0..ROUNDS {
            woke.store(0, Ordering::SeqCst);
            let handles: Vec<_> = (0..WAITERS)
                .map(|i| {
                    let (ev, woke) = (ev.clone(), woke.clone());
                    thread::spawn(move || {
                        let woken = if i % 2 == 0 {
                            ev.wait();
                            true
                        } else {
                            ev.wait_timeout(Duration::from_secs(30))
                        };
                        if woken {
                            woke.fetch_add(1, Ordering::SeqCst);
                        }
                    })
                })
                .collect();
            let parked_by = Instant::now() + Duration::from_secs(30);
            while ev.waiting() < WAITERS {
                assert!(Instant::now() < parked_by, "waiters never parked");
                thread::yield_now();
            }
            ev.set();
            ev.clear();
            // Bounded: a lost wake-up fails here instead of hanging in join.
            let woken_by = Instant::now() + Duration::from_secs(30);
            while woke.load(Ordering::SeqCst) < WAITERS {
                assert!(
                    Instant::now() < woken_by,
                    "round {round}: a wake-up was lost"
                );
                thread::yield_now();
            }
            for h in handles {
                h.join().unwrap();
            }
        }
        assert!(t0.elapsed() < Duration::from_secs(120));
    }
}

/// Model-checked under every interleaving loom explores:
/// `RUSTFLAGS="--cfg loom" cargo test -p common --release --lib loom`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::Event;
    use loom::sync::Arc;
    use loom::thread;

    /// Parks `n` waiters inside `wait()`, then runs `after` on main.
    fn parked_waiters(n: usize, after: impl Fn(&Event) + Send + Sync + 'static) {
        loom::model(move || {
            let ev = Arc::new(Event::new());
            let waiters: Vec<_> = (0..n)
                .map(|_| {
                    let ev = ev.clone();
                    thread::spawn(move || ev.wait())
                })
                .collect();
            // `waiting` is raised under the lock and the lock is released only
            // inside cv.wait, so this sees each waiter truly parked.
            while ev.waiting() < n {
                thread::yield_now();
            }
            after(&ev);
            for w in waiters {
                w.join().unwrap();
            }
        });
    }

    /// The port scanner's `set(); clear()`: a naive `while !flag { wait }`
    /// wakes, sees the flag false again and sleeps forever, which loom
    /// reports as a deadlock.
    #[test]
    fn loom_set_then_clear_wakes_a_parked_waiter() {
        parked_waiters(1, |ev| {
            ev.set();
            ev.clear();
        });
    }

    #[test]
    fn loom_set_then_clear_wakes_two_parked_waiters() {
        parked_waiters(2, |ev| {
            ev.set();
            ev.clear();
        });
    }

    /// A setter on its own thread racing a waiter that may or may not have
    /// parked yet: whichever order, one more `set()` after it is enough.
    #[test]
    fn loom_racing_setter_never_deadlocks() {
        loom::model(|| {
            let ev = Arc::new(Event::new());
            let setter = {
                let ev = ev.clone();
                thread::spawn(move || ev.set())
            };
            ev.wait();
            setter.join().unwrap();
            assert!(ev.is_set());
        });
    }
}
