//! What two or more of the tutorial ports share, and nothing else.
//!
//! - [`event`]: [`Event`], Python's `threading.Event`, which must not lose the
//!   wake-up of a `set()` followed at once by `clear()` (Matloff 4.2's port scanner).
//! - [`monitor`]: [`Monitor`], a `Mutex` and `Condvar` whose waits Ctrl-C ends
//!   at once (no timed polls).
//! - [`count`]: [`WaitCount`], a count that a thread can sleep on until it reaches
//!   zero, replacing the tutorial's busy `while nclnt > 0: pass` (Matloff 3.1) and
//!   python-course's `while num_threads > 0: pass`; its [`count::Token`]s count
//!   down when dropped.
//! - [`shutdown`]: [`Shutdown`], graceful Ctrl-C: the first SIGINT/SIGTERM/SIGHUP
//!   sets a flag and wakes every shutdown-aware wait; the second exits at once
//!   with 130.
//! - [`out`](mod@out): stdout and stderr for every binary (`outln!`, `errln!`): EPIPE
//!   quiet, other write errors one line and exit 1.
//! - [`cli`]: the exit-code conventions every binary follows (2 for bad
//!   arguments, 1 for runtime failure, 130 when interrupted), with clap errors
//!   folded to one line.
//! - [`limits`]: bounds on threads and the soft open-file limit.
//! - [`net`]: host names and addresses as the network programs take them, and
//!   errno classes.
//! - [`progress`]: a progress bar on a terminal for long work.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod event;
pub use event::Event;
pub mod count;
pub mod monitor;
pub mod shutdown;
pub use count::WaitCount;
pub use monitor::{Interrupted, Monitor};
pub use shutdown::Shutdown;

#[cfg(not(loom))]
pub mod cli;
#[cfg(not(loom))]
pub mod limits;
#[cfg(not(loom))]
pub mod net;
#[cfg(not(loom))]
pub mod out;
#[cfg(not(loom))]
pub mod progress;

/// Event, Monitor, WaitCount and Shutdown's core are model-checked with loom
/// (`RUSTFLAGS="--cfg loom"`), so they take their sync types from here.
mod sync {
    #[cfg(loom)]
    pub(crate) use loom::sync::{
        Arc, Condvar, Mutex, MutexGuard as Guard,
        atomic::{AtomicBool, Ordering},
    };
    #[cfg(not(loom))]
    pub(crate) use std::sync::{
        Arc, Condvar, Mutex, MutexGuard as Guard,
        atomic::{AtomicBool, Ordering},
    };
}
pub(crate) use sync::{Condvar, Guard, Mutex};
