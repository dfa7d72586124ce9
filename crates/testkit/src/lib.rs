//! Test support shared by the integration tests (`tests/`) of the workspace's
//! crates, used only as a dev-dependency: not program code, never published.
//!
//! - [`run_bounded`], [`run_with_input`], [`finish_bounded`]: run a child with
//!   a time bound, draining its output on threads; [`exit_code_bounded`] when
//!   the test keeps a pipe of its own.
//! - [`wait_for_threads`], [`signal`], [`interrupt`]: deliver a signal only
//!   once the child's Ctrl-C handler is installed, without needing procps.
//! - [`assert_usage_error`]: the workspace's answer to bad arguments.
//! - [`Netns`]: a network namespace with `lo` up, deleted on drop.
//! - [`skip!`]: a test that cannot run here fails under `CI` and says so
//!   visibly otherwise.
//! - [`on_terminal`]: a command run on a pseudo-terminal (progress bars).

pub mod server;
pub mod trace;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// Output bytes as text (lossy).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Starts `cmd` with empty stdin and piped stdout and stderr, for
/// [`finish_bounded`] once the test has done what it must while it runs.
pub fn spawn_piped(cmd: &mut Command) -> Child {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

/// Runs `cmd` to completion with piped output; kills it and panics after `limit`.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    finish_bounded(spawn_piped(cmd), limit)
}

/// Like [`run_bounded`], but feeds `input` to the child's stdin.
pub fn run_with_input(cmd: &mut Command, input: &str, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Written from a thread: a child that answers each line (a prompt) fills
    // its stdout pipe while we would still be writing a large input.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        // A child that exits before reading everything closes the pipe: not
        // the test's concern here, its output and exit code tell.
        let _ = stdin.write_all(&input);
    });
    let out = finish_bounded(child, limit);
    writer.join().expect("stdin writer");
    out
}

/// Collects a spawned child's output; kills it and panics after `limit`.
pub fn finish_bounded(mut child: Child, limit: Duration) -> Output {
    // Drain both pipes on threads so a chatty child never blocks on a full pipe.
    let mut so = child.stdout.take().expect("piped stdout");
    let mut se = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let Some(status) = child.wait_timeout(limit).expect("wait") else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("child did not finish within {limit:?}");
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Runs `bin` with `args` (bounded, 30 s) and checks the workspace's usage
/// error: exit 2, nothing on stdout, one line on stderr starting with the
/// program's name (`bin`'s file name) and `: `.
pub fn assert_usage_error(bin: &str, args: &[&str]) {
    let o = run_bounded(Command::new(bin).args(args), Duration::from_secs(30));
    let err = text(&o.stderr);
    let name = Path::new(bin)
        .file_name()
        .map_or(bin.into(), |n| n.to_string_lossy());
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with(&format!("{name}: ")), "{args:?}: {err}");
    assert!(o.stdout.is_empty(), "{args:?}: {}", text(&o.stdout));
}

/// Waits (bounded, 20 s) until `pid` runs at least `threads` threads. A
/// program's Ctrl-C handler thread exists once the handler is installed: a
/// signal sent before that kills it outright, and a loaded CI machine can
/// take longer than any fixed sleep to get there.
pub fn wait_for_threads(pid: u32, threads: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let n = status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if n >= threads {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "pid {pid} never reached {threads} threads"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends `signal` (a name such as `INT` or `TERM`) to `pid` with bash's
/// builtin `kill` (procps, the `kill` binary, may be missing); whether it
/// was delivered.
pub fn try_signal(pid: u32, signal: &str) -> bool {
    Command::new("bash")
        .args([
            "-c",
            "kill -s \"$1\" \"$2\"",
            "bash",
            signal,
            &pid.to_string(),
        ])
        .status()
        .is_ok_and(|s| s.success())
}

/// [`try_signal`], panicking if the signal could not be sent.
pub fn signal(pid: u32, signal: &str) {
    assert!(try_signal(pid, signal), "kill -s {signal} {pid} failed");
}

/// The Ctrl-C check of a program under test: once `child` runs `threads`
/// threads (see [`wait_for_threads`]) and `after` more has passed, sends it
/// `sig`; asserts it stops within 10 s with exit 130 (the workspace's
/// "interrupted") and returns its output.
pub fn interrupt(child: Child, threads: usize, after: Duration, sig: &str) -> Output {
    wait_for_threads(child.id(), threads);
    std::thread::sleep(after);
    let t0 = Instant::now();
    signal(child.id(), sig);
    let o = finish_bounded(child, Duration::from_secs(30));
    assert!(t0.elapsed() < Duration::from_secs(10), "slow to stop");
    assert_eq!(o.status.code(), Some(130), "{}", text(&o.stderr));
    o
}

/// Waits for `child` to exit and returns its exit code, for tests that hold
/// one of its pipes themselves (so [`finish_bounded`] cannot take them);
/// kills it and panics after `limit`.
pub fn exit_code_bounded(child: &mut Child, limit: Duration) -> i32 {
    match child.wait_timeout(limit).expect("wait") {
        Some(status) => status.code().expect("exited, not killed by a signal"),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("did not exit within {limit:?}");
        }
    }
}

/// `program` with `args` and `env`, to run on a pseudo-terminal: `script(1)`
/// (util-linux) gives it a terminal as stdin, stdout and stderr, and copies
/// everything it writes to its own stdout (so [`run_bounded`] collects the
/// screen, `\r` and escape sequences included). `Err` when `script` is
/// missing, for [`skip!`].
///
/// ```
/// # use std::time::Duration;
/// let mut cmd = match testkit::on_terminal("bash", &["-c", "[ -t 2 ] && echo tty"], &[]) {
///     Ok(cmd) => cmd,
///     Err(why) => testkit::skip!("{why}"),
/// };
/// let o = testkit::run_bounded(&mut cmd, Duration::from_secs(60));
/// assert!(testkit::text(&o.stdout).contains("tty"));
/// ```
pub fn on_terminal(
    program: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<Command, String> {
    let found = Command::new("script")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !found.is_ok_and(|s| s.success()) {
        return Err("script(1) from util-linux (bsdutils) is not installed".into());
    }
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = String::from("exec");
    for (k, v) in env {
        line = format!("{k}={} {line}", quote(v));
    }
    line.push(' ');
    line.push_str(&quote(&program.as_ref().to_string_lossy()));
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    let mut cmd = Command::new("script");
    cmd.args(["-qfec", &line, "/dev/null"]);
    Ok(cmd)
}

/// Whether this runs under CI: `CI` set, non-empty, and not `0` or `false`.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// How many tests [`skip!`] skipped in this process.
pub fn skipped() -> usize {
    SKIPPED.load(Ordering::SeqCst)
}

static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// What [`skip!`] does: under CI, panics with `reason`; otherwise counts the
/// skip, writes `SKIPPED <test>: <reason>` straight to the stderr descriptor
/// (libtest's capture only takes `print!`/`eprint!`, so the line shows in
/// `cargo test`'s output), and appends it to the file named by
/// `TESTKIT_SKIP_LOG` if that is set.
#[doc(hidden)]
pub fn skip_report(reason: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    assert!(!under_ci(), "cannot run under CI: {test}: {reason}");
    SKIPPED.fetch_add(1, Ordering::SeqCst);
    let line = format!("SKIPPED {test}: {reason}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Some(path) = std::env::var_os("TESTKIT_SKIP_LOG") {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path);
        if let Ok(mut log) = log {
            let _ = log.write_all(line.as_bytes());
        }
    }
}

/// Skips the rest of a test that cannot run on this machine (no root, no
/// tool), saying why: under `CI` (see [`under_ci`]) the test fails instead,
/// so a CI run never passes a test it did not run. Takes `format!`
/// arguments; returns from the test function (which must return `()`).
///
/// ```
/// fn needs_root() {
///     if !testkit::is_root() {
///         testkit::skip!("not root, cannot create a network namespace");
///     }
///     // ...
/// }
/// # if !testkit::under_ci() { needs_root(); }
/// ```
#[macro_export]
macro_rules! skip {
    ($($arg:tt)*) => {{
        $crate::skip_report(&::std::format!($($arg)*));
        return;
    }};
}

/// Whether this process runs as root (effective uid 0).
pub fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .is_some_and(|l| l.split_whitespace().nth(2) == Some("0"))
}

/// A network namespace with only `lo`, up; deleted on drop (also on panic).
pub struct Netns {
    name: String,
}

impl Netns {
    /// Makes one named `<prefix>-<pid>-<n>` (unique per process and call);
    /// `Err(reason)` when this machine cannot (not root, no `ip`).
    pub fn new(prefix: &str) -> Result<Self, String> {
        static N: AtomicUsize = AtomicUsize::new(0);
        if !is_root() {
            return Err("not running as root, cannot create a network namespace".into());
        }
        let name = format!(
            "{prefix}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let add = Command::new("ip").args(["netns", "add", &name]).output();
        match add {
            Err(e) => return Err(format!("cannot run `ip` (install iproute2): {e}")),
            Ok(o) if !o.status.success() => {
                return Err(format!("`ip netns add` failed: {}", text(&o.stderr).trim()));
            }
            Ok(_) => {}
        }
        // From here on, Drop deletes it whatever happens.
        let ns = Netns { name };
        let up = Command::new("ip")
            .args(["-n", &ns.name, "link", "set", "lo", "up"])
            .output()
            .map_err(|e| e.to_string())?;
        if !up.status.success() {
            return Err(format!("cannot bring lo up: {}", text(&up.stderr).trim()));
        }
        Ok(ns)
    }

    /// The namespace's name, as `ip netns` knows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `prog` (add its arguments) to run inside the namespace; `ip netns
    /// exec` execs it, so the child's pid is `prog`'s.
    pub fn cmd(&self, prog: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, prog]);
        c
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_larger_than_a_pipe_reaches_a_child_that_answers_each_line() {
        // 1 MiB in, 2 MiB out: with stdin written before the output is read,
        // both pipes fill and the run never ends.
        let line = "x".repeat(1023);
        let input: String = (0..1024).map(|_| format!("{line}\n")).collect();
        let out = run_with_input(
            Command::new("sh").args(["-c", "while read -r l; do echo \"$l$l\"; done"]),
            &input,
            Duration::from_secs(60),
        );
        assert!(out.status.success());
        assert_eq!(out.stdout.len(), 1024 * 2047);
    }

    #[test]
    fn collects_both_streams_and_stdin() {
        let o = run_with_input(
            Command::new("bash").args(["-c", "cat; echo err >&2; exit 3"]),
            "in\n",
            Duration::from_secs(30),
        );
        assert_eq!(o.status.code(), Some(3));
        assert_eq!(text(&o.stdout), "in\n");
        assert_eq!(text(&o.stderr), "err\n");
    }

    #[test]
    #[should_panic(expected = "did not finish")]
    fn kills_a_child_past_its_bound() {
        run_bounded(
            Command::new("bash").args(["-c", "sleep 30"]),
            Duration::from_millis(200),
        );
    }

    #[test]
    fn usage_error_is_exit_2_and_one_named_line() {
        assert_usage_error("/bin/bash", &["-c", "echo 'bash: bad' >&2; exit 2"]);
    }

    #[test]
    #[should_panic(expected = "left: Some(0)")]
    fn usage_error_rejects_a_success() {
        assert_usage_error("bash", &["-c", "echo 'bash: fine' >&2"]);
    }

    #[test]
    fn signal_reaches_a_child_with_its_threads() {
        let child = Command::new("bash")
            .args(["-c", "sleep 30"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_threads(child.id(), 1);
        signal(child.id(), "TERM");
        let o = finish_bounded(child, Duration::from_secs(30));
        assert_eq!(o.status.code(), None, "ended by the signal");
        assert!(!try_signal(u32::MAX, "TERM"));
    }

    #[test]
    fn skip_counts_and_fails_under_ci() {
        fn skipping() {
            skip!("testing {}", "skip");
        }
        let before = skipped();
        if under_ci() {
            assert!(std::panic::catch_unwind(skipping).is_err());
        } else {
            skipping();
            assert_eq!(skipped(), before + 1);
        }
    }

    #[test]
    fn netns_is_deleted_on_drop() {
        let ns = match Netns::new("testkit") {
            Ok(ns) => ns,
            Err(why) => skip!("{why}"),
        };
        let name = ns.name().to_string();
        let o = run_bounded(
            ns.cmd("ip").args(["-o", "link", "show", "lo"]),
            Duration::from_secs(30),
        );
        assert!(text(&o.stdout).contains("UP"), "{}", text(&o.stdout));
        drop(ns);
        let o = run_bounded(
            Command::new("ip").args(["netns", "list"]),
            Duration::from_secs(30),
        );
        assert!(!text(&o.stdout).contains(&name), "{}", text(&o.stdout));
    }
}
