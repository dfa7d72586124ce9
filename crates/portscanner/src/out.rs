//! Standard output that never panics, and whose failures are not lost.
//!
//! The rule every binary of the workspace follows: a closed pipe (`| head`,
//! EPIPE) is quiet, ends the scan and keeps the exit code; any other write
//! error (`>/dev/full`) is one line on stderr and exit 1. (Rust's runtime
//! puts `/dev/null` on a standard descriptor closed at the start, so no
//! socket can take its number.)

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Shared by main and the scanning threads (clones are the same output).
#[derive(Clone, Debug, Default)]
pub struct Out(Arc<State>);

#[derive(Debug, Default)]
struct State {
    broken: AtomicBool,
    /// The first write error other than EPIPE.
    failed: OnceLock<String>,
}

impl Out {
    /// Writes one whole line (stdout's lock keeps threads' lines apart).
    pub fn line(&self, args: fmt::Arguments<'_>) {
        if self.is_broken() {
            return;
        }
        let mut o = io::stdout().lock();
        if let Err(e) = o.write_fmt(args).and_then(|()| o.write_all(b"\n")) {
            self.failed_with(e);
        }
    }

    /// Records a failed write: the scan stops printing (and stops).
    pub fn failed_with(&self, e: io::Error) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = self
                .0
                .failed
                .set(format!("cannot write to standard output: {e}"));
        }
        self.0.broken.store(true, Ordering::SeqCst);
    }

    /// Whether a write failed (the reader went away, or the disk is full).
    pub fn is_broken(&self) -> bool {
        self.0.broken.load(Ordering::SeqCst)
    }

    /// Flushes stdout; the one-line message if some write failed other
    /// than with EPIPE.
    pub fn finish(&self) -> Result<(), String> {
        if !self.is_broken() {
            if let Err(e) = io::stdout().lock().flush() {
                self.failed_with(e);
            }
        }
        match self.0.failed.get() {
            Some(msg) => Err(msg.clone()),
            None => Ok(()),
        }
    }
}
