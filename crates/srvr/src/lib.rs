//! Matloff's `srvr.py`, section 3.1 "The thread Module"
//! (matloff-threads-tutorial.md lines 98-411): exactly two clients, one thread
//! each, started without join handles; every letter a client sends is
//! appended to the shared string `v` under a lock and all of `v` is sent
//! back; a count of connected clients, under its own lock, tells main when
//! everyone has gone, and main prints `the final value of v is <v>`.
//!
//! What Rust changes:
//! - Main sleeps on a condvar until the count is zero ([`common::WaitCount`])
//!   instead of the tutorial's `while nclnt > 0: pass` (line 284), which keeps
//!   a CPU busy the whole session. The wake-up cannot be lost: the count is
//!   tested and slept on under the mutex that each decrement takes, so the
//!   last decrement cannot slip in between main's test and its sleep.
//! - No GIL: client threads really run at once, so the lock around `v` is not
//!   a precaution against an unlikely interleaving (lines 366-411) but the only
//!   thing between two letters and a lost update; `Mutex` makes `v`
//!   unreachable without it. The count needs no second lock of our own: the
//!   `WaitCount` owns one.
//! - Ownership of the client sockets: each is shared (`Arc`) between its
//!   thread and a registry, so Ctrl-C can shut all of them down and end reads
//!   that would block forever. A client that resets, sends a flood or never
//!   sends costs one thread, not the server (the Python thread dies on a
//!   reset, the count never reaches zero, and main spins forever).
//! - `v` is capped (`--max-len`), and each reply is sent whole (the tutorial's
//!   `send` may send only part of a long `v`).
//!
//! Modules:
//! - [`server`]: what both servers share: listening with a backlog sized for
//!   the clients, accepting, serving one client, shutdown.
//! - [`v`]: the shared string, with cheap snapshots for the replies.
//! - [`cli`]: the options and output both server binaries share.
//!
//! The threading-module version (section 3.2) is the `srvr-threaded` crate,
//! built on this one.

pub mod cli;
pub mod server;
pub mod v;

pub use server::{Config, Outcome, Server};

use common::{Shutdown, WaitCount};
use std::io;
use std::net::TcpListener;
use std::sync::Arc;

/// The tutorial's fixed number of clients (line 251, `nclnt = 2`).
pub const NCLNT: usize = 2;

/// Serves [`NCLNT`] clients on `listener` until all have gone (or `shutdown`
/// is triggered) and returns `v`.
pub fn run(listener: TcpListener, config: Config, shutdown: &Shutdown) -> io::Result<Outcome> {
    run_for(NCLNT, listener, config, shutdown)
}

/// [`run`] for `nclnt` clients (the tests use other counts).
pub fn run_for(
    nclnt: usize,
    listener: TcpListener,
    config: Config,
    shutdown: &Shutdown,
) -> io::Result<Outcome> {
    let server = Server::new(listener, config, shutdown);
    // The number of clients still connected: each client thread holds a
    // token, which takes one away when dropped (also if the thread panics,
    // or never starts).
    let live = Arc::new(WaitCount::new(0));
    for _ in 0..nclnt {
        let Some(client) = server.accept()? else {
            break; // shutdown
        };
        let name = format!("client-{}", client.id);
        let connected = WaitCount::token(&live);
        // Started and forgotten, like thread.start_new_thread: no handle.
        let _ = server::spawn_client(&server, client, name, move |server, client| {
            server.serve(&client);
            drop(connected);
        });
    }
    server.close_listener();
    // The tutorial's line 284 is `while nclnt > 0: pass`, a busy wait that
    // burns a CPU for the whole session; this sleeps until the last client
    // thread's decrement (or Ctrl-C) wakes it.
    let finished = live.wait_zero_or(shutdown);
    Ok(server.outcome(finished))
}
