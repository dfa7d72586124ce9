//! Tim Ojo, "Threading" (slides), "threading.Lock" (here `locks.py`, five
//! unnumbered fragments): the four ways the slides use a lock. `acquire()`
//! ... `release()`; the same inside `try:`/`finally:` so an exception cannot
//! leave it held; `with lock:`; `acquire(False)`, which takes the lock only
//! if it is free; and `locked()` followed by `acquire()`, with the slide's
//! warning that the lock may no longer be free by then.
//!
//! Rust changes: `Mutex::lock` returns a guard and dropping the guard is the
//! release, so acquire/release, `try/finally` and `with` are all the same
//! scoped guard; the lock also *owns* the data, so touching the data without
//! the lock does not compile. A panic while holding the guard still releases
//! it (unwinding drops the guard) and marks the mutex poisoned, which the
//! next `lock` reports. `acquire(False)` is `try_lock`. `Mutex` has no
//! `locked()`: `try_lock` is the only safe test, because it tests and takes
//! in one step. The last part makes the slide's warning happen: main sees
//! the lock free, another thread takes it before main's `acquire`, and main
//! waits. The slides print nothing; every line here is new.
//!
//! `cargo run -p snippets --bin t4-ojo-4-locks`

use common::outln;

use std::sync::{Arc, Barrier, Mutex, TryLockError};
use std::time::{Duration, Instant};

fn main() {
    // locks.py  lock = threading.Lock()
    let lock = Arc::new(Mutex::new(0u32));

    // locks.py  lock.acquire()
    let mut shared = lock.lock().unwrap();
    // locks.py  ... access shared resource ...
    *shared += 1;
    // locks.py  lock.release()
    drop(shared);
    outln!("acquire/release: counter = {}", lock.lock().unwrap());

    // try: ... finally: lock.release() -- the guard is released on unwinding.
    let l = lock.clone();
    std::panic::set_hook(Box::new(|_| {})); // keep the demonstration's panic quiet
    let crashed = std::thread::spawn(move || {
        // locks.py  try:
        let mut shared = l.lock().unwrap();
        *shared += 1;
        // locks.py  finally:
        // locks.py  lock.release()
        // (the guard is dropped while this panic unwinds)
        panic!("an exception while holding the lock");
    })
    .join()
    .is_err();
    let _ = std::panic::take_hook();
    let shared = match lock.lock() {
        Ok(g) => g,
        Err(poisoned) => {
            outln!(
                "try/finally: a thread panicked holding the lock; the lock was released (and poisoned)"
            );
            poisoned.into_inner()
        }
    };
    assert!(crashed);
    outln!("try/finally: counter = {}", *shared);
    drop(shared);
    lock.clear_poison();

    {
        // locks.py  with lock:
        let mut shared = lock.lock().unwrap();
        *shared += 1;
    } // released here
    outln!("with: counter = {}", lock.lock().unwrap());

    // if lock.acquire(False): ... else: ...
    let held = Arc::new(Barrier::new(2));
    let done = Arc::new(Barrier::new(2));
    let holder = {
        let (lock, held, done) = (lock.clone(), held.clone(), done.clone());
        std::thread::spawn(move || {
            let _guard = lock.lock().unwrap();
            held.wait();
            done.wait();
        })
    };
    held.wait();
    // locks.py  if lock.acquire(False):
    match lock.try_lock() {
        Ok(_) => outln!("acquire(False) while another thread holds it: acquired (unexpected)"),
        // locks.py  else:
        // locks.py  ... could not acquire lock, do other stuff
        Err(_) => outln!(
            "acquire(False) while another thread holds it: could not acquire lock, do other stuff"
        ),
    }
    done.wait();
    holder.join().unwrap();
    match lock.try_lock() {
        Ok(mut shared) => {
            // locks.py  ... lock acquired, do stuff with lock
            *shared += 1;
            outln!(
                "acquire(False) when free: lock acquired, counter = {}",
                *shared
            );
        }
        Err(_) => outln!("acquire(False) when free: could not acquire lock (unexpected)"),
    }

    // if lock.locked(): ... else: lock.acquire()  -- the check goes stale.
    let checked = Arc::new(Barrier::new(2));
    let taken = Arc::new(Barrier::new(2));
    let other = {
        let (lock, checked, taken) = (lock.clone(), checked.clone(), taken.clone());
        std::thread::spawn(move || {
            checked.wait();
            let _guard = lock.lock().unwrap();
            taken.wait();
            std::thread::sleep(Duration::from_millis(100));
        })
    };
    // locks.py  if lock.locked():
    // locks.py  ... do other stuff
    let free = !locked(&lock);
    outln!(
        "locked() check: the lock is {}",
        if free { "free" } else { "held" }
    );
    checked.wait(); // here the scheduler lets another thread run, as it may at any time
    taken.wait();
    let t0 = Instant::now();
    // locks.py  else:
    // locks.py  lock.acquire()
    let guard = lock.lock().unwrap();
    let waited = t0.elapsed();
    drop(guard);
    other.join().unwrap();
    outln!(
        "locked() check: yet acquire() then waited {} ms, because another thread took the lock in between",
        waited.as_millis()
    );
    outln!("locked() check: only try_lock() (acquire(False)) tests and takes in one step");
    common::out::exit(0)
}

/// What Python's `Lock.locked()` answers, emulated: the answer may be wrong
/// by the time the caller looks at it.
fn locked<T>(m: &Mutex<T>) -> bool {
    matches!(m.try_lock(), Err(TryLockError::WouldBlock))
}
