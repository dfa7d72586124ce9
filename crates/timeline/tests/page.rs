//! The page's structure, checked without a browser: a band per trace, a row
//! per thread, spans in time order with hover text, a legend; on a VizTracer
//! trace of `data/primes3.py` (committed, and made afresh when VizTracer is
//! installed) and on one of ours.

use std::process::Command;
use timeline::json;

const VIZ_SAMPLE: &str = include_str!("data/viztracer-primes3-20000-2.json");

/// A rect or line of the page: (class, x, y, title).
#[derive(Debug)]
struct Shape {
    class: String,
    x: f64,
    y: f64,
    title: String,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// A thread's row: its name and shapes.
type Row = (String, Vec<Shape>);

/// Rows of each band: band title -> rows.
fn parse(html: &str) -> Vec<(String, Vec<Row>)> {
    html.split("<g class=\"band\"")
        .skip(1)
        .map(|band| {
            // A band ends where the axis or a zoomed band begins.
            let band = band.split("<g class=\"axis\"").next().unwrap();
            let band = band.split("<g class=\"band zoom\"").next().unwrap();
            let title = attr(band, "data-trace").unwrap().to_string();
            let rows = band
                .split("<g class=\"row\"")
                .skip(1)
                .map(|row| {
                    let name = attr(row, "data-thread").unwrap().to_string();
                    let shapes = row
                        .split('<')
                        .filter(|t| {
                            t.starts_with("rect class=\"span")
                                || t.starts_with("line class=\"instant")
                        })
                        .map(|tag| {
                            let title_at = row.find(tag).unwrap() + tag.len();
                            let rest = &row[title_at..];
                            let title = rest
                                .split_once("<title>")
                                .and_then(|(_, t)| t.split_once("</title>"))
                                .map(|(t, _)| t.to_string())
                                .unwrap_or_default();
                            let x = attr(tag, "x").or(attr(tag, "x1")).unwrap().parse().unwrap();
                            let y = attr(tag, "y").or(attr(tag, "y1")).unwrap().parse().unwrap();
                            Shape {
                                class: attr(tag, "class").unwrap().to_string(),
                                x,
                                y,
                                title,
                            }
                        })
                        .collect();
                    (name, shapes)
                })
                .collect();
            (title, rows)
        })
        .collect()
}

fn check_time_order(shapes: &[Shape]) {
    // Within a lane (one y) spans come left to right.
    let mut lanes: std::collections::BTreeMap<i64, f64> = Default::default();
    for s in shapes.iter().filter(|s| s.class.starts_with("span")) {
        let last = lanes.entry((s.y * 10.0) as i64).or_insert(f64::MIN);
        assert!(s.x >= *last, "{s:?} before {last}");
        *last = s.x;
    }
}

fn ours() -> timeline::Trace {
    let mut session = timeline::Session::start(timeline::Options {
        chart: true,
        process: Some("primes".into()),
        ..Default::default()
    })
    .unwrap();
    timeline::thread_name("MainThread");
    std::thread::scope(|s| {
        for t in 0..2 {
            s.spawn(move || {
                timeline::thread_name(format_args!("thread {t}"));
                for k in 0..200u64 {
                    let _k = timeline::work("k").with(format_args!("k={k}"));
                    std::hint::black_box((0..2000 * (t + 1)).sum::<u64>());
                }
            });
        }
        let _j = timeline::wait("join").with("join thread 0");
    });
    timeline::instant("set", "set()");
    let t = session.collect().unwrap();
    session.finish().unwrap();
    t
}

#[test]
fn viztracer_and_ours_on_one_page() {
    let viz = json::read(VIZ_SAMPLE, "python.json").unwrap();
    let rust = ours();
    let html = timeline::page::render(&[
        ("python.json".into(), viz.clone()),
        ("rust.json".into(), rust),
    ]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for legend in ["working", "waiting", "sleeping", "instant"] {
        assert!(html.contains(legend), "legend lacks {legend}");
    }
    let bands = parse(&html);
    assert_eq!(bands.len(), 2);
    assert_eq!(bands[0].0, "python.json");
    assert_eq!(bands[1].0, "rust.json");
    // Rows per thread, MainThread first, in both.
    for (title, rows) in &bands {
        let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, ["MainThread", "thread 0", "thread 1"], "{title}");
        for (_, shapes) in rows {
            check_time_order(shapes);
        }
    }
    // VizTracer's spans keep their function names; hover says how long.
    let py_t0 = &bands[0].1[1].1;
    assert!(
        py_t0
            .iter()
            .any(|s| s.title.starts_with("cross_out (primes3.py:11) — "))
    );
    assert!(
        py_t0
            .iter()
            .all(|s| s.title.ends_with("us") || s.title.ends_with('s'))
    );
    // Ours: k spans labelled, the join a wait, the set() an instant.
    let rs = &bands[1].1;
    assert!(
        rs[1]
            .1
            .iter()
            .any(|s| s.title.starts_with("k=") && s.class == "span work")
    );
    assert!(
        rs[0]
            .1
            .iter()
            .any(|s| s.title.starts_with("join thread 0") && s.class == "span wait")
    );
    assert!(
        rs[0]
            .1
            .iter()
            .any(|s| s.class == "instant" && s.title.starts_with("set()"))
    );
    // Every VizTracer span of thread 0 is on the page, one rect each or
    // merged into one whose title counts them.
    let drawn: usize = py_t0
        .iter()
        .filter(|s| s.class.starts_with("span"))
        .map(|s| {
            s.title
                .split_once(" spans, ")
                .map_or(1, |(n, _)| n.parse().unwrap())
        })
        .sum();
    assert_eq!(drawn, viz.thread("thread 0").unwrap().events.len());
}

#[test]
fn many_tiny_spans_are_merged_not_drawn_one_by_one() {
    let mut t = json::read(VIZ_SAMPLE, "python.json").unwrap();
    let row = &mut t.threads[1];
    let base = row.events[0].clone();
    row.events = (0..100_000)
        .map(|i| timeline::model::Ev {
            start_us: i as f64,
            dur_us: 0.5,
            ..base.clone()
        })
        .collect();
    let html = timeline::page::render(&[("big".into(), t)]);
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    assert!(html.contains(" spans, "));
}

#[test]
fn a_fresh_viztracer_trace_reads_with_named_threads() {
    let have = Command::new("python3")
        .args(["-c", "import viztracer"])
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        testkit::skip!("VizTracer is missing (pip install viztracer)");
    }
    let dir = std::env::temp_dir().join(format!("timeline-viz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("python.json");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/primes3.py");
    let run = testkit::run_bounded(
        Command::new("python3")
            .args(["-m", "viztracer", "--quiet", "-o"])
            .arg(&out)
            .args([script, "20000", "2"]),
        std::time::Duration::from_secs(120),
    );
    assert!(run.status.success(), "{}", testkit::text(&run.stderr));
    let trace = json::read(&std::fs::read_to_string(&out).unwrap(), "python.json").unwrap();
    let names: Vec<&str> = trace.threads.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["MainThread", "thread 0", "thread 1"]);
    // cross_out runs once per prime k up to sqrt(20000): 34 of them.
    let calls: usize = trace
        .threads
        .iter()
        .flat_map(|t| &t.events)
        .filter(|e| e.name.starts_with("cross_out "))
        .count();
    assert_eq!(calls, 34);
    // The joins are waits.
    let main = trace.thread("MainThread").unwrap();
    assert!(
        main.events
            .iter()
            .any(|e| e.name.starts_with("Thread.join") && e.kind == timeline::Kind::Wait)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_short_trace_is_also_drawn_zoomed_and_rows_show_activity() {
    let long = json::read(VIZ_SAMPLE, "python.json").unwrap();
    let mut short = long.clone();
    for e in short.threads.iter_mut().flat_map(|t| &mut t.events) {
        e.start_us /= 100.0;
        e.dur_us /= 100.0;
    }
    let html = timeline::page::render(&[("long".into(), long), ("short".into(), short)]);
    assert_eq!(html.matches("<g class=\"band\"").count(), 2);
    assert_eq!(
        html.matches("<g class=\"band zoom\" data-trace=\"short, zoomed ×")
            .count(),
        1
    );
    assert_eq!(html.matches("<g class=\"axis\"").count(), 2);
    // Each of the 9 rows (3 bands of 3 threads) has its activity strip.
    for row in html.split("<g class=\"row\"").skip(1) {
        let row = &row[..row.find("</g>").unwrap()];
        assert!(row.contains("<rect class=\"activity\""), "{row}");
    }
    assert_eq!(html.matches("<g class=\"row\"").count(), 9);
}
