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
//! - [`memory`]: the memory budget (`-S`, or what this process can get).
//! - [`external`]: past the budget, sorted runs on disk, merged.
//!
//! This file holds tool mode's two entry points, sorting generated data
//! (`--size`) and sorting a file, and the [`Stage`] they report through
//! (progress bars on a terminal, the line a Ctrl-C prints).

pub mod external;
pub mod input;
pub mod lines;
pub mod memory;
pub mod partition;
pub mod pool;
#[cfg(test)]
mod proptests;
pub mod tutorial;

use common::Shutdown;
use common::progress::{Counter, Progress};
use input::{Rng, Shape};
use lines::{Numbers, Watch};
use pool::{Interrupted, Options, Visits};
use std::fmt;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a tool-mode run did not finish.
#[derive(Debug)]
pub enum Error {
    /// Ctrl-C: what was under way and how far it got.
    Interrupted(String),
    /// The input had a line that is not an integer.
    BadLine(lines::BadLine),
    /// The data would not fit in memory.
    TooBig(String),
    /// The result failed its check (a bug, never expected).
    CheckFailed(String),
    /// Reading the input failed (the caller names the input).
    Read(io::Error),
    /// A temporary file for runs could not be written or read.
    Temp(String),
    /// Writing the output failed.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Interrupted(m) | Error::TooBig(m) | Error::Temp(m) => f.write_str(m),
            Error::BadLine(e) => e.fmt(f),
            Error::CheckFailed(m) => write!(f, "result check failed: {m}"),
            Error::Read(e) => write!(f, "cannot read input: {e}"),
            Error::Io(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// What a long run is doing now: the phase, its unit of work, how much of it
/// is done. It feeds the phase's progress bar, and words the report of a
/// Ctrl-C, also one that lands where no flag is looked at (a long
/// `sort_unstable`, a blocked write), from the signal handler's thread.
#[derive(Clone, Debug, Default)]
pub struct Stage(Arc<Mutex<Phase>>);

#[derive(Debug, Default)]
struct Phase {
    what: &'static str,
    unit: &'static str,
    total: u64,
    done: Counter,
}

impl Stage {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts the phase `what` of `total` `unit`s (0: not known): returns
    /// its progress bar (drawn on a terminal once the phase has run a
    /// second; cleared when dropped) and the counter its work adds to.
    pub fn begin(
        &self,
        what: &'static str,
        unit: &'static str,
        total: u64,
        shutdown: &Shutdown,
    ) -> (Option<Progress>, Counter) {
        let bar = (total > 0).then(|| Progress::new(what, total, shutdown));
        let done = bar.as_ref().map(Progress::counter).unwrap_or_default();
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Phase {
            what,
            unit,
            total,
            done: done.clone(),
        };
        (bar, done)
    }

    /// `interrupted while sorting (1200000 of 4000000 integers in place)`.
    pub fn report(&self) -> String {
        let p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match (p.what, p.total) {
            ("", _) => "interrupted".into(),
            (what, 0) => format!("interrupted while {what} ({} {})", p.done.get(), p.unit),
            (what, total) => format!(
                "interrupted while {what} ({} of {total} {})",
                p.done.get(),
                p.unit
            ),
        }
    }
}

/// An I/O error's text without Rust's ` (os error N)` suffix.
pub fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
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

/// "1 thread", "4 threads".
pub fn threads_phrase(n: usize) -> String {
    if n == 1 {
        "1 thread".into()
    } else {
        format!("{n} threads")
    }
}

/// `--size`: sorts `n` generated integers, checks the result, and prints the
/// tutorial's report followed by the time the sort took. Every phase
/// (generating, checking, sorting) stops on Ctrl-C.
pub fn generated(
    out: &mut impl Write,
    n: usize,
    shape: Shape,
    opts: Options,
    rng: &mut Rng,
    stage: &Stage,
    shutdown: &Shutdown,
) -> Result<Duration, Error> {
    let need = (n as u64).saturating_mul(8);
    match memory::available() {
        Some(avail) if need > avail => {
            return Err(Error::TooBig(format!(
                "--size {n} needs {} of memory; {} is available",
                human(need),
                human(avail)
            )));
        }
        _ => {}
    }
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| Error::TooBig(format!("cannot allocate an array of {n} integers")))?;
    {
        let (_bar, done) = stage.begin("generating", "integers made", n as u64, shutdown);
        let keep_going = |k: usize| {
            done.set(k as u64);
            !shutdown.is_triggered()
        };
        if !input::generate_until(&mut v, n, shape, rng, keep_going) {
            return Err(Error::Interrupted(stage.report()));
        }
    }
    let before = digest(&v, stage, shutdown)?.1;
    let t0 = Instant::now();
    let (bar, placed) = stage.begin("sorting", "integers in place", n as u64, shutdown);
    let visits =
        pool::sort_counted(&mut v, opts, shutdown, &placed).map_err(|Interrupted(vis)| {
            Error::Interrupted(format!(
                "{} after {} partitions",
                stage.report(),
                vis.total()
            ))
        })?;
    let took = t0.elapsed();
    drop(bar);
    let (in_order, after) = digest(&v, stage, shutdown)?;
    if !in_order {
        return Err(Error::CheckFailed("not in order".into()));
    }
    if after != before {
        return Err(Error::CheckFailed("elements changed".into()));
    }
    report(out, n, &visits)?;
    writeln!(
        out,
        "sorted {n} {} integers with {} in {:.3} s (checked: in order, same elements)",
        shape.name(),
        threads_phrase(opts.threads),
        took.as_secs_f64()
    )?;
    out.flush()?;
    Ok(took)
}

/// Bytes as `1.5 GB`.
fn human(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..1_000_000 => format!("{:.0} kB", b / 1e3),
        1_000_000..1_000_000_000 => format!("{:.0} MB", b / 1e6),
        _ => format!("{:.1} GB", b / 1e9),
    }
}

/// Whether `v` is in order, and an order-independent digest of it as a
/// multiset (sum and xor of a mixing function), to check that a sort kept
/// the elements it was given. In steps, so that Ctrl-C is seen.
fn digest(
    v: &[u64],
    stage: &Stage,
    shutdown: &Shutdown,
) -> Result<(bool, (u64, u64, usize)), Error> {
    let mix = |x: u64| {
        let z = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        z ^ (z >> 29)
    };
    let (_bar, done) = stage.begin("checking", "integers checked", v.len() as u64, shutdown);
    let (mut sum, mut xor, mut in_order) = (0u64, 0u64, true);
    let mut last: Option<u64> = None;
    for chunk in v.chunks(1 << 20) {
        if shutdown.is_triggered() {
            return Err(Error::Interrupted(stage.report()));
        }
        in_order &= chunk.is_sorted() && last.is_none_or(|l| l <= chunk[0]);
        last = chunk.last().copied();
        for &e in chunk {
            sum = sum.wrapping_add(mix(e));
            xor ^= mix(e.rotate_left(17));
        }
        done.add(chunk.len() as u64);
    }
    Ok((in_order, (sum, xor, v.len())))
}

/// How tool mode sorts a file.
#[derive(Debug, Clone)]
pub struct FileJob {
    pub threads: usize,
    /// `--cutoff`, else the pool's default for each chunk's length.
    pub cutoff: Option<usize>,
    /// Memory to plan for (`-S`, or [`memory::default_budget`]): past it
    /// the input is sorted in runs on disk.
    pub budget: u64,
    /// Where runs go.
    pub tmp: PathBuf,
    /// The input's length if known, for the reading progress bar.
    pub size_hint: Option<u64>,
}

/// What [`sort_file`] did.
#[derive(Debug)]
pub struct FileSorted {
    /// Integers sorted (and written).
    pub len: usize,
    /// Partitions per thread, over all runs.
    pub visits: Visits,
    /// Sorted runs written to disk (0: all in memory).
    pub runs: usize,
}

/// Tool mode: sorts the integers of `input` (one a line) and writes them to
/// `out`. On a bad line nothing is written. Integers beyond the 64-bit range
/// are sorted too, as [`lines::BigInt`]s. An input that does not fit
/// `job.budget` is sorted in runs on disk and merged
/// ([`external`]). On Ctrl-C while writing, the output ends at a line end.
pub fn sort_file(
    input: impl Read,
    out: &mut impl Write,
    job: &FileJob,
    stage: &Stage,
    shutdown: &Shutdown,
) -> Result<FileSorted, Error> {
    let mut chunks = external::Chunks::new(input, job.budget).stop_on(shutdown);
    let (bar, read) = stage.begin(
        "reading",
        "bytes read",
        job.size_hint.unwrap_or(0),
        shutdown,
    );
    let first = chunks
        .next_chunk(&read)
        .map_err(|e| read_error(e, stage))?
        .unwrap_or_default();
    drop(bar);
    let numbers = if chunks.at_end() {
        let numbers = lines::parse_any(&first, job.threads).map_err(Error::BadLine)?;
        // Big integers cost more than the budget planned for a line.
        let cost = first.len() as u64 + external::BIG_LINE_COST * numbers.len() as u64;
        (matches!(numbers, Numbers::Small(_)) || cost <= job.budget).then_some(numbers)
    } else {
        None
    };
    let Some(numbers) = numbers else {
        let mut tmp = external::TempDir::new(job.tmp.clone());
        let (len, visits, runs) = external::sort_in_runs(
            first,
            job.size_hint.unwrap_or(0),
            &mut chunks,
            out,
            job.threads,
            job.cutoff,
            &mut tmp,
            stage,
            shutdown,
        )?;
        return Ok(FileSorted { len, visits, runs });
    };
    let (numbers, visits) = sort_numbers(numbers, job.threads, job.cutoff, stage, shutdown)?;
    let len = numbers.len();
    // Formatting in parallel takes about 20 MB of buffers: not for small budgets.
    let threads = if job.budget < 64 << 20 {
        1
    } else {
        job.threads
    };
    let written = write_numbers(&numbers, out, threads, stage, shutdown)?;
    if written < len {
        return Err(Error::Interrupted(format!(
            "interrupted while writing: {written} of {len} lines written (the output ends at a line end)"
        )));
    }
    Ok(FileSorted {
        len,
        visits,
        runs: 0,
    })
}

/// A read error, or Ctrl-C seen between reads.
fn read_error(e: io::Error, stage: &Stage) -> Error {
    if e.kind() == io::ErrorKind::Interrupted {
        Error::Interrupted(stage.report())
    } else {
        Error::Read(e)
    }
}

/// The first half of [`sort_file`] in memory: parse and sort, nothing
/// written.
pub fn sort_input<'a>(
    input: &'a [u8],
    threads: usize,
    cutoff: Option<usize>,
    stage: &Stage,
    shutdown: &Shutdown,
) -> Result<(Numbers<'a>, Visits), Error> {
    let numbers = lines::parse_any(input, threads).map_err(Error::BadLine)?;
    sort_numbers(numbers, threads, cutoff, stage, shutdown)
}

/// Sorts parsed integers with the pool.
fn sort_numbers<'a>(
    mut numbers: Numbers<'a>,
    threads: usize,
    cutoff: Option<usize>,
    stage: &Stage,
    shutdown: &Shutdown,
) -> Result<(Numbers<'a>, Visits), Error> {
    let len = numbers.len();
    let mut opts = Options::for_len(len, threads);
    if let Some(c) = cutoff {
        opts.cutoff = c;
    }
    let (_bar, placed) = stage.begin("sorting", "integers in place", len as u64, shutdown);
    let visits = match &mut numbers {
        Numbers::Small(v) => pool::sort_counted(v, opts, shutdown, &placed),
        Numbers::Big(v) => pool::sort_counted(v, opts, shutdown, &placed),
    }
    .map_err(|Interrupted(vis)| {
        Error::Interrupted(format!(
            "{} after {} partitions",
            stage.report(),
            vis.total()
        ))
    })?;
    Ok((numbers, visits))
}

/// The second half of [`sort_file`] in memory: one integer a line, stopping
/// at a line end on Ctrl-C. Returns the lines written.
pub fn write_numbers(
    numbers: &Numbers<'_>,
    out: &mut impl Write,
    threads: usize,
    stage: &Stage,
    shutdown: &Shutdown,
) -> Result<usize, Error> {
    let (_bar, done) = stage.begin("writing", "lines written", numbers.len() as u64, shutdown);
    let watch = Watch {
        done: Some(&done),
        stop: Some(shutdown),
    };
    Ok(match numbers {
        Numbers::Small(v) => lines::write_par(v, out, threads, watch)?,
        Numbers::Big(v) => lines::write_big(v, out, watch)?,
    })
}
