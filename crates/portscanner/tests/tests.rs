//! portscanner's integration tests, one binary (as ripgrep's `tests/tests.rs`):
//! [`cli`] drives the binary outside any namespace, scanning only ports the
//! test holds; [`netns`] scans whole ranges inside namespaces it creates;
//! [`trace`] checks `--trace` and `--timeline` against the printed lines.

#[macro_use]
mod support;

mod cli;
mod netns;
mod trace;
