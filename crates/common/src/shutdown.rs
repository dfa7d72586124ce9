//! Graceful Ctrl-C, shared by every program.
//!
//! `ctrlc` runs its handler on a thread of its own, and Linux restarts system
//! calls after the signal, so a thread blocked in `sleep`, `accept` or `read`
//! never notices Ctrl-C by itself. A [`Shutdown`] is the flag those threads
//! check, plus two ways to be woken: [`Shutdown::sleep`] / [`Shutdown::wait`]
//! sleep on a condvar that `trigger` notifies, and [`Shutdown::on_trigger`]
//! runs a hook (for instance shutting a socket down, which ends a blocked
//! `read`). Library code takes a `Shutdown` as an argument, so tests inject
//! their own instead of sending signals (the shape of mini-redis's
//! `server::run(listener, shutdown)`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

type Hook = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Inner {
    triggered: AtomicBool,
    /// Hooks still to run; also the mutex the condvar sleeps on.
    hooks: Mutex<Vec<Hook>>,
    cv: Condvar,
}

/// A shutdown signal: cheap to clone, every clone sees the same flag.
///
/// ```
/// use common::Shutdown;
/// use std::time::{Duration, Instant};
///
/// let shutdown = Shutdown::new();
/// let s = shutdown.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(20));
///     s.trigger();
/// });
/// let t0 = Instant::now();
/// let slept_fully = shutdown.sleep(Duration::from_secs(600));
/// assert!(!slept_fully);
/// assert!(t0.elapsed() < Duration::from_secs(60));
/// assert!(shutdown.is_triggered());
/// ```
#[derive(Clone, Default)]
pub struct Shutdown(Arc<Inner>);

impl std::fmt::Debug for Shutdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shutdown")
            .field("triggered", &self.is_triggered())
            .finish()
    }
}

/// The process-wide instance that the signal handler triggers.
static GLOBAL: Mutex<Option<Shutdown>> = Mutex::new(None);

impl Shutdown {
    /// A fresh signal, not connected to any OS signal: for tests and for
    /// programs that stop themselves.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide signal, installing the SIGINT/SIGTERM handler on the
    /// first call. The first signal triggers it; a second signal exits the
    /// process at once with status 130. Later calls return the same instance.
    ///
    /// ```
    /// let a = common::Shutdown::install().unwrap();
    /// let b = common::Shutdown::install().unwrap();
    /// a.trigger();
    /// assert!(b.is_triggered());
    /// ```
    pub fn install() -> Result<Self, ctrlc::Error> {
        let mut global = GLOBAL.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = global.as_ref() {
            return Ok(s.clone());
        }
        let s = Shutdown::new();
        let handler = s.clone();
        ctrlc::set_handler(move || {
            if handler.is_triggered() {
                std::process::exit(crate::cli::EXIT_INTERRUPTED);
            }
            handler.trigger();
        })?;
        *global = Some(s.clone());
        Ok(s)
    }

    /// Sets the flag, wakes every [`sleep`](Self::sleep) and
    /// [`wait`](Self::wait), and runs the registered hooks (once).
    pub fn trigger(&self) {
        let hooks = {
            let mut hooks = self.lock();
            self.0.triggered.store(true, Ordering::SeqCst);
            self.0.cv.notify_all();
            std::mem::take(&mut *hooks)
        };
        for hook in hooks {
            hook();
        }
    }

    /// Whether shutdown was asked for.
    pub fn is_triggered(&self) -> bool {
        self.0.triggered.load(Ordering::SeqCst)
    }

    /// Runs `hook` when shutdown is triggered, or now if it already was.
    /// Hooks run on the thread that triggers (the signal handler's thread).
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
    /// let shutdown = common::Shutdown::new();
    /// let ran = Arc::new(AtomicBool::new(false));
    /// let r = ran.clone();
    /// shutdown.on_trigger(move || r.store(true, Ordering::SeqCst));
    /// shutdown.trigger();
    /// assert!(ran.load(Ordering::SeqCst));
    /// ```
    pub fn on_trigger(&self, hook: impl FnOnce() + Send + 'static) {
        let mut hooks = self.lock();
        if self.is_triggered() {
            drop(hooks);
            hook();
        } else {
            hooks.push(Box::new(hook));
        }
    }

    /// Sleeps for `dur` unless shutdown comes first. Returns `true` if the
    /// whole time passed, `false` if shutdown cut it short (or had already
    /// been triggered).
    pub fn sleep(&self, dur: Duration) -> bool {
        let deadline = Instant::now().checked_add(dur);
        let mut guard = self.lock();
        loop {
            if self.is_triggered() {
                return false;
            }
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left,
                    _ => return true,
                },
                None => Duration::from_secs(3600),
            };
            guard = self
                .0
                .cv
                .wait_timeout(guard, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Blocks until shutdown is triggered.
    pub fn wait(&self) {
        let guard = self.lock();
        drop(
            self.0
                .cv
                .wait_while(guard, |_| !self.is_triggered())
                .unwrap_or_else(|e| e.into_inner()),
        );
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Hook>> {
        self.0.hooks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn sleep_runs_full_time_without_trigger() {
        let s = Shutdown::new();
        let t0 = Instant::now();
        assert!(s.sleep(Duration::from_millis(30)));
        assert!(t0.elapsed() >= Duration::from_millis(30));
        assert!(s.sleep(Duration::ZERO));
    }

    #[test]
    fn trigger_wakes_many_sleepers_and_waiters_at_once() {
        let s = Shutdown::new();
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let s = s.clone();
                std::thread::spawn(move || {
                    if i % 2 == 0 {
                        s.wait();
                        false
                    } else {
                        s.sleep(Duration::from_secs(600))
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        let t0 = Instant::now();
        s.trigger();
        for h in handles {
            assert!(!h.join().unwrap());
        }
        assert!(t0.elapsed() < Duration::from_secs(5));
        // Already triggered: returns at once.
        assert!(!s.sleep(Duration::from_secs(600)));
        s.wait();
    }

    #[test]
    fn hooks_run_once() {
        let s = Shutdown::new();
        let n = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let n = n.clone();
            s.on_trigger(move || {
                n.fetch_add(1, Ordering::SeqCst);
            });
        }
        s.trigger();
        s.trigger();
        assert_eq!(n.load(Ordering::SeqCst), 3);
    }
}
