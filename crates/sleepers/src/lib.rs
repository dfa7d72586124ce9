//! Chun's mtsleep3/4/5 and python-course's ten sleepers, in Rust.
//!
//! Ports `chun-multithreaded-programming.md` lines 129-232 (mtsleep3: a thread
//! made from a function; mtsleep4: from a callable object; mtsleep5: from a
//! `Thread` subclass) and python-course's `sleeper` passage ("The Thread of the
//! example doesn't do a lot, essentially it just sleeps for 5 seconds").
//!
//! What Rust changes:
//! - The sleeps overlap for real: the total is the longest loop, as in Python
//!   (sleeping releases the GIL there too), but here nothing else would hold a
//!   GIL either.
//! - `time.sleep` cannot be interrupted from another thread; these sleeps are
//!   [`Shutdown::sleep`], a timed condvar wait, so Ctrl-C wakes every thread at
//!   once and each says whether its loop finished.
//! - Python creates all threads, then starts them; a Rust thread starts when
//!   it is spawned, so creating and starting are one step.
//! - No callable objects or subclassing in Rust: [`ThreadFunc`] holds the
//!   function and its arguments and has a `call` method, and [`MyThread`]
//!   implements a small [`Runnable`] trait whose `run` plays the overridden
//!   `Thread.run`.
//!
//! Modules: [`ctime`] formats times as Python's `time.ctime()`.

pub mod ctime;

use common::Shutdown;
use std::io::{self, Write};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How mtsleep makes its threads (Chun's "3 alternatives").
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// mtsleep3: a thread made from a function and its arguments.
    Function,
    /// mtsleep4: a thread made from a callable object.
    Callable,
    /// mtsleep5: a thread type with a name and a `run`.
    Subclass,
}

/// One loop of mtsleep: which it is, how long it nominally sleeps, and how
/// long it really does (`--scale`).
#[derive(Clone, Copy, Debug)]
pub struct Loop {
    pub index: usize,
    pub real: Duration,
}

/// Prints one line at once, so lines of different threads never interleave.
fn say(line: String) {
    let mut out = io::stdout().lock();
    // A closed stdout (`| head`) must not panic a sleeper thread.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// With `--names`, the suffix naming the thread a line was printed from.
fn who(names: bool) -> String {
    if !names {
        return String::new();
    }
    format!(" [{}]", thread::current().name().unwrap_or("unnamed"))
}

/// mtsleep's `loop(nloop, nsec)`: returns whether it slept the whole time.
pub fn sleep_loop(l: Loop, names: bool, shutdown: &Shutdown) -> bool {
    say(format!(
        "start loop {} at: {}{}",
        l.index,
        ctime::now(),
        who(names)
    ));
    let finished = shutdown.sleep(l.real);
    let word = if finished { "done" } else { "interrupted" };
    say(format!(
        "loop {} {word} at: {}{}",
        l.index,
        ctime::now(),
        who(names)
    ));
    finished
}

/// mtsleep4's callable object: the function, its arguments and a name.
/// As in the Python, the name is the object's, not the thread's.
pub struct ThreadFunc<F> {
    pub name: String,
    func: F,
}

impl<F: FnOnce() -> bool> ThreadFunc<F> {
    pub fn new(func: F, name: &str) -> Self {
        Self {
            name: name.to_string(),
            func,
        }
    }

    /// Python's `__call__`.
    pub fn call(self) -> bool {
        (self.func)()
    }
}

/// What a thread type provides in place of overriding `Thread.run`.
pub trait Runnable: Send + 'static {
    fn name(&self) -> &str;
    fn run(self) -> bool;

    /// `Thread.start`: a named OS thread that calls `run`.
    fn start(self) -> io::Result<JoinHandle<bool>>
    where
        Self: Sized,
    {
        thread::Builder::new()
            .name(self.name().to_string())
            .spawn(move || self.run())
    }
}

/// mtsleep5's `MyThread`: a named thread that runs `loop` with its arguments.
pub struct MyThread {
    name: String,
    l: Loop,
    names: bool,
    shutdown: Shutdown,
}

impl Runnable for MyThread {
    fn name(&self) -> &str {
        &self.name
    }
    fn run(self) -> bool {
        sleep_loop(self.l, self.names, &self.shutdown)
    }
}

/// What happened to the loops.
#[derive(Debug, Default)]
pub struct Report {
    /// Indices of loops cut short by shutdown, in order.
    pub interrupted: Vec<usize>,
}

/// Runs mtsleep3/4/5: one thread per loop, all sleeping at once.
pub fn mtsleep(
    style: Style,
    loops: &[Loop],
    names: bool,
    shutdown: &Shutdown,
) -> io::Result<Report> {
    say("starting threads...".into());
    let mut threads = Vec::with_capacity(loops.len());
    for (i, &l) in loops.iter().enumerate() {
        let sd = shutdown.clone();
        // Python's default thread names are Thread-1, Thread-2, ...
        let default_name = format!("Thread-{}", i + 1);
        let handle = match style {
            Style::Function => thread::Builder::new()
                .name(default_name)
                .spawn(move || sleep_loop(l, names, &sd))?,
            Style::Callable => {
                let f = ThreadFunc::new(move || sleep_loop(l, names, &sd), "loop");
                thread::Builder::new()
                    .name(default_name)
                    .spawn(move || f.call())?
            }
            Style::Subclass => MyThread {
                name: "loop".into(),
                l,
                names,
                shutdown: sd,
            }
            .start()?,
        };
        threads.push(handle);
    }
    let mut report = Report::default();
    for (i, t) in threads.into_iter().enumerate() {
        // A loop thread only sleeps and prints; a panic there is a bug.
        if !t.join().expect("a loop thread panicked") {
            report.interrupted.push(i);
        }
    }
    if report.interrupted.is_empty() {
        say(format!("all DONE at: {}", ctime::now()));
    } else {
        let list: Vec<String> = report.interrupted.iter().map(|i| i.to_string()).collect();
        say(format!(
            "interrupted at: {}; loops cut short: {}",
            ctime::now(),
            list.join(", ")
        ));
    }
    Ok(report)
}

/// python-course's sleepers: `count` threads that each sleep `nominal`
/// seconds (really `real`) and say so. Returns the threads cut short.
pub fn sleepers(
    count: usize,
    nominal: &str,
    real: Duration,
    shutdown: &Shutdown,
) -> io::Result<Report> {
    // Not `with_capacity(count)`: a huge count must end in "cannot start a
    // thread", not in a capacity-overflow panic.
    let mut threads = Vec::new();
    for i in 0..count {
        let sd = shutdown.clone();
        let nominal = nominal.to_string();
        threads.push(thread::Builder::new().spawn(move || {
            say(format!("thread {i} sleeps for {nominal} seconds"));
            let finished = sd.sleep(real);
            let word = if finished { "woke up" } else { "interrupted" };
            say(format!("thread {i} {word}"));
            finished
        })?);
    }
    // The Python never joins (the interpreter waits for non-daemon threads
    // at exit); joining says the same thing explicitly.
    let mut report = Report::default();
    for (i, t) in threads.into_iter().enumerate() {
        if !t.join().expect("a sleeper thread panicked") {
            report.interrupted.push(i);
        }
    }
    Ok(report)
}

/// Parses a number of seconds: finite, not negative, and small enough for a
/// `Duration`.
///
/// ```
/// assert_eq!(sleepers::parse_seconds("2.5").unwrap().as_millis(), 2500);
/// assert!(sleepers::parse_seconds("-1").is_err());
/// assert!(sleepers::parse_seconds("x").is_err());
/// ```
pub fn parse_seconds(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if v.is_sign_negative() && v != 0.0 {
        return Err(format!("'{s}': seconds cannot be negative"));
    }
    Duration::try_from_secs_f64(v).map_err(|_| format!("'{s}' is not a usable number of seconds"))
}

/// Scales a nominal duration (`--scale`), refusing results a `Duration`
/// cannot hold.
pub fn scaled(d: Duration, scale: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(d.as_secs_f64() * scale)
        .map_err(|_| format!("{}s scaled by {scale:?} is out of range", d.as_secs_f64()))
}

/// Formats seconds as the Python's `%d` would for whole numbers, keeping the
/// fraction otherwise (`5` -> "5", `2.5` -> "2.5").
pub fn show_seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{}", d.as_secs())
    } else {
        format!("{s}")
    }
}
