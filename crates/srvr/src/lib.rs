//! Matloff's `srvr.py`, section 3.1 "The thread Module" (PDF p. 5), and the
//! server engine that section 3.2 "The threading Module" (p. 10) builds on.
//!
//! This library is two things. [`run`] is the 3.1 port: exactly two clients,
//! one thread each, started without join handles; every letter a client
//! sends is appended to the shared string `v` under a lock and all of `v` is
//! sent back; a count of connected clients, under its own lock, tells main
//! when everyone has gone, and main prints `the final value of v is <v>`.
//! [`server`], [`v`] and [`cli`] are the engine both servers run on: the
//! `srvr-threaded` crate (the 3.2 port) is its own accept loop, thread list
//! and joins on top of them. Each line of the listings has an anchor comment
//! next to its Rust twin: the file name, the listing's printed line number
//! and the line as printed. The 3.2 listing prints no file name; its anchors
//! call it `thsvr.py`, the name Matloff 7.4.1 gives his threading server.
//!
//! What Rust changes:
//! - Main sleeps on a condvar until the count is zero ([`common::WaitCount`])
//!   instead of the tutorial's `while nclnt > 0: pass` (`srvr.py:72`), which
//!   keeps a CPU busy the whole session. The wake-up cannot be lost: the
//!   count is tested and slept on under the mutex that each decrement takes,
//!   so the last decrement cannot slip in between main's test and its sleep.
//! - No GIL: client threads really run at once, so the lock around `v` is not
//!   a precaution against an unlikely interleaving (section 3.1's discussion
//!   of `v += k`) but the only thing between two letters and a lost
//!   update; `Mutex` makes `v` unreachable without it. The count needs no
//!   second lock of our own: the `WaitCount` owns one.
//! - Ownership of the client sockets: each is shared (`Arc`) between its
//!   thread and a registry, so Ctrl-C can shut all of them down and end reads
//!   that would block forever. A client that resets, sends a flood or never
//!   sends costs one thread, not the server (the Python thread dies on a
//!   reset, the count never reaches zero, and main spins forever).
//! - `v` is capped (`--max-len`), and each reply is sent whole (the tutorial's
//!   `send` may send only part of a long `v`). Each reply is `v` as the
//!   client's letter left it (the tutorial's `c.send(v)` reads `v` again
//!   after the lock is released, and may send other clients' later letters
//!   too).
//! - Out of file descriptors with no client connected to free one, the
//!   server exits 1 naming `ulimit -n`; with clients connected, it waits for
//!   one to leave.
//!
//! Modules:
//! - [`server`]: what both servers share: listening with a backlog sized for
//!   the clients, accepting, serving one client (the listings' `serveclient`
//!   and `run`), shutdown.
//! - [`v`]: the shared string and its lock, with cheap snapshots for the
//!   replies.
//! - [`cli`]: the options and output both server binaries share.

pub mod cli;
pub mod server;
pub mod v;

pub use server::{Config, Outcome, Server};

use common::{Shutdown, WaitCount};
use std::io;
use std::net::TcpListener;
use std::sync::Arc;

/// The tutorial's fixed number of clients.
// srvr.py:53  nclnt = 2
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
    // The number of clients still connected, with its lock. The tutorial
    // starts it at nclnt; here each accepted client's thread holds a token,
    // which takes one away when dropped (also if the thread panics, or never
    // starts). Both reach zero when every client has come and gone.
    // srvr.py:55  nclntlock = thread.allocate_lock()
    let live = Arc::new(WaitCount::new(0));
    // srvr.py:58  for i in range(nclnt):
    for _ in 0..nclnt {
        // srvr.py:61  (clnt,ap) = lstn.accept()
        let Some(client) = server.accept()? else {
            break; // shutdown
        };
        let name = format!("client-{}", client.id);
        let connected = WaitCount::token(&live);
        // Started and forgotten, like thread.start_new_thread: no handle.
        // srvr.py:66  thread.start_new_thread(serveclient,(clnt,))
        let _ = server::spawn_client(&server, client, name, move |server, client| {
            server.serve(&client);
            // srvr.py:34  nclntlock.acquire()
            // srvr.py:35  nclnt -= 1
            // srvr.py:36  nclntlock.release()
            drop(connected);
        });
    }
    // srvr.py:69  lstn.close()
    server.close_listener();
    // The tutorial busy-waits here, burning a CPU for the whole session;
    // this sleeps until the last client thread's token (or Ctrl-C) wakes it.
    // srvr.py:72  while nclnt > 0: pass
    let finished = live.wait_zero_or(shutdown);
    Ok(server.outcome(finished))
}
