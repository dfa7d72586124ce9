//! Tutorial mode: Matloff's algorithm, kept whole (`primes.py`, Matloff
//! section 5 "The Effect of Timesharing", PDF p. 16; the anchors below name
//! its lines as the listing prints them).
//!
//! One crossing-out array for 0..=n shared by every thread, and one shared
//! "next k" counter. Each thread takes `k = nexti++` until `k > sqrt(n)`,
//! counts every k it took, and crosses out k's multiples 2k, 3k, ... if k is
//! still marked, as the listing does. One change that keeps the printed
//! meaning: the array is one bit per number, not one list element (the
//! listing's array takes 8 bytes a number in CPython; bits let n reach
//! 10^11 in 12.5 GB).
//!
//! The tutorial guards `nexti` with a lock and the array with the GIL. Here
//! both are atomics, so there is no lock and no `unsafe`:
//!
//! * `nexti` is an `AtomicU64::fetch_add`: the read-modify-write alone hands
//!   each k to exactly one thread, whatever the ordering.
//! * the array is `AtomicU64` words cleared with `fetch_and`, so two threads
//!   clearing different bits of one word cannot undo each other.
//!
//! All of it is `Ordering::Relaxed`. Nothing a thread does needs to be seen
//! by another thread *while* sieving: a stale "k is still marked" only costs
//! a redundant pass over k's multiples (the result is the same). The one
//! moment every write must be visible is the final count, and that edge comes
//! from `join`: a thread's whole run happens-before `join` returns on it, so
//! main's count, after joining every thread, sees every bit cleared.

use common::Shutdown;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// Largest n tutorial mode accepts: its array takes n/8 bytes (12.5 GB here).
pub const MAX_N: u64 = 100_000_000_000;

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Values of k each thread took, indexed by thread number.
    pub ks: Vec<u64>,
    /// pi(n), or `None` if Ctrl-C stopped the sieve part-way.
    pub count: Option<u64>,
}

pub use crate::Error;

/// Runs the tutorial's sieve on 0..=n with `threads` threads.
/// `on_exit(t, nk)` runs as thread `t` finishes (the tutorial's
/// "thread T exiting; processed NK values of k").
///
/// Note n = 0: the tutorial's program answers -1 there (it subtracts 2 for
/// the never-crossed 0 and 1 from a one-entry array); this port answers 0.
pub fn run(
    n: u64,
    threads: usize,
    on_exit: &(dyn Fn(usize, u64) + Sync),
    shutdown: &Shutdown,
) -> Result<Outcome, Error> {
    // primes.py:29  def main():
    // primes.py:30  global n,prime,nexti,nextilock,nstarted,nstartedlock,donelock
    // (no globals: main's locals, lent to the scoped threads below)
    assert!(threads >= 1 && n <= MAX_N);
    // primes.py:32  prime = (n+1) * [1]
    let words = (n / 64 + 1) as usize;
    let needed = 8 * words as u64;
    if let Some(available) = crate::available_memory().filter(|&a| needed > a) {
        return Err(Error::TooLittleMemory { needed, available });
    }
    let fill = timeline::work!("fill", "fill the {words}-word array");
    let mut bits: Vec<AtomicU64> = Vec::new();
    bits.try_reserve_exact(words)
        .map_err(|_| Error::NoMemory(8 * words as u64))?;
    // Filling takes seconds for large n (page faults), so it goes in chunks
    // with a look at `shutdown` between them.
    while bits.len() < words {
        if shutdown.is_triggered() {
            // No thread was started; each still reports, as in a run cut
            // short before it took any k.
            (0..threads).for_each(|t| on_exit(t, 0));
            return Ok(Outcome {
                ks: vec![0; threads],
                count: None,
            });
        }
        let chunk = (words - bits.len()).min(1 << 20);
        bits.extend((0..chunk).map(|_| AtomicU64::new(!0)));
    }
    drop(fill);

    // primes.py:13  lim = math.sqrt(n)
    // (once, not per thread; k > sqrt(n) exactly when k > isqrt(n))
    let lim = n.isqrt();
    // primes.py:35  nexti = 2
    // primes.py:36  nextilock = thread.allocate_lock()
    // (no lock: an atomic counter, see fetch_add below)
    let nexti = AtomicU64::new(2);
    // Set if a thread cannot be started: the others stop too.
    let abort = AtomicBool::new(false);
    let (ks, spawn_error) = std::thread::scope(|s| {
        // primes.py:34  nstarted = 0
        // primes.py:37  nstartedlock = thread.allocate_lock()
        // primes.py:38  donelock = []
        // (none of the three: the scope's joins below wait for the threads)
        let mut handles = Vec::with_capacity(threads);
        let mut spawn_error = None;
        // primes.py:39  for i in range(nthreads):
        for t in 0..threads {
            let (bits, nexti, abort) = (&bits, &nexti, &abort);
            let _start = timeline::work!("start", "start thread {t}");
            // primes.py:40  d = thread.allocate_lock()
            // primes.py:41  donelock.append(d)
            // primes.py:42  thread.start_new_thread(dowork, (i,))
            let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                // primes.py:7  def dowork(tn): # thread number tn
                // primes.py:8  global n,prime,nexti,nextilock,nstarted,nstartedlock,donelock
                // primes.py:9  donelock[tn].acquire()
                // primes.py:10  nstartedlock.acquire()
                // primes.py:11  nstarted += 1
                // primes.py:12  nstartedlock.release()
                // (no start count to keep: a scoped thread is joined, so
                // main cannot overtake it as the listing's main could)
                timeline::thread_name(format_args!("thread {t}"));
                // primes.py:14  nk = 0
                let mut nk = 0;
                // primes.py:15  while 1:
                while !shutdown.is_triggered() && !abort.load(Relaxed) {
                    // primes.py:16-19  nextilock.acquire(); k = nexti; nexti += 1; nextilock.release()
                    let k = nexti.fetch_add(1, Relaxed);
                    // primes.py:20  if k > lim: break
                    if k > lim {
                        break;
                    }
                    let _k = timeline::work!("k", "k={k}");
                    // primes.py:21  nk += 1
                    nk += 1;
                    // primes.py:22  if prime[k]:
                    if is_marked(bits, k) {
                        cross_out(bits, k, n, shutdown);
                    }
                }
                // primes.py:26  print 'thread', tn, 'exiting; processed', nk, 'values of k'
                on_exit(t, nk);
                // primes.py:27  donelock[tn].release()
                // (the thread's end: join returns)
                nk
            });
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => {
                    abort.store(true, Relaxed);
                    spawn_error = Some(Error::Spawn(t, e.to_string()));
                    break;
                }
            }
        }
        // primes.py:43  while nstarted < nthreads: pass
        // (no busy wait: join cannot miss a thread that has not started)
        // primes.py:44  for i in range(nthreads):
        // primes.py:45  donelock[i].acquire()
        let ks: Vec<u64> = handles
            .into_iter()
            .enumerate()
            .map(|(t, h)| {
                let _join = timeline::wait!("join", "join thread {t}");
                h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect();
        (ks, spawn_error)
    });
    if let Some(e) = spawn_error {
        return Err(e);
    }
    if nexti.load(Relaxed) <= lim {
        // Stopped before every k was taken: any count would be wrong.
        return Ok(Outcome { ks, count: None });
    }
    // After the joins main owns the array again; read it as plain words.
    let _count = timeline::work("count");
    // primes.py:46  print 'there are', reduce(lambda x,y: x+y, prime) - 2, 'primes'
    // (counted here, printed by the caller)
    let words: Vec<u64> = bits.into_iter().map(AtomicU64::into_inner).collect();
    Ok(Outcome {
        ks,
        count: Some(count_marked(&words, n)),
    })
}

fn is_marked(bits: &[AtomicU64], k: u64) -> bool {
    bits[(k / 64) as usize].load(Relaxed) >> (k % 64) & 1 == 1
}

/// Crosses out 2k, 3k, ... up to n, in stretches of 2^24 numbers with a
/// look at `shutdown` between them (one k can take seconds for large n).
/// Starting at k*k would do (smaller multiples have a smaller factor), but
/// the listing starts at 2k, and that costs only about 2% more crossings.
fn cross_out(bits: &[AtomicU64], k: u64, n: u64, shutdown: &Shutdown) {
    // primes.py:23  r = n / k
    // primes.py:24  for i in range (2, r+1):
    let Some(mut i) = k.checked_mul(2).filter(|&m| m <= n) else {
        return;
    };
    while i <= n && !shutdown.is_triggered() {
        let end = n.min(i.saturating_add(1 << 24));
        i = cross_out_upto(bits, k, i, end);
    }
}

/// Crosses out i, i + k, ... up to `end`; returns the first multiple past it.
// primes.py:25  prime[i*k] = 0
fn cross_out_upto(bits: &[AtomicU64], k: u64, mut i: u64, end: u64) -> u64 {
    if k < 64 {
        // Several multiples share a word: gather them into one mask, one
        // atomic operation per word.
        while i <= end {
            let w = i / 64;
            let mut mask = 0u64;
            while i <= end && i / 64 == w {
                mask |= 1 << (i % 64);
                i += k;
            }
            bits[w as usize].fetch_and(!mask, Relaxed);
        }
    } else {
        // One multiple per word. Most are already crossed out by a smaller
        // factor; a plain load finds that far cheaper than a locked RMW.
        while i <= end {
            let (word, bit) = (&bits[(i / 64) as usize], 1u64 << (i % 64));
            if word.load(Relaxed) & bit != 0 {
                word.fetch_and(!bit, Relaxed);
            }
            i += k;
        }
    }
    i
}

/// Marked bits for 2..=n (0 and 1 are never crossed out, so skip them).
fn count_marked(words: &[u64], n: u64) -> u64 {
    if n < 2 {
        return 0;
    }
    let last = (n / 64) as usize;
    let mut total: u64 = words[..last].iter().map(|w| w.count_ones() as u64).sum();
    let tail = n % 64; // bits 0..=tail of the last word are <= n
    let keep = if tail == 63 {
        !0
    } else {
        (1u64 << (tail + 1)) - 1
    };
    total += (words[last] & keep).count_ones() as u64;
    total - 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::small_primes;

    fn pi(n: u64, threads: usize) -> Outcome {
        run(n, threads, &|_, _| {}, &Shutdown::new()).unwrap()
    }

    #[test]
    fn every_n_up_to_3000_and_k_totals() {
        let primes = small_primes(3000);
        for n in 0..=3000u64 {
            let want = primes.partition_point(|&p| p <= n) as u64;
            let out = pi(n, 1 + (n % 4) as usize);
            assert_eq!(out.count, Some(want), "n={n}");
            // Every k from 2 to isqrt(n) is taken by exactly one thread.
            assert_eq!(out.ks.iter().sum::<u64>(), n.isqrt().saturating_sub(1));
        }
    }

    #[test]
    fn tutorial_runs() {
        // The tutorial's session: 9 values of k for n = 100 in total.
        let out = pi(100, 2);
        assert_eq!(out.count, Some(25));
        assert_eq!(out.ks.iter().sum::<u64>(), 9);
        assert_eq!(pi(1_000_000, 2).count, Some(78498));
    }

    #[test]
    fn interrupted_run_gives_no_count() {
        let s = Shutdown::new();
        s.trigger();
        let out = run(1_000_000, 2, &|_, _| {}, &s).unwrap();
        assert_eq!(out.count, None);
        assert_eq!(out.ks, vec![0, 0]);
    }

    #[test]
    fn ctrl_c_is_noticed_while_the_array_is_filled() {
        // Filling a 2.5 GB array takes seconds; a Ctrl-C must not wait for
        // it (only the address space is reserved when it comes first).
        let s = Shutdown::new();
        s.trigger();
        let lines = std::sync::Mutex::new(Vec::new());
        let t0 = std::time::Instant::now();
        let out = run(
            20_000_000_000,
            3,
            &|t, nk| lines.lock().unwrap().push((t, nk)),
            &s,
        );
        let elapsed = t0.elapsed();
        assert_eq!(out.unwrap().count, None);
        assert!(elapsed.as_millis() < 1500, "took {elapsed:?}");
        // Every thread still reports, as in the tutorial's output.
        let mut lines = lines.into_inner().unwrap();
        lines.sort();
        assert_eq!(lines, vec![(0, 0), (1, 0), (2, 0)]);
    }
}
