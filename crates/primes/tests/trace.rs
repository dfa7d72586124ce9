//! `--trace FILE` and `--timeline` in tutorial mode: the trace's k spans per
//! thread equal the printed `processed N values of k`, rows named as the
//! tutorial names its threads (`thread 0`, ...) plus `MainThread`.

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
    stdout
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("thread ")?;
            let (t, rest) = rest.split_once(" exiting; processed ")?;
            let n = rest.strip_suffix(" values of k")?;
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
fn trace_is_for_tutorial_mode_and_needs_a_writable_file() {
    primes(&["1000", "2", "--segmented", "--trace", "t.json"])
        .assert()
        .code(2);
    let out = primes(&["1000", "2", "--trace", "/nonexistent-dir/t.json"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent-dir/t.json"), "{stderr}");
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
