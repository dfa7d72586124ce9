//! Tutorial mode: a thread per port, at most MAXTHREADS alive, main waiting
//! on an [`Event`] when at the limit (matloff-threads-tutorial.md lines 625-753).
//!
//! The shape is the tutorial's: a lock-guarded list of live scanners; main
//! prints `attempting check`, and if the list is full prints `need to wait` and
//! waits on the event; a scanner that leaves the list at MAXTHREADS-1 does
//! `set()` then `clear()`. Two wake-ups can be lost on the way:
//!
//! 1. `set(); clear()` (lines 683-684) runs before the woken main looks at
//!    the flag. A plain `while !flag { condvar.wait() }` sees it false and
//!    sleeps forever; [`common::Event`] counts generations, so a parked
//!    waiter returns. (Python's `Event.wait` returns on the notify, so this
//!    trap is Rust's.)
//! 2. The tutorial releases the list lock *before* it calls `wait()` (lines
//!    727-730). If the last scanner leaves in that gap, its `set()` comes
//!    before anyone waits and no later exit brings the count back to
//!    MAXTHREADS-1: with MAXTHREADS 1, main then waits forever. (CPython
//!    rarely loses this race, as main usually keeps the GIL across the gap;
//!    real threads lose it.) Main here waits with a short timeout and
//!    re-reads the list, so a lost `set()` costs [`RECHECK`], not the run.

use crate::probe::{Outcome, Prober, Stop};
use crate::{Ending, Targets};
use common::{Event, Shutdown};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::os::unix::thread::JoinHandleExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long main sleeps on the event before it re-reads the list itself.
pub const RECHECK: Duration = Duration::from_millis(20);

/// A live scanner as the tutorial prints it: `<scanner(Thread-3, started 1401...)>`.
struct Entry {
    /// Python numbers threads from 1 in creation order: `Thread-N`.
    num: usize,
    /// The pthread id Python shows as the thread's `ident`; `None` until
    /// started (Python prints `initial`).
    ident: Option<u64>,
}

struct Scanners {
    tlist: Mutex<Vec<Entry>>,
    evnt: Event,
    maxthreads: usize,
    prober: Prober,
    /// Set once when descriptors or threads run out for good.
    fatal: OnceLock<String>,
    /// Checks that reached a verdict (Ctrl-C cuts the others short).
    checked: AtomicUsize,
}

/// Checks each of `targets` on a thread of its own, at most `maxthreads`
/// alive, printing the tutorial's lines. They name a target by its port, or
/// by `addr:port` when `several_hosts`.
pub fn run(
    targets: &Targets,
    several_hosts: bool,
    maxthreads: usize,
    timeout: Duration,
    shutdown: &Shutdown,
) -> Ending {
    let sc = Arc::new(Scanners {
        tlist: Mutex::new(Vec::new()),
        evnt: Event::new(),
        maxthreads,
        prober: Prober::new(timeout),
        fatal: OnceLock::new(),
        checked: AtomicUsize::new(0),
    });
    // Ctrl-C must also wake a main parked on the event; the hook (and its
    // `Arc`) goes when the run ends.
    let _wake_main = {
        let sc = Arc::clone(&sc);
        shutdown.on_trigger_scoped(move || sc.evnt.set())
    };
    let stopping = || shutdown.is_triggered() || sc.fatal.get().is_some() || common::out::closed();
    let label = |addr: &SocketAddr| {
        if several_hosts {
            addr.to_string()
        } else {
            addr.port().to_string()
        }
    };

    let mut handles: Vec<JoinHandle<()>> = Vec::new();
    // Scanner `k` is Python's `Thread-{k+1}`.
    'ports: for (k, addr) in targets.iter().enumerate() {
        if stopping() {
            break;
        }
        let l = label(&addr);
        let mut list = sc.lock();
        common::outln!("{l}: attempting check");
        if list.len() >= sc.maxthreads {
            common::outln!("{l}: need to wait");
            while list.len() >= sc.maxthreads {
                drop(list);
                sc.evnt.wait_timeout(RECHECK);
                if stopping() {
                    break 'ports;
                }
                list = sc.lock();
            }
        }
        drop(list);
        match newthread(&sc, k + 1, addr, l, shutdown) {
            Some(h) => handles.push(h),
            None => break,
        }
        if handles.len() >= 2 * sc.maxthreads.min(targets.len()) + 64 {
            // An exited thread keeps its stack mapped until joined; 65535 of
            // them exhaust vm.max_map_count, so join the finished ones now.
            let (done, live) = handles.drain(..).partition(|h| h.is_finished());
            handles = live;
            join_all(done);
        }
    }
    join_all(handles);
    if let Some(msg) = sc.fatal.get() {
        Ending::Failed(msg.clone())
    } else if shutdown.is_triggered() {
        Ending::Interrupted {
            checked: sc.checked.load(Ordering::SeqCst),
            of: targets.len(),
        }
    } else {
        Ending::Done
    }
}

fn join_all(handles: Vec<JoinHandle<()>>) {
    for h in handles {
        // A scanner that panicked has already printed why; the rest still count.
        let _ = h.join();
    }
}

/// Appends scanner `num` to the list and starts it (the tutorial's
/// `newthread`). `None` if no thread could be started.
fn newthread(
    sc: &Arc<Scanners>,
    num: usize,
    addr: SocketAddr,
    l: String,
    shutdown: &Shutdown,
) -> Option<JoinHandle<()>> {
    sc.lock().push(Entry { num, ident: None });
    let since = Instant::now();
    let handle = loop {
        let (sc2, l2, shutdown2) = (Arc::clone(sc), l.clone(), shutdown.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("Thread-{num}"))
            .stack_size(128 * 1024)
            .spawn(move || scan(&sc2, num, addr, &l2, &shutdown2));
        match spawned {
            Ok(h) => break h,
            // Out of threads (ulimit -u, memory): wait for others to finish.
            Err(_) if sc.lock().len() > 1 && since.elapsed() < Duration::from_secs(20) => {
                sc.evnt.wait_timeout(RECHECK);
            }
            Err(e) => {
                sc.lock().retain(|t| t.num != num);
                let _ = sc.fatal.set(format!("cannot start a thread: {e}"));
                return None;
            }
        }
    };
    let ident = handle.as_pthread_t();
    let mut list = sc.lock();
    if let Some(me) = list.iter_mut().find(|t| t.num == num) {
        me.ident = Some(ident);
    }
    drop(list);
    common::outln!("{l}: starting check");
    let list = sc.lock();
    common::outln!("{l}: now active -- {}", show(&list));
    Some(handle)
}

/// The body of one scanner thread (the tutorial's `scanner.run`).
fn scan(sc: &Scanners, num: usize, addr: SocketAddr, l: &str, shutdown: &Shutdown) {
    let stopping = || shutdown.is_triggered() || sc.fatal.get().is_some();
    let checked = sc.prober.check(addr, &stopping);
    if checked.is_ok() {
        sc.checked.fetch_add(1, Ordering::SeqCst);
    }
    match checked {
        Ok(Outcome::Open) => common::outln!("{l}: successfully connected"),
        Ok(_) => common::outln!("{l}: connection failed"),
        Err(Stop::OutOfFds(msg)) => {
            let _ = sc.fatal.set(msg);
        }
        Err(Stop::Interrupted) => {}
    }
    let mut list = sc.lock();
    list.retain(|t| t.num != num);
    common::outln!("{l}: now active -- {}", show(&list));
    if list.len() == sc.maxthreads - 1 {
        sc.evnt.set();
        sc.evnt.clear();
    }
    if sc.fatal.get().is_some() {
        // Wake main for good so it notices and stops.
        sc.evnt.set();
    }
}

/// Python's `repr` of the list of scanner threads.
fn show(list: &[Entry]) -> String {
    let mut s = String::from("[");
    for (i, t) in list.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = match t.ident {
            Some(id) => write!(s, "<scanner(Thread-{}, started {id})>", t.num),
            None => write!(s, "<scanner(Thread-{}, initial)>", t.num),
        };
    }
    s.push(']');
    s
}

impl Scanners {
    fn lock(&self) -> MutexGuard<'_, Vec<Entry>> {
        self.tlist.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_repr_matches_python() {
        assert_eq!(show(&[]), "[]");
        let l = [
            Entry {
                num: 1,
                ident: Some(140),
            },
            Entry {
                num: 2,
                ident: None,
            },
        ];
        assert_eq!(
            show(&l),
            "[<scanner(Thread-1, started 140)>, <scanner(Thread-2, initial)>]"
        );
    }
}
