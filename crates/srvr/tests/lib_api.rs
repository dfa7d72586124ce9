//! The library entry point with an injected shutdown.

use common::Shutdown;
use std::io;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use testkit::server::*;

/// `srvr::run` on a thread, on a loopback port, with a shutdown of the
/// test's own: returns where it listens, that shutdown and the thread.
fn start() -> (SocketAddr, Shutdown, JoinHandle<io::Result<srvr::Outcome>>) {
    let l = srvr::server::listen("127.0.0.1:0".parse().unwrap(), 5).unwrap();
    let addr = l.local_addr().unwrap();
    let shutdown = Shutdown::new();
    let s = shutdown.clone();
    let server = std::thread::spawn(move || srvr::run(l, srvr::Config::default(), &s));
    (addr, shutdown, server)
}

#[test]
fn run_finishes_when_both_clients_leave() {
    let (addr, _shutdown, server) = start();
    let mut a = connect(addr);
    let b = connect(addr);
    send_expect(&mut a, b'q', b"q");
    leave(a);
    leave(b);
    let outcome = server.join().unwrap().unwrap();
    assert_eq!(outcome, srvr::Outcome::Finished { v: b"q".to_vec() });
}

#[test]
fn shutdown_ends_run_with_a_thread_blocked_in_read() {
    let (addr, shutdown, server) = start();
    let mut a = connect(addr);
    send_expect(&mut a, b'z', b"z");
    std::thread::sleep(Duration::from_millis(50));
    let t0 = Instant::now();
    shutdown.trigger();
    let outcome = server.join().unwrap().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(1));
    assert_eq!(
        outcome,
        srvr::Outcome::Interrupted {
            v: b"z".to_vec(),
            connected: 1
        }
    );
    assert!(leave(a).is_empty(), "the client socket was closed");
}
