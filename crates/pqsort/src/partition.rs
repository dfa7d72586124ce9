//! One quicksort step on one sub-slice: choose a pivot, partition around it.
//!
//! The tutorial's `separate` takes the first element as pivot, which is
//! quadratic on sorted input. Here the pivot is the median of three (the
//! "ninther", a median of three medians of three, on larger slices), badly
//! unbalanced splits shuffle a few elements to break the pattern that caused
//! them (the pattern-defeating trick of pdqsort), and elements equal to a pivot
//! already placed are gathered in one pass, so many equal keys cost O(n).

use std::cmp::Ordering;

/// Below this length the pivot is a plain median of three.
const NINTHER_FROM: usize = 128;
/// From this length on the pivot is the median of a sample of up to
/// [`MAX_SAMPLE`] elements: the top-level jobs are what the pool splits among
/// its threads, and a near-exact median makes them near-equal in size.
const SAMPLE_FROM: usize = 1 << 14;
const MAX_SAMPLE: usize = 1023;

/// The outcome of [`partition`] on a slice `v` of length `n`.
#[derive(Debug, PartialEq, Eq)]
pub enum Split {
    /// `v[..mid]` < `v[mid]` <= `v[mid + 1..]`: `v[mid]` is in its final
    /// place; both sides remain to be sorted.
    Pivot { mid: usize },
    /// `v[..equal]` are all equal to the lower bound the caller passed, so
    /// they are in their final place; `v[equal..]` remains to be sorted.
    Equal { equal: usize },
}

/// Partitions `v` (length >= 2).
///
/// `lower`, when given, is a value known to be `<=` every element of `v` (the
/// pivot that put `v` on its right-hand side). If the chosen pivot equals it,
/// `v` holds many copies of that value, and they are all moved to the front
/// and finished at once: this is what keeps an all-equal or few-distinct input
/// from going quadratic.
///
/// With `threads > 1` and a large slice, the partition itself is shared out
/// (see [`par_partition_by`]).
pub fn partition<T: Ord + Send + Sync>(v: &mut [T], lower: Option<&T>, threads: usize) -> Split {
    debug_assert!(v.len() >= 2);
    let p = choose_pivot(v);
    v.swap(0, p);
    let (pivot, rest) = v.split_first_mut().expect("len >= 2");
    let pivot = &*pivot;
    if lower.is_some_and(|l| l.cmp(pivot) != Ordering::Less) {
        // pivot == lower <= everything: `x <= pivot` means `x == pivot`.
        let equal = 1 + split_by(rest, |x| x <= pivot, threads);
        return Split::Equal { equal };
    }
    let mid = split_by(rest, |x| x < pivot, threads);
    v.swap(0, mid);
    Split::Pivot { mid }
}

fn split_by<T: Send, F: Fn(&T) -> bool + Sync>(v: &mut [T], left: F, threads: usize) -> usize {
    if threads > 1 && v.len() >= threads * PAR_MIN_PER_THREAD {
        par_partition_by(v, &left, threads)
    } else {
        partition_by(v, left)
    }
}

/// A parallel partition gives each thread at least this many elements.
pub const PAR_MIN_PER_THREAD: usize = 1 << 16;
/// Largest swap handed to one thread in the second phase.
const SWAP_BLOCK: usize = 1 << 14;

/// Moves the elements for which `left` holds to the front, with `threads`
/// threads, and returns how many there are. For the top of the sort, where
/// one huge partition would otherwise run on one core while the rest wait.
///
/// Phase 1: each thread partitions its own chunk, which leaves chunk `i` as
/// `[left_i | right_i]`. With `L` the total of the lefts, the right-side
/// elements that lie below `L` and the left-side elements at or above `L`
/// are equal in number; phase 2 cuts both sets into pieces of equal length
/// (`split_at_mut`, so every piece is a disjoint `&mut`) and the threads swap
/// them pairwise. The threads are scoped helpers spawned here: the pool's own
/// workers cannot borrow pieces of a job they do not own.
pub fn par_partition_by<T: Send, F: Fn(&T) -> bool + Sync>(
    v: &mut [T],
    left: &F,
    threads: usize,
) -> usize {
    let n = v.len();
    if n == 0 {
        return 0;
    }
    let chunk = n.div_ceil(threads.max(1));
    let lefts: Vec<usize> = std::thread::scope(|s| {
        let mut chunks = v.chunks_mut(chunk);
        let first = chunks.next().expect("n > 0");
        let helpers: Vec<_> = chunks
            .map(|c| s.spawn(move || partition_by(c, left)))
            .collect();
        let mut lefts = vec![partition_by(first, left)];
        lefts.extend(
            helpers
                .into_iter()
                .map(|h| h.join().expect("partition helper")),
        );
        lefts
    });
    let total: usize = lefts.iter().sum();

    // Cut v at every chunk start, every left/right boundary and at `total`;
    // each piece then lies in one part of one chunk, on one side of `total`.
    let mut cuts: Vec<usize> = lefts
        .iter()
        .enumerate()
        .flat_map(|(i, l)| [i * chunk, i * chunk + l])
        .chain([total, n])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut wrong_right = Vec::new(); // right-part pieces below `total`
    let mut wrong_left = Vec::new(); // left-part pieces at or above `total`
    let mut rest = v;
    let mut pos = 0;
    for &cut in &cuts {
        let (piece, tail) = std::mem::take(&mut rest).split_at_mut(cut - pos);
        rest = tail;
        if !piece.is_empty() {
            let i = pos / chunk;
            let in_left_part = pos < i * chunk + lefts[i];
            if pos < total && !in_left_part {
                wrong_right.push(piece);
            } else if pos >= total && in_left_part {
                wrong_left.push(piece);
            }
        }
        pos = cut;
    }

    let mut pairs = Vec::new();
    let (mut a, mut b): (&mut [T], &mut [T]) = (&mut [], &mut []);
    let (mut ra, mut rb) = (wrong_right.into_iter(), wrong_left.into_iter());
    loop {
        if a.is_empty() {
            match ra.next() {
                Some(x) => a = x,
                None => break,
            }
        }
        if b.is_empty() {
            match rb.next() {
                Some(x) => b = x,
                None => break,
            }
        }
        let k = a.len().min(b.len()).min(SWAP_BLOCK);
        let (a1, a2) = std::mem::take(&mut a).split_at_mut(k);
        let (b1, b2) = std::mem::take(&mut b).split_at_mut(k);
        (a, b) = (a2, b2);
        pairs.push((a1, b1));
    }
    debug_assert!(a.is_empty() && b.is_empty() && ra.next().is_none() && rb.next().is_none());
    if !pairs.is_empty() {
        let per = pairs.len().div_ceil(threads.max(1));
        std::thread::scope(|s| {
            for group in pairs.chunks_mut(per) {
                s.spawn(move || {
                    for (a, b) in group.iter_mut() {
                        a.swap_with_slice(b);
                    }
                });
            }
        });
    }
    total
}

/// Moves the elements for which `left` holds to the front and returns how
/// many there are. Branchless Lomuto: every step swaps (often with itself)
/// and advances the boundary by 0 or 1, so there is no branch on the
/// comparison for the CPU to mispredict on random data.
fn partition_by<T>(v: &mut [T], left: impl Fn(&T) -> bool) -> usize {
    let mut l = 0;
    for i in 0..v.len() {
        let goes_left = left(&v[i]);
        v.swap(l, i);
        l += usize::from(goes_left);
    }
    l
}

/// Index of a pivot candidate that is unlikely to be extreme. May reorder
/// `v` (a large sample is gathered at its front).
fn choose_pivot<T: Ord>(v: &mut [T]) -> usize {
    let n = v.len();
    if n >= SAMPLE_FROM {
        let s = (n / 64).min(MAX_SAMPLE) | 1;
        // Spread picks i * n / s >= i, so each swap takes an element from
        // at or after the front part being filled.
        for i in 0..s {
            v.swap(i, i * n / s);
        }
        v[..s].select_nth_unstable(s / 2);
        return s / 2;
    }
    let (a, b, c) = (n / 4, n / 2, n / 4 * 3);
    if n < NINTHER_FROM {
        return median3(v, a, b, c);
    }
    let a = median3(v, a - 1, a, a + 1);
    let b = median3(v, b - 1, b, b + 1);
    let c = median3(v, c - 1, c, c + 1);
    median3(v, a, b, c)
}

/// Index of the median of `v[a]`, `v[b]`, `v[c]`.
fn median3<T: Ord>(v: &[T], a: usize, b: usize, c: usize) -> usize {
    let ab = v[a] < v[b];
    let bc = v[b] < v[c];
    let ac = v[a] < v[c];
    if ab == bc {
        b
    } else if ab == ac {
        c
    } else {
        a
    }
}

/// After a badly unbalanced split, swaps a few elements of a side so that the
/// same input pattern does not produce the same bad pivot again (pdqsort).
pub fn break_patterns<T>(v: &mut [T]) {
    let n = v.len();
    if n < 8 {
        return;
    }
    v.swap(0, n / 4);
    v.swap(n - 1, n - n / 4);
    if n > NINTHER_FROM {
        v.swap(1, n / 4 + 1);
        v.swap(2, n / 4 + 2);
        v.swap(n - 2, n - n / 4 + 1);
        v.swap(n - 3, n - n / 4 + 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: &[i32], lower: Option<i32>) {
        let mut w = v.to_vec();
        match partition(&mut w, lower.as_ref(), 1) {
            Split::Pivot { mid } => {
                assert!(w[..mid].iter().all(|x| *x < w[mid]), "{v:?} -> {w:?}");
                assert!(w[mid + 1..].iter().all(|x| *x >= w[mid]), "{v:?} -> {w:?}");
            }
            Split::Equal { equal } => {
                let l = lower.expect("Equal needs a lower bound");
                assert!(w[..equal].iter().all(|x| *x == l), "{v:?} -> {w:?}");
                assert!(w[equal..].iter().all(|x| *x > l), "{v:?} -> {w:?}");
            }
        }
        let (mut a, mut b) = (v.to_vec(), w);
        a.sort();
        b.sort();
        assert_eq!(a, b, "not a permutation");
    }

    #[test]
    fn partitions_small_and_patterned_slices() {
        for n in 2..300 {
            let asc: Vec<i32> = (0..n).collect();
            check(&asc, None);
            check(&asc.iter().rev().copied().collect::<Vec<_>>(), None);
            check(&vec![7; n as usize], None);
            check(&vec![7; n as usize], Some(7));
            check(&(0..n).map(|i| i % 3).collect::<Vec<_>>(), Some(0));
            check(&(0..n).map(|i| (i * 7919) % 31).collect::<Vec<_>>(), None);
        }
    }

    #[test]
    fn equal_split_finishes_all_copies_at_once() {
        let mut v = vec![5, 9, 5, 5, 7, 5];
        assert_eq!(partition(&mut v, Some(&5), 1), Split::Equal { equal: 4 });
    }

    #[test]
    fn parallel_partition_agrees_with_sequential() {
        let mut x: u64 = 1;
        for n in [1usize, 2, 3, 7, 100, 1000, 40_000, 200_003] {
            let v: Vec<u32> = (0..n)
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (x >> 40) as u32 % 1000
                })
                .collect();
            for p in [0, 1, 500, 999, 1000] {
                for threads in [1, 2, 3, 8] {
                    let mut w = v.clone();
                    let left = |e: &u32| *e < p;
                    let m = par_partition_by(&mut w, &left, threads);
                    assert_eq!(m, v.iter().filter(|e| **e < p).count());
                    assert!(w[..m].iter().all(|e| *e < p) && w[m..].iter().all(|e| *e >= p));
                    let (mut a, mut b) = (v.clone(), w);
                    a.sort_unstable();
                    b.sort_unstable();
                    assert_eq!(a, b, "n={n} p={p} threads={threads}");
                }
            }
        }
    }

    #[test]
    fn median_of_three_picks_the_middle() {
        let v = [3, 1, 2];
        assert_eq!(v[median3(&v, 0, 1, 2)], 2);
        let v = [1, 2, 3];
        assert_eq!(v[median3(&v, 0, 1, 2)], 2);
        let v = [2, 3, 1];
        assert_eq!(v[median3(&v, 0, 1, 2)], 2);
    }
}
