//! Drives the real snippet binaries: the hardening of issue 13 (many
//! threads, unwritable output), Python's float repr (heron), and the
//! Matloff lessons added for issue 14.
//!
//! One test binary; each module holds the tests of one theme.

mod support;

mod heron;
mod many_threads;
mod matloff;
mod output;
