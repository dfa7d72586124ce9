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
//! `cargo run -p snippets --bin t4-ojo-7-event`

use common::outln;

use common::Event;
use std::sync::Arc;
use std::time::Duration;

fn main() {
    // event.py  event = threading.Event()
    let event = Arc::new(Event::new());
    let clients: Vec<_> = (1..=3)
        .map(|i| {
            let event = event.clone();
            std::thread::spawn(move || {
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
            std::thread::sleep(Duration::from_millis(100));
            outln!("server: set()");
            // event.py  event.set() # sets the flag to true
            event.set();
        })
    };
    server.join().expect("server panicked");
    for c in clients {
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
    common::out::exit(0)
}
