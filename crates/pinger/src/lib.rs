//! Port of python-course's "Pinging with Threads" (Bernd Klein,
//! python-course.eu, chapter "Threads in Python", the section under the
//! heading "Pinging with Threads"): a thread per address runs
//! `ping -q -c2`, reads `N received`, and after joining them all, main prints
//! `Status from  IP is STATUS` in order.
//!
//! The page prints two listings without file names or line numbers; their
//! lines are anchored next to their Rust twins under our own names:
//! - `pinger.py`: the threaded listing, "This is the fast solution with
//!   threads" (`class ip_check`, `__successful_pings`), the default mode;
//! - `pinger_seq.py`: the one before it, a `for` loop that pings one address
//!   after another and prints `... pinging  IP` and `IP: STATUS` (the page's
//!   text calls a solution without threads "highly inefficient"):
//!   `pinger --sequential`, so the chapter's before and after are one flag
//!   apart.
//!
//! Anchors read `// pinger.py  <the line as printed>`.
//!
//! What Rust changes:
//! - No GIL: but the tutorial's threads mostly wait on `ping` processes, so
//!   the speed-up here comes from not starting a process per address (and
//!   from not waiting ping's 1 s between probes): a /24 in under a second.
//! - Ownership: each thread owns its socket and its counts,
//!   and hands its one result back through a slot that only it writes
//!   ([`std::sync::OnceLock`]), so the compiler needs no lock around the
//!   results; the only shared counter is the running-thread bound.
//! - Condvar: that bound is a counting semaphore on a [`common::Monitor`]
//!   whose waiter re-checks the count under the lock, so a release that
//!   happens before main starts waiting is not lost (a bare `notify` with no
//!   count would be), and Ctrl-C wakes it at once.
//! - The tutorial's warning that too many pings at once can jam the network
//!   becomes a limit (`--max-threads`), and a sweep's size is checked before
//!   anything is sent (`--max-addresses`); intervals under 2 ms are for root
//!   only, as iputils has them.
//! - Instead of starting a `ping` process per address, the threads speak ICMP
//!   echo themselves (datagram "ping" socket, or raw as root); the tutorial's
//!   way stays available as `--via-ping`.
//!
//! Modules:
//! - [`targets`]: address specs (first and last, ranges, CIDR, lists, names)
//!   to the sorted target list, with the size limit.
//! - [`icmp`]: echo request bytes, checksum, and recognising our own replies.
//! - [`native`]: ICMP sockets (choosing datagram or raw) and one address's
//!   probe loop.
//! - [`via_ping`]: the tutorial's method, the system `ping` and its summary line.
//! - this file: the sweep (a thread per address, bounded), the verdicts and
//!   the report lines.

pub mod icmp;
pub mod native;
pub mod targets;
pub mod via_ping;

use common::{Monitor, Shutdown};
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

pub use native::{Kind, SocketMode};
pub use targets::Target;

/// What probing one address found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub sent: u32,
    pub received: u32,
    /// Something went wrong on the way (reported on stderr).
    pub error: Option<String>,
    /// Ctrl-C came first: the counts are the requests settled by then.
    pub cut_short: bool,
}

impl Outcome {
    /// Nothing could be sent: the address was not checked.
    pub fn error(msg: String) -> Self {
        Outcome {
            sent: 0,
            received: 0,
            error: Some(msg),
            cut_short: false,
        }
    }

    pub fn verdict(&self) -> Verdict {
        if self.sent == 0 {
            Verdict::Unknown
        } else if self.received == 0 {
            Verdict::NoResponse
        } else if self.received >= self.sent {
            Verdict::Alive
        } else {
            Verdict::Loss(loss_percent(self.sent, self.received))
        }
    }
}

/// The tutorial's three statuses, the middle one with the real percentage,
/// plus "unknown" where the tutorial would print "shouldn't occur".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Alive,
    Loss(u32),
    NoResponse,
    Unknown,
}

/// Lost share in whole percent, rounded, but never 0 or 100 when some replies
/// came back and some did not.
pub fn loss_percent(sent: u32, received: u32) -> u32 {
    let lost = u64::from(sent.saturating_sub(received));
    let pct = (lost * 200 + u64::from(sent)) / (2 * u64::from(sent).max(1));
    (pct as u32).clamp(1, 99)
}

/// The line the tutorial prints: Python 2's `print "Status from ", ip, "is",
/// status` puts a space between items, so there are two spaces after `from`.
/// Kept byte for byte, so the outputs diff clean.
pub fn status_line(label: &str, outcome: &Outcome) -> String {
    format!("Status from  {label} is {}", status(outcome))
}

/// The status word of [`status_line`]: `alive`, `alive, but 50 % package
/// loss`, `no response`, `unknown`.
// pinger.py  def status(self):
pub fn status(outcome: &Outcome) -> String {
    match outcome.verdict() {
        // pinger.py  elif self.__successful_pings == 2:
        // pinger.py  return "alive"
        Verdict::Alive => "alive".to_string(),
        // pinger.py  elif self.__successful_pings == 1:
        // pinger.py  return "alive, but 50 % package loss"
        Verdict::Loss(p) => format!("alive, but {p} % package loss"),
        // pinger.py  if self.__successful_pings == 0:
        // pinger.py  return "no response"
        Verdict::NoResponse => "no response".to_string(),
        // pinger.py  else:
        // pinger.py  return "shouldn't occur"
        Verdict::Unknown => "unknown".to_string(),
    }
}

/// One address's probe as a `ping` span, labelled with its status once
/// known (`127.0.0.5: alive`): what the trace's counts go by.
fn traced_probe(
    target: &Target,
    index: usize,
    token: u64,
    method: &Method,
    shutdown: &Shutdown,
    word: fn(&Outcome) -> String,
) -> Option<Outcome> {
    let mut span = timeline::work("ping");
    let outcome = probe(target.addr, index, token, method, shutdown);
    if span.is_recording() {
        match &outcome {
            Some(o) if o.cut_short => span.label(format_args!("{}: interrupted", target.label)),
            Some(o) => span.label(format_args!("{}: {}", target.label, word(o))),
            None => span.label(format_args!("{}: no summary", target.label)),
        }
    }
    outcome
}

/// How the threads probe.
#[derive(Debug, Clone)]
pub enum Method {
    /// Native ICMP, with the socket kind settled per family.
    Native {
        v4: Option<Kind>,
        v6: Option<Kind>,
        settings: native::Settings,
    },
    /// The system ping.
    ViaPing {
        ping: PathBuf,
        args: via_ping::PingArgs,
    },
}

/// A sweep's results, one slot per target in target order: `None` where the
/// sweep was interrupted before that address had a settled request.
#[derive(Debug)]
pub struct Report {
    pub results: Vec<Option<Outcome>>,
    pub interrupted: bool,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Addresses whose run ended (every verdict below is one of these or
    /// one cut short).
    pub finished: usize,
    /// Addresses reported with what Ctrl-C left of their run.
    pub cut_short: usize,
    pub alive: usize,
    pub loss: usize,
    pub no_response: usize,
    pub unknown: usize,
}

impl Report {
    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for o in self.results.iter().flatten() {
            if o.cut_short {
                t.cut_short += 1;
            } else {
                t.finished += 1;
            }
            match o.verdict() {
                Verdict::Alive => t.alive += 1,
                Verdict::Loss(_) => t.loss += 1,
                Verdict::NoResponse => t.no_response += 1,
                Verdict::Unknown => t.unknown += 1,
            }
        }
        t
    }

    /// `20 addresses: 19 alive, 1 alive with loss, 0 no response`, with how
    /// many finished (and how many were cut short) when interrupted.
    pub fn summary(&self) -> String {
        let t = self.tally();
        let total = self.results.len();
        let head = if self.interrupted && t.cut_short > 0 {
            format!(
                "interrupted: {} of {total} addresses finished, {} cut short",
                t.finished, t.cut_short
            )
        } else if self.interrupted {
            format!("interrupted: {} of {total} addresses finished", t.finished)
        } else {
            format!("{total} addresses")
        };
        let mut s = format!(
            "{head}: {} alive, {} alive with loss, {} no response",
            t.alive, t.loss, t.no_response
        );
        if t.unknown > 0 {
            s.push_str(&format!(", {} unknown", t.unknown));
        }
        s
    }
}

/// A counting semaphore: the bound on threads running at once. A
/// [`Monitor`], so Ctrl-C wakes a main waiting for a free slot at once.
struct Slots {
    free: Monitor<usize>,
}

impl Slots {
    /// Takes a slot; `false` if shutdown came first.
    fn acquire(&self, shutdown: &Shutdown) -> bool {
        // The count is re-read under the lock before each sleep, so a
        // release that came before this wait is not lost.
        match self.free.wait_while(shutdown, |free| *free == 0) {
            Ok(mut free) => {
                *free -= 1;
                !shutdown.is_triggered()
            }
            Err(common::Interrupted) => false,
        }
    }

    fn release(&self) {
        *self.free.lock() += 1;
        self.free.notify_one();
    }
}

/// Descriptors one thread holds: a native thread its ICMP socket; a
/// `--via-ping` thread the read ends of ping's stdout and stderr pipes.
pub fn fds_per_thread(via_ping: bool) -> usize {
    if via_ping { 2 } else { 1 }
}

/// More descriptors a `--via-ping` thread needs while its ping starts:
/// both pipes' write ends, `/dev/null` for stdin, and std's exec-error
/// pipe. Starts are serialized ([`via_ping::ping`]), so only one thread
/// needs them at a time.
pub const SPAWN_FDS: usize = 5;

/// How many threads fit under the soft open-file limit, counted from the
/// descriptors open now (`/proc/self/fd`: stdin, stdout, stderr, the Ctrl-C
/// handler's pipe, ...), so that `ulimit -n 20` still runs 14 native
/// threads. `Ok(None)`: no limit to keep (unknown, or no tighter than the
/// sweep); `Err`: not even one thread fits, the one-line message.
pub fn threads_within_file_limit(via_ping: bool) -> Result<Option<usize>, String> {
    let Some(soft) = common::limits::soft_open_files() else {
        return Ok(None);
    };
    // The listing's own descriptor is not counted: it is closed by now.
    let Some(open) = std::fs::read_dir("/proc/self/fd")
        .ok()
        .map(|d| d.count().saturating_sub(1))
    else {
        return Ok(None);
    };
    let spare = if via_ping { SPAWN_FDS } else { 0 };
    let free = soft.saturating_sub(open + spare);
    let fit = free / fds_per_thread(via_ping);
    if fit == 0 {
        let need = open + spare + fds_per_thread(via_ping);
        return Err(format!(
            "the open file limit (ulimit -n {soft}) leaves no room for one {}: \
             {open} descriptors are in use and one {} needs {}; raise it to at least {need}",
            if via_ping { "ping" } else { "socket" },
            if via_ping { "ping" } else { "socket" },
            spare + fds_per_thread(via_ping),
        ));
    }
    Ok(Some(fit))
}

/// A random 64-bit token (std's hasher keys are random per process).
fn random_token() -> u64 {
    RandomState::new().hash_one(std::process::id())
}

/// Pings every target, a thread per address with at most `max_threads`
/// running at once, and returns when all have joined (or, after shutdown,
/// when the running ones have noticed it).
pub fn sweep(
    targets: &[Target],
    method: &Method,
    max_threads: usize,
    shutdown: &Shutdown,
) -> Report {
    let slots = Slots {
        free: Monitor::new(max_threads.max(1)),
    };
    // pinger.py  check_results = []
    // (one slot per address; empty is the listing's `__successful_pings = -1`)
    let results: Vec<OnceLock<Outcome>> = targets.iter().map(|_| OnceLock::new()).collect();
    let token = random_token();
    // On a terminal, for a sweep past a second: done/total, rate and ETA.
    let progress = common::progress::Progress::new("addresses", targets.len() as u64, shutdown);
    let done = &progress.counter();
    let joining = std::thread::scope(|scope| {
        // pinger.py  for suffix in range(20,70):
        for (index, target) in targets.iter().enumerate() {
            if !slots.acquire(shutdown) {
                break;
            }
            // pinger.py  check_results.append(current)
            let (slots, slot) = (&slots, &results[index]);
            // pinger.py  ip = "192.168.178."+str(suffix)
            let addr = target.addr;
            // pinger.py  class ip_check(threading.Thread):
            // pinger.py  def __init__ (self,ip):
            // pinger.py  threading.Thread.__init__(self)
            // pinger.py  current = ip_check(ip)
            let spawned = std::thread::Builder::new()
                .name(format!("ping {addr}"))
                .stack_size(256 * 1024)
                // pinger.py  current.start()
                // pinger.py  def run(self):
                .spawn_scoped(scope, move || {
                    // Python names the Nth ip_check it creates `Thread-N`.
                    timeline::thread_name(format_args!("Thread-{}", index + 1));
                    // pinger.py  self.ip = ip
                    // pinger.py  self.__successful_pings = -1
                    if let Some(outcome) =
                        traced_probe(target, index, token, method, shutdown, status)
                    {
                        // pinger.py  self.__successful_pings = int(n_received[0])
                        let _ = slot.set(outcome);
                    }
                    done.add(1);
                    slots.release();
                });
            if let Err(e) = spawned {
                let _ = results[index].set(Outcome::error(format!("cannot start a thread: {e}")));
                slots.release();
            }
        }
        // pinger.py  for el in check_results:
        // pinger.py  el.join()
        // (the scope joins every thread it started, inside this span)
        timeline::wait!("join", "el.join() for each thread")
    });
    drop(joining);
    progress.finish();
    Report {
        results: results.into_iter().map(OnceLock::into_inner).collect(),
        interrupted: shutdown.is_triggered(),
    }
}

/// python-course's sweep without threads (`pinger --sequential`): one
/// address after another, each line printed as it comes. `line` gets the
/// two lines the listing prints per address; it returns `false` when the
/// output is gone, which ends the sweep (`| head`).
pub fn sequential(
    targets: &[Target],
    method: &Method,
    shutdown: &Shutdown,
    mut line: impl FnMut(&str) -> bool,
) -> Report {
    let token = random_token();
    let mut results = Vec::with_capacity(targets.len());
    // pinger_seq.py  for suffix in range(20,30):
    // pinger_seq.py  ip = "192.168.178."+str(suffix)
    for (index, target) in targets.iter().enumerate() {
        if shutdown.is_triggered() {
            break;
        }
        // pinger_seq.py  print "... pinging ",ip
        if !line(&format!("... pinging  {}", target.label)) {
            break;
        }
        // pinger_seq.py  ping_out = os.popen("ping -q -c2 "+ip,"r")
        let outcome = traced_probe(target, index, token, method, shutdown, |o| {
            sequential_status(o).unwrap_or("no summary").to_string()
        });
        let status = outcome.as_ref().and_then(sequential_status);
        results.push(outcome);
        // pinger_seq.py  if n_received:
        if let Some(status) = status {
            // pinger_seq.py  print ip + ": " + status[int(n_received[0])]
            if !line(&format!("{}: {status}", target.label)) {
                break;
            }
        }
    }
    results.resize(targets.len(), None);
    Report {
        results,
        interrupted: shutdown.is_triggered(),
    }
}

/// The status words of the listing without threads, `None` where it prints
/// nothing (ping gave no summary line).
// pinger_seq.py  status = ("no response","alive but losses","alive")
fn sequential_status(o: &Outcome) -> Option<&'static str> {
    match o.verdict() {
        Verdict::NoResponse => Some("no response"),
        Verdict::Loss(_) => Some("alive but losses"),
        Verdict::Alive => Some("alive"),
        Verdict::Unknown => None,
    }
}

fn probe(
    addr: IpAddr,
    index: usize,
    token: u64,
    method: &Method,
    shutdown: &Shutdown,
) -> Option<Outcome> {
    match method {
        Method::Native { v4, v6, settings } => {
            let kind = if addr.is_ipv6() { v6 } else { v4 };
            let Some(kind) = *kind else {
                return Some(Outcome::error("no socket for this address family".into()));
            };
            let probe = icmp::Probe {
                v6: addr.is_ipv6(),
                token,
                index: index as u32,
                ident: (token as u16) ^ (index as u16),
            };
            native::ping(addr, kind, probe, *settings, shutdown)
        }
        Method::ViaPing { ping, args } => via_ping::ping(ping, addr, *args, shutdown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn o(sent: u32, received: u32) -> Outcome {
        Outcome {
            sent,
            received,
            error: None,
            cut_short: false,
        }
    }

    #[test]
    fn tutorial_lines_byte_for_byte() {
        assert_eq!(
            status_line("127.0.0.1", &o(2, 2)),
            "Status from  127.0.0.1 is alive"
        );
        assert_eq!(
            status_line("127.0.0.1", &o(2, 1)),
            "Status from  127.0.0.1 is alive, but 50 % package loss"
        );
        assert_eq!(
            status_line("::1", &o(2, 0)),
            "Status from  ::1 is no response"
        );
        assert_eq!(
            status_line("::1", &Outcome::error("x".into())),
            "Status from  ::1 is unknown"
        );
    }

    #[test]
    fn loss_percentages() {
        assert_eq!(loss_percent(2, 1), 50);
        assert_eq!(loss_percent(3, 1), 67);
        assert_eq!(loss_percent(3, 2), 33);
        assert_eq!(loss_percent(1000, 999), 1, "never shown as 0 %");
        assert_eq!(loss_percent(1000, 1), 99, "never shown as 100 %");
        assert_eq!(o(4, 0).verdict(), Verdict::NoResponse);
        assert_eq!(o(4, 4).verdict(), Verdict::Alive);
    }

    #[test]
    fn summary_counts() {
        let r = Report {
            results: vec![Some(o(2, 2)), Some(o(2, 1)), Some(o(2, 0)), None],
            interrupted: true,
        };
        assert_eq!(
            r.summary(),
            "interrupted: 3 of 4 addresses finished: 1 alive, 1 alive with loss, 1 no response"
        );
        let under_way = Outcome {
            cut_short: true,
            ..o(5, 5)
        };
        let r = Report {
            results: vec![Some(o(2, 0)), Some(under_way), None],
            interrupted: true,
        };
        assert_eq!(
            r.summary(),
            "interrupted: 1 of 3 addresses finished, 1 cut short: \
             1 alive, 0 alive with loss, 1 no response"
        );
    }

    #[test]
    fn bounded_threads_and_shutdown() {
        // A method that cannot send anything still returns one result per
        // target, and a triggered shutdown stops the sweep without results.
        let targets = targets::expand(&["127.0.0.1-5".into()], false, 10).unwrap();
        let method = Method::Native {
            v4: None,
            v6: None,
            settings: native::Settings {
                count: 1,
                interval: Duration::ZERO,
                timeout: Duration::from_millis(10),
            },
        };
        let r = sweep(&targets, &method, 2, &Shutdown::new());
        assert_eq!(r.results.len(), 5);
        assert!(
            r.results
                .iter()
                .all(|o| o.as_ref().unwrap().verdict() == Verdict::Unknown)
        );
        let s = Shutdown::new();
        s.trigger();
        let r = sweep(&targets, &method, 2, &s);
        assert!(r.interrupted);
        assert!(r.results.iter().all(Option::is_none));
    }
}
