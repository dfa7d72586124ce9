//! The recorder: spans and instants into per-thread buffers, off by default.
//!
//! Cost when off: [`work()`], [`wait()`], [`sleep()`] and [`instant()`] do one
//! relaxed load of a global flag and return an empty [`Span`]; dropping an
//! empty span is one `None` check. Nothing is formatted, nothing allocated.
//!
//! Cost when on: two clock reads per span and a push into the calling
//! thread's own buffer behind its own (uncontended) mutex; the only shared
//! write is one `fetch_add` on the event budget per 1024 events.
//!
//! Bound: past the session's cap (default [`DEFAULT_CAP`] events in all) a
//! thread stops keeping events and keeps, per span name, a count and a total
//! time instead; the trace says so (an instant "trace cap reached" with the
//! aggregates in its args, and `otherData.truncated`).

use crate::model::{Aggregate, Ev, Kind, Trace, Track};
use std::cell::RefCell;
use std::fmt::Display;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

/// Events a session keeps by default before it only counts.
pub const DEFAULT_CAP: usize = 1_000_000;
/// Events a thread takes from the shared budget at a time.
const CHUNK: usize = 1024;

/// Whether a session is recording: the one load a disabled call pays.
static ON: AtomicBool = AtomicBool::new(false);
/// Bumped by every session start, so threads re-register their buffer.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// Events handed out of the budget so far, and the budget.
static RESERVED: AtomicUsize = AtomicUsize::new(0);
static CAP: AtomicUsize = AtomicUsize::new(DEFAULT_CAP);
/// Every thread's buffer; locked once per thread and session, not per event.
static REGISTRY: Mutex<Vec<Arc<ThreadBuf>>> = Mutex::new(Vec::new());
/// One session at a time in a process (tests run in parallel).
static SESSION: Mutex<()> = Mutex::new(());
static EPOCH: OnceLock<Instant> = OnceLock::new();

struct ThreadBuf {
    tid: u64,
    name: Mutex<String>,
    local: Mutex<Local>,
}

#[derive(Default)]
struct Local {
    events: Vec<Raw>,
    budget: usize,
    capped_at: Option<u64>,
    aggregates: Vec<(Kind, &'static str, u64, u64)>,
}

struct Raw {
    kind: Kind,
    what: &'static str,
    label: Option<Box<str>>,
    start: u64,
    dur: u64,
}

thread_local! {
    static MINE: RefCell<Option<(u64, Arc<ThreadBuf>)>> = const { RefCell::new(None) };
    /// The session (generation) in which this thread reached the cap, so
    /// its labels need not be formatted any more.
    static CAPPED_IN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Whether this thread only counts now (its labels would be thrown away).
fn capped() -> bool {
    CAPPED_IN.with(|c| c.get()) == GENERATION.load(Relaxed)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn now_ns() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// True while a session records. Use it to skip work done only for the trace.
#[inline]
pub fn enabled() -> bool {
    ON.load(Relaxed)
}

/// The calling thread's buffer in this session, registering it on first use.
fn with_buf<R>(f: impl FnOnce(&ThreadBuf) -> R) -> R {
    let generation = GENERATION.load(Relaxed);
    MINE.with(|mine| {
        let mut mine = mine.borrow_mut();
        match &*mine {
            Some((g, buf)) if *g == generation => f(buf),
            _ => {
                let buf = register();
                let r = f(&buf);
                *mine = Some((generation, buf));
                r
            }
        }
    })
}

fn register() -> Arc<ThreadBuf> {
    let mut all = lock(&REGISTRY);
    let name = match std::thread::current().name() {
        Some("main") => "MainThread".to_string(),
        Some(n) => n.to_string(),
        None => format!("Thread-{}", all.len() + 1),
    };
    let buf = Arc::new(ThreadBuf {
        tid: all.len() as u64 + 1,
        name: Mutex::new(name),
        local: Mutex::new(Local::default()),
    });
    all.push(Arc::clone(&buf));
    buf
}

/// Names the calling thread's track (`Thread-3`, `scanner`, `srvr-2`), as
/// the tutorial names it. Without it a track takes the std thread name,
/// `MainThread` for `main`, or `Thread-N`. Free when no session records.
pub fn thread_name(name: impl Display) {
    if enabled() {
        let name = name.to_string();
        with_buf(|b| *lock(&b.name) = name);
    }
}

/// A unit of work (`k=7`, a partition, a port check) until dropped.
#[inline]
pub fn work(what: &'static str) -> Span {
    Span::begin(Kind::Work, what)
}

/// A wait (a lock, an `Event`, a queue get, a condvar, a join) until dropped.
#[inline]
pub fn wait(what: &'static str) -> Span {
    Span::begin(Kind::Wait, what)
}

/// A sleep until dropped.
#[inline]
pub fn sleep(what: &'static str) -> Span {
    Span::begin(Kind::Sleep, what)
}

/// A moment: `set()`, `clear()`, `notify`. The label is formatted only when
/// a session records; `""` means the label is `what`.
#[inline]
pub fn instant(what: &'static str, label: impl Display) {
    if enabled() {
        let label = label.to_string();
        let t = now_ns();
        push(Raw {
            kind: Kind::Instant,
            what,
            label: (!label.is_empty()).then(|| label.into()),
            start: t,
            dur: 0,
        });
    }
}

/// A [`work()`] span labelled with `format!`-style arguments, formatted only
/// when recording: `let _k = timeline::work!("k", "k={k}");`. Off, this is
/// the flag's load and nothing else (a `.with(format_args!(..))` call builds
/// its arguments anyway, about 3.5 ns).
#[macro_export]
macro_rules! work {
    ($what:expr) => {
        $crate::work($what)
    };
    ($what:expr, $($label:tt)+) => {
        if $crate::enabled() {
            $crate::work($what).with(::std::format_args!($($label)+))
        } else {
            $crate::Span::none()
        }
    };
}

/// A [`wait()`] span with a lazily formatted label: `timeline::wait!("join", "join {t}")`.
#[macro_export]
macro_rules! wait {
    ($what:expr) => {
        $crate::wait($what)
    };
    ($what:expr, $($label:tt)+) => {
        if $crate::enabled() {
            $crate::wait($what).with(::std::format_args!($($label)+))
        } else {
            $crate::Span::none()
        }
    };
}

/// A [`sleep()`] span with a lazily formatted label: `timeline::sleep!("sleep", "sleep({d})")`.
#[macro_export]
macro_rules! sleep {
    ($what:expr) => {
        $crate::sleep($what)
    };
    ($what:expr, $($label:tt)+) => {
        if $crate::enabled() {
            $crate::sleep($what).with(::std::format_args!($($label)+))
        } else {
            $crate::Span::none()
        }
    };
}

/// An [`instant()`] with a lazily formatted label: `timeline::instant!("set", "set() by {me}")`.
#[macro_export]
macro_rules! instant {
    ($what:expr) => {
        $crate::instant($what, "")
    };
    ($what:expr, $($label:tt)+) => {
        if $crate::enabled() {
            $crate::instant($what, ::std::format_args!($($label)+))
        }
    };
}

/// An open span; it ends, and is recorded, when dropped. Empty (and free)
/// when no session records.
#[must_use = "a span ends when dropped: bind it, `let _k = timeline::work(\"k\");`"]
pub struct Span(Option<Open>);

struct Open {
    kind: Kind,
    what: &'static str,
    label: Option<Box<str>>,
    start: u64,
}

impl Open {
    // Out of line, so that an empty span's `with`/`label` stays a None check.
    #[cold]
    #[inline(never)]
    fn set_label(&mut self, label: &dyn Display) {
        if !capped() {
            self.label = Some(label.to_string().into());
        }
    }
}

impl Span {
    /// A span that records nothing.
    #[inline]
    pub const fn none() -> Span {
        Span(None)
    }

    #[inline]
    fn begin(kind: Kind, what: &'static str) -> Span {
        if !enabled() {
            return Span(None);
        }
        Span::begin_on(kind, what)
    }

    #[cold]
    #[inline(never)]
    fn begin_on(kind: Kind, what: &'static str) -> Span {
        Span(Some(Open {
            kind,
            what,
            label: None,
            start: now_ns(),
        }))
    }

    /// The same span with a label (`k=7`); `label` is formatted only when
    /// the span records, so pass `format_args!(..)`, not `format!(..)`.
    #[inline]
    pub fn with(mut self, label: impl Display) -> Span {
        self.label(label);
        self
    }

    /// Sets the label once the result is known (`port 22: open`).
    #[inline]
    pub fn label(&mut self, label: impl Display) {
        if let Some(open) = &mut self.0 {
            open.set_label(&label);
        }
    }

    /// True when this span will be recorded.
    #[inline]
    pub fn is_recording(&self) -> bool {
        self.0.is_some()
    }
}

impl Drop for Span {
    #[inline]
    fn drop(&mut self) {
        if let Some(open) = self.0.take() {
            end(open);
        }
    }
}

#[cold]
#[inline(never)]
fn end(open: Open) {
    let dur = now_ns().saturating_sub(open.start);
    push(Raw {
        kind: open.kind,
        what: open.what,
        label: open.label,
        start: open.start,
        dur,
    });
}

fn push(raw: Raw) {
    if !enabled() {
        return; // the session ended while this span was open
    }
    with_buf(|buf| {
        let mut local = lock(&buf.local);
        if local.budget == 0 && local.capped_at.is_none() {
            let cap = CAP.load(Relaxed);
            let before = RESERVED.fetch_add(CHUNK, Relaxed);
            local.budget = cap.saturating_sub(before).min(CHUNK);
        }
        if local.budget > 0 {
            local.budget -= 1;
            local.events.push(raw);
            return;
        }
        local.capped_at.get_or_insert(raw.start);
        CAPPED_IN.with(|c| c.set(GENERATION.load(Relaxed)));
        match local
            .aggregates
            .iter_mut()
            .find(|a| a.0 == raw.kind && a.1 == raw.what)
        {
            Some(a) => {
                a.2 += 1;
                a.3 += raw.dur;
            }
            None => local.aggregates.push((raw.kind, raw.what, 1, raw.dur)),
        }
    });
}

/// What a session records and where it goes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Write the Chrome trace JSON here at [`Session::finish`].
    pub trace: Option<PathBuf>,
    /// Print the text chart on stderr at [`Session::finish`].
    pub chart: bool,
    /// Events kept before the recorder only counts (per name and thread).
    pub cap: usize,
    /// The process's name in the trace [default: the program's file name].
    pub process: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trace: None,
            chart: false,
            cap: DEFAULT_CAP,
            process: None,
        }
    }
}

/// A recording, from [`Session::start`] to [`Session::finish`]. Records
/// nothing (and costs nothing) when neither a trace file nor a chart is
/// asked for. One session records at a time; a second waits for the first.
pub struct Session {
    on: Option<On>,
}

struct On {
    _one: MutexGuard<'static, ()>,
    file: Option<(PathBuf, std::fs::File)>,
    chart: bool,
    cap: usize,
    process: String,
    start: u64,
    collected: Option<Trace>,
}

impl Session {
    /// `--trace FILE` and `--timeline` as most programs take them.
    pub fn from_args(trace: Option<&Path>, chart: bool) -> io::Result<Session> {
        Session::start(Options {
            trace: trace.map(Path::to_path_buf),
            chart,
            ..Options::default()
        })
    }

    /// Starts recording. The trace file is created now, so a bad path fails
    /// before the run rather than after it.
    pub fn start(opts: Options) -> io::Result<Session> {
        if opts.trace.is_none() && !opts.chart {
            return Ok(Session { on: None });
        }
        let file = match opts.trace {
            Some(path) => {
                let f = std::fs::File::create(&path).map_err(|e| with_path(&path, e))?;
                Some((path, f))
            }
            None => None,
        };
        let one = lock(&SESSION);
        let process = opts.process.unwrap_or_else(|| {
            std::env::args()
                .next()
                .map(|a| {
                    Path::new(&a)
                        .file_name()
                        .map_or(a.clone(), |f| f.to_string_lossy().into_owned())
                })
                .unwrap_or_else(|| "process".into())
        });
        lock(&REGISTRY).clear();
        RESERVED.store(0, Relaxed);
        CAP.store(opts.cap, Relaxed);
        GENERATION.fetch_add(1, Relaxed);
        let start = now_ns();
        ON.store(true, Relaxed);
        // The starting thread is usually main: give it the first row.
        with_buf(|_| ());
        Ok(Session {
            on: Some(On {
                _one: one,
                file,
                chart: opts.chart,
                cap: opts.cap,
                process,
                start,
                collected: None,
            }),
        })
    }

    /// True when this session records.
    pub fn is_on(&self) -> bool {
        self.on.is_some()
    }

    /// Stops recording and returns what was recorded, times in microseconds
    /// from the session's start (`None` when off). Threads should have been
    /// joined. [`Session::finish`] writes the same trace.
    pub fn collect(&mut self) -> Option<Trace> {
        let on = self.on.as_mut()?;
        if on.collected.is_none() {
            on.collected = Some(Self::gather(on));
        }
        on.collected.clone()
    }

    fn gather(on: &On) -> Trace {
        ON.store(false, Relaxed);
        let bufs = std::mem::take(&mut *lock(&REGISTRY));
        let us = |ns: u64| ns.saturating_sub(on.start) as f64 / 1000.0;
        let mut threads = Vec::with_capacity(bufs.len());
        let mut truncated = false;
        for buf in bufs {
            let mut local = lock(&buf.local);
            let mut events: Vec<Ev> = std::mem::take(&mut local.events)
                .into_iter()
                .map(|r| Ev {
                    kind: r.kind,
                    name: r.label.map_or_else(|| r.what.to_string(), String::from),
                    what: r.what.to_string(),
                    start_us: us(r.start),
                    dur_us: r.dur as f64 / 1000.0,
                })
                .collect();
            events.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
            truncated |= local.capped_at.is_some();
            threads.push(Track {
                pid: u64::from(std::process::id()),
                tid: buf.tid,
                name: lock(&buf.name).clone(),
                events,
                capped_at_us: local.capped_at.map(us),
                aggregates: local
                    .aggregates
                    .iter()
                    .map(|&(kind, what, count, ns)| Aggregate {
                        kind,
                        what: what.to_string(),
                        count,
                        total_us: ns as f64 / 1000.0,
                    })
                    .collect(),
            });
        }
        let mut trace = Trace {
            name: on.process.clone(),
            threads,
            cap: Some(on.cap),
            truncated,
        };
        trace.sort_threads();
        trace
    }

    /// Stops recording; writes the trace file and prints the chart on
    /// stderr, as asked at the start. The error names the file.
    pub fn finish(mut self) -> io::Result<()> {
        let Some(trace) = self.collect() else {
            return Ok(());
        };
        let on = self.on.take().expect("collect saw a session");
        if let Some((path, file)) = on.file {
            let mut w = io::BufWriter::new(file);
            crate::json::write(&trace, &mut w)
                .and_then(|()| w.flush())
                .map_err(|e| with_path(&path, e))?;
        }
        if on.chart {
            let chart = crate::chart::render(&trace, crate::chart::width());
            // A closed stderr leaves nowhere to tell.
            let _ = io::stderr().write_all(chart.as_bytes());
        }
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.on.is_some() {
            ON.store(false, Relaxed);
        }
    }
}

fn with_path(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}
