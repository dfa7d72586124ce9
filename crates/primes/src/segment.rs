//! Sieving one segment, and what each sieving thread keeps for it.
//!
//! A segment is a run of bytes of the mod-30 wheel ([`crate::wheel`]).
//! Its buffer starts as the AND of pre-sieve patterns (multiples of
//! 7..=163 already gone); then the sieving primes, in three sizes:
//!
//! * small (`p < small_max`, many multiples per L1 block): cross out one
//!   L1-sized block at a time with the unrolled eight-per-turn kernel;
//! * medium (`p < medium_max`, at least four turns per segment): the same
//!   kernel over the whole segment;
//! * large: the bucket sieve ([`crate::bucket`]), which touches only the
//!   primes that hit this segment.
//!
//! Small and medium primes are kept by class ([`ByClass`]) so the kernel
//! is chosen once per list, not per prime.

use crate::bucket::Buckets;
use crate::wheel::{self, ByClass, Pattern, RESIDUES, Sieving};

/// Groups of pre-sieved primes; each group's product is its pattern length.
pub(crate) const PRESIEVE: [&[u64]; 15] = [
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
pub(crate) const PRESIEVE_MAX: u64 = 163;

/// What every thread shares, read-only: the range, the sizes, the base
/// primes and the pre-sieve patterns.
pub(crate) struct Plan<'a> {
    /// The numbers counted: `from..=to`.
    pub from: u64,
    pub to: u64,
    /// Bytes `from / 30 ..= to / 30`.
    pub first_byte: u64,
    pub last_byte: u64,
    pub seg: usize,
    pub block: usize,
    pub small_max: u64,
    pub medium_max: u64,
    /// The primes from 167 to sqrt(to), ascending.
    pub base: &'a [u32],
    pub patterns: &'a [Pattern],
}

impl Plan<'_> {
    /// Segment `i`'s first byte and length.
    pub fn bounds(&self, i: u64) -> (u64, usize) {
        let lo = self.first_byte + i * self.seg as u64;
        let len = (self.seg as u64).min(self.last_byte + 1 - lo) as usize;
        (lo, len)
    }
}

/// One sieving thread's buffer and its primes' positions, carried from
/// one segment of a run to the next.
pub(crate) struct Workspace {
    buf: Vec<u8>,
    small: ByClass,
    medium: ByClass,
    large: Buckets,
    /// `base[..activated]` are set up for the current run.
    activated: usize,
}

impl Workspace {
    pub fn new(plan: &Plan) -> Self {
        let max_p = plan.base.last().map_or(0, |&p| u64::from(p));
        Workspace {
            buf: vec![0u8; plan.seg],
            small: ByClass::default(),
            medium: ByClass::default(),
            large: Buckets::new(plan.seg, max_p, plan.base.len()),
            activated: 0,
        }
    }

    /// Bytes held (the buffer, positions and buckets).
    #[cfg(test)]
    pub fn capacity_bytes(&self) -> usize {
        self.buf.capacity()
            + self.small.capacity_bytes()
            + self.medium.capacity_bytes()
            + self.large.capacity_bytes()
    }

    /// Forgets every position: the next [`Workspace::sieve`] starts a run
    /// that ends with segment `last`.
    pub fn start_run(&mut self, last: u64) {
        self.small.clear();
        self.medium.clear();
        self.large.start_run(last);
        self.activated = 0;
    }

    /// Sieves segment `i`, which is the first of a run or follows the
    /// previous one, and returns it with only the primes in `from..=to`
    /// left set.
    pub fn sieve(&mut self, plan: &Plan, i: u64) -> &[u8] {
        let (lo, len) = plan.bounds(i);
        let buf = &mut self.buf[..len];
        wheel::presieve(plan.patterns, buf, lo);
        // The patterns crossed out the pre-sieved primes themselves
        // (bytes 0..=5), and 1 is not prime.
        if lo == 0 {
            buf[0] &= !1;
        }
        for &q in PRESIEVE.iter().flat_map(|g| g.iter()) {
            let b = q / 30;
            if (lo..lo + len as u64).contains(&b) {
                buf[(b - lo) as usize] |= 1 << wheel::bit_of(q).expect("coprime to 30");
            }
        }
        // Primes with p * p below the segment's end have work from here on.
        let hi_number = 30 * (lo + len as u64);
        let active = self.activated
            + plan.base[self.activated..]
                .partition_point(|&p| u64::from(p) * u64::from(p) < hi_number);
        for &p in &plan.base[self.activated..active] {
            let p = u64::from(p);
            let s = Sieving::new(p, lo);
            if p < plan.small_max {
                self.small.push(s);
            } else if p < plan.medium_max {
                self.medium.push(s);
            } else {
                self.large.file(i, s.pos, s.j, s.class, p);
            }
        }
        self.activated = active;

        // One L1 block at a time: each small prime crosses out the whole
        // turns that start in the block (spilling a little into the next),
        // and the partial turn at the segment's end last.
        for end in (plan.block..len).step_by(plan.block) {
            self.small.cross_upto(buf, end);
        }
        self.small.cross(buf);
        self.medium.cross(buf);
        self.large.sieve(i, buf);
        trim(plan, buf, lo);
        buf
    }
}

/// Clears the bits below `from` (first segment) and above `to` (last).
fn trim(plan: &Plan, buf: &mut [u8], lo: u64) {
    let keep_from = |byte: u64, x: u64| {
        RESIDUES[..8]
            .iter()
            .enumerate()
            .filter(|&(_, &r)| 30 * byte + r >= x)
            .fold(0u8, |m, (j, _)| m | 1 << j)
    };
    if lo == plan.first_byte {
        buf[0] &= keep_from(plan.first_byte, plan.from);
    }
    let end = lo + buf.len() as u64;
    if end > plan.last_byte {
        let last = plan.last_byte;
        let b = (last - lo) as usize;
        // Keep residues r with 30 * last + r <= to.
        buf[b] &= !keep_from(last, plan.to + 1);
    }
}

/// Set bits in `buf`, eight bytes at a time. Compiled also for the CPUs
/// with a popcount instruction (and AVX-512's vector one), picked at run
/// time: the baseline x86-64 target has none, and counting bit by bit
/// took 2% of a run.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512bw+avx512vpopcntdq", "x86_64+popcnt"))]
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

/// 2, 3 and 5 (not on the wheel) that lie in `from..=to`.
pub(crate) fn below_seven(from: u64, to: u64) -> impl Iterator<Item = u64> {
    [2u64, 3, 5]
        .into_iter()
        .filter(move |q| (from..=to).contains(q))
}

/// The primes left in a sieved segment, ascending (with 2, 3 and 5 first
/// when `extra` says so).
pub(crate) struct PrimesIn<'a, E> {
    buf: &'a [u8],
    lo: u64,
    at: usize,
    bits: u8,
    extra: E,
}

impl<'a, E: Iterator<Item = u64>> PrimesIn<'a, E> {
    pub fn new(buf: &'a [u8], lo: u64, extra: E) -> Self {
        PrimesIn {
            buf,
            lo,
            at: 0,
            bits: buf.first().copied().unwrap_or(0),
            extra,
        }
    }
}

impl<E: Iterator<Item = u64>> Iterator for PrimesIn<'_, E> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        if let Some(q) = self.extra.next() {
            return Some(q);
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
