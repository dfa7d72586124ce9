//! Standard output that never panics: a closed pipe (`| head`) is remembered
//! and ends the scan instead of killing a thread mid-line.

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Default)]
pub struct Out {
    broken: AtomicBool,
}

impl Out {
    /// Writes one whole line (stdout's lock keeps threads' lines apart).
    pub fn line(&self, args: fmt::Arguments<'_>) {
        if self.is_broken() {
            return;
        }
        let mut o = std::io::stdout().lock();
        if o.write_fmt(args).and_then(|()| o.write_all(b"\n")).is_err() {
            self.broken.store(true, Ordering::SeqCst);
        }
    }

    /// Whether a write failed (the reader went away).
    pub fn is_broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
    }
}
