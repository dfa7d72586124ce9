//! The binary outside any namespace: argument errors, and scans of only the
//! ports this test opened itself (listening ones, and ones it bound and closed).

use crate::support::{BIN, outcome, run_bounded, text};
use socket2::{Domain, Socket, Type};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn run(args: &[&str]) -> (i32, String, String) {
    outcome(run_bounded(Command::new(BIN).args(args), LIMIT))
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    for args in [
        &["127.0.0.1", "0"][..],
        &["-p", "0", "127.0.0.1", "5"],
        &["-p", "65536", "127.0.0.1"],
        &["-p", "10-9", "127.0.0.1"],
        &["-p", "", "127.0.0.1"],
        &["-p", "1,,2", "127.0.0.1"],
        &["-p", "http", "127.0.0.1"],
        &["--timeout", "0", "127.0.0.1"],
        &["--timeout", "soon", "127.0.0.1"],
        &["-4", "::1"],
        &["-6", "127.0.0.1"],
        &["--open", "--all", "127.0.0.1"],
        &["--bogus", "127.0.0.1"],
        &["127.0.0.1", "99999999999999999999999"],
        &[],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn help_and_version() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for word in ["MAXTHREADS", "--ports", "--timeout", "--open", "--all"] {
        assert!(out.contains(word), "{word} missing from --help");
    }
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("portscanner "));
}

/// `n` ports listening, and `n` ports bound without listening (refused, and
/// held so no other test can take them meanwhile).
fn own_ports(n: usize) -> (Vec<Socket>, BTreeSet<u16>, BTreeSet<u16>) {
    let mut keep = Vec::new();
    let mut bind = |listen: bool| {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        s.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())
            .unwrap();
        if listen {
            s.listen(128).unwrap();
        }
        let port = s.local_addr().unwrap().as_socket().unwrap().port();
        keep.push(s);
        port
    };
    let open = (0..n).map(|_| bind(true)).collect();
    let closed = (0..n).map(|_| bind(false)).collect();
    (keep, open, closed)
}

fn list(ports: &BTreeSet<u16>) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Checks `--all` output: exactly `open` open, everything else closed.
fn assert_all(out: &str, open: &BTreeSet<u16>, closed: &BTreeSet<u16>) {
    let mut seen_open = BTreeSet::new();
    let mut seen_closed = BTreeSet::new();
    let lines: Vec<&str> = out.lines().collect();
    for l in &lines[..lines.len() - 1] {
        let (addr, state) = l.split_once(' ').unwrap();
        let port = addr.strip_prefix("127.0.0.1:").unwrap().parse().unwrap();
        match state {
            "open" => seen_open.insert(port),
            "closed" => seen_closed.insert(port),
            _ => panic!("unexpected {l}"),
        };
    }
    assert_eq!(&seen_open, open);
    assert_eq!(&seen_closed, closed);
    let summary = format!(
        "{} open, {} closed, 0 filtered, 0 errors in ",
        open.len(),
        closed.len()
    );
    assert!(lines[lines.len() - 1].starts_with(&summary), "{out}");
}

#[test]
fn own_ports_both_modes_any_maxthreads() {
    let (_keep, open, closed) = own_ports(40);
    let all: BTreeSet<u16> = open.union(&closed).copied().collect();
    let ports = list(&all);
    for threads in ["1", "2", "500"] {
        let (code, out, err) = run(&["--all", "-p", &ports, "127.0.0.1", threads]);
        assert_eq!(code, 0, "{err}");
        assert_all(&out, &open, &closed);

        let (code, out, err) = run(&["-p", &ports, "127.0.0.1", threads]);
        assert_eq!(code, 0, "{err}");
        let connected: BTreeSet<u16> = out
            .lines()
            .filter_map(|l| l.strip_suffix(": successfully connected"))
            .map(|p| p.parse().unwrap())
            .collect();
        assert_eq!(connected, open, "MAXTHREADS {threads}");
        let failed = out
            .lines()
            .filter(|l| l.ends_with(": connection failed"))
            .count();
        assert_eq!(failed, closed.len());
    }
}

/// Far fewer descriptors than MAXTHREADS: the scanner waits for its own
/// sockets to close instead of calling ports closed.
#[test]
fn low_ulimit_still_gives_exact_results() {
    let (_keep, open, closed) = own_ports(150);
    let all: BTreeSet<u16> = open.union(&closed).copied().collect();
    let ports = list(&all);
    // 4: stdin, stdout, stderr and a single socket at a time.
    for limit in ["64", "4"] {
        for mode in ["--all", "tutorial"] {
            let script = format!("ulimit -n {limit} && exec \"$@\"");
            let mut cmd = Command::new("bash");
            cmd.args(["-c", &script, "bash", BIN, "-p", &ports, "127.0.0.1", "500"]);
            if mode == "--all" {
                cmd.arg(mode);
            }
            let o = run_bounded(&mut cmd, LIMIT);
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            assert_eq!(o.status.code(), Some(0), "ulimit -n {limit} {mode}: {err}");
            if mode == "--all" {
                assert_all(&out, &open, &closed);
            } else {
                let ok = out
                    .lines()
                    .filter(|l| l.ends_with(": successfully connected"));
                assert_eq!(ok.count(), open.len(), "ulimit -n {limit}");
                let failed = out.lines().filter(|l| l.ends_with(": connection failed"));
                assert_eq!(failed.count(), closed.len(), "ulimit -n {limit}");
            }
        }
    }
}

#[test]
fn open_lists_only_open_ports_sorted() {
    let (_keep, open, closed) = own_ports(20);
    let all: BTreeSet<u16> = open.union(&closed).copied().collect();
    let (code, out, err) = run(&["--open", "-p", &list(&all), "127.0.0.1", "8"]);
    assert_eq!(code, 0, "{err}");
    let want: Vec<String> = open.iter().map(|p| format!("127.0.0.1:{p} open")).collect();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[..lines.len() - 1], want);
    let summary = "20 open, 20 closed, 0 filtered, 0 errors in ";
    assert!(lines[lines.len() - 1].starts_with(summary), "{out}");
}

/// `bash -c SCRIPT bash BIN ARGS...`: the scanner with redirections of its own.
fn run_redirected(script: &str, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new("bash");
    cmd.args(["-c", script, "bash", BIN]).args(args);
    outcome(run_bounded(&mut cmd, LIMIT))
}

/// A full disk is one line and exit 1 in both modes (it was exit 0 with
/// nothing written), and so is a stdout closed before the start (`>&-`); a
/// reader that goes away (`| head`) is quiet and keeps the exit code.
#[test]
fn output_errors_are_one_line_and_exit_1_but_epipe_is_quiet() {
    let (_keep, open, closed) = own_ports(20);
    let all: BTreeSet<u16> = open.union(&closed).copied().collect();
    let ports = list(&all);
    for mode in ["--all", "--open", "--tutorial"] {
        let mut args = vec!["-p", &ports, "127.0.0.1", "4"];
        if mode != "--tutorial" {
            args.insert(0, mode);
        }
        let (code, out, err) = run_redirected("exec \"$@\" >/dev/full", &args);
        assert_eq!(code, 1, "{mode}: {out}{err}");
        assert_eq!(err.lines().count(), 1, "{mode}: {err}");
        assert!(
            err.trim() == "portscanner: cannot write to stdout: No space left on device",
            "{mode}: {err}"
        );
        let (code, _, err) = run_redirected("exec \"$@\" >&-", &args);
        assert_eq!(code, 1, "{mode}: {err}");
        assert_eq!(
            err.trim(),
            "portscanner: cannot write to stdout: Bad file descriptor",
            "{mode}"
        );
        // head exits after one line; the scanner's next write gets EPIPE.
        let (code, out, err) =
            run_redirected("\"$@\" | head -n 1; exit \"${PIPESTATUS:-0}\"", &args);
        assert_eq!(code, 0, "{mode}: {err}");
        assert_eq!(out.lines().count(), 1, "{mode}: {out}");
        assert!(err.is_empty(), "{mode}: {err}");
    }
}
