//! Progress on long work: done/total, rate and ETA on stderr, drawn by
//! `indicatif`.
//!
//! Shown only when stderr is a terminal, and only for work still running
//! after [`DELAY`]; never when stderr is a pipe or a file. Hot loops only add
//! to an atomic counter ([`Counter::add`]); a thread of the bar's own samples
//! it ten times a second. The bar is cleared when the work ends, when
//! shutdown is triggered, and before [`Shutdown::exit_on_trigger`] exits;
//! [`errln!`](crate::errln) and [`cli::warn`](crate::cli::warn) lift it out
//! of the way of their line.

use crate::{Monitor, Shutdown};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long work runs before its bar appears.
///
/// ```
/// assert_eq!(common::progress::DELAY.as_secs(), 1);
/// ```
pub const DELAY: Duration = Duration::from_secs(1);
/// How often the bar samples its counter.
const TICK: Duration = Duration::from_millis(100);

/// The bars on screen now, for [`suspend`] and [`clear_all`].
static BARS: Mutex<Vec<(u64, ProgressBar)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// A count of work done, cheap to bump from any thread.
///
/// ```
/// let c = common::progress::Counter::default();
/// c.add(5);
/// c.set(7);
/// assert_eq!(c.get(), 7);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    /// Adds `n` units of work done (one relaxed atomic add).
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    /// Sets the count of work done.
    pub fn set(&self, n: u64) {
        self.0.store(n, Ordering::Relaxed);
    }

    /// The count now.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A progress bar for one piece of long work; cleared on [`finish`] or drop.
///
/// ```
/// use common::{Shutdown, progress::Progress};
/// let shutdown = Shutdown::new();
/// let progress = Progress::new("sieving", 1_000, &shutdown);
/// let counter = progress.counter(); // clone it into each worker
/// for _ in 0..1_000 {
///     counter.add(1);
/// }
/// assert_eq!(counter.get(), 1_000);
/// progress.finish(); // nothing was drawn: the work took well under DELAY
/// ```
///
/// [`finish`]: Progress::finish
#[derive(Debug)]
pub struct Progress {
    counter: Counter,
    message: Arc<Mutex<Option<String>>>,
    stop: Arc<Monitor<bool>>,
    sampler: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts tracking `total` units of work labelled `what`. Draws nothing
    /// (and starts no thread) unless stderr is a terminal.
    ///
    /// ```
    /// let p = common::progress::Progress::new("lines", 10, &common::Shutdown::new());
    /// p.counter().add(10);
    /// ```
    pub fn new(what: &str, total: u64, shutdown: &Shutdown) -> Self {
        let counter = Counter::default();
        let message = Arc::default();
        let stop = Arc::new(Monitor::new(false));
        let sampler = std::io::stderr().is_terminal().then(|| {
            let (counter, stop, shutdown) = (counter.clone(), stop.clone(), shutdown.clone());
            let message = Arc::clone(&message);
            let what = what.to_string();
            std::thread::Builder::new()
                .name("progress".into())
                .spawn(move || {
                    let sampled = Sampled { counter, message };
                    sample(&what, total, &sampled, &stop, &shutdown);
                })
                .ok()
        });
        Self {
            counter,
            message,
            stop,
            sampler: sampler.flatten(),
        }
    }

    /// A handle for the workers to count with.
    ///
    /// ```
    /// let p = common::progress::Progress::new("x", 2, &common::Shutdown::new());
    /// let c = p.counter();
    /// std::thread::spawn(move || c.add(2)).join().unwrap();
    /// assert_eq!(p.counter().get(), 2);
    /// ```
    pub fn counter(&self) -> Counter {
        self.counter.clone()
    }

    /// Sets the text shown after the ETA (`3 open`, say), picked up at the
    /// next redraw. It takes a lock: call it when the text changes, not per
    /// item.
    ///
    /// ```
    /// let p = common::progress::Progress::new("ports", 100, &common::Shutdown::new());
    /// p.set_message(format!("{} open", 3));
    /// ```
    pub fn set_message(&self, message: impl Into<String>) {
        *self.message.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.into());
    }

    /// Ends the work: clears the bar if one is shown (dropping does too).
    ///
    /// ```
    /// common::progress::Progress::new("x", 1, &common::Shutdown::new()).finish();
    /// ```
    pub fn finish(self) {}
}

impl Drop for Progress {
    fn drop(&mut self) {
        *self.stop.lock() = true;
        self.stop.notify_all();
        if let Some(t) = self.sampler.take() {
            let _ = t.join();
        }
    }
}

/// The sampler thread: counts from the start (so rate and ETA see the whole
/// run), shows the bar once [`DELAY`] has passed, redraws every [`TICK`]
/// until stopped or shut down.
/// What the sampler reads each tick.
struct Sampled {
    counter: Counter,
    message: Arc<Mutex<Option<String>>>,
}

fn sample(what: &str, total: u64, sampled: &Sampled, stop: &Monitor<bool>, shutdown: &Shutdown) {
    let running = |wait: Duration| {
        matches!(
            stop.wait_timeout_while(shutdown, wait, |s| !*s),
            Ok((_, true))
        )
    };
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    let style = ProgressStyle::with_template(
        "{prefix} {wide_bar} {human_pos}/{human_len} {per_sec:1} ETA {eta} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(what.to_string());
    let t0 = Instant::now();
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut shown = false;
    while running(TICK) {
        bar.set_position(sampled.counter.get());
        let message = sampled
            .message
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(message) = message {
            bar.set_message(message);
        }
        if !shown && t0.elapsed() >= DELAY {
            shown = true;
            bar.set_draw_target(ProgressDrawTarget::stderr());
            lock_bars().push((id, bar.clone()));
        }
    }
    if shown {
        lock_bars().retain(|(i, _)| *i != id);
        bar.finish_and_clear();
    }
}

fn lock_bars() -> std::sync::MutexGuard<'static, Vec<(u64, ProgressBar)>> {
    BARS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` (which writes to stderr) with the bars lifted out of its way.
///
/// ```
/// common::progress::suspend(|| common::errln!("a line between redraws"));
/// ```
pub fn suspend<R>(f: impl FnOnce() -> R) -> R {
    let bar = lock_bars().first().map(|(_, b)| b.clone());
    match bar {
        Some(bar) => bar.suspend(f),
        None => f(),
    }
}

/// Clears every bar now (before the process exits from a signal hook).
///
/// ```
/// common::progress::clear_all(); // no bar: nothing to do
/// ```
pub fn clear_all() {
    for (_, bar) in std::mem::take(&mut *lock_bars()) {
        bar.finish_and_clear();
    }
}
