//! `i64`s to lines, into large chunks, by one thread or several.

use super::PAR_MIN_BYTES;
use std::io::{self, Write};

/// Writes `values` one a line, into one buffer flushed in large chunks.
pub fn write(values: &[i64], out: &mut impl Write) -> io::Result<()> {
    write_lines(values, out, |buf, &x| push_i64(buf, x))
}

/// Formats each value with `push` into a buffer written out in 64 KiB
/// chunks, then flushes `out`.
pub(super) fn write_lines<T>(
    values: &[T],
    out: &mut impl Write,
    push: impl Fn(&mut Vec<u8>, &T),
) -> io::Result<()> {
    const CHUNK: usize = 1 << 16;
    let mut buf = Vec::with_capacity(2 * CHUNK);
    for x in values {
        push(&mut buf, x);
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()
}

/// [`write`] with `threads` threads formatting at once: rounds of up to
/// [`ROUND`] values, each round's text written in order before the next,
/// so memory stays bounded however long the output is.
pub fn write_par(values: &[i64], out: &mut impl Write, threads: usize) -> io::Result<()> {
    /// Values per round: about 20 MB of text.
    const ROUND: usize = 1 << 20;
    /// Values worth a thread: about 1 MB of text.
    const MIN: usize = PAR_MIN_BYTES / 20;
    let threads = threads.clamp(1, ROUND / MIN);
    if threads == 1 || values.len() <= MIN {
        return write(values, out);
    }
    let per_thread = ROUND / threads;
    let mut bufs: Vec<Vec<u8>> = vec![Vec::new(); threads];
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
        for buf in &bufs {
            out.write_all(buf)?;
        }
        bufs.resize_with(threads, Vec::new);
    }
    out.flush()
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
        write(&v, &mut one).unwrap();
        for threads in [2, 3, 64] {
            let mut many = Vec::new();
            write_par(&v, &mut many, threads).unwrap();
            assert!(many == one, "{threads} threads");
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
        write(&v, &mut out).unwrap();
        let expect: String = v.iter().map(|x| format!("{x}\n")).collect();
        assert_eq!(String::from_utf8(out.clone()).unwrap(), expect);
        assert_eq!(parse(&out).unwrap(), v);
    }
}
