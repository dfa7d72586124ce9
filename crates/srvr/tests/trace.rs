//! `--trace FILE` and `--timeline`: one `session` span per client on the
//! client's row (`client-N`, N the accept order from 0), a `letter` span per
//! letter served, main's `accept` waits and its wait for the count to reach
//! zero; the counts agree with what the clients sent and `v`.

use std::time::Duration;
use testkit::server::*;
use testkit::trace::TraceFile;

const BIN: &str = env!("CARGO_BIN_EXE_srvr");

/// Client 0 sends `a`, `b`, `c`; client 1 sends `x`, `y`.
fn five_letters(srv: &ServerProc) -> (std::net::TcpStream, std::net::TcpStream) {
    let mut a = connect(srv.addr);
    send_expect(&mut a, b'a', b"a"); // accepted first: client 0
    let mut b = connect(srv.addr);
    send_expect(&mut b, b'x', b"ax");
    send_expect(&mut a, b'b', b"axb");
    send_expect(&mut b, b'y', b"axby");
    send_expect(&mut a, b'c', b"axbyc");
    (a, b)
}

/// The rows of both clients; `sessions` is how many `session` spans each
/// has (after Ctrl-C main does not wait for the client threads, which the
/// 3.1 listing starts without handles, so a session still open is left out).
fn check_clients(trace: &timeline::Trace, sessions: std::ops::RangeInclusive<u64>) {
    assert_eq!(trace.name, "srvr");
    for (row, letters) in [
        ("client-0", ["'a'", "'b'", "'c'"].as_slice()),
        ("client-1", &["'x'", "'y'"]),
    ] {
        let t = trace
            .thread(row)
            .unwrap_or_else(|| panic!("no row {row}: {:?}", trace.threads));
        assert!(sessions.contains(&t.count("session")), "{row}");
        let got: Vec<&str> = t
            .events
            .iter()
            .filter(|e| e.what == "letter")
            .map(|e| e.name.as_str())
            .collect();
        let want: Vec<String> = letters.iter().map(|l| format!("v += {l}")).collect();
        assert_eq!(got, want, "{row}");
        // Each letter took vlock; each read waited on the client (the last
        // read, ended by Ctrl-C, may still be open when main writes the trace).
        assert_eq!(t.count("lock"), letters.len() as u64, "{row}");
        assert!(t.count("recv") >= letters.len() as u64, "{row}");
    }
    assert_eq!(trace.threads.len(), 3, "{:?}", trace.threads);
}

#[test]
fn trace_has_a_session_per_client_and_a_span_per_letter() {
    let t = TraceFile::new("srvr", "two");
    let srv = ServerProc::start(BIN, &["--bind", "127.0.0.1", "0", "--trace", t.arg()]);
    let (a, b) = five_letters(&srv);
    assert!(leave(a).is_empty());
    assert!(leave(b).is_empty());
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(done.stdout, final_line(b"axbyc"));
    let trace = t.read();
    check_clients(&trace, 1..=1);
    let main = trace.thread("MainThread").expect("main's row");
    assert_eq!(main.count("accept"), 2);
    assert!(main.count("WaitCount.wait_zero") <= 1);
}

#[test]
fn timeline_chart_has_a_row_per_thread() {
    let srv = ServerProc::start(BIN, &["--bind", "127.0.0.1", "0", "--timeline"]);
    let (a, b) = five_letters(&srv);
    leave(a);
    leave(b);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(
        done.stdout,
        final_line(b"axbyc"),
        "stdout stays the tutorial's"
    );
    let rows: Vec<&String> = done.stderr.iter().filter(|l| l.contains(" |")).collect();
    assert_eq!(rows.len(), 3, "{:?}", done.stderr);
    assert!(rows[0].trim_start().starts_with("MainThread |"));
    assert!(rows[1].trim_start().starts_with("client-0 |"));
    assert!(rows[2].trim_start().starts_with("client-1 |"));
}

#[test]
fn ctrl_c_still_writes_the_trace() {
    let t = TraceFile::new("srvr", "int");
    let srv = ServerProc::start(BIN, &["--bind", "127.0.0.1", "0", "--trace", t.arg()]);
    let (a, b) = five_letters(&srv);
    std::thread::sleep(Duration::from_millis(100));
    let done = srv.interrupt();
    assert_eq!(done.status.code(), Some(130));
    assert_eq!(done.stdout, final_line(b"axbyc"));
    check_clients(&t.read(), 0..=1);
    drop((a, b));
}
