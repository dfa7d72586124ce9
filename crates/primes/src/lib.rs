//! Port of primes (work in progress).
