//! Matloff's threading-module server, section 3.2 "The threading Module"
//! (matloff-threads-tutorial.md lines 413-607): `NCLNT` clients, a thread
//! object per client with an ID number (`srvr.id`), a list of the threads,
//! and a `join()` on each at the end instead of 3.1's busy wait.
//!
//! What Rust changes: the tutorial's class variables `v` and `vlock` become
//! one `Mutex` inside the shared [`srvr::Server`] (the data cannot be reached
//! without its lock); the thread subclass becomes a closure given to
//! `thread::Builder` with the ID in the thread's name; the join handles are
//! the tutorial's `mythreads` list. No GIL, so the client threads really run
//! at once. Everything else (the letter loop, the cap on `v`, shutdown, the
//! listen backlog sized for `NCLNT` instead of `listen(5)`) is shared with
//! `srvr`, the 3.1 port.
//!
//! Ctrl-C shuts down every client socket, so each thread's blocked read
//! returns and the joins finish at once.

use common::Shutdown;
use srvr::server::{self, Config, Outcome, Server};
use std::io;
use std::net::TcpListener;
use std::thread::JoinHandle;

/// Serves `nclnt` clients on `listener`, one thread each, joins them all and
/// returns `v` (or what it was when `shutdown` came).
pub fn run(
    nclnt: usize,
    listener: TcpListener,
    config: Config,
    shutdown: &Shutdown,
) -> io::Result<Outcome> {
    let server = Server::new(listener, config, shutdown);
    // The tutorial's list of all the threads keeps every one to the end; this
    // one keeps only the threads still running. A finished thread's stack
    // stays mapped until it is joined, so holding every handle would grow
    // memory with each client ever served (about 33,000 clients that come
    // and go exhaust vm.max_map_count and the next thread start aborts).
    let mut mythreads: Vec<JoinHandle<()>> = Vec::new();
    for _ in 0..nclnt {
        let Some(client) = server.accept()? else {
            break; // shutdown
        };
        join_finished(&mut mythreads);
        // The tutorial's `srvr.id`, in the thread's name (visible in `top -H`).
        let name = format!("srvr-{}", client.id);
        if let Some(handle) = server::spawn_client(&server, client, name, |server, client| {
            server.serve(&client)
        }) {
            mythreads.push(handle);
        }
    }
    server.close_listener();
    // Once shutdown has closed the sockets, every thread ends promptly.
    for s in mythreads {
        let _ = s.join();
    }
    Ok(server.outcome(true))
}

/// Joins (and drops) the handles of the threads that have finished.
fn join_finished(threads: &mut Vec<JoinHandle<()>>) {
    let mut i = 0;
    while i < threads.len() {
        if threads[i].is_finished() {
            let _ = threads.swap_remove(i).join();
        } else {
            i += 1;
        }
    }
}
