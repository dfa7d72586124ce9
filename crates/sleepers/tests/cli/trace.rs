//! `--trace FILE` and `--timeline` (issue 15): one sleep span per loop, for
//! every style and for the ten sleepers, rows named as Python names the
//! threads, the trace written after Ctrl-C too. Only our own span names
//! (`sleep`, `join`) are counted: `common`'s waits may appear as well.

use super::BIN;
use std::process::Command as StdCommand;
use std::time::Duration;

/// A fresh path for a trace file of this test process.
fn trace_path(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sleepers-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{tag}.json"))
}

/// Runs sleepers with `--trace` and returns its stdout and the trace.
fn traced(tag: &str, args: &[&str]) -> (String, timeline::Trace) {
    let path = trace_path(tag);
    let out = testkit::run_bounded(
        StdCommand::new(BIN).args(args).arg("--trace").arg(&path),
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{args:?}: {out:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let trace = timeline::json::read(&text, "t.json").expect("a valid trace");
    (testkit::text(&out.stdout), trace)
}

#[test]
fn one_sleep_span_per_loop_in_every_style() {
    for style in ["function", "callable", "subclass"] {
        let args = ["--style", style, "--loops", "4,2,1", "--scale", "0.01"];
        let (stdout, trace) = traced(style, &args);
        let done = stdout.lines().filter(|l| l.contains(" done at: ")).count();
        assert_eq!(done, 3, "{stdout}");
        assert_eq!(trace.name, "sleepers");
        let main = trace.thread("MainThread").expect("main's row");
        assert_eq!(main.count("join"), 3, "{style}");
        let rows: Vec<_> = trace
            .threads
            .iter()
            .filter(|t| t.name != "MainThread")
            .collect();
        assert_eq!(rows.len(), 3, "{style}: {rows:?}");
        let mut labels = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            // mtsleep5's MyThread names every thread "loop".
            let want = match style {
                "subclass" => "loop".to_string(),
                _ => format!("Thread-{}", i + 1),
            };
            assert_eq!(row.name, want, "{style}");
            assert_eq!(row.count("sleep"), 1, "{style} {}", row.name);
            let sleep = row.events.iter().find(|e| e.what == "sleep").unwrap();
            labels.push(sleep.name.clone());
        }
        labels.sort();
        assert_eq!(
            labels,
            ["loop 0: sleep(4)", "loop 1: sleep(2)", "loop 2: sleep(1)"],
            "{style}"
        );
    }
}

#[test]
fn ten_sleepers_ten_sleep_spans() {
    let (stdout, trace) = traced("sleeper", &["--sleeper", "--scale", "0.01"]);
    assert_eq!(
        stdout.lines().filter(|l| l.ends_with(" woke up")).count(),
        10
    );
    assert_eq!(trace.threads.len(), 11, "{:?}", trace.threads);
    for i in 0..10 {
        let row = trace
            .thread(&format!("Thread-{}", i + 1))
            .unwrap_or_else(|| panic!("no row for thread {i}"));
        assert_eq!(row.count("sleep"), 1);
        assert!(
            row.events
                .iter()
                .any(|e| e.name == format!("thread {i}: time.sleep(5)"))
        );
    }
    assert_eq!(trace.thread("MainThread").unwrap().count("join"), 10);
}

#[test]
fn timeline_chart_has_a_row_per_thread() {
    let out = testkit::run_bounded(
        StdCommand::new(BIN)
            .args(["--loops", "2,1", "--scale", "0.01", "--timeline"])
            .env("COLUMNS", "60"),
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{out:?}");
    let stderr = testkit::text(&out.stderr);
    let rows: Vec<&str> = stderr.lines().filter(|l| l.contains(" |")).collect();
    assert_eq!(rows.len(), 3, "{stderr}");
    assert!(rows[0].trim_start().starts_with("MainThread |"), "{stderr}");
    assert!(rows[1].trim_start().starts_with("Thread-1 |"), "{stderr}");
    assert!(rows.iter().all(|r| r.chars().count() == 60), "{stderr}");
    // stdout stays the tutorial's.
    let stdout = testkit::text(&out.stdout);
    assert!(stdout.starts_with("starting threads...\n"), "{stdout}");
    assert!(stdout.lines().last().unwrap().starts_with("all DONE at: "));
}

#[test]
fn ctrl_c_still_writes_the_trace() {
    let path = trace_path("interrupted");
    let child = testkit::spawn_piped(
        StdCommand::new(BIN)
            .args(["--loops", "600,300", "--trace"])
            .arg(&path),
    );
    // Main, the Ctrl-C handler's thread, the two loops.
    let out = testkit::interrupt(child, 4, Duration::from_millis(300), "INT");
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    let stdout = testkit::text(&out.stdout);
    let cut = stdout
        .lines()
        .filter(|l| l.contains(" interrupted at: "))
        .count();
    assert_eq!(cut, 2, "{stdout}");
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let trace = timeline::json::read(&text, "t.json").expect("a valid trace after Ctrl-C");
    for name in ["Thread-1", "Thread-2"] {
        let row = trace.thread(name).expect(name);
        assert_eq!(row.count("sleep"), 1, "{name}");
        assert!(row.events.iter().any(|e| e.name.ends_with(", interrupted")));
    }
}

#[test]
fn an_unwritable_trace_is_one_line_and_exit_1() {
    let out = testkit::run_bounded(
        StdCommand::new(BIN).args(["--scale", "0", "--trace", "/nonexistent-dir/t.json"]),
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = testkit::text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("sleepers: cannot write the trace: /nonexistent-dir/t.json"));
    assert!(out.stdout.is_empty(), "nothing ran");
}
