//! Tool mode's worker pool and job queue, built on the shape of the
//! tutorial's `pqsort` and `pqsorter` classes ([`crate::tutorial`] is the
//! listing itself).
//!
//! Like the tutorial, a fixed pool of threads takes jobs from one shared
//! queue, partitions the job's part of the array, and puts the two halves
//! back on the queue. Unlike the tutorial:
//!
//! - A job is not a pair of indices into a shared list but the sub-slice
//!   itself, `&mut [T]`, cut from the array with `split_at_mut` inside
//!   `std::thread::scope`. Two jobs never overlap, and the borrow checker
//!   proves it, so the array needs no lock, no `unsafe`, and the workers run
//!   truly in parallel (no GIL).
//! - The tutorial's workers poll `get(True,1)` until a count of finished
//!   singletons reaches `len(a)`, so each one lingers up to a second after
//!   the end. Here an outstanding-job count is decremented when a job is
//!   done (after its halves were queued); the worker that takes it to zero
//!   knows nothing is left anywhere and sends one `Stop` per worker.
//! - Jobs at or below `cutoff` elements are sorted sequentially with
//!   `sort_unstable`; a job that keeps getting bad splits falls back to it
//!   too, which bounds the worst case at O(n log n).
//! - A large job near the top is partitioned by `threads >> depth` threads
//!   at once ([`crate::partition::par_partition_by`]), so the first
//!   partitions do not leave all but one core waiting.

use crate::partition::{Split, break_patterns, partition};
use common::Shutdown;
use common::progress::Counter;
use crossbeam_channel::{Receiver, Sender};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Smaller jobs are not worth a trip through the queue.
pub const MIN_CUTOFF: usize = 4096;

/// How to sort.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Jobs of at most this many elements are sorted sequentially.
    pub cutoff: usize,
}

impl Options {
    /// `threads` workers with the cut-off that suits `len` elements.
    ///
    /// `sort_unstable` is faster per element than one more level of our
    /// partitions, so partitions go only as deep as load balance needs: the
    /// pivots of large jobs are sample medians, so a job splits into halves
    /// of nearly equal size, and `2^k` final jobs dealt to `threads` workers
    /// are balanced within 15% once `2^k` is at least twice `threads` and
    /// spreads evenly enough (4 jobs for 2 threads, 8 for 3, 32 for 5). With
    /// one thread there is nothing to balance: one `sort_unstable`.
    pub fn for_len(len: usize, threads: usize) -> Self {
        let threads = threads.max(1);
        if threads == 1 {
            return Options {
                threads,
                cutoff: len.max(1),
            };
        }
        let mut jobs = 2 * threads.next_power_of_two();
        while jobs.div_ceil(threads) * threads * 100 > jobs * 115 {
            jobs *= 2;
        }
        // 1.5 times the target size, so that splits a little off the
        // middle do not cost a whole extra level.
        let cutoff = (len / jobs * 3 / 2).max(MIN_CUTOFF);
        Options { threads, cutoff }
    }
}

/// Partitions performed by each worker; `visits[0]` is thread 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visits(pub Vec<u64>);

impl Visits {
    /// All partitions.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// The sort was stopped by the shutdown signal; the slice holds the same
/// elements in some order. Carries the work done until then.
#[derive(Debug)]
pub struct Interrupted(pub Visits);

/// A job: a disjoint piece of the array still to sort.
struct Job<'a, T> {
    /// If `has_lower`, `v[0]` is already in its final place and is `<=`
    /// every element after it, and only `v[1..]` is to be sorted.
    v: &'a mut [T],
    has_lower: bool,
    /// Badly unbalanced splits this job may still take before falling back
    /// to `sort_unstable`.
    budget: u32,
    /// Partitions above this job: up to `2^depth` jobs run side by side, so
    /// a large job may use `threads >> depth` threads for its partition.
    depth: u32,
}

enum Msg<'a, T> {
    Sort(Job<'a, T>),
    Stop,
}

/// What every worker shares.
struct Pool<'a, T> {
    tx: Sender<Msg<'a, T>>,
    rx: Receiver<Msg<'a, T>>,
    /// Jobs queued or being worked on.
    outstanding: AtomicUsize,
    interrupted: AtomicBool,
    threads: usize,
    cutoff: usize,
    shutdown: &'a Shutdown,
    /// Elements in their final place so far (for progress and reports).
    placed: &'a Counter,
}

/// Sorts `v` with a pool of `opts.threads` workers fed from one queue.
///
/// Returns the partitions each worker performed, or [`Interrupted`] if
/// `shutdown` was triggered first (workers check it between jobs).
pub fn sort<T: Ord + Send + Sync>(
    v: &mut [T],
    opts: Options,
    shutdown: &Shutdown,
) -> Result<Visits, Interrupted> {
    sort_counted(v, opts, shutdown, &Counter::default())
}

/// [`sort`], adding to `placed` each element as it reaches its final place
/// (it ends at `v.len()`): for a progress bar, or a report of how far an
/// interrupted sort got.
pub fn sort_counted<T: Ord + Send + Sync>(
    v: &mut [T],
    opts: Options,
    shutdown: &Shutdown,
    placed: &Counter,
) -> Result<Visits, Interrupted> {
    let threads = opts.threads.max(1);
    if shutdown.is_triggered() {
        return Err(Interrupted(Visits(vec![0; threads])));
    }
    // Whole input already in order (or in reverse): O(n), no partitions.
    if v.is_sorted() {
        placed.add(v.len() as u64);
        return Ok(Visits(vec![0; threads]));
    }
    if v.is_sorted_by(|a, b| a >= b) {
        v.reverse();
        placed.add(v.len() as u64);
        return Ok(Visits(vec![0; threads]));
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    let budget = usize::BITS - v.len().leading_zeros();
    tx.send(Msg::Sort(Job {
        v,
        has_lower: false,
        budget,
        depth: 0,
    }))
    .expect("receiver alive");
    let pool = Pool {
        tx,
        rx,
        outstanding: AtomicUsize::new(1),
        interrupted: AtomicBool::new(false),
        threads,
        cutoff: opts.cutoff.max(1),
        shutdown,
        placed,
    };
    let visits = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads).map(|_| s.spawn(|| pool.worker())).collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let visits = Visits(visits);
    if pool.interrupted.load(Ordering::SeqCst) {
        Err(Interrupted(visits))
    } else {
        Ok(visits)
    }
}

impl<'a, T: Ord + Send + Sync> Pool<'a, T> {
    /// As the tutorial's `pqsorter.run`: take a job, partition, queue the halves.
    /// Returns how many partitions this worker performed.
    fn worker(&self) -> u64 {
        // If this worker panics (a panicking `Ord`), the others must not
        // wait forever for its jobs: stop them, and the scope re-raises it.
        struct OnPanic<'p, 'a, T: Ord + Send + Sync>(&'p Pool<'a, T>);
        impl<T: Ord + Send + Sync> Drop for OnPanic<'_, '_, T> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.stop_all(true);
                }
            }
        }
        let _guard = OnPanic(self);
        let mut visits = 0;
        while let Ok(Msg::Sort(job)) = self.rx.recv() {
            if self.shutdown.is_triggered() {
                self.stop_all(true);
                break;
            }
            self.run(job, &mut visits);
            if self.outstanding.fetch_sub(1, Ordering::AcqRel) == 1 {
                self.stop_all(false);
            }
        }
        visits
    }

    /// Wakes every worker for good. Each worker takes at most one `Stop`, so
    /// after `threads` of them nobody can block on an empty queue.
    fn stop_all(&self, interrupted: bool) {
        if interrupted {
            self.interrupted.store(true, Ordering::SeqCst);
        }
        for _ in 0..self.threads {
            let _ = self.tx.send(Msg::Stop);
        }
    }

    fn push(&self, v: &'a mut [T], has_lower: bool, budget: u32, depth: u32) {
        let len = v.len() - usize::from(has_lower);
        if len <= 1 {
            self.placed.add(len as u64);
            return; // nothing left to sort: no job
        }
        self.outstanding.fetch_add(1, Ordering::AcqRel);
        self.tx
            .send(Msg::Sort(Job {
                v,
                has_lower,
                budget,
                depth,
            }))
            .expect("receiver alive");
    }

    fn run(&self, job: Job<'a, T>, visits: &mut u64) {
        let Job {
            v: whole,
            has_lower,
            mut budget,
            depth,
        } = job;
        let skip = usize::from(has_lower);
        let len = whole.len() - skip;
        if len <= self.cutoff || budget == 0 {
            whole[skip..].sort_unstable();
            self.placed.add(len as u64);
            return;
        }
        let (lower, v) = if has_lower {
            let (l, rest) = whole.split_first_mut().expect("has_lower");
            (Some(&*l), rest)
        } else {
            (None, &mut whole[..])
        };
        let threads = self.threads.checked_shr(depth).unwrap_or(0).max(1);
        let split = partition(v, lower, threads);
        *visits += 1;
        match split {
            Split::Equal { equal } => {
                self.placed.add(equal as u64);
                // whole[..skip + equal] is finished; the last equal element
                // is the lower bound of the rest.
                let (_, rest) = whole.split_at_mut(skip + equal - 1);
                self.push(rest, true, budget, depth + 1);
            }
            Split::Pivot { mid } => {
                self.placed.add(1);
                let (left, right) = whole.split_at_mut(skip + mid);
                // left keeps our lower bound (if any); right starts with the
                // pivot, its lower bound.
                if mid.min(len - mid - 1) < len / 8 {
                    budget -= 1;
                    break_patterns(&mut left[skip..]);
                    break_patterns(&mut right[1..]);
                }
                self.push(left, has_lower, budget, depth + 1);
                self.push(right, true, budget, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_by_pool(mut v: Vec<i64>, threads: usize, cutoff: usize) -> Vec<i64> {
        let opts = Options { threads, cutoff };
        sort(&mut v, opts, &Shutdown::new()).expect("not interrupted");
        v
    }

    #[test]
    fn sorts_small_cases() {
        for n in 0..200i64 {
            let v: Vec<i64> = (0..n).map(|i| (i * 7919 + 13) % 17 - 8).collect();
            let mut want = v.clone();
            want.sort();
            for threads in [1, 3] {
                assert_eq!(sorted_by_pool(v.clone(), threads, 1), want);
            }
        }
    }

    #[test]
    fn visits_count_partitions_only() {
        // Below the cut-off: one sequential sort, no partition.
        let mut v: Vec<u32> = (0..100).rev().chain(0..5).collect();
        let visits = sort(
            &mut v,
            Options {
                threads: 2,
                cutoff: 1000,
            },
            &Shutdown::new(),
        )
        .unwrap();
        assert_eq!(visits.total(), 0);
        assert!(v.is_sorted());
        // Distinct keys, cut-off 1: every element of a job of 2 or more
        // becomes a pivot once, and at most n - 1 of them do.
        let mut v: Vec<u32> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        let visits = sort(
            &mut v,
            Options {
                threads: 2,
                cutoff: 1,
            },
            &Shutdown::new(),
        )
        .unwrap();
        assert!(v.is_sorted());
        assert!(visits.total() > 300 && visits.total() < 1000, "{visits:?}");
    }

    #[test]
    fn default_cutoff_gives_balanced_job_counts() {
        let n = 1 << 24;
        assert_eq!(Options::for_len(n, 1).cutoff, n);
        // Final jobs are about n / cutoff * 1.5 in number.
        for (threads, jobs) in [(2, 4), (3, 8), (4, 8), (5, 32), (8, 16), (16, 32)] {
            assert_eq!(
                Options::for_len(n, threads).cutoff,
                n / jobs * 3 / 2,
                "{threads}"
            );
        }
        assert_eq!(Options::for_len(1000, 4).cutoff, MIN_CUTOFF);
    }

    #[test]
    fn placed_counts_every_element_once() {
        for (n, threads, cutoff) in [
            (0, 1, 1),
            (1, 2, 1),
            (5000, 3, 1),
            (5000, 2, 64),
            (100_000, 4, 4096),
        ] {
            for v in [
                (0..n).map(|i| (i * 7919) % 1013).collect::<Vec<u64>>(),
                (0..n).collect(),
                vec![3; n as usize],
            ] {
                let mut v = v;
                let placed = Counter::default();
                sort_counted(
                    &mut v,
                    Options { threads, cutoff },
                    &Shutdown::new(),
                    &placed,
                )
                .unwrap();
                assert!(v.is_sorted());
                assert_eq!(placed.get(), n, "{n} {threads} {cutoff}");
            }
        }
    }

    #[test]
    fn interrupted_before_start_changes_nothing() {
        let shutdown = Shutdown::new();
        shutdown.trigger();
        let mut v = vec![3, 1, 2];
        assert!(
            sort(
                &mut v,
                Options {
                    threads: 2,
                    cutoff: 1
                },
                &shutdown
            )
            .is_err()
        );
    }
}
