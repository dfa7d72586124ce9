//! What two or more of the tutorial ports share, and nothing else.
//!
//! - [`event`]: [`Event`], Python's `threading.Event`, which must not lose the
//!   wake-up of a `set()` followed at once by `clear()` (Matloff 4.2's port scanner).
//! - [`count`]: [`WaitCount`], a count that a thread can sleep on until it reaches
//!   zero, replacing the tutorial's busy `while nclnt > 0: pass` (Matloff 3.1) and
//!   python-course's `while num_threads > 0: pass`.
//! - [`shutdown`]: [`Shutdown`], graceful Ctrl-C: the first SIGINT/SIGTERM sets a
//!   flag and wakes every shutdown-aware wait; the second exits at once with 130.
//! - [`limits`]: the soft open-file limit, which bounds how many sockets a
//!   program's threads may hold at once.
//! - [`cli`]: the exit-code conventions every binary follows (2 for bad
//!   arguments, 1 for runtime failure, 130 when interrupted), with clap errors
//!   folded to one line.

pub mod event;
pub use event::Event;

#[cfg(not(loom))]
pub mod cli;
#[cfg(not(loom))]
pub mod count;
#[cfg(not(loom))]
pub mod limits;
#[cfg(not(loom))]
pub mod shutdown;
#[cfg(not(loom))]
pub use count::WaitCount;
#[cfg(not(loom))]
pub use shutdown::Shutdown;

// Event is model-checked with loom (`RUSTFLAGS="--cfg loom"`, tests/loom.rs),
// so it takes its lock types from here.
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard as Guard};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard as Guard};
