//! pi(x) through the library, in both modes, against known values and a
//! plain reference sieve.

use common::Shutdown;
use primes::{segmented, tutorial};
use proptest::prelude::*;

const KNOWN: [(u64, u64); 10] = [
    (0, 0),
    (1, 0),
    (2, 1),
    (3, 2),
    (10, 4),
    (100, 25),
    (10_000, 1229),
    (100_000, 9592),
    (1_000_000, 78498),
    (10_000_000, 664_579),
];

/// The simplest sieve there is, written independently of the crate.
fn reference(x: u64) -> u64 {
    let x = x as usize;
    let mut prime = vec![true; x + 1];
    let mut count = 0;
    for i in 2..=x {
        if prime[i] {
            count += 1;
            for m in (i * i..=x).step_by(i) {
                prime[m] = false;
            }
        }
    }
    count
}

fn tutorial_pi(n: u64, threads: usize) -> u64 {
    let out = tutorial::run(n, threads, &|_, _| {}, &Shutdown::new()).unwrap();
    assert_eq!(out.ks.len(), threads);
    assert_eq!(out.ks.iter().sum::<u64>(), n.isqrt().saturating_sub(1));
    out.count.unwrap()
}

fn segmented_pi(n: u64, threads: usize, cfg: segmented::Config) -> u64 {
    let out = segmented::run(n, threads, cfg, None, &|_, _| {}, &Shutdown::new()).unwrap();
    let nseg = (n / 30 + 1).div_ceil(cfg.segment_bytes as u64);
    assert_eq!(out.segments.iter().sum::<u64>(), nseg);
    out.count.unwrap()
}

#[test]
fn known_values_both_modes_1_to_8_threads() {
    for threads in 1..=8 {
        for (n, want) in KNOWN {
            assert_eq!(tutorial_pi(n, threads), want, "tutorial n={n} t={threads}");
            let cfg = segmented::Config::default();
            assert_eq!(
                segmented_pi(n, threads, cfg),
                want,
                "segmented n={n} t={threads}"
            );
            // Small segments, so several threads really share the work.
            let small = segmented::Config::with_sizes(4096, 1024);
            assert_eq!(segmented_pi(n, threads, small), want, "small segs n={n}");
        }
    }
}

#[test]
fn reference_agrees_with_known_values() {
    for (n, want) in &KNOWN[..9] {
        assert_eq!(reference(*n), *want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_x_tutorial(x in 0u64..300_000, threads in 1usize..=8) {
        prop_assert_eq!(tutorial_pi(x, threads), reference(x));
    }

    #[test]
    fn random_x_segmented(
        x in 0u64..300_000,
        threads in 1usize..=8,
        seg in 1usize..2000,
        block in 1usize..600,
    ) {
        let cfg = segmented::Config::with_sizes(seg, block);
        prop_assert_eq!(segmented_pi(x, threads, cfg), reference(x));
    }
}

#[test]
fn segment_boundaries_and_prime_squares() {
    let cfg = segmented::Config::with_sizes(64, 16);
    let span = 30 * 64; // numbers per segment
    let mut xs = Vec::new();
    for k in 1..40u64 {
        xs.extend([k * span - 1, k * span, k * span + 1, k * span + 7]);
    }
    for p in [7u64, 11, 13, 101, 103, 107, 251, 257, 509, 521] {
        xs.extend([p * p - 1, p * p, p * p + 1]);
    }
    for x in xs {
        assert_eq!(segmented_pi(x, 3, cfg), reference(x), "x={x}");
    }
}
