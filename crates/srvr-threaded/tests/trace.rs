//! `--trace FILE` and `--timeline`: one `session` span per client on the
//! row `threading.enumerate()` names (`Thread-N`, the client with ID N-1),
//! a `letter` span per letter, a `join` per client thread on main's row;
//! the counts agree with what the clients sent and `v`.

use std::time::Duration;
use testkit::server::*;
use testkit::trace::TraceFile;

const BIN: &str = env!("CARGO_BIN_EXE_srvr-threaded");

/// Three clients, each sending one letter per ID plus one (1, 2, 3 letters);
/// returns them connected, and `v`.
fn serve_three(srv: &ServerProc) -> (Vec<std::net::TcpStream>, Vec<u8>) {
    let mut clients = Vec::new();
    let mut v = Vec::new();
    for id in 0..3u8 {
        let mut c = connect(srv.addr);
        for _ in 0..=id {
            v.push(b'a' + id);
            send_expect(&mut c, b'a' + id, &v); // also: accepted in this order
        }
        clients.push(c);
    }
    (clients, v)
}

fn check(trace: &timeline::Trace, sessions: u64) {
    assert_eq!(trace.name, "srvr-threaded");
    assert_eq!(trace.threads.len(), 4, "{:?}", trace.threads);
    for id in 0..3u64 {
        let row = format!("Thread-{}", id + 1);
        let t = trace.thread(&row).unwrap_or_else(|| panic!("no row {row}"));
        assert_eq!(t.count("session"), sessions, "{row}");
        assert_eq!(t.count("letter"), id + 1, "{row}");
        let letter = char::from(b'a' + id as u8);
        assert!(
            t.events
                .iter()
                .filter(|e| e.what == "letter")
                .all(|e| e.name == format!("v += {letter:?}"))
        );
    }
    let main = trace.thread("MainThread").expect("main's row");
    assert_eq!(main.count("join"), 3);
    assert_eq!(main.count("letter"), 0);
}

#[test]
fn trace_has_a_session_per_client_and_a_span_per_letter() {
    let t = TraceFile::new("srvr-threaded", "three");
    let srv = ServerProc::start(BIN, &["--bind", "127.0.0.1", "0", "3", "--trace", t.arg()]);
    let (clients, v) = serve_three(&srv);
    for c in clients {
        assert!(leave(c).is_empty());
    }
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(done.stdout, final_line(&v));
    let trace = t.read();
    check(&trace, 1);
    assert_eq!(trace.thread("MainThread").unwrap().count("accept"), 3);
}

#[test]
fn timeline_chart_has_a_row_per_thread() {
    let srv = ServerProc::start(BIN, &["--bind", "127.0.0.1", "0", "3", "--timeline"]);
    let (clients, v) = serve_three(&srv);
    for c in clients {
        leave(c);
    }
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(done.stdout, final_line(&v), "stdout stays the tutorial's");
    let rows: Vec<&String> = done.stderr.iter().filter(|l| l.contains(" |")).collect();
    assert_eq!(rows.len(), 4, "{:?}", done.stderr);
    assert!(rows[0].trim_start().starts_with("MainThread |"));
    for (k, r) in rows[1..].iter().enumerate() {
        assert!(
            r.trim_start().starts_with(&format!("Thread-{} |", k + 1)),
            "{r}"
        );
    }
}

/// Main joins every client thread after Ctrl-C, so their sessions are in.
#[test]
fn ctrl_c_still_writes_the_trace() {
    let t = TraceFile::new("srvr-threaded", "int");
    let srv = ServerProc::start(BIN, &["--bind", "127.0.0.1", "0", "3", "--trace", t.arg()]);
    let (clients, v) = serve_three(&srv);
    std::thread::sleep(Duration::from_millis(100));
    let done = srv.interrupt();
    assert_eq!(done.status.code(), Some(130));
    assert_eq!(done.stdout, final_line(&v));
    check(&t.read(), 1);
    drop(clients);
}
