//! Matloff's port scanner (Matloff, "Tutorial on Threads Programming with
//! Python", section 4.2 "Event Example", PDF p. 13: `portscanner.py host
//! maxthreads`), and a TCP connect scanner built on the same parts. The
//! listing's lines are anchored next to their Rust twins as
//! `// portscanner.py:N  <the line as printed>`, by its own line numbers.
//!
//! What Rust changes:
//! - No GIL, so the scanning threads really run in parallel; the tool mode
//!   checks all 65535 loopback ports faster than `nmap -sT -T5`. The
//!   tutorial's `need to wait` shows it: common in Rust runs, rare in
//!   Python's (see [`tutorial`]).
//! - The tutorial's `threading.Event` is [`common::Event`]: its `set()` then
//!   `clear()` must still wake a main thread parked in `wait()`, which a naive
//!   `while !flag { condvar.wait() }` does not (the flag is false again by the
//!   time main runs). The tutorial also loses a wake-up of its own, for any
//!   MAXTHREADS: it drops the list lock before `wait()` (portscanner.py:56-57),
//!   so the scanner that takes the count to MAXTHREADS-1 can `set()` before
//!   main waits, and no later exit meets that count again; main here re-reads
//!   the list after a short timed wait (see [`tutorial`]).
//! - The lock the tutorial takes around `tlist` is still needed (main appends,
//!   scanners remove themselves), but the list can no longer be read without
//!   it: `Mutex<Vec<_>>` owns the data, so the tutorial's unlocked
//!   `print "%d: now active --" % pn, scanner.tlist` (portscanner.py:44) does
//!   not compile; main locks to print.
//! - Connects have a timeout (`--timeout`, 1 s): the Python blocks about two
//!   minutes on a port whose packets are dropped.
//!
//! Modules:
//! - [`spec`]: parsing ports (`22,80,8000-8100`), hosts, timeouts, MAXTHREADS.
//! - [`probe`]: one connect, classified open/closed/filtered/error; waits out
//!   a file-descriptor shortage instead of calling the port closed; a
//!   self-connect (also to a wildcard target) is closed, not open.
//! - [`tutorial`]: the default mode, a thread per port limited by an Event.
//! - [`tool`]: `--open`/`--all`, a pool of threads, sorted results and a summary.

pub mod probe;
pub mod spec;
pub mod tool;
pub mod tutorial;

use common::Shutdown;
use common::cli::{EXIT_FAILURE, EXIT_INTERRUPTED};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// MAXTHREADS when the command line gives none, if descriptors allow.
pub const DEFAULT_MAXTHREADS: usize = 1000;

/// The default MAXTHREADS: [`DEFAULT_MAXTHREADS`], or fewer when the soft
/// `ulimit -n` (read from `/proc/self/limits`) leaves less than that plus a
/// margin, since each thread holds one socket. Filtered ports cost a whole
/// `--timeout` each, so the more connects in flight the better.
pub fn default_maxthreads() -> usize {
    let soft = common::limits::soft_open_files();
    match soft {
        Some(n) => DEFAULT_MAXTHREADS.min(n.saturating_sub(32)).max(1),
        None => 256,
    }
}

/// Which output the run prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The tutorial's lines (`N: attempting check`, ...).
    Tutorial,
    /// Sorted results and a summary line.
    Tool(tool::Show),
}

/// A validated scan request.
#[derive(Clone, Debug)]
pub struct Config {
    pub hosts: Vec<IpAddr>,
    pub ports: Vec<u16>,
    pub maxthreads: usize,
    pub timeout: Duration,
    pub mode: Mode,
}

impl Config {
    /// Every address to check: each host (duplicates dropped) with each port.
    pub fn targets(&self) -> Targets {
        let mut hosts = self.hosts.clone();
        let mut seen = std::collections::HashSet::new();
        hosts.retain(|h| seen.insert(*h));
        Targets {
            hosts,
            ports: self.ports.clone(),
        }
    }
}

/// The most host x port pairs a run takes by default (`--max-targets`):
/// 16 hosts' every port. Tool mode keeps a verdict per pair to sort them.
pub const DEFAULT_MAX_TARGETS: u64 = 1 << 20;

/// The host x port pairs of a scan, made one at a time from their index
/// instead of all up front: hosts in the order given, ports ascending.
///
/// ```
/// use portscanner::Targets;
/// let t = Targets { hosts: vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()], ports: vec![22, 80] };
/// assert_eq!(t.len(), 4);
/// assert_eq!(t.get(3).unwrap().to_string(), "[::1]:80");
/// assert!(t.get(4).is_none());
/// ```
#[derive(Clone, Debug)]
pub struct Targets {
    pub hosts: Vec<IpAddr>,
    pub ports: Vec<u16>,
}

impl Targets {
    pub fn len(&self) -> usize {
        self.hosts.len() * self.ports.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th pair, if there is one.
    pub fn get(&self, i: usize) -> Option<SocketAddr> {
        let n = self.ports.len().max(1);
        let host = *self.hosts.get(i / n)?;
        let port = *self.ports.get(i % n)?;
        Some(SocketAddr::new(host, port))
    }

    /// All pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = SocketAddr> + '_ {
        self.hosts
            .iter()
            .flat_map(|&h| self.ports.iter().map(move |&p| SocketAddr::new(h, p)))
    }
}

/// How a run ended, in either mode.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Done,
    /// Shutdown: `checked` of the `of` addresses got a verdict.
    Interrupted {
        checked: usize,
        of: usize,
    },
    /// A one-line reason (out of descriptors, no threads).
    Failed(String),
}

/// Runs the scan and returns the exit code: 0 done, 1 failed (message
/// printed, also when stdout could not be written: `common::out`), 130
/// interrupted (what was found so far printed).
pub fn run(cfg: &Config, shutdown: &Shutdown) -> i32 {
    let targets = cfg.targets();
    let several = targets.hosts.len() > 1;
    let ending = match cfg.mode {
        Mode::Tutorial => tutorial::run(&targets, several, cfg.maxthreads, cfg.timeout, shutdown),
        Mode::Tool(show) => tool::run(&targets, cfg.maxthreads, cfg.timeout, show, shutdown),
    };
    // A closed pipe is quiet and keeps the exit code; a full disk is not.
    let code = match ending {
        Ending::Interrupted { checked, of } => {
            common::cli::warn(format_args!(
                "interrupted after checking {checked} of {of} ports"
            ));
            EXIT_INTERRUPTED
        }
        Ending::Failed(msg) => {
            common::cli::warn(msg);
            EXIT_FAILURE
        }
        Ending::Done => 0,
    };
    common::out::finish(code)
}
