//! The real binary: output lines, arguments, --list, Ctrl-C.

use assert_cmd::Command;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_primes");

fn primes(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).timeout(Duration::from_secs(120));
    c
}

fn stdout_of(args: &[&str]) -> String {
    let out = primes(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// Checks the tutorial's shape: one `thread T exiting; processed N <unit>`
/// line per thread (any order), then the count. Returns the N's by thread.
fn parse_report(text: &str, threads: usize, unit: &str, count: u64) -> Vec<u64> {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), threads + 1, "{text}");
    assert_eq!(lines[threads], format!("there are {count} primes"));
    let mut per = vec![None; threads];
    for line in &lines[..threads] {
        let rest = line.strip_prefix("thread ").expect(line);
        let (t, rest) = rest.split_once(" exiting; processed ").expect(line);
        let n = rest.strip_suffix(&format!(" {unit}")).expect(line);
        let t: usize = t.parse().unwrap();
        assert!(per[t].is_none(), "thread {t} twice");
        per[t] = Some(n.parse::<u64>().unwrap());
    }
    per.into_iter().map(Option::unwrap).collect()
}

#[test]
fn tutorial_command_from_the_design_card() {
    let text = stdout_of(&["100000", "2"]);
    let ks = parse_report(&text, 2, "values of k", 9592);
    assert_eq!(ks.iter().sum::<u64>(), 315); // k = 2..=316
}

#[test]
fn tutorial_small_n() {
    for (n, want, ks) in [("0", 0, 0), ("1", 0, 0), ("2", 1, 0), ("100", 25, 9)] {
        let text = stdout_of(&[n, "2"]);
        let got = parse_report(&text, 2, "values of k", want);
        assert_eq!(got.iter().sum::<u64>(), ks, "n={n}");
    }
}

#[test]
fn more_threads_than_values_of_k() {
    // k = 2 and 3 only; six threads get none and still report.
    let text = stdout_of(&["10", "8"]);
    let ks = parse_report(&text, 8, "values of k", 4);
    assert_eq!(ks.iter().sum::<u64>(), 2);
    assert!(ks.iter().filter(|&&k| k == 0).count() >= 6);
}

#[test]
fn default_thread_count_is_the_cpu_count() {
    let text = stdout_of(&["1000"]);
    parse_report(&text, num_cpus::get(), "values of k", 168);
}

#[test]
fn segmented_mode_reports_segments() {
    // 1 KiB segments: 10^6 / 30 / 1024 -> 33 segments.
    let text = stdout_of(&["--segmented", "--segment-kib", "1", "1000000", "3"]);
    let segs = parse_report(&text, 3, "segments", 78498);
    assert_eq!(segs.iter().sum::<u64>(), 33);
    let text = stdout_of(&["-s", "1e7"]);
    parse_report(&text, num_cpus::get(), "segments", 664_579);
    for (n, want) in [
        ("0", 0),
        ("1", 0),
        ("2", 1),
        ("3", 2),
        ("10", 4),
        ("100", 25),
    ] {
        parse_report(&stdout_of(&["-s", n, "5"]), 5, "segments", want);
    }
}

#[test]
fn segment_boundaries_through_the_cli() {
    // With 1 KiB segments each covers 30 * 1024 numbers.
    let span = 30 * 1024u64;
    let limit = 3 * span + 1;
    let mut prime = vec![true; limit as usize + 1];
    let mut pi = vec![0u64; limit as usize + 1];
    for i in 2..=limit as usize {
        if prime[i] {
            for m in (i * i..=limit as usize).step_by(i) {
                prime[m] = false;
            }
        }
        pi[i] = pi[i - 1] + u64::from(prime[i]);
    }
    for x in [
        span - 1,
        span,
        span + 1,
        2 * span - 1,
        2 * span + 1,
        3 * span + 1,
    ] {
        let text = stdout_of(&["-s", "--segment-kib", "1", &x.to_string(), "2"]);
        parse_report(&text, 2, "segments", pi[x as usize]);
    }
}

#[test]
fn list_writes_the_primes_and_reports_on_stderr() {
    let out = primes(&["--list", "100", "2"])
        .assert()
        .success()
        .get_output()
        .clone();
    let listed: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
            89, 97
        ]
    );
    let err = String::from_utf8(out.stderr).unwrap();
    parse_report(&err, 2, "segments", 25);
}

#[test]
fn list_in_order_across_many_segments() {
    let out = primes(&["--list", "--segment-kib", "1", "2000000", "4"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let listed: Vec<u64> = text.lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(listed.len(), 148_933);
    assert!(listed.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(listed.last(), Some(&1_999_993));
}

fn one_line_usage_error(args: &[&str]) {
    let out = primes(args).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("primes: "), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments_are_one_line_exit_2() {
    for args in [
        &["abc"][..],
        &["-5"],
        &["1e99"],
        &[],
        &["100", "0"],
        &["100", "abc"],
        &["100", "-1"],
        &["100", "100000"],
        &["1e12"],
        &["-s", "1e14"],
        &["--segment-kib", "4", "100"],
        &["-s", "--segment-kib", "0", "100"],
        &["100", "2", "3"],
    ] {
        one_line_usage_error(args);
    }
}

#[test]
fn help_and_version() {
    primes(&["--help"]).assert().success();
    primes(&["--version"]).assert().success();
}

/// Starts the binary, lets it get going, sends SIGINT, waits (bounded).
fn interrupt(args: &[&str]) -> (i32, String, String) {
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_sigint_handler(child.id());
    std::thread::sleep(Duration::from_millis(300));
    testkit::signal(child.id(), "INT");
    let code = testkit::exit_code_bounded(&mut child, Duration::from_secs(30));
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (code, out, err)
}

/// Waits (up to 20 s) until the process catches SIGINT, so the signal is
/// not delivered before the handler is installed (it would just kill it).
fn wait_for_sigint_handler(pid: u32) {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(20) {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            .unwrap_or(0);
        if caught & (1 << (2 - 1)) != 0 {
            return; // SIGINT is signal 2
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("process {pid} never installed a SIGINT handler");
}

#[test]
fn ctrl_c_in_tutorial_mode() {
    let (code, out, err) = interrupt(&["3e9", "2"]);
    assert_eq!(code, 130, "{err}");
    assert_eq!(
        out.lines()
            .filter(|l| l.contains("exiting; processed"))
            .count(),
        2
    );
    assert!(!out.contains("there are"), "{out}");
    assert!(err.contains("interrupted"), "{err}");
}

#[test]
fn ctrl_c_in_segmented_mode() {
    let (code, out, err) = interrupt(&["-s", "1e13", "2"]);
    assert_eq!(code, 130, "{err}");
    assert_eq!(out.lines().filter(|l| l.ends_with(" segments")).count(), 2);
    assert!(err.contains("interrupted"), "{err}");
}

#[test]
fn closed_output_ends_list_quietly() {
    let mut child = std::process::Command::new(BIN)
        .args(["--list", "1e12", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert_eq!(first, "2\n");
    drop(reader); // like `| head -1`
    let code = testkit::exit_code_bounded(&mut child, Duration::from_secs(30));
    let mut err = String::new();
    let mut stderr = child.stderr.take().unwrap();
    stderr.read_to_string(&mut err).unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "a closed output is the reader's choice: no noise");
}

/// pi(2^32), through every size of sieving prime (base primes to 65536,
/// small, medium and bucketed at the default sizes); about 20 s in a debug
/// build on a busy machine.
#[test]
fn segmented_pi_2_to_the_32() {
    let text = stdout_of(&["-s", "4294967296", "2"]);
    parse_report(&text, 2, "segments", 203_280_221);
}

/// Big n, too slow for a debug build in CI, where ci/smoke/primes.sh
/// checks 1e12 and 2^40 in release instead:
/// `cargo test --release -p primes -- --ignored` (a minute or two on 2 cores).
#[test]
#[ignore = "minutes in a debug build; ci/smoke/primes.sh runs pi(1e12) and pi(2^40) in release"]
fn segmented_pi_1e11_1e12_2_to_the_40() {
    let text = stdout_of(&["-s", "1e11", "2"]);
    parse_report(&text, 2, "segments", 4_118_054_813);
    let text = stdout_of(&["-s", "1e12", "2"]);
    parse_report(&text, 2, "segments", 37_607_912_018);
    let text = stdout_of(&["-s", "1099511627776", "2"]);
    parse_report(&text, 2, "segments", 41_203_088_796);
}

/// Whether primesieve runs here (CI installs it with apt).
fn have_primesieve() -> bool {
    std::process::Command::new("primesieve")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// primesieve's count of `a..=b`.
fn primesieve_count(a: &str, b: &str) -> u64 {
    let out = std::process::Command::new("primesieve")
        .args([a, b, "-c", "-q"])
        .output()
        .unwrap();
    testkit::text(&out.stdout).trim().parse().unwrap()
}

#[test]
fn ranges_agree_with_primesieve() {
    if !have_primesieve() {
        testkit::skip!("primesieve is not installed (apt-get install primesieve)");
    }
    for (a, b) in [
        ("0", "0"),
        ("0", "1000"),
        ("7", "7"),
        ("163", "167"),
        ("1000000", "1000030"),
        ("999999000000", "1000000000000"),
        ("1000000000000", "1000001000000"),
        ("4294967000", "4294968000"),
        ("1000000000000000", "1000000002000000"),
        ("9999999999000000", "10000000000000000"),
    ] {
        let want = primesieve_count(a, b);
        let range = format!("{a}..{b}");
        let text = stdout_of(&["-s", &range, "2"]);
        parse_report(&text, 2, "segments", want);
        let text = stdout_of(&["-s", "--from", a, b, "1"]);
        parse_report(&text, 1, "segments", want);
    }
}

#[test]
fn list_of_a_range_is_byte_identical_to_primesieve() {
    let (a, b) = ("1000000000000", "1000000300000");
    let ours = primes(&["--list", &format!("{a}..{b}"), "2"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = testkit::text(&ours);
    assert_eq!(text.lines().next(), Some("1000000000039"));
    if !have_primesieve() {
        testkit::skip!("primesieve is not installed (apt-get install primesieve)");
    }
    let theirs = std::process::Command::new("primesieve")
        .args([a, b, "-p"])
        .output()
        .unwrap();
    assert!(
        ours == theirs.stdout,
        "--list {a}..{b} differs from primesieve -p"
    );
}

#[test]
fn range_arguments_are_checked() {
    for args in [
        &["-s", "200..100"][..],
        &["-s", "1..2..3"],
        &["100..200"],
        &["--from", "5", "100"],
        &["-s", "--from", "5", "1..100"],
        &["-s", "1e17"],
        &["-s", "1e15..1.1e15"],
        &["-s", "0..2e13"],
        &["-s", "--segment-kib", "8193", "100"],
    ] {
        one_line_usage_error(args);
    }
    // A plus sign, as Python's int() takes it, for N and NTHREADS alike.
    let text = stdout_of(&["+100", "+2"]);
    parse_report(&text, 2, "values of k", 25);
}

/// Runs with stdout and stderr as given; returns (exit code, stderr).
fn run_with(args: &[&str], stdout: Stdio, stderr: Stdio) -> (i32, String) {
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap();
    let code = testkit::exit_code_bounded(&mut child, Duration::from_secs(60));
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).unwrap();
    }
    (code, err)
}

fn dev_full() -> Stdio {
    let f = std::fs::OpenOptions::new().write(true).open("/dev/full");
    Stdio::from(f.expect("/dev/full"))
}

#[test]
fn full_stdout_is_an_error_in_every_mode() {
    for args in [
        &["100", "2"][..],
        &["-s", "100", "2"],
        &["--list", "100", "2"],
    ] {
        let (code, err) = run_with(args, dev_full(), Stdio::piped());
        assert_eq!(code, 1, "{args:?}: {err}");
        let last = err.lines().last().unwrap_or_default();
        assert!(last.starts_with("primes: cannot write"), "{args:?}: {err}");
        assert!(last.contains("No space left"), "{args:?}: {err}");
    }
}

#[test]
fn full_stderr_does_not_panic_the_list() {
    // With --list the report goes to stderr; losing it is no reason to
    // crash (101), but it is a write error like any other: exit 1.
    let (code, _) = run_with(&["--list", "100", "2"], Stdio::null(), dev_full());
    assert_eq!(code, 1);
}

#[test]
fn bad_thread_counts_say_what_is_allowed() {
    for t in ["-1", "0", "1025", "abc", "99999999999999999999999", "2.5"] {
        let out = primes(&["100", t]).assert().code(2).get_output().clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{t}: {err}");
        assert!(err.contains("NTHREADS"), "{t}: {err}");
        assert!(err.contains("from 1 to 1024"), "{t}: {err}");
    }
}

#[test]
fn ctrl_c_while_nobody_reads_the_list() {
    // The pipe fills and the writer blocks in write(2); Ctrl-C must still
    // end the run (exit 130, a line on stderr), not wait for a reader.
    let mut child = std::process::Command::new(BIN)
        .args(["--list", "1e10", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_sigint_handler(child.id());
    std::thread::sleep(Duration::from_millis(500));
    testkit::signal(child.id(), "INT");
    let code = testkit::exit_code_bounded(&mut child, Duration::from_secs(15));
    let mut err = String::new();
    let mut stderr = child.stderr.take().unwrap();
    stderr.read_to_string(&mut err).unwrap();
    assert_eq!(code, 130, "{err}");
    assert!(err.contains("interrupted"), "{err}");
}

/// Runs `primes ARGS` through bash with a redirection such as `>&-`.
fn with_redirect(args: &str, redirect: &str) -> (i32, String) {
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c").arg(format!("exec {BIN} {args} {redirect}"));
    let out = testkit::run_bounded(&mut cmd, Duration::from_secs(60));
    (out.status.code().unwrap_or(-1), testkit::text(&out.stderr))
}

#[test]
fn closed_standard_streams_are_errors() {
    for args in ["100 2", "-s 100 2", "--list 100 2", "--help"] {
        let (code, err) = with_redirect(args, ">&-");
        assert_eq!(code, 1, "{args} >&-: {err}");
        assert_eq!(
            err, "primes: cannot write to stdout: Bad file descriptor\n",
            "{args}"
        );
        // Not closed: /dev/null, and a closed stdin (primes reads none).
        assert_eq!(with_redirect(args, ">/dev/null").0, 0, "{args} >/dev/null");
        assert_eq!(with_redirect(args, "<&-").0, 0, "{args} <&-");
    }
}

#[test]
fn tutorial_mode_too_big_for_memory_says_try_segmented() {
    // 2e10 needs a 2.5 GB array; under a 1 GB address-space limit it can
    // never be had: one line and exit 1, not the OOM killer.
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c")
        .arg(format!("ulimit -v 1000000 && exec {BIN} 2e10 2"));
    let out = testkit::run_bounded(&mut cmd, Duration::from_secs(60));
    let err = testkit::text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("try --segmented"), "{err}");
    assert!(out.stdout.is_empty());
}

/// Peak resident memory (VmHWM, KiB) of `primes ARGS` after it has run
/// for a while, then Ctrl-C.
fn peak_rss_kib(args: &[&str], stdout: Stdio) -> u64 {
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_sigint_handler(child.id());
    std::thread::sleep(Duration::from_secs(3));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    testkit::signal(child.id(), "INT");
    testkit::exit_code_bounded(&mut child, Duration::from_secs(30));
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn memory_does_not_grow_with_threads_segment_size_or_n() {
    // Each of these passed 1 GB before workspaces were bounded by the CPUs
    // and segments by 8 MiB: now a few buffers and the base primes.
    let mib = 1024;
    for (args, limit) in [
        (&["-s", "1e13", "1024"][..], 160 * mib),
        (&["-s", "--segment-kib", "8192", "1e13", "64"], 160 * mib),
        (&["-s", "--segment-kib", "1", "1e13", "2"], 100 * mib),
        (&["--list", "2e9", "1024"], 160 * mib),
    ] {
        let rss = peak_rss_kib(args, Stdio::null());
        assert!(rss < limit, "{args:?}: {rss} KiB");
    }
}

#[test]
fn progress_on_a_terminal_only() {
    // About 3-10 s in a debug build: long enough for the bar (after 1 s).
    let args = ["-s", "4e9", "1"];
    let mut cmd = match testkit::on_terminal(BIN, &args, &[]) {
        Ok(cmd) => cmd,
        Err(why) => testkit::skip!("{why}"),
    };
    let out = testkit::run_bounded(&mut cmd, Duration::from_secs(120));
    let screen = testkit::text(&out.stdout);
    assert!(screen.contains("sieving"), "{screen:?}");
    assert!(screen.contains("ETA"), "{screen:?}");
    assert!(screen.contains("there are 189961812 primes"), "{screen:?}");
    // Piped, stderr stays empty.
    let out = primes(&args).assert().success().get_output().clone();
    assert_eq!(testkit::text(&out.stderr), "");
}
