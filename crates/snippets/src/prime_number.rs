//! What python-course's two `PrimeNumber` programs share (Bernd Klein,
//! python-course.eu, "Threads in Python", section "threading Module": "The
//! next example shows a thread, which determines, if a number is prime or
//! not", here `prime_number.py`, and "With locks it should look like this",
//! `prime_number_lock.py`): the `number: ` input loop and the trial division.

use std::io::BufRead;

/// Prompts `number: ` and reads lines until a number below 1 or end of input,
/// calling `start` for each number (Python 3's `int(input("number: "))`).
/// A line that is not a whole number ends the loop with an error message.
pub fn read_numbers(mut start: impl FnMut(u64)) -> Result<(), String> {
    if common::out::stdin_closed() {
        return Err("standard input is closed".into());
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    // prime_number.py  while True:
    // prime_number_lock.py  while True:
    loop {
        // prime_number.py  input = long(raw_input("number: "))
        // prime_number_lock.py  input = long(raw_input("number: "))
        common::out!("number: ");
        let _ = common::out::flush();
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
        // prime_number.py  if input < 1:
        // prime_number_lock.py  if input < 1:
        if n < 1 {
            // prime_number.py  break
            // prime_number_lock.py  break
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
///
/// ```
/// use snippets::prime_number::factor;
/// assert_eq!(factor(12, false), Some(2));
/// assert_eq!(factor(9, false), Some(3));
/// assert_eq!(factor(9, true), None); // the tutorial's bound
/// assert_eq!(factor(17, false), None);
/// ```
pub fn factor(n: u64, as_written: bool) -> Option<u64> {
    // prime_number.py  counter = 2
    // prime_number_lock.py  counter = 2
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
    // prime_number.py  while counter*counter < self.Number:
    // prime_number_lock.py  while counter*counter < self.Number and res:
    while more(counter) {
        // prime_number.py  if self.Number % counter == 0:
        // prime_number_lock.py  if self.Number % counter == 0:
        if n % counter == 0 {
            // prime_number_lock.py  res = False
            return Some(counter);
        }
        // prime_number.py  counter += 1
        // prime_number_lock.py  counter += 1
        counter += 1;
    }
    None
}
