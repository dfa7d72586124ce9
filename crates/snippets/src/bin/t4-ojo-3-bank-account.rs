//! Tim Ojo, "Threading" (slides), "Thread Interference" (here
//! `bank_account.py`; the slides print no line numbers): `BankAccount` with
//! `deposit` and `withdraw` that each read `self.bal` into a local, then
//! write back the local plus or minus the amount; one thread deposits 100,
//! another withdraws 50, and the slides walk through the interleaving in which
//! the withdrawal is lost (balance 100 instead of 50).
//!
//! Why the slide's code does not port as is: in Rust, `self.bal += amt` on a
//! plain `i64` needs `&mut self`, and a value two threads share (through an
//! `Arc`, or a `static`) is only reachable as `&self`. The borrow checker
//! rejects the write ("cannot assign to data in an `Arc`"), and `static mut`
//! needs `unsafe`, which this workspace denies. Unsynchronized shared writes
//! are a data race, undefined behaviour, so safe Rust offers only atomics or
//! locks. Atomics remove the data race but not the *race condition*: an
//! atomic `load` followed by a separate atomic `store` is still read, then
//! write, exactly the slides' two statements, and it still loses updates.
//!
//! This program runs the slide once, then repeats deposit and withdrawal
//! `--iterations` times on two threads in three ways: racy `load` + `store`,
//! a `Mutex`, and `fetch_add`. It prints how many updates each lost: the racy
//! one usually loses many (how many depends on the scheduler, and none at all
//! if the two threads happen not to overlap: the program then says so), the
//! other two never lose any. The slide itself prints nothing; these lines are new.
//!
//! Modern CPython hides this race. A loop of such deposits and withdrawals
//! that should end at 100000000 ended at 115204100 under Python 2.7 and at
//! 25155550 under 3.9, but at exactly 100000000 under 3.11 and 3.13: since
//! 3.10 the interpreter switches threads only at calls and loop back-edges,
//! and there is none between `balance = self.bal` and the store.
//! `sys.setswitchinterval` (3.x) and Python 2's `sys.setcheckinterval`
//! (Matloff 7.4's "100 byte code instructions" is its default) change how
//! often a switch can come, not where, so on 3.10+ no setting brings the
//! loss back; a call in between (`time.sleep(0)`) or the free-threaded
//! 3.13t does. These Rust threads really run at once, so the racy account
//! loses updates whenever the two overlap.
//!
//! `cargo run --release -p snippets --bin t4-ojo-3-bank-account`

use common::outln;

use clap::Parser;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex};

/// Lost updates, for real: racy load-then-store versus a Mutex and fetch_add.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Deposits of 100 (one thread) and withdrawals of 50 (another thread) per run
    #[arg(long, default_value_t = 5_000_000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    iterations: u32,
}

/// The three accounts differ only in how they apply `amt`.
trait Account: Sync + Send {
    fn apply(&self, amt: i64);
    /// (balance, operations that took effect)
    fn totals(&self) -> (i64, u64);
}

/// The slide's account: read, then write. The word holds the balance (low 32
/// bits) and a count of operations applied (high 32 bits), updated by the
/// same racy read-then-write: an update that is lost loses its +1 too, so
/// `operations - count` is exactly the number of lost updates.
#[derive(Default)]
struct Racy(AtomicU64);

// bank_account.py  class BankAccount:
impl Account for Racy {
    // bank_account.py  def deposit(self, amt):
    // bank_account.py  def withdraw(self, amt):
    fn apply(&self, amt: i64) {
        // bank_account.py  balance = self.bal
        let word = self.0.load(SeqCst);
        let (bal, ops) = unpack(word);
        // Another thread may store here; this store then wipes its update.
        // bank_account.py  self.bal = balance + amt
        // bank_account.py  self.bal = balance - amt
        self.0.store(pack(bal + amt, ops + 1), SeqCst);
    }
    fn totals(&self) -> (i64, u64) {
        unpack(self.0.load(SeqCst))
    }
}

fn pack(bal: i64, ops: u64) -> u64 {
    (ops << 32) | u64::from(bal as i32 as u32)
}

fn unpack(word: u64) -> (i64, u64) {
    (i64::from(word as u32 as i32), word >> 32)
}

/// Fixed with a lock: read and write happen while no one else can.
#[derive(Default)]
struct Locked(Mutex<(i64, u64)>);

impl Account for Locked {
    fn apply(&self, amt: i64) {
        let mut acct = self.0.lock().unwrap_or_else(|e| e.into_inner());
        acct.0 += amt;
        acct.1 += 1;
    }
    fn totals(&self) -> (i64, u64) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Fixed with one atomic read-modify-write per update.
#[derive(Default)]
struct FetchAdd(AtomicI64, AtomicU64);

impl Account for FetchAdd {
    fn apply(&self, amt: i64) {
        self.0.fetch_add(amt, SeqCst);
        self.1.fetch_add(1, SeqCst);
    }
    fn totals(&self) -> (i64, u64) {
        (self.0.load(SeqCst), self.1.load(SeqCst))
    }
}

/// One thread deposits 100 `n` times while another withdraws 50 `n` times,
/// both released at once by a barrier.
fn run(account: Arc<dyn Account>, n: u32) -> (i64, u64) {
    let start = Arc::new(Barrier::new(2));
    // bank_account.py  t1 = threading.Thread(target=b.deposit, args=(100,))
    // bank_account.py  t2 = threading.Thread(target=b.withdraw, args=(50,))
    // bank_account.py  t1.start()
    // bank_account.py  t2.start()
    let threads: Vec<_> = [100, -50]
        .into_iter()
        .map(|amt| {
            let (account, start) = (account.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..n {
                    account.apply(amt);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("an account thread panicked");
    }
    account.totals()
}

fn main() {
    let cli: Cli = common::cli::parse();
    // bank_account.py  def __init__(self):
    // bank_account.py  self.bal = 0
    // bank_account.py  b = BankAccount()
    let (bal, _) = run(Arc::new(Racy::default()), 1);
    outln!("slide: deposit 100 and withdraw 50 on two threads: balance {bal}");

    let n = cli.iterations;
    let expected = 50 * i64::from(n);
    let accounts: [(&str, Arc<dyn Account>); 3] = [
        ("racy (load, then store)", Arc::new(Racy::default())),
        ("lock (Mutex)", Arc::new(Locked::default())),
        ("atomic (fetch_add)", Arc::new(FetchAdd::default())),
    ];
    for (name, account) in accounts {
        let (bal, applied) = run(account, n);
        let lost = 2 * u64::from(n) - applied;
        outln!(
            "{name}: balance {bal}, expected {expected}: lost {lost} of {} updates",
            2 * u64::from(n)
        );
        if lost == 0 && name.starts_with("racy") {
            // Possible when the scheduler runs the two threads one after the
            // other (a busy machine); the code is as racy as ever.
            outln!(
                "  (the two threads did not overlap this time: run again or raise --iterations)"
            );
        }
    }
    common::out::exit(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_negative_balances() {
        for (bal, ops) in [(0, 0), (-50, 1), (50_000_000, 2_000_000), (-7, 9)] {
            assert_eq!(unpack(pack(bal, ops)), (bal, ops));
        }
    }
}
