//! Matloff, "Tutorial on Threads Programming with Python", section 6 "The
//! Queue Module" (`matloff-threads-tutorial.md` lines 942-1156): `pqsort.py`,
//! an in-place quicksort by a fixed pool of worker threads fed from a
//! `Queue` of sub-ranges still to sort; its output is at lines 1159-1220.
//!
//! What Rust changes:
//! - No GIL. The tutorial's own disclaimer says its threads give no speedup;
//!   these run on every core at once, fast enough to stand next to rayon's
//!   `par_sort_unstable`.
//! - Ownership instead of shared indices. A queued job is the disjoint
//!   `&mut` sub-slice itself (cut with `split_at_mut` inside
//!   `std::thread::scope`), so the compiler proves no two workers touch one
//!   element: the array has no lock and there is no `unsafe`.
//! - No polling. The tutorial's workers wake every second (`get(True, 1)`) to
//!   compare a locked singleton count with `len(a)`; here an outstanding-job
//!   count tells the last worker that everything is in place, and it sends
//!   each worker a stop message, so all exit at once. A message cannot be
//!   lost the way a condvar notify sent before anyone waits is: it stays in
//!   the queue until a worker takes it.
//! - No quadratic cases: median-of-three (ninther, sample median) pivots instead of the
//!   first element, pattern breaking with a `sort_unstable` fallback after
//!   repeated bad splits, and equal keys gathered in one pass. Jobs at or
//!   below a cut-off are sorted sequentially; the visit counts are the
//!   partitions each thread performed.
//! - The first partitions are not left to one core: a large job at depth `d`
//!   is partitioned by `threads >> d` threads at once.
//!
//! Modules:
//! - [`pool`]: the job queue and the worker threads (`pqsort`, `pqsorter`).
//! - [`partition`]: pivot choice and partitioning of one job (`separate`).
//! - [`input`]: the shuffle of `shufflesort`, a seeded generator, input shapes.
//! - [`lines`]: tool mode's text format (one integer a line).
//!
//! This file holds the three modes the binary offers: the tutorial's
//! `main()`, sorting generated data (`--size`), and sorting a file.

pub mod input;
pub mod lines;
pub mod partition;
pub mod pool;
#[cfg(test)]
mod proptests;

use common::Shutdown;
use input::{Rng, Shape};
use pool::{Interrupted, Options, Visits};
use std::fmt;
use std::io::{self, Write};
use std::time::{Duration, Instant};

/// The tutorial's pool size.
pub const TUTORIAL_THREADS: usize = 5;
/// Tutorial mode's cut-off: its arrays are tiny (100 to 1000), so a small
/// one keeps the partitions, and the load balancing they show, visible.
pub const TUTORIAL_CUTOFF: usize = 16;

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

/// The tutorial's `main()`: for sizes 100, 200, ..., 1000, shuffle
/// `0..size`, sort it with the pool and report each worker's partitions.
pub fn tutorial(
    out: &mut impl Write,
    threads: usize,
    cutoff: usize,
    rng: &mut Rng,
    shutdown: &Shutdown,
) -> Result<(), Error> {
    for size in (1..=10).map(|k| 100 * k) {
        let mut a: Vec<usize> = (0..size).collect();
        input::shuffle(&mut a, rng);
        let visits = pool::sort(&mut a, Options { threads, cutoff }, shutdown)?;
        if !a.iter().copied().eq(0..size) {
            return Err(Error::CheckFailed(format!("size {size} not sorted")));
        }
        report(out, size, &visits)?;
        out.flush()?;
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
