//! The recorder through its public API: names, counts, kinds, the cap, and
//! the JSON it writes read back. Sessions are one at a time per process, so
//! these tests take turns on their own.

use timeline::{Kind, Options, Session};

/// The recorder is one per process: tests that expect it off must not run
/// while another records, so every test here takes this first.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn spans_in_threads(threads: usize, ks: u64) -> Vec<u64> {
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    timeline::thread_name(format_args!("thread {t}"));
                    let mut n = 0;
                    for k in 0..ks {
                        let _k = timeline::work("k").with(format_args!("k={k}"));
                        if k % 10 == 0 {
                            let _w = timeline::wait("lock");
                        }
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        let _join = timeline::wait("join");
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn off_records_nothing_and_spans_are_empty() {
    let _serial = serial();
    let session = Session::from_args(None, false).unwrap();
    assert!(!session.is_on());
    assert!(!timeline::work("k").is_recording());
    session.finish().unwrap();
}

#[test]
fn threads_named_counts_and_kinds() {
    let _serial = serial();
    let mut session = Session::start(Options {
        chart: true,
        process: Some("demo".into()),
        ..Options::default()
    })
    .unwrap();
    timeline::thread_name("MainThread"); // a test's thread is named after the test
    assert!(timeline::work("k").is_recording());
    let counts = spans_in_threads(3, 50);
    timeline::instant("set", "set()");
    let trace = session.collect().unwrap();
    assert_eq!(trace.name, "demo");
    assert!(!trace.truncated);
    // MainThread: one span held across the test above, the join, the set().
    let main = trace.thread("MainThread").expect("main's row");
    assert!(
        main.events
            .iter()
            .any(|e| e.kind == Kind::Wait && e.name == "join")
    );
    assert!(
        main.events
            .iter()
            .any(|e| e.kind == Kind::Instant && e.name == "set()")
    );
    for (t, want) in counts.iter().enumerate() {
        let row = trace
            .thread(&format!("thread {t}"))
            .expect("a row per thread");
        assert_eq!(row.count("k"), *want);
        assert_eq!(row.count("lock"), want / 10);
        let ks: Vec<&str> = row
            .events
            .iter()
            .filter(|e| e.what == "k")
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(ks[..3], ["k=0", "k=1", "k=2"]);
        // In time order, each wait inside its k.
        assert!(
            row.events
                .windows(2)
                .all(|w| w[0].start_us <= w[1].start_us)
        );
    }
    session.finish().unwrap();
}

#[test]
fn past_the_cap_only_aggregates_and_says_so() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("timeline-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    let mut session = Session::start(Options {
        trace: Some(path.clone()),
        cap: 3000,
        ..Options::default()
    })
    .unwrap();
    let counts = spans_in_threads(2, 5000);
    let trace = session.collect().unwrap();
    assert!(trace.truncated);
    let kept: usize = trace.threads.iter().map(|t| t.events.len()).sum();
    assert!(kept <= 3000, "kept {kept}");
    for (t, want) in counts.iter().enumerate() {
        let row = trace.thread(&format!("thread {t}")).unwrap();
        assert!(row.capped_at_us.is_some());
        assert_eq!(row.count("k"), *want, "kept and counted add up");
        assert_eq!(row.count("lock"), want / 10);
    }
    session.finish().unwrap();
    // The file says so too, and reads back to the same counts.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"trace cap reached\""));
    assert!(text.contains("\"truncated\":true"));
    let back = timeline::json::read(&text, "t.json").unwrap();
    assert!(back.truncated);
    for (t, want) in counts.iter().enumerate() {
        assert_eq!(
            back.thread(&format!("thread {t}")).unwrap().count("k"),
            *want
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn written_json_reads_back_the_same() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("timeline-rt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    let mut session = Session::from_args(Some(&path), false).unwrap();
    spans_in_threads(2, 20);
    {
        let mut s = timeline::work("port");
        s.label(format_args!("port {}: {}", 22, "open \"quoted\""));
    }
    timeline::thread_name("Main \"odd\" name");
    let trace = session.collect().unwrap();
    session.finish().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert!(v["traceEvents"].as_array().unwrap().len() > 40);
    let mut back = timeline::json::read(&text, "t.json").unwrap();
    let mut want = trace.clone();
    want.sort_threads();
    back.sort_threads();
    assert_eq!(back.threads.len(), want.threads.len());
    for (b, w) in back.threads.iter().zip(&want.threads) {
        assert_eq!(b.name, w.name);
        assert_eq!(b.events.len(), w.events.len());
        for (x, y) in b.events.iter().zip(&w.events) {
            assert_eq!((x.kind, &x.name, &x.what), (y.kind, &y.name, &y.what));
            assert!((x.start_us - y.start_us).abs() < 0.01);
        }
    }
    assert!(text.contains("port 22: open \\\"quoted\\\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_trace_path_fails_at_start() {
    let _serial = serial();
    let err = Session::from_args(Some(std::path::Path::new("/nonexistent-dir/t.json")), false)
        .err()
        .expect("cannot create");
    assert!(err.to_string().contains("/nonexistent-dir/t.json"), "{err}");
}

#[test]
fn macros_label_lazily() {
    let _serial = serial();
    struct Loud<'a>(&'a std::cell::Cell<u32>);
    impl std::fmt::Display for Loud<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.set(self.0.get() + 1);
            f.write_str("loud")
        }
    }
    let formatted = std::cell::Cell::new(0);
    {
        // Off: nothing formatted.
        let _w = timeline::work!("k", "{}", Loud(&formatted));
        let _s = timeline::sleep!("sleep", "{}", Loud(&formatted));
        timeline::instant!("set", "{}", Loud(&formatted));
    }
    assert_eq!(formatted.get(), 0);
    let mut session = Session::from_args(None, true).unwrap();
    timeline::thread_name("MainThread");
    {
        let _w = timeline::wait!("join", "join {}", Loud(&formatted));
        let _z = timeline::sleep!("sleep", "sleep({})", 1);
        timeline::instant!("set", "set() by {}", "main");
        timeline::instant!("clear");
    }
    let trace = session.collect().unwrap();
    drop(session);
    assert_eq!(formatted.get(), 1);
    let main = trace.thread("MainThread").unwrap();
    let names: Vec<(&str, Kind)> = main
        .events
        .iter()
        .map(|e| (e.name.as_str(), e.kind))
        .collect();
    for want in [
        ("join loud", Kind::Wait),
        ("sleep(1)", Kind::Sleep),
        ("set() by main", Kind::Instant),
        ("clear", Kind::Instant),
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
}
