//! Python's spelling of values, so the lines diff clean against the Python's.

/// Python's `str(b)`: `True` or `False`.
///
/// ```
/// assert_eq!(snippets::py::bool(true), "True");
/// ```
pub fn bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Python 3's `repr` (and `str`) of a float: the shortest decimal that reads
/// back as `x`, in positional form for exponents -4 to 15 (`0.0001`,
/// `1e+16`, `1e-05`), and, when several shortest decimals read back as `x`,
/// the one nearest to it, ties to an even last digit.
///
/// Rust's `{}` and `{:?}` also print a shortest round-trip decimal, but on a
/// tie they keep the other one: 1525878906271845.25 lies exactly between
/// `...845.2` and `...845.3`, both read back as it, and Rust prints `.3`
/// where Python's `repr` (David Gay's correctly rounded dtoa) prints `.2`.
/// So this takes the shortest length from Rust and the digits from a
/// correctly rounded `{:.*e}` of that length (ties to even), unless those do
/// not read back (possible only next to a power of two, where the gap below
/// `x` is half the gap above).
///
/// ```
/// use snippets::py::float;
/// assert_eq!(float(1525878906271845.25), "1525878906271845.2");
/// assert_eq!(float(0.1), "0.1");
/// assert_eq!(float(50.0), "50.0");
/// assert_eq!(float(1e16), "1e+16");
/// assert_eq!(float(1.5e-7), "1.5e-07");
/// assert_eq!(float(0.0001), "0.0001");
/// assert_eq!(float(-2.5), "-2.5");
/// assert_eq!(float(f64::INFINITY), "inf");
/// ```
pub fn float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let shortest = format!("{:e}", x.abs());
    let (mantissa, _) = shortest.split_once('e').expect("{:e} has an exponent");
    let n = mantissa.chars().filter(char::is_ascii_digit).count();
    let nearest = format!("{:.*e}", n - 1, x.abs());
    let chosen = if nearest.parse::<f64>() == Ok(x.abs()) {
        nearest
    } else {
        shortest
    };
    let (mantissa, exp) = chosen.split_once('e').expect("{:e} has an exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let exp: i32 = exp.parse().expect("an integer exponent");
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}{}", layout(digits, exp))
}

/// Places the significant `digits` (first digit times 10^`exp`) as Python's
/// `repr` does.
fn layout(digits: &str, exp: i32) -> String {
    let n = digits.len() as i32;
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{first}{dot}e{esign}{:02}", exp.abs());
    }
    if exp < 0 {
        return format!("0.{}{digits}", "0".repeat((-exp - 1) as usize));
    }
    if n <= exp + 1 {
        return format!("{digits}{}.0", "0".repeat((exp + 1 - n) as usize));
    }
    let (int, frac) = digits.split_at((exp + 1) as usize);
    format!("{int}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::float;

    // 1525878906271845.25 is exactly a double (its gap is 0.25); the lint
    // counts 18 digits, more than a double usually holds.
    #[allow(clippy::excessive_precision)]
    #[test]
    fn python_reprs() {
        for (x, want) in [
            (1525878906271845.25, "1525878906271845.2"),
            (762939453168690.6, "762939453168690.6"),
            (9.949874371188393, "9.949874371188393"),
            (1e20, "1e+20"),
            (5e19, "5e+19"),
            (1.25e19, "1.25e+19"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (9999999999999998.0, "9999999999999998.0"),
            (0.00012, "0.00012"),
            (0.000012, "1.2e-05"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (1.0, "1.0"),
            (100.0, "100.0"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(float(x), want, "{x:e}");
        }
    }
}
