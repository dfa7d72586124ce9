//! python-course-threads.txt, "The thread Module", the first heron example
//! (characters 7065-7643 of that one-line file): three threads started with
//! `start_new_thread(heron, (99,))` and friends, and main blocked in
//! `raw_input` (prompting "Type something to quit.") so that the program does not end
//! (and kill the threads) before they have printed.
//!
//! Rust changes: `thread::spawn` and dropping the handle is
//! `start_new_thread`; as in Python, when `main` returns the process ends and
//! any thread still running dies with it. Python 3 semantics (`input`,
//! `print(old, new)`, shortest float repr); the tutorial is Python 2.
//!
//! `cargo run -p common --example heron` (type Enter to quit), or
//! `cargo run -p common --example heron -- 2 10` for other numbers.

use snippets::heron;

use clap::Parser;
use std::io::BufRead;

/// Square roots by Heron's method, one thread each; Enter quits.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Numbers to take the square root of [default: 99 999 1733]
    numbers: Vec<f64>,
}

fn main() {
    let cli: Cli = common::cli::parse();
    for a in heron::numbers(cli.numbers, &[99.0, 999.0, 1733.0]) {
        std::thread::spawn(move || heron::heron(a));
    }
    snippets::out::prompt(format_args!("Type something to quit."));
    // End of input quits too, like any keystroke would.
    let _ = std::io::stdin().lock().read_line(&mut String::new());
}
