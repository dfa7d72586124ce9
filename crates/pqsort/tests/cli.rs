//! Drives the real `pqsort` binary: tutorial mode, tool modes, errors, Ctrl-C.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use testkit::{finish_bounded, text};

const BIN: &str = env!("CARGO_BIN_EXE_pqsort");

/// Runs pqsort with `args` and `stdin`, killing it if it takes over 60 s.
/// Input is fed from a thread, so a large one cannot deadlock against
/// output the child writes meanwhile.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pqsort");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = finish_bounded(child, Duration::from_secs(60));
    feeder.join().unwrap();
    out
}

/// A temp file removed on drop.
struct TempFile(PathBuf);
impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let p = std::env::temp_dir().join(format!("pqsort-test-{}-{name}", std::process::id()));
        std::fs::write(&p, contents).unwrap();
        TempFile(p)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Checks the tutorial's report format: for each size, the size line and
/// one line per thread 1..=threads; returns the visit counts per size.
fn parse_report(out: &str, sizes: &[usize], threads: usize) -> Vec<Vec<u64>> {
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= sizes.len() * (threads + 1), "{out}");
    let mut all = Vec::new();
    for (k, size) in sizes.iter().enumerate() {
        let block = &lines[k * (threads + 1)..(k + 1) * (threads + 1)];
        assert_eq!(block[0], format!("For sorting an array of size {size}"));
        let visits = block[1..]
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let n = l
                    .strip_prefix(&format!("thread {} visited array ", i + 1))
                    .and_then(|r| r.strip_suffix(" times"))
                    .unwrap_or_else(|| panic!("bad line {l:?}"));
                n.parse::<u64>().expect("a count")
            })
            .collect();
        all.push(visits);
    }
    all
}

#[test]
fn tutorial_mode_prints_the_tutorial_report() {
    let out = run(&[], b"");
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    let sizes: Vec<usize> = (1..=10).map(|k| 100 * k).collect();
    assert_eq!(stdout.lines().count(), 10 * 6, "{stdout}");
    let visits = parse_report(&stdout, &sizes, 5);
    for (size, v) in sizes.iter().zip(&visits) {
        // The listing's algorithm: every element is a pivot exactly once,
        // so the counts add up to the size, as in the tutorial's output.
        assert_eq!(v.iter().sum::<u64>(), *size as u64, "{size}: {v:?}");
    }
    assert!(out.stderr.is_empty());
}

#[test]
fn tutorial_mode_takes_threads_and_seed() {
    let sizes: Vec<usize> = (1..=10).map(|k| 100 * k).collect();
    for threads in ["1", "3", "64"] {
        let out = run(&["--threads", threads, "--seed", "5"], b"");
        assert!(out.status.success(), "{out:?}");
        let visits = parse_report(&text(&out.stdout), &sizes, threads.parse().unwrap());
        for (size, v) in sizes.iter().zip(&visits) {
            assert_eq!(v.iter().sum::<u64>(), *size as u64, "{threads}: {v:?}");
        }
    }
}

#[test]
fn size_mode_sorts_every_shape_and_reports() {
    for shape in ["random", "sorted", "reverse", "equal", "few-unique"] {
        let out = run(
            &[
                "--size",
                "300000",
                "--threads",
                "3",
                "--seed",
                "1",
                "--input",
                shape,
            ],
            b"",
        );
        assert!(out.status.success(), "{shape}: {out:?}");
        let stdout = text(&out.stdout);
        parse_report(&stdout, &[300_000], 3);
        let last = stdout.lines().last().unwrap();
        assert!(
            last.starts_with(&format!(
                "sorted 300000 {shape} integers with 3 threads in "
            )) && last.ends_with(" s (checked: in order, same elements)"),
            "{last}"
        );
    }
}

#[test]
fn size_mode_handles_empty_and_tiny() {
    for n in ["0", "1", "2"] {
        let out = run(&["--size", n], b"");
        assert!(out.status.success(), "{n}: {out:?}");
        assert!(text(&out.stdout).contains(&format!("sorted {n} random integers")));
    }
}

fn lcg_numbers(n: usize) -> Vec<i64> {
    let mut x: u64 = 12345;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x as i64) >> (x % 60)
        })
        .collect()
}

#[test]
fn sorts_a_file_like_sort_n() {
    // 300,000 lines (about 5 MB): parsed and printed by several threads.
    let nums = lcg_numbers(300_000);
    let input: String = nums.iter().map(|x| format!("{x}\n")).collect();
    let f = TempFile::new("file", input.as_bytes());
    let mut want = nums.clone();
    want.sort();
    let want: String = want.iter().map(|x| format!("{x}\n")).collect();
    for threads in ["1", "4"] {
        let out = run(&[f.path(), "--threads", threads], b"");
        assert!(out.status.success(), "{out:?}");
        assert_eq!(text(&out.stdout), want);
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn sorts_stdin_with_whitespace_signs_and_extremes() {
    let input = b"  42\n-7\r\n\n+3\n\t-9223372036854775808 \n9223372036854775807\n0";
    let out = run(&["-"], input);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        text(&out.stdout),
        "-9223372036854775808\n-7\n0\n3\n42\n9223372036854775807\n"
    );
}

#[test]
fn empty_input_gives_empty_output() {
    let out = run(&["-"], b"");
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn verbose_reports_partitions_on_stderr() {
    let nums = lcg_numbers(100_000);
    let input: String = nums.iter().map(|x| format!("{x}\n")).collect();
    let out = run(
        &["-", "-v", "-t", "2", "--cutoff", "1000"],
        input.as_bytes(),
    );
    assert!(out.status.success(), "{out:?}");
    let err = text(&out.stderr);
    assert!(err.contains("thread 2 visited array "), "{err}");
    assert_eq!(text(&out.stdout).lines().count(), 100_000);
}

#[test]
fn bad_line_is_named_and_nothing_is_written() {
    let mut input: String = (0..10_000).map(|x| format!("{x}\n")).collect();
    input.push_str("12abc\n5\n");
    let out = run(&["-"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("line 10001") && err.contains("12abc"), "{err}");

    // Large enough (about 5 MB) to be parsed in pieces by several threads:
    // the line number still counts from the start of the whole input.
    let mut input: String = (0..600_000).map(|x| format!("{}\n", x * 7)).collect();
    input.push_str("0x1f\n5\n");
    for threads in ["1", "2", "4"] {
        let out = run(&["-", "-t", threads], input.as_bytes());
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        let err = text(&out.stderr);
        assert!(err.contains("line 600001") && err.contains("0x1f"), "{err}");
    }

    let f = TempFile::new("bad", b"1\n99999999999999999999\nten\n");
    let out = run(&[f.path()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains(f.path()) && err.contains("line 3") && err.contains("ten"),
        "{err}"
    );
}

#[test]
fn integers_beyond_64_bits_are_sorted_too() {
    // u64 values above i64::MAX (hashes, say) and longer ones: as sort -n.
    let input = b"18446744073709551615\n-5\n9223372036854775808\n0\n-123456789012345678901234567890\n0042\n";
    for threads in ["1", "2"] {
        let out = run(&["-", "-t", threads], input);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            text(&out.stdout),
            "-123456789012345678901234567890\n-5\n0\n42\n9223372036854775808\n18446744073709551615\n"
        );
    }
}

#[test]
fn missing_file_is_one_line_exit_1() {
    let out = run(&["/nonexistent/pqsort-input"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).lines().count(), 1);
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments_are_one_line_exit_2() {
    for args in [
        &["--threads", "0"][..],
        &["--size", "abc"],
        &["--size", "-5"],
        &["--input", "random"],
        &["--size", "10", "--input", "zigzag"],
        &["--size", "10", "somefile"],
        &["--cutoff", "0"],
        &["--frobnicate"],
        &["a", "b"],
        &["--verbose"],
        &["--cutoff", "4"],
        &["--size", "10", "-v"],
        &["--size", "10", "-S", "1M"],
        &["-S", "1M"],
        &["-", "-S", "0"],
        &["-", "-S", "12Q"],
    ] {
        let out = run(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("pqsort: "), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn help_and_version() {
    let out = run(&["--help"], b"");
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("--size"));
    let out = run(&["--version"], b"");
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("pqsort "));
}

#[test]
fn ctrl_c_stops_a_long_sort_with_130() {
    // Cut-off 2 puts millions of tiny jobs through the queue: seconds of
    // work even in release, so the signal lands before the end.
    let child = testkit::spawn_piped(Command::new(BIN).args([
        "--size",
        "20000000",
        "--cutoff",
        "2",
        "--threads",
        "2",
    ]));
    // Main, the Ctrl-C handler and the two workers: the sort is under way.
    let out = testkit::interrupt(child, 4, Duration::ZERO, "INT");
    let err = text(&out.stderr);
    assert!(err.contains("interrupted"), "{err}");
}

#[test]
fn ctrl_c_while_reading_stdin_leaves_at_once() {
    // A terminal user who typed a few numbers and presses Ctrl-C: stdin
    // stays open, so only the handler can end the read.
    let mut child = Command::new(BIN)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pqsort");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"3\n1\n").unwrap();
    // Main and the Ctrl-C handler: the handler is installed.
    let out = testkit::interrupt(child, 2, Duration::from_millis(100), "INT");
    drop(stdin);
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "pqsort: interrupted while reading (4 bytes read)\n"
    );
}

#[test]
fn ctrl_c_while_output_is_blocked_leaves_at_once() {
    // Output to a reader that stopped reading (a pager, say): the writer
    // blocks on the full pipe, where no flag is looked at.
    let nums: String = (0..400_000)
        .map(|x| format!("{}\n", x * 3 % 400_000))
        .collect();
    let f = TempFile::new("blocked", nums.as_bytes());
    let mut child = Command::new(BIN)
        .args([f.path(), "-t", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pqsort");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 2];
    stdout.read_exact(&mut first).unwrap(); // writing has begun
    assert_eq!(&first, b"0\n");
    std::thread::sleep(Duration::from_millis(200)); // the pipe fills up
    testkit::signal(child.id(), "INT");
    let code = testkit::exit_code_bounded(&mut child, Duration::from_secs(10));
    // Exit 130, not a broken pipe: our end of stdout is still open.
    assert_eq!(code, 130);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.starts_with("pqsort: interrupted while writing (")
            && err.ends_with(" of 400000 lines written)\n"),
        "{err}"
    );
    drop(stdout);
}

#[test]
fn errors_to_an_unwritable_stderr_still_exit_with_their_code() {
    // Nowhere to say it (stderr is /dev/full): the exit code still tells.
    for (args, code) in [(&["--threads", "0"][..], 2), (&["/nonexistent/x"][..], 1)] {
        let status = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create("/dev/full").unwrap())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn verbose_names_the_input_size_not_the_threads() {
    let input: String = (0..1000).map(|x| format!("{}\n", (x * 7) % 1000)).collect();
    let out = run(&["-", "-v", "-t", "7", "--cutoff", "16"], input.as_bytes());
    assert!(out.status.success(), "{out:?}");
    let err = text(&out.stderr);
    assert_eq!(
        err.lines().next(),
        Some("For sorting an array of size 1000"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 8, "{err}");
}

#[test]
fn one_thread_is_one_thread() {
    let out = run(&["--size", "1000", "-t", "1"], b"");
    assert!(out.status.success(), "{out:?}");
    assert!(
        text(&out.stdout).contains(" integers with 1 thread in "),
        "{out:?}"
    );
}

#[test]
fn vertical_tab_and_form_feed_are_both_whitespace() {
    let out = run(&["-"], b"\x0b5\x0b\n\x0c3\x0c\n\x0b\n-1\n");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(text(&out.stdout), "-1\n3\n5\n");
}

/// Runs `pqsort ARGS` under bash with `redirect` (such as `>&-`).
fn run_redirected(args: &str, redirect: &str) -> Output {
    let script = format!("exec \"$0\" {args} {redirect}");
    testkit::run_bounded(
        Command::new("bash").args(["-c", &script, BIN]),
        Duration::from_secs(60),
    )
}

#[test]
fn closed_stdout_or_stdin_is_an_error() {
    let f = TempFile::new("closed", b"3\n1\n2\n");
    for args in [f.path(), "--size 10", ""] {
        let out = run_redirected(args, ">&-");
        assert_eq!(out.status.code(), Some(1), "{args}: {out:?}");
        assert_eq!(
            text(&out.stderr),
            "pqsort: cannot write to stdout: Bad file descriptor\n",
            "{args}"
        );
    }
    let out = run_redirected("-", "<&-");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        text(&out.stderr).starts_with("pqsort: cannot read stdin: "),
        "{out:?}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn ctrl_c_or_term_stops_size_mode_with_one_thread() {
    // One thread: one long sort_unstable, where no flag is looked at.
    for sig in ["INT", "TERM"] {
        let child = testkit::spawn_piped(
            Command::new(BIN).args(["--size", "30000000", "-t", "1", "--seed", "3"]),
        );
        let out = testkit::interrupt(child, 2, Duration::from_millis(300), sig);
        let err = text(&out.stderr);
        assert!(
            err.starts_with("pqsort: interrupted while "),
            "{sig}: {err}"
        );
        assert!(out.stdout.is_empty(), "{sig}");
    }
}

#[test]
fn ctrl_c_stops_data_generation() {
    let child = testkit::spawn_piped(Command::new(BIN).args([
        "--size",
        "400000000",
        "-t",
        "2",
        "--input",
        "few-unique",
    ]));
    let out = testkit::interrupt(child, 2, Duration::from_millis(100), "INT");
    let err = text(&out.stderr);
    assert!(
        err.starts_with("pqsort: interrupted while generating ("),
        "{err}"
    );
    assert!(err.ends_with(" of 400000000 integers made)\n"), "{err}");
}

#[test]
fn ctrl_c_while_writing_ends_the_output_at_a_line_end() {
    let nums: Vec<u64> = (0..400_000u64).map(|x| x * 7919 % 400_000).collect();
    let input: String = nums.iter().map(|x| format!("{x}\n")).collect();
    let f = TempFile::new("cut", input.as_bytes());
    let mut child = Command::new(BIN)
        .args([f.path(), "-t", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pqsort");
    let mut stdout = child.stdout.take().unwrap();
    let mut got = vec![0u8; 2];
    stdout.read_exact(&mut got).unwrap(); // writing has begun
    std::thread::sleep(Duration::from_millis(200)); // the pipe fills up
    testkit::signal(child.id(), "INT");
    stdout.read_to_end(&mut got).unwrap(); // and is read again at once
    let code = testkit::exit_code_bounded(&mut child, Duration::from_secs(10));
    assert_eq!(code, 130);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let got = text(&got);
    let lines = got.lines().count();
    assert!(got.ends_with('\n') && lines < 400_000, "{lines}");
    let want: String = (0..lines).map(|x| format!("{x}\n")).collect();
    assert!(got == want, "not the first {lines} lines of the output");
    assert_eq!(
        err,
        format!(
            "pqsort: interrupted while writing: {lines} of 400000 lines written (the output ends at a line end)\n"
        )
    );
}

/// A fresh empty directory, removed on drop.
struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("pqsort-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir(&p).unwrap();
        TempDir(p)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn past_the_memory_budget_it_sorts_in_runs_on_disk() {
    // About 5 MB of text under -S 64K: hundreds of runs, merged in passes.
    let mut nums: Vec<i128> = lcg_numbers(300_000).into_iter().map(i128::from).collect();
    nums.extend([i128::from(u64::MAX) * 3, -(i128::from(u64::MAX) * 5), 0, -0]);
    let input: String = nums.iter().map(|x| format!("{x}\n")).collect();
    let f = TempFile::new("runs", input.as_bytes());
    nums.sort();
    let want: String = nums.iter().map(|x| format!("{x}\n")).collect();
    let tmp = TempDir::new("runs-tmp");
    for threads in ["1", "3"] {
        let out = run(
            &[f.path(), "-S", "64K", "-T", tmp.path(), "-t", threads, "-v"],
            b"",
        );
        assert!(out.status.success(), "{out:?}");
        assert!(
            text(&out.stdout) == want,
            "{threads}: differs from the sorted input"
        );
        let err = text(&out.stderr);
        assert_eq!(
            err.lines().next(),
            Some("For sorting an array of size 300004"),
            "{err}"
        );
        // Every run was unlinked at once: nothing left behind.
        assert_eq!(std::fs::read_dir(&tmp.0).unwrap().count(), 0);
    }
    // stdin too, and the same input in memory gives the same output.
    let out = run(&["-", "-S", "100K", "-T", tmp.path()], input.as_bytes());
    assert!(out.status.success() && text(&out.stdout) == want, "{out:?}");
    let out = run(&[f.path()], b"");
    assert!(out.status.success() && text(&out.stdout) == want);
    // Big integers only: the input fits the budget as text, but not as
    // big integers, so it is halved into runs until they do.
    let big: Vec<i128> = (0..2000i128)
        .map(|i| (i * 7919 % 2000) * 10i128.pow(20) - i)
        .collect();
    let input: String = big.iter().map(|x| format!("{x}\n")).collect();
    let mut want = big.clone();
    want.sort();
    let want: String = want.iter().map(|x| format!("{x}\n")).collect();
    let out = run(&["-", "-S", "100K", "-T", tmp.path()], input.as_bytes());
    assert!(out.status.success() && text(&out.stdout) == want, "{out:?}");
}

#[test]
fn in_runs_a_bad_line_is_named_by_its_line_in_the_whole_input() {
    let mut input: String = (0..100_000)
        .map(|x| format!("{}\n", x * 3 % 100_000))
        .collect();
    input.push_str("7x\n1\n");
    let tmp = TempDir::new("bad-tmp");
    let out = run(&["-", "-S", "64K", "-T", tmp.path()], input.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "pqsort: stdin: line 100001: \"7x\" is not an integer\n"
    );
    // No place for the runs: one line, exit 1.
    let out = run(
        &["-", "-S", "64K", "-T", "/nonexistent/pqsort-tmp"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.starts_with("pqsort: cannot use a temporary file in /nonexistent/pqsort-tmp: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn size_mode_refuses_what_memory_cannot_hold() {
    let out = run(&["--size", "100000000000000"], b"");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.starts_with("pqsort: --size 100000000000000 needs 800000.0 GB of memory; "),
        "{err}"
    );
}

#[test]
fn a_long_sort_shows_progress_on_a_terminal_only() {
    // 3,000,000 lines and a small cut-off: seconds of work in a debug build.
    let input: String = lcg_numbers(3_000_000)
        .iter()
        .map(|x| format!("{x}\n"))
        .collect();
    let f = TempFile::new("progress", input.as_bytes());
    let script = format!("exec \"$0\" {} -t 2 --cutoff 64 >/dev/null", f.path());
    let mut cmd = match testkit::on_terminal("bash", &["-c", &script, BIN], &[]) {
        Ok(cmd) => cmd,
        Err(why) => testkit::skip!("{why}"),
    };
    let out = testkit::run_bounded(&mut cmd, Duration::from_secs(120));
    assert!(out.status.success(), "{out:?}");
    let screen = text(&out.stdout);
    assert!(
        screen.contains("sorting") && screen.contains("/3,000,000"),
        "{screen:?}"
    );
    // Piped, the same run says nothing on stderr.
    let out = testkit::run_bounded(
        Command::new(BIN).args([f.path(), "-t", "2", "--cutoff", "64"]),
        Duration::from_secs(120),
    );
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{:?}",
        text(&out.stderr)
    );
}

/// A memory cgroup (v1, or v2 where the memory controller is delegated)
/// with a limit, removed on drop; commands run in it through bash.
struct MemoryCgroup(PathBuf, &'static str);
impl MemoryCgroup {
    fn new(name: &str, limit: u64) -> Result<Self, String> {
        if !testkit::is_root() {
            return Err("not root: cannot create a memory cgroup".into());
        }
        let cgroups = std::fs::read_to_string("/proc/self/cgroup").map_err(|e| e.to_string())?;
        let name = format!("{name}-{}", std::process::id());
        for line in cgroups.lines() {
            let mut parts = line.splitn(3, ':');
            let (_, controllers, path) = (parts.next(), parts.next(), parts.next());
            let (Some(controllers), Some(path)) = (controllers, path) else {
                continue;
            };
            let path = path.trim_start_matches('/');
            let (dir, file) = if controllers.split(',').any(|c| c == "memory") {
                (
                    PathBuf::from("/sys/fs/cgroup/memory").join(path),
                    "memory.limit_in_bytes",
                )
            } else if controllers.is_empty() {
                (PathBuf::from("/sys/fs/cgroup").join(path), "memory.max")
            } else {
                continue;
            };
            let dir = dir.join(&name);
            if std::fs::create_dir(&dir).is_ok() {
                let cg = MemoryCgroup(dir, "cgroup.procs");
                if std::fs::write(cg.0.join(file), limit.to_string()).is_ok() {
                    return Ok(cg);
                }
            }
        }
        Err("no memory cgroup can be created here".into())
    }

    /// `bash -c 'echo $$ > procs; exec BIN ARGS > out'`.
    fn command(&self, args: &str, out: &str) -> Command {
        let procs = self.0.join(self.1);
        let script = format!(
            "echo $$ > '{}' && exec \"$0\" {args} > '{out}'",
            procs.display()
        );
        let mut cmd = Command::new("bash");
        cmd.args(["-c", &script, BIN]);
        cmd
    }
}
impl Drop for MemoryCgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[test]
fn under_a_memory_limit_it_sorts_in_runs_instead_of_being_killed() {
    // About 40 MB of text under a 48 MiB limit: held in memory, parsed,
    // it needs about 90 MB and the OOM killer ends it (exit 137, nothing
    // said); by default pqsort plans for half the room and sorts in runs.
    let cg = match MemoryCgroup::new("pqsort-test", 48 << 20) {
        Ok(cg) => cg,
        Err(why) => testkit::skip!("{why}"),
    };
    let mut x: u64 = 99;
    let nums: Vec<i64> = (0..3_000_000)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            (x >> 24) as i64 - (1 << 39)
        })
        .collect();
    let input: String = nums.iter().map(|x| format!("{x}\n")).collect();
    let f = TempFile::new("cgroup-in", input.as_bytes());
    let out = TempFile::new("cgroup-out", b"");
    let o = testkit::run_bounded(
        &mut cg.command(f.path(), out.path()),
        Duration::from_secs(120),
    );
    assert!(o.status.success(), "{o:?}");
    let mut want = nums;
    want.sort();
    let want: String = want.iter().map(|x| format!("{x}\n")).collect();
    assert!(
        std::fs::read_to_string(&out.0).unwrap() == want,
        "output differs"
    );
    // The same run forced to hold everything (-S 100G) is killed.
    let o = testkit::run_bounded(
        &mut cg.command(&format!("{} -S 100G", f.path()), out.path()),
        Duration::from_secs(120),
    );
    assert!(
        !o.status.success(),
        "fit in memory after all: the test proves nothing"
    );
}
