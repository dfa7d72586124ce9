//! Tool mode's text format: one integer a line in, one integer a line out.
//!
//! Integers are read as `i64` (the fast path: parse, sort and print machine
//! words). If a line is out of that range, the whole input is read again as
//! [`BigInt`]s, integers of any length compared the way `sort -n` compares
//! them, so no integer input is refused for its size.
//!
//! With several threads, a large input is cut at line ends into pieces
//! parsed at once, and a large output is formatted in parallel rounds; the
//! text and the line numbers in errors are the same as with one thread.
//!
//! - [`parse`](mod@parse): lines to `i64`s, the error naming a bad line.
//! - [`big`]: integers of any length, parsed and written.
//! - [`write`](mod@write): `i64`s to lines, by one thread or several.
//!
//! This file joins them: [`parse_any`] cuts the input into pieces for the
//! threads and falls back to [`big`] when a line does not fit an `i64`.

pub mod big;
pub mod parse;
pub mod write;

pub use big::{BigInt, parse_big, write_big};
pub use parse::{BadLine, OUT_OF_RANGE, parse};
pub use write::{Watch, write, write_par};

use parse::{parse_lines, strip_bom};

impl Numbers<'_> {
    /// How many integers.
    pub fn len(&self) -> usize {
        match self {
            Numbers::Small(v) => v.len(),
            Numbers::Big(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whole integers and what [`parse_any`] made of them.
#[derive(Debug, PartialEq, Eq)]
pub enum Numbers<'a> {
    /// Every line fits an `i64`.
    Small(Vec<i64>),
    /// Some line does not: all of them as [`BigInt`]s.
    Big(Vec<BigInt<'a>>),
}

/// [`parse`](fn@parse), falling back to [`parse_big`] when a line is out of the
/// `i64` range. Large inputs are cut at line ends into `threads` pieces
/// that are parsed at once; the error reported is still the first bad line.
pub fn parse_any(input: &[u8], threads: usize) -> Result<Numbers<'_>, BadLine> {
    parse_in_pieces(input, threads, PAR_MIN_BYTES)
}

fn parse_in_pieces(input: &[u8], threads: usize, min: usize) -> Result<Numbers<'_>, BadLine> {
    let input = strip_bom(input);
    let pieces = cut_at_lines(input, threads, min);
    let parsed: Vec<Result<Vec<i64>, BadLine>> = if pieces.len() == 1 {
        vec![parse_lines(input)]
    } else {
        std::thread::scope(|s| {
            let helpers: Vec<_> = pieces
                .iter()
                .map(|&p| s.spawn(move || parse_lines(p)))
                .collect();
            helpers
                .into_iter()
                .map(|h| h.join().expect("parse thread"))
                .collect()
        })
    };
    // The first error in input order decides; a number out of the i64
    // range sends the whole input to big integers, once the i64s are freed.
    if let Some((i, e)) = parsed
        .iter()
        .enumerate()
        .find_map(|(i, r)| r.as_ref().err().map(|e| (i, e.clone())))
    {
        drop(parsed);
        if e.why == OUT_OF_RANGE {
            return parse_big(input).map(Numbers::Big);
        }
        // Each piece counted its lines from 1; add the lines of the
        // pieces before it (each ends with a newline).
        let before: usize = pieces[..i]
            .iter()
            .map(|p| p.iter().filter(|&&b| b == b'\n').count())
            .sum();
        return Err(BadLine {
            line: before + e.line,
            ..e
        });
    }
    let total: usize = parsed.iter().flatten().map(Vec::len).sum();
    let mut pieces = parsed.into_iter().flatten();
    let mut all = pieces.next().unwrap_or_default();
    all.reserve_exact(total - all.len());
    for v in pieces {
        all.extend_from_slice(&v);
    }
    Ok(Numbers::Small(all))
}

/// Inputs or outputs smaller than this are handled by one thread.
pub(crate) const PAR_MIN_BYTES: usize = 1 << 20;

/// Cuts `input` into at most `threads` pieces of similar size, each ending
/// just after a newline (but the last), and none under `min` bytes.
fn cut_at_lines(input: &[u8], threads: usize, min: usize) -> Vec<&[u8]> {
    let count = threads.clamp(1, (input.len() / min.max(1)).max(1));
    let mut pieces = Vec::with_capacity(count);
    let mut rest = input;
    for i in (1..count).rev() {
        let target = rest.len() / (i + 1);
        let Some(nl) = rest[target..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let (piece, tail) = rest.split_at(target + nl + 1);
        pieces.push(piece);
        rest = tail;
    }
    pieces.push(rest);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use parse::NOT_INT;

    #[test]
    fn pieces_end_at_line_ends_and_cover_the_input() {
        let text: Vec<u8> = (0..1000)
            .flat_map(|i| format!("{i}\n").into_bytes())
            .collect();
        for threads in 1..9 {
            for min in [1, 100, 1000, 10_000] {
                let pieces = cut_at_lines(&text, threads, min);
                assert!(pieces.len() <= threads);
                assert_eq!(pieces.concat(), text);
                for p in &pieces[..pieces.len() - 1] {
                    assert!(p.ends_with(b"\n") && p.len() >= min / 2);
                }
            }
        }
        assert_eq!(cut_at_lines(b"no newline", 4, 1), vec![&b"no newline"[..]]);
        assert_eq!(cut_at_lines(b"", 4, 1), vec![&b""[..]]);
    }

    #[test]
    fn parsing_in_pieces_agrees_with_one_piece() {
        let mut rng = crate::input::Rng::new(3);
        let mut text = String::from("\u{FEFF}");
        let mut want = Vec::new();
        for i in 0..20_000 {
            let x = rng.next_u64() as i64 >> (i % 60);
            want.push(x);
            text += &match i % 4 {
                0 => format!("{x}\n"),
                1 => format!("  {x}\r\n"),
                2 => format!("{x}\n\n"),
                _ => format!("+{}\n", x.unsigned_abs()).replace('+', if x < 0 { "-" } else { "+" }),
            };
        }
        for threads in [1, 2, 3, 7] {
            let got = parse_in_pieces(text.as_bytes(), threads, 1000).unwrap();
            assert_eq!(got, Numbers::Small(want.clone()), "{threads}");
        }
        // The first bad line is named with its line in the whole input,
        // wherever the pieces were cut; a huge number goes to big ints.
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for bad_at in [0, 1, 4999, 12_345, lines.len() - 1] {
            for (bad, why) in [("x", NOT_INT), ("99999999999999999999", "")] {
                let mut t = lines.clone();
                t[bad_at] = if bad == "x" {
                    "x\n"
                } else {
                    "99999999999999999999\n"
                };
                let t = t.concat();
                for threads in [1, 2, 5] {
                    match parse_in_pieces(t.as_bytes(), threads, 1000) {
                        Err(e) => assert_eq!((e.line, e.why), (bad_at + 1, why)),
                        Ok(Numbers::Big(v)) => {
                            assert!(why.is_empty());
                            assert_eq!(v.len(), want.len());
                        }
                        Ok(Numbers::Small(_)) => panic!("bad line not seen"),
                    }
                }
            }
        }
    }

    #[test]
    fn out_of_range_falls_back_to_big_ints() {
        assert_eq!(
            parse_any(b"3\n-1\n", 1).unwrap(),
            Numbers::Small(vec![3, -1])
        );
        let text = b"\xEF\xBB\xBF 5\r\n\n-0\n+000\n-99999999999999999999\n18446744073709551615\n-7";
        let Numbers::Big(mut v) = parse_any(text, 2).unwrap() else {
            panic!("expected the big-integer fallback");
        };
        v.sort();
        let mut out = Vec::new();
        write_big(&v, &mut out, Watch::default()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "-99999999999999999999\n-7\n0\n0\n5\n18446744073709551615\n"
        );
        // A bad line after the first huge one is still named, with its line.
        let e = parse_any(b"1\n99999999999999999999\n2\nx1\n", 2).unwrap_err();
        assert_eq!((e.line, e.text.as_str(), e.why), (4, "x1", NOT_INT));
        for bad in [
            "-",
            "+",
            "1.5",
            "--1",
            "1 2",
            "0x10",
            "99999999999999999999x",
        ] {
            let text = format!("99999999999999999999\n{bad}\n");
            let e = parse_any(text.as_bytes(), 1).unwrap_err();
            assert_eq!(e.line, 2, "{bad}");
        }
    }
}
