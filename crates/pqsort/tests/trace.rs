//! `--trace FILE` and `--timeline` in every mode: the trace's partition
//! spans per thread equal the printed `thread i visited array n times`,
//! rows are named as the report names the threads (`thread 1`, ...) plus
//! `MainThread`, and the chart has one row per thread.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;
use testkit::{finish_bounded, spawn_piped, text};
use timeline::Trace;

const BIN: &str = env!("CARGO_BIN_EXE_pqsort");

fn run(args: &[&str]) -> Output {
    finish_bounded(
        spawn_piped(Command::new(BIN).args(args)),
        Duration::from_secs(120),
    )
}

/// A scratch directory removed on drop.
struct Dir(PathBuf);
impl Dir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("pqsort-trace-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn file(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }
}
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read_trace(path: &str) -> Trace {
    let text = std::fs::read_to_string(path).expect("the trace file");
    timeline::json::read(&text, "t.json").expect("a valid trace")
}

/// The report's blocks: (size, visits of thread 1, 2, ...).
fn blocks(report: &str) -> Vec<(usize, Vec<u64>)> {
    let mut out: Vec<(usize, Vec<u64>)> = Vec::new();
    for line in report.lines() {
        if let Some(size) = line.strip_prefix("For sorting an array of size ") {
            out.push((size.parse().unwrap(), Vec::new()));
        } else if let Some(rest) = line.strip_prefix("thread ") {
            let (i, rest) = rest.split_once(" visited array ").unwrap();
            let n = rest.strip_suffix(" times").unwrap();
            let visits = &mut out.last_mut().expect("a size line first").1;
            assert_eq!(i.parse::<usize>().unwrap(), visits.len() + 1, "{report}");
            visits.push(n.parse().unwrap());
        }
    }
    out
}

/// Spans named `what` on all rows called `name` whose label passes `keep`
/// (a name has a row for each time its thread was made: per size in
/// tutorial mode, per run on disk in tool mode).
fn count(trace: &Trace, name: &str, what: &str, keep: impl Fn(&str) -> bool) -> u64 {
    trace
        .threads
        .iter()
        .filter(|t| t.name == name)
        .flat_map(|t| &t.events)
        .filter(|e| e.what == what && keep(&e.name))
        .count() as u64
}

/// `separate [low, high) (size N)` as (low, high, N).
fn separate_label(label: &str) -> (usize, usize, usize) {
    let rest = label.strip_prefix("separate [").expect(label);
    let (low, rest) = rest.split_once(", ").expect(label);
    let (high, rest) = rest.split_once(") (size ").expect(label);
    let size = rest.strip_suffix(')').expect(label);
    (
        low.parse().unwrap(),
        high.parse().unwrap(),
        size.parse().unwrap(),
    )
}

#[test]
fn tutorial_mode_trace_counts_match_the_report() {
    let dir = Dir::new("tutorial");
    for threads in ["5", "2"] {
        let path = dir.file(&format!("t{threads}.json"));
        let out = run(&["--threads", threads, "--seed", "7", "--trace", &path]);
        assert!(out.status.success(), "{out:?}");
        assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
        let report = text(&out.stdout);
        let blocks = blocks(&report);
        assert_eq!(blocks.len(), 10, "{report}");
        let trace = read_trace(&path);
        assert_eq!(trace.name, "pqsort");
        assert!(!trace.truncated);
        let nthreads: usize = threads.parse().unwrap();
        // Each size makes its own threads: a row for each, and MainThread.
        assert_eq!(trace.threads.len(), 1 + 10 * nthreads);
        for (size, visits) in &blocks {
            assert_eq!(visits.len(), nthreads);
            for (i, &n) in visits.iter().enumerate() {
                let name = format!("thread {}", i + 1);
                let got = count(&trace, &name, "separate", |l| {
                    let (low, high, s) = separate_label(l);
                    assert!(low < high && high <= s, "{l}");
                    s == *size
                });
                assert_eq!(got, n, "{name}, size {size}");
            }
        }
        for t in trace.threads.iter().filter(|t| t.name != "MainThread") {
            assert!(t.name.starts_with("thread "), "{}", t.name);
            // Every worker takes the lock in its `while` test.
            assert!(t.count("lock") > 0, "{}", t.name);
        }
        // Each size n queues 2n + 1 jobs, n + 1 of them empty: at least 2n
        // are taken (one empty job may be left when the count is reached).
        let all = |what| trace.threads.iter().map(|t| t.count(what)).sum::<u64>();
        assert!(all("get") >= 2 * 5500, "{}", all("get"));
        assert!(all("lock") >= 5500 + 10, "{}", all("lock"));
        let main = trace.thread("MainThread").expect("MainThread's row");
        assert_eq!(main.count("join"), 10 * nthreads as u64);
        assert_eq!(main.count("shuffle"), 10);
        assert_eq!(main.count("pqsort"), 10);
        // The last singleton's worker tells every worker to stop, once a size.
        assert_eq!(all("stop"), 10);
    }
}

/// `partition [from, to): len elements[, by T threads]`: checks the range
/// against its length.
fn check_partition_label(label: &str) {
    let rest = label.strip_prefix("partition [").expect(label);
    let (from, rest) = rest.split_once(", ").expect(label);
    let (to, rest) = rest.split_once("): ").expect(label);
    let len = rest.split(' ').next().unwrap();
    let (from, to, len): (u64, u64, u64) = (
        from.parse().unwrap(),
        to.parse().unwrap(),
        len.parse().unwrap(),
    );
    assert_eq!(to - from, len, "{label}");
}

#[test]
fn size_mode_trace_counts_match_the_report() {
    let dir = Dir::new("size");
    let path = dir.file("t.json");
    let out = run(&[
        "--size", "200000", "-t", "3", "--cutoff", "500", "--seed", "1", "--trace", &path,
    ]);
    assert!(out.status.success(), "{out:?}");
    let report = text(&out.stdout);
    let blocks = blocks(&report);
    assert_eq!(blocks.len(), 1, "{report}");
    let visits = &blocks[0].1;
    assert_eq!(visits.len(), 3);
    assert!(visits.iter().sum::<u64>() > 100, "{report}");
    let trace = read_trace(&path);
    for (i, &n) in visits.iter().enumerate() {
        let name = format!("thread {}", i + 1);
        let got = count(&trace, &name, "partition", |l| {
            check_partition_label(l);
            true
        });
        assert_eq!(got, n, "{name}");
        assert!(count(&trace, &name, "get", |_| true) > 0, "{name}");
    }
    assert_eq!(trace.threads.len(), 4);
    let stops: u64 = trace.threads.iter().map(|t| t.count("stop")).sum();
    assert_eq!(stops, 1);
    let main = trace.thread("MainThread").expect("MainThread's row");
    assert_eq!(main.count("join"), 3);
    for (what, n) in [("generate", 1), ("check", 2), ("sort", 1)] {
        assert_eq!(main.count(what), n, "{what}");
    }
}

#[test]
fn file_mode_verbose_report_matches_the_trace_in_memory_and_in_runs() {
    let dir = Dir::new("file");
    let input: String = (0..60_000u64)
        .map(|i| format!("{}\n", i * 7919 % 60_007))
        .collect();
    let data = dir.file("in.txt");
    std::fs::write(&data, &input).unwrap();
    let tmp = dir.file("runs");
    std::fs::create_dir_all(&tmp).unwrap();
    for (budget, runs) in [(None, false), (Some("100K"), true)] {
        let path = dir.file("t.json");
        let mut args = vec!["-v", "-t", "2", "--cutoff", "300", "--trace", &path];
        if let Some(b) = budget {
            args.extend(["-S", b, "-T", &tmp]);
        }
        args.push(&data);
        let out = run(&args);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(text(&out.stdout).lines().count(), 60_000);
        let report = text(&out.stderr);
        let blocks = blocks(&report);
        assert_eq!(blocks.len(), 1, "{report}");
        assert_eq!(blocks[0].0, 60_000);
        let trace = read_trace(&path);
        for (i, &n) in blocks[0].1.iter().enumerate() {
            let name = format!("thread {}", i + 1);
            let got = count(&trace, &name, "partition", |l| {
                check_partition_label(l);
                true
            });
            assert_eq!(got, n, "{name}, runs: {runs}");
        }
        let main = trace.thread("MainThread").expect("MainThread's row");
        assert!(main.count("read") >= 1);
        if runs {
            let n = main.count("run");
            assert!(n >= 2, "{n} runs");
            // One pool, so one row per thread, for each run.
            assert_eq!(trace.threads.len() as u64, 1 + 2 * n);
            assert_eq!(main.count("sort"), n);
            assert_eq!(main.count("parse"), n);
            assert!(main.count("merge") >= 1);
        } else {
            for what in ["parse", "sort", "write"] {
                assert_eq!(main.count(what), 1, "{what}");
            }
            assert_eq!(trace.threads.len(), 3);
        }
        assert_eq!(main.count("join") as usize, trace.threads.len() - 1);
    }
}

/// The chart's rows (`name |...|`), checked to be `width` columns.
fn chart_rows(stderr: &str, width: usize) -> Vec<String> {
    let rows: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains(" |") && l.ends_with('|'))
        .map(|l| l.trim_start().to_string())
        .collect();
    assert!(
        stderr
            .lines()
            .filter(|l| l.contains(" |") && l.ends_with('|'))
            .all(|r| r.chars().count() == width),
        "{stderr}"
    );
    assert!(stderr.contains("# working"), "{stderr}");
    rows
}

#[test]
fn timeline_prints_a_chart_with_a_row_per_thread() {
    let out = finish_bounded(
        spawn_piped(
            Command::new(BIN)
                .args(["--size", "100000", "-t", "2", "--seed", "2", "--timeline"])
                .env("COLUMNS", "72"),
        ),
        Duration::from_secs(120),
    );
    assert!(out.status.success(), "{out:?}");
    let stderr = text(&out.stderr);
    let rows = chart_rows(&stderr, 72);
    assert_eq!(rows.len(), 3, "{stderr}");
    assert!(rows[0].starts_with("MainThread |"), "{stderr}");
    assert!(rows[1].starts_with("thread 1 |"), "{stderr}");
    assert!(rows[2].starts_with("thread 2 |"), "{stderr}");
    // stdout stays the report.
    let stdout = text(&out.stdout);
    assert_eq!(blocks(&stdout)[0].1.len(), 2, "{stdout}");

    // Tutorial mode: each size's 2 threads have their rows.
    let out = finish_bounded(
        spawn_piped(
            Command::new(BIN)
                .args(["-t", "2", "--timeline"])
                .env("COLUMNS", "90"),
        ),
        Duration::from_secs(120),
    );
    assert!(out.status.success(), "{out:?}");
    let stderr = text(&out.stderr);
    let rows = chart_rows(&stderr, 90);
    assert_eq!(rows.len(), 1 + 10 * 2, "{stderr}");
    assert!(rows[0].starts_with("MainThread |"), "{stderr}");
    assert_eq!(
        rows.iter().filter(|r| r.starts_with("thread 2 |")).count(),
        10
    );
    assert_eq!(text(&out.stdout).lines().count(), 10 * 3);
}

#[test]
fn trace_needs_a_writable_file_and_is_off_by_default() {
    let out = run(&["--trace", "/nonexistent-dir/t.json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("pqsort: cannot write the trace: "),
        "{stderr}"
    );
    assert!(stderr.contains("/nonexistent-dir/t.json"), "{stderr}");
    assert!(out.stdout.is_empty());
    // Without the flags: no chart.
    let out = run(&["--size", "1000", "-t", "2"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn ctrl_c_still_writes_the_trace_and_its_counts_match() {
    let dir = Dir::new("int");
    let path = dir.file("t.json");
    // Many short jobs: the workers see the flag within milliseconds, well
    // inside the grace before the handler would end the process itself.
    let child = spawn_piped(Command::new(BIN).args([
        "--size", "2000000", "--cutoff", "64", "-t", "2", "--seed", "4", "--trace", &path,
    ]));
    // Main, the Ctrl-C handler, two workers: the sort is under way.
    let out = testkit::interrupt(child, 4, Duration::ZERO, "INT");
    let err = text(&out.stderr);
    // `interrupted while sorting (X of N integers in place) after P partitions`
    let partitions: u64 = err
        .trim_end()
        .strip_suffix(" partitions")
        .and_then(|e| e.rsplit(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    let trace = read_trace(&path);
    let traced: u64 = trace.threads.iter().map(|t| t.count("partition")).sum();
    assert_eq!(traced, partitions, "{err}");
    let main = trace.thread("MainThread").expect("MainThread's row");
    assert_eq!(main.count("join"), 2);
}

#[test]
fn ctrl_c_in_tutorial_mode_still_writes_the_trace() {
    use std::io::{BufRead, BufReader, Read};
    let dir = Dir::new("int-tutorial");
    let path = dir.file("t.json");
    // 64 threads a size make the demo last long enough to interrupt it
    // once the first size is printed; should it still end first, try again.
    for _ in 0..5 {
        let mut child = spawn_piped(Command::new(BIN).args(["-t", "64", "--trace", &path]));
        let (pid, stdout, mut stderr) = (
            child.id(),
            child.stdout.take().unwrap(),
            child.stderr.take().unwrap(),
        );
        let (first, printed) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut text = String::new();
            let _ = stdout.read_line(&mut text);
            let _ = first.send(());
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        printed
            .recv_timeout(Duration::from_secs(60))
            .expect("the first size's report");
        testkit::signal(pid, "INT");
        let code = testkit::exit_code_bounded(&mut child, Duration::from_secs(60));
        let (stdout, err) = (reader.join().unwrap(), errors.join().unwrap());
        if code == 0 {
            continue;
        }
        assert_eq!(code, 130, "{err}");
        // `pqsort: interrupted while sorting the array of size S, after P partitions`
        let rest = err
            .strip_prefix("pqsort: interrupted while sorting the array of size ")
            .unwrap_or_else(|| panic!("{err}"));
        let (size, rest) = rest.split_once(", after ").expect(&err);
        let partitions = rest.trim_end().strip_suffix(" partitions").expect(&err);
        let (size, partitions): (usize, u64) = (size.parse().unwrap(), partitions.parse().unwrap());
        let trace = read_trace(&path);
        // 64 threads a size stay under the cap (the recorder takes 1024
        // events of it for each thread that records).
        assert!(!trace.truncated);
        let separates = |size: usize| {
            trace
                .threads
                .iter()
                .flat_map(|t| &t.events)
                .filter(|e| e.what == "separate" && separate_label(&e.name).2 == size)
                .count() as u64
        };
        assert_eq!(separates(size), partitions, "{err}");
        // The sizes finished before it: as printed.
        let blocks = blocks(&stdout);
        assert!(!blocks.is_empty());
        for (done, visits) in blocks {
            assert_eq!(separates(done), visits.iter().sum::<u64>(), "size {done}");
        }
        return;
    }
    panic!("five runs of the demo with 64 threads each ended before a Ctrl-C");
}
