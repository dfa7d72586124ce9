//! Unwritable output (issue 13 item 4): EPIPE is quiet and keeps the exit
//! code, any other write error is one line and exit 1, a closed standard
//! stream is an error, and nothing panics.

use crate::support::{sh, text};

/// Every snippet that runs without input and ends by itself.
const QUICK: &[&str] = &[
    "t1-matloff-3-2-enumerate",
    "t1-matloff-4-3-notify",
    "t1-matloff-b-generators",
    "t2-chun-1-bar",
    "t2-chun-2-thread-objects",
    "t2-chun-4-timer",
    "t4-ojo-1-do-some-work",
    "t4-ojo-2-fibonacci",
    "t4-ojo-4-locks",
    "t4-ojo-5-rlock",
    "t4-ojo-6-semaphore",
    "t4-ojo-7-event",
    "t4-ojo-8-condition",
    "t4-ojo-9-queue",
];

fn assert_one_line_exit_1(name: &str, how: &str, out: &std::process::Output, reason: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{name} {how}: {err}");
    assert!(!err.contains("panicked"), "{name} {how}: {err}");
    assert_eq!(err.lines().count(), 1, "{name} {how}: {err}");
    assert_eq!(
        err,
        format!("{name}: cannot write to stdout: {reason}\n"),
        "{name} {how}"
    );
}

#[test]
fn full_disk_is_one_line_and_exit_1() {
    for name in QUICK {
        let o = sh(name, r#""$BIN" >/dev/full"#, 60);
        assert_one_line_exit_1(name, ">/dev/full", &o, "No space left on device");
    }
}

#[test]
fn closed_stdout_is_one_line_and_exit_1() {
    for name in QUICK {
        let o = sh(name, r#""$BIN" >&-"#, 60);
        assert_one_line_exit_1(name, ">&-", &o, "Bad file descriptor");
    }
}

#[test]
fn unwritable_stderr_never_panics() {
    // Both streams full: nowhere to complain, but exit 1 and no panic (the
    // panic message would be lost too; the exit code shows it: 101).
    for name in QUICK.iter().chain(&["t3-pycourse-2-heron-racy"]) {
        let o = sh(name, r#""$BIN" >/dev/full 2>/dev/full"#, 60);
        assert_eq!(o.status.code(), Some(1), "{name}");
    }
    // heron-racy's report is on stderr: a full stderr is a failed run.
    let o = sh("t3-pycourse-2-heron-racy", r#""$BIN" 2>/dev/full"#, 60);
    assert_eq!(o.status.code(), Some(1), "heron-racy 2>/dev/full");
    // The pool reports a failed item on stderr and keeps its results.
    let o = sh(
        "t5-ghl3-1-pool",
        r#""$BIN" -j 1 --delay-ms 0 3 oops 2>/dev/full"#,
        60,
    );
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("3 -> 9") && out.contains("2 items: 1 done, 1 failed"),
        "{out}"
    );
}

#[test]
fn closed_pipe_is_quiet_and_keeps_the_exit_code() {
    // 2000 roots print some 20000 lines: `head -1` closes the pipe early.
    let args: String = (2..2002).map(|n| format!(" {n}")).collect();
    let script = format!(r#"{{ "$BIN"{args}; echo "exit $?" >&2; }} | head -1 >/dev/null"#);
    let o = sh("t3-pycourse-3-heron-fixed", &script, 120);
    assert_eq!(text(&o.stderr), "exit 0\n");
    // A program that fails for its own reason keeps that code.
    let script = r#"{ printf '7\nabc\n' | "$BIN"; echo "exit $?" >&2; } | head -c 1 >/dev/null"#;
    let o = sh("t3-pycourse-4-prime-number", script, 60);
    let err = text(&o.stderr);
    assert!(
        err.ends_with("exit 1\n") && !err.contains("stdout"),
        "{err}"
    );
}

#[test]
fn closed_stdin_is_an_error() {
    for name in [
        "t3-pycourse-4-prime-number",
        "t3-pycourse-5-prime-number-lock",
        "t3-pycourse-1-heron",
    ] {
        let o = sh(name, r#""$BIN" <&-"#, 60);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains("standard input is closed"), "{name}: {err}");
    }
}
