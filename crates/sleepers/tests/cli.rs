//! Drives the real `sleepers` binary.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command as StdCommand, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sleepers");

/// `Sun Aug 13 18:16:38 2006` (day space-padded), as Python's time.ctime().
fn is_ctime(s: &str) -> bool {
    let p: Vec<&str> = s.split(' ').collect();
    let (wd, mon, rest) = match p.as_slice() {
        [wd, mon, "", day, hms, year] if day.len() == 1 => (wd, mon, (day, hms, year)),
        [wd, mon, day, hms, year] if day.len() == 2 => (wd, mon, (day, hms, year)),
        _ => return false,
    };
    let (day, hms, year) = rest;
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(wd)
        && [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .contains(mon)
        && day.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
        && hms.len() == 8
        && hms
            .split(':')
            .all(|x| x.len() == 2 && x.parse::<u32>().is_ok())
        && year.len() == 4
        && year.parse::<u32>().is_ok()
}

/// Splits `PREFIX<ctime>` lines, checking the time part.
fn strip_time<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let t = line.strip_prefix(prefix)?;
    assert!(is_ctime(t), "not a ctime: {t:?} in {line:?}");
    Some(t)
}

fn run(args: &[&str]) -> (Vec<String>, Duration) {
    let t0 = Instant::now();
    let out = testkit::run_bounded(StdCommand::new(BIN).args(args), Duration::from_secs(60));
    let took = t0.elapsed();
    assert!(out.status.success(), "{args:?}: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    (text.lines().map(String::from).collect(), took)
}

#[test]
fn is_ctime_checks_what_it_should() {
    assert!(is_ctime("Sun Aug 13 18:16:38 2006"));
    assert!(is_ctime("Thu Aug  3 08:06:08 2006"));
    assert!(!is_ctime("Thu Aug 3 08:06:08 2006"));
    assert!(!is_ctime("2006-08-13 18:16:38"));
}

#[test]
fn mtsleep3_lines_and_total_time_is_the_longest_loop() {
    // Loops of 3 s and 1.5 s: one after the other they would take 4.5 s.
    // The bounds leave over a second for a loaded machine to start us.
    let (lines, took) = run(&["--scale", "0.75"]);
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines[0], "starting threads...");
    let mut starts: Vec<&str> = lines[1..3].iter().map(|l| &l[..13]).collect();
    starts.sort();
    assert_eq!(starts, ["start loop 0 ", "start loop 1 "]);
    for l in &lines[1..3] {
        assert!(
            strip_time(l, "start loop 0 at: ")
                .or(strip_time(l, "start loop 1 at: "))
                .is_some()
        );
    }
    strip_time(&lines[3], "loop 1 done at: ").expect("the short loop ends first");
    strip_time(&lines[4], "loop 0 done at: ").expect("then the long one");
    strip_time(&lines[5], "all DONE at: ").unwrap();
    assert!(took >= Duration::from_millis(2950), "{took:?}");
    assert!(
        took < Duration::from_millis(4300),
        "sleeps did not overlap: {took:?}"
    );
}

#[test]
fn every_style_prints_the_same_lines() {
    for style in ["function", "callable", "subclass"] {
        // 200 ms between the ends: thread start-up on a busy machine must
        // not reorder them.
        let (lines, _) = run(&["--style", style, "--loops", "0.4,0.2,0.6"]);
        assert_eq!(lines.len(), 8, "{style}: {lines:?}");
        assert_eq!(lines[0], "starting threads...");
        strip_time(&lines[4], "loop 1 done at: ").unwrap();
        strip_time(&lines[5], "loop 0 done at: ").unwrap();
        strip_time(&lines[6], "loop 2 done at: ").unwrap();
        strip_time(&lines[7], "all DONE at: ").unwrap();
    }
}

#[test]
fn names_show_the_thread_each_style_makes() {
    let cases = [
        ("function", ["[Thread-1]", "[Thread-2]"]),
        ("callable", ["[Thread-1]", "[Thread-2]"]),
        ("subclass", ["[loop]", "[loop]"]),
    ];
    for (style, want) in cases {
        let (lines, _) = run(&["--style", style, "--names", "--loops", "0.1,0.05"]);
        let start0 = lines
            .iter()
            .find(|l| l.starts_with("start loop 0"))
            .unwrap();
        let start1 = lines
            .iter()
            .find(|l| l.starts_with("start loop 1"))
            .unwrap();
        assert!(start0.ends_with(want[0]), "{style}: {start0}");
        assert!(start1.ends_with(want[1]), "{style}: {start1}");
    }
}

#[test]
fn python_course_sleepers() {
    let (lines, took) = run(&["--sleeper", "--scale", "0.1"]);
    assert_eq!(lines.len(), 20, "{lines:?}");
    let mut sleeps: Vec<&String> = lines.iter().filter(|l| l.contains("sleeps")).collect();
    sleeps.sort();
    let mut want: Vec<String> = (0..10)
        .map(|i| format!("thread {i} sleeps for 5 seconds"))
        .collect();
    want.sort();
    assert_eq!(sleeps, want.iter().collect::<Vec<_>>());
    for i in 0..10 {
        assert!(lines.contains(&format!("thread {i} woke up")));
    }
    // Ten overlapping half-second sleeps, not five seconds in a row.
    assert!(took < Duration::from_secs(3), "{took:?}");
    let (lines, _) = run(&[
        "--sleeper",
        "--threads",
        "3",
        "--seconds",
        "2.5",
        "--scale",
        "0.01",
    ]);
    assert!(lines.contains(&"thread 2 sleeps for 2.5 seconds".to_string()));
    assert_eq!(lines.len(), 6);
}

#[test]
fn bad_arguments_give_one_line_and_exit_2() {
    for args in [
        &["--loops", "x"][..],
        &["--loops", "-1"],
        &["--loops", "1,,2"],
        &["--loops", "1e300"],
        &["--scale", "-1"],
        &["--scale", "nan"],
        &["--style", "fork"],
        &["--threads", "3"],
        &["--sleeper", "--seconds", "-5"],
        &["--sleeper", "--threads", "-1"],
        &["--sleeper", "--threads", "10001"],
        &["--sleeper", "--threads", "18446744073709551615"],
        &["--scale", "1e308"],
        &["extra"],
        // --sleeper runs another program: mtsleep's options would be ignored.
        &["--sleeper", "--loops", "1"],
        &["--sleeper", "--style", "callable"],
        &["--sleeper", "--names"],
    ] {
        let out = testkit::run_bounded(StdCommand::new(BIN).args(args), Duration::from_secs(30));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("sleepers: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn help_and_version() {
    for flag in ["--help", "--version"] {
        let out = testkit::run_bounded(StdCommand::new(BIN).arg(flag), Duration::from_secs(30));
        assert!(out.status.success(), "{flag}: {out:?}");
        assert!(!out.stdout.is_empty(), "{flag}");
    }
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if let Some(st) = child.try_wait().unwrap() {
            return Some(st);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Sends `sig` with the shell's builtin kill (procps may be missing).
fn signal(child: &Child, sig: &str) {
    let ok = StdCommand::new("sh")
        .args(["-c", &format!("kill {sig} {}", child.id())])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} failed");
}

/// Starts a long mtsleep, waits until every loop has started, then signals.
fn interrupt_long_sleep(sig: &str) {
    let mut child = StdCommand::new(BIN)
        .args(["--loops", "600,300"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    while seen
        .iter()
        .filter(|l: &&String| l.starts_with("start loop"))
        .count()
        < 2
    {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "ended early: {seen:?}"
        );
        seen.push(line.trim_end().to_string());
        assert!(seen.len() < 10);
    }
    std::thread::sleep(Duration::from_millis(100));
    let t0 = Instant::now();
    signal(&child, sig);
    let status = wait_for_exit(&mut child, Duration::from_secs(10));
    let took = t0.elapsed();
    let Some(status) = status else {
        child.kill().unwrap();
        panic!("still sleeping 10 s after {sig}");
    };
    assert!(took < Duration::from_secs(1), "{sig} took {took:?}");
    assert_eq!(status.code(), Some(130));
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines.len(), 3, "{rest}");
    assert!(
        lines
            .iter()
            .any(|l| strip_time(l, "loop 0 interrupted at: ").is_some())
    );
    assert!(
        lines
            .iter()
            .any(|l| strip_time(l, "loop 1 interrupted at: ").is_some())
    );
    assert!(lines[2].starts_with("interrupted at: "), "{rest}");
    assert!(lines[2].ends_with("; loops cut short: 0, 1"), "{rest}");
}

#[test]
fn sigint_wakes_every_sleeper_and_exits_130() {
    interrupt_long_sleep("-INT");
}

#[test]
fn sigterm_does_the_same() {
    interrupt_long_sleep("-TERM");
}

#[test]
fn sigint_in_sleeper_mode_reports_each_thread() {
    let mut child = StdCommand::new(BIN)
        .args(["--sleeper", "--threads", "4", "--seconds", "600"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..4 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert!(line.contains("sleeps for 600 seconds"), "{line}");
    }
    signal(&child, "-INT");
    let status = wait_for_exit(&mut child, Duration::from_secs(10));
    if status.is_none() {
        child.kill().unwrap();
    }
    assert_eq!(status.and_then(|s| s.code()), Some(130));
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    for i in 0..4 {
        assert!(rest.contains(&format!("thread {i} interrupted")), "{rest}");
    }
    let last = rest.lines().last().unwrap_or_default();
    assert!(last.starts_with("interrupted at: "), "{rest}");
    assert!(last.ends_with("; threads cut short: 0, 1, 2, 3"), "{rest}");
}

#[test]
fn more_loops_than_threads_is_one_line_and_exit_2() {
    // One thread per loop, all at once: 20000 used to panic in thread start.
    let loops = vec!["0"; 20_000].join(",");
    let o = testkit::run_bounded(
        StdCommand::new(BIN).args(["--loops", &loops]),
        Duration::from_secs(60),
    );
    let err = testkit::text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(
        err,
        "sleepers: --loops with 20000 loops would run 20000 threads at once; the most is 10000\n"
    );
    assert!(o.stdout.is_empty());
    // 10000 is allowed.
    let loops = vec!["0"; 10_000].join(",");
    let o = testkit::run_bounded(
        StdCommand::new(BIN).args(["--loops", &loops]),
        Duration::from_secs(120),
    );
    assert_eq!(o.status.code(), Some(0), "{}", testkit::text(&o.stderr));
    assert_eq!(testkit::text(&o.stdout).lines().count(), 20_002);
}

/// Runs `sh -c SCRIPT` with `$BIN` the sleepers binary.
fn sh(script: &str) -> std::process::Output {
    testkit::run_bounded(
        StdCommand::new("sh").args(["-c", script]).env("BIN", BIN),
        Duration::from_secs(60),
    )
}

#[test]
fn unwritable_stdout_is_one_line_and_exit_1() {
    for (how, reason) in [
        (">/dev/full", "No space left on device"),
        (">&-", "Bad file descriptor"),
    ] {
        for mode in ["--scale 0.001", "--sleeper --scale 0.001"] {
            let o = sh(&format!(r#""$BIN" {mode} {how}"#));
            let err = testkit::text(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{mode} {how}: {err}");
            assert_eq!(err, format!("sleepers: cannot write to stdout: {reason}\n"));
        }
    }
    let o = sh(r#""$BIN" --scale 0.001 >/dev/full 2>/dev/full"#);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn closed_pipe_is_quiet_and_keeps_exit_0() {
    let o = sh(
        r#"{ "$BIN" --sleeper --threads 500 --scale 0.01; echo "exit $?" >&2; } | head -1 >/dev/null"#,
    );
    assert_eq!(testkit::text(&o.stderr), "exit 0\n");
}
