//! Norman Matloff, "Tutorial on Threads Programming with Python", Appendix B
//! "Non-Pre-emptive Threads in Python" (PDF p. 25): "Pre-emptive threading is a
//! pain. It is possible to use Python generators to implement
//! non-pre-emptive threads systems in Python" (SimPy is the appendix's
//! example). Section 7.2 says why one would: a thread runs until it gives up
//! the CPU itself, so code needs no locks. The appendix has no listing; this
//! program and its lines are new.
//!
//! Three "threads" share one bank balance with no lock: a depositor, a
//! withdrawer and an auditor, each a generator that `yield`s after every
//! step. A round-robin loop resumes each in turn until all are done. The
//! read-then-write that loses updates in `t4-ojo-3-bank-account` is safe
//! here, because no thread can be stopped between the read and the write:
//! the switch points are exactly the `yield`s, and the output is the same
//! on every run. `--yield-between` puts a `yield` between the read and the
//! write: then the updates are lost, but the same ones on every run, so the
//! bug shows at once instead of once in a million runs.
//!
//! Rust changes: stable Rust has no generators, so each one is written out
//! as the state machine a generator compiles to: a struct that remembers
//! where it stopped, and `resume`, which runs up to the next `yield` and
//! returns [`Step::Yield`] (or [`Step::Done`] for the generator's end).
//! Passing the balance as `&mut` to whoever runs is what makes the lock
//! unnecessary, and the borrow checker proves that only one runs at a time.
//!
//! `cargo run -p snippets --bin t1-matloff-b-generators`

use common::outln;
use std::collections::VecDeque;

/// What a generator's `next()` returns: it yielded, or it ended.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Yield,
    Done,
}

/// A non-pre-emptive thread: runs until its next `yield`.
trait Generator {
    fn name(&self) -> &str;
    fn resume(&mut self, balance: &mut i64) -> Step;
}

/// `def mover(name, amt, times): for i in range(times): bal = balance;
/// balance = bal + amt; yield`, or with `between`, a `yield` after the read
/// too.
struct Mover {
    name: &'static str,
    amt: i64,
    times: u32,
    done: u32,
    /// `Some(bal)` between the read and the write.
    read: Option<i64>,
    /// Yield between the read and the write.
    between: bool,
}

impl Generator for Mover {
    fn name(&self) -> &str {
        self.name
    }

    fn resume(&mut self, balance: &mut i64) -> Step {
        if self.done == self.times {
            return Step::Done;
        }
        let bal = match self.read.take() {
            Some(bal) => bal,
            None => {
                outln!("{}: read balance {}", self.name, *balance);
                if self.between {
                    self.read = Some(*balance);
                    return Step::Yield;
                }
                *balance
            }
        };
        *balance = bal + self.amt;
        self.done += 1;
        outln!("{}: wrote balance {}", self.name, *balance);
        Step::Yield
    }
}

/// Looks at the balance between the others' steps, until they are done.
struct Auditor {
    looks: u32,
}

impl Generator for Auditor {
    fn name(&self) -> &str {
        "auditor"
    }

    fn resume(&mut self, balance: &mut i64) -> Step {
        if self.looks == 0 {
            return Step::Done;
        }
        self.looks -= 1;
        outln!("auditor: balance is {}", *balance);
        Step::Yield
    }
}

/// Non-pre-emptive threads: generators on a round-robin loop, no locks.
#[derive(clap::Parser)]
#[command(version)]
struct Cli {
    /// Yield between reading and writing the balance (updates are lost)
    #[arg(long)]
    yield_between: bool,
}

fn main() {
    let cli: Cli = common::cli::parse();
    let between = cli.yield_between;
    let mut balance = 0;
    let mut ready: VecDeque<Box<dyn Generator>> = VecDeque::from([
        Box::new(Mover {
            name: "deposit 100",
            amt: 100,
            times: 3,
            done: 0,
            read: None,
            between,
        }) as Box<dyn Generator>,
        Box::new(Mover {
            name: "withdraw 50",
            amt: -50,
            times: 3,
            done: 0,
            read: None,
            between,
        }),
        Box::new(Auditor { looks: 3 }),
    ]);
    let mut switches = 0;
    // The scheduler: resume each in turn; one that is done leaves the ring.
    while let Some(mut g) = ready.pop_front() {
        match g.resume(&mut balance) {
            Step::Yield => {
                switches += 1;
                ready.push_back(g);
            }
            Step::Done => outln!("{} is done", g.name()),
        }
    }
    outln!(
        "final balance {balance}, expected 150 (3 x 100 - 3 x 50); {switches} switches, all at a yield"
    );
    common::out::exit(0)
}
