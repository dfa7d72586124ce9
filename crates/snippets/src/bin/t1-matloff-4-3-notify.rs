//! Norman Matloff, "Tutorial on Threads Programming with Python", 4.3 "Other
//! threading Classes" (PDF p. 14): `Event.set()` wakes every thread waiting for
//! the event; to wake only one, work at the level of `threading.Condition`,
//! where there is "a choice between using notify() or notifyAll()", and
//! `notify()` "instructs the threads manager to wake just one of the waiting
//! threads (we don't know which one)". The section has no listing; this
//! program and its lines are new.
//!
//! Three threads wait on one condition. Main calls `notify()` once: exactly
//! one of them wakes (which one differs from run to run). Then
//! `notifyAll()`: the other two wake.
//!
//! Rust changes: `threading.Condition` is a `Condvar` with the `Mutex` whose
//! data the waiters test; `notify()` is `notify_one`, `notifyAll()` is
//! `notify_all`. A Rust condvar may also wake a waiter spuriously, and a
//! notify reaches only threads already waiting, so the waiters test a count
//! of wake-ups main has handed out (one for `notify`, all for `notifyAll`)
//! under the lock, and main first waits until all three are waiting.
//!
//! `cargo run -p snippets --bin t1-matloff-4-3-notify`

use common::{cli, outln};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

const WAITERS: usize = 3;

#[derive(Default)]
struct State {
    /// Threads now inside `wait`.
    waiting: usize,
    /// Wake-ups handed out and not yet taken.
    permits: usize,
    /// `notifyAll` was called: everyone may go.
    all: bool,
    /// Who woke on which call, in order.
    woke: Vec<(usize, &'static str)>,
}

struct Cond {
    state: Mutex<State>,
    /// The waiters' condition (`threading.Condition`).
    cond: Condvar,
    /// Tells main that the waiting count changed.
    changed: Condvar,
}

impl Cond {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn main() {
    let c = Arc::new(Cond {
        state: Mutex::new(State::default()),
        cond: Condvar::new(),
        changed: Condvar::new(),
    });
    let mut threads = Vec::new();
    for id in 1..=WAITERS {
        let c = c.clone();
        let spawned = std::thread::Builder::new().spawn(move || {
            let mut s = c.lock();
            s.waiting += 1;
            c.changed.notify_all();
            // cond.wait() until a wake-up is ours
            while s.permits == 0 && !s.all {
                s = c.cond.wait(s).unwrap_or_else(|e| e.into_inner());
            }
            let by = if s.permits > 0 {
                s.permits -= 1;
                "notify()"
            } else {
                "notifyAll()"
            };
            s.waiting -= 1;
            s.woke.push((id, by));
            c.changed.notify_all();
        });
        match spawned {
            Ok(t) => threads.push(t),
            Err(e) => cli::fail(format!("cannot start a thread: {e}")),
        }
    }
    let mut s = c.lock();
    while s.waiting < WAITERS {
        s = c.changed.wait(s).unwrap_or_else(|e| e.into_inner());
    }
    outln!("{WAITERS} threads wait on the condition");
    s.permits = 1;
    c.cond.notify_one();
    while s.woke.is_empty() {
        s = c.changed.wait(s).unwrap_or_else(|e| e.into_inner());
    }
    let (id, by) = s.woke[0];
    outln!(
        "{by}: 1 thread woke (thread {id}); {} still waiting",
        s.waiting
    );
    s.all = true;
    c.cond.notify_all();
    while s.woke.len() < WAITERS {
        s = c.changed.wait(s).unwrap_or_else(|e| e.into_inner());
    }
    let rest: Vec<String> = s.woke[1..]
        .iter()
        .map(|(id, by)| {
            assert_eq!(*by, "notifyAll()");
            format!("thread {id}")
        })
        .collect();
    outln!(
        "notifyAll(): {} threads woke ({}); {} still waiting",
        rest.len(),
        rest.join(", "),
        s.waiting
    );
    drop(s);
    for t in threads {
        t.join().expect("a waiter panicked");
    }
    outln!("Event.set() is notifyAll(): every waiting thread wakes");
    common::out::exit(0)
}
