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
//! `--trace FILE` / `--timeline`: rows `MainThread` and `Thread-1` (the
//! thread that panics), `Thread-2` (the holder), `Thread-3` (the one that
//! takes the lock after main's `locked()`); an `acquire` wait per
//! `acquire()` or `with lock:` of the slides, an `acquire(False)` instant
//! per `try_lock` with its answer, `barrier` waits where the threads meet,
//! `Thread-3`'s `sleep` while it holds the lock and main's `join`s. Main's
//! last `acquire` lasts the printed `waited N ms`.
//!
//! `cargo run -p snippets --bin t4-ojo-4-locks`

use common::outln;

use std::sync::{Arc, Barrier, Mutex, TryLockError};
use std::time::{Duration, Instant};

fn main() {
    let trace = snippets::trace::Flags::from_env().start();
    // locks.py  lock = threading.Lock()
    let lock = Arc::new(Mutex::new(0u32));

    let acquire = timeline::wait!("acquire", "lock.acquire()");
    // locks.py  lock.acquire()
    let mut shared = lock.lock().unwrap();
    drop(acquire);
    // locks.py  ... access shared resource ...
    *shared += 1;
    // locks.py  lock.release()
    drop(shared);
    outln!("acquire/release: counter = {}", lock.lock().unwrap());

    // try: ... finally: lock.release() -- the guard is released on unwinding.
    let l = lock.clone();
    std::panic::set_hook(Box::new(|_| {})); // keep the demonstration's panic quiet
    let crashed = std::thread::spawn(move || {
        timeline::thread_name("Thread-1");
        let acquire = timeline::wait!("acquire", "lock.acquire(), then try:");
        // locks.py  try:
        let mut shared = l.lock().unwrap();
        drop(acquire);
        *shared += 1;
        // locks.py  finally:
        // locks.py  lock.release()
        // (the guard is dropped while this panic unwinds)
        panic!("an exception while holding the lock");
    })
    .join()
    .is_err();
    let _ = std::panic::take_hook();
    let acquire = timeline::wait!("acquire", "lock.acquire() after the panic");
    let shared = lock.lock();
    drop(acquire);
    let shared = match shared {
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
        let acquire = timeline::wait!("acquire", "with lock:");
        // locks.py  with lock:
        let mut shared = lock.lock().unwrap();
        drop(acquire);
        *shared += 1;
    } // released here
    outln!("with: counter = {}", lock.lock().unwrap());

    // if lock.acquire(False): ... else: ...
    let held = Arc::new(Barrier::new(2));
    let done = Arc::new(Barrier::new(2));
    let holder = {
        let (lock, held, done) = (lock.clone(), held.clone(), done.clone());
        std::thread::spawn(move || {
            timeline::thread_name("Thread-2");
            let acquire = timeline::wait!("acquire", "lock.acquire()");
            let _guard = lock.lock().unwrap();
            drop(acquire);
            let _meet = timeline::wait!("barrier", "hold the lock until main has tried");
            held.wait();
            done.wait();
        })
    };
    let meet = timeline::wait!("barrier", "wait until Thread-2 holds the lock");
    held.wait();
    drop(meet);
    // locks.py  if lock.acquire(False):
    let tried = lock.try_lock();
    timeline::instant!(
        "acquire(False)",
        "lock.acquire(False): {}",
        snippets::py::bool(tried.is_ok())
    );
    match tried {
        Ok(_) => outln!("acquire(False) while another thread holds it: acquired (unexpected)"),
        // locks.py  else:
        // locks.py  ... could not acquire lock, do other stuff
        Err(_) => outln!(
            "acquire(False) while another thread holds it: could not acquire lock, do other stuff"
        ),
    }
    done.wait();
    let join = timeline::wait!("join", "join Thread-2");
    holder.join().unwrap();
    drop(join);
    let tried = lock.try_lock();
    timeline::instant!(
        "acquire(False)",
        "lock.acquire(False): {}",
        snippets::py::bool(tried.is_ok())
    );
    match tried {
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
            timeline::thread_name("Thread-3");
            let meet = timeline::wait!("barrier", "wait for main's locked()");
            checked.wait();
            drop(meet);
            let acquire = timeline::wait!("acquire", "lock.acquire()");
            let _guard = lock.lock().unwrap();
            drop(acquire);
            taken.wait();
            let _z = timeline::sleep!("sleep", "sleep(0.1) holding the lock");
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
    let meet = timeline::wait!("barrier", "let Thread-3 take the lock");
    checked.wait(); // here the scheduler lets another thread run, as it may at any time
    taken.wait();
    drop(meet);
    let acquire = timeline::wait!("acquire", "lock.acquire() after locked() said free");
    let t0 = Instant::now();
    // locks.py  else:
    // locks.py  lock.acquire()
    let guard = lock.lock().unwrap();
    let waited = t0.elapsed();
    drop(acquire);
    drop(guard);
    let join = timeline::wait!("join", "join Thread-3");
    other.join().unwrap();
    drop(join);
    outln!(
        "locked() check: yet acquire() then waited {} ms, because another thread took the lock in between",
        waited.as_millis()
    );
    outln!("locked() check: only try_lock() (acquire(False)) tests and takes in one step");
    trace.exit(0)
}

/// What Python's `Lock.locked()` answers, emulated: the answer may be wrong
/// by the time the caller looks at it.
fn locked<T>(m: &Mutex<T>) -> bool {
    matches!(m.try_lock(), Err(TryLockError::WouldBlock))
}
