//! Lines to `i64`s: one integer a line, and the error that names the first
//! line that is not one.

use std::fmt;

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

/// Parses one integer per line (`\n` or `\r\n`). Surrounding whitespace
/// (space, `\t`, `\r`, `\f`, `\v`) is ignored and whitespace-only lines are skipped; anything else that is not
/// an `i64` (optional sign, decimal digits) is an error naming its line.
pub fn parse(input: &[u8]) -> Result<Vec<i64>, BadLine> {
    parse_lines(strip_bom(input))
}

/// `line` without the whitespace around it: C's `isspace` set, space,
/// `\t`, `\r`, `\f` and `\v` (`trim_ascii` leaves `\v` alone).
pub(super) fn trim(line: &[u8]) -> &[u8] {
    let blank = |b: &u8| b.is_ascii_whitespace() || *b == 0x0B;
    let start = line.iter().position(|b| !blank(b)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    &line[start..end]
}

/// A UTF-8 byte-order mark, as some editors write, is not part of line 1.
pub(super) fn strip_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input)
}

pub(super) fn parse_lines(input: &[u8]) -> Result<Vec<i64>, BadLine> {
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
        let t = trim(&input[pos..end]);
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

pub(super) const NOT_INT: &str = "is not an integer";
/// Why [`parse`] refuses a line that [`parse_big`](super::parse_big) accepts.
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

pub(super) fn bad_line(line: usize, t: &[u8], why: &'static str) -> BadLine {
    let shown = String::from_utf8_lossy(&t[..t.len().min(40)]).into_owned();
    let text = if t.len() > 40 { shown + "..." } else { shown };
    BadLine { line, text, why }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Every C isspace character around a number, \f and \v alike.
        assert_eq!(
            parse(b"\x0b5\x0b\n\x0c6\x0c\n \t\r7\r\n\x0b\n").unwrap(),
            vec![5, 6, 7]
        );
        assert_eq!(trim(b"\x0b \x0c"), b"");
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
}
