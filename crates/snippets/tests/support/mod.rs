//! What the test modules share: where the binaries are, and bounded runs.

use std::process::{Command, Output};
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

/// Runs `name` with `args` and `input` on stdin, at most `secs` seconds
/// (testkit writes the input from a thread of its own, so a program that
/// answers each line, `number: `, cannot deadlock on a large input).
pub fn run(name: &str, args: &[&str], input: &str, secs: u64) -> Output {
    testkit::run_with_input(
        Command::new(bin(name)).args(args),
        input,
        Duration::from_secs(secs),
    )
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
