//! Heron's square root as the python-course examples print it, shared by the
//! three `heron*` examples.

use crate::out::say;

/// Newton's (Heron's) iteration for the square root of `a`, printing each
/// `old new` pair on one line as Python 3's `print(old, new)` does.
///
/// Python starts with the *int* `1`, so its first line shows `1`, not `1.0`;
/// after that both are floats, which Python 3 prints as the shortest
/// round-tripping decimal. Rust's `{:?}` for `f64` is the same format in this
/// range (Python 2 printed 12 significant digits instead: `25.99`, not
/// `25.990000000000002`). One `say!` per line: the stdout lock keeps lines
/// from different threads whole.
pub fn heron(a: f64) -> f64 {
    const EPS: f64 = 0.0000001;
    let mut old_text = "1".to_string();
    let mut new = 1.0_f64;
    loop {
        let old = new;
        new = (new + a / new) / 2.0;
        say!("{old_text} {new:?}");
        if (new - old).abs() < EPS {
            return new;
        }
        old_text = format!("{new:?}");
    }
}

/// The numbers to take roots of: the tutorial's own unless some are given.
/// Each must be a positive finite number (for a negative one the iteration
/// never converges).
pub fn numbers(given: Vec<f64>, tutorial: &[f64]) -> Vec<f64> {
    if let Some(bad) = given.iter().find(|a| !(a.is_finite() && **a > 0.0)) {
        common::cli::usage_error(format!("not a positive number: {bad}"));
    }
    if given.is_empty() {
        tutorial.to_vec()
    } else {
        given
    }
}
