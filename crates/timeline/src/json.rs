//! Chrome Trace Event JSON: writing ours, reading ours and VizTracer's.
//!
//! Written: the object form `{"traceEvents": [...], "displayTimeUnit": "ms",
//! "otherData": {...}}`; `process_name`, `thread_name` and
//! `thread_sort_index` metadata (`"ph":"M"`), complete spans (`"ph":"X"`,
//! `cat` work, wait or sleep, `args.what` the fixed span name) and instants
//! (`"ph":"i"`, `"s":"t"`). A thread past the cap gets one instant `trace cap
//! reached` whose args hold its aggregates.
//!
//! Read: the object or the bare-array form; `X` spans, `B`/`E` pairs, `i`/`I`
//! instants, names from metadata. Spans without our `cat` get a kind guessed
//! from their name ([`Kind::guess`]).

use crate::model::{Aggregate, Ev, Kind, Trace, Track};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The name of the instant that marks where a thread reached the cap.
pub const CAP_REACHED: &str = "trace cap reached";

fn s(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// Writes `trace` as Chrome trace JSON, one event a line.
pub fn write(trace: &Trace, w: &mut impl Write) -> io::Result<()> {
    let pid = trace.threads.first().map_or(1, |t| t.pid);
    writeln!(w, "{{\"traceEvents\":[")?;
    write!(
        w,
        "{{\"ph\":\"M\",\"pid\":{pid},\"tid\":0,\"name\":\"process_name\",\"args\":{{\"name\":{}}}}}",
        s(&trace.name)
    )?;
    for (i, t) in trace.threads.iter().enumerate() {
        let (p, tid) = (t.pid, t.tid);
        write!(
            w,
            ",\n{{\"ph\":\"M\",\"pid\":{p},\"tid\":{tid},\"name\":\"thread_name\",\"args\":{{\"name\":{}}}}}",
            s(&t.name)
        )?;
        write!(
            w,
            ",\n{{\"ph\":\"M\",\"pid\":{p},\"tid\":{tid},\"name\":\"thread_sort_index\",\"args\":{{\"sort_index\":{i}}}}}"
        )?;
        for e in &t.events {
            let (ts, name, cat, what) = (e.start_us, s(&e.name), e.kind.cat(), s(&e.what));
            if e.kind == Kind::Instant {
                write!(
                    w,
                    ",\n{{\"ph\":\"i\",\"s\":\"t\",\"pid\":{p},\"tid\":{tid},\"ts\":{ts:.3},\"name\":{name},\"cat\":\"{cat}\",\"args\":{{\"what\":{what}}}}}"
                )?;
            } else {
                let dur = e.dur_us;
                write!(
                    w,
                    ",\n{{\"ph\":\"X\",\"pid\":{p},\"tid\":{tid},\"ts\":{ts:.3},\"dur\":{dur:.3},\"name\":{name},\"cat\":\"{cat}\",\"args\":{{\"what\":{what}}}}}"
                )?;
            }
        }
        if let Some(at) = t.capped_at_us {
            let aggs: Vec<String> = t
                .aggregates
                .iter()
                .map(|a| {
                    format!(
                        "{{\"what\":{},\"kind\":\"{}\",\"count\":{},\"total_us\":{:.3}}}",
                        s(&a.what),
                        a.kind.cat(),
                        a.count,
                        a.total_us
                    )
                })
                .collect();
            write!(
                w,
                ",\n{{\"ph\":\"i\",\"s\":\"t\",\"pid\":{p},\"tid\":{tid},\"ts\":{at:.3},\"name\":\"{CAP_REACHED}\",\"cat\":\"timeline\",\"args\":{{\"cap\":{},\"note\":\"later spans of this thread are only counted\",\"aggregates\":[{}]}}}}",
                trace.cap.unwrap_or(0),
                aggs.join(",")
            )?;
        }
    }
    let events: usize = trace.threads.iter().map(|t| t.events.len()).sum();
    writeln!(
        w,
        "\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{{\"recorder\":\"timeline {}\",\"cap\":{},\"events\":{events},\"truncated\":{}}}}}",
        env!("CARGO_PKG_VERSION"),
        trace.cap.unwrap_or(0),
        trace.truncated
    )
}

/// Why a file is not a trace.
#[derive(Debug)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One event as read; fields other traces may leave out default.
#[derive(serde::Deserialize)]
struct RawEvent<'a> {
    #[serde(default, borrow)]
    ph: Cow<'a, str>,
    #[serde(default)]
    pid: Option<Value>,
    #[serde(default)]
    tid: Option<Value>,
    #[serde(default)]
    ts: Option<f64>,
    #[serde(default)]
    dur: Option<f64>,
    #[serde(default, borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    cat: Option<Cow<'a, str>>,
    #[serde(default)]
    args: Option<Value>,
}

/// The object form; other keys (VizTracer's `file_info`) are skipped unread.
#[derive(serde::Deserialize)]
struct RawObject<'a> {
    #[serde(rename = "traceEvents", borrow)]
    events: Vec<RawEvent<'a>>,
    #[serde(rename = "otherData", default)]
    other: Option<Value>,
}

/// Reads a Chrome trace (ours or VizTracer's). `name` is used when the
/// trace names no process. Threads come sorted ([`Trace::sort_threads`]).
pub fn read(text: &str, name: &str) -> Result<Trace, ReadError> {
    let bad = |e: serde_json::Error| ReadError(format!("not a Chrome trace: {e}"));
    // Typed, so that a large trace costs its events and not a JSON tree.
    let (events, other) = match text.trim_start().as_bytes().first() {
        Some(b'[') => (
            serde_json::from_str::<Vec<RawEvent>>(text).map_err(bad)?,
            None,
        ),
        Some(b'{') => {
            let o: RawObject = serde_json::from_str(text).map_err(bad)?;
            (o.events, o.other)
        }
        _ => return Err(ReadError("not JSON: neither an array nor an object".into())),
    };
    let other = other.as_ref();
    let mut tracks: BTreeMap<(u64, u64), Track> = BTreeMap::new();
    // B events not yet closed by their E: (name, start, our kind).
    type Open = Vec<(String, f64, Option<Kind>)>;
    let mut open: BTreeMap<(u64, u64), Open> = BTreeMap::new();
    let mut process: Option<String> = None;
    let id = |x: &Option<Value>| {
        x.as_ref()
            .and_then(|x| x.as_u64().or_else(|| x.as_f64().map(|f| f as u64)))
            .unwrap_or(0)
    };
    for e in &events {
        let ph: &str = &e.ph;
        let key = (id(&e.pid), id(&e.tid));
        let ename = e.name.to_string();
        let args = e.args.as_ref();
        let entry = |tracks: &mut BTreeMap<(u64, u64), Track>| {
            tracks.entry(key).or_insert_with(|| Track {
                pid: key.0,
                tid: key.1,
                name: format!("tid {}", key.1),
                events: Vec::new(),
                capped_at_us: None,
                aggregates: Vec::new(),
            });
        };
        let cat = e.cat.as_deref().and_then(Kind::from_cat);
        let kind_of = |name: &str| cat.unwrap_or_else(|| Kind::guess(name));
        let what = |name: &str| {
            args.and_then(|a| a.get("what"))
                .and_then(Value::as_str)
                .unwrap_or(name)
                .to_string()
        };
        match ph {
            "M" => {
                let n = args.and_then(|a| a.get("name")).and_then(Value::as_str);
                match (ename.as_str(), n) {
                    ("thread_name", Some(n)) => {
                        entry(&mut tracks);
                        tracks.get_mut(&key).expect("just made").name = n.to_string();
                    }
                    ("process_name", Some(n)) => process = Some(n.to_string()),
                    _ => {}
                }
            }
            "X" => {
                let (Some(ts), dur) = (e.ts, e.dur.unwrap_or(0.0)) else {
                    continue;
                };
                entry(&mut tracks);
                let kind = kind_of(&ename);
                let w = what(&ename);
                tracks.get_mut(&key).expect("just made").events.push(Ev {
                    kind,
                    name: ename,
                    what: w,
                    start_us: ts,
                    dur_us: dur.max(0.0),
                });
            }
            "B" => {
                if let Some(ts) = e.ts {
                    open.entry(key).or_default().push((ename, ts, cat));
                }
            }
            "E" => {
                let (Some(ts), Some((n, start, cat))) =
                    (e.ts, open.get_mut(&key).and_then(Vec::pop))
                else {
                    continue;
                };
                entry(&mut tracks);
                let kind = cat.unwrap_or_else(|| Kind::guess(&n));
                tracks.get_mut(&key).expect("just made").events.push(Ev {
                    kind,
                    what: n.clone(),
                    name: n,
                    start_us: start,
                    dur_us: (ts - start).max(0.0),
                });
            }
            "i" | "I" => {
                let Some(ts) = e.ts else { continue };
                entry(&mut tracks);
                let t = tracks.get_mut(&key).expect("just made");
                if ename == CAP_REACHED {
                    t.capped_at_us = Some(ts);
                    let aggs = args
                        .and_then(|a| a.get("aggregates"))
                        .and_then(Value::as_array);
                    for a in aggs.into_iter().flatten() {
                        t.aggregates.push(Aggregate {
                            kind: a
                                .get("kind")
                                .and_then(Value::as_str)
                                .and_then(Kind::from_cat)
                                .unwrap_or(Kind::Work),
                            what: a
                                .get("what")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                            count: a.get("count").and_then(Value::as_u64).unwrap_or(0),
                            total_us: a.get("total_us").and_then(Value::as_f64).unwrap_or(0.0),
                        });
                    }
                } else {
                    let w = what(&ename);
                    t.events.push(Ev {
                        kind: Kind::Instant,
                        name: ename,
                        what: w,
                        start_us: ts,
                        dur_us: 0.0,
                    });
                }
            }
            _ => {}
        }
    }
    let mut threads: Vec<Track> = tracks.into_values().collect();
    for t in &mut threads {
        t.events.sort_by(|a, b| {
            a.start_us
                .total_cmp(&b.start_us)
                .then(b.dur_us.total_cmp(&a.dur_us))
        });
    }
    let cap = other
        .and_then(|o| o.get("cap"))
        .and_then(Value::as_u64)
        .map(|c| c as usize);
    let truncated = threads.iter().any(|t| t.capped_at_us.is_some())
        || other
            .and_then(|o| o.get("truncated"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
    let mut trace = Trace {
        name: process.unwrap_or_else(|| name.to_string()),
        threads,
        cap,
        truncated,
    };
    trace.sort_threads();
    Ok(trace)
}
