//! Bernd Klein, python-course.eu, "Threads in Python", section "The thread
//! Module", the first example ("Example for a Thread in Python", here
//! `heron.py`): three threads started with `start_new_thread(heron,(99,))`
//! and friends, and main blocked in `raw_input("Type something to quit.")` so
//! that the program does not end (and kill the threads) before they have
//! printed. `heron` itself is in the library (`snippets::heron`).
//!
//! Rust changes: `thread::spawn` with the handle kept only until the thread
//! ends is `start_new_thread`; as in Python, when `main` returns the process
//! ends and any thread still running dies with it. With very many numbers at
//! most 10000 threads run at once ([`snippets::threads`]). Python 3
//! semantics (`input`, `print(old, new)`, shortest float repr); the tutorial
//! is Python 2.
//!
//! `cargo run -p snippets --bin t3-pycourse-1-heron` (type Enter to quit), or
//! `cargo run -p snippets --bin t3-pycourse-1-heron -- 2 10` for other numbers.

use clap::Parser;
use common::cli;
use snippets::heron;
use snippets::threads::Threads;
use std::io::BufRead;

/// Square roots by Heron's method, one thread each; Enter quits.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Numbers to take the square root of [default: 99 999 1733]
    numbers: Vec<f64>,
}

fn main() {
    let cli: Cli = cli::parse();
    if common::out::stdin_closed() {
        cli::fail("standard input is closed");
    }
    let mut threads = Threads::new();
    // heron.py  start_new_thread(heron,(99,))
    // heron.py  start_new_thread(heron,(999,))
    // heron.py  start_new_thread(heron,(1733,))
    for a in heron::numbers(cli.numbers, &[99.0, 999.0, 1733.0]) {
        if let Err(e) = threads.spawn(move || {
            heron::heron(a);
        }) {
            cli::fail(format!("cannot start a thread: {e}"));
        }
    }
    // heron.py  c = raw_input("Type something to quit.")
    common::out!("Type something to quit.");
    let _ = common::out::flush();
    // End of input quits too, like any keystroke would.
    let _ = std::io::stdin().lock().read_line(&mut String::new());
    // The threads still running die with the process, as in Python.
    common::out::exit(0)
}
