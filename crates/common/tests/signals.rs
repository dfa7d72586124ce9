//! `Shutdown::install` against real signals: the test binary re-runs itself
//! as a child (selected by an environment variable) that installs the
//! handler, and the parent signals it.

use common::Shutdown;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const CHILD: &str = "COMMON_SIGNALS_CHILD";

/// In the child: install, say so, wait for the first signal, then pretend to
/// clean up for a long time (the second signal must cut this short).
#[test]
fn child_process() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let shutdown = Shutdown::install().unwrap();
    common::outln!("ready");
    shutdown.wait();
    common::outln!("stopping");
    std::thread::sleep(Duration::from_secs(60));
    common::outln!("cleaned up");
    std::process::exit(0);
}

fn spawn_child() -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

fn expect_line(out: &mut impl BufRead, want: &str) {
    for _ in 0..20 {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "child ended before {want:?}"
        );
        // libtest prints "test child_process ... " before the first line.
        if line.trim_end().ends_with(want) {
            return;
        }
    }
    panic!("no {want:?} line");
}

fn kill(child: &Child, sig: &str) {
    assert!(
        Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
}

fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if let Some(st) = child.try_wait().unwrap() {
            return Some(st);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    None
}

#[test]
fn first_signal_triggers_second_exits_130() {
    // SIGHUP (a closed terminal) is caught like Ctrl-C: ctrlc's
    // `termination` feature; the exit code is 130 for all three.
    for (first, second) in [("-INT", "-INT"), ("-TERM", "-INT"), ("-HUP", "-HUP")] {
        let (mut child, mut out) = spawn_child();
        expect_line(&mut out, "ready");
        kill(&child, first);
        // The first signal only triggers: the child goes on to clean up.
        expect_line(&mut out, "stopping");
        assert!(child.try_wait().unwrap().is_none());
        let t0 = Instant::now();
        kill(&child, second);
        let status = wait(&mut child, Duration::from_secs(10)).expect("second signal ignored");
        assert_eq!(status.code(), Some(130));
        assert!(t0.elapsed() < Duration::from_secs(2));
    }
}
