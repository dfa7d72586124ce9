//! Integers of any length, for the lines that do not fit an `i64`: parsed
//! by the same rules, compared as `sort -n` compares them, written back.

use super::BadLine;
use super::parse::{NOT_INT, bad_line, strip_bom, trim};
use super::write::{Watch, write_lines};
use std::cmp::Ordering;
use std::io::{self, Write};

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

/// Parses one integer of any length per line, with the same rules as
/// [`parse`](super::parse()) (whitespace, blank lines, signs, byte-order mark).
pub fn parse_big(input: &[u8]) -> Result<Vec<BigInt<'_>>, BadLine> {
    let input = strip_bom(input);
    let mut out = Vec::new();
    for (i, raw) in input.split(|&b| b == b'\n').enumerate() {
        let t = trim(raw);
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

/// [`write`] for [`BigInt`]s.
pub fn write_big(
    values: &[BigInt<'_>],
    out: &mut impl Write,
    watch: Watch<'_>,
) -> io::Result<usize> {
    write_lines(values, out, watch, |buf, x| {
        if x.neg {
            buf.push(b'-');
        }
        buf.extend_from_slice(if x.digits.is_empty() { b"0" } else { x.digits });
        buf.push(b'\n');
    })
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
            write_big(&parsed, &mut out, Watch::default()).unwrap();
            let mut want = v.clone();
            want.sort_unstable();
            let want: String = want.iter().map(|x| format!("{x}\n")).collect();
            prop_assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }
}
