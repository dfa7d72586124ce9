//! ojo-threading.md lines 146-257: `FibonacciThread(threading.Thread)`,
//! whose `run` fills a list with Fibonacci numbers up to `num` and prints
//! `fib[num]`; main starts `FibonacciThread(9)` and `FibonacciThread(12)`
//! and joins both.
//!
//! Rust changes: the subclass-with-`run` is a struct that owns its input plus
//! a `start` that spawns a thread running `run` (a thread cannot borrow the
//! struct, so `start` consumes it). As printed on the slides the program does
//! not run: it calls `Thread.__init__` after only `import threading` (a
//! `NameError`), and its Python 2 `print fib[self.num]` is indented inside the
//! loop, so it would print `fib[num]` (0 until the last step) once per step.
//! This port prints it once, after the loop: `34` and `144`, in whichever
//! order the two threads finish (usually 34 first). The numbers may be
//! given as arguments (1 to 186, the largest that fits a `u128`).
//!
//! `cargo run -p common --example ojo_fibonacci`

use snippets::say;

use clap::Parser;
use std::thread::JoinHandle;

/// Each number's Fibonacci value, computed in a thread of its own.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Which Fibonacci numbers [default: 9 12]
    #[arg(value_parser = clap::value_parser!(u32).range(1..=186))]
    nums: Vec<u32>,
}

struct FibonacciThread {
    num: usize,
}

impl FibonacciThread {
    fn new(num: u32) -> Self {
        Self { num: num as usize }
    }

    fn run(&self) {
        let mut fib = vec![0u128; self.num + 1];
        fib[1] = 1;
        for i in 2..=self.num {
            fib[i] = fib[i - 1] + fib[i - 2];
        }
        say!("{}", fib[self.num]);
    }

    fn start(self) -> JoinHandle<()> {
        std::thread::spawn(move || self.run())
    }
}

fn main() {
    let cli: Cli = common::cli::parse();
    let nums = if cli.nums.is_empty() {
        vec![9, 12]
    } else {
        cli.nums
    };
    let tasks: Vec<_> = nums.into_iter().map(FibonacciThread::new).collect();
    let handles: Vec<_> = tasks.into_iter().map(FibonacciThread::start).collect();
    for h in handles {
        h.join().expect("a Fibonacci thread panicked");
    }
}
