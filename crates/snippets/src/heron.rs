//! python-course's `heron(a)`, shared by the three heron programs (Bernd
//! Klein, python-course.eu, "Threads in Python", section "The thread
//! Module"). The page prints its listings without names or line numbers; the
//! anchors call the first `heron.py`, and the two that follow reuse this
//! function ("# code has been left out, see above").

use crate::py;
use common::outln;

/// Newton's (Heron's) iteration for the square root of `a`, printing each
/// `old new` pair on one line as Python 3's `print(old, new)` does.
///
/// Python starts with the *int* `1`, so its first line shows `1`, not `1.0`;
/// after that both are floats, which Python 3 prints as the shortest
/// round-tripping decimal, as [`py::float`] does (Python 2's `print` showed 12
/// significant digits: `14.8995786841` for `14.899578684109272`). One
/// `outln!` per line: the stdout lock keeps lines from different threads
/// whole.
// heron.py  def heron(a):
pub fn heron(a: f64) -> f64 {
    // heron.py  eps = 0.0000001
    const EPS: f64 = 0.0000001;
    // heron.py  old = 1
    let mut old_text = "1".to_string();
    // heron.py  new = 1
    let (mut older, mut new) = (f64::NAN, 1.0_f64);
    // heron.py  while True:
    loop {
        // heron.py  old,new = new, (new + a/new) / 2.0
        let old = new;
        new = (new + a / new) / 2.0;
        // heron.py  print old, new
        outln!("{old_text} {}", py::float(new));
        // Not in the tutorial: for a large `a` the last step can flip between
        // two neighbouring floats more than EPS apart; stop there too.
        // heron.py  if abs(new - old) < eps:
        if (new - old).abs() < EPS || new == older {
            // heron.py  break
            // heron.py  return new
            return new;
        }
        older = old;
        old_text = py::float(new);
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
