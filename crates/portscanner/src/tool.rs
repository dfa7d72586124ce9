//! Tool mode: a pool of up to MAXTHREADS threads, each taking the next
//! address from a shared counter and connecting with a timeout. The pool
//! starts small and doubles while most of its threads wait on slow connects.
//!
//! A pool rather than the tutorial's thread per port: starting and joining
//! 65535 threads costs more than the connects themselves on loopback, where a
//! refused connect takes microseconds. With blocking connects the
//! number of connects in flight is the number of threads, so MAXTHREADS also
//! bounds the file descriptors used (one socket per thread).

use crate::probe::{Outcome, Prober, Stop};
use crate::{Ending, Targets};
use common::Shutdown;
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Workers the pool starts with.
const RAMP_START: usize = 8;
/// How often the pool looks whether its workers are stuck.
const RAMP_TICK: Duration = Duration::from_millis(2);
/// A connect running longer than this counts as stuck (a loopback or LAN
/// answer takes well under a millisecond).
const SLOW: Duration = Duration::from_millis(5);

/// What to print per port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// Only open ports (`--open`).
    Open,
    /// Every port with its outcome (`--all`).
    All,
}

/// Scans `targets` with `threads` threads, prints the result lines and the
/// summary to stdout, and says how the run ended.
pub fn run(
    targets: &Targets,
    threads: usize,
    timeout: Duration,
    show: Show,
    shutdown: &Shutdown,
) -> Ending {
    let t0 = Instant::now();
    let prober = Prober::new(timeout);
    let next = AtomicUsize::new(0);
    // On a terminal, past a second: done/total, rate and ETA on stderr.
    let progress = common::progress::Progress::new("ports", targets.len() as u64, shutdown);
    let done = progress.counter();
    let fatal: OnceLock<String> = OnceLock::new();
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(
        std::iter::repeat_with(|| None)
            .take(targets.len())
            .collect(),
    );
    let stopping = || shutdown.is_triggered() || fatal.get().is_some();

    let wanted = threads.min(targets.len()).max(1);
    // When each worker's current connect began (ns since t0; 0 = none):
    // how the pool sees that checks are slow and more threads would help.
    let busy: Vec<AtomicU64> = (0..wanted).map(|_| AtomicU64::new(0)).collect();
    let now_ns = || {
        u64::try_from(t0.elapsed().as_nanos())
            .unwrap_or(u64::MAX)
            .max(1)
    };

    let several_hosts = targets.hosts.len() > 1;
    let worker = |k: usize| {
        // A pool thread: the listing has none, so `scanner-K` after its class.
        timeline::thread_name(format_args!("scanner-{k}"));
        let mut mine = Vec::new();
        let mut spare = prober.spare();
        while !stopping() {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(addr) = targets.get(i) else { break };
            busy[k].store(now_ns(), Ordering::Relaxed);
            let mut span = timeline::work("port");
            let checked = prober.check_reusing(addr, &mut spare, &stopping);
            if span.is_recording() {
                let word = crate::tutorial::verdict(&checked);
                if several_hosts {
                    span.label(format_args!("port {addr}: {word}"));
                } else {
                    span.label(format_args!("port {}: {word}", addr.port()));
                }
            }
            drop(span);
            busy[k].store(0, Ordering::Relaxed);
            match checked {
                Ok(outcome) => {
                    mine.push((i, outcome));
                    done.add(1);
                }
                Err(Stop::OutOfFds(msg)) => {
                    let _ = fatal.set(msg);
                }
                Err(Stop::Interrupted) => break,
            }
        }
        let locking = timeline::wait!("lock", "results.lock()");
        let mut all = results.lock().unwrap_or_else(|e| e.into_inner());
        drop(locking);
        for (i, outcome) in mine {
            all[i] = Some(outcome);
        }
    };

    std::thread::scope(|s| {
        // Start a few workers and double them while most are stuck in slow
        // connects, up to `wanted`. Refused connects on a near host take
        // microseconds and a handful of threads keep both cores busy (more
        // only contend); filtered ports hold a thread for the whole timeout,
        // and then only many threads help.
        let mut workers = Vec::with_capacity(wanted);
        let mut target = wanted.min(RAMP_START);
        // Lowered, for good, to what the system let us start.
        let mut most = wanted;
        loop {
            while workers.len() < target {
                let k = workers.len();
                let worker = &worker;
                let spawned = std::thread::Builder::new()
                    .stack_size(128 * 1024)
                    .spawn_scoped(s, move || worker(k));
                match spawned {
                    Ok(h) => workers.push(h),
                    // Fewer threads than asked (ulimit -u): say so once and
                    // scan with those; trying again every tick would only
                    // repeat the warning (thousands of lines).
                    Err(e) if !workers.is_empty() => {
                        common::cli::warn(format_args!(
                            "started only {} of {wanted} threads: {e}",
                            workers.len()
                        ));
                        target = workers.len();
                        most = target;
                    }
                    Err(e) => {
                        let _ = fatal.set(format!("cannot start a thread: {e}"));
                        target = 0;
                    }
                }
            }
            if target == most || workers.is_empty() {
                break;
            }
            let tick = timeline::sleep!("sleep", "sleep({RAMP_TICK:?}): are the workers stuck?");
            std::thread::sleep(RAMP_TICK);
            drop(tick);
            if next.load(Ordering::Relaxed) >= targets.len() || stopping() {
                break;
            }
            let now = now_ns();
            let slow = u64::try_from(SLOW.as_nanos()).unwrap_or(u64::MAX);
            let stuck = busy[..workers.len()]
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .filter(|&since| since != 0 && now.saturating_sub(since) > slow)
                .count();
            if stuck * 2 >= workers.len() {
                target = (workers.len() * 2).min(most);
            }
        }
        for (k, w) in workers.into_iter().enumerate() {
            let _join = timeline::wait!("join", "scanner-{k}.join()");
            // A worker that panicked loses its results; the others still count.
            let _ = w.join();
        }
    });
    progress.finish();
    // The scope has joined every thread, so `results` is complete.
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    report(targets, &results, show, t0.elapsed());

    let checked = results.iter().filter(|r| r.is_some()).count();
    if let Some(msg) = fatal.get() {
        Ending::Failed(msg.clone())
    } else if checked < targets.len() {
        Ending::Interrupted {
            checked,
            of: targets.len(),
        }
    } else {
        Ending::Done
    }
}

/// Prints the per-port lines in scan order (hosts as given, ports ascending)
/// and the summary line.
fn report(targets: &Targets, results: &[Option<Outcome>], show: Show, took: Duration) {
    let (mut open, mut closed, mut filtered, mut errors) = (0, 0, 0, 0);
    let mut first_error = None;
    // Errors are recorded for `common::out::finish`; EPIPE stays quiet.
    let mut out = common::out::stdout();
    let mut written = Ok(());
    for (addr, r) in targets.iter().zip(results) {
        let Some(r) = r else { continue };
        let word = match r {
            Outcome::Open => {
                open += 1;
                "open".to_string()
            }
            Outcome::Closed => {
                closed += 1;
                "closed".to_string()
            }
            Outcome::Filtered => {
                filtered += 1;
                "filtered".to_string()
            }
            Outcome::Error(e) => {
                errors += 1;
                first_error.get_or_insert_with(|| format!("{addr}: {e}"));
                format!("error: {e}")
            }
        };
        if (show == Show::All || matches!(r, Outcome::Open)) && written.is_ok() {
            written = writeln!(out, "{addr} {word}");
        }
    }
    let written = written.and_then(|()| {
        writeln!(
            out,
            "{open} open, {closed} closed, {filtered} filtered, {errors} errors in {:.2} s",
            took.as_secs_f64()
        )
    });
    let _ = written.and_then(|()| out.flush());
    drop(out);
    if let (Show::Open, Some(first)) = (show, first_error) {
        common::cli::warn(format_args!("{errors} errors, the first: {first}"));
    }
}
