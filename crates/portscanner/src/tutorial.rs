//! Tutorial mode: Matloff 4.2 "Event Example" (PDF p. 13), `portscanner.py`
//! line for line. A thread per port, at most MAXTHREADS alive; main waits on
//! an [`Event`] when at the limit. Anchors (`// portscanner.py:N  ...`) sit
//! next to each line's Rust twin, quoting the listing as printed.
//!
//! The shape is the tutorial's: a lock-guarded list of live scanners; main
//! prints `attempting check`, and if the list is full prints `need to wait` and
//! waits on the event; a scanner that leaves the list at MAXTHREADS-1 does
//! `set()` then `clear()`. Two wake-ups can be lost on the way:
//!
//! 1. `set(); clear()` (portscanner.py:34-35) runs before the woken main
//!    looks at the flag. A plain `while !flag { condvar.wait() }` sees it
//!    false and sleeps forever; [`common::Event`] counts generations, so a
//!    parked waiter returns. (Python's `Event.wait` returns on the notify, so
//!    this trap is Rust's.)
//! 2. The tutorial's own: main releases the list lock *before* it calls
//!    `wait()` (portscanner.py:56-57). The list is full then (MAXTHREADS
//!    scanners), so whichever scanner leaves first takes the count to
//!    MAXTHREADS-1; if it does so inside that gap, its `set()` comes before
//!    anyone waits and is heard by nobody. Main adds no scanner while it
//!    waits, so the count only falls from there and never meets MAXTHREADS-1
//!    again: main waits forever, for any MAXTHREADS, not only 1. (Python 2.7
//!    loses the race too: 2 of 6 runs of `portscanner.py 127.0.0.1 1` hung
//!    in a namespace here; the GIL only makes it rarer with more threads.)
//!    Main here waits at most [`RECHECK`] on the event and re-reads the list,
//!    so a lost `set()` costs 20 ms, not the run.
//!
//! What else differs from the listing, and why:
//! - Main re-checks the count after a wake-up (a loop, not the listing's one
//!   `wait()`), which is what makes the timed re-read above safe.
//! - The list is a `Mutex<Vec<_>>`, so it cannot be read unlocked: the
//!   listing prints it without the lock (portscanner.py:44), this port locks
//!   to print.
//! - The listing joins `scanner.tlist` (portscanner.py:61-62) while the
//!   scanners remove themselves from it, so it joins only some of them; here
//!   every thread is joined, the finished ones as the scan goes (an exited
//!   thread keeps its stack mapped until joined).
//! - `need to wait` is common in Rust runs and rare in Python's: the GIL
//!   lets a scanner finish its loopback connect before main runs again, so
//!   the list seldom fills (`portscanner.py 127.0.0.1 5`: no `need to wait`
//!   in 6 runs; this port: about 10 per run). The Rust scanners really run
//!   at once.

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

/// The listing's class attributes of `scanner`, shared by main and the
/// scanners.
// portscanner.py:11  class scanner(threading.Thread):
struct Scanners {
    // portscanner.py:12  tlist = [] # list of all current scanner threads
    // portscanner.py:15  lck = threading.Lock() # lock to guard tlist
    tlist: Mutex<Vec<Entry>>,
    // portscanner.py:14  evnt = threading.Event() # event to signal OK to create more threads
    evnt: Event,
    // portscanner.py:13  maxthreads = int(sys.argv[2]) # max number of threads we're allowing
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
    // portscanner.py:47  def main():
    // portscanner.py:49  for i in range (1, 100):
    'ports: for (k, addr) in targets.iter().enumerate() {
        if stopping() {
            break;
        }
        let l = label(&addr);
        // portscanner.py:50  scanner.lck.acquire()
        let mut list = sc.lock_traced();
        // portscanner.py:51  print "%d: attempting check" % i
        common::outln!("{l}: attempting check");
        // portscanner.py:53  if len(scanner.tlist) >= scanner.maxthreads:
        if list.len() >= sc.maxthreads {
            // portscanner.py:55  print "%d: need to wait" % i
            common::outln!("{l}: need to wait");
            while list.len() >= sc.maxthreads {
                // portscanner.py:56  scanner.lck.release()
                drop(list);
                // portscanner.py:57  scanner.evnt.wait()
                // Timed: a `set()` that came in the gap above is lost.
                sc.evnt.wait_timeout(RECHECK);
                if stopping() {
                    break 'ports;
                }
                list = sc.lock_traced();
            }
        }
        // portscanner.py:58  else:
        // portscanner.py:59  scanner.lck.release()
        drop(list);
        // portscanner.py:60  scanner.newthread(i,host)
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
    // portscanner.py:61  for sc in scanner.tlist:
    // portscanner.py:62  sc.join()
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
        let _join = timeline::wait!("join", "{}.join()", h.thread().name().unwrap_or("?"));
        // A scanner that panicked has already printed why; the rest still count.
        let _ = h.join();
    }
}

/// Appends scanner `num` to the list and starts it (the tutorial's
/// `newthread`). `None` if no thread could be started.
// portscanner.py:37  def newthread (pn, hst):
// portscanner.py:45  newthread = staticmethod(newthread)
fn newthread(
    sc: &Arc<Scanners>,
    num: usize,
    addr: SocketAddr,
    l: String,
    shutdown: &Shutdown,
) -> Option<JoinHandle<()>> {
    // portscanner.py:38  scanner.lck.acquire()
    // portscanner.py:39  sc = scanner(pn,hst)
    // portscanner.py:40  scanner.tlist.append(sc)
    // portscanner.py:41  scanner.lck.release()
    sc.lock_traced().push(Entry { num, ident: None });
    let start = timeline::work!("start", "Thread-{num}.start()");
    let since = Instant::now();
    let handle = loop {
        let (sc2, l2, shutdown2) = (Arc::clone(sc), l.clone(), shutdown.clone());
        // portscanner.py:42  sc.start()
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
    drop(start);
    let ident = handle.as_pthread_t();
    let mut list = sc.lock_traced();
    if let Some(me) = list.iter_mut().find(|t| t.num == num) {
        me.ident = Some(ident);
    }
    drop(list);
    // portscanner.py:43  print "%d: starting check" % pn
    common::outln!("{l}: starting check");
    // Locked: the listing reads the list without the lock here.
    let list = sc.lock_traced();
    // portscanner.py:44  print "%d: now active --" % pn, scanner.tlist
    common::outln!("{l}: now active -- {}", show(&list));
    Some(handle)
}

/// The body of one scanner thread (the tutorial's `scanner.run`). Its
/// `num` and `addr` are the listing's `threadnum` and `host`.
// portscanner.py:16  def __init__(self,tn,host):
// portscanner.py:17  threading.Thread.__init__(self)
// portscanner.py:18  self.threadnum = tn # thread ID/port number
// portscanner.py:19  self.host = host # checking ports on this host
// portscanner.py:20  def run(self):
fn scan(sc: &Scanners, num: usize, addr: SocketAddr, l: &str, shutdown: &Shutdown) {
    let stopping = || shutdown.is_triggered() || sc.fatal.get().is_some();
    // The socket, `try:` and connect of portscanner.py:21-25 are
    // `Prober::check` (with a timeout, see probe.rs): one `port` span each,
    // labelled with the verdict once known (`port 22: open`).
    let mut span = timeline::work("port");
    let checked = sc.prober.check(addr, &stopping);
    if span.is_recording() {
        span.label(format_args!("port {l}: {}", verdict(&checked)));
    }
    drop(span);
    if checked.is_ok() {
        sc.checked.fetch_add(1, Ordering::SeqCst);
    }
    match checked {
        // portscanner.py:24  print "%d: successfully connected" % self.threadnum
        Ok(Outcome::Open) => common::outln!("{l}: successfully connected"),
        // portscanner.py:26  except:
        // portscanner.py:27  print "%d: connection failed" % self.threadnum
        Ok(_) => common::outln!("{l}: connection failed"),
        Err(Stop::OutOfFds(msg)) => {
            let _ = sc.fatal.set(msg);
        }
        Err(Stop::Interrupted) => {}
    }
    // portscanner.py:30  scanner.lck.acquire()
    let mut list = sc.lock_traced();
    // portscanner.py:31  scanner.tlist.remove(self)
    list.retain(|t| t.num != num);
    // portscanner.py:32  print "%d: now active --" % self.threadnum, scanner.tlist
    common::outln!("{l}: now active -- {}", show(&list));
    // portscanner.py:33  if len(scanner.tlist) == scanner.maxthreads-1:
    if list.len() == sc.maxthreads - 1 {
        // portscanner.py:34  scanner.evnt.set()
        sc.evnt.set();
        // portscanner.py:35  scanner.evnt.clear()
        sc.evnt.clear();
    }
    if sc.fatal.get().is_some() {
        // Wake main for good so it notices and stops.
        sc.evnt.set();
    }
    // portscanner.py:36  scanner.lck.release()
    drop(list);
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

    /// [`lock`](Self::lock), a `lock` wait span in a `--trace` timeline.
    fn lock_traced(&self) -> MutexGuard<'_, Vec<Entry>> {
        let _w = timeline::wait!("lock", "scanner.lck.acquire()");
        self.lock()
    }
}

/// A check's verdict in a timeline label: `open`, `closed`, `filtered`, `error`.
pub(crate) fn verdict(checked: &Result<Outcome, Stop>) -> &'static str {
    match checked {
        Ok(Outcome::Open) => "open",
        Ok(Outcome::Closed) => "closed",
        Ok(Outcome::Filtered) => "filtered",
        Ok(Outcome::Error(_)) => "error",
        Err(Stop::OutOfFds(_)) => "out of descriptors",
        Err(Stop::Interrupted) => "interrupted",
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
