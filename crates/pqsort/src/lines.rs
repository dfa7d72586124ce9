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

use std::cmp::Ordering;
use std::fmt;
use std::io::{self, Write};

/// A line that is not a 64-bit integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based.
    pub line: usize,
    /// The line as read (trimmed, shortened if long).
    pub text: String,
    pub why: &'static str,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {:?} {}", self.line, self.text, self.why)
    }
}

/// Parses one integer per line (`\n` or `\r\n`). Surrounding whitespace is
/// ignored and whitespace-only lines are skipped; anything else that is not
/// an `i64` (optional sign, decimal digits) is an error naming its line.
pub fn parse(input: &[u8]) -> Result<Vec<i64>, BadLine> {
    parse_lines(strip_bom(input))
}

/// A UTF-8 byte-order mark, as some editors write, is not part of line 1.
fn strip_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input)
}

fn parse_lines(input: &[u8]) -> Result<Vec<i64>, BadLine> {
    let mut out = Vec::with_capacity(input.len() / 8);
    let n = input.len();
    let (mut pos, mut line) = (0, 0);
    while pos < n {
        line += 1;
        // Fast path, in one pass: optional sign, 1 to 18 digits, then the
        // end of the line. Anything else takes the careful path below.
        let neg = input[pos] == b'-';
        let digits = pos + usize::from(neg || input[pos] == b'+');
        let (mut p, mut acc) = (digits, 0i64);
        while p < n && p - digits < 18 {
            let d = input[p].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            acc = acc * 10 + i64::from(d);
            p += 1;
        }
        if p > digits && (p == n || input[p] == b'\n') {
            out.push(if neg { -acc } else { acc });
            pos = p + 1;
            continue;
        }
        let end = input[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(n, |k| pos + k);
        let t = input[pos..end].trim_ascii();
        pos = end + 1;
        if t.is_empty() {
            continue;
        }
        match parse_i64(t) {
            Ok(x) => out.push(x),
            Err(why) => return Err(bad_line(line, t, why)),
        }
    }
    Ok(out)
}

const NOT_INT: &str = "is not an integer";
/// Why [`parse`] refuses a line that [`parse_big`] accepts.
pub const OUT_OF_RANGE: &str = "is out of range for a 64-bit integer";

fn parse_i64(t: &[u8]) -> Result<i64, &'static str> {
    let (neg, digits) = match t {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, t),
    };
    if digits.is_empty() {
        return Err(NOT_INT);
    }
    if digits.len() <= 18 {
        // Fast path: 18 digits always fit, no overflow checks needed.
        let mut acc: i64 = 0;
        for &b in digits {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return Err(NOT_INT);
            }
            acc = acc * 10 + i64::from(d);
        }
        return Ok(if neg { -acc } else { acc });
    }
    // Accumulate negatively so that i64::MIN fits.
    let mut acc: i64 = 0;
    let mut overflow = false;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return Err(NOT_INT);
        }
        match acc
            .checked_mul(10)
            .and_then(|a| a.checked_sub(i64::from(d)))
        {
            Some(a) => acc = a,
            None => overflow = true,
        }
    }
    let value = if neg { Some(acc) } else { acc.checked_neg() };
    match value {
        Some(v) if !overflow => Ok(v),
        _ => Err(OUT_OF_RANGE),
    }
}

/// An integer of any length: a sign and its decimal digits without leading
/// zeros (none for zero, which is never negative). It borrows the digits
/// from the input, so sorting moves only a pointer, a length and a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BigInt<'a> {
    neg: bool,
    digits: &'a [u8],
}

impl Ord for BigInt<'_> {
    /// By sign, then magnitude: more digits is larger, equal lengths
    /// compare digit by digit (byte order is digit order).
    fn cmp(&self, other: &Self) -> Ordering {
        let magnitude =
            || (self.digits.len(), self.digits).cmp(&(other.digits.len(), other.digits));
        match (self.neg, other.neg) {
            (false, false) => magnitude(),
            (true, true) => magnitude().reverse(),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }
}

impl PartialOrd for BigInt<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
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

/// [`parse`], falling back to [`parse_big`] when a line is out of the
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
    let mut all = Vec::new();
    for (i, result) in parsed.into_iter().enumerate() {
        match result {
            Ok(v) if all.is_empty() => all = v,
            Ok(v) => all.extend_from_slice(&v),
            Err(e) if e.why == OUT_OF_RANGE => return parse_big(input).map(Numbers::Big),
            Err(e) => {
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
        }
    }
    Ok(Numbers::Small(all))
}

/// Inputs or outputs smaller than this are handled by one thread.
const PAR_MIN_BYTES: usize = 1 << 20;

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

/// Parses one integer of any length per line, with the same rules as
/// [`parse`] (whitespace, blank lines, signs, byte-order mark).
pub fn parse_big(input: &[u8]) -> Result<Vec<BigInt<'_>>, BadLine> {
    let input = strip_bom(input);
    let mut out = Vec::new();
    for (i, raw) in input.split(|&b| b == b'\n').enumerate() {
        let t = raw.trim_ascii();
        if t.is_empty() {
            continue;
        }
        let (neg, digits) = match t {
            [b'-', rest @ ..] => (true, rest),
            [b'+', rest @ ..] => (false, rest),
            _ => (false, t),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad_line(i + 1, t, NOT_INT));
        }
        let first = digits
            .iter()
            .position(|&d| d != b'0')
            .unwrap_or(digits.len());
        let digits = &digits[first..];
        out.push(BigInt {
            neg: neg && !digits.is_empty(),
            digits,
        });
    }
    Ok(out)
}

fn bad_line(line: usize, t: &[u8], why: &'static str) -> BadLine {
    let shown = String::from_utf8_lossy(&t[..t.len().min(40)]).into_owned();
    let text = if t.len() > 40 { shown + "..." } else { shown };
    BadLine { line, text, why }
}

/// [`write`] for [`BigInt`]s.
pub fn write_big(values: &[BigInt<'_>], out: &mut impl Write) -> io::Result<()> {
    write_lines(values, out, |buf, x| {
        if x.neg {
            buf.push(b'-');
        }
        buf.extend_from_slice(if x.digits.is_empty() { b"0" } else { x.digits });
        buf.push(b'\n');
    })
}

/// Writes `values` one a line, formatting digits by hand into one buffer
/// flushed in large chunks.
pub fn write(values: &[i64], out: &mut impl Write) -> io::Result<()> {
    write_lines(values, out, |buf, &x| push_i64(buf, x))
}

/// Formats each value with `push` into a buffer written out in 64 KiB
/// chunks, then flushes `out`.
fn write_lines<T>(
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

/// "00", "01", ..., "99": two digits per division, as the itoa crate does.
const PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

fn push_i64(buf: &mut Vec<u8>, x: i64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = x.unsigned_abs();
    while n >= 100 {
        let r = (n % 100) as usize;
        n /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
    }
    if n >= 10 {
        let r = n as usize;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    if x < 0 {
        buf.push(b'-');
    }
    buf.extend_from_slice(&digits[i..]);
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `x` as text, with `zeros` leading zeros and a `+` if asked.
    fn spelled(x: i128, zeros: usize, plus: bool) -> String {
        let z = "0".repeat(zeros);
        match (x < 0, plus) {
            (true, _) => format!("-{z}{}", x.unsigned_abs()),
            (false, true) => format!("+{z}{x}"),
            (false, false) => format!("{z}{x}"),
        }
    }

    proptest! {
        /// Integers of any size (here up to 39 digits) sort as numbers,
        /// whatever their leading zeros and signs, and print canonically.
        #[test]
        fn big_ints_sort_like_i128(
            v in prop::collection::vec(
                prop_oneof![any::<i128>(), any::<i64>().prop_map(i128::from), -3i128..3],
                0..300,
            ),
            spelling in prop::collection::vec((0usize..3, any::<bool>()), 300),
        ) {
            let text: String = v
                .iter()
                .zip(&spelling)
                .map(|(&x, &(zeros, plus))| spelled(x, zeros, plus) + "\n")
                .collect();
            let mut parsed = parse_big(text.as_bytes()).unwrap();
            parsed.sort_unstable();
            let mut out = Vec::new();
            write_big(&parsed, &mut out).unwrap();
            let mut want = v.clone();
            want.sort_unstable();
            let want: String = want.iter().map(|x| format!("{x}\n")).collect();
            prop_assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

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
        write_big(&v, &mut out).unwrap();
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

    #[test]
    fn parses_signs_whitespace_and_extremes() {
        let text = b" 3\n-1\r\n+7\n\n  \t\n-9223372036854775808\n9223372036854775807\n0";
        assert_eq!(parse(text).unwrap(), vec![3, -1, 7, i64::MIN, i64::MAX, 0]);
        assert_eq!(parse(b"").unwrap(), Vec::<i64>::new());
        assert_eq!(parse(b"\n").unwrap(), Vec::<i64>::new());
        assert_eq!(parse(b"5\n").unwrap(), vec![5]);
        // 18 digits (fast path), 19 digits (checked path), leading zeros.
        assert_eq!(
            parse(b"-999999999999999999\n1000000000000000000\n-0007").unwrap(),
            vec![-999_999_999_999_999_999, 1_000_000_000_000_000_000, -7]
        );
        assert_eq!(parse(b"00000000000000000000000000042").unwrap(), vec![42]);
        assert_eq!(parse(b"\xEF\xBB\xBF3\n1\n").unwrap(), vec![3, 1]);
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse(b"1\n2\nabc\n4\n").unwrap_err();
        assert_eq!((e.line, e.text.as_str()), (3, "abc"));
        assert_eq!(e.to_string(), "line 3: \"abc\" is not an integer");
        // Skipped blank lines and CRLF endings still count as lines.
        let e = parse(b"1\r\n\n  \n-\r\n").unwrap_err();
        assert_eq!((e.line, e.text.as_str()), (4, "-"));
        let e = parse(b"12345678901234567890123\n").unwrap_err();
        assert_eq!(e.line, 1);
        for bad in ["-", "+", "1.5", "1e3", "0x10", "--1", "1 2", "١"] {
            let e = parse(format!("0\n{bad}").as_bytes()).unwrap_err();
            assert_eq!(e.line, 2, "{bad}");
        }
        let e = parse(b"9223372036854775808").unwrap_err();
        assert_eq!(e.why, "is out of range for a 64-bit integer");
        let e = parse(b"-9223372036854775809").unwrap_err();
        assert_eq!(e.why, "is out of range for a 64-bit integer");
        assert!(parse(b"99999999999999999999999999x").is_err());
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
