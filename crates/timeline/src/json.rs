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
use serde::Deserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
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

/// One event as read; fields other traces may leave out default. Args are
/// read only for the keys used here (others are skipped unread).
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
    args: Option<RawArgs>,
}

#[derive(serde::Deserialize)]
struct RawArgs {
    #[serde(default)]
    what: Option<Value>,
    #[serde(default)]
    name: Option<Value>,
    #[serde(default)]
    aggregates: Option<Value>,
}

fn str_of(v: &Option<Value>) -> Option<&str> {
    v.as_ref().and_then(Value::as_str)
}

/// A `B` event waiting for its `E`: name, start, our kind if it has one.
type Begun = (String, f64, Option<Kind>);

/// Builds the tracks while the events stream past, so a large trace costs
/// its model and not a copy of every event as read.
#[derive(Default)]
struct Builder {
    tracks: BTreeMap<(u64, u64), Track>,
    /// B events not yet closed by their E.
    open: BTreeMap<(u64, u64), Vec<Begun>>,
    process: Option<String>,
    other: Option<Value>,
}

impl Builder {
    fn track(&mut self, key: (u64, u64)) -> &mut Track {
        self.tracks.entry(key).or_insert_with(|| Track {
            pid: key.0,
            tid: key.1,
            name: format!("tid {}", key.1),
            events: Vec::new(),
            capped_at_us: None,
            aggregates: Vec::new(),
        })
    }

    fn add(&mut self, e: RawEvent) {
        let id = |x: &Option<Value>| {
            x.as_ref()
                .and_then(|x| x.as_u64().or_else(|| x.as_f64().map(|f| f as u64)))
                .unwrap_or(0)
        };
        let key = (id(&e.pid), id(&e.tid));
        let cat = e.cat.as_deref().and_then(Kind::from_cat);
        let what = |name: &str| {
            e.args
                .as_ref()
                .and_then(|a| str_of(&a.what))
                .unwrap_or(name)
                .to_string()
        };
        match &*e.ph {
            "M" => match (&*e.name, e.args.as_ref().and_then(|a| str_of(&a.name))) {
                ("thread_name", Some(n)) => self.track(key).name = n.to_string(),
                ("process_name", Some(n)) => self.process = Some(n.to_string()),
                _ => {}
            },
            "X" => {
                let Some(ts) = e.ts else { return };
                let ev = Ev {
                    kind: cat.unwrap_or_else(|| Kind::guess(&e.name)),
                    what: what(&e.name),
                    name: e.name.to_string(),
                    start_us: ts,
                    dur_us: e.dur.unwrap_or(0.0).max(0.0),
                };
                self.track(key).events.push(ev);
            }
            "B" => {
                if let Some(ts) = e.ts {
                    let open = self.open.entry(key).or_default();
                    open.push((e.name.to_string(), ts, cat));
                }
            }
            "E" => {
                let (Some(ts), Some((n, start, cat))) =
                    (e.ts, self.open.get_mut(&key).and_then(Vec::pop))
                else {
                    return;
                };
                let ev = Ev {
                    kind: cat.unwrap_or_else(|| Kind::guess(&n)),
                    what: n.clone(),
                    name: n,
                    start_us: start,
                    dur_us: (ts - start).max(0.0),
                };
                self.track(key).events.push(ev);
            }
            "i" | "I" => {
                let Some(ts) = e.ts else { return };
                if e.name == CAP_REACHED {
                    let aggs = e.args.as_ref().and_then(|a| a.aggregates.as_ref());
                    let t = self.track(key);
                    t.capped_at_us = Some(ts);
                    for a in aggs.and_then(Value::as_array).into_iter().flatten() {
                        let text = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("");
                        t.aggregates.push(Aggregate {
                            kind: Kind::from_cat(text("kind")).unwrap_or(Kind::Work),
                            what: text("what").to_string(),
                            count: a.get("count").and_then(Value::as_u64).unwrap_or(0),
                            total_us: a.get("total_us").and_then(Value::as_f64).unwrap_or(0.0),
                        });
                    }
                } else {
                    let ev = Ev {
                        kind: Kind::Instant,
                        what: what(&e.name),
                        name: e.name.to_string(),
                        start_us: ts,
                        dur_us: 0.0,
                    };
                    self.track(key).events.push(ev);
                }
            }
            _ => {}
        }
    }

    fn finish(self, name: &str) -> Trace {
        let mut threads: Vec<Track> = self.tracks.into_values().collect();
        for t in &mut threads {
            t.events.sort_by(|a, b| {
                a.start_us
                    .total_cmp(&b.start_us)
                    .then(b.dur_us.total_cmp(&a.dur_us))
            });
        }
        let other = self.other.as_ref();
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
            name: self.process.unwrap_or_else(|| name.to_string()),
            threads,
            cap,
            truncated,
        };
        trace.sort_threads();
        trace
    }
}

/// The event array, each event handed to the builder as it is parsed.
struct Events<'b>(&'b mut Builder);

impl<'de> DeserializeSeed<'de> for Events<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Events<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of trace events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(e) = seq.next_element::<RawEvent<'de>>()? {
            self.0.add(e);
        }
        Ok(())
    }
}

/// The whole file: the array form, or the object form with `traceEvents`
/// (and `otherData`; other keys, like VizTracer's `file_info`, skipped).
struct File<'b>(&'b mut Builder);

impl<'de> Visitor<'de> for File<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a trace: an array of events or an object with \"traceEvents\"")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Events(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match &*key {
                "traceEvents" => {
                    map.next_value_seed(Events(self.0))?;
                    seen = true;
                }
                "otherData" => self.0.other = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if seen {
            Ok(())
        } else {
            Err(serde::de::Error::missing_field("traceEvents"))
        }
    }
}

/// Reads a Chrome trace (ours or VizTracer's). `name` is used when the
/// trace names no process. Threads come sorted ([`Trace::sort_threads`]).
pub fn read(text: &str, name: &str) -> Result<Trace, ReadError> {
    let mut builder = Builder::default();
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_any(File(&mut builder))
        .and_then(|()| de.end())
        .map_err(|e| ReadError(format!("not a Chrome trace: {e}")))?;
    Ok(builder.finish(name))
}
