//! `--trace FILE` and `--timeline`: in tutorial mode the trace's k spans per
//! thread equal the printed `processed N values of k`, rows named as the
//! tutorial names its threads (`thread 0`, ...) plus `MainThread`; with
//! --segmented the run spans' segments add up to `processed N segments`,
//! with --list there is a segment span per segment.

use assert_cmd::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_primes");

fn primes(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).timeout(Duration::from_secs(120));
    c
}

/// `thread T exiting; processed N values of k` lines as (T, N).
fn processed(stdout: &str) -> Vec<(usize, u64)> {
    per_thread(stdout, " values of k")
}

/// `thread T exiting; processed N{unit}` lines as (T, N).
fn per_thread(text: &str, unit: &str) -> Vec<(usize, u64)> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("thread ")?;
            let (t, rest) = rest.split_once(" exiting; processed ")?;
            let n = rest.strip_suffix(unit)?;
            Some((t.parse().unwrap(), n.parse().unwrap()))
        })
        .collect()
}

#[test]
fn trace_counts_match_the_printed_counts() {
    let dir = std::env::temp_dir().join(format!("primes-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, threads) in [("1000000", 2), ("100000", 3), ("100", 2)] {
        let path = dir.join(format!("t-{n}-{threads}.json"));
        let path_arg = path.to_str().unwrap();
        let out = primes(&[n, &threads.to_string(), "--trace", path_arg])
            .assert()
            .success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let lines = processed(&stdout);
        assert_eq!(lines.len(), threads, "{stdout}");
        let text = std::fs::read_to_string(&path).unwrap();
        let trace = timeline::json::read(&text, "t.json").expect("a valid trace");
        assert_eq!(trace.name, "primes");
        assert!(!trace.truncated);
        for (t, nk) in lines {
            let row = trace
                .thread(&format!("thread {t}"))
                .unwrap_or_else(|| panic!("no row for thread {t}"));
            assert_eq!(row.count("k"), nk, "thread {t}, n={n}");
            assert!(
                row.events
                    .iter()
                    .filter(|e| e.what == "k")
                    .all(|e| e.name.starts_with("k="))
            );
        }
        let main = trace.thread("MainThread").expect("main's row");
        assert_eq!(main.count("join"), threads as u64);
        assert_eq!(trace.threads.len(), threads + 1);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn timeline_chart_on_stderr() {
    let out = primes(&["100000", "2", "--timeline"])
        .env("COLUMNS", "72")
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let rows: Vec<&str> = stderr.lines().filter(|l| l.contains(" |")).collect();
    assert_eq!(rows.len(), 3, "{stderr}");
    assert!(rows[0].trim_start().starts_with("MainThread |"), "{stderr}");
    assert!(rows[1].trim_start().starts_with("thread 0 |"), "{stderr}");
    assert!(rows.iter().all(|r| r.chars().count() == 72), "{stderr}");
    assert!(stderr.contains("# working"), "{stderr}");
    // stdout stays the tutorial's.
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(processed(&stdout).len(), 2);
    assert!(stdout.ends_with("there are 9592 primes\n"));
}

#[test]
fn trace_needs_a_writable_file() {
    for mode in [&["1000", "2"][..], &["1000", "2", "--segmented"]] {
        let mut args = mode.to_vec();
        args.extend(["--trace", "/nonexistent-dir/t.json"]);
        let out = primes(&args).assert().code(1);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("/nonexistent-dir/t.json"), "{stderr}");
    }
}

/// `thread T exiting; processed N segments` lines as (T, N).
fn segments(report: &str) -> Vec<(usize, u64)> {
    per_thread(report, " segments")
}

/// A `run A..=B: N segments, X..=Y` label's N.
fn run_segments(label: &str) -> u64 {
    let (_, rest) = label.split_once(": ").expect("a finished run's label");
    rest.split_once(" segments").unwrap().0.parse().unwrap()
}

#[test]
fn segmented_trace_runs_add_up_to_the_printed_segments() {
    let dir = std::env::temp_dir().join(format!("primes-trace-seg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Small segments: many runs per thread; a range; more threads than CPUs.
    for (n, threads) in [("1e8", 2), ("1e9..1100000000", 3), ("1e7", 5)] {
        let path = dir.join("t.json");
        let out = primes(&["--segmented", n, &threads.to_string(), "--segment-kib", "4"])
            .args(["--trace", path.to_str().unwrap()])
            .assert()
            .success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let lines = segments(&stdout);
        assert_eq!(lines.len(), threads, "{stdout}");
        let trace = timeline::json::read(&std::fs::read_to_string(&path).unwrap(), "t.json")
            .expect("a valid trace");
        assert!(!trace.truncated);
        let mut runs = 0;
        for (t, segs) in lines {
            let row = trace
                .thread(&format!("thread {t}"))
                .unwrap_or_else(|| panic!("no row for thread {t}"));
            let spans: Vec<_> = row.events.iter().filter(|e| e.what == "run").collect();
            let got: u64 = spans.iter().map(|e| run_segments(&e.name)).sum();
            assert_eq!(got, segs, "thread {t}, n={n}");
            assert!(spans.iter().all(|e| e.name.starts_with("run ")));
            runs += spans.len();
        }
        assert!(runs >= threads.min(2), "{runs} runs");
        let main = trace.thread("MainThread").expect("main's row");
        assert_eq!(main.count("join"), threads as u64);
        assert_eq!(main.count("base"), 1);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn list_trace_has_a_segment_span_per_printed_segment() {
    let dir = std::env::temp_dir().join(format!("primes-trace-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    let out = primes(&["--list", "1e7", "2", "--segment-kib", "8"])
        .args(["--trace", path.to_str().unwrap()])
        .assert()
        .success();
    let stdout = &out.get_output().stdout;
    assert_eq!(stdout.iter().filter(|&&b| b == b'\n').count(), 664_579);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let lines = segments(&stderr);
    assert_eq!(lines.len(), 2, "{stderr}");
    let trace = timeline::json::read(&std::fs::read_to_string(&path).unwrap(), "t.json")
        .expect("a valid trace");
    let mut total = 0;
    for (t, segs) in lines {
        let row = trace.thread(&format!("thread {t}")).expect("a row");
        assert_eq!(row.count("segment"), segs, "thread {t}");
        assert_eq!(row.count("format"), segs, "thread {t}");
        total += segs;
    }
    // 1e7 / 30 bytes in 8 KiB segments.
    assert_eq!(total, (10_000_000u64 / 30 + 1).div_ceil(8192));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn segmented_timeline_chart_has_a_row_per_thread() {
    let out = primes(&[
        "--segmented",
        "1e8",
        "2",
        "--segment-kib",
        "16",
        "--timeline",
    ])
    .env("COLUMNS", "80")
    .assert()
    .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let rows: Vec<&str> = stderr.lines().filter(|l| l.contains(" |")).collect();
    assert_eq!(rows.len(), 3, "{stderr}");
    assert!(rows[0].trim_start().starts_with("MainThread |"), "{stderr}");
    assert!(rows[1].trim_start().starts_with("thread 0 |"), "{stderr}");
    assert!(rows[2].trim_start().starts_with("thread 1 |"), "{stderr}");
    assert!(rows[1].contains('#') && rows[2].contains('#'), "{stderr}");
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(segments(&stdout).len(), 2);
    assert!(stdout.ends_with("there are 5761455 primes\n"), "{stdout}");
}

#[test]
fn ctrl_c_still_writes_the_trace_and_its_counts_match() {
    let dir = std::env::temp_dir().join(format!("primes-trace-int-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    let child = testkit::spawn_piped(std::process::Command::new(BIN).args([
        "3e9",
        "2",
        "--trace",
        path.to_str().unwrap(),
    ]));
    // Main, the Ctrl-C handler's thread, two workers.
    let out = testkit::interrupt(child, 4, Duration::from_millis(300), "INT");
    let stdout = testkit::text(&out.stdout);
    let lines = processed(&stdout);
    assert_eq!(lines.len(), 2, "{stdout}");
    let trace = timeline::json::read(&std::fs::read_to_string(&path).unwrap(), "t.json")
        .expect("a valid trace after Ctrl-C");
    for (t, nk) in lines {
        // A thread interrupted before it started has no row.
        let got = trace
            .thread(&format!("thread {t}"))
            .map_or(0, |r| r.count("k"));
        assert_eq!(got, nk, "thread {t}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
