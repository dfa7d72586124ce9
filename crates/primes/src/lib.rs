//! Port of `primes.py` from Matloff's threads tutorial, section 5 "The
//! Effect of Timesharing" (PDF p. 16; then 5.1 "Code Analysis" and 5.2
//! "Execution Analysis", its runs): threads share one crossing-out array and a
//! `nexti` counter, each takes the next k and crosses out its multiples,
//! and each reports how many values of k it processed. Anchors such as
//! `// primes.py:22  if prime[k]:` name the listing's printed line numbers
//! (in [`tutorial`] and `main.rs`).
//!
//! What Rust changes:
//! * No GIL: the tutorial's threads take turns (its section 5.2 is about
//!   exactly that); here they run at once, so two threads finish sooner than
//!   one.
//! * Ownership: the tutorial needs `nextilock`, `nstartedlock` and a list of
//!   `donelock`s. Scoped threads and `join` replace the last two (main cannot
//!   read the array before every thread is done, and no busy wait is needed
//!   to make sure the threads started), and atomics replace the first: no
//!   lock is left at all, and no `unsafe`.
//! * The shared array is atomic words, so two threads clearing bits of one
//!   word cannot lose each other's writes; [`tutorial`] explains why relaxed
//!   ordering is enough.
//!
//! The tutorial's program has no condition variable. [`list`] has one, to
//! keep threads that run ahead of the writer waiting: it re-checks its
//! condition under the mutex before every wait (a notify sent while nobody
//! waits is simply lost, so a thread that waited without checking could
//! sleep forever). It is a [`common::Monitor`], whose waits Ctrl-C ends at
//! once, with no polling.
//!
//! Modules, in reading order:
//! * [`tutorial`]: the tutorial's algorithm (the default mode).
//! * [`segmented`]: `--segmented`, a segmented sieve that outruns
//!   `primesieve`: threads, runs of segments, memory bounds, ranges.
//! * [`base`]: the base primes up to sqrt(N), shared by all threads.
//! * [`segment`]: sieving one segment (pre-sieve, then small, medium and
//!   large primes) and what a thread keeps from one segment to the next.
//! * [`wheel`]: the mod-30 wheel, the crossing-out kernel and pre-sieve
//!   patterns.
//! * [`bucket`]: the bucket sieve for large primes.
//! * [`list`]: `--list`, writing the primes in order.

pub mod base;
pub mod bucket;
pub mod list;
pub mod segment;
pub mod segmented;
pub mod tutorial;
pub mod wheel;

/// Why a run could not start or finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Tutorial mode: the crossing-out array of `.0` bytes could not be
    /// allocated.
    NoMemory(u64),
    /// Tutorial mode: the array needs `needed` bytes, more than the
    /// `available` ones ([`available_memory`]); checked first, because an
    /// allocation the kernel overcommits ends with the OOM killer.
    TooLittleMemory { needed: u64, available: u64 },
    /// The OS refused to start thread number `.0`.
    Spawn(usize, String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NoMemory(bytes) => write!(
                f,
                "cannot allocate the {bytes}-byte crossing-out array (try --segmented)"
            ),
            Error::TooLittleMemory { needed, available } => write!(
                f,
                "the crossing-out array needs {} MiB but only {} MiB of memory are available (try --segmented)",
                needed >> 20,
                available >> 20
            ),
            Error::Spawn(t, e) => write!(f, "cannot start thread {t}: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Largest end `--segmented` accepts: its base primes (up to 10^8, 23 MB)
/// and buckets (46 MB per CPU) stay small. The sieve itself is correct up
/// to [`segmented::MAX_TO`].
pub const SEGMENTED_MAX_N: u64 = 10_000_000_000_000_000;

/// Widest range `--segmented` accepts: past 10^13 numbers a run takes hours.
pub const SEGMENTED_MAX_SPAN: u64 = 10_000_000_000_000;

/// What to count: `from..=to` (`from` is `None` for a plain N).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: Option<u64>,
    pub to: u64,
}

/// Parses N (see [`parse_n`]) or a range `A..B` (both ends included, as
/// `primesieve A B`).
///
/// ```
/// use primes::{Span, parse_span};
/// assert_eq!(parse_span("1e9"), Ok(Span { from: None, to: 1_000_000_000 }));
/// assert_eq!(parse_span("1e15..1e15+"), Err("expected a whole number >= 0, like 100000 or 1e10".into()));
/// assert_eq!(parse_span("100..200"), Ok(Span { from: Some(100), to: 200 }));
/// assert!(parse_span("200..100").is_err());
/// ```
pub fn parse_span(s: &str) -> Result<Span, String> {
    match s.split_once("..") {
        None => Ok(Span {
            from: None,
            to: parse_n(s)?,
        }),
        Some((a, b)) => {
            let (from, to) = (parse_n(a)?, parse_n(b)?);
            if from > to {
                return Err(format!("the range {s} is empty (A..B needs A <= B)"));
            }
            Ok(Span {
                from: Some(from),
                to,
            })
        }
    }
}

/// Most threads accepted.
pub const MAX_THREADS: usize = 1024;

/// Parses n: digits (`100000`), a leading `+` allowed as Python's `int()`
/// allows it, or a power-of-ten shorthand (`1e10`, `5e9`).
///
/// ```
/// assert_eq!(primes::parse_n("100000"), Ok(100000));
/// assert_eq!(primes::parse_n("+100"), Ok(100));
/// assert_eq!(primes::parse_n("1e10"), Ok(10_000_000_000));
/// assert!(primes::parse_n("1e99").is_err());
/// assert!(primes::parse_n("-5").is_err());
/// assert!(primes::parse_n("abc").is_err());
/// ```
pub fn parse_n(s: &str) -> Result<u64, String> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let too_big = || format!("{s} is too large");
    let s = s.strip_prefix('+').unwrap_or(s);
    let (mant, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) if digits(m) && digits(e) => (m, e),
        _ if digits(s) => (s, "0"),
        _ => return Err("expected a whole number >= 0, like 100000 or 1e10".into()),
    };
    let mut x: u64 = mant.parse().map_err(|_| too_big())?;
    let exp: u32 = exp.parse().map_err(|_| too_big())?;
    for _ in 0..exp {
        if x == 0 {
            break;
        }
        x = x.checked_mul(10).ok_or_else(too_big)?;
    }
    Ok(x)
}

/// Parses a thread count: digits (a leading `+` allowed, as for N), from 1
/// to [`MAX_THREADS`].
///
/// ```
/// assert_eq!(primes::parse_threads("7"), Ok(7));
/// assert_eq!(primes::parse_threads("+2"), Ok(2));
/// assert!(primes::parse_threads("0").is_err());
/// assert!(primes::parse_threads("-1").is_err());
/// assert!(primes::parse_threads("1025").is_err());
/// ```
pub fn parse_threads(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|t| (1..=MAX_THREADS).contains(t))
        .ok_or_else(|| format!("expected a thread count from 1 to {MAX_THREADS}"))
}

/// Memory this process may still use, in bytes: the kernel's
/// `MemAvailable` and, when set, the room left under this cgroup's memory
/// limit (v2 `memory.max`, v1 `memory.limit_in_bytes`). `None` if neither
/// can be read.
pub fn available_memory() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let num = |p: &str| read(p).and_then(|s| s.trim().parse::<u64>().ok());
    let mut avail = read("/proc/meminfo").and_then(|m| meminfo_available(&m));
    for (limit, used) in [
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ] {
        // "max" (v2) does not parse: no limit.
        if let Some(l) = num(limit) {
            let room = l.saturating_sub(num(used).unwrap_or(0));
            avail = Some(avail.map_or(room, |a| a.min(room)));
        }
    }
    avail
}

/// `MemAvailable` from the text of `/proc/meminfo`, in bytes.
///
/// ```
/// let m = "MemTotal:  24684000 kB\nMemAvailable:  1000 kB\n";
/// assert_eq!(primes::meminfo_available(m), Some(1_024_000));
/// assert_eq!(primes::meminfo_available("MemTotal: 5 kB\n"), None);
/// ```
pub fn meminfo_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}
