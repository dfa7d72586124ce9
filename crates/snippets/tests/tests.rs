//! Drives the real snippet binaries: the hardening of issue 13 (many
//! threads, unwritable output) and Python's float repr (heron).
//!
//! One test binary; each module holds the tests of one theme.

mod support;

mod heron;
mod many_threads;
mod output;
