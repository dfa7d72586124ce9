//! Graceful Ctrl-C, shared by every program.
//!
//! `ctrlc` runs its handler on a thread of its own, and Linux restarts system
//! calls after the signal, so a thread blocked in `sleep`, `accept` or `read`
//! never notices Ctrl-C by itself. A [`Shutdown`] is the flag those threads
//! check, plus the ways to be woken:
//!
//! - [`Shutdown::sleep`] / [`Shutdown::wait`] sleep on a condvar that
//!   `trigger` notifies; [`Monitor`](crate::Monitor) waits on a condvar of the
//!   program's own, which `trigger` notifies too (no polling);
//! - [`Shutdown::on_trigger_scoped`] runs a hook (for instance shutting a
//!   socket down, which ends a blocked `read`) while its guard lives, and
//!   [`Shutdown::on_trigger`] for the whole process;
//! - [`Shutdown::exit_on_trigger`] ends a blocking phase at once: while its
//!   guard lives, Ctrl-C prints a report line and exits 130.
//!
//! Library code takes a `Shutdown` as an argument, so tests inject their own
//! instead of sending signals (the shape of mini-redis's
//! `server::run(listener, shutdown)`).
//!
//! [`Shutdown::install`] catches SIGINT, SIGTERM and SIGHUP (ctrlc's
//! `termination` feature): a hang-up of the terminal is handled like Ctrl-C,
//! and a program stopped by any of the three exits 130, the workspace's one
//! "interrupted" code (not 128 + the signal number).

use crate::sync::{Arc, AtomicBool, Condvar, Guard, Mutex, Ordering};
#[cfg(not(loom))]
use std::time::{Duration, Instant};

type Hook = Box<dyn FnOnce() + Send>;
/// Takes a monitor's lock and notifies its condvar (see [`crate::Monitor`]).
pub(crate) type Waker = Box<dyn Fn() + Send>;

#[derive(Default)]
struct Registry {
    next_id: u64,
    hooks: Vec<(u64, Hook)>,
    wakers: Vec<(u64, Waker)>,
}

impl Registry {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

#[derive(Default)]
struct Inner {
    triggered: AtomicBool,
    /// Hooks and wakers still to run; also the mutex the condvar sleeps on.
    reg: Mutex<Registry>,
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
#[cfg(not(loom))]
static GLOBAL: Mutex<Option<Shutdown>> = Mutex::new(None);

impl Shutdown {
    /// A fresh signal, not connected to any OS signal: for tests and for
    /// programs that stop themselves.
    ///
    /// ```
    /// let shutdown = common::Shutdown::new();
    /// let clone = shutdown.clone();
    /// clone.trigger();
    /// assert!(shutdown.is_triggered());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide signal, installing the SIGINT/SIGTERM/SIGHUP handler
    /// on the first call. The first signal triggers it; a second signal exits
    /// the process at once with status 130. Later calls return the same
    /// instance.
    ///
    /// ```
    /// let a = common::Shutdown::install().unwrap();
    /// let b = common::Shutdown::install().unwrap();
    /// a.trigger();
    /// assert!(b.is_triggered());
    /// ```
    #[cfg(not(loom))]
    pub fn install() -> Result<Self, ctrlc::Error> {
        let mut global = GLOBAL.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = global.as_ref() {
            return Ok(s.clone());
        }
        let s = Shutdown::new();
        let handler = s.clone();
        let signalled = std::sync::atomic::AtomicBool::new(false);
        ctrlc::set_handler(move || {
            if signalled.swap(true, Ordering::SeqCst) || handler.is_triggered() {
                crate::progress::clear_all();
                std::process::exit(crate::cli::EXIT_INTERRUPTED);
            }
            // On a thread of its own, so that a hook or a wake-up that
            // blocks never keeps the second signal from exiting.
            let s = handler.clone();
            if std::thread::Builder::new()
                .name("shutdown".into())
                .spawn(move || s.trigger())
                .is_err()
            {
                handler.trigger();
            }
        })?;
        *global = Some(s.clone());
        Ok(s)
    }

    /// Sets the flag, wakes every [`sleep`](Self::sleep) and
    /// [`wait`](Self::wait), runs the registered hooks (once, in the order
    /// they were added), then wakes every [`Monitor`](crate::Monitor) wait.
    ///
    /// Waking a monitor takes its lock: do not call `trigger` while holding
    /// one, and know that a thread holding one across a blocking write
    /// delays the wake-ups after it (never the hooks, which run first).
    ///
    /// ```
    /// let shutdown = common::Shutdown::new();
    /// assert!(!shutdown.is_triggered());
    /// shutdown.trigger();
    /// shutdown.trigger(); // again: nothing more happens
    /// assert!(shutdown.is_triggered());
    /// ```
    pub fn trigger(&self) {
        let (wakers, hooks) = {
            let mut reg = self.lock();
            self.0.triggered.store(true, Ordering::SeqCst);
            self.0.cv.notify_all();
            (
                std::mem::take(&mut reg.wakers),
                std::mem::take(&mut reg.hooks),
            )
        };
        for (_, hook) in hooks {
            hook();
        }
        for (_, wake) in wakers {
            wake();
        }
    }

    /// Whether shutdown was asked for.
    ///
    /// ```
    /// assert!(!common::Shutdown::new().is_triggered());
    /// ```
    pub fn is_triggered(&self) -> bool {
        self.0.triggered.load(Ordering::SeqCst)
    }

    /// Runs `hook` when shutdown is triggered, or now if it already was,
    /// for the rest of the process's life (see
    /// [`on_trigger_scoped`](Self::on_trigger_scoped) for a hook that ends).
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
        self.on_trigger_scoped(hook).forever();
    }

    /// Runs `hook` when shutdown is triggered (or now, if it already was)
    /// unless the returned guard is dropped first: a hook for one phase of
    /// the program, or one per connection, that does not pile up.
    ///
    /// A hook that `trigger` has already started runs to its end.
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// let shutdown = common::Shutdown::new();
    /// let ran = Arc::new(AtomicUsize::new(0));
    /// for _ in 0..3 {
    ///     let r = ran.clone();
    ///     let _guard = shutdown.on_trigger_scoped(move || {
    ///         r.fetch_add(1, Ordering::SeqCst);
    ///     });
    /// } // each guard removed its hook here
    /// let r = ran.clone();
    /// let kept = shutdown.on_trigger_scoped(move || {
    ///     r.fetch_add(10, Ordering::SeqCst);
    /// });
    /// shutdown.trigger();
    /// assert_eq!(ran.load(Ordering::SeqCst), 10);
    /// drop(kept); // after the hook ran: nothing to remove
    /// ```
    pub fn on_trigger_scoped(&self, hook: impl FnOnce() + Send + 'static) -> HookGuard {
        let mut reg = self.lock();
        if self.is_triggered() {
            drop(reg);
            hook();
            return HookGuard { owner: None };
        }
        let id = reg.id();
        reg.hooks.push((id, Box::new(hook)));
        HookGuard {
            owner: Some((self.clone(), id)),
        }
    }

    /// While the returned guard lives, a trigger ends the process: it clears
    /// any progress bar, prints `PROG: ` and the line `report` returns on
    /// stderr (through [`out`](mod@crate::out)) and exits 130. For a phase that
    /// blocks where no flag is looked at: reading a terminal, writing to a
    /// pipe nobody reads. `report` may do last work first (leave a
    /// connection politely, say). If shutdown was already triggered (during
    /// an earlier phase that looked at the flag), it exits at once, so a
    /// phase that starts late still ends with the report and 130.
    ///
    /// ```no_run
    /// let shutdown = common::Shutdown::install().unwrap();
    /// let reading = shutdown.exit_on_trigger(|| "interrupted while reading input".into());
    /// let mut line = String::new();
    /// std::io::stdin().read_line(&mut line).unwrap(); // Ctrl-C here: exit 130
    /// drop(reading); // from here on, Ctrl-C only sets the flag
    /// ```
    #[cfg(not(loom))]
    pub fn exit_on_trigger(&self, report: impl FnOnce() -> String + Send + 'static) -> ExitGuard {
        self.exit_on_trigger_after(Duration::ZERO, report)
    }

    /// [`exit_on_trigger`](Self::exit_on_trigger), but after a trigger the
    /// program has `grace` to finish by itself (and report in full) before
    /// the hook exits for it; dropping the guard meanwhile cancels the exit.
    #[cfg(not(loom))]
    pub fn exit_on_trigger_after(
        &self,
        grace: Duration,
        report: impl FnOnce() -> String + Send + 'static,
    ) -> ExitGuard {
        let armed = Arc::new(AtomicBool::new(true));
        let still = Arc::clone(&armed);
        let leave = move || {
            if still.load(Ordering::SeqCst) {
                crate::progress::clear_all();
                crate::cli::warn(report());
                std::process::exit(crate::cli::EXIT_INTERRUPTED);
            }
        };
        let hook = self.on_trigger_scoped(move || {
            if grace.is_zero() {
                leave();
            } else {
                let _ = std::thread::Builder::new().spawn(move || {
                    std::thread::sleep(grace);
                    leave();
                });
            }
        });
        ExitGuard { armed, _hook: hook }
    }

    /// Registers a monitor's waker; `None` if already triggered (the caller
    /// must not sleep then). The caller holds the monitor's lock.
    pub(crate) fn add_waker(&self, wake: Waker) -> Option<u64> {
        let mut reg = self.lock();
        if self.is_triggered() {
            return None;
        }
        let id = reg.id();
        reg.wakers.push((id, wake));
        Some(id)
    }

    pub(crate) fn remove_waker(&self, id: u64) {
        let mut reg = self.lock();
        if let Some(i) = reg.wakers.iter().position(|(w, _)| *w == id) {
            drop(reg.wakers.swap_remove(i));
        }
    }

    #[cfg(all(test, not(loom)))]
    pub(crate) fn wakers(&self) -> usize {
        self.lock().wakers.len()
    }

    /// Sleeps for `dur` unless shutdown comes first. Returns `true` if the
    /// whole time passed, `false` if shutdown cut it short (or had already
    /// been triggered).
    ///
    /// ```
    /// use std::time::Duration;
    /// let shutdown = common::Shutdown::new();
    /// assert!(shutdown.sleep(Duration::from_millis(1)));
    /// shutdown.trigger();
    /// assert!(!shutdown.sleep(Duration::from_secs(600))); // at once
    /// ```
    #[cfg(not(loom))]
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
    ///
    /// ```
    /// let shutdown = common::Shutdown::new();
    /// let s = shutdown.clone();
    /// std::thread::spawn(move || s.trigger());
    /// shutdown.wait();
    /// assert!(shutdown.is_triggered());
    /// ```
    pub fn wait(&self) {
        let mut guard = self.lock();
        while !self.is_triggered() {
            guard = self.0.cv.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn lock(&self) -> Guard<'_, Registry> {
        self.0.reg.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Removes its hook from the [`Shutdown`] when dropped (see
/// [`Shutdown::on_trigger_scoped`]).
#[must_use = "dropping the guard removes the hook at once; call .forever() to keep it"]
pub struct HookGuard {
    owner: Option<(Shutdown, u64)>,
}

impl HookGuard {
    /// Keeps the hook for the rest of the process's life.
    ///
    /// ```
    /// let shutdown = common::Shutdown::new();
    /// shutdown.on_trigger_scoped(|| ()).forever();
    /// ```
    pub fn forever(mut self) {
        self.owner = None;
    }
}

impl Drop for HookGuard {
    fn drop(&mut self) {
        if let Some((s, id)) = self.owner.take() {
            let hook = {
                let mut reg = s.lock();
                let i = reg.hooks.iter().position(|(h, _)| *h == id);
                i.map(|i| reg.hooks.remove(i))
            };
            drop(hook); // outside the lock: it may own a Shutdown itself
        }
    }
}

impl std::fmt::Debug for HookGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookGuard")
            .field("armed", &self.owner.is_some())
            .finish()
    }
}

/// While it lives, a trigger exits the process with 130 (see
/// [`Shutdown::exit_on_trigger`]).
#[cfg(not(loom))]
#[must_use = "dropping the guard ends the phase at once"]
#[derive(Debug)]
pub struct ExitGuard {
    armed: Arc<AtomicBool>,
    _hook: HookGuard,
}

#[cfg(not(loom))]
impl ExitGuard {
    /// Keeps the exit armed for the rest of the process's life.
    ///
    /// ```no_run
    /// let shutdown = common::Shutdown::install().unwrap();
    /// shutdown.exit_on_trigger(|| "interrupted".into()).forever();
    /// ```
    pub fn forever(self) {
        std::mem::forget(self);
    }
}

#[cfg(not(loom))]
impl Drop for ExitGuard {
    fn drop(&mut self) {
        self.armed.store(false, Ordering::SeqCst);
    }
}

#[cfg(all(test, not(loom)))]
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

    #[test]
    fn dropped_guards_leave_no_hook() {
        let s = Shutdown::new();
        for _ in 0..1000 {
            let s2 = s.clone(); // a hook owning its Shutdown: no leak either
            let _g = s.on_trigger_scoped(move || s2.trigger());
        }
        assert!(s.lock().hooks.is_empty());
        let g = s.on_trigger_scoped(|| ());
        g.forever();
        assert_eq!(s.lock().hooks.len(), 1);
    }
}
