//! The shared string `v`: grown one letter at a time under a lock, and sent
//! whole to a client after each letter.
//!
//! The tutorial copies nothing: `c.send(v)` sends the Python string that the
//! lock protected a moment ago. Copying all of `v` under the lock for every
//! letter would make each client wait on a memcpy of up to `--max-len` bytes.
//! But `v` only ever grows, so every reply is a prefix of it: the full 4 KiB
//! chunks are frozen and shared (`Arc`), and a [`Snapshot`] copies only the
//! unfinished tail, at most one chunk, while holding the lock.

use std::io::{self, IoSlice, Write};
use std::sync::{Arc, Mutex, MutexGuard};

const CHUNK: usize = 4096;

#[derive(Default)]
struct Rope {
    /// The full chunks, replaced (not mutated) when one more freezes, so a
    /// snapshot can keep the list it saw.
    frozen: Arc<Vec<Arc<[u8]>>>,
    tail: Vec<u8>,
    len: usize,
}

/// `v` and its lock (the tutorial's `v` and `vlock`), with a cap.
pub struct SharedV {
    rope: Mutex<Rope>,
    max_len: usize,
}

/// `v` as it was right after one letter was appended.
pub struct Snapshot {
    frozen: Arc<Vec<Arc<[u8]>>>,
    tail: Vec<u8>,
}

impl SharedV {
    /// An empty `v` that will not grow past `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        Self {
            rope: Mutex::new(Rope::default()),
            max_len,
        }
    }

    /// Appends `letter` and returns `v` as it is now, or `None` if `v` has
    /// reached its cap (then nothing is appended).
    pub fn append(&self, letter: u8) -> Option<Snapshot> {
        // srvr.py:28  vlock.acquire()
        // thsvr.py:36  srvr.vlock.acquire()
        let locking = timeline::wait!("lock", "vlock.acquire()");
        let mut rope = self.lock();
        drop(locking);
        // The tutorial has no cap: `--max-len` bounds memory against a flood.
        if rope.len >= self.max_len {
            return None;
        }
        // srvr.py:29  v += k
        // thsvr.py:37  srvr.v += k
        rope.tail.push(letter);
        rope.len += 1;
        if rope.tail.len() == CHUNK {
            let chunk: Arc<[u8]> = std::mem::take(&mut rope.tail).into();
            let mut frozen = Vec::with_capacity(rope.frozen.len() + 1);
            frozen.extend(rope.frozen.iter().cloned());
            frozen.push(chunk);
            rope.frozen = Arc::new(frozen);
        }
        // The reply is taken before the lock is released: `v` as this letter
        // left it. The tutorial's `c.send(v)` runs after the release and reads
        // the global again, so it may already hold another client's letters.
        let reply = Snapshot {
            frozen: Arc::clone(&rope.frozen),
            tail: rope.tail.clone(),
        };
        // srvr.py:30  vlock.release()
        // thsvr.py:38  srvr.vlock.release()
        drop(rope);
        Some(reply)
    }

    /// The cap given to [`new`](Self::new).
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// `v` now, as one vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let rope = self.lock();
        Snapshot {
            frozen: Arc::clone(&rope.frozen),
            tail: rope.tail.clone(),
        }
        .to_vec()
    }

    fn lock(&self) -> MutexGuard<'_, Rope> {
        self.rope.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Snapshot {
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.frozen.len() * CHUNK + self.tail.len()
    }

    /// Whether it holds no byte (never true for a snapshot from `append`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes all of it (the tutorial's `send(v)`, which could send only part
    /// of a long `v`; this one does not stop short).
    pub fn write_to(&self, mut w: impl Write) -> io::Result<()> {
        let mut slices: Vec<IoSlice<'_>> = self
            .frozen
            .iter()
            .map(|c| IoSlice::new(c))
            .chain(std::iter::once(IoSlice::new(&self.tail)))
            .collect();
        let mut bufs = &mut slices[..];
        IoSlice::advance_slices(&mut bufs, 0);
        while !bufs.is_empty() {
            match w.write_vectored(bufs) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut bufs, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// As one vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        for c in self.frozen.iter() {
            out.extend_from_slice(c);
        }
        out.extend_from_slice(&self.tail);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_are_prefixes_across_chunk_boundaries() {
        let v = SharedV::new(3 * CHUNK + 10);
        let mut expect = Vec::new();
        for i in 0..3 * CHUNK + 10 {
            let letter = (i % 251) as u8;
            expect.push(letter);
            let snap = v.append(letter).expect("below cap");
            assert_eq!(snap.len(), expect.len());
            if i % 997 == 0 || i % CHUNK == CHUNK - 1 || i % CHUNK == 0 {
                assert_eq!(snap.to_vec(), expect);
                let mut sent = Vec::new();
                snap.write_to(&mut sent).unwrap();
                assert_eq!(sent, expect);
            }
        }
        assert!(v.append(b'x').is_none(), "cap reached");
        assert_eq!(v.to_vec(), expect);
    }

    #[test]
    fn zero_cap_refuses_everything() {
        let v = SharedV::new(0);
        assert!(v.append(b'a').is_none());
        assert!(v.to_vec().is_empty());
    }

    /// A writer that takes at most 7 bytes a call exercises the partial-write loop.
    #[test]
    fn write_to_survives_short_writes() {
        struct Dribble(Vec<u8>);
        impl Write for Dribble {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                let n = b.len().min(7);
                self.0.extend_from_slice(&b[..n]);
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let v = SharedV::new(usize::MAX);
        let mut snap = None;
        for i in 0..CHUNK + 100 {
            snap = v.append(i as u8);
        }
        let mut w = Dribble(Vec::new());
        snap.unwrap().write_to(&mut w).unwrap();
        assert_eq!(w.0, v.to_vec());
    }
}
