//! `scripts/side-by-side.sh` against the real Rust binaries and small Python
//! programs written for these tests (tests/py/), which print the tutorial
//! programs' line formats. All traffic is on 127.0.0.1; the port scan (the
//! tutorial's fixed ports 1-99) runs in a network namespace of its own.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn script() -> PathBuf {
    root().join("scripts/side-by-side.sh")
}

fn py(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/py")
        .join(name)
}

/// The binaries the tests compare, built once (debug) by cargo itself:
/// another crate's binary has no `CARGO_BIN_EXE_*` here.
fn bin_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut c = Command::new(cargo);
        c.current_dir(root()).args([
            "build",
            "-q",
            "-p",
            "primes",
            "-p",
            "portscanner",
            "-p",
            "srvr",
            "-p",
            "srvr-threaded",
        ]);
        let o = testkit::run_bounded(&mut c, Duration::from_secs(1200));
        assert!(
            o.status.success(),
            "cargo build: {}",
            testkit::text(&o.stderr)
        );
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|t| if t.is_absolute() { t } else { root().join(t) })
            .unwrap_or_else(|| root().join("target"));
        target.join("debug")
    })
}

/// Whether the test can run; if not, fails under CI and says SKIPPED otherwise.
#[allow(clippy::print_stderr)] // the skip must be visible in the test output
fn can_run(test: &str, why_not: Option<String>) -> bool {
    let Some(why) = why_not else { return true };
    if std::env::var_os("CI").is_some() {
        panic!("{test}: cannot run here under CI: {why}");
    }
    eprintln!("{test}: SKIPPED: {why}");
    false
}

fn python3_missing() -> Option<String> {
    let ok = Command::new("python3").arg("-c").arg("pass").output();
    match ok {
        Ok(o) if o.status.success() => None,
        _ => Some("python3 is not installed".into()),
    }
}

fn side_by_side(cmd: &mut Command) -> (Option<i32>, String) {
    cmd.env("BIN_DIR", bin_dir())
        .env("SIDE_BY_SIDE_TIMEOUT", "120");
    let o: Output = testkit::run_bounded(cmd, Duration::from_secs(400));
    let all = format!("{}{}", testkit::text(&o.stdout), testkit::text(&o.stderr));
    (o.status.code(), all)
}

fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let mut c = Command::new("bash");
    c.arg(script()).args(args);
    side_by_side(&mut c)
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// A copy of a test program with one change, in a temp dir.
fn variant(name: &str, from: &str, to: &str) -> (crate::TempDir, PathBuf) {
    let dir = crate::TempDir::new("py");
    let text = std::fs::read_to_string(py(name)).unwrap();
    assert!(text.contains(from), "{name} has no {from:?}");
    let path = dir.0.join(name);
    std::fs::write(&path, text.replace(from, to)).unwrap();
    (dir, path)
}

#[test]
fn primes_agree_and_a_wrong_count_differs() {
    if !can_run("primes_agree", python3_missing()) {
        return;
    }
    let p = py("primes_lines.py");
    let (code, out) = run(&[os("primes"), p.as_os_str(), os("10000"), os("2")]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("agree: 3 lines"), "{out}");
    assert!(
        out.contains("work summed over threads: the same (processed 99 values of k)"),
        "{out}"
    );
    let (_d, wrong) = variant(
        "primes_lines.py",
        "if not composite[i]), \"primes\")",
        "if not composite[i]) + 1, \"primes\")",
    );
    let (code, out) = run(&[os("primes"), wrong.as_os_str(), os("10000"), os("2")]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("-there are 1230 primes") && out.contains("+there are 1229 primes"),
        "{out}"
    );
}

#[test]
fn lines_torn_between_threads_still_agree_but_a_wrong_line_does_not() {
    if !can_run("torn_lines", python3_missing()) {
        return;
    }
    // Two threads' `print a, b, c` interleaved item by item, as Python 2
    // (and Python 3's print) can write them: one thread's `processed` glued
    // to the other's `thread`.
    let dir = crate::TempDir::new("torn");
    let torn = |name: &str, primes: &str| {
        let path = dir.0.join(name);
        std::fs::write(
            &path,
            format!(
                "import sys\n\
                 sys.stdout.write('thread 0 exiting; processedthread 1 exiting; processed 0 values of k')\n\
                 sys.stdout.write(' 25 values of k\\nthread 2 exiting; processed 0 values of k\\n')\n\
                 sys.stdout.write('there are {primes} primes\\n')\n"
            ),
        )
        .unwrap();
        path
    };
    let good = torn("torn.py", "9592");
    let (code, out) = run(&[os("primes"), good.as_os_str(), os("100000"), os("3")]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("agree but for torn lines"), "{out}");
    assert!(out.contains("not compared (a line was torn)"), "{out}");
    let bad = torn("wrong.py", "9529");
    let (code, out) = run(&[os("primes"), bad.as_os_str(), os("100000"), os("3")]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("-there are 9529 primes"), "{out}");
}

#[test]
fn the_work_summed_over_threads_is_compared() {
    if !can_run("sums", python3_missing()) {
        return;
    }
    // Whole lines, but thread 1 did one k fewer than there are.
    let dir = crate::TempDir::new("sums");
    let path = dir.0.join("short.py");
    std::fs::write(
        &path,
        "print('thread 0 exiting; processed 300 values of k')\n\
         print('thread 1 exiting; processed 14 values of k')\n\
         print('there are 9592 primes')\n",
    )
    .unwrap();
    let (code, out) = run(&[os("primes"), path.as_os_str(), os("100000"), os("2")]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("-sum processed 314 values of k"), "{out}");
    assert!(out.contains("+sum processed 315 values of k"), "{out}");
}

#[test]
fn the_masks_cut_torn_portscanner_lines_and_drop_what_timing_decides() {
    if !can_run("masks", python3_missing()) {
        return;
    }
    // Python 2 prints the list of scanners piece by piece.
    let input = "5: now active -- [<scanner(Thread-3, started 140737488355328)>\n\
                 6: attempting check, <scanner(Thread-4, initial)>]\n\
                 6: need to wait\n\
                 7: connection failed8: starting check\n";
    let mut c = Command::new("bash");
    c.arg(script()).args(["--mask", "portscanner"]);
    let o = testkit::run_with_input(&mut c, input, Duration::from_secs(60));
    assert!(o.status.success(), "{}", testkit::text(&o.stderr));
    assert_eq!(
        testkit::text(&o.stdout),
        "5: now active --\n6: attempting check\n7: connection failed\n8: starting check\n"
    );
    assert_eq!(testkit::text(&o.stderr), "need-to-wait 1\n");
    // ctime() (Chun's mtsleep3) and pthread ids, for any program.
    let input = "start loop 0 at: Sun Aug 13 18:16:38 2006\nloop 1 done at: Tue Dec  1 10:11:44 2026\n<Thread(Thread-12, started 140737488355328)>\n";
    let mut c = Command::new("bash");
    c.arg(script()).args(["--mask", "srvr"]);
    let o = testkit::run_with_input(&mut c, input, Duration::from_secs(60));
    assert_eq!(
        testkit::text(&o.stdout),
        "start loop 0 at: <time>\nloop 1 done at: <time>\n<Thread(Thread-<n>, started <id>)>\n"
    );
}

#[test]
fn portscanner_agrees_in_a_namespace_of_its_own() {
    if !can_run("portscanner", python3_missing()) {
        return;
    }
    let ns = match testkit::Netns::new("sbs") {
        Ok(ns) => ns,
        Err(why) => {
            assert!(can_run("portscanner", Some(why)));
            return;
        }
    };
    // One open port among 1-99, inside the namespace only.
    let mut listener = ns.cmd("python3");
    listener.args([
        "-c",
        "import socket, time\n\
         s = socket.socket()\n\
         s.bind(('127.0.0.1', 22))\n\
         s.listen(128)\n\
         print('up', flush=True)\n\
         time.sleep(300)\n",
    ]);
    let mut child = testkit::spawn_piped(&mut listener);
    let mut up = String::new();
    {
        use std::io::BufRead;
        let out = child.stdout.take().unwrap();
        let _ = std::io::BufReader::new(out).read_line(&mut up);
    }
    assert_eq!(up.trim(), "up", "listener did not start");
    let p = py("portscanner_lines.py");
    let mut c = ns.cmd("bash");
    c.arg(script())
        .arg("portscanner")
        .arg(&p)
        .args(["127.0.0.1", "3"]);
    let (code, out) = side_by_side(&mut c);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("agree: 495 lines"), "{out}");
    assert!(out.contains("need to wait: python "), "{out}");
}

#[test]
fn srvr_agrees_with_the_same_scripted_clients_and_a_wrong_v_differs() {
    if !can_run("srvr", python3_missing()) {
        return;
    }
    let p = py("srvr_lines.py");
    let (code, out) = run(&[os("srvr"), p.as_os_str(), os("ab"), os("xyz")]);
    assert_eq!(code, Some(0), "{out}");
    // 5 client lines, 2 leaving lines, the server's last line.
    assert!(out.contains("agree: 8 lines"), "{out}");
    let (_d, wrong) = variant("srvr_lines.py", "v.decode())", "v.decode()[::-1])");
    let (code, out) = run(&[os("srvr"), wrong.as_os_str(), os("ab"), os("xyz")]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("-the final value of v is zybxa"), "{out}");
    assert!(out.contains("+the final value of v is axbyz"), "{out}");
}

#[test]
fn srvr_threaded_gets_nclnt_and_agrees_for_three_clients() {
    if !can_run("srvr-threaded", python3_missing()) {
        return;
    }
    let p = py("srvr_lines.py");
    let (code, out) = run(&[
        os("srvr-threaded"),
        p.as_os_str(),
        os("a"),
        os("bc"),
        os("def"),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("srvr_lines.py PORT 3"), "{out}");
    // 6 letters, 3 leaving lines, the server's last line.
    assert!(out.contains("agree: 10 lines"), "{out}");
}

#[test]
fn bad_usage_exits_2() {
    let mut c = Command::new("bash");
    c.arg(script()).arg("primes");
    let o = testkit::run_bounded(&mut c, Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(2));
    assert!(testkit::text(&o.stderr).starts_with("usage: side-by-side.sh"));
}
