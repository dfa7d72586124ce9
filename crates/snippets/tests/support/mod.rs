//! What the test modules share: where the binaries are, and bounded runs.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

pub use testkit::text;

/// The path of snippet binary `name` (`t2-chun-1-bar`), built by Cargo for
/// these tests.
pub fn bin(name: &str) -> String {
    // CARGO_BIN_EXE_<name> is set at compile time for each binary target.
    let dir = std::path::Path::new(env!("CARGO_BIN_EXE_t2-chun-1-bar"))
        .parent()
        .expect("a directory")
        .to_path_buf();
    dir.join(name).to_string_lossy().into_owned()
}

/// Runs `name` with `args` and `input` on stdin, at most `secs` seconds.
/// The input is written from a thread of its own: a program that answers
/// each line (`number: `) fills its stdout pipe long before a large input
/// is written, and writing it all first would deadlock.
pub fn run(name: &str, args: &[&str], input: &str, secs: u64) -> Output {
    let mut child = Command::new(bin(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        // The program may stop reading early (bad input): that is its answer.
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = testkit::finish_bounded(child, Duration::from_secs(secs));
    writer.join().expect("the stdin writer");
    out
}

/// Runs `sh -c SCRIPT` with `$BIN` set to the binary `name`, at most `secs`
/// seconds: for redirections such as `>/dev/full` and `>&-`.
pub fn sh(name: &str, script: &str, secs: u64) -> Output {
    testkit::run_bounded(
        Command::new("sh")
            .args(["-c", script])
            .env("BIN", bin(name)),
        Duration::from_secs(secs),
    )
}
