//! Chun's mtsleep3/4/5 and python-course's ten sleepers, in Rust.
//!
//! Ports Wesley J. Chun, "Multithreaded Programming In Python" (slides),
//! slides "Longer Threading Example (mtsleap3.py)" (a thread made from a
//! function), "Thread Class Example (mtsleap4.py)" (from a callable object)
//! and "Thread Subclass Example (mtsleap5.py)" (from a `Thread` subclass),
//! with their output slide "Threading Example Output" (`$ mtsleep3.py`); and
//! Bernd Klein, python-course.eu, "Threads in Python", section "threading
//! Module", the `sleeper` example ("The Thread of the example doesn't do a
//! lot, essentially it just sleeps for 5 seconds"). The listings print no
//! line numbers; the anchors name them `mtsleep3.py`, `mtsleep4.py`,
//! `mtsleep5.py` (as the output slide spells it; the titles say `mtsleap`)
//! and `sleeper.py`. mtsleep4 and mtsleep5 reuse mtsleep3's `loop` and
//! `loops` ("Next examples use same imports & declarations").
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
use std::io;
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

/// Prints one line at once, so lines of different threads never interleave;
/// write errors are recorded by `common::out` for `main`'s exit code.
fn say(line: String) {
    common::outln!("{line}");
}

/// With `--names`, the suffix naming the thread a line was printed from.
fn who(names: bool) -> String {
    if !names {
        return String::new();
    }
    format!(" [{}]", thread::current().name().unwrap_or("unnamed"))
}

/// mtsleep's `loop(nloop, nsec)`: returns whether it slept the whole time.
// mtsleep3.py  def loop(nloop, nsec):
pub fn sleep_loop(l: Loop, names: bool, shutdown: &Shutdown) -> bool {
    // mtsleep3.py  print 'start loop', nloop, 'at:', ctime()
    say(format!(
        "start loop {} at: {}{}",
        l.index,
        ctime::now(),
        who(names)
    ));
    // mtsleep3.py  sleep(nsec)
    let finished = shutdown.sleep(l.real);
    let word = if finished { "done" } else { "interrupted" };
    // mtsleep3.py  print 'loop', nloop, 'done at:', ctime()
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
// mtsleep4.py  class ThreadFunc:
pub struct ThreadFunc<F> {
    pub name: String,
    func: F,
}

impl<F: FnOnce() -> bool> ThreadFunc<F> {
    // mtsleep4.py  def __init__(self, func, args, name=''):
    pub fn new(func: F, name: &str) -> Self {
        // mtsleep4.py  self.name = name
        // mtsleep4.py  self.func = func
        // mtsleep4.py  self.args = args
        Self {
            name: name.to_string(),
            func,
        }
    }

    /// Python's `__call__`.
    // mtsleep4.py  def __call__(self):
    pub fn call(self) -> bool {
        // mtsleep4.py  self.func(*self.args)
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
// mtsleep5.py  class MyThread(threading.Thread):
// mtsleep5.py  def __init__(self, func, args, name=''):
// mtsleep5.py  threading.Thread.__init__(self)
// mtsleep5.py  self.name = name
// mtsleep5.py  self.func = func
// mtsleep5.py  self.args = args
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
    // mtsleep5.py  def run(self):
    fn run(self) -> bool {
        // mtsleep5.py  self.func(*self.args)
        sleep_loop(self.l, self.names, &self.shutdown)
    }
}

/// What happened to the loops.
#[derive(Debug, Default)]
pub struct Report {
    /// Indices of loops cut short by shutdown, in order.
    pub interrupted: Vec<usize>,
}

impl Report {
    /// The last line after Ctrl-C: `interrupted at: <ctime>; loops cut
    /// short: 0, 1` (`what` names the loops or threads).
    pub fn cut_short(&self, what: &str) -> String {
        let list: Vec<String> = self.interrupted.iter().map(|i| i.to_string()).collect();
        format!(
            "interrupted at: {}; {what} cut short: {}",
            ctime::now(),
            list.join(", ")
        )
    }
}

/// Runs mtsleep3/4/5: one thread per loop, all sleeping at once.
pub fn mtsleep(
    style: Style,
    loops: &[Loop],
    names: bool,
    shutdown: &Shutdown,
) -> io::Result<Report> {
    // mtsleep3.py  print 'starting threads...'
    // mtsleep4.py  print 'starting threads...'
    // mtsleep5.py  print 'starting threads...'
    say("starting threads...".into());
    // mtsleep3.py  threads = []
    // mtsleep4.py  threads = []
    // mtsleep5.py  threads = []
    let mut threads = Vec::with_capacity(loops.len());
    // mtsleep3.py  nloops = range(len(loops))
    // mtsleep4.py  nloops = range(len(loops))
    // mtsleep5.py  nloops = range(len(loops))
    // mtsleep3.py  for i in nloops:
    // mtsleep4.py  for i in nloops:
    // mtsleep5.py  for i in nloops:
    for (i, &l) in loops.iter().enumerate() {
        let sd = shutdown.clone();
        // Python's default thread names are Thread-1, Thread-2, ...
        let default_name = format!("Thread-{}", i + 1);
        // Creating and starting are one step in Rust:
        // mtsleep3.py  for i in nloops: threads[i].start() # start threads
        // mtsleep4.py  for i in nloops: threads[i].start()
        // mtsleep5.py  for i in nloops: threads[i].start()
        let handle = match style {
            // mtsleep3.py  t = threading.Thread(target=loop, args=(i, loops[i]))
            Style::Function => thread::Builder::new()
                .name(default_name)
                .spawn(move || sleep_loop(l, names, &sd))?,
            Style::Callable => {
                // mtsleep4.py  t = threading.Thread(target=ThreadFunc(loop, (i, loops[i]),
                // mtsleep4.py  loop.__name__))
                let f = ThreadFunc::new(move || sleep_loop(l, names, &sd), "loop");
                thread::Builder::new()
                    .name(default_name)
                    .spawn(move || f.call())?
            }
            // mtsleep5.py  t = MyThread(loop, (i, loops[i]), loop.__name__)
            Style::Subclass => MyThread {
                name: "loop".into(),
                l,
                names,
                shutdown: sd,
            }
            .start()?,
        };
        // mtsleep3.py  threads.append(t)
        // mtsleep4.py  threads.append(t)
        // mtsleep5.py  threads.append(t)
        threads.push(handle);
    }
    let mut report = Report::default();
    // mtsleep3.py  for i in nloops:
    // mtsleep3.py  threads[i].join() # wait 4 threads 2 finish
    // mtsleep4.py  for i in nloops: threads[i].join()
    // mtsleep5.py  for i in nloops: threads[i].join()
    for (i, t) in threads.into_iter().enumerate() {
        // A loop thread only sleeps and prints; a panic there is a bug.
        if !t.join().expect("a loop thread panicked") {
            report.interrupted.push(i);
        }
    }
    if report.interrupted.is_empty() {
        // mtsleep3.py  print 'all DONE at:', ctime()
        // mtsleep4.py  print 'all DONE at:', ctime()
        // mtsleep5.py  print 'all DONE at:', ctime()
        say(format!("all DONE at: {}", ctime::now()));
    } else {
        say(report.cut_short("loops"));
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
    // sleeper.py  for i in range(10):
    for i in 0..count {
        let sd = shutdown.clone();
        let nominal = nominal.to_string();
        // sleeper.py  t = Thread(target=sleeper, args=(i,))
        // sleeper.py  t.start()
        // sleeper.py  def sleeper(i):
        threads.push(thread::Builder::new().spawn(move || {
            // sleeper.py  print "thread %d sleeps for 5 seconds" % i
            say(format!("thread {i} sleeps for {nominal} seconds"));
            // sleeper.py  time.sleep(5)
            let finished = sd.sleep(real);
            let word = if finished { "woke up" } else { "interrupted" };
            // sleeper.py  print "thread %d woke up" % i
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
    // Not in the Python, which only ends: after Ctrl-C, say which were cut short.
    if !report.interrupted.is_empty() {
        say(report.cut_short("threads"));
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
