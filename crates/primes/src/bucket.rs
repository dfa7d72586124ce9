//! Large sieving primes: a bucket sieve (Tomás Oliveira e Silva's method).
//!
//! A prime that crosses out only a few bits of a segment would cost more
//! to visit in every segment than to cross out. Instead each large prime
//! lives in exactly one bucket: the one of the segment its next multiple
//! falls in. Sieving a segment empties its bucket, crosses out each
//! prime's multiples in the segment (usually one or two), and files the
//! prime in the bucket of the segment it hits next. A segment touches only
//! the primes that hit it.
//!
//! The buckets form a ring: a prime's next multiple is at most `p / 5 + 6`
//! bytes away, so it skips at most that many bytes' worth of segments, and
//! a ring a little longer than that never wraps onto a bucket still in use.
//! An entry is one `u64`: `pos` (byte in its segment, 24 bits; segments are
//! at most 8 MiB), `j` (which multiple on the wheel, 3 bits), the class of
//! `p mod 30` (3 bits) and `a = p / 30` (34 bits).

use crate::wheel::{STEP, STEP_A_U64};

/// Segments are at most this many bytes (pos must fit in 24 bits).
pub const MAX_SEGMENT_BYTES: usize = 1 << 23;

const POS_BITS: u32 = 24;
const POS_MASK: u64 = (1 << POS_BITS) - 1;

/// Most entries per chunk. Buckets are lists of chunks from one free
/// list, so memory is the live entries plus at most one partial chunk per
/// bucket (a `Vec` per bucket would keep every bucket at its largest size
/// ever); chunks are smaller when the buckets are many and thin.
const MAX_CHUNK: usize = 2048;

/// The buckets of one worker, for consecutive segments numbered from 0.
pub struct Buckets {
    seg: u64,
    /// log2(seg) when seg is a power of two (the usual case): a shift
    /// instead of a division per multiple.
    shift: Option<u32>,
    /// `ring.len() - 1`; the ring's length is a power of two.
    mask: u64,
    /// `ring[i & mask]` holds the primes whose next multiple is in
    /// segment `i`.
    ring: Vec<Bucket>,
    /// Empty chunks, each with room for `chunk` entries.
    free: Vec<Vec<u64>>,
    chunk: usize,
    /// The last segment that will be sieved in this run: a prime whose next
    /// multiple lies beyond it is dropped (it is set up again next run).
    last: u64,
}

#[derive(Default)]
struct Bucket {
    full: Vec<Vec<u64>>,
    /// The chunk being filled (capacity 0 until the first entry).
    cur: Vec<u64>,
}

impl Buckets {
    /// Buckets for segments of `seg` bytes and up to `primes` primes, none
    /// above `max_p`.
    pub fn new(seg: usize, max_p: u64, primes: usize) -> Self {
        assert!((1..=MAX_SEGMENT_BYTES).contains(&seg));
        let seg = seg as u64;
        let longest_jump = max_p / 5 + 6;
        let ring = (longest_jump / seg + 2).next_power_of_two() as usize;
        // About a quarter of the entries a bucket holds on average.
        let chunk = (primes / ring / 4).clamp(64, MAX_CHUNK);
        Buckets {
            chunk,
            seg,
            shift: seg.is_power_of_two().then(|| seg.trailing_zeros()),
            mask: ring as u64 - 1,
            ring: (0..ring).map(|_| Bucket::default()).collect(),
            free: Vec::new(),
            last: 0,
        }
    }

    /// Empties every bucket for a run of segments ending at `last`.
    pub fn start_run(&mut self, last: u64) {
        for b in &mut self.ring {
            for mut c in b.full.drain(..).chain([std::mem::take(&mut b.cur)]) {
                if c.capacity() > 0 {
                    c.clear();
                    self.free.push(c);
                }
            }
        }
        self.last = last;
    }

    /// Files the prime `p` (class `class`) whose next multiple, at wheel
    /// index `j`, is `pos` bytes past the start of segment `i`.
    #[inline]
    pub fn file(&mut self, i: u64, pos: u64, j: u8, class: u8, p: u64) {
        let e = u64::from(j) << 24 | u64::from(class) << 27 | (p / 30) << 30;
        self.put(i, pos, e);
    }

    /// Files entry `e` (its pos bits clear) `pos` bytes past the start of
    /// segment `i`.
    #[inline(always)]
    fn put(&mut self, i: u64, pos: u64, e: u64) {
        let (k, pos) = if pos < self.seg {
            (0, pos)
        } else if let Some(sh) = self.shift {
            (pos >> sh, pos & (self.seg - 1))
        } else {
            (pos / self.seg, pos % self.seg)
        };
        let at = i + k;
        if at <= self.last {
            debug_assert!(k <= self.mask);
            let b = &mut self.ring[(at & self.mask) as usize];
            if b.cur.len() == b.cur.capacity() {
                Self::next_chunk(b, &mut self.free, self.chunk);
            }
            b.cur.push(pos | e);
        }
    }

    /// Gives `b` an empty chunk to fill (the rare path of [`Buckets::put`]).
    #[cold]
    #[inline(never)]
    fn next_chunk(b: &mut Bucket, free: &mut Vec<Vec<u64>>, chunk: usize) {
        let fresh = free.pop().unwrap_or_else(|| Vec::with_capacity(chunk));
        let done = std::mem::replace(&mut b.cur, fresh);
        if done.capacity() > 0 {
            b.full.push(done);
        }
    }

    /// Crosses out the multiples of every prime in segment `i`'s bucket in
    /// `buf` (segment `i`) and files each prime for its next segment.
    pub fn sieve(&mut self, i: u64, buf: &mut [u8]) {
        let slot = (i & self.mask) as usize;
        let Bucket { full, cur } = std::mem::take(&mut self.ring[slot]);
        let len = buf.len() as u64;
        for mut chunk in full.into_iter().chain([cur]) {
            for &e in &chunk {
                let mut pos = e & POS_MASK;
                let mut j = (e >> 24 & 7) as usize;
                let class = (e >> 27 & 7) as usize;
                let a = e >> 30;
                let steps = &STEP[class];
                // pos < len except in a short last segment.
                while pos < len {
                    let step = steps[j];
                    buf[pos as usize] &= step as u8;
                    pos += a * STEP_A_U64[j] + u64::from(step >> 8);
                    j = (j + 1) & 7;
                }
                // The next segment or a later one.
                self.put(i + 1, pos - len, (j as u64) << 24 | (e >> 27) << 27);
            }
            if chunk.capacity() > 0 {
                chunk.clear();
                self.free.push(chunk);
            }
        }
    }

    /// Bytes held, for the memory accounting in [`crate::segmented`].
    pub fn capacity_bytes(&self) -> usize {
        let chunks = self.free.len()
            + self
                .ring
                .iter()
                .map(|b| b.full.len() + usize::from(b.cur.capacity() > 0))
                .sum::<usize>();
        chunks * self.chunk * 8 + self.ring.len() * std::mem::size_of::<Bucket>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wheel::{Sieving, cross};

    /// The bucket sieve crosses out exactly what direct crossing does, over
    /// many segments, with primes that skip several segments (the ring
    /// wraps around many times).
    #[test]
    fn matches_direct_crossing_and_wraps_around() {
        for (seg, primes) in [
            (7usize, &[7u64, 11, 13, 31, 37, 61, 97, 211][..]),
            (16, &[1009, 2003, 30011, 99991]),
            (1, &[7, 29, 31, 1013]),
        ] {
            let segs = 3000 / seg as u64 + 3;
            let total = seg * segs as usize;
            // Past every p * p, as the sieve files a prime only from the
            // segment where its square lies.
            let max_p = *primes.iter().max().unwrap();
            let lo = max_p * max_p / 30 + 50;
            let mut want = vec![0xffu8; total];
            let mut b = Buckets::new(seg, max_p, primes.len());
            assert!(b.ring.len() >= 2);
            b.start_run(segs - 1);
            for &p in primes {
                let mut s = Sieving::new(p, lo);
                b.file(0, s.pos, s.j, s.class, p);
                cross(&mut want, &mut s);
            }
            let mut got = vec![0xffu8; total];
            for (i, chunk) in got.chunks_mut(seg).enumerate() {
                b.sieve(i as u64, chunk);
            }
            assert_eq!(got, want, "seg={seg}");
            let left: usize = b.ring.iter().map(|b| b.cur.len() + b.full.len()).sum();
            assert_eq!(left, 0, "nothing left past the run");
        }
    }
}
