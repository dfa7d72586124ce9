//! What the two python-course `PrimeNumber` programs share: the `number: `
//! input loop and the trial division.

use std::io::BufRead;

/// Prompts `number: ` and reads lines until a number below 1 or end of input,
/// calling `start` for each number (Python 3's `int(input("number: "))`).
/// A line that is not a whole number ends the loop with an error message.
pub fn read_numbers(mut start: impl FnMut(u64)) -> Result<(), String> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    loop {
        crate::out::prompt(format_args!("number: "));
        let mut line = String::new();
        match lines.read_line(&mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(format!("cannot read standard input: {e}")),
        }
        let text = line.trim();
        let n: i128 = text
            .parse()
            .map_err(|_| format!("not a whole number: {text:?}"))?;
        if n < 1 {
            return Ok(());
        }
        let n = u64::try_from(n).map_err(|_| format!("too large (over {}): {n}", u64::MAX))?;
        start(n);
    }
}

/// The smallest factor of `n` that proves it composite, by the tutorial's
/// trial division from 2.
///
/// The tutorial loops `while counter*counter < n`, which misses the square
/// root itself and calls 4, 9, 25, ... prime (and 1 too). `as_written` keeps
/// that bound for a byte-for-byte comparison; otherwise the bound is `<=`.
pub fn factor(n: u64, as_written: bool) -> Option<u64> {
    let mut counter = 2u64;
    // counter*counter < n without overflow near u64::MAX.
    let more = |c: u64| {
        let sq = u128::from(c) * u128::from(c);
        if as_written {
            sq < u128::from(n)
        } else {
            sq <= u128::from(n)
        }
    };
    while more(counter) {
        if n % counter == 0 {
            return Some(counter);
        }
        counter += 1;
    }
    None
}
