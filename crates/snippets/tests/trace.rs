//! `--trace FILE` and `--timeline` on every snippet (issue 15): the trace
//! is valid, has the rows the tutorial names, and a count of our own spans
//! agrees with what the program printed. Only span names the snippets
//! record themselves are counted (`common` records its own waits, `set()`
//! and `clear()` too, under other names).

use crate::support::{bin, run, text};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use timeline::Trace;
use timeline::model::Track;

/// A fresh trace path for this test process.
fn trace_path(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("snippets-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{tag}.json"))
}

fn read_trace(path: &std::path::Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap();
    let _ = std::fs::remove_file(path);
    timeline::json::read(&text, "t.json").expect("a valid trace")
}

/// Runs `name ARGS --trace FILE` with `input` on stdin; its output (stdout
/// as text) and the trace. The exit status must be `code`.
fn traced(name: &str, args: &[&str], input: &str, code: i32) -> (String, String, Trace) {
    let path = trace_path(name);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--trace", path.to_str().unwrap()]);
    let o = run(name, &all, input, 60);
    assert_eq!(o.status.code(), Some(code), "{name}: {o:?}");
    let trace = read_trace(&path);
    assert_eq!(trace.name, name);
    assert!(!trace.truncated, "{name}");
    (text(&o.stdout), text(&o.stderr), trace)
}

/// The rows, sorted as the chart draws them.
fn rows(trace: &Trace) -> Vec<&str> {
    trace.threads.iter().map(|t| t.name.as_str()).collect()
}

fn row<'a>(trace: &'a Trace, name: &str) -> &'a Track {
    trace
        .thread(name)
        .unwrap_or_else(|| panic!("no row {name} in {:?}", rows(trace)))
}

/// `MainThread` then `Thread-1` .. `Thread-n`.
fn main_and_threads(n: usize) -> Vec<String> {
    std::iter::once("MainThread".to_string())
        .chain((1..=n).map(|i| format!("Thread-{i}")))
        .collect()
}

fn count_lines(stdout: &str, needle: &str) -> usize {
    stdout.lines().filter(|l| l.contains(needle)).count()
}

/// Labels of the spans named `what` on `track`.
fn labels<'a>(track: &'a Track, what: &str) -> Vec<&'a str> {
    track
        .events
        .iter()
        .filter(|e| e.what == what)
        .map(|e| e.name.as_str())
        .collect()
}

#[test]
fn matloff_enumerate_and_notify() {
    let (out, _, t) = traced("t1-matloff-3-2-enumerate", &[], "", 0);
    // The recorder's threads are not listed: the output is the Python's.
    assert_eq!(
        out,
        "[<_MainThread(MainThread, started)>, <srvr(Thread-1, started)>, \
         <srvr(Thread-2, started)>]\n[<_MainThread(MainThread, started)>]\n"
    );
    assert_eq!(rows(&t), main_and_threads(2));
    let main = row(&t, "MainThread");
    assert_eq!(main.count("enumerate") as usize, out.lines().count());
    assert_eq!(main.count("join"), 2);

    let (out, _, t) = traced("t1-matloff-4-3-notify", &[], "", 0);
    assert_eq!(rows(&t), main_and_threads(3));
    for i in 1..=3 {
        assert_eq!(row(&t, &format!("Thread-{i}")).count("cond.wait"), 1);
    }
    let main = row(&t, "MainThread");
    assert_eq!(main.count("cond.notify"), 1);
    assert_eq!(main.count("cond.notify_all"), 1);
    // The one thread notify() woke, as printed, says so in its wait.
    let line = out.lines().find(|l| l.starts_with("notify(): ")).unwrap();
    let id = line
        .split("(thread ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    let woken = labels(row(&t, &format!("Thread-{id}")), "cond.wait");
    assert_eq!(woken, ["cond.wait(), woken by notify()"], "{out}");
}

#[test]
fn matloff_gil_turns_are_the_printed_hand_overs() {
    let args = [
        "--threads",
        "2",
        "--steps",
        "2000",
        "--check-interval",
        "100",
    ];
    let (out, _, t) = traced("t1-matloff-7-4-gil", &args, "", 0);
    assert_eq!(rows(&t), main_and_threads(5));
    assert_eq!(row(&t, "Thread-1").count("steps"), 1);
    let mut turns: Vec<(f64, &str)> = Vec::new();
    for name in ["Thread-2", "Thread-3"] {
        let r = row(&t, name);
        assert_eq!(r.count("gil"), 20, "{name}: 2000 steps, 100 a turn");
        assert_eq!(r.count("gil.acquire"), 20);
        turns.extend(
            r.events
                .iter()
                .filter(|e| e.what == "gil")
                .map(|e| (e.start_us, name)),
        );
    }
    for name in ["Thread-4", "Thread-5"] {
        assert_eq!(row(&t, name).count("steps"), 1);
        assert_eq!(row(&t, name).count("gil"), 0);
    }
    turns.sort_by(|a, b| a.0.total_cmp(&b.0));
    let changes = 1 + turns.windows(2).filter(|w| w[0].1 != w[1].1).count();
    let printed: usize = out
        .split("changed hands ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(changes, printed, "{out}");
    assert_eq!(row(&t, "MainThread").count("join"), 5);

    let (out, _, t) = traced("t1-matloff-b-generators", &[], "", 0);
    assert_eq!(rows(&t), ["MainThread"]);
    let switches: u64 = out
        .split("; ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    let done = count_lines(&out, " is done") as u64;
    assert_eq!(done, 3);
    assert_eq!(row(&t, "MainThread").count("resume"), switches + done);
}

#[test]
fn chun_bar_thread_objects_daemon_timer() {
    let (out, _, t) = traced("t2-chun-1-bar", &[], "", 0);
    assert_eq!(out, "foo\n");
    assert_eq!(rows(&t), main_and_threads(1));
    assert_eq!(labels(row(&t, "Thread-1"), "bar"), ["bar('foo')"]);
    assert_eq!(row(&t, "MainThread").count("join"), 1);

    let (out, _, t) = traced("t2-chun-2-thread-objects", &[], "", 0);
    assert_eq!(rows(&t), ["MainThread", "Thread-3", "worker-1", "worker-2"]);
    let main = row(&t, "MainThread");
    // Every is_alive() line but "before start", which asks no thread.
    assert_eq!(
        main.count("is_alive") as usize,
        count_lines(&out, "is_alive() = ") - 1
    );
    assert_eq!(
        main.count("enumerate") as usize,
        count_lines(&out, "enumerate(): ")
    );
    assert_eq!(main.count("join"), 3);
    for w in ["worker-1", "worker-2", "Thread-3"] {
        assert_eq!(row(&t, w).count("run"), 1, "{w}");
    }

    let (out, _, t) = traced("t2-chun-3-daemon", &[], "", 0);
    assert_eq!(rows(&t), ["MainThread", "Thread-1", "service"]);
    assert_eq!(row(&t, "Thread-1").count("sleep"), 1);
    // The daemon ticks on after the trace is written, until the exit.
    let ticks = count_lines(&out, "daemon: tick ") as u64;
    let traced_ticks = row(&t, "service").count("tick");
    assert!(
        (1..=ticks).contains(&traced_ticks),
        "{traced_ticks} of {ticks}"
    );

    let (out, _, t) = traced("t2-chun-4-timer", &[], "", 0);
    assert!(
        out.contains("timer 1 ran: True, timer 2 ran: False"),
        "{out}"
    );
    assert_eq!(rows(&t), main_and_threads(2));
    assert_eq!(row(&t, "Thread-1").count("function"), 1);
    assert_eq!(row(&t, "Thread-2").count("function"), 0);
    assert_eq!(row(&t, "MainThread").count("sleep"), 1);
    assert_eq!(row(&t, "MainThread").count("join"), 2);
}

#[test]
fn pycourse_heron_one_span_per_argument() {
    // Enter comes 2 s late, long after the three roots are done.
    let path = trace_path("heron-1");
    let o = crate::support::sh(
        "t3-pycourse-1-heron",
        &format!(
            r#"(sleep 2; echo) | "$BIN" 4 9 16 --trace '{}'"#,
            path.display()
        ),
        60,
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let t = read_trace(&path);
    assert_eq!(rows(&t), main_and_threads(3));
    let mut all: Vec<&str> = (1..=3)
        .flat_map(|i| labels(row(&t, &format!("Thread-{i}")), "heron"))
        .collect();
    all.sort();
    assert_eq!(all, ["heron(16)", "heron(4)", "heron(9)"]);
    assert_eq!(row(&t, "MainThread").count("raw_input"), 1);

    let (_, err, t) = traced("t3-pycourse-2-heron-racy", &["4", "9"], "", 0);
    // "N of 2 threads had finished" when main looked; the rest may finish
    // before the trace is written, or die with the process.
    let finished: u64 = err
        .split("; ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    let spans: u64 = t.threads.iter().map(|r| r.count("heron")).sum();
    assert!((finished..=2).contains(&spans), "{spans} spans, {err}");
    assert_eq!(row(&t, "MainThread").count("busy-wait"), 1);

    let (out, _, t) = traced("t3-pycourse-3-heron-fixed", &["4", "9", "16"], "", 0);
    assert!(out.contains("4.0"), "{out}");
    assert_eq!(rows(&t), main_and_threads(3));
    for i in 1..=3 {
        assert_eq!(row(&t, &format!("Thread-{i}")).count("heron"), 1);
    }
    assert_eq!(row(&t, "MainThread").count("join"), 3);
}

#[test]
fn pycourse_prime_number_one_span_per_number_checked() {
    let (out, _, t) = traced("t3-pycourse-4-prime-number", &[], "17\n12\n9\n1\n0\n", 0);
    let answers = count_lines(&out, "prime number");
    assert_eq!(answers, 4, "{out}");
    assert_eq!(rows(&t), main_and_threads(answers));
    let mut checked: Vec<&str> = (1..=answers)
        .flat_map(|i| labels(row(&t, &format!("Thread-{i}")), "check"))
        .collect();
    checked.sort();
    assert_eq!(
        checked,
        ["12: no prime", "17: prime", "1: prime", "9: no prime"]
    );
    let prompts = out.matches("number: ").count() as u64;
    assert_eq!(row(&t, "MainThread").count("raw_input"), prompts);
    assert_eq!(row(&t, "MainThread").count("join"), answers as u64);

    let (out, _, t) = traced(
        "t3-pycourse-5-prime-number-lock",
        &[],
        "17\n12\n9\n17\n-5\n",
        0,
    );
    assert!(out.ends_with("{17: True, 12: False, 9: False}\n"), "{out}");
    // Four numbers read (17 twice), four threads.
    assert_eq!(rows(&t), main_and_threads(4));
    for i in 1..=4 {
        let r = row(&t, &format!("Thread-{i}"));
        assert_eq!((r.count("check"), r.count("lock")), (1, 1));
    }
    assert_eq!(row(&t, "MainThread").count("lock"), 4);
}

#[test]
fn ojo_work_fibonacci_bank_account() {
    let (_, _, t) = traced("t4-ojo-1-do-some-work", &[], "", 0);
    assert_eq!(rows(&t), main_and_threads(1));
    assert_eq!(
        labels(row(&t, "Thread-1"), "do_some_work"),
        [r#"do_some_work("text")"#]
    );

    let (out, _, t) = traced("t4-ojo-2-fibonacci", &["9", "12", "20"], "", 0);
    assert_eq!(out.lines().count(), 3);
    assert_eq!(rows(&t), main_and_threads(3));
    let mut fibs: Vec<&str> = (1..=3)
        .flat_map(|i| labels(row(&t, &format!("Thread-{i}")), "fib"))
        .collect();
    fibs.sort();
    assert_eq!(fibs, ["fib[12]", "fib[20]", "fib[9]"]);

    let (out, _, t) = traced("t4-ojo-3-bank-account", &["--iterations", "25000"], "", 0);
    assert_eq!(rows(&t), main_and_threads(8));
    // Batch sizes from the labels (`racy ...: 10000 deposits of 100`).
    let size = |l: &str| -> u64 {
        let n = l.rsplit(": ").next().unwrap().split(' ').next().unwrap();
        n.parse().unwrap()
    };
    let updates = |a: &str, b: &str| -> u64 {
        let d: u64 = labels(row(&t, a), "deposit").into_iter().map(size).sum();
        let w: u64 = labels(row(&t, b), "withdraw").into_iter().map(size).sum();
        d + w
    };
    assert_eq!(updates("Thread-1", "Thread-2"), 2, "the slide's pair");
    let printed = count_lines(&out, "of 50000 updates");
    assert_eq!(printed, 3, "{out}");
    for (a, b) in [
        ("Thread-3", "Thread-4"),
        ("Thread-5", "Thread-6"),
        ("Thread-7", "Thread-8"),
    ] {
        assert_eq!(updates(a, b), 50000, "{a} {b}");
        assert_eq!(row(&t, a).count("deposit"), 3, "{a}: 10000 + 10000 + 5000");
        assert_eq!(row(&t, a).count("barrier"), 1);
    }
    assert_eq!(row(&t, "MainThread").count("join"), 8);
}

#[test]
fn ojo_locks_rlock_semaphore() {
    let (out, _, t) = traced("t4-ojo-4-locks", &[], "", 0);
    assert_eq!(rows(&t), main_and_threads(3));
    let main = row(&t, "MainThread");
    assert_eq!(
        main.count("acquire(False)") as usize,
        count_lines(&out, "acquire(False) ")
    );
    // Main's last acquire lasts what it printed it waited.
    let waited: f64 = out
        .split("waited ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    let last = main
        .events
        .iter()
        .find(|e| e.name == "lock.acquire() after locked() said free")
        .expect("main's last acquire");
    let ms = last.dur_us / 1000.0;
    assert!(
        ms >= waited && ms < waited + 50.0,
        "{ms} ms, printed {waited}"
    );
    assert_eq!(row(&t, "Thread-3").count("sleep"), 1);

    let (out, _, t) = traced("t4-ojo-5-rlock", &[], "", 0);
    assert_eq!(rows(&t), ["MainThread"]);
    let balance: i64 = out
        .trim_end()
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    let deposited: i64 = labels(row(&t, "MainThread"), "deposit")
        .iter()
        .map(|l| l["deposit(".len()..l.len() - 1].parse::<i64>().unwrap())
        .sum();
    assert_eq!(deposited, balance);

    let (out, _, t) = traced("t4-ojo-6-semaphore", &[], "", 0);
    assert_eq!(rows(&t), main_and_threads(10));
    let mut inside: Vec<(f64, f64)> = Vec::new();
    for i in 1..=10 {
        let r = row(&t, &format!("Thread-{i}"));
        assert_eq!((r.count("acquire"), r.count("release")), (1, 1));
        assert_eq!(r.count("sleep"), 1);
        let z = r.events.iter().find(|e| e.what == "sleep").unwrap();
        inside.push((z.start_us, z.end_us()));
    }
    // At most 3 sleeps overlap: the printed bound.
    let most = inside
        .iter()
        .map(|&(s, _)| inside.iter().filter(|&&(a, b)| a <= s && s < b).count())
        .max()
        .unwrap();
    assert!((1..=3).contains(&most), "{most} inside at once; {out}");
    // Main: two releases of the plain semaphore, one refused bounded one.
    assert_eq!(row(&t, "MainThread").count("release"), 3);
}

#[test]
fn ojo_event_condition_queue() {
    let (out, _, t) = traced("t4-ojo-7-event", &[], "", 0);
    assert_eq!(count_lines(&out, "the flag is set, going on"), 3);
    assert_eq!(rows(&t), main_and_threads(4));
    for i in 1..=3 {
        assert_eq!(row(&t, &format!("Thread-{i}")).count("run"), 1);
    }
    assert_eq!(row(&t, "Thread-4").count("sleep"), 1);
    assert_eq!(row(&t, "MainThread").count("join"), 4);

    let (out, _, t) = traced("t4-ojo-8-condition", &[], "", 0);
    assert_eq!(rows(&t), main_and_threads(1));
    let consumer = row(&t, "Thread-1");
    assert_eq!(
        consumer.count("consume") as usize,
        count_lines(&out, "consumed item")
    );
    assert_eq!(consumer.count("acquire"), 10);
    let main = row(&t, "MainThread");
    assert_eq!(
        main.count("produce") as usize,
        count_lines(&out, "produced item")
    );
    assert_eq!(main.count("cond.notify"), 10);
    assert_eq!(main.count("sleep"), 10);

    let (out, _, t) = traced("t4-ojo-9-queue", &[], "", 0);
    assert_eq!(rows(&t), main_and_threads(2));
    assert_eq!(row(&t, "Thread-1").count("put"), 10);
    let consumer = row(&t, "Thread-2");
    assert_eq!(
        consumer.count("item") as usize,
        count_lines(&out, "consumer: got item-")
    );
    // One get per item, and the last one that finds the queue closed.
    assert_eq!(consumer.count("get"), 11);
    assert_eq!(row(&t, "MainThread").count("join"), 2);
}

/// `worker N: K items` lines as (N, K).
fn worker_items(stdout: &str) -> Vec<(u32, u64)> {
    stdout
        .lines()
        .filter_map(|l| {
            let (n, k) = l.strip_prefix("worker ")?.split_once(": ")?;
            let k = k.strip_suffix(" items").or(k.strip_suffix(" item"))?;
            Some((n.parse().ok()?, k.parse().ok()?))
        })
        .collect()
}

#[test]
fn ghl3_pool_one_item_span_per_item_processed() {
    let (out, _, t) = traced("t5-ghl3-1-pool", &["-j", "3", "--delay-ms", "5"], "", 1);
    assert_eq!(rows(&t), ["MainThread", "worker-1", "worker-2", "worker-3"]);
    let per_worker = worker_items(&out);
    assert_eq!(per_worker.len(), 3, "{out}");
    for (n, k) in per_worker {
        let r = row(&t, &format!("worker-{n}"));
        assert_eq!(r.count("item"), k, "worker {n}");
        assert_eq!(r.count("download"), k, "worker {n}");
    }
    let all: Vec<&str> = t.threads.iter().flat_map(|r| labels(r, "item")).collect();
    assert_eq!(all.len(), 13);
    assert!(all.contains(&"\"oops\" failed"), "{all:?}");
    assert!(all.contains(&"12 -> 144"), "{all:?}");
    assert_eq!(row(&t, "MainThread").count("join"), 3);
}

#[test]
fn ctrl_c_still_writes_the_trace() {
    // The pool stops by itself, reports, and writes the trace at its end.
    let path = trace_path("pool-int");
    let items: Vec<String> = (1..=40).map(|i| i.to_string()).collect();
    let child = testkit::spawn_piped(
        Command::new(bin("t5-ghl3-1-pool"))
            .args(["-j", "2", "--delay-ms", "200", "--trace"])
            .arg(&path)
            .args(&items),
    );
    // Main, the trace's keeper, the Ctrl-C handler, two workers.
    let out = testkit::interrupt(child, 5, Duration::from_millis(500), "INT");
    let stdout = text(&out.stdout);
    let t = read_trace(&path);
    for (n, k) in worker_items(&stdout) {
        assert_eq!(row(&t, &format!("worker-{n}")).count("item"), k, "{stdout}");
    }

    // A program without Ctrl-C handling of its own: the trace's handler
    // writes it, says so, and exits 130.
    let path = trace_path("prime-int");
    let mut child = Command::new(bin("t3-pycourse-4-prime-number"))
        .arg("--trace")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"7\n").unwrap();
    // Main, the keeper, the Ctrl-C handler; then main waits for more input.
    let out: Output = testkit::interrupt(child, 3, Duration::from_millis(500), "INT");
    drop(stdin);
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "t3-pycourse-4-prime-number: interrupted; the trace so far is in {}\n",
            path.display()
        )
    );
    assert!(text(&out.stdout).contains("7 is a prime number"));
    let t = read_trace(&path);
    assert_eq!(labels(row(&t, "Thread-1"), "check"), ["7: prime"]);
    // The first read ended; the second was still waiting.
    assert_eq!(row(&t, "MainThread").count("raw_input"), 1);
}

#[test]
fn timeline_chart_has_a_row_per_thread() {
    let o = Command::new(bin("t4-ojo-7-event"))
        .arg("--timeline")
        .env("COLUMNS", "64")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let stderr = text(&o.stderr);
    let chart: Vec<&str> = stderr.lines().filter(|l| l.contains(" |")).collect();
    let names: Vec<&str> = chart
        .iter()
        .map(|l| l.split(" |").next().unwrap().trim())
        .collect();
    assert_eq!(names, main_and_threads(4), "{stderr}");
    assert!(chart.iter().all(|r| r.chars().count() == 64), "{stderr}");
    assert!(
        stderr.starts_with("t4-ojo-7-event: 5 threads over "),
        "{stderr}"
    );
    assert!(stderr.contains("# work"), "{stderr}");
    // stdout is the program's, unchanged.
    assert_eq!(
        count_lines(&text(&o.stdout), "the flag is set, going on"),
        3
    );
}

#[test]
fn bad_trace_flags() {
    // No FILE: one line, exit 2, with or without clap.
    for name in ["t2-chun-1-bar", "t4-ojo-2-fibonacci"] {
        let o = run(name, &["--trace"], "", 30);
        assert_eq!(o.status.code(), Some(2), "{name}: {o:?}");
        assert_eq!(text(&o.stderr).lines().count(), 1, "{name}");
        assert!(o.stdout.is_empty(), "{name}");
    }
    // A FILE that cannot be made: one line, exit 1, before the run.
    for name in ["t2-chun-1-bar", "t4-ojo-2-fibonacci"] {
        let o = run(name, &["--trace", "/nonexistent-dir/t.json"], "", 30);
        assert_eq!(o.status.code(), Some(1), "{name}: {o:?}");
        assert_eq!(
            text(&o.stderr),
            format!(
                "{name}: cannot write the trace: /nonexistent-dir/t.json: \
                 No such file or directory (os error 2)\n"
            )
        );
        assert!(o.stdout.is_empty(), "{name}");
    }
}
