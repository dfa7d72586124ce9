//! One shutdown-aware condvar wait: a [`Monitor`] is a `Mutex` and a
//! `Condvar` that [`Shutdown::trigger`] also wakes.
//!
//! The Ctrl-C handler runs on a thread of its own and knows nothing of the
//! condvars the program's threads sleep on, so the usual port polls: a 50 ms
//! `wait_timeout`, then a look at the flag. Instead, a waiter registers its
//! monitor with the shutdown for the length of the wait, and `trigger` takes
//! the monitor's lock before it notifies. The waiter holds that lock from its
//! look at the flag until the condvar releases it, so the notify cannot fall
//! between the two: no wake-up is lost (model-checked with loom below).

use crate::Shutdown;
use crate::sync::{Arc, Condvar, Guard, Mutex};
#[cfg(not(loom))]
use std::time::{Duration, Instant};

/// The wait ended because shutdown was triggered.
///
/// ```
/// assert_eq!(common::Interrupted.to_string(), "interrupted");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// What a blocking wait is in a `--trace` timeline: its span's name (what
/// counts go by) and label.
pub(crate) type Waiting = (&'static str, &'static str);
const WAIT: Waiting = ("Condition.wait", "Condition.wait()");

struct Shared<T> {
    value: Mutex<T>,
    cv: Condvar,
}

/// A value behind a lock, with waits that [`Shutdown::trigger`] ends at once.
///
/// ```
/// use common::{Monitor, Shutdown};
/// use std::sync::Arc;
///
/// let shutdown = Shutdown::new();
/// let free = Arc::new(Monitor::new(0usize)); // a semaphore with no slot free
/// let waiter = {
///     let (free, shutdown) = (Arc::clone(&free), shutdown.clone());
///     std::thread::spawn(move || free.wait_while(&shutdown, |n| *n == 0).map(|_| ()))
/// };
/// shutdown.trigger(); // no poll: the waiter wakes now
/// assert_eq!(waiter.join().unwrap(), Err(common::Interrupted));
///
/// // Without shutdown, it is a condvar wait as usual.
/// let mut n = free.lock();
/// *n += 1;
/// free.notify_all();
/// drop(n);
/// assert_eq!(*free.wait_while(&Shutdown::new(), |n| *n == 0).unwrap(), 1);
/// ```
pub struct Monitor<T> {
    shared: Arc<Shared<T>>,
}

impl<T: Default> Default for Monitor<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Monitor<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Monitor").field(&*self.lock()).finish()
    }
}

impl<T> Monitor<T> {
    /// A monitor holding `value`.
    ///
    /// ```
    /// let m = common::Monitor::new(vec![1]);
    /// m.lock().push(2);
    /// assert_eq!(*m.lock(), [1, 2]);
    /// ```
    pub fn new(value: T) -> Self {
        Self {
            shared: Arc::new(Shared {
                value: Mutex::new(value),
                cv: Condvar::new(),
            }),
        }
    }

    /// Locks the value (a panic of another holder does not poison it).
    ///
    /// ```
    /// let m = common::Monitor::new(1);
    /// *m.lock() += 1;
    /// assert_eq!(*m.lock(), 2);
    /// ```
    ///
    /// Do not call [`Shutdown::trigger`] while holding this guard: trigger
    /// takes this lock to wake the waiters.
    pub fn lock(&self) -> Guard<'_, T> {
        self.shared.value.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes one waiter (after a change the waiters look at).
    ///
    /// ```
    /// let m = common::Monitor::new(0);
    /// *m.lock() += 1;
    /// m.notify_one(); // a waiter in wait_while(.., |n| *n == 0) returns
    /// ```
    pub fn notify_one(&self) {
        self.shared.cv.notify_one();
        #[cfg(not(loom))]
        timeline::instant!("notify", "Condition.notify()");
    }

    /// Wakes every waiter.
    ///
    /// ```
    /// let m = common::Monitor::new(false);
    /// *m.lock() = true;
    /// m.notify_all();
    /// ```
    pub fn notify_all(&self) {
        self.shared.cv.notify_all();
        #[cfg(not(loom))]
        timeline::instant!("notify", "Condition.notify_all()");
    }
}

impl<T: Send + 'static> Monitor<T> {
    /// Locks, then sleeps while `cond` holds. Returns the guard once `cond`
    /// is false (even if shutdown was triggered meanwhile), or
    /// `Err(Interrupted)` if shutdown comes first.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let jobs = Arc::new(common::Monitor::new(Vec::<u32>::new()));
    /// let producer = {
    ///     let jobs = Arc::clone(&jobs);
    ///     std::thread::spawn(move || {
    ///         jobs.lock().push(7);
    ///         jobs.notify_one();
    ///     })
    /// };
    /// let shutdown = common::Shutdown::new();
    /// let job = jobs.wait_while(&shutdown, |q| q.is_empty()).unwrap().pop();
    /// assert_eq!(job, Some(7));
    /// producer.join().unwrap();
    /// ```
    pub fn wait_while(
        &self,
        shutdown: &Shutdown,
        cond: impl FnMut(&mut T) -> bool,
    ) -> Result<Guard<'_, T>, Interrupted> {
        self.wait_impl(WAIT, Some(shutdown), None, cond)
            .map(|(g, _)| g)
    }

    /// [`wait_while`](Self::wait_while) recorded as a `what` span (a
    /// [`WaitCount`](crate::WaitCount) wait is not a bare condvar's).
    pub(crate) fn wait_while_as(
        &self,
        what: Waiting,
        shutdown: &Shutdown,
        cond: impl FnMut(&mut T) -> bool,
    ) -> Result<Guard<'_, T>, Interrupted> {
        self.wait_impl(what, Some(shutdown), None, cond)
            .map(|(g, _)| g)
    }

    /// [`wait_while`](Self::wait_while) for at most `timeout`: `Ok((guard,
    /// true))` when it ran out with `cond` still true.
    ///
    /// ```
    /// use std::time::Duration;
    /// let m = common::Monitor::new(false);
    /// let (ready, timed_out) = m
    ///     .wait_timeout_while(&common::Shutdown::new(), Duration::from_millis(10), |r| !*r)
    ///     .unwrap();
    /// assert!(!*ready && timed_out);
    /// ```
    #[cfg(not(loom))]
    pub fn wait_timeout_while(
        &self,
        shutdown: &Shutdown,
        timeout: Duration,
        cond: impl FnMut(&mut T) -> bool,
    ) -> Result<(Guard<'_, T>, bool), Interrupted> {
        let deadline = Instant::now().checked_add(timeout);
        self.wait_impl(WAIT, Some(shutdown), deadline, cond)
    }

    /// Sleeps while `cond` holds, whatever shutdown does.
    pub(crate) fn wait_while_uninterrupted(
        &self,
        what: Waiting,
        cond: impl FnMut(&mut T) -> bool,
    ) -> Guard<'_, T> {
        match self.wait_impl(what, None, None, cond) {
            Ok((g, _)) => g,
            Err(Interrupted) => unreachable!("no shutdown to interrupt"),
        }
    }

    fn wait_impl(
        &self,
        #[cfg_attr(loom, allow(unused_variables))] what: Waiting,
        shutdown: Option<&Shutdown>,
        #[cfg(not(loom))] deadline: Option<Instant>,
        #[cfg(loom)] _deadline: Option<()>,
        mut cond: impl FnMut(&mut T) -> bool,
    ) -> Result<(Guard<'_, T>, bool), Interrupted> {
        let mut g = self.lock();
        if !cond(&mut g) {
            return Ok((g, false));
        }
        // A span only for a wait that blocks; free when not recording.
        #[cfg(not(loom))]
        let _w = timeline::wait!(what.0, "{}", what.1);
        // Registered under our lock: trigger cannot notify before we sleep.
        let waker = {
            let shared = Arc::clone(&self.shared);
            Box::new(move || {
                drop(shared.value.lock());
                shared.cv.notify_all();
            })
        };
        let id = match shutdown {
            Some(s) => Some(s.add_waker(waker).ok_or(Interrupted)?),
            None => None,
        };
        let result = loop {
            #[cfg(not(loom))]
            {
                g = match deadline {
                    Some(d) => {
                        let left = d.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            break Ok(true);
                        }
                        let waited = self.shared.cv.wait_timeout(g, left);
                        waited.unwrap_or_else(|e| e.into_inner()).0
                    }
                    None => self.shared.cv.wait(g).unwrap_or_else(|e| e.into_inner()),
                };
            }
            #[cfg(loom)]
            {
                g = self.shared.cv.wait(g).unwrap_or_else(|e| e.into_inner());
            }
            if !cond(&mut g) {
                break Ok(false);
            }
            if shutdown.is_some_and(Shutdown::is_triggered) {
                break Err(Interrupted);
            }
        };
        if let (Some(s), Some(id)) = (shutdown, id) {
            s.remove_waker(id);
        }
        result.map(|timed_out| (g, timed_out))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn trigger_wakes_every_waiter_without_polling() {
        let s = Shutdown::new();
        let m = std::sync::Arc::new(Monitor::new(()));
        let waiters: Vec<_> = (0..8)
            .map(|i| {
                let (m, s) = (m.clone(), s.clone());
                std::thread::spawn(move || {
                    if i % 2 == 0 {
                        m.wait_while(&s, |_| true).map(|_| ())
                    } else {
                        m.wait_timeout_while(&s, Duration::from_secs(600), |_| true)
                            .map(|_| ())
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        let t0 = Instant::now();
        s.trigger();
        for w in waiters {
            assert_eq!(w.join().unwrap(), Err(Interrupted));
        }
        assert!(t0.elapsed() < Duration::from_secs(10));
        // Already triggered: at once, unless the condition is already met.
        assert!(m.wait_while(&s, |_| true).is_err());
        assert!(m.wait_while(&s, |_| false).is_ok());
        assert_eq!(s.wakers(), 0);
    }

    #[test]
    fn timeout_and_condition() {
        let s = Shutdown::new();
        let m = Monitor::new(0);
        let (g, timed_out) = m
            .wait_timeout_while(&s, Duration::from_millis(20), |n| *n == 0)
            .unwrap();
        assert!(timed_out);
        drop(g);
        assert_eq!(s.wakers(), 0, "a wait leaves no waker behind");
    }
}

/// `RUSTFLAGS="--cfg loom" cargo test -p common --release --lib loom`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::thread;

    /// A waiter that may or may not be parked when trigger runs: it always
    /// comes back (a lost wake-up is a deadlock, which loom reports).
    #[test]
    fn loom_trigger_never_loses_a_waiter() {
        loom::model(|| {
            let s = Shutdown::new();
            let m = Arc::new(Monitor::new(0u8));
            let waiter = {
                let (s, m) = (s.clone(), m.clone());
                thread::spawn(move || m.wait_while(&s, |n| *n == 0).is_err())
            };
            s.trigger();
            assert!(waiter.join().unwrap());
        });
    }

    /// The condition met and shutdown racing: the waiter ends either way.
    #[test]
    fn loom_notify_and_trigger_race() {
        loom::model(|| {
            let s = Shutdown::new();
            let m = Arc::new(Monitor::new(0u8));
            let waiter = {
                let (s, m) = (s.clone(), m.clone());
                thread::spawn(move || m.wait_while(&s, |n| *n == 0).map(|g| *g))
            };
            let trigger = {
                let s = s.clone();
                thread::spawn(move || s.trigger())
            };
            *m.lock() = 1;
            m.notify_all();
            let got = waiter.join().unwrap();
            trigger.join().unwrap();
            assert!(matches!(got, Ok(1) | Err(Interrupted)));
        });
    }
}
