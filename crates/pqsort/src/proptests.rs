//! Property tests: the pool sort agrees with `slice::sort` on any input, for
//! any thread count and cut-off, and always finishes.

use crate::input::{Rng, Shape, generate};
use crate::pool::{Options, sort};
use common::Shutdown;
use proptest::prelude::*;
use std::sync::mpsc;
use std::time::Duration;

/// Sorts on another thread and fails the test if that takes longer than a
/// generous bound, so that a lost wake-up shows as a failure, not a hang.
fn pool_sorted<T: Ord + Send + Sync + Clone + 'static>(
    v: &[T],
    threads: usize,
    cutoff: usize,
) -> Vec<T> {
    let mut v = v.to_vec();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let visits = sort(&mut v, Options { threads, cutoff }, &Shutdown::new());
        let _ = tx.send((visits.map(|vis| vis.0.len()), v));
    });
    let (visits, v) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("sort did not finish within 60 s");
    assert_eq!(
        visits.expect("not interrupted"),
        threads,
        "one count per thread"
    );
    v
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Random),
        Just(Shape::Sorted),
        Just(Shape::Reverse),
        Just(Shape::Equal),
        Just(Shape::FewUnique),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Few distinct values (0..8), so runs of duplicates are everywhere.
    #[test]
    fn many_duplicates(v in prop::collection::vec(0u8..8, 0..10_000),
                       threads in 1usize..=16, cutoff in 1usize..64) {
        let mut want = v.clone();
        want.sort();
        prop_assert_eq!(pool_sorted(&v, threads, cutoff), want);
    }

    #[test]
    fn any_i64(v in prop::collection::vec(any::<i64>(), 0..10_000),
               threads in 1usize..=16, cutoff in 1usize..64) {
        let mut want = v.clone();
        want.sort();
        prop_assert_eq!(pool_sorted(&v, threads, cutoff), want);
    }

    /// The tool's input shapes, plus their near relatives (a few elements
    /// moved), with the cut-off the tool would pick and with tiny ones.
    #[test]
    fn shapes(shape in shape(), n in 0usize..10_000, seed in any::<u64>(),
              moved in 0usize..4, threads in 1usize..=16, tiny in any::<bool>()) {
        let mut rng = Rng::new(seed);
        let mut v = Vec::new();
        generate(&mut v, n, shape, &mut rng);
        for _ in 0..moved.min(n) {
            let (i, j) = (rng.randint(0, n - 1), rng.randint(0, n - 1));
            v.swap(i, j);
        }
        let cutoff = if tiny { 1 + (seed % 8) as usize } else { Options::for_len(n, threads).cutoff };
        let mut want = v.clone();
        want.sort();
        prop_assert_eq!(pool_sorted(&v, threads, cutoff), want);
    }
}

/// Inputs that defeat a median of three (organ pipe, sawtooth, alternating)
/// still sort, and in bounded time thanks to the fallback.
#[test]
fn adversarial_patterns() {
    let n = 50_000u32;
    let patterns: Vec<Vec<u32>> = vec![
        (0..n / 2).chain((0..n / 2).rev()).collect(),
        (0..n).map(|i| i % 100).collect(),
        (0..n).map(|i| if i % 2 == 0 { i } else { n - i }).collect(),
        (0..n).map(|i| (i * 2) % n + (i * 2) / n).collect(),
    ];
    for p in patterns {
        let mut want = p.clone();
        want.sort();
        for cutoff in [1, 16] {
            assert_eq!(pool_sorted(&p, 4, cutoff), want);
        }
    }
}

/// A sort stopped by the shutdown signal returns promptly with the same
/// elements.
#[test]
fn shutdown_stops_a_long_sort() {
    let n = 2_000_000u64;
    let mut v: Vec<u64> = Vec::new();
    generate(&mut v, n as usize, Shape::Random, &mut Rng::new(9));
    let mut want = v.clone();
    want.sort_unstable();
    let shutdown = Shutdown::new();
    let s = shutdown.clone();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        s.trigger();
    });
    let t0 = std::time::Instant::now();
    // Cut-off 1: millions of jobs, far longer than 30 ms.
    let res = sort(
        &mut v,
        Options {
            threads: 3,
            cutoff: 1,
        },
        &shutdown,
    );
    stopper.join().unwrap();
    assert!(res.is_err(), "expected an interrupted sort");
    assert!(t0.elapsed() < Duration::from_secs(30));
    v.sort_unstable();
    assert_eq!(v, want, "elements lost or duplicated");
}

/// Inputs large enough that the top partitions are shared among threads
/// (`partition::PAR_MIN_PER_THREAD` elements a thread and more).
#[test]
fn large_inputs_with_parallel_partitions() {
    let n = 3 * crate::partition::PAR_MIN_PER_THREAD * 2 + 17;
    for shape in [Shape::Random, Shape::FewUnique, Shape::Equal] {
        let mut v = Vec::new();
        generate(&mut v, n, shape, &mut Rng::new(11));
        v[n / 3] = 0; // not sorted even when equal
        let mut want = v.clone();
        want.sort_unstable();
        for threads in [2, 3, 4] {
            let cutoff = Options::for_len(n, threads).cutoff;
            assert_eq!(
                pool_sorted(&v, threads, cutoff),
                want,
                "{shape:?} {threads}"
            );
        }
    }
}

/// A comparison that panics ends the sort with that panic instead of
/// leaving the other workers waiting for the dead one's jobs.
#[test]
fn a_panicking_comparison_does_not_hang_the_pool() {
    #[derive(PartialEq, Eq)]
    struct Touchy(u32);
    impl PartialOrd for Touchy {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Touchy {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            assert!(self.0 != 4242 && other.0 != 4242, "touched 4242");
            self.0.cmp(&other.0)
        }
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut v: Vec<Touchy> = (0..20_000u32)
            .map(|i| Touchy((i * 7919) % 20_000))
            .collect();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sort(
                &mut v,
                Options {
                    threads: 4,
                    cutoff: 8,
                },
                &Shutdown::new(),
            )
        }));
        let _ = tx.send(r.is_err());
    });
    let panicked = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("sort hung after a panic");
    assert!(panicked);
}
