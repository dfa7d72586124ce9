//! Fast mode: a segmented, multi-threaded sieve of Eratosthenes.
//!
//! The numbers up to n live on the mod-30 wheel ([`crate::wheel`]): one byte
//! per 30 numbers. That range is cut into segments of `segment_bytes` (about
//! the L2 cache), handed out in runs of consecutive segments (single ones
//! with a [`Sink`]) from an atomic counter, so a fast thread simply takes
//! more runs. Each thread owns its
//! segment buffer and its copy of the sieving primes' positions (carried from
//! one segment of a run to the next): nothing shared is written while
//! sieving. Inside a segment:
//!
//! 1. the buffer starts as the AND of pre-sieve patterns (multiples of
//!    7..=163 already gone);
//! 2. primes below `block_bytes / 4` cross out one L1-sized block at a time;
//! 3. larger primes cross out over the whole segment (fewer hits each);
//! 4. the primes left are counted with popcount (or, with a [`Sink`], handed
//!    on in order).
//!
//! Memory is O(sqrt(n) + threads * segment): the base primes up to sqrt(n) and
//! one buffer per thread.

use crate::wheel::{self, Pattern, RESIDUES, Sieving};
use common::Shutdown;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Sizes that shape the work; the defaults suit a core with 32 KiB of L1 and
/// 1 MiB of L2. Tests shrink them to put many boundaries in small ranges.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Bytes of wheel (30 numbers each) per handed-out segment.
    pub segment_bytes: usize,
    /// Bytes per L1 block inside a segment.
    pub block_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            segment_bytes: 512 * 1024,
            block_bytes: 32 * 1024,
        }
    }
}

/// Groups of pre-sieved primes; each group's product is its pattern length.
const PRESIEVE: [&[u64]; 15] = [
    &[7, 11, 13, 17],
    &[19, 23, 29],
    &[31, 37, 41],
    &[43, 47, 53],
    &[59, 61],
    &[67, 71],
    &[73, 79],
    &[83, 89],
    &[97, 101],
    &[103, 107],
    &[109, 113],
    &[127, 131],
    &[137, 139],
    &[149, 151],
    &[157, 163],
];
/// The largest pre-sieved prime.
const PRESIEVE_MAX: u64 = 163;

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
    /// pi(n), or `None` if the run was stopped (Ctrl-C or closed output).
    pub count: Option<u64>,
    /// If stopped: the largest x such that every segment up to x was done,
    /// and pi(x). Lets an interrupted run still report something true.
    pub partial: Option<(u64, u64)>,
}

/// The OS refused to start thread number `.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpawnError(pub usize, pub String);

impl std::fmt::Display for SpawnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot start thread {}: {}", self.0, self.1)
    }
}

/// Primes up to `limit`, by a plain odd-only sieve (limit is at most a few
/// million here).
pub fn small_primes(limit: u64) -> Vec<u64> {
    if limit < 2 {
        return Vec::new();
    }
    let half = (limit as usize - 1) / 2; // odd numbers 3..=limit
    let mut composite = vec![false; half + 1];
    let mut out = vec![2];
    for i in 1..=half {
        if !composite[i] {
            let p = 2 * i + 1;
            out.push(p as u64);
            let mut m = p * p / 2;
            while m <= half {
                composite[m] = true;
                m += p;
            }
        }
    }
    out
}

/// Counts (or lists into `sink`) the primes up to `n` with `threads` threads.
/// `on_exit(t, segments)` runs as thread `t` finishes, like the tutorial's
/// per-thread line.
pub fn run(
    n: u64,
    threads: usize,
    cfg: Config,
    sink: Option<&dyn Sink>,
    on_exit: &(dyn Fn(usize, u64) + Sync),
    shutdown: &Shutdown,
) -> Result<Outcome, SpawnError> {
    assert!(threads >= 1 && cfg.segment_bytes >= 1 && cfg.block_bytes >= 1);
    let total_bytes = n / 30 + 1; // byte n / 30 holds n
    let seg = cfg.segment_bytes as u64;
    let nseg = total_bytes.div_ceil(seg);
    let base: Vec<u64> = small_primes(n.isqrt())
        .into_iter()
        .filter(|&p| p > PRESIEVE_MAX)
        .collect();
    let patterns: Vec<Pattern> = PRESIEVE.iter().map(|g| Pattern::new(g)).collect();
    // Segments go out in runs of consecutive ones, so a thread carries its
    // primes' positions from one segment to the next instead of working
    // them out again (a division per prime); 32 runs per thread still
    // balance the load. Not with a sink: its ordered writer holds only a few
    // segments ahead, so a thread handed a long run would make the others
    // wait for it (one thread's speed); there segments go out one at a time.
    let run_len = match sink {
        Some(_) => 1,
        None => (nseg / (32 * threads as u64)).max(1),
    };
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);

    let ctx = Ctx {
        n,
        total_bytes,
        cfg,
        base: &base,
        patterns: &patterns,
    };
    let (results, spawn_error) = std::thread::scope(|s| {
        let mut handles = Vec::with_capacity(threads);
        let mut spawn_error = None;
        for t in 0..threads {
            let (ctx, next, stop) = (&ctx, &next, &stop);
            let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                let done = worker(ctx, next, nseg, run_len, stop, sink, shutdown);
                on_exit(t, done.len() as u64);
                done
            });
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => {
                    // The threads already started stop after their segment.
                    stop.store(true, Ordering::Relaxed);
                    spawn_error = Some(SpawnError(t, e.to_string()));
                    break;
                }
            }
        }
        let results: Vec<Vec<(u64, u64)>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        (results, spawn_error)
    });
    if let Some(e) = spawn_error {
        return Err(e);
    }

    let segments = results.iter().map(|r| r.len() as u64).collect();
    let mut counts = vec![None; nseg as usize];
    for &(i, c) in results.iter().flatten() {
        counts[i as usize] = Some(c);
    }
    let small = [2u64, 3, 5].iter().filter(|&&q| q <= n).count() as u64;
    if counts.iter().all(Option::is_some) && !stop.load(Ordering::Relaxed) {
        let total = small + counts.iter().flatten().sum::<u64>();
        return Ok(Outcome {
            segments,
            count: Some(total),
            partial: None,
        });
    }
    let done: Vec<u64> = counts.iter().map_while(|c| *c).collect();
    let partial = (!done.is_empty()).then(|| {
        let upto = (30 * done.len() as u64 * seg - 1).min(n);
        (upto, small + done.iter().sum::<u64>())
    });
    Ok(Outcome {
        segments,
        count: None,
        partial,
    })
}

struct Ctx<'a> {
    n: u64,
    total_bytes: u64,
    cfg: Config,
    base: &'a [u64],
    patterns: &'a [Pattern],
}

/// One thread: takes runs of segments until none are left or it is told to
/// stop. Returns (segment index, primes in it) for each segment it finished.
fn worker(
    ctx: &Ctx,
    next: &AtomicU64,
    nseg: u64,
    run_len: u64,
    stop: &AtomicBool,
    sink: Option<&dyn Sink>,
    shutdown: &Shutdown,
) -> Vec<(u64, u64)> {
    let seg = ctx.cfg.segment_bytes as u64;
    let block = ctx.cfg.block_bytes;
    let mut buf = vec![0u8; ctx.cfg.segment_bytes];
    // Small primes (at least four turns of the wheel per block) cross out
    // per L1 block; larger ones would spend more time starting and ending
    // partial turns than crossing out, so they go over the whole segment.
    let split = ctx.base.partition_point(|&p| p < block as u64 / 4);
    let mut sieving: Vec<Sieving> = ctx.base.iter().map(|&p| Sieving::new(p, 0)).collect();
    let mut done = Vec::new();
    loop {
        // Relaxed: the counter only has to hand each run out once, which
        // the atomic read-modify-write guarantees on its own; the results
        // travel back through the threads' return values (join).
        let first = next.fetch_add(run_len, Ordering::Relaxed);
        // Primes [..started] hold valid positions for the next segment.
        let mut started = 0;
        for i in first..nseg.min(first.saturating_add(run_len)) {
            if shutdown.is_triggered() || stop.load(Ordering::Relaxed) {
                return done;
            }
            let lo = i * seg;
            let len = seg.min(ctx.total_bytes - lo) as usize;
            let buf = &mut buf[..len];
            started = sieve_segment(ctx, buf, lo, &mut sieving, started, split, block);
            let count = count_and_trim(ctx.n, buf, lo);
            if let Some(sink) = sink {
                let mut primes = PrimesIn::new(buf, lo, ctx.n);
                if !sink.segment(i, &mut primes) {
                    stop.store(true, Ordering::Relaxed);
                    return done;
                }
            }
            done.push((i, count));
        }
        if first >= nseg {
            return done;
        }
    }
}

/// Sieves `buf` (which starts at byte `lo`); `sieving[..started]` already
/// point into it. Returns how many primes point past it now.
fn sieve_segment(
    ctx: &Ctx,
    buf: &mut [u8],
    lo: u64,
    sieving: &mut [Sieving],
    started: usize,
    split: usize,
    block: usize,
) -> usize {
    wheel::presieve(ctx.patterns, buf, lo);
    // The patterns crossed out the pre-sieved primes themselves (bytes 0..=3),
    // and 1 is not prime.
    if lo == 0 {
        buf[0] &= !1;
    }
    for &q in PRESIEVE.iter().flat_map(|g| g.iter()) {
        let b = q / 30;
        if (lo..lo + buf.len() as u64).contains(&b) {
            buf[(b - lo) as usize] |= 1 << wheel::bit_of(q).expect("coprime to 30");
        }
    }
    // Only primes with p * p below the segment's end have work here; the
    // base primes are sorted, so the rest are skipped wholesale.
    let hi_number = 30 * (lo + buf.len() as u64);
    let active = ctx
        .base
        .partition_point(|&p| p.saturating_mul(p) < hi_number)
        .max(started);
    for s in &mut sieving[started..active] {
        s.start_at(lo);
    }
    let (small, large) = sieving[..active].split_at_mut(split.min(active));
    // One L1 block at a time: each small prime crosses out the whole turns
    // that start in the block (spilling a little into the next), and the
    // partial turn at the segment's end last.
    for end in (block..buf.len()).step_by(block) {
        for s in small.iter_mut() {
            wheel::cross_upto(buf, s, end);
        }
    }
    for s in small.iter_mut() {
        wheel::cross(buf, s);
    }
    for s in large.iter_mut() {
        wheel::cross(buf, s);
    }
    active
}

/// Clears the bits above n (last segment only) and counts the bits left.
fn count_and_trim(n: u64, buf: &mut [u8], lo: u64) -> u64 {
    let last = n / 30;
    if lo + buf.len() as u64 > last {
        let b = (last - lo) as usize;
        let keep = RESIDUES[..8]
            .iter()
            .take_while(|&&r| 30 * last + r <= n)
            .count();
        buf[b] &= ((1u16 << keep) - 1) as u8;
        for x in &mut buf[b + 1..] {
            *x = 0;
        }
    }
    popcount(buf)
}

/// Set bits in `buf`, eight bytes at a time.
pub fn popcount(buf: &[u8]) -> u64 {
    let mut words = buf.chunks_exact(8);
    let mut total: u64 = words
        .by_ref()
        .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")).count_ones() as u64)
        .sum();
    total += words
        .remainder()
        .iter()
        .map(|b| b.count_ones() as u64)
        .sum::<u64>();
    total
}

/// The primes left in a sieved segment, ascending.
struct PrimesIn<'a> {
    buf: &'a [u8],
    lo: u64,
    at: usize,
    bits: u8,
    /// 2, 3 and 5 (not on the wheel) still to give out, for segment 0.
    extra: std::ops::Range<usize>,
}

impl<'a> PrimesIn<'a> {
    fn new(buf: &'a [u8], lo: u64, n: u64) -> Self {
        let extra = if lo == 0 {
            0..[2u64, 3, 5].iter().filter(|&&q| q <= n).count()
        } else {
            0..0
        };
        PrimesIn {
            buf,
            lo,
            at: 0,
            bits: buf.first().copied().unwrap_or(0),
            extra,
        }
    }
}

impl Iterator for PrimesIn<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        if let Some(k) = self.extra.next() {
            return Some([2, 3, 5][k]);
        }
        while self.bits == 0 {
            self.at += 1;
            self.bits = *self.buf.get(self.at)?;
        }
        let j = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(30 * (self.lo + self.at as u64) + RESIDUES[j])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn small_n_by_hand() {
        let want = [0u64, 0, 1, 2, 2, 3, 3, 4, 4, 4, 4, 5];
        for (n, &w) in want.iter().enumerate() {
            assert_eq!(pi(n as u64, 1, Config::default()), w, "n={n}");
        }
    }

    #[test]
    fn tiny_segments_and_blocks_every_n_up_to_5000() {
        let cfg = Config {
            segment_bytes: 3,
            block_bytes: 1,
        };
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
                let cfg = Config {
                    segment_bytes: seg,
                    block_bytes: block,
                };
                assert_eq!(pi(n, 3, cfg), want, "n={n} seg={seg} block={block}");
            }
        }
    }

    #[test]
    fn squares_of_primes_and_segment_edges() {
        let cfg = Config {
            segment_bytes: 37,
            block_bytes: 5,
        };
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
    fn listing_iterator_gives_the_primes() {
        let n = 10_000u64;
        let cfg = Config {
            segment_bytes: 10,
            block_bytes: 4,
        };
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
        let cfg = Config {
            segment_bytes: 64,
            block_bytes: 32,
        };
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
}
