//! `common::out`, `cli::parse`'s `--help`, `Shutdown::exit_on_trigger` and
//! `progress` against real file descriptors: this binary (no libtest
//! harness, whose own output would get in the way) re-runs itself as a
//! child in the mode named by an environment variable, with its stdout or
//! stderr on `/dev/full`, closed, a pipe that closes early, or a terminal.

use common::{Shutdown, errln, out, outln};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;
use testkit::{run_bounded, text};

const MODE: &str = "COMMON_STREAMS_MODE";
const LIMIT: Duration = Duration::from_secs(60);

fn main() {
    if let Ok(mode) = std::env::var(MODE) {
        child(&mode);
    }
    let tests: &[(&str, fn())] = &[
        (
            "full_stdout_is_one_line_and_exit_1",
            full_stdout_is_one_line_and_exit_1,
        ),
        ("closed_stdout_is_an_error", closed_stdout_is_an_error),
        ("early_closed_pipe_is_quiet", early_closed_pipe_is_quiet),
        (
            "full_stderr_is_exit_1_without_panic",
            full_stderr_is_exit_1_without_panic,
        ),
        ("help_goes_through_out", help_goes_through_out),
        (
            "exit_on_trigger_reports_and_exits_130",
            exit_on_trigger_reports_and_exits_130,
        ),
        ("progress_on_a_terminal_only", progress_on_a_terminal_only),
    ];
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in tests {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        match std::panic::catch_unwind(test) {
            Ok(()) => {
                passed += 1;
                outln!("test {name} ... ok");
            }
            Err(_) => {
                failed += 1;
                outln!("test {name} ... FAILED");
            }
        }
    }
    outln!("{passed} passed, {failed} failed");
    std::process::exit(i32::from(failed > 0));
}

/// What the child does in each mode; it always ends through `out::exit`.
fn child(mode: &str) -> ! {
    match mode {
        "lines" => {
            for i in 0..1_000_000 {
                if out::closed() {
                    break;
                }
                outln!("line {i}");
            }
        }
        "buffered" => {
            let mut w = out::stdout();
            for i in 0..10_000_000u64 {
                if writeln!(w, "{i}").is_err() {
                    break;
                }
            }
        }
        "stderr" => errln!("a warning"),
        "help" => {
            #[derive(clap::Parser)]
            #[command(about = "A test program")]
            struct Cli {
                _n: u64,
            }
            let _: Cli = common::cli::parse_from(["streams", "--help"]);
            unreachable!("--help exits");
        }
        "exit_on_trigger" => {
            let shutdown = Shutdown::install().unwrap();
            let dropped = shutdown.exit_on_trigger(|| "not this one".into());
            drop(dropped);
            let _blocked = shutdown.exit_on_trigger(|| "interrupted while blocked".into());
            outln!("ready");
            let _ = out::flush();
            std::thread::sleep(Duration::from_secs(60));
            outln!("not interrupted");
        }
        "progress" => {
            let progress = common::progress::Progress::new("work", 100, &Shutdown::new());
            let counter = progress.counter();
            for i in 0..100 {
                if i == 50 {
                    progress.set_message("halfway");
                }
                counter.add(1);
                std::thread::sleep(Duration::from_millis(25));
            }
            progress.finish();
            errln!("done");
        }
        "progress_interrupted" => {
            let shutdown = Shutdown::new();
            let progress = common::progress::Progress::new("work", 100, &shutdown);
            progress.counter().add(10);
            std::thread::sleep(Duration::from_millis(1500));
            shutdown.trigger(); // the bar goes at once, the work has not ended
            std::thread::sleep(Duration::from_millis(500));
            errln!("interrupted");
            drop(progress);
        }
        _ => panic!("unknown mode {mode}"),
    }
    out::exit(0)
}

fn me() -> PathBuf {
    std::env::current_exe().unwrap()
}

fn name() -> String {
    me().file_name().unwrap().to_string_lossy().into_owned()
}

/// Runs the child in `mode` under `bash -c SCRIPT`, where `"$0"` is the child.
fn run(mode: &str, script: &str) -> Output {
    let mut cmd = Command::new("bash");
    cmd.args(["-c", script]).arg(me()).env(MODE, mode);
    run_bounded(&mut cmd, LIMIT)
}

fn full_stdout_is_one_line_and_exit_1() {
    for mode in ["lines", "buffered"] {
        let o = run(mode, r#"exec "$0" >/dev/full"#);
        assert_eq!(o.status.code(), Some(1), "{mode}: {}", text(&o.stderr));
        assert_eq!(
            text(&o.stderr),
            format!(
                "{}: cannot write to stdout: No space left on device\n",
                name()
            ),
            "{mode}"
        );
    }
}

fn closed_stdout_is_an_error() {
    for mode in ["lines", "buffered", "help"] {
        let o = run(mode, r#"exec "$0" >&-"#);
        assert_eq!(o.status.code(), Some(1), "{mode}: {}", text(&o.stderr));
        assert_eq!(
            text(&o.stderr),
            format!("{}: cannot write to stdout: Bad file descriptor\n", name()),
            "{mode}"
        );
    }
    // `>/dev/null` is not closed.
    let o = run("lines", r#"exec "$0" >/dev/null"#);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

fn early_closed_pipe_is_quiet() {
    for mode in ["lines", "buffered", "help"] {
        for reader in ["head -c1 >/dev/null", "true"] {
            let o = run(mode, &format!(r#"set -o pipefail; "$0" | {reader}"#));
            assert_eq!(
                o.status.code(),
                Some(0),
                "{mode} | {reader}: {}",
                text(&o.stderr)
            );
            assert!(
                o.stderr.is_empty(),
                "{mode} | {reader}: {}",
                text(&o.stderr)
            );
        }
    }
}

fn full_stderr_is_exit_1_without_panic() {
    let o = run("stderr", r#"exec "$0" 2>/dev/full"#);
    assert_eq!(o.status.code(), Some(1));
    let o = run("stderr", r#"exec "$0" 2>&-"#);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a closed stderr: nothing to say, no panic"
    );
}

fn help_goes_through_out() {
    let o = run("help", r#"exec "$0""#);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stdout).contains("A test program"),
        "{}",
        text(&o.stdout)
    );
    let o = run("help", r#"exec "$0" >/dev/full"#);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
}

fn exit_on_trigger_reports_and_exits_130() {
    use std::io::{BufRead, BufReader};
    let mut child = testkit::spawn_piped(Command::new(me()).env(MODE, "exit_on_trigger"));
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    child.stdout = None;
    let t0 = std::time::Instant::now();
    testkit::signal(child.id(), "INT");
    let mut stderr = child.stderr.take().unwrap();
    let code = testkit::exit_code_bounded(&mut child, LIMIT);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut err).unwrap();
    assert_eq!(code, 130, "{err}");
    assert!(
        t0.elapsed() < Duration::from_secs(30),
        "at once, not after the sleep"
    );
    assert_eq!(err, format!("{}: interrupted while blocked\n", name()));
}

fn progress_on_a_terminal_only() {
    // Piped stderr: nothing but the last line.
    let o = run("progress", r#"exec "$0""#);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stderr), "done\n");
    // A terminal (script(1) runs the child on a pseudo-terminal): the bar
    // shows done/total, rate and ETA, and is cleared before `done`.
    let mut cmd = match testkit::on_terminal(me(), &[], &[(MODE, "progress")]) {
        Ok(cmd) => cmd,
        Err(why) => testkit::skip!("{why}"),
    };
    let o = run_bounded(&mut cmd, LIMIT);
    let screen = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{screen}");
    assert!(screen.contains("work"), "{screen:?}");
    assert!(screen.contains("/100"), "{screen:?}");
    assert!(screen.contains("/s"), "{screen:?}");
    assert!(screen.contains("ETA"), "{screen:?}");
    assert!(screen.contains("halfway"), "{screen:?}");
    let last = screen.rsplit("done").nth(1).unwrap_or_default();
    assert!(
        last.ends_with("\u{1b}[2K") || last.contains("\r\u{1b}[2K") || last.contains("\u{1b}[K"),
        "cleared before done: {screen:?}"
    );
    // Shutdown clears it too, before the program's own last line.
    let mut cmd = testkit::on_terminal(me(), &[], &[(MODE, "progress_interrupted")]).unwrap();
    let screen = text(&run_bounded(&mut cmd, LIMIT).stdout);
    assert!(screen.contains("10/100"), "{screen:?}");
    let (bar, after) = screen.rsplit_once("interrupted").unwrap();
    assert!(bar.ends_with("\r\u{1b}[2K"), "{screen:?}");
    assert!(!after.contains("/100"), "{screen:?}");
}
