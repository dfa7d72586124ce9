//! Matloff, "Tutorial on Threads Programming with Python", section 6 "The
//! Queue Module" (PDF p. 18): `pqsort.py`, an in-place quicksort by a fixed
//! pool of worker threads fed from a `Queue` of sub-ranges still to sort.
//!
//! Two programs share this crate:
//! - Tutorial mode (no arguments, [`tutorial`]) is the listing itself: its
//!   first-element pivot and `separate`, its singleton count and its visit
//!   counts, so its report reads as the tutorial's (the counts of each size
//!   add up to the size). Rust changes only what Rust needs or what was a
//!   bug: a job is a disjoint `&mut` sub-slice instead of a pair of indices
//!   into a shared list, and the workers stop at once instead of lingering
//!   in `get(True,1)` for up to a second per sort (the tutorial's 9 s for
//!   ten sizes; a few milliseconds here).
//! - Tool mode (`--size N`, `FILE`, [`pool`]) keeps the listing's shape (a
//!   fixed pool, one job queue, partitions put back on it) and makes it a
//!   real sort, as fast as rayon's `par_sort_unstable`:
//!   - No GIL: the threads run on every core at once.
//!   - Ownership instead of shared indices, as in tutorial mode: the array
//!     has no lock and there is no `unsafe`.
//!   - No polling: an outstanding-job count tells the last worker that
//!     everything is in place, and it sends each worker a stop message. A
//!     message cannot be lost the way a condvar notify sent before anyone
//!     waits is: it stays in the queue until a worker takes it.
//!   - No quadratic cases: median-of-three (ninther, sample median) pivots
//!     instead of the first element, pattern breaking with a
//!     `sort_unstable` fallback after repeated bad splits, and equal keys
//!     gathered in one pass. Jobs at or below a cut-off are sorted
//!     sequentially; the visit counts are the partitions each thread
//!     performed.
//!   - The first partitions are not left to one core: a large job at depth
//!     `d` is partitioned by `threads >> d` threads at once.
//!
//! Modules, in reading order:
//! - [`tutorial`]: `pqsort.py` line by line (`pqsort`, `pqsorter`,
//!   `separate`, `main`, `shufflesort`), each line's twin marked with a
//!   `// pqsort.py:N` comment quoting it.
//! - [`pool`]: tool mode's job queue and worker threads.
//! - [`partition`]: tool mode's pivot choice and partition of one job.
//! - [`input`]: a seeded generator (Python's `random.randint`), input shapes.
//! - [`lines`]: tool mode's text format (one integer a line).
//!
//! This file holds tool mode's two entry points: sorting generated data
//! (`--size`) and sorting a file.

pub mod input;
pub mod lines;
pub mod partition;
pub mod pool;
#[cfg(test)]
mod proptests;
pub mod tutorial;

use common::Shutdown;
use input::{Rng, Shape};
use pool::{Interrupted, Options, Visits};
use std::fmt;
use std::io::{self, Write};
use std::time::{Duration, Instant};

/// Why a mode did not finish.
#[derive(Debug)]
pub enum Error {
    /// Ctrl-C; the partitions done until then.
    Interrupted(Visits),
    /// Tool mode input had a line that is not an integer.
    BadLine(lines::BadLine),
    /// Could not allocate the array.
    TooBig(usize),
    /// The result failed its check (a bug, never expected).
    CheckFailed(String),
    /// Writing the output failed.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Interrupted(v) => write!(f, "interrupted after {} partitions", v.total()),
            Error::BadLine(e) => e.fmt(f),
            Error::TooBig(n) => write!(f, "cannot allocate an array of {n} integers"),
            Error::CheckFailed(m) => write!(f, "result check failed: {m}"),
            Error::Io(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<Interrupted> for Error {
    fn from(Interrupted(v): Interrupted) -> Self {
        Error::Interrupted(v)
    }
}

/// The tutorial's report: the size line, then one line per worker.
pub fn report(out: &mut impl Write, size: usize, visits: &Visits) -> io::Result<()> {
    writeln!(out, "For sorting an array of size {size}")?;
    for (i, n) in visits.0.iter().enumerate() {
        writeln!(out, "thread {} visited array {n} times", i + 1)?;
    }
    Ok(())
}

/// `--size`: sorts `n` generated integers, checks the result, and prints the
/// tutorial's report followed by the time the sort took.
pub fn generated(
    out: &mut impl Write,
    n: usize,
    shape: Shape,
    opts: Options,
    rng: &mut Rng,
    shutdown: &Shutdown,
) -> Result<Duration, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::TooBig(n))?;
    input::generate(&mut v, n, shape, rng);
    let before = fingerprint(&v);
    let t0 = Instant::now();
    let visits = pool::sort(&mut v, opts, shutdown)?;
    let took = t0.elapsed();
    if !v.is_sorted() {
        return Err(Error::CheckFailed("not in order".into()));
    }
    if fingerprint(&v) != before {
        return Err(Error::CheckFailed("elements changed".into()));
    }
    report(out, n, &visits)?;
    writeln!(
        out,
        "sorted {n} {} integers with {} threads in {:.3} s (checked: in order, same elements)",
        shape.name(),
        opts.threads,
        took.as_secs_f64()
    )?;
    Ok(took)
}

/// An order-independent digest of a multiset (sum and xor of a mixing
/// function), to check a sort kept the elements it was given.
fn fingerprint(v: &[u64]) -> (u64, u64, usize) {
    let mix = |x: u64| {
        let z = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        z ^ (z >> 29)
    };
    v.iter().fold((0, 0, v.len()), |(s, x, n), &e| {
        (s.wrapping_add(mix(e)), x ^ mix(e.rotate_left(17)), n)
    })
}

/// Tool mode: sorts the integers of `input` (one a line) and writes them to
/// `out`. On a bad line nothing is written. Returns the partition counts.
/// Integers beyond the 64-bit range are sorted too, as [`lines::BigInt`]s.
pub fn sort_lines(
    input: &[u8],
    out: &mut impl Write,
    threads: usize,
    cutoff: Option<usize>,
    shutdown: &Shutdown,
) -> Result<Visits, Error> {
    let (numbers, visits) = sort_input(input, threads, cutoff, shutdown)?;
    write_numbers(&numbers, out, threads)?;
    Ok(visits)
}

/// The first half of [`sort_lines`]: parse and sort, nothing written.
pub fn sort_input<'a>(
    input: &'a [u8],
    threads: usize,
    cutoff: Option<usize>,
    shutdown: &Shutdown,
) -> Result<(lines::Numbers<'a>, Visits), Error> {
    let mut numbers = lines::parse_any(input, threads).map_err(Error::BadLine)?;
    let len = match &numbers {
        lines::Numbers::Small(v) => v.len(),
        lines::Numbers::Big(v) => v.len(),
    };
    let mut opts = Options::for_len(len, threads);
    if let Some(c) = cutoff {
        opts.cutoff = c;
    }
    let visits = match &mut numbers {
        lines::Numbers::Small(v) => pool::sort(v, opts, shutdown)?,
        lines::Numbers::Big(v) => pool::sort(v, opts, shutdown)?,
    };
    Ok((numbers, visits))
}

/// The second half of [`sort_lines`]: one integer a line.
pub fn write_numbers(
    numbers: &lines::Numbers<'_>,
    out: &mut impl Write,
    threads: usize,
) -> Result<(), Error> {
    match numbers {
        lines::Numbers::Small(v) => lines::write_par(v, out, threads)?,
        lines::Numbers::Big(v) => lines::write_big(v, out)?,
    }
    Ok(())
}
