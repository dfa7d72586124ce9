//! The smaller programs of the Python threads tutorials, one binary each
//! (`src/bin/`), and the little they share.
//!
//! The binaries are named so that they sort in reading order and say where
//! they come from: `tN-TUTORIAL-K-NAME`, N the tutorial in the README's order
//! (t1 Matloff, t2 Chun's slides, t3 python-course, t4 Ojo's slides, t5 ghl3's
//! post), K the program's place in that tutorial. Each binary opens with
//! the passage it ports (author, section or slide title, Matloff's PDF page)
//! and what Rust changes.
//!
//! Anchors (`// fibonacci.py:12  print fib[self.num]`) sit next to the Rust
//! twin of every listing line that does something. Most of these listings
//! print no file name or line numbers, so the anchors use short names of our
//! own, without `:N`: `heron.py`, `heron_count.py`, `heron_lock.py`,
//! `prime_number.py`, `prime_number_lock.py` (python-course), `bar.py`
//! (Chun), `do_some_work.py` (numbered 1-9 as Ojo's slides number it),
//! `fibonacci.py` (numbered 1-18), `bank_account.py`, `locks.py`,
//! `rlock.py`, `semaphore.py`, `event.py`, `condition.py`, `queue.py` (Ojo)
//! and `enumerate.py` (Matloff 3.2's one line).
//!
//! Modules:
//! - [`heron`]: python-course's `heron(a)`, shared by the three heron programs.
//! - [`prime_number`]: python-course's `PrimeNumber` input loop and trial division.
//! - [`py`]: Python's spelling of floats (`repr`) and booleans.
//! - [`threads`]: a thread per input without keeping every finished one.

pub mod heron;
pub mod prime_number;
pub mod py;
pub mod threads;

/// `n` and `word`, with an `s` unless `n` is 1: `1 item`, `2 items`.
///
/// ```
/// assert_eq!(snippets::count(1u32, "thread"), "1 thread");
/// assert_eq!(snippets::count(0u64, "item"), "0 items");
/// ```
pub fn count(n: impl Into<u128>, word: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
