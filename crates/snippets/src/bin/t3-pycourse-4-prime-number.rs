//! python-course-threads.txt, "The next example shows a thread, which
//! determines, if a number is prime or not" (characters 11440-12147 of that
//! one-line file): a `PrimeNumber(threading.Thread)` per number read, which
//! prints whether the number is prime; main reads numbers until one below 1,
//! then joins every thread.
//!
//! Rust changes: the thread class is a closure that owns its number
//! (`move`), the `threads` list holds `JoinHandle`s. Python 3 semantics
//! (`int(input("number: "))`). The tutorial's loop bound `counter*counter <
//! number` calls 4, 9, 25, ... and 1 prime; this port uses `<=` and says 1 is
//! not prime, unless `--as-written` asks for the tutorial's exact lines.
//! End of input ends the loop like a number below 1; a line that is not a
//! whole number stops reading with one error line (exit 1) after the threads
//! already started have finished, where Python prints a traceback.
//!
//! `printf '17\n12\n0\n' | cargo run -p common --example prime_number`

use snippets::say;

use snippets::prime_number;

use clap::Parser;

/// Reads numbers until one below 1; a thread per number says if it is prime.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Keep the tutorial's `counter*counter < n` bound (then 1, 4, 9, 25 ... are "prime")
    #[arg(long)]
    as_written: bool,
}

fn run(n: u64, as_written: bool) {
    match prime_number::factor(n, as_written) {
        Some(c) => say!("{n} is no prime number, because {n} = {c} * {}", n / c),
        None if n == 1 && !as_written => {
            say!("1 is no prime number, because primes are greater than 1")
        }
        None => say!("{n} is a prime number"),
    }
}

fn main() {
    let cli: Cli = common::cli::parse();
    let mut threads = Vec::new();
    let read = prime_number::read_numbers(|n| {
        threads.push(std::thread::spawn(move || run(n, cli.as_written)));
    });
    for x in threads {
        let _ = x.join();
    }
    if let Err(e) = read {
        say!();
        common::cli::fail(e);
    }
}
