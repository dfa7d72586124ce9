//! Fast mode: a segmented, multi-threaded sieve of Eratosthenes.
//!
//! The numbers `from..=to` live on the mod-30 wheel ([`crate::wheel`]): one
//! byte per 30 numbers. That range is cut into segments of
//! `segment_bytes` (the L2 cache this machine reports, or twice that for
//! large ranges: [`Config::for_range`]), handed out in runs
//! of consecutive segments (single ones with a [`Sink`]) from an atomic
//! counter, so a fast thread simply takes more runs; the runs shrink as
//! the work left does ([`Runs`]), so the threads finish together. [`crate::segment`]
//! sieves one segment; a run carries every prime's position from one
//! segment to the next.
//!
//! Memory: the base primes up to sqrt(to) are shared (4 bytes each, about
//! 0.4 MB at 1e12, 7.8 MB at 1e15), and at most one [`Workspace`] per CPU
//! exists however many threads are asked for (threads beyond that take
//! turns with them): each holds one segment (at most
//! [`MAX_SEGMENT_BYTES`]), 8 bytes per sieving prime (and a partly filled
//! bucket chunk per bucket). So RSS is O(sqrt(to) + CPUs x segment).

use crate::Error;
use crate::base;
pub use crate::base::small_primes;
use crate::bucket::MAX_SEGMENT_BYTES;
use crate::segment::{PRESIEVE, PRESIEVE_MAX, Plan, PrimesIn, Workspace, below_seven, popcount};
use crate::wheel::Pattern;
use common::Monitor;
use common::Shutdown;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Sizes that shape the work. [`Config::default`] takes them from the
/// caches this machine reports; tests shrink them to put many boundaries
/// in small ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Bytes of wheel (30 numbers each) per handed-out segment.
    pub segment_bytes: usize,
    /// Bytes per L1 block inside a segment.
    pub block_bytes: usize,
    /// Primes below this cross out one L1 block at a time.
    pub small_max: u64,
    /// Primes from `small_max` below this cross out over the whole segment;
    /// the rest go to the bucket sieve.
    pub medium_max: u64,
    /// Show progress (numbers sieved, rate, ETA) on stderr when it is a
    /// terminal and the run takes over a second ([`common::progress`]).
    pub progress: bool,
}

/// Segment size when the caches cannot be read.
const FALLBACK_SEGMENT: usize = 512 * 1024;
/// L1 block size when the caches cannot be read.
const FALLBACK_BLOCK: usize = 32 * 1024;

impl Config {
    /// Segments of `segment_bytes` (at most [`MAX_SEGMENT_BYTES`]) cut in
    /// blocks of `block_bytes`, with the prime-size thresholds that suit
    /// them: small primes have at least four turns of the wheel per block,
    /// medium primes at least four per segment (32 multiples; with fewer
    /// the bucket sieve was faster here).
    pub fn with_sizes(segment_bytes: usize, block_bytes: usize) -> Self {
        let segment_bytes = segment_bytes.clamp(1, MAX_SEGMENT_BYTES);
        let block_bytes = block_bytes.clamp(1, segment_bytes);
        Config {
            segment_bytes,
            block_bytes,
            small_max: block_bytes as u64 / 4,
            medium_max: segment_bytes as u64 / 4,
            progress: false,
        }
    }

    /// Sizes from this machine's caches (`/sys/devices/system/cpu/cpu0/cache`):
    /// a segment the size of the L2 cache, blocks of the L1 data cache,
    /// or 512 KiB and 32 KiB when they cannot be read.
    pub fn from_caches() -> Self {
        let caches = read_caches();
        let seg = caches.l2.unwrap_or(FALLBACK_SEGMENT);
        let block = caches.l1d.unwrap_or(FALLBACK_BLOCK);
        Config::with_sizes(seg.clamp(64 * 1024, MAX_SEGMENT_BYTES), block.min(seg))
    }
}

impl Config {
    /// [`Config::default`] for a run up to `to`: segments twice as long
    /// (at most [`MAX_SEGMENT_BYTES`]) when the sieving primes reach past
    /// the medium ones (a quarter of the segment), so that primes hitting
    /// each segment many times stay in the whole-segment kernel instead of
    /// going to the bucket sieve. Measured here (1 MiB L2, one thread):
    /// 6% faster near 1e12, 12% near 1e13 (two threads), 2% near 1e11; and
    /// 5% slower at 1e10, where no prime is past the medium ones.
    pub fn for_range(to: u64) -> Self {
        let cfg = Config::default();
        if to.isqrt() < cfg.medium_max {
            return cfg;
        }
        Config {
            progress: cfg.progress,
            ..Config::with_sizes(2 * cfg.segment_bytes, cfg.block_bytes)
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        static CACHED: std::sync::OnceLock<Config> = std::sync::OnceLock::new();
        *CACHED.get_or_init(Config::from_caches)
    }
}

/// Cache sizes in bytes, as far as the system says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Caches {
    pub l1d: Option<usize>,
    pub l2: Option<usize>,
}

/// Reads cpu0's cache sizes from sysfs.
pub fn read_caches() -> Caches {
    let dir = std::path::Path::new("/sys/devices/system/cpu/cpu0/cache");
    let mut caches = Caches::default();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return caches;
    };
    for e in entries.flatten() {
        let read = |f: &str| std::fs::read_to_string(e.path().join(f)).unwrap_or_default();
        let size = parse_cache_size(read("size").trim());
        match (read("level").trim(), read("type").trim()) {
            ("1", "Data") => caches.l1d = size,
            ("2", "Unified" | "Data") => caches.l2 = size,
            _ => {}
        }
    }
    caches
}

/// `"48K"` -> 49152, `"1M"` -> 1048576, `"512"` -> 512.
///
/// ```
/// use primes::segmented::parse_cache_size;
/// assert_eq!(parse_cache_size("48K"), Some(48 * 1024));
/// assert_eq!(parse_cache_size("1M"), Some(1 << 20));
/// assert_eq!(parse_cache_size(""), None);
/// ```
pub fn parse_cache_size(s: &str) -> Option<usize> {
    let (digits, unit) = match s.as_bytes().last()? {
        b'K' => (&s[..s.len() - 1], 1024),
        b'M' => (&s[..s.len() - 1], 1 << 20),
        _ => (s, 1),
    };
    digits
        .parse::<usize>()
        .ok()?
        .checked_mul(unit)
        .filter(|&b| b > 0)
}

/// Receives the primes of each segment, in any order; see [`crate::list`].
pub trait Sink: Sync {
    /// Takes segment `index`'s primes (ascending). Returns false to stop
    /// the whole sieve (output closed).
    fn segment(&self, index: u64, primes: &mut dyn Iterator<Item = u64>) -> bool;
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Segments each thread processed, indexed by thread number.
    pub segments: Vec<u64>,
    /// The number of primes in the range, or `None` if the run was stopped
    /// (Ctrl-C or closed output).
    pub count: Option<u64>,
    /// If stopped: the largest x such that every segment up to x was done,
    /// and the primes from `from` to x. Lets an interrupted run still
    /// report something true.
    pub partial: Option<(u64, u64)>,
}

/// Counts (or lists into `sink`) the primes up to `n`; see [`run_range`].
pub fn run(
    n: u64,
    threads: usize,
    cfg: Config,
    sink: Option<&dyn Sink>,
    on_exit: &(dyn Fn(usize, u64) + Sync),
    shutdown: &Shutdown,
) -> Result<Outcome, Error> {
    run_range(0, n, threads, cfg, sink, on_exit, shutdown)
}

/// Largest `to` accepted: base primes up to sqrt(to) must fit in `u32`
/// and 30 * (bytes + segment) in `u64`.
pub const MAX_TO: u64 = 1 << 62;

/// Counts (or lists into `sink`) the primes in `from..=to` with `threads`
/// threads, sieving only that range (the base primes up to sqrt(to)
/// aside). `on_exit(t, segments)` runs as thread `t` finishes, like the
/// tutorial's per-thread line.
pub fn run_range(
    from: u64,
    to: u64,
    threads: usize,
    cfg: Config,
    sink: Option<&dyn Sink>,
    on_exit: &(dyn Fn(usize, u64) + Sync),
    shutdown: &Shutdown,
) -> Result<Outcome, Error> {
    assert!(threads >= 1 && cfg.segment_bytes >= 1 && cfg.block_bytes >= 1);
    assert!(cfg.segment_bytes <= MAX_SEGMENT_BYTES && to <= MAX_TO);
    if from > to {
        (0..threads).for_each(|t| on_exit(t, 0));
        return Ok(Outcome {
            segments: vec![0; threads],
            count: Some(0),
            partial: None,
        });
    }
    let (first_byte, last_byte) = (from / 30, to / 30);
    let seg = cfg.segment_bytes as u64;
    let nseg = (last_byte - first_byte + 1).div_ceil(seg);
    let base_span = timeline::work!("base", "base primes up to {}", to.isqrt());
    let base: Vec<u32> = base::primes_u32(to.isqrt())
        .into_iter()
        .filter(|&p| u64::from(p) > PRESIEVE_MAX)
        .collect();
    drop(base_span);
    let patterns: Vec<Pattern> = PRESIEVE.iter().map(|g| Pattern::new(g)).collect();
    let plan = Plan {
        from,
        to,
        first_byte,
        last_byte,
        seg: cfg.segment_bytes,
        block: cfg.block_bytes,
        small_max: cfg.small_max,
        medium_max: cfg.medium_max,
        base: &base,
        patterns: &patterns,
    };
    let slots = workspaces(threads);
    // Segments go out in runs of consecutive ones, so a thread carries its
    // primes' positions from one segment to the next instead of working
    // them out again (a division per prime). Not with a sink: its ordered
    // writer holds only a few segments ahead, so a thread handed a long run
    // would make the others wait for it (one thread's speed); there
    // segments go out one at a time. A run starts by working out where each
    // base prime hits first (a division each), so a run is also long enough
    // to make that small next to its sieving: 64 bytes of segment per base
    // prime (it matters for ranges far from 0, with millions of base primes).
    let min_run = (64 * base.len() as u64).div_ceil(seg);
    let runs = match sink {
        Some(_) => Runs::new(nseg, 1, 1, slots),
        None => Runs::new(nseg, nseg / (16 * slots as u64), min_run, slots),
    };
    let stop = AtomicBool::new(false);
    let pool = Pool::new(slots, threads > slots);
    let progress = Progress::default();
    let bar = cfg
        .progress
        .then(|| common::progress::Progress::new("sieving", to - from + 1, shutdown));
    let job = Job {
        bar: bar.as_ref().map(|b| b.counter()),
        plan: &plan,
        runs: &runs,
        stop: &stop,
        sink,
        shutdown,
        pool: &pool,
        progress: &progress,
    };

    let (segments, spawn_error) = std::thread::scope(|s| {
        let mut handles = Vec::with_capacity(threads);
        let mut spawn_error = None;
        for t in 0..threads {
            let job = &job;
            let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                timeline::thread_name(format_args!("thread {t}"));
                let done = job.worker();
                on_exit(t, done);
                done
            });
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => {
                    // The threads already started stop after their segment.
                    stop.store(true, Ordering::Relaxed);
                    spawn_error = Some(Error::Spawn(t, e.to_string()));
                    break;
                }
            }
        }
        let segments: Vec<u64> = handles
            .into_iter()
            .enumerate()
            .map(|(t, h)| {
                let _join = timeline::wait!("join", "join thread {t}");
                h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect();
        (segments, spawn_error)
    });
    if let Some(e) = spawn_error {
        return Err(e);
    }

    let small = below_seven(from, to).count() as u64;
    let (prefix, count) = progress.prefix();
    if prefix == nseg && !stop.load(Ordering::Relaxed) {
        return Ok(Outcome {
            segments,
            count: Some(small + count),
            partial: None,
        });
    }
    let partial = (prefix > 0).then(|| {
        let upto = (30 * (first_byte + prefix * seg) - 1).min(to);
        (upto, small + count)
    });
    Ok(Outcome {
        segments,
        count: None,
        partial,
    })
}

/// How many workspaces (segment buffers with their primes' positions) a
/// run with `threads` threads makes: at most one per CPU, so memory does
/// not grow with the thread count; more threads take turns with them.
pub fn workspaces(threads: usize) -> usize {
    threads.clamp(1, num_cpus::get().max(1))
}

/// What every thread of one run shares.
struct Job<'a> {
    plan: &'a Plan<'a>,
    runs: &'a Runs,
    stop: &'a AtomicBool,
    sink: Option<&'a dyn Sink>,
    shutdown: &'a Shutdown,
    pool: &'a Pool,
    progress: &'a Progress,
    /// Numbers sieved, for the progress bar.
    bar: Option<common::progress::Counter>,
}

impl Job<'_> {
    /// One thread: takes runs of segments until none are left or it is told
    /// to stop. Returns how many segments it finished.
    fn worker(&self) -> u64 {
        let plan = self.plan;
        let mut done = 0;
        let mut ws: Option<Workspace> = None;
        loop {
            let halted = || self.shutdown.is_triggered() || self.stop.load(Ordering::Relaxed);
            let mut w = match ws.take() {
                Some(w) => w,
                None => match self.pool.acquire(self.shutdown) {
                    Some(w) => w.unwrap_or_else(|| Workspace::new(plan)),
                    None => return done,
                },
            };
            let Some((first, last)) = self.runs.take() else {
                self.pool.release(w);
                return done;
            };
            // One span per run handed out (per segment with a sink, whose
            // runs are single segments): `--trace` shows who sieved what.
            let mut span = match self.sink {
                None => timeline::work!("run", "run {first}..={last}"),
                Some(_) => timeline::work!("segment", "segment {first}"),
            };
            w.start_run(last);
            let mut count = 0;
            let mut i = first;
            while i <= last {
                if halted() {
                    break;
                }
                let buf = w.sieve(plan, i);
                count += popcount(buf);
                if let Some(bar) = &self.bar {
                    let (lo, len) = plan.bounds(i);
                    let (a, b) = (
                        (30 * lo).max(plan.from),
                        (30 * (lo + len as u64) - 1).min(plan.to),
                    );
                    bar.add(b - a + 1);
                }
                if let Some(sink) = self.sink {
                    // The sink's formatting and its wait for the writer
                    // are spans of their own.
                    drop(std::mem::replace(&mut span, timeline::Span::none()));
                    let (lo, _) = plan.bounds(i);
                    let extra = below_seven(plan.from, plan.to).filter(|_| i == 0);
                    let mut primes = PrimesIn::new(buf, lo, extra);
                    if !sink.segment(i, &mut primes) {
                        self.stop.store(true, Ordering::Relaxed);
                        break;
                    }
                }
                i += 1;
                done += 1;
            }
            if span.is_recording() {
                // The label says what was done: the segments and numbers.
                let lo = (30 * plan.bounds(first).0).max(plan.from);
                let (b, len) = plan.bounds(i.max(first + 1) - 1);
                let hi = (30 * (b + len as u64) - 1).min(plan.to);
                let n = i - first;
                span.label(format_args!(
                    "run {first}..={last}: {n} segments, {lo}..={hi}"
                ));
            }
            drop(span);
            self.progress.finished(first, i - first, count);
            if i <= last {
                self.pool.release(w);
                return done;
            }
            if self.pool.shared {
                self.pool.release(w);
            } else {
                ws = Some(w);
            }
        }
    }
}

/// Hands out the segments `0..nseg` in runs of consecutive ones, longest
/// first (guided scheduling): a run is a `4 * slots`-th of what is left, at
/// most `max` and at least `min` segments. Long runs early keep the cost of
/// starting runs small; short runs at the end let the threads finish
/// together, even when one of them was slowed down (another process on its
/// CPU).
struct Runs {
    next: AtomicU64,
    nseg: u64,
    max: u64,
    min: u64,
    parts: u64,
}

impl Runs {
    fn new(nseg: u64, max: u64, min: u64, slots: usize) -> Self {
        let min = min.max(1);
        Runs {
            next: AtomicU64::new(0),
            nseg,
            max: max.max(min),
            min,
            parts: 4 * slots as u64,
        }
    }

    /// The next run, `(first, last)` segments, or `None` when all are out.
    fn take(&self) -> Option<(u64, u64)> {
        // Relaxed: the counter only has to hand each run out once, which
        // the atomic read-modify-write guarantees on its own; the results
        // travel back through `progress` (a mutex) and join.
        let mut first = self.next.load(Ordering::Relaxed);
        loop {
            let left = self.nseg.checked_sub(first).filter(|&l| l > 0)?;
            let len = (left / self.parts).clamp(self.min, self.max).min(left);
            match self.next.compare_exchange_weak(
                first,
                first + len,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some((first, first + len - 1)),
                Err(now) => first = now,
            }
        }
    }
}

/// The workspaces: at most `slots` are ever made. With more threads than
/// slots (`shared`), a thread hands its workspace back after each run.
struct Pool {
    /// Free workspaces, and how many more may be made. Waits end at once
    /// on Ctrl-C ([`Monitor`]).
    state: Monitor<(Vec<Workspace>, usize)>,
    shared: bool,
}

impl Pool {
    fn new(slots: usize, shared: bool) -> Self {
        Pool {
            state: Monitor::new((Vec::new(), slots)),
            shared,
        }
    }

    /// A free workspace (`Some(Some(w))`), leave to make one
    /// (`Some(None)`), or `None` on Ctrl-C. (A run stopped for another
    /// reason releases its workspaces within a segment, so a waiter wakes
    /// and sees the stop itself.)
    fn acquire(&self, shutdown: &Shutdown) -> Option<Option<Workspace>> {
        let blocks = || {
            let st = self.state.lock();
            st.0.is_empty() && st.1 == 0
        };
        let _wait = if timeline::enabled() && blocks() {
            timeline::wait!("workspace", "wait for a free workspace")
        } else {
            timeline::Span::none()
        };
        let mut st = self
            .state
            .wait_while(shutdown, |st| st.0.is_empty() && st.1 == 0)
            .ok()?;
        if let Some(w) = st.0.pop() {
            return Some(Some(w));
        }
        st.1 -= 1;
        Some(None)
    }

    fn release(&self, w: Workspace) {
        self.state.lock().0.push(w);
        self.state.notify_one();
    }
}

/// Which segments are done: the contiguous prefix from segment 0 and its
/// count, plus the runs finished beyond it (at most a few per thread).
#[derive(Default)]
struct Progress {
    state: Mutex<Done>,
}

#[derive(Default)]
struct Done {
    /// Segments `0..prefix` are done, with `count` primes.
    prefix: u64,
    count: u64,
    /// Runs done beyond the prefix: first segment -> (segments, primes).
    ahead: BTreeMap<u64, (u64, u64)>,
}

impl Progress {
    /// Segments `first..first + len` are done with `count` primes.
    fn finished(&self, first: u64, len: u64, count: u64) {
        if len == 0 {
            return;
        }
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let st = &mut *guard;
        st.ahead.insert(first, (len, count));
        while let Some((len, count)) = st.ahead.remove(&st.prefix) {
            st.prefix += len;
            st.count += count;
        }
    }

    /// (segments done from 0 on without a gap, their primes)
    fn prefix(&self) -> (u64, u64) {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        (st.prefix, st.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::small_primes;

    fn pi(n: u64, threads: usize, cfg: Config) -> u64 {
        run(n, threads, cfg, None, &|_, _| {}, &Shutdown::new())
            .unwrap()
            .count
            .expect("not stopped")
    }

    fn reference(n: u64) -> u64 {
        small_primes(n).len() as u64
    }

    #[test]
    fn segments_double_once_primes_pass_the_medium_ones() {
        let d = Config::default();
        let edge = d.medium_max * d.medium_max;
        assert_eq!(Config::for_range(edge - 1), d);
        let big = Config::for_range(edge);
        assert_eq!(
            big.segment_bytes,
            (2 * d.segment_bytes).min(MAX_SEGMENT_BYTES)
        );
        assert_eq!(big.block_bytes, d.block_bytes);
        assert_eq!(big.medium_max, big.segment_bytes as u64 / 4);
    }

    #[test]
    fn small_n_by_hand() {
        let want = [0u64, 0, 1, 2, 2, 3, 3, 4, 4, 4, 4, 5];
        for (n, &w) in want.iter().enumerate() {
            assert_eq!(pi(n as u64, 1, Config::default()), w, "n={n}");
        }
    }

    #[test]
    fn tiny_segments_and_blocks_every_n_up_to_5000() {
        let cfg = Config::with_sizes(3, 1);
        let mut want = 0;
        let primes = small_primes(5000);
        for n in 0..=5000u64 {
            if primes.binary_search(&n).is_ok() {
                want += 1;
            }
            if n % 7 == 0 || n < 200 {
                assert_eq!(pi(n, 1 + (n % 3) as usize, cfg), want, "n={n}");
            }
        }
    }

    #[test]
    fn known_values_with_many_shapes() {
        for (n, want) in [(10_000u64, 1229u64), (100_000, 9592), (1_000_000, 78498)] {
            for (seg, block) in [(1, 1), (7, 3), (64, 64), (100, 32), (4096, 512)] {
                let cfg = Config::with_sizes(seg, block);
                assert_eq!(pi(n, 3, cfg), want, "n={n} seg={seg} block={block}");
            }
        }
    }

    #[test]
    fn every_split_of_small_medium_and_large() {
        // Thresholds that put every base prime in each of the three sieves
        // in turn, and mixes in between: the answers must not change.
        let n = 3_000_000u64; // base primes up to 1732
        let want = reference(n);
        for (small_max, medium_max) in [
            (0, 0),
            (0, u64::MAX),
            (u64::MAX, u64::MAX),
            (200, 200),
            (200, 900),
            (500, 1732),
            (1000, 1001),
        ] {
            for (seg, block) in [(1, 1), (37, 5), (512, 64), (4096, 4096)] {
                let cfg = Config {
                    small_max,
                    medium_max,
                    ..Config::with_sizes(seg, block)
                };
                assert_eq!(pi(n, 2, cfg), want, "{cfg:?}");
            }
        }
    }

    #[test]
    fn squares_of_primes_and_segment_edges() {
        let cfg = Config::with_sizes(37, 5);
        for p in small_primes(400) {
            for n in [p * p - 1, p * p, p * p + 1] {
                assert_eq!(pi(n, 2, cfg), reference(n), "n={n}");
            }
        }
        for k in 1..60u64 {
            let edge = 30 * 37 * k;
            for n in [edge - 1, edge, edge + 1, edge + 29] {
                assert_eq!(pi(n, 2, cfg), reference(n), "n={n}");
            }
        }
    }

    #[test]
    fn ranges_against_the_reference() {
        let all = small_primes(200_000);
        let count = |a: u64, b: u64| all.iter().filter(|&&p| a <= p && p <= b).count() as u64;
        let cfg = Config {
            medium_max: 100,
            ..Config::with_sizes(11, 3)
        };
        for (a, b) in [
            (0, 0),
            (2, 2),
            (3, 5),
            (4, 4),
            (6, 6),
            (7, 7),
            (29, 31),
            (30, 30),
            (31, 31),
            (100, 200),
            (163, 167),
            (1000, 1000),
            (99_991, 100_003),
            (5, 199_999),
            (12_345, 190_000),
            (200, 100),
        ] {
            for threads in [1, 3] {
                let out = run_range(a, b, threads, cfg, None, &|_, _| {}, &Shutdown::new());
                assert_eq!(out.unwrap().count, Some(count(a, b)), "{a}..{b}");
            }
        }
    }

    #[test]
    fn listing_iterator_gives_the_primes() {
        let n = 10_000u64;
        let cfg = Config::with_sizes(10, 4);
        struct Collect(std::sync::Mutex<Vec<(u64, Vec<u64>)>>);
        impl Sink for Collect {
            fn segment(&self, i: u64, p: &mut dyn Iterator<Item = u64>) -> bool {
                self.0.lock().unwrap().push((i, p.collect()));
                true
            }
        }
        let sink = Collect(Default::default());
        let out = run(n, 2, cfg, Some(&sink), &|_, _| {}, &Shutdown::new()).unwrap();
        let mut got = sink.0.into_inner().unwrap();
        got.sort();
        let all: Vec<u64> = got.into_iter().flat_map(|(_, v)| v).collect();
        assert_eq!(all, small_primes(n));
        assert_eq!(out.count, Some(1229));
        // And a range.
        let sink = Collect(Default::default());
        let out = run_range(3, 100, 2, cfg, Some(&sink), &|_, _| {}, &Shutdown::new());
        let mut got = sink.0.into_inner().unwrap();
        got.sort();
        let all: Vec<u64> = got.into_iter().flat_map(|(_, v)| v).collect();
        assert_eq!(all[..4], [3, 5, 7, 11]);
        assert_eq!(out.unwrap().count, Some(24));
    }

    #[test]
    fn listing_sieves_neighbouring_segments_at_once() {
        // An ordered writer can only hold a few segments ahead, so with a
        // sink the threads must work on neighbouring segments: while
        // segment 0 is held, another thread must bring segment 1.
        struct HoldFirst(std::sync::Mutex<bool>, std::sync::Condvar);
        impl Sink for HoldFirst {
            fn segment(&self, i: u64, p: &mut dyn Iterator<Item = u64>) -> bool {
                p.for_each(drop);
                let mut seen = self.0.lock().unwrap();
                if i == 1 {
                    *seen = true;
                    self.1.notify_all();
                } else if i == 0 {
                    let wait = std::time::Duration::from_secs(10);
                    seen = self.1.wait_timeout_while(seen, wait, |s| !*s).unwrap().0;
                    assert!(*seen, "segment 1 waited for segment 0");
                }
                true
            }
        }
        let cfg = Config::with_sizes(64, 32);
        let sink = HoldFirst(Default::default(), Default::default());
        let out = run(1_000_000, 2, cfg, Some(&sink), &|_, _| {}, &Shutdown::new());
        assert_eq!(out.unwrap().count, Some(78498));
    }

    #[test]
    fn stopped_run_reports_a_true_prefix() {
        let shutdown = Shutdown::new();
        shutdown.trigger();
        let out = run(1_000_000, 2, Config::default(), None, &|_, _| {}, &shutdown).unwrap();
        assert_eq!(out.count, None);
        assert_eq!(out.partial, None);
        assert_eq!(out.segments, vec![0, 0]);
    }

    #[test]
    fn more_threads_than_workspaces_share_them() {
        let cfg = Config::with_sizes(64, 16);
        let out = run(2_000_000, 64, cfg, None, &|_, _| {}, &Shutdown::new()).unwrap();
        assert_eq!(out.count, Some(148_933));
        assert_eq!(out.segments.len(), 64);
        assert_eq!(
            out.segments.iter().sum::<u64>(),
            (2_000_000 / 30 + 1u64).div_ceil(64)
        );
    }

    #[test]
    fn workspace_memory_is_segment_plus_a_few_bytes_per_prime() {
        // The last segment below 1e12 with every base prime set up.
        let cfg = Config::with_sizes(1 << 20, 48 << 10);
        let to = 1_000_000_000_000u64;
        let base: Vec<u32> = base::primes_u32(to.isqrt())
            .into_iter()
            .filter(|&p| u64::from(p) > PRESIEVE_MAX)
            .collect();
        let patterns: Vec<Pattern> = PRESIEVE.iter().map(|g| Pattern::new(g)).collect();
        let nseg = (to / 30 + 1).div_ceil(cfg.segment_bytes as u64);
        let plan = Plan {
            from: 0,
            to,
            first_byte: 0,
            last_byte: to / 30,
            seg: cfg.segment_bytes,
            block: cfg.block_bytes,
            small_max: cfg.small_max,
            medium_max: cfg.medium_max,
            base: &base,
            patterns: &patterns,
        };
        let mut w = Workspace::new(&plan);
        w.start_run(nseg - 1);
        let left = popcount(w.sieve(&plan, nseg - 1));
        assert!(left > 0);
        // 8 bytes a prime, plus what Vec growth and partly filled bucket
        // chunks leave unused.
        let bound = cfg.segment_bytes + 12 * base.len() + 4096;
        assert!(
            w.capacity_bytes() <= bound,
            "{} > {bound}",
            w.capacity_bytes()
        );
    }

    #[test]
    fn runs_cover_every_segment_once_longest_first() {
        for (nseg, max, min, slots) in [
            (31_790u64, 993, 5, 2),
            (100, 3, 1, 2),
            (1, 0, 1, 1),
            (10, 100, 200, 2),
            (1000, 1, 1, 64),
        ] {
            let runs = Runs::new(nseg, max, min, slots);
            let mut next = 0;
            let mut lens = Vec::new();
            while let Some((a, b)) = runs.take() {
                assert_eq!(a, next);
                assert!(b >= a && b < nseg);
                lens.push(b - a + 1);
                next = b + 1;
            }
            assert_eq!(next, nseg, "every segment handed out");
            assert!(lens.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");
            let (hi, lo) = (max.max(min), min.max(1));
            assert!(lens.iter().all(|&l| l <= hi), "{lens:?}");
            assert!(lens[..lens.len() - 1].iter().all(|&l| l >= lo), "{lens:?}");
            assert_eq!(runs.take(), None);
        }
        // At 1e12 here: long runs first, short ones at the end.
        let runs = Runs::new(31_790, 993, 5, 2);
        let lens: Vec<u64> = std::iter::from_fn(|| runs.take().map(|(a, b)| b - a + 1)).collect();
        assert_eq!(lens[0], 993);
        assert!(lens.len() < 100, "{}", lens.len());
        assert!(lens[lens.len() - 2] <= 5, "{lens:?}");
    }

    #[test]
    fn progress_merges_runs_out_of_order() {
        let p = Progress::default();
        p.finished(4, 2, 10);
        p.finished(0, 1, 1);
        assert_eq!(p.prefix(), (1, 1));
        p.finished(2, 2, 5);
        assert_eq!(p.prefix(), (1, 1));
        p.finished(1, 1, 2);
        assert_eq!(p.prefix(), (6, 18));
        assert!(p.state.lock().unwrap().ahead.is_empty());
    }
}
