//! Tim Ojo, "Threading" (slides), "threading.RLock" (here `rlock.py`, two
//! unnumbered fragments): a second `acquire()` of
//! a `Lock` by the thread that holds it blocks forever; an `RLock` counts
//! its owner's acquisitions and lets the second one through.
//!
//! Rust changes: std has no re-entrant lock on stable (`ReentrantLock` is
//! still unstable), and a second `Mutex::lock` on the same thread "might
//! panic or deadlock". This program shows the `Lock` half safely with
//! `try_lock` (which reports that the second acquire would block instead of
//! blocking), then does what Rust code does where Python reaches for an
//! RLock: split each operation into a public method that locks once and a
//! helper that takes the already-locked data (`&mut Balance`), so nested
//! calls pass the guard's data down instead of locking again. The borrow
//! checker proves the helpers can only run under the lock. The slides print
//! nothing; every line here is new.
//!
//! `cargo run -p snippets --bin t4-ojo-5-rlock`

use common::outln;

use std::sync::{Mutex, TryLockError};

fn main() {
    // rlock.py  lock = threading.Lock()
    let lock = Mutex::new(());
    // rlock.py  lock.acquire()
    let _first = lock.lock().unwrap();
    // rlock.py  lock.acquire() # this call will block
    match lock.try_lock() {
        Err(TryLockError::WouldBlock) => {
            outln!("Lock: the second acquire() by the same thread would block forever")
        }
        _ => outln!("Lock: the second acquire() succeeded (unexpected)"),
    }

    // rlock.py  lock = threading.RLock()
    let account = Account::default();
    account.deposit(100);
    // rlock.py  lock.acquire()
    // rlock.py  lock.acquire() # this call won't block
    // (restructured: one lock, then helpers that take the locked data)
    account.deposit_twice(50);
    outln!(
        "RLock, restructured: deposit_twice locked once and called the locked helper twice: balance {}",
        account.balance()
    );
    common::out::exit(0)
}

/// The account's data; only reachable through the lock.
#[derive(Default)]
struct Balance(i64);

#[derive(Default)]
struct Account(Mutex<Balance>);

impl Account {
    /// With an RLock this would lock, then call another locking method.
    fn deposit(&self, amt: i64) {
        Self::deposit_locked(&mut self.lock(), amt);
    }

    /// Calls the deposit logic twice under one acquisition: no re-entry.
    fn deposit_twice(&self, amt: i64) {
        let mut bal = self.lock();
        Self::deposit_locked(&mut bal, amt);
        Self::deposit_locked(&mut bal, amt);
    }

    /// The logic, for callers that already hold the lock.
    fn deposit_locked(bal: &mut Balance, amt: i64) {
        bal.0 += amt;
    }

    fn balance(&self) -> i64 {
        self.lock().0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Balance> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
