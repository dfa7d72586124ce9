//! Tim Ojo, "Threading" (slides), "threading.Event" (here `event.py`,
//! unnumbered fragments): client threads `wait()`
//! for the flag (blocking while it is false), a server thread `set()`s it
//! (waking them) and `clear()`s it again.
//!
//! Rust changes: [`common::Event`] is the same object, `Arc`-shared. Its
//! `wait` also returns when a `set()` is followed at once by `clear()`,
//! which a bare `while !flag { condvar.wait() }` can miss (see `common`'s
//! `event` module). The slide prints nothing; the lines are new.
//!
//! `--trace FILE` / `--timeline`: rows `MainThread`, the clients
//! `Thread-1` to `Thread-3` (a `run` span each, around their `wait()`) and
//! the server `Thread-4` (a `sleep`, then `set()`); main's `join`s. The
//! waits, `set()` and `clear()` themselves are recorded by `common`.
//!
//! `cargo run -p snippets --bin t4-ojo-7-event`

use common::outln;

use common::Event;
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let trace = snippets::trace::Flags::from_env().start();
    // event.py  event = threading.Event()
    let event = Arc::new(Event::new());
    let clients: Vec<_> = (1..=3)
        .map(|i| {
            let event = event.clone();
            std::thread::spawn(move || {
                timeline::thread_name(format_args!("Thread-{i}"));
                let _run = timeline::work!("run", "client {i}: run()");
                outln!("client {i}: waiting for the flag");
                // event.py  event.wait() # blocks if flag is false
                event.wait();
                outln!("client {i}: the flag is set, going on");
            })
        })
        .collect();
    let server = {
        let event = event.clone();
        std::thread::spawn(move || {
            timeline::thread_name("Thread-4");
            let z = timeline::sleep!("sleep", "sleep(0.1)");
            std::thread::sleep(Duration::from_millis(100));
            drop(z);
            outln!("server: set()");
            // event.py  event.set() # sets the flag to true
            event.set();
        })
    };
    let join = timeline::wait!("join", "join the server");
    server.join().expect("server panicked");
    drop(join);
    for c in clients {
        let _join = timeline::wait!("join", "join a client");
        c.join().expect("a client panicked");
    }
    // event.py  event.clear() # resets the flag to false
    event.clear();
    outln!(
        "server: clear(); is_set() = {}",
        snippets::py::bool(event.is_set())
    );
    let woken = event.wait_timeout(Duration::from_millis(50));
    outln!(
        "client: wait(0.05) after clear() returned {}",
        snippets::py::bool(woken)
    );
    trace.exit(0)
}
