//! The mod-30 wheel: one byte stands for 30 numbers, one bit for each of the
//! eight residues coprime to 30 (1, 7, 11, 13, 17, 19, 23, 29), so multiples
//! of 2, 3 and 5 take no space and no time.
//!
//! A sieving prime `p = 30a + r` crosses out `p * m` for `m` coprime to 30.
//! Going once round the wheel of `m` (eight values, `m` up by 30) moves exactly
//! `p` bytes, and the eight byte offsets and bit masks inside one turn depend
//! only on `a` and on which of the eight classes `r` is. So [`cross`] is
//! monomorphised per class: the masks become immediates and the inner loop
//! clears eight bits per turn with no table look-ups (primesieve's
//! "EratSmall" idea).

/// The residues mod 30 that the eight bits of a byte stand for, plus 31 (the
/// first residue of the next turn) to close the wheel.
pub const RESIDUES: [u64; 9] = [1, 7, 11, 13, 17, 19, 23, 29, 31];

/// Bit index of residue `x` (0..30), or `NONE` if `x` shares a factor with 30.
const NONE: u8 = 255;
const BIT_OF: [u8; 30] = {
    let mut t = [NONE; 30];
    let mut j = 0;
    while j < 8 {
        t[RESIDUES[j] as usize] = j as u8;
        j += 1;
    }
    t
};

/// For `m % 30`, the wheel index of the smallest `m' >= m` coprime to 30
/// (an index of 8 would be 31, but every `m % 30` below 30 has one <= 29).
const NEXT_INDEX: [u8; 30] = {
    let mut t = [0u8; 30];
    let mut x = 0;
    while x < 30 {
        let mut j = 0;
        while RESIDUES[j] < x as u64 {
            j += 1;
        }
        t[x] = j as u8;
        x += 1;
    }
    t
};

/// The bit (0..8) that number `x` occupies, if it is coprime to 30.
pub fn bit_of(x: u64) -> Option<u32> {
    match BIT_OF[(x % 30) as usize] {
        NONE => None,
        b => Some(u32::from(b)),
    }
}

/// `(r * RESIDUES[j]) / 30` for the class `r = RESIDUES[ri]`: the part of the
/// byte offset of `p * m_j` that does not scale with `a = p / 30`.
const fn carry(ri: usize, j: usize) -> u64 {
    (RESIDUES[ri] * RESIDUES[j]) / 30
}

/// The mask that clears the bit of `p * m_j` for `p` in class `ri`.
const fn mask(ri: usize, j: usize) -> u8 {
    let b = BIT_OF[((RESIDUES[ri] * RESIDUES[j]) % 30) as usize];
    !(1u8 << b)
}

/// `MASKS[ri][j]`: [`mask`] as a table, for the one-at-a-time loops.
const MASKS: [[u8; 8]; 8] = {
    let mut t = [[0u8; 8]; 8];
    let mut ri = 0;
    while ri < 8 {
        let mut j = 0;
        while j < 8 {
            t[ri][j] = mask(ri, j);
            j += 1;
        }
        ri += 1;
    }
    t
};

/// Going from `p * m_j` to the next multiple moves `a * STEP_A[j] +
/// STEP_C[ri][j]` bytes (`a = p / 30`).
const STEP_A: [usize; 8] = [6, 4, 2, 4, 2, 4, 6, 2];
const STEP_C: [[usize; 8]; 8] = {
    let mut t = [[0usize; 8]; 8];
    let mut ri = 0;
    while ri < 8 {
        let mut j = 0;
        while j < 8 {
            t[ri][j] = (carry(ri, j + 1) - carry(ri, j)) as usize;
            j += 1;
        }
        ri += 1;
    }
    t
};

/// A sieving prime and where it crosses out next: byte `pos` (relative to
/// the start of the next buffer handed to [`cross`]) at wheel index `j`.
#[derive(Clone, Copy, Debug)]
pub struct Sieving {
    pub p: u64,
    pub pos: u64,
    pub j: u8,
    /// Which of the eight classes `p % 30` is (index into [`RESIDUES`]).
    pub class: u8,
}

impl Sieving {
    /// Positions `p` to cross out its first multiple `>= max(p*p, 30*lo)`
    /// that is coprime to 30; `pos` is relative to byte `lo`.
    pub fn new(p: u64, lo: u64) -> Self {
        let class = BIT_OF[(p % 30) as usize];
        debug_assert!(class != NONE && p >= 7);
        let mut s = Sieving {
            p,
            pos: 0,
            j: 0,
            class,
        };
        s.start_at(lo);
        s
    }

    /// Re-positions for a buffer that starts at byte `lo`.
    pub fn start_at(&mut self, lo: u64) {
        let p = self.p;
        let m = p.max((30 * lo).div_ceil(p));
        let (c, j) = (m / 30, NEXT_INDEX[(m % 30) as usize]);
        let ri = self.class as usize;
        let byte = p * c + (p / 30) * RESIDUES[j as usize] + CARRY[ri][j as usize];
        self.pos = byte - lo;
        self.j = j;
    }
}

const CARRY: [[u64; 9]; 8] = {
    let mut t = [[0u64; 9]; 8];
    let mut ri = 0;
    while ri < 8 {
        let mut j = 0;
        while j < 9 {
            t[ri][j] = carry(ri, j);
            j += 1;
        }
        ri += 1;
    }
    t
};

/// Crosses out `s`'s multiples in `buf`, then leaves `s.pos` relative to the
/// end of `buf` (the start of the next buffer).
#[inline]
pub fn cross(buf: &mut [u8], s: &mut Sieving) {
    dispatch(buf, s, usize::MAX, true);
}

/// Crosses out `s`'s multiples in `buf` up to and including the whole turn
/// of the wheel that starts before byte `limit` (so it may write up to `p`
/// bytes past `limit`), and leaves `s.pos` relative to the start of `buf`.
/// Sieving an L1-sized block at a time this way costs no partial turns at
/// the block edges; a final [`cross`] over the same `buf` finishes it.
#[inline]
pub fn cross_upto(buf: &mut [u8], s: &mut Sieving, limit: usize) {
    dispatch(buf, s, limit, false);
}

fn dispatch(buf: &mut [u8], s: &mut Sieving, limit: usize, finish: bool) {
    match s.class {
        0 => cross_class::<0>(buf, s, limit, finish),
        1 => cross_class::<1>(buf, s, limit, finish),
        2 => cross_class::<2>(buf, s, limit, finish),
        3 => cross_class::<3>(buf, s, limit, finish),
        4 => cross_class::<4>(buf, s, limit, finish),
        5 => cross_class::<5>(buf, s, limit, finish),
        6 => cross_class::<6>(buf, s, limit, finish),
        _ => cross_class::<7>(buf, s, limit, finish),
    }
}

fn cross_class<const RI: usize>(buf: &mut [u8], s: &mut Sieving, limit: usize, finish: bool) {
    let len = buf.len();
    let Ok(mut i) = usize::try_from(s.pos) else {
        if finish {
            s.pos -= len as u64;
        }
        return;
    };
    let a = (s.p / 30) as usize;
    // Byte offset of p * m_j within one turn of the wheel.
    let off = |j: usize| a * RESIDUES[j] as usize + carry(RI, j) as usize;
    let step = |j: usize| a * STEP_A[j] + STEP_C[RI][j];
    let mut j = s.j as usize;
    let done = |s: &mut Sieving, i: usize, j: usize| {
        s.pos = if finish { i - len } else { i } as u64;
        s.j = j as u8;
    };

    // Finish the current turn, one multiple at a time.
    while j != 0 {
        if i >= len {
            return done(s, i, j);
        }
        buf[i] &= MASKS[RI][j];
        i += step(j);
        j = (j + 1) & 7;
    }
    // Whole turns: eight multiples at fixed offsets, then on by p bytes.
    // The offsets are clamped to d7 (a no-op: they are increasing) so the
    // compiler can see every index is inside `w` and drop the bounds checks.
    let d7 = off(7) - a;
    let d = |j: usize| (off(j) - a).min(d7);
    let (d1, d2, d3, d4, d5, d6) = (d(1), d(2), d(3), d(4), d(5), d(6));
    let p = s.p as usize;
    let end = limit.min(len.saturating_sub(d7));
    while i < end {
        let w = &mut buf[i..=i + d7];
        w[0] &= mask(RI, 0);
        w[d1] &= mask(RI, 1);
        w[d2] &= mask(RI, 2);
        w[d3] &= mask(RI, 3);
        w[d4] &= mask(RI, 4);
        w[d5] &= mask(RI, 5);
        w[d6] &= mask(RI, 6);
        w[d7] &= mask(RI, 7);
        i += p;
    }
    if finish {
        // The start of the last, partial turn.
        while i < len {
            buf[i] &= MASKS[RI][j];
            i += step(j);
            j = (j + 1) & 7;
        }
    }
    done(s, i, j)
}

/// A sieving prime in a [`ByClass`] list, in 8 bytes (its class is the
/// list's): `pos` as in [`Sieving`], and `a = p / 30` (below 2^28, as
/// p < 2^32) shifted over the wheel index `j` in the low 3 bits. Half the size of a
/// [`Sieving`], so a segment's medium primes take less of the L2 cache
/// the segment itself lives in.
#[derive(Clone, Copy, Debug)]
struct Packed {
    pos: u32,
    aj: u32,
}

impl Packed {
    fn new(s: &Sieving) -> Self {
        let a = s.p / 30;
        assert!(a < 1 << 29 && s.pos <= u64::from(u32::MAX));
        Packed {
            pos: s.pos as u32,
            aj: (a as u32) << 3 | u32::from(s.j),
        }
    }

    fn unpack<const RI: usize>(self) -> Sieving {
        Sieving {
            p: 30 * u64::from(self.aj >> 3) + RESIDUES[RI],
            pos: u64::from(self.pos),
            j: (self.aj & 7) as u8,
            class: RI as u8,
        }
    }

    fn store(&mut self, s: &Sieving) {
        debug_assert!(s.pos <= u64::from(u32::MAX));
        self.pos = s.pos as u32;
        self.aj = self.aj & !7 | u32::from(s.j);
    }
}

/// Sieving primes kept in eight lists, one per class, so each list runs
/// through one monomorphised kernel: the class is never a branch to
/// predict (the base primes come in increasing order, so their classes
/// would alternate at random).
#[derive(Default)]
pub struct ByClass {
    lists: [Vec<Packed>; 8],
}

impl ByClass {
    pub fn push(&mut self, s: Sieving) {
        self.lists[s.class as usize].push(Packed::new(&s));
    }

    pub fn clear(&mut self) {
        self.lists.iter_mut().for_each(Vec::clear);
    }

    /// Bytes held, for the memory accounting in [`crate::segmented`].
    pub fn capacity_bytes(&self) -> usize {
        let each = std::mem::size_of::<Packed>();
        self.lists.iter().map(|l| l.capacity() * each).sum()
    }

    /// [`cross`] for every prime in the lists.
    pub fn cross(&mut self, buf: &mut [u8]) {
        self.each(buf, usize::MAX, true);
    }

    /// [`cross_upto`] for every prime in the lists.
    pub fn cross_upto(&mut self, buf: &mut [u8], limit: usize) {
        self.each(buf, limit, false);
    }

    fn each(&mut self, buf: &mut [u8], limit: usize, finish: bool) {
        fn list<const RI: usize>(b: &mut [u8], l: &mut [Packed], limit: usize, finish: bool) {
            for e in l {
                let mut s = e.unpack::<RI>();
                cross_class::<RI>(b, &mut s, limit, finish);
                e.store(&s);
            }
        }
        let [l0, l1, l2, l3, l4, l5, l6, l7] = &mut self.lists;
        list::<0>(buf, l0, limit, finish);
        list::<1>(buf, l1, limit, finish);
        list::<2>(buf, l2, limit, finish);
        list::<3>(buf, l3, limit, finish);
        list::<4>(buf, l4, limit, finish);
        list::<5>(buf, l5, limit, finish);
        list::<6>(buf, l6, limit, finish);
        list::<7>(buf, l7, limit, finish);
    }
}

/// `STEP[class][j]`: the mask that clears `p * m_j` (low byte) and the
/// bytes to the next multiple beyond `a * STEP_A[j]` (high bytes), in one
/// table for the bucket sieve's one-multiple-at-a-time loop.
pub(crate) const STEP: [[u32; 8]; 8] = {
    let mut t = [[0u32; 8]; 8];
    let mut ri = 0;
    while ri < 8 {
        let mut j = 0;
        while j < 8 {
            t[ri][j] = MASKS[ri][j] as u32 | (STEP_C[ri][j] as u32) << 8;
            j += 1;
        }
        ri += 1;
    }
    t
};

/// Bytes `a * STEP_A[j]` moves, see [`STEP`].
pub(crate) const STEP_A_U64: [u64; 8] = [6, 4, 2, 4, 2, 4, 6, 2];

/// Bytes of a segment pre-sieved per pass: every pattern is stored with
/// this many bytes of its own start appended, so any window of it this
/// long is one contiguous slice, and a pass never stops where a pattern
/// wraps. A multiple of 64 (whole vector registers) that stays in L1.
const PRESIEVE_CHUNK: usize = 4096;

/// A pre-sieve pattern: the bytes of the wheel with the multiples of a few
/// small primes already crossed out. Because those primes are coprime to 30,
/// the pattern repeats every `period` bytes, so a segment starts as a copy
/// of it instead of being crossed out prime by prime.
pub struct Pattern {
    /// One period, then its first [`PRESIEVE_CHUNK`] bytes again.
    bytes: Vec<u8>,
    period: usize,
}

impl Pattern {
    pub fn new(primes: &[u64]) -> Self {
        let period = primes.iter().product::<u64>() as usize;
        let mut bytes = vec![0xffu8; period];
        for &q in primes {
            // Every multiple of q coprime to 30, from q * 1 (in byte q / 30)
            // on; byte 0 of the pattern stands for any byte whose index is a
            // multiple of the period.
            let mut s = Sieving {
                p: q,
                pos: q / 30,
                j: 0,
                class: BIT_OF[(q % 30) as usize],
            };
            cross(&mut bytes, &mut s);
        }
        let again: Vec<u8> = (0..PRESIEVE_CHUNK).map(|k| bytes[k % period]).collect();
        bytes.extend(again);
        Pattern { bytes, period }
    }

    /// The pattern's bytes for absolute bytes `at..at + n` (`n` at most
    /// [`PRESIEVE_CHUNK`]), where `off = at % period`.
    fn window(&self, off: usize, n: usize) -> &[u8] {
        &self.bytes[off..off + n]
    }
}

/// Fills `buf`, which starts at absolute byte `lo`, with the AND of all
/// `patterns`, [`PRESIEVE_CHUNK`] bytes at a time: four patterns per pass
/// over a chunk that stays in L1 (one store per byte per pass, not per
/// pattern), with no pass cut short where a pattern wraps. Also compiled
/// for AVX2 and AVX-512, picked at run time: the ANDs are vector code.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2"))]
pub fn presieve(patterns: &[Pattern], buf: &mut [u8], lo: u64) {
    let mut offs: Vec<usize> = patterns
        .iter()
        .map(|p| (lo % p.period as u64) as usize)
        .collect();
    for out in buf.chunks_mut(PRESIEVE_CHUNK) {
        let n = out.len();
        let mut srcs = patterns.iter().zip(&offs).map(|(p, &o)| p.window(o, n));
        // The first pass writes the chunk, the later ones AND into it.
        let mut first = true;
        loop {
            match (srcs.next(), srcs.next(), srcs.next(), srcs.next()) {
                (Some(a), Some(b), Some(c), Some(d)) => {
                    let ands = out.iter_mut().zip(a).zip(b).zip(c).zip(d);
                    if first {
                        ands.for_each(|((((o, a), b), c), d)| *o = a & b & c & d);
                    } else {
                        ands.for_each(|((((o, a), b), c), d)| *o &= a & b & c & d);
                    }
                    first = false;
                }
                (a, b, c, _) => {
                    if first {
                        out.fill(0xff);
                    }
                    for src in [a, b, c].into_iter().flatten() {
                        out.iter_mut().zip(src).for_each(|(o, s)| *o &= s);
                    }
                    break;
                }
            }
        }
        for (o, p) in offs.iter_mut().zip(patterns) {
            *o = (*o + n) % p.period;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers_left(buf: &[u8], lo: u64) -> Vec<u64> {
        let mut v = Vec::new();
        for (b, &byte) in buf.iter().enumerate() {
            for (j, r) in RESIDUES[..8].iter().enumerate() {
                if byte >> j & 1 == 1 {
                    v.push(30 * (lo + b as u64) + r);
                }
            }
        }
        v
    }

    #[test]
    fn tables_agree_with_arithmetic() {
        for x in 0..30u64 {
            let j = NEXT_INDEX[x as usize] as usize;
            assert!(RESIDUES[j] >= x);
            assert!(j == 0 || RESIDUES[j - 1] < x);
        }
        for (ri, rp) in RESIDUES[..8].iter().enumerate() {
            for (j, rm) in RESIDUES[..8].iter().enumerate() {
                let prod = rp * rm;
                assert_eq!(bit_of(prod), Some((!mask(ri, j)).trailing_zeros()));
                assert_eq!(STEP_A[j] as u64, RESIDUES[j + 1] - RESIDUES[j]);
            }
        }
    }

    #[test]
    fn cross_in_pieces_matches_direct_crossing() {
        // Every prime class, several sizes, buffers cut at awkward places.
        for p in [
            7u64, 11, 13, 17, 19, 23, 29, 31, 37, 61, 97, 211, 1009, 30011,
        ] {
            for lo in [0u64, 1, 5, 77, 1000] {
                let total = 3000usize;
                let mut whole = vec![0xffu8; total];
                let mut s = Sieving::new(p, lo);
                cross(&mut whole, &mut s);
                let expect: Vec<u64> = numbers_left(&vec![0xff; total], lo)
                    .into_iter()
                    .filter(|&x| !(x % p == 0 && x >= p * p))
                    .collect();
                assert_eq!(numbers_left(&whole, lo), expect, "p={p} lo={lo}");
                for limit in [1usize, 50, 333, 2999] {
                    let mut blocks = vec![0xffu8; total];
                    let mut s = Sieving::new(p, lo);
                    let mut at = limit;
                    while at < total {
                        cross_upto(&mut blocks, &mut s, at);
                        at += limit;
                    }
                    cross(&mut blocks, &mut s);
                    assert_eq!(blocks, whole, "p={p} lo={lo} limit={limit}");
                }
                for piece in [1usize, 2, 7, 64, 1000] {
                    let mut cut = vec![0xffu8; total];
                    let mut s = Sieving::new(p, lo);
                    for c in cut.chunks_mut(piece) {
                        cross(c, &mut s);
                    }
                    assert_eq!(cut, whole, "p={p} lo={lo} piece={piece}");
                }
            }
        }
    }

    #[test]
    fn patterns_cross_out_their_primes() {
        // Periods shorter and longer than a chunk, up to nine patterns (the
        // first four in one pass, then four more, then the rest), buffers
        // shorter than a chunk and several chunks long.
        let groups: [&[u64]; 9] = [
            &[7, 11],
            &[13],
            &[17, 19],
            &[23],
            &[29, 31, 37],
            &[41],
            &[43, 47, 53],
            &[59],
            &[61],
        ];
        let pats: Vec<Pattern> = groups.iter().map(|g| Pattern::new(g)).collect();
        for count in 0..=groups.len() {
            for len in [700usize, 2 * PRESIEVE_CHUNK + 77] {
                for lo in [0u64, 3, 76, 77, 200, 5000, 107_113 * 3 - 1] {
                    let mut buf = vec![0u8; len];
                    presieve(&pats[..count], &mut buf, lo);
                    let gone: Vec<u64> = groups[..count]
                        .iter()
                        .flat_map(|g| g.iter())
                        .copied()
                        .collect();
                    let want: Vec<u64> = numbers_left(&vec![0xff; len], lo)
                        .into_iter()
                        .filter(|x| gone.iter().all(|q| x % q != 0))
                        .collect();
                    assert_eq!(
                        numbers_left(&buf, lo),
                        want,
                        "count={count} len={len} lo={lo}"
                    );
                }
            }
        }
    }
}
