//! `--list`: writing the primes in order while threads finish segments out
//! of order.
//!
//! Each thread formats its segment's primes into its own buffer (the slow
//! part, done in parallel), then hands the buffer to [`Ordered`], which
//! writes buffers strictly by segment index. A thread that gets more than
//! `window` segments ahead of the writer waits, so memory stays bounded.

use crate::segmented::Sink;
use common::{Monitor, Shutdown};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// A [`Sink`] that writes every prime on its own line to `W`, in order.
pub struct Ordered<'a, W: Write + Send + 'static> {
    /// Its waits end at once on Ctrl-C ([`Monitor`]): no polling.
    state: Monitor<State<W>>,
    window: u64,
    shutdown: &'a Shutdown,
}

struct State<W> {
    next: u64,
    pending: BTreeMap<u64, Vec<u8>>,
    /// `None` once [`Ordered::finish`] took it.
    out: Option<W>,
    error: Option<io::Error>,
}

impl<'a, W: Write + Send + 'static> Ordered<'a, W> {
    /// At most `window` segments are held waiting for their turn.
    pub fn new(out: W, window: u64, shutdown: &'a Shutdown) -> Self {
        Ordered {
            state: Monitor::new(State {
                next: 0,
                pending: BTreeMap::new(),
                out: Some(out),
                error: None,
            }),
            window: window.max(1),
            shutdown,
        }
    }

    /// Whether a write failed (the output was closed, the disk is full).
    pub fn write_failed(&self) -> bool {
        self.state.lock().error.is_some()
    }

    /// Flushes and returns the writer, or the first write error.
    pub fn finish(self) -> io::Result<W> {
        let mut st = self.state.lock();
        if let Some(e) = st.error.take() {
            return Err(e);
        }
        let mut out = st.out.take().expect("finish is called once");
        out.flush()?;
        Ok(out)
    }
}

impl<W: Write + Send + 'static> Sink for Ordered<'_, W> {
    fn segment(&self, index: u64, primes: &mut dyn Iterator<Item = u64>) -> bool {
        let format = timeline::work!("format", "format segment {index}");
        let mut text = Vec::new();
        for p in primes {
            push_decimal(&mut text, p);
        }
        drop(format);
        // Wait for our turn within the window; the condition is looked at
        // under the lock before every sleep, so no notify is missed.
        let window = self.window;
        let blocked = |st: &mut State<W>| index >= st.next + window && st.error.is_none();
        let waiting = if timeline::enabled() && blocked(&mut self.state.lock()) {
            timeline::wait!("writer", "segment {index} waits for the writer")
        } else {
            timeline::Span::none()
        };
        let wait = self.state.wait_while(self.shutdown, blocked);
        drop(waiting);
        let Ok(mut st) = wait else {
            return false; // Ctrl-C
        };
        if st.error.is_some() {
            return false;
        }
        st.pending.insert(index, text);
        let _write = if timeline::enabled() && st.next == index {
            timeline::work!("write", "write from segment {index}")
        } else {
            timeline::Span::none()
        };
        loop {
            let next = st.next;
            let Some(text) = st.pending.remove(&next) else {
                break;
            };
            let written = match st.out.as_mut() {
                Some(out) => out.write_all(&text),
                None => Ok(()),
            };
            if let Err(e) = written {
                st.error = Some(e);
                self.state.notify_all();
                return false;
            }
            st.next += 1;
        }
        self.state.notify_all();
        true
    }
}

/// Appends `x` and a newline.
fn push_decimal(out: &mut Vec<u8>, mut x: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segmented::{Config, run, small_primes};

    #[test]
    fn decimal() {
        let mut v = Vec::new();
        for x in [0u64, 7, 10, 12345, u64::MAX] {
            push_decimal(&mut v, x);
        }
        assert_eq!(v, b"0\n7\n10\n12345\n18446744073709551615\n");
    }

    #[test]
    fn writes_in_order_with_many_threads() {
        let shutdown = Shutdown::new();
        let sink = Ordered::new(Vec::new(), 2, &shutdown);
        let cfg = Config::with_sizes(5, 2);
        let out = run(20_000, 4, cfg, Some(&sink), &|_, _| {}, &shutdown).unwrap();
        assert_eq!(out.count, Some(2262));
        let text = String::from_utf8(sink.finish().unwrap()).unwrap();
        let got: Vec<u64> = text.lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(got, small_primes(20_000));
    }

    #[test]
    fn write_error_stops_the_sieve() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let shutdown = Shutdown::new();
        let sink = Ordered::new(Closed, 2, &shutdown);
        let cfg = Config::with_sizes(5, 2);
        let out = run(1_000_000, 2, cfg, Some(&sink), &|_, _| {}, &shutdown).unwrap();
        assert_eq!(out.count, None);
        let err = sink.finish().err().expect("a write error");
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
