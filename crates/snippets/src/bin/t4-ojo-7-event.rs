//! ojo-threading.md lines 923-938, `threading.Event`: client threads `wait()`
//! for the flag (blocking while it is false), a server thread `set()`s it
//! (waking them) and `clear()`s it again.
//!
//! Rust changes: [`common::Event`] is the same object, `Arc`-shared. Its
//! `wait` also returns when a `set()` is followed at once by `clear()`,
//! which a bare `while !flag { condvar.wait() }` can miss (see
//! crates/common/src/event.rs). The slide prints nothing; the lines are new.
//!
//! `cargo run -p common --example ojo_event`

use snippets::say;

use common::Event;
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let event = Arc::new(Event::new());
    let clients: Vec<_> = (1..=3)
        .map(|i| {
            let event = event.clone();
            std::thread::spawn(move || {
                say!("client {i}: waiting for the flag");
                event.wait(); // blocks if flag is false
                say!("client {i}: the flag is set, going on");
            })
        })
        .collect();
    let server = {
        let event = event.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            say!("server: set()");
            event.set(); // sets the flag to true
        })
    };
    server.join().expect("server panicked");
    for c in clients {
        c.join().expect("a client panicked");
    }
    event.clear(); // resets the flag to false
    say!(
        "server: clear(); is_set() = {}",
        snippets::py::bool(event.is_set())
    );
    let woken = event.wait_timeout(Duration::from_millis(50));
    say!(
        "client: wait(0.05) after clear() returned {}",
        snippets::py::bool(woken)
    );
}
