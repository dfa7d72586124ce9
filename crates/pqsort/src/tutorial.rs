//! Tutorial mode: `pqsort.py` itself (Matloff section 6 "The Queue Module",
//! PDF p. 18), its algorithm unchanged, so that its report reads as the
//! tutorial's does: every element is a pivot exactly once, so the visit
//! counts of one size add up to that size (100, 200, ..., 1000).
//!
//! The listing's partition (`separate`: the first element as pivot, one
//! Lomuto pass), its queue of jobs, its count of empty jobs
//! (`nsingletons`, under `nsingletonslock`) and its visit counts (`loop`)
//! are all here. What Rust changes, each marked where it happens:
//! - A job is the disjoint `&mut` sub-slice itself instead of a pair of
//!   indices into one shared list (`split_at_mut` inside
//!   `std::thread::scope`): the compiler proves two workers never touch one
//!   element, so the array needs no lock and the workers run at once.
//! - No lingering at the end. The listing's workers block in
//!   `get(True,1)` for up to a second and then re-check the count, so each
//!   `pqsort(a)` ends up to a second after its last job: the tutorial's run
//!   of ten sizes takes about 9 s (`python2 pqsort.py`: 2.1 to 9.2 s on the
//!   2-core machine this was written on, busy), nearly all of it waiting.
//!   Here the worker that counts the last singleton sends every worker a
//!   stop message: all ten sizes take 3 to 14 ms here (release build).
//! - The count is read under its lock in the `while` test too (Rust does
//!   not allow an unsynchronised read; Python's GIL made it harmless).
//! - Ctrl-C is checked between jobs (the listing has no way to stop).
//!
//! The fast pivots, the sequential cut-off and the pattern breaking are
//! tool mode's ([`crate::pool`]), never this file's.

use crate::input::Rng;
use crate::pool::{Interrupted, Visits};
use common::Shutdown;
use crossbeam_channel::{Receiver, Sender};
use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

// pqsort.py:18  def __init__(self, a, numthreads = 5):
/// The listing's default pool size.
pub const NUMTHREADS: usize = 5;

/// What the queue carries: a job, or (Rust's addition) the word to stop.
enum Msg<'a, T> {
    /// A piece of the array still to sort; empty for the listing's
    /// "array of 1" (`job[0] >= job[1]`: its index pair is an empty range).
    Job(&'a mut [T]),
    /// Sent once per worker when the sort is over (or on Ctrl-C), so that
    /// nobody waits in `get` for a job that will never come.
    Stop,
}

/// What the listing keeps as class attributes of `pqsort` and hands each
/// `pqsorter`: the queue and the singleton count.
struct Shared<'a, T> {
    // pqsort.py:21  jobs = Queue.Queue()
    jobs: (Sender<Msg<'a, T>>, Receiver<Msg<'a, T>>),
    // pqsort.py:15  nsingletons = 0
    // pqsort.py:16  nsingletonslock = None
    /// The listing's `nsingletons` guarded by its `nsingletonslock`: in Rust
    /// the lock owns the count.
    nsingletons: Mutex<usize>,
    /// `len(self.a)`: the whole array's length (a worker holds only pieces).
    len: usize,
    numthreads: usize,
    shutdown: &'a Shutdown,
    interrupted: AtomicBool,
}

// pqsort.py:13  class pqsort:
/// A finished sort: its workers, for [`Pqsort::report`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pqsort {
    /// The workers in the order they were created.
    pub threads: Vec<Pqsorter>,
}

// pqsort.py:41  class pqsorter(threading.Thread):
/// One worker thread's identity and the work it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pqsorter {
    /// 1-based, in creation order.
    pub threadid: usize,
    /// Partitions this worker performed: `self.loop` in the listing
    /// (`loop` is a keyword in Rust).
    pub loops: u64,
}

/// Quicksorts `a` in place with `numthreads` worker threads fed from one
/// queue, exactly as `pqsort.py` does; the visit counts add up to `a.len()`.
///
/// On Ctrl-C (`shutdown`) the workers stop between jobs: [`Interrupted`]
/// carries the partitions done, and `a` holds its elements in some order.
pub fn pqsort<T: Ord + Send>(
    a: &mut [T],
    numthreads: usize,
    shutdown: &Shutdown,
) -> Result<Pqsort, Interrupted> {
    let numthreads = numthreads.max(1);
    let len = a.len();
    let shared = Shared {
        jobs: crossbeam_channel::unbounded(),
        // pqsort.py:24  pqsort.nsingletons = 0
        // pqsort.py:26  pqsort.nsingletonslock = threading.Lock()
        nsingletons: Mutex::new(0),
        len,
        numthreads,
        shutdown,
        interrupted: AtomicBool::new(false),
    };
    // pqsort.py:28  jobs.put((0,len(a)))
    shared.put(a);
    let threads = std::thread::scope(|s| {
        // pqsort.py:22  pqsort.pqsorter.numthreads = 0
        // pqsort.py:23  self.threads = []
        let mut threads = Vec::with_capacity(numthreads);
        // pqsort.py:29  for i in range (numthreads):
        for i in 0..numthreads {
            // pqsort.py:30  t = pqsort.pqsorter(a, jobs)
            let t = Pqsorter::new(i + 1);
            let shared = &shared;
            // pqsort.py:32  t.start()
            let t = s.spawn(move || t.run(shared));
            // pqsort.py:31  self.threads.append(t)
            threads.push(t);
        }
        // pqsort.py:33  for t in self.threads:
        threads
            .into_iter()
            // pqsort.py:34  t.join()
            .map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect::<Vec<_>>()
    });
    if shared.interrupted.load(Ordering::SeqCst) {
        return Err(Interrupted(Visits(
            threads.iter().map(|t| t.loops).collect(),
        )));
    }
    Ok(Pqsort { threads })
}

impl Pqsort {
    // pqsort.py:37  def report(self):
    /// One line per worker, as the listing prints them.
    pub fn report(&self, out: &mut impl Write) -> io::Result<()> {
        // pqsort.py:38  for t in self.threads:
        for t in &self.threads {
            // pqsort.py:39  t.report()
            t.report(out)?;
        }
        Ok(())
    }

    /// The visit counts, thread 1 first.
    pub fn visits(&self) -> Visits {
        Visits(self.threads.iter().map(|t| t.loops).collect())
    }
}

impl<'a, T: Ord + Send> Shared<'a, T> {
    fn put(&self, job: &'a mut [T]) {
        // The receiver lives in `self`, so a send cannot fail.
        let _ = self.jobs.0.send(Msg::Job(job));
    }

    /// Rust's addition: wakes every worker for good. Each takes at most one
    /// `Stop`, so after `numthreads` of them nobody blocks on the queue.
    fn stop_all(&self) {
        for _ in 0..self.numthreads {
            let _ = self.jobs.0.send(Msg::Stop);
        }
    }
}

impl Pqsorter {
    // pqsort.py:43  numthreads = 0
    // pqsort.py:45  def __init__(self, a, jobs):
    // pqsort.py:48  pqsort.pqsorter.numthreads += 1
    // pqsort.py:49  self.threadid = self.numthreads
    /// Worker number `threadid` (the creation count the listing keeps in
    /// `pqsorter.numthreads` is the loop index that creates it).
    fn new(threadid: usize) -> Self {
        Pqsorter {
            threadid,
            // pqsort.py:50  self.loop = 0
            loops: 0,
        }
    }

    // pqsort.py:52  threading.Thread.__init__(self)
    // (`thread::scope`'s `spawn` above is the thread; `run` is its body.)
    //
    // pqsort.py:53  def run(self):
    // pqsort.py:46  self.a = a
    // pqsort.py:47  self.jobs = jobs
    /// Takes jobs from the queue until every position is sorted. `shared`
    /// holds the queue; the array comes in pieces, one per job.
    fn run<T: Ord + Send>(mut self, shared: &Shared<'_, T>) -> Self {
        // pqsort.py:56  while pqsort.nsingletons < len(self.a):
        while *lock(&shared.nsingletons) < shared.len {
            // pqsort.py:57-61  try: job = self.jobs.get(True,1) except: continue
            // The listing waits at most a second so that it comes back to the
            // `while` test; here `get` blocks until a job or a `Stop` comes.
            // pqsort.py:58  job = self.jobs.get(True,1)
            let job = match shared.jobs.1.recv() {
                Ok(Msg::Job(job)) => job,
                Ok(Msg::Stop) | Err(_) => break,
            };
            if shared.shutdown.is_triggered() {
                shared.interrupted.store(true, Ordering::SeqCst);
                shared.stop_all();
                break;
            }
            // pqsort.py:63  if job[0] >= job[1]:
            if job.is_empty() {
                // pqsort.py:64  pqsort.nsingletonslock.acquire()
                let mut nsingletons = lock(&shared.nsingletons);
                // pqsort.py:65  pqsort.nsingletons+=1
                *nsingletons += 1;
                let done = *nsingletons == shared.len;
                // pqsort.py:66  pqsort.nsingletonslock.release()
                drop(nsingletons);
                // Rust's addition: the last singleton tells everyone.
                // Each of the n pivots leaves one more empty job than it
                // takes, n + 1 in all, so when n have been counted no job
                // with elements is left anywhere.
                if done {
                    shared.stop_all();
                }
                // pqsort.py:67  continue
                continue;
            }
            // pqsort.py:68  self.loop +=1
            self.loops += 1;
            // pqsort.py:70  m = self.separate(job)
            let m = separate(job);
            let (left, right) = job.split_at_mut(m);
            // pqsort.py:72  self.jobs.put((job[0], m))
            shared.put(left);
            // pqsort.py:73  self.jobs.put((m+1, job[1]))
            shared.put(&mut right[1..]);
        }
        self
    }

    // pqsort.py:86  def report (self):
    /// This worker's line of the report.
    pub fn report(&self, out: &mut impl Write) -> io::Result<()> {
        // pqsort.py:87  print "thread", self.threadid, "visited array", self.loop , "times"
        writeln!(
            out,
            "thread {} visited array {} times",
            self.threadid, self.loops
        )
    }
}

/// A poisoned lock means a worker panicked; the count itself is still
/// whole, and the panic is re-raised when that worker is joined.
fn lock(m: &Mutex<usize>) -> std::sync::MutexGuard<'_, usize> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// pqsort.py:75  def separate(self, (low, high)):
/// The listing's partition of a non-empty job, the first element as pivot:
/// returns the pivot's final index `m`; `job[..m]` is below it and
/// `job[m + 1..]` is not. Indices are the job's own: `low` is 0 and `high`
/// is `job.len()`.
pub fn separate<T: Ord>(job: &mut [T]) -> usize {
    // pqsort.py:77  pivot = self.a[low]
    // The pivot stays at index 0 until the last swap (the loop swaps only
    // from index 1 on), so `job[PIVOT]` is `pivot`: Rust would not let us
    // keep a reference into the slice while swapping its elements.
    const PIVOT: usize = 0;
    // pqsort.py:78  last = low
    let mut last = 0;
    // pqsort.py:79  for i in range(low+1, high):
    for i in 1..job.len() {
        // pqsort.py:80  if self.a[i] < pivot:
        if job[i] < job[PIVOT] {
            // pqsort.py:81  last += 1
            last += 1;
            // pqsort.py:82  self.a[last], self.a[i] = self.a[i], self.a[last]
            job.swap(last, i);
        }
    }
    // pqsort.py:83  self.a[low], self.a[last] = self.a[last], self.a[low]
    job.swap(PIVOT, last);
    // pqsort.py:84  return last
    last
}

/// Why tutorial mode stopped.
#[derive(Debug)]
pub enum Error {
    /// Ctrl-C, with the size being sorted and the partitions done on it.
    Interrupted { size: usize, visits: Visits },
    /// Writing the report failed.
    Io(io::Error),
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

// pqsort.py:88  def main():
/// The listing's `main()`: sizes 100, 200, ..., 1000, each shuffled, sorted
/// by `numthreads` workers and reported.
pub fn main(
    out: &mut impl Write,
    numthreads: usize,
    rng: &mut Rng,
    shutdown: &Shutdown,
) -> Result<(), Error> {
    // pqsort.py:91  for size in range(10):
    for size in 0..10 {
        // pqsort.py:92  a = range(100*(size+1))
        let mut a: Vec<usize> = (0..100 * (size + 1)).collect();
        // pqsort.py:93  shufflesort(a)
        shufflesort(out, &mut a, numthreads, rng, shutdown)?;
    }
    Ok(())
}

// pqsort.py:94  def shufflesort(a):
/// Shuffles `a`, sorts it with the pool and prints the report.
fn shufflesort(
    out: &mut impl Write,
    a: &mut [usize],
    numthreads: usize,
    rng: &mut Rng,
    shutdown: &Shutdown,
) -> Result<(), Error> {
    // pqsort.py:97  for i in range(len(a)):
    for i in 0..a.len() {
        // pqsort.py:98  r = random.randint(i, len(a)-1)
        let r = rng.randint(i, a.len() - 1);
        // pqsort.py:99  (a[i], a[r]) = (a[r], a[i])
        a.swap(i, r);
    }
    // pqsort.py:102  s = pqsort(a)
    let s = pqsort(a, numthreads, shutdown).map_err(|Interrupted(visits)| Error::Interrupted {
        size: a.len(),
        visits,
    })?;
    // Not in the listing: at these sizes checking costs nothing, and a
    // wrong sort must not print a report that looks right.
    assert!(
        a.iter().copied().eq(0..a.len()),
        "size {} not sorted",
        a.len()
    );
    // pqsort.py:103  print "For sorting an array of size", len(a)
    writeln!(out, "For sorting an array of size {}", a.len())?;
    // pqsort.py:104  s.report()
    s.report(out)?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_is_the_listings_partition() {
        // Worked by hand with the listing: pivot 5; 3, 1, 4 move left in
        // the order met; the pivot is swapped into place last.
        let mut v = [5, 8, 3, 9, 1, 4, 7];
        let m = separate(&mut v);
        assert_eq!(m, 3);
        assert_eq!(v, [4, 3, 1, 5, 8, 9, 7]);
        let mut one = [7];
        assert_eq!(separate(&mut one), 0);
        let mut sorted: Vec<u32> = (0..50).collect();
        assert_eq!(separate(&mut sorted), 0);
    }

    #[test]
    fn visits_add_up_to_the_size() {
        let mut rng = Rng::new(11);
        for n in [0usize, 1, 2, 3, 17, 100, 1000, 5000] {
            for threads in [1, 2, 5, 16] {
                let mut a: Vec<usize> = (0..n).collect();
                for i in 0..n {
                    let r = rng.randint(i, n - 1);
                    a.swap(i, r);
                }
                let s = pqsort(&mut a, threads, &Shutdown::new()).unwrap();
                assert!(a.iter().copied().eq(0..n), "{n} {threads}");
                assert_eq!(s.threads.len(), threads);
                let ids: Vec<usize> = s.threads.iter().map(|t| t.threadid).collect();
                assert_eq!(ids, (1..=threads).collect::<Vec<_>>());
                assert_eq!(s.visits().total(), n as u64, "{n} {threads}");
            }
        }
        // Duplicates: still one partition per element.
        let mut a: Vec<u8> = (0..3000).map(|i| (i * 7 % 13) as u8).collect();
        let s = pqsort(&mut a, 3, &Shutdown::new()).unwrap();
        assert!(a.is_sorted());
        assert_eq!(s.visits().total(), 3000);
    }

    #[test]
    fn report_prints_the_listings_lines() {
        let mut out = Vec::new();
        main(&mut out, 2, &mut Rng::new(1), &Shutdown::new()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 30);
        assert_eq!(lines[0], "For sorting an array of size 100");
        assert!(lines[1].starts_with("thread 1 visited array "));
        assert!(lines[2].starts_with("thread 2 visited array "));
        assert_eq!(lines[27], "For sorting an array of size 1000");
    }

    #[test]
    fn interrupted_sort_reports_its_size() {
        let shutdown = Shutdown::new();
        shutdown.trigger();
        let e = main(&mut Vec::new(), 5, &mut Rng::new(1), &shutdown).unwrap_err();
        assert!(matches!(e, Error::Interrupted { size: 100, .. }), "{e:?}");
    }
}
