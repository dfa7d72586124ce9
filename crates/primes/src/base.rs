//! The base primes: every prime up to sqrt(end), found once and shared by
//! all threads (read-only, 4 bytes each).

/// Primes up to `limit`, by a plain odd-only sieve of one bit per odd
/// number (`limit / 16` bytes while it runs). Used for the base primes
/// (`limit` at most 10^8 here) and, in tests, as a reference.
pub fn small_primes(limit: u64) -> Vec<u64> {
    primes_u32(limit).into_iter().map(u64::from).collect()
}

/// [`small_primes`] as `u32`, the form the sieve shares between threads.
///
/// ```
/// assert_eq!(primes::base::primes_u32(30), [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
/// assert_eq!(primes::base::primes_u32(1), [] as [u32; 0]);
/// ```
pub fn primes_u32(limit: u64) -> Vec<u32> {
    assert!(limit <= u64::from(u32::MAX), "base primes must fit in u32");
    if limit < 2 {
        return Vec::new();
    }
    // Bit i stands for 2i + 1; i = 0 (the number 1) is skipped below.
    let half = limit.div_ceil(2) as usize; // odd numbers 1..=limit
    let mut composite = vec![0u64; half.div_ceil(64)];
    let is_set = |c: &[u64], i: usize| c[i / 64] >> (i % 64) & 1 == 1;
    let mut i = 1;
    while (2 * i + 1) * (2 * i + 1) <= limit as usize {
        if !is_set(&composite, i) {
            let p = 2 * i + 1;
            let mut m = p * p / 2;
            while m < half {
                composite[m / 64] |= 1 << (m % 64);
                m += p;
            }
        }
        i += 1;
    }
    let mut out = Vec::with_capacity(estimate_pi(limit));
    out.push(2);
    out.extend(
        (1..half)
            .filter(|&i| !is_set(&composite, i))
            .map(|i| (2 * i + 1) as u32),
    );
    out
}

/// An upper bound on pi(x) for x >= 2 (Rosser and Schoenfeld:
/// pi(x) < 1.25506 x / ln x), for reserving space.
pub fn estimate_pi(x: u64) -> usize {
    if x < 17 {
        return 7;
    }
    let x = x as f64;
    (1.25506 * x / x.ln()) as usize + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_trial_division() {
        let is_prime = |n: u64| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0);
        for limit in 0..400u64 {
            let want: Vec<u64> = (0..=limit).filter(|&n| is_prime(n)).collect();
            assert_eq!(small_primes(limit), want, "limit={limit}");
            assert!(estimate_pi(limit.max(2)) >= want.len());
        }
        assert_eq!(small_primes(1_000_000).len(), 78498);
        assert_eq!(small_primes(10_000_000).len(), 664_579);
    }
}
