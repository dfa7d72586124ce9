//! `i64`s to lines, into large chunks, by one thread or several.

use super::PAR_MIN_BYTES;
use common::Shutdown;
use common::progress::Counter;
use std::io::{self, Write};

/// What a long write looks at between chunks, which always end at a line
/// end: so a stopped write leaves whole lines only.
#[derive(Clone, Copy, Debug, Default)]
pub struct Watch<'a> {
    /// Lines written so far are added here (a progress bar's counter).
    pub done: Option<&'a Counter>,
    /// Once triggered, the write stops after the chunk under way.
    pub stop: Option<&'a Shutdown>,
}

impl Watch<'_> {
    fn wrote(&self, lines: usize) {
        if let Some(c) = self.done {
            c.add(lines as u64);
        }
    }

    fn stopped(&self) -> bool {
        self.stop.is_some_and(Shutdown::is_triggered)
    }
}

/// Writes `values` one a line, into one buffer flushed in large chunks.
/// Returns the lines written: all of them unless `watch` stopped it.
pub fn write(values: &[i64], out: &mut impl Write, watch: Watch<'_>) -> io::Result<usize> {
    write_lines(values, out, watch, |buf, &x| push_i64(buf, x))
}

/// Formats each value with `push` into a buffer written out in 64 KiB
/// chunks, then flushes `out`. Returns the lines written.
pub(super) fn write_lines<T>(
    values: &[T],
    out: &mut impl Write,
    watch: Watch<'_>,
    push: impl Fn(&mut Vec<u8>, &T),
) -> io::Result<usize> {
    const CHUNK: usize = 1 << 16;
    let mut buf = Vec::with_capacity(2 * CHUNK);
    let (mut written, mut pending) = (0, 0);
    for x in values {
        push(&mut buf, x);
        pending += 1;
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            buf.clear();
            watch.wrote(pending);
            (written, pending) = (written + pending, 0);
            if watch.stopped() {
                out.flush()?;
                return Ok(written);
            }
        }
    }
    out.write_all(&buf)?;
    watch.wrote(pending);
    out.flush()?;
    Ok(written + pending)
}

/// [`write`](fn@write) with `threads` threads formatting at once: rounds of up to
/// `ROUND` (2^20) values, each round's text written in order before the next,
/// so memory stays bounded however long the output is.
pub fn write_par(
    values: &[i64],
    out: &mut impl Write,
    threads: usize,
    watch: Watch<'_>,
) -> io::Result<usize> {
    /// Values per round: about 20 MB of text.
    const ROUND: usize = 1 << 20;
    /// Values worth a thread: about 1 MB of text.
    const MIN: usize = PAR_MIN_BYTES / 20;
    let threads = threads.clamp(1, ROUND / MIN);
    if threads == 1 || values.len() <= MIN {
        return write(values, out, watch);
    }
    let per_thread = ROUND / threads;
    let mut bufs: Vec<Vec<u8>> = vec![Vec::new(); threads];
    let mut written = 0;
    for round in values.chunks(per_thread * threads) {
        // Each thread takes its buffer by value: were the buffers' headers
        // shared through `&mut`, every push would write a length next to the
        // other thread's, and the cache line would bounce between cores.
        bufs = std::thread::scope(|s| {
            let helpers: Vec<_> = round
                .chunks(per_thread)
                .zip(std::mem::take(&mut bufs))
                .map(|(part, mut buf)| {
                    s.spawn(move || {
                        buf.clear();
                        buf.reserve(part.len() * 21); // "-9223372036854775808\n"
                        for &x in part {
                            push_i64(&mut buf, x);
                        }
                        buf
                    })
                })
                .collect();
            helpers
                .into_iter()
                .map(|h| h.join().expect("format thread"))
                .collect()
        });
        for (buf, part) in bufs.iter().zip(round.chunks(per_thread)) {
            out.write_all(buf)?;
            written += part.len();
            watch.wrote(part.len());
            if watch.stopped() {
                out.flush()?;
                return Ok(written);
            }
        }
        bufs.resize_with(threads, Vec::new);
    }
    out.flush()?;
    Ok(written)
}

/// `x` and a newline, formatted by `itoa` (two digits per division, no
/// `fmt` machinery).
fn push_i64(buf: &mut Vec<u8>, x: i64) {
    buf.extend_from_slice(itoa::Buffer::new().format(x).as_bytes());
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::parse;

    #[test]
    fn parallel_writing_matches_sequential() {
        let v: Vec<i64> = (0..3_000_000i64)
            .map(|i| (i * 7919) % 1_000_003 - 500_000)
            .collect();
        let mut one = Vec::new();
        write(&v, &mut one, Watch::default()).unwrap();
        for threads in [2, 3, 64] {
            let mut many = Vec::new();
            write_par(&v, &mut many, threads, Watch::default()).unwrap();
            assert!(many == one, "{threads} threads");
        }
        // Stopped: whole lines only, as many as it says, counted as it goes.
        let stop = Shutdown::new();
        stop.trigger();
        for threads in [1, 3] {
            let (mut part, done) = (Vec::new(), Counter::default());
            let watch = Watch {
                done: Some(&done),
                stop: Some(&stop),
            };
            let n = write_par(&v, &mut part, threads, watch).unwrap();
            assert!(n > 0 && n < v.len(), "{n}");
            assert_eq!(done.get(), n as u64);
            assert!(part.ends_with(b"\n") && one.starts_with(&part));
            assert_eq!(part.iter().filter(|&&b| b == b'\n').count(), n);
        }
    }

    #[test]
    fn writes_what_it_parses() {
        let mut v = vec![
            i64::MIN,
            -10,
            -1,
            0,
            1,
            9,
            10,
            99,
            100,
            101,
            1234567890,
            i64::MAX,
        ];
        v.extend((0..19).flat_map(|k| {
            let p = 10i64.pow(k);
            [p - 1, p, p + 1, -p, -(p - 1)]
        }));
        let mut out = Vec::new();
        write(&v, &mut out, Watch::default()).unwrap();
        let expect: String = v.iter().map(|x| format!("{x}\n")).collect();
        assert_eq!(String::from_utf8(out.clone()).unwrap(), expect);
        assert_eq!(parse(&out).unwrap(), v);
    }
}
