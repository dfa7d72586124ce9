//! `--trace FILE` and `--timeline` in every mode (native, `--via-ping`,
//! `--sequential`): one `ping` span per address, labelled with the status
//! the output prints (`127.0.0.5: alive`), on the rows Python would name
//! (`Thread-N` for the Nth `ip_check`, `MainThread`). Loopback only.

use std::process::{Command, Output};
use std::time::Duration;
use testkit::trace::TraceFile;
use testkit::{interrupt, run_with_input, spawn_piped, text};

const BIN: &str = env!("CARGO_BIN_EXE_pinger");

fn pinger(args: &[&str]) -> Output {
    run_with_input(Command::new(BIN).args(args), "", Duration::from_secs(90))
}

/// Skips the calling test (`testkit::skip!`) unless ICMP sockets work.
macro_rules! require_icmp {
    () => {
        let o = pinger(&["-c", "1", "127.0.0.1"]);
        if text(&o.stderr).contains("no permission") {
            testkit::skip!("no permission for ICMP sockets here (not root, ping_group_range)");
        }
    };
}

/// The labels of the `ping` spans on `row`.
fn pings(trace: &timeline::Trace, row: &str) -> Vec<String> {
    let t = trace.thread(row).unwrap_or_else(|| panic!("no row {row}"));
    t.events
        .iter()
        .filter(|e| e.what == "ping")
        .map(|e| e.name.clone())
        .collect()
}

/// A threaded sweep of 127.0.0.1-N: each `Thread-K` pinged 127.0.0.K.
fn check_threaded(trace: &timeline::Trace, n: u8) {
    assert_eq!(trace.name, "pinger");
    assert_eq!(
        trace.threads.len(),
        usize::from(n) + 1,
        "{:?}",
        trace.threads
    );
    for k in 1..=n {
        assert_eq!(
            pings(trace, &format!("Thread-{k}")),
            [format!("127.0.0.{k}: alive")]
        );
    }
    let main = trace.thread("MainThread").expect("main's row");
    assert_eq!(main.count("ping"), 0);
    assert_eq!(main.count("join"), 1, "the scope's joins");
}

#[test]
fn native_sweep_one_ping_span_per_address() {
    require_icmp!();
    let t = TraceFile::new("pinger", "native");
    let o = pinger(&["-i", "20ms", "127.0.0.1", "127.0.0.6", "--trace", t.arg()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 6, "{out}");
    assert!(out.lines().all(|l| l.ends_with(" is alive")), "{out}");
    check_threaded(&t.read(), 6);
}

#[test]
fn via_ping_one_ping_span_per_address() {
    if let Err(e) = Command::new("ping").arg("-V").output() {
        testkit::skip!("no ping installed: {e}");
    }
    let t = TraceFile::new("pinger", "via-ping");
    let o = pinger(&[
        "--via-ping",
        "-c",
        "1",
        "127.0.0.1",
        "127.0.0.3",
        "--trace",
        t.arg(),
    ]);
    if o.status.code() != Some(0) {
        testkit::skip!("system ping failed here: {}", text(&o.stderr));
    }
    assert_eq!(text(&o.stdout).lines().count(), 3);
    check_threaded(&t.read(), 3);
}

#[test]
fn sequential_pings_on_main_only() {
    require_icmp!();
    let t = TraceFile::new("pinger", "seq");
    let o = pinger(&[
        "--sequential",
        "-c",
        "1",
        "127.0.0.1",
        "127.0.0.4",
        "--trace",
        t.arg(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let statuses: Vec<String> = out
        .lines()
        .filter(|l| !l.starts_with("... pinging"))
        .map(String::from)
        .collect();
    let trace = t.read();
    assert_eq!(trace.threads.len(), 1, "{:?}", trace.threads);
    // The listing prints `127.0.0.1: alive`; the span says the same.
    assert_eq!(pings(&trace, "MainThread"), statuses);
    assert_eq!(statuses.len(), 4);
}

#[test]
fn timeline_chart_has_a_row_per_thread() {
    require_icmp!();
    let mut cmd = Command::new(BIN);
    cmd.args(["-c", "1", "127.0.0.1", "127.0.0.4", "--timeline"])
        .env("COLUMNS", "60");
    let o = run_with_input(&mut cmd, "", Duration::from_secs(90));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout).lines().count(),
        4,
        "stdout as without the chart"
    );
    let err = text(&o.stderr);
    let rows: Vec<&str> = err.lines().filter(|l| l.contains(" |")).collect();
    assert_eq!(rows.len(), 5, "{err}");
    assert!(rows[0].trim_start().starts_with("MainThread |"), "{err}");
    for (k, r) in rows[1..].iter().enumerate() {
        assert!(
            r.trim_start().starts_with(&format!("Thread-{} |", k + 1)),
            "{err}"
        );
    }
    assert!(rows.iter().all(|r| r.chars().count() == 60), "{err}");
}

#[test]
fn ctrl_c_still_writes_the_trace() {
    require_icmp!();
    let t = TraceFile::new("pinger", "int");
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--max-threads",
        "2",
        "127.0.0.1",
        "127.0.0.100",
        "--trace",
        t.arg(),
    ]);
    let o = interrupt(spawn_piped(&mut cmd), 3, Duration::from_millis(1000), "INT");
    assert_eq!(o.status.code(), Some(130), "{}", text(&o.stderr));
    let printed = text(&o.stdout).lines().count();
    assert!((1..100).contains(&printed));
    let trace = t.read();
    let spans: Vec<String> = trace
        .threads
        .iter()
        .flat_map(|r| &r.events)
        .filter(|e| e.what == "ping")
        .map(|e| e.name.clone())
        .collect();
    // Every address printed was pinged in a span (those Ctrl-C cut short
    // are printed by what they had, and labelled `interrupted`).
    assert_eq!(spans.len(), printed, "{spans:?}");
    assert!(spans.iter().filter(|s| s.ends_with(": alive")).count() >= printed - 2);
}
