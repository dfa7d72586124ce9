//! `--trace FILE` and `--timeline`, inside namespaces the tests create: one
//! `port` span per port checked, labelled with its verdict (`port 22:
//! open`), on rows named as the listing names its threads (`Thread-N` for
//! the scanner of the Nth port, `MainThread`), or `scanner-K` for tool
//! mode's pool; the counts agree with the printed lines.

use crate::netns::Listeners;
use crate::support::{BIN, DropTcp, outcome, run_bounded, text};
use std::time::Duration;
use testkit::trace::TraceFile;
use testkit::{interrupt, spawn_piped};

const LIMIT: Duration = Duration::from_secs(90);

/// `port N: WORD` labels of the `port` spans, over every row.
fn port_labels(trace: &timeline::Trace) -> Vec<String> {
    trace
        .threads
        .iter()
        .flat_map(|t| &t.events)
        .filter(|e| e.what == "port")
        .map(|e| e.name.clone())
        .collect()
}

#[test]
fn tutorial_mode_one_port_span_per_check_on_thread_n() {
    let ns = netns_or_skip!();
    let l = Listeners::start(&ns, "127.0.0.1:22");
    assert_eq!(l.addrs.len(), 1);
    let t = TraceFile::new("pscan", "tutorial");
    let (code, out, err) = outcome(run_bounded(
        ns.cmd(BIN).args(["127.0.0.1", "5", "--trace", t.arg()]),
        LIMIT,
    ));
    assert_eq!(code, 0, "{err}");
    let verdicts: Vec<&str> = out
        .lines()
        .filter(|l| l.ends_with(": successfully connected") || l.ends_with(": connection failed"))
        .collect();
    assert_eq!(verdicts.len(), 99, "{out}");
    let trace = t.read();
    assert_eq!(trace.name, "portscanner");
    assert!(!trace.truncated);
    let mut labels = port_labels(&trace);
    labels.sort();
    let mut want: Vec<String> = (1..100)
        .map(|p| match p {
            22 => format!("port {p}: open"),
            _ => format!("port {p}: closed"),
        })
        .collect();
    want.sort();
    assert_eq!(labels, want);
    // Scanner N checks port N on the row Python calls Thread-N.
    for p in 1..100 {
        let row = trace
            .thread(&format!("Thread-{p}"))
            .unwrap_or_else(|| panic!("no row Thread-{p}"));
        assert_eq!(row.count("port"), 1);
        assert!(
            row.events
                .iter()
                .any(|e| e.name.starts_with(&format!("port {p}: ")))
        );
        // Each removes itself from the list under the lock.
        assert!(row.count("lock") >= 1);
    }
    let main = trace.thread("MainThread").expect("main's row");
    assert_eq!(trace.threads.len(), 100);
    assert_eq!(main.count("join"), 99, "every scanner is joined");
    assert_eq!(main.count("start"), 99);
    let waits = out
        .lines()
        .filter(|l| l.ends_with(": need to wait"))
        .count() as u64;
    assert!(main.count("Event.wait") >= waits, "{waits} waits printed");
    // Every set() of a scanner at MAXTHREADS-1 is followed by its clear().
    let sets: u64 = trace.threads.iter().map(|t| t.count("set")).sum();
    let clears: u64 = trace.threads.iter().map(|t| t.count("clear")).sum();
    assert_eq!(sets, clears);
}

#[test]
fn tool_mode_one_port_span_per_line_on_scanner_rows() {
    let ns = netns_or_skip!();
    let l = Listeners::start(&ns, "127.0.0.1:22,127.0.0.1:2999");
    let t = TraceFile::new("pscan", "tool");
    let (code, out, err) = outcome(run_bounded(
        ns.cmd(BIN).args([
            "--all",
            "-p",
            "1-3000",
            "127.0.0.1",
            "4",
            "--trace",
            t.arg(),
        ]),
        LIMIT,
    ));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("127.0.0.1:"))
        .collect();
    assert_eq!(lines.len(), 3000);
    let trace = t.read();
    let labels = port_labels(&trace);
    assert_eq!(labels.len(), 3000);
    let open: Vec<&String> = labels.iter().filter(|l| l.ends_with(": open")).collect();
    assert_eq!(open.len(), 2, "{open:?}");
    for a in &l.addrs {
        assert!(labels.contains(&format!("port {}: open", a.port())));
    }
    let scanners: Vec<_> = trace
        .threads
        .iter()
        .filter(|t| t.name.starts_with("scanner-"))
        .collect();
    assert!((1..=4).contains(&scanners.len()), "{:?}", trace.threads);
    assert_eq!(
        scanners.len() + 1,
        trace.threads.len(),
        "scanners and main only"
    );
    let per_row: u64 = scanners.iter().map(|t| t.count("port")).sum();
    assert_eq!(per_row, 3000);
    let main = trace.thread("MainThread").unwrap();
    assert_eq!(main.count("join"), scanners.len() as u64);
    assert_eq!(main.count("port"), 0);
}

#[test]
fn timeline_chart_has_a_row_per_thread() {
    let ns = netns_or_skip!();
    let (code, out, err) = outcome(run_bounded(
        ns.cmd(BIN)
            .args(["--open", "-p", "1-500", "127.0.0.1", "3", "--timeline"])
            .env("COLUMNS", "70"),
        LIMIT,
    ));
    assert_eq!(code, 0, "{err}");
    // stdout stays what it was: just the summary (nothing listens).
    assert!(
        out.starts_with("0 open, 500 closed, 0 filtered, 0 errors in "),
        "{out}"
    );
    let rows: Vec<&str> = err.lines().filter(|l| l.contains(" |")).collect();
    assert!((2..=4).contains(&rows.len()), "{err}");
    assert!(rows[0].trim_start().starts_with("MainThread |"), "{err}");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r.trim_start().starts_with("scanner-")),
        "{err}"
    );
    assert!(rows.iter().all(|r| r.chars().count() == 70), "{err}");
    let head = err
        .lines()
        .find(|l| l.starts_with("portscanner: "))
        .unwrap();
    assert!(
        head.starts_with(&format!("portscanner: {} threads over ", rows.len())),
        "{err}"
    );
    assert!(err.contains("# working"), "{err}");
    // Tutorial mode: main and the 99 scanners.
    let (code, _, err) = outcome(run_bounded(
        ns.cmd(BIN).args(["127.0.0.1", "5", "--timeline"]),
        LIMIT,
    ));
    assert_eq!(code, 0, "{err}");
    let rows = err.lines().filter(|l| l.contains(" |")).count();
    assert_eq!(rows, 100, "{err}");
}

#[test]
fn ctrl_c_still_writes_the_trace() {
    let ns = netns_or_skip!();
    if let Err(why) = ns.drop_tcp("1000-1999") {
        testkit::skip!("{why}");
    }
    let _l = Listeners::start(&ns, "127.0.0.1:50");
    for mode in ["--open", ""] {
        let t = TraceFile::new("pscan", &format!("int{mode}"));
        let mut cmd = ns.cmd(BIN);
        cmd.args(["--timeout", "30", "-p", "50,1000-1999", "127.0.0.1", "4"])
            .args(["--trace", t.arg()]);
        if !mode.is_empty() {
            cmd.arg(mode);
        }
        let o = interrupt(spawn_piped(&mut cmd), 3, Duration::from_millis(500), "INT");
        assert_eq!(o.status.code(), Some(130), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("interrupted after checking 1 of 1001 ports"),
            "{err}"
        );
        let trace = t.read();
        let labels = port_labels(&trace);
        // Port 50's check, and the checks Ctrl-C cut short.
        let done: Vec<&String> = labels
            .iter()
            .filter(|l| !l.ends_with(": interrupted"))
            .collect();
        assert_eq!(done, [&"port 50: open".to_string()], "{mode}: {labels:?}");
        assert!(
            labels.len() <= 5,
            "{mode}: at most MAXTHREADS checks at once, {labels:?}"
        );
    }
}
