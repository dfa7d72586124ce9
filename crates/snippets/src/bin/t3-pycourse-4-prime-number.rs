//! Bernd Klein, python-course.eu, "Threads in Python", section "threading
//! Module", "The next example shows a thread, which determines, if a number
//! is prime or not" (here `prime_number.py`): a
//! `PrimeNumber(threading.Thread)` per number read, which prints whether the
//! number is prime; main reads numbers until one below 1, then joins every
//! thread. The input loop and the trial division are in the library
//! (`snippets::prime_number`), shared with `t3-pycourse-5-prime-number-lock`.
//!
//! Rust changes: the thread class is a closure that owns its number
//! (`move`); the `threads` list is a [`Threads`] that joins the finished
//! ones as it goes, so 40000 numbers never hold 40000 ended threads (their
//! stacks stay mapped until joined: the memory maps run out where the
//! Python finishes). Python 3 semantics (`int(input("number: "))`). The
//! tutorial's loop bound `counter*counter < number` calls 4, 9, 25, ... and 1
//! prime; this port uses `<=` and says 1 is not prime, unless `--as-written`
//! asks for the tutorial's exact lines. End of input ends the loop like a
//! number below 1; a line that is not a whole number stops reading with one
//! error line (exit 1) after the threads already started have finished,
//! where Python prints a traceback.
//!
//! `printf '17\n12\n0\n' | cargo run -p snippets --bin t3-pycourse-4-prime-number`

use clap::Parser;
use common::{cli, outln};
use snippets::prime_number;
use snippets::threads::Threads;

/// Reads numbers until one below 1; a thread per number says if it is prime.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Keep the tutorial's `counter*counter < n` bound (then 1, 4, 9, 25 ... are "prime")
    #[arg(long)]
    as_written: bool,
}

// prime_number.py  class PrimeNumber(threading.Thread):
// prime_number.py  def run(self):
fn run(n: u64, as_written: bool) {
    match prime_number::factor(n, as_written) {
        // prime_number.py  print "%d is no prime number, because %d = %d * %d" % (
        // prime_number.py  self.Number, self.Number, counter, self.Number / counter)
        // prime_number.py  return
        Some(c) => outln!("{n} is no prime number, because {n} = {c} * {}", n / c),
        None if n == 1 && !as_written => {
            outln!("1 is no prime number, because primes are greater than 1")
        }
        // prime_number.py  print "%d is a prime number" % self.Number
        None => outln!("{n} is a prime number"),
    }
}

fn main() {
    let cli: Cli = cli::parse();
    // prime_number.py  threads = []
    let mut threads = Threads::new();
    let mut refused = None;
    let read = prime_number::read_numbers(|n| {
        // prime_number.py  def __init__(self, number):
        // prime_number.py  threading.Thread.__init__(self)
        // prime_number.py  self.Number = number
        // prime_number.py  thread = PrimeNumber(input)
        // prime_number.py  threads += [thread]
        // prime_number.py  thread.start()
        if let Err(e) = threads.spawn(move || run(n, cli.as_written)) {
            refused.get_or_insert(e);
        }
    });
    // prime_number.py  for x in threads:
    // prime_number.py  x.join()
    threads.join_all();
    if let Some(e) = refused {
        cli::fail(format!("cannot start a thread: {e}"));
    }
    if let Err(e) = read {
        outln!();
        cli::fail(e);
    }
    common::out::exit(0)
}
