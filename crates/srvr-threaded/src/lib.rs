//! Matloff's threading-module server, section 3.2 "The threading Module"
//! (PDF p. 10): `NCLNT` clients, a thread object per client with an ID number
//! (`srvr.id`), a list of the threads, and a `join()` on each at the end
//! instead of 3.1's busy wait. The listing prints no file name: its anchors
//! here (and in the `srvr` crate, whose engine this runs on) call it
//! `thsvr.py`, the name Matloff 7.4.1 gives his threading server.
//!
//! What Rust changes: the tutorial's class variables `v` and `vlock` become
//! one `Mutex` inside the shared [`srvr::Server`] (the data cannot be reached
//! without its lock); the thread subclass becomes a closure given to
//! `thread::Builder` with the ID in the thread's name; the join handles are
//! the tutorial's `mythreads` list, except that a finished thread is joined
//! and dropped as soon as the next client comes (the listing keeps every one
//! to the end: with thousands of clients that come and go, their stacks fill
//! memory). No GIL, so the client threads really run at once. Everything
//! else (the letter loop, the cap on `v`, shutdown, the listen backlog sized
//! for `NCLNT` instead of `listen(5)`) is shared with `srvr`, the 3.1 port.
//!
//! `--enumerate` prints what the section's `print threading.enumerate()`,
//! placed after the accept loop, prints: the threads still running, in
//! Python's format. Rust has no list of a process's threads, so this one is
//! made from `mythreads`.
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
    run_enumerating(nclnt, listener, config, shutdown, |_| {})
}

/// [`run`], handing `enumerate` the line `print threading.enumerate()`
/// would print after the accept loop (see [`enumerate_line`]).
pub fn run_enumerating(
    // thsvr.py:51  nclnt = int(sys.argv[2]) # number of clients
    nclnt: usize,
    listener: TcpListener,
    config: Config,
    shutdown: &Shutdown,
    enumerate: impl FnOnce(String),
) -> io::Result<Outcome> {
    let server = Server::new(listener, config, shutdown);
    // The threads still running, with their IDs (the tutorial's list keeps
    // them all; see the crate docs).
    // thsvr.py:53  mythreads = [] # list of all the threads
    let mut mythreads: Vec<(u64, JoinHandle<()>)> = Vec::new();
    // thsvr.py:55  for i in range(nclnt):
    for _ in 0..nclnt {
        // thsvr.py:58  (clnt,ap) = lstn.accept()
        let Some(client) = server.accept()? else {
            break; // shutdown
        };
        join_finished(&mut mythreads);
        let id = client.id;
        // The tutorial's `srvr.id`, in the thread's name (visible in `top -H`).
        let name = format!("srvr-{id}");
        // The class's run() is the closure; its instance variables are the
        // closure's `client` (socket and ID). Creating and starting are one
        // step in Rust.
        // thsvr.py:15  class srvr(threading.Thread):
        // thsvr.py:20  def __init__(self,clntsock):
        // thsvr.py:22  threading.Thread.__init__(self)
        // thsvr.py:26  self.myclntsock = clntsock
        // thsvr.py:60  s = srvr(clnt)
        // thsvr.py:65  s.start()
        if let Some(handle) = server::spawn_client(&server, client, name, move |server, client| {
            // The row Python's `threading.enumerate()` calls `Thread-N`.
            timeline::thread_name(format_args!("Thread-{}", id + 1));
            server.serve(&client)
        }) {
            // thsvr.py:62  mythreads.append(s)
            mythreads.push((id, handle));
        }
    }
    enumerate(enumerate_line(&mythreads));
    // thsvr.py:68  lstn.close()
    server.close_listener();
    // Once shutdown has closed the sockets, every thread ends promptly.
    // thsvr.py:71  for s in mythreads:
    for (id, s) in mythreads {
        let _join = timeline::wait!("join", "Thread-{}.join()", id + 1);
        // thsvr.py:72  s.join()
        let _ = s.join();
    }
    Ok(server.outcome(true))
}

/// Joins (and drops) the handles of the threads that have finished.
fn join_finished(threads: &mut Vec<(u64, JoinHandle<()>)>) {
    let mut i = 0;
    while i < threads.len() {
        if threads[i].1.is_finished() {
            let (id, s) = threads.swap_remove(i);
            let _join = timeline::wait!("join", "Thread-{}.join()", id + 1);
            let _ = s.join();
        } else {
            i += 1;
        }
    }
}

/// What Python 2's `print threading.enumerate()` prints for the main thread
/// and the client threads of `threads` still running, as the tutorial shows
/// it: `[<_MainThread(MainThread, started)>, <srvr(Thread-1, started)>]`.
/// Python numbers its threads from 1 (`Thread-1` is the client with ID 0).
pub fn enumerate_line(threads: &[(u64, JoinHandle<()>)]) -> String {
    let mut running: Vec<u64> = threads
        .iter()
        .filter(|(_, h)| !h.is_finished())
        .map(|(id, _)| *id)
        .collect();
    running.sort_unstable();
    let mut line = String::from("[<_MainThread(MainThread, started)>");
    for id in running {
        line.push_str(&format!(", <srvr(Thread-{}, started)>", id + 1));
    }
    line.push(']');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerate_line_lists_running_threads_in_python_format() {
        assert_eq!(enumerate_line(&[]), "[<_MainThread(MainThread, started)>]");
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let running = std::thread::spawn(move || {
            let _ = rx.recv();
        });
        let done = std::thread::spawn(|| {});
        while !done.is_finished() {
            std::thread::yield_now();
        }
        let threads = vec![(1, running), (0, done)];
        assert_eq!(
            enumerate_line(&threads),
            "[<_MainThread(MainThread, started)>, <srvr(Thread-2, started)>]"
        );
        drop(tx);
        for (_, h) in threads {
            h.join().unwrap();
        }
    }
}
