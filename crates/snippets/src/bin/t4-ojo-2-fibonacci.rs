//! Tim Ojo, "Threading" (slides), "Creating Threads in Python", the
//! `FibonacciThread(threading.Thread)` listing (here `fibonacci.py`, lines
//! 1-18 as the slides number them), whose `run` fills a list with Fibonacci
//! numbers up to `num` and prints `fib[num]`; main starts
//! `FibonacciThread(9)` and `FibonacciThread(12)` and joins both.
//!
//! Rust changes: the subclass-with-`run` is a struct that owns its input plus
//! a `start` that spawns a thread running `run` (a thread cannot borrow the
//! struct, so `start` consumes it). As printed on the slides the program does
//! not run: it calls `Thread.__init__` after only `import threading` (a
//! `NameError`), and its Python 2 `print fib[self.num]` is indented inside the
//! loop, so it would print `fib[num]` (0 until the last step) once per step.
//! This port prints it once, after the loop: `34` and `144`, in whichever
//! order the two threads finish (usually 34 first). The numbers may be
//! given as arguments (1 to 186, the largest that fits a `u128`); with very
//! many, finished threads are joined as the next ones start
//! ([`snippets::threads`]), so 33000 arguments finish as in Python.
//!
//! `cargo run -p snippets --bin t4-ojo-2-fibonacci`

use clap::Parser;
use common::{cli, outln};
use snippets::threads::Threads;

/// Each number's Fibonacci value, computed in a thread of its own.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Which Fibonacci numbers [default: 9 12]
    #[arg(value_parser = clap::value_parser!(u32).range(1..=186))]
    nums: Vec<u32>,
}

// fibonacci.py:2  class FibonacciThread(threading.Thread):
struct FibonacciThread {
    num: usize,
}

impl FibonacciThread {
    // fibonacci.py:3  def __init__(self, num):
    fn new(num: u32) -> Self {
        // fibonacci.py:4  Thread.__init__(self)
        // fibonacci.py:5  self.num = num
        Self { num: num as usize }
    }

    // fibonacci.py:6  def run(self):
    fn run(&self) {
        // fibonacci.py:7  fib = [0] * (self.num + 1)
        // fibonacci.py:8  fib[0] = 0
        let mut fib = vec![0u128; self.num + 1];
        // fibonacci.py:9  fib[1] = 1
        fib[1] = 1;
        // fibonacci.py:10  for i in range(2, self.num+1):
        for i in 2..=self.num {
            // fibonacci.py:11  fib[i] = fib[i - 1] + fib[i - 2]
            fib[i] = fib[i - 1] + fib[i - 2];
        }
        // Once, after the loop (the slide's indentation puts it inside).
        // fibonacci.py:12  print fib[self.num]
        outln!("{}", fib[self.num]);
    }

    /// `Thread.start`: runs `run` on a thread of its own, kept in `threads`.
    fn start(self, threads: &mut Threads) {
        if let Err(e) = threads.spawn(move || self.run()) {
            cli::fail(format!("cannot start a thread: {e}"));
        }
    }
}

fn main() {
    let cli: Cli = cli::parse();
    let nums = if cli.nums.is_empty() {
        vec![9, 12]
    } else {
        cli.nums
    };
    // fibonacci.py:13  myFibTask1 = FibonacciThread(9)
    // fibonacci.py:14  myFibTask2 = FibonacciThread(12)
    let tasks: Vec<_> = nums.into_iter().map(FibonacciThread::new).collect();
    let mut threads = Threads::new();
    // fibonacci.py:15  myFibTask1.start()
    // fibonacci.py:16  myFibTask2.start()
    for task in tasks {
        task.start(&mut threads);
    }
    // fibonacci.py:17  myFibTask1.join()
    // fibonacci.py:18  myFibTask2.join()
    let panicked = threads.join_all();
    common::out::exit(i32::from(panicked > 0))
}
