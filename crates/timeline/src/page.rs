//! One self-contained HTML page with an SVG: each trace a band, each thread a
//! row, all on one time axis (each trace from its own start), hover text
//! (`<title>`) with a span's name and duration, and a legend.
//!
//! Structure the tests rely on: `<g class="band" data-trace="NAME">`, inside
//! it `<g class="row" data-thread="NAME">`, inside that `<rect class="span
//! KIND">` in time order (spans thinner than a pixel merged into one rect
//! whose title says how many), `<line class="instant">` for instants.

use crate::chart::human;
use crate::model::{Ev, Kind, Trace};
use std::fmt::Write;

const WIDTH: f64 = 1360.0;
const LABEL: f64 = 170.0;
const PLOT: f64 = WIDTH - LABEL - 30.0;
const LANE: f64 = 10.0;
const MAX_LANES: usize = 6;
const BAND_HEAD: f64 = 34.0;
/// Height of a row's activity strip.
const ACTIVITY: f64 = 5.0;

/// A row's activity strip: a mark in each pixel where one of the thread's
/// spans began or ended. A Python thread records only while it runs Python
/// code, holding the GIL, so in a VizTracer trace this shows the threads
/// taking turns; in ours, the threads running at once.
fn activity(body: &mut String, events: &[Ev], lo: f64, y: f64, px: &dyn Fn(f64) -> f64) {
    let mut cols: Vec<i64> = events
        .iter()
        .flat_map(|e| [e.start_us, e.end_us()])
        .map(|us| px(us - lo).floor() as i64)
        .collect();
    cols.sort_unstable();
    cols.dedup();
    let mut i = 0;
    while i < cols.len() {
        let mut j = i;
        while j + 1 < cols.len() && cols[j + 1] <= cols[j] + 2 {
            j += 1;
        }
        let _ = writeln!(
            body,
            "<rect class=\"activity\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"#222\"/>",
            cols[i],
            cols[j] - cols[i] + 1,
            ACTIVITY - 1.0
        );
        i = j + 1;
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn color(kind: Kind, odd: bool) -> &'static str {
    match (kind, odd) {
        (Kind::Work, false) => "#3b6ea5",
        (Kind::Work, true) => "#6f9bd1",
        (Kind::Wait, false) => "#e8871e",
        (Kind::Wait, true) => "#f2a95c",
        (Kind::Sleep, _) => "#a8a29e",
        (Kind::Instant, _) => "#d62728",
    }
}

/// Nesting depth of each span (events sorted by start, longer first).
fn lanes(events: &[Ev]) -> Vec<usize> {
    let mut ends: Vec<f64> = Vec::new();
    events
        .iter()
        .map(|e| {
            while ends.last().is_some_and(|&end| end <= e.start_us) {
                ends.pop();
            }
            let depth = ends.len();
            if e.kind != Kind::Instant {
                ends.push(e.end_us());
            }
            depth.min(MAX_LANES - 1)
        })
        .collect()
}

/// A rect being built: merges spans too thin to see apart.
struct Pending {
    kind: Kind,
    x0: f64,
    x1: f64,
    first: String,
    last: String,
    n: usize,
    busy_us: f64,
    start_us: f64,
    end_us: f64,
    odd: bool,
}

/// Draws one band (a trace, its threads as rows) at `y`, `total` us across.
fn band(body: &mut String, y_out: &mut f64, title: &str, trace: &Trace, total: f64, zoom: bool) {
    let px = |us: f64| LABEL + us / total * PLOT;
    let mut y = *y_out;
    let (lo, hi) = trace.bounds();
    let _ = write!(
        body,
        "<g class=\"{}\" data-trace=\"{}\">\n<rect class=\"band-bg\" x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"0\" fill=\"none\"/>\n<text class=\"band-title\" x=\"8\" y=\"{}\" font-weight=\"bold\">{} — {}, {} threads, {}{}</text>\n",
        if zoom { "band zoom" } else { "band" },
        esc(title),
        y + 20.0,
        esc(title),
        esc(&trace.name),
        trace.threads.len(),
        human(hi - lo),
        if trace.truncated {
            " (cap reached: later spans only counted)"
        } else {
            ""
        }
    );
    y += BAND_HEAD;
    for t in &trace.threads {
        let depth = lanes(&t.events);
        let nl = depth.iter().max().map_or(1, |d| d + 1);
        let h = nl as f64 * LANE + 6.0 + ACTIVITY;
        let _ = write!(
            body,
            "<g class=\"row\" data-thread=\"{}\">\n<rect class=\"row-bg\" x=\"{LABEL}\" y=\"{y}\" width=\"{PLOT}\" height=\"{h}\" fill=\"#f4f4f4\"/>\n<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
            esc(&t.name),
            LABEL - 8.0,
            y + h / 2.0 + 4.0,
            esc(&t.name)
        );
        // One pending rect per lane; flushed when the next span is apart.
        let mut pending: Vec<Option<Pending>> = (0..MAX_LANES).map(|_| None).collect();
        let mut parity = [false; MAX_LANES];
        let mut instants = String::new();
        let flush = |p: Pending, lane: usize, out: &mut String| {
            let ry = y + 3.0 + lane as f64 * LANE;
            let w = (p.x1 - p.x0).max(0.6);
            let tip = if p.n == 1 {
                format!("{} — {}", p.first, human(p.busy_us))
            } else {
                format!(
                    "{} spans, {} … {}, {} busy in {}",
                    p.n,
                    p.first,
                    p.last,
                    human(p.busy_us),
                    human(p.end_us - p.start_us)
                )
            };
            let _ = writeln!(
                out,
                "<rect class=\"span {}\" x=\"{:.2}\" y=\"{ry}\" width=\"{w:.2}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                p.kind.cat(),
                p.x0,
                LANE - 1.0,
                color(p.kind, p.odd),
                esc(&tip)
            );
        };
        for (e, &lane) in t.events.iter().zip(&depth) {
            let (s, d) = (e.start_us - lo, e.dur_us);
            if e.kind == Kind::Instant {
                let x = px(s);
                let _ = writeln!(
                    instants,
                    "<line class=\"instant\" x1=\"{x:.2}\" x2=\"{x:.2}\" y1=\"{y}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"><title>{} at {}</title></line>",
                    y + h,
                    color(Kind::Instant, false),
                    esc(&e.name),
                    human(s)
                );
                continue;
            }
            let (x0, x1) = (px(s), px(s + d));
            match &mut pending[lane] {
                Some(p) if p.kind == e.kind && x1 - p.x0 < 1.0 && x0 - p.x1 < 1.0 => {
                    p.x1 = p.x1.max(x1);
                    p.last.clone_from(&e.name);
                    p.n += 1;
                    p.busy_us += d;
                    p.end_us = p.end_us.max(s + d);
                }
                slot => {
                    if let Some(p) = slot.take() {
                        flush(p, lane, body);
                    }
                    parity[lane] = !parity[lane];
                    *slot = Some(Pending {
                        kind: e.kind,
                        x0,
                        x1,
                        first: e.name.clone(),
                        last: e.name.clone(),
                        n: 1,
                        busy_us: d,
                        start_us: s,
                        end_us: s + d,
                        odd: parity[lane],
                    });
                }
            }
        }
        for (lane, p) in pending.into_iter().enumerate() {
            if let Some(p) = p {
                flush(p, lane, body);
            }
        }
        *body += &instants;
        activity(body, &t.events, lo, y + h - ACTIVITY, &px);
        *body += "</g>\n";
        y += h + 4.0;
    }
    *body += "</g>\n";
    y += 14.0;
    *y_out = y;
}

/// Draws a time axis at `y`, `total` us across, grid lines up to `top`.
fn axis(body: &mut String, y: &mut f64, top: f64, total: f64) {
    let px = |us: f64| LABEL + us / total * PLOT;
    let y0 = *y;
    let step = {
        let min = total / 10.0;
        let p = 10f64.powf(min.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * p)
            .find(|&s| s >= min)
            .unwrap_or(10.0 * p)
    };
    let _ = writeln!(
        body,
        "<g class=\"axis\">\n<line x1=\"{LABEL}\" x2=\"{}\" y1=\"{y0}\" y2=\"{y0}\" stroke=\"#333\"/>",
        LABEL + PLOT
    );
    let mut t = 0.0;
    while t <= total * 1.0001 {
        let x = px(t);
        let _ = writeln!(
            body,
            "<line class=\"grid\" x1=\"{x:.2}\" x2=\"{x:.2}\" y1=\"{top}\" y2=\"{}\" stroke=\"#0002\"/><text class=\"tick\" x=\"{x:.2}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            y0 + 5.0,
            y0 + 18.0,
            if t == 0.0 { "0".into() } else { human(t) }
        );
        t += step;
    }
    *body += "</g>\n";
    *y = y0 + 34.0;
}

/// The page for `traces`, each with its band title (e.g. the file name):
/// all on one time axis; a trace shorter than a fifth of the longest is
/// drawn once more below, zoomed to its own length with its own axis.
pub fn render(traces: &[(String, Trace)]) -> String {
    let total = traces
        .iter()
        .map(|(_, t)| {
            let (lo, hi) = t.bounds();
            hi - lo
        })
        .fold(1.0f64, f64::max);
    let mut body = String::new();
    let mut y = 48.0;
    for (title, trace) in traces {
        band(&mut body, &mut y, title, trace, total, false);
    }
    axis(&mut body, &mut y, 48.0, total);
    for (title, trace) in traces {
        let (lo, hi) = trace.bounds();
        if hi - lo > 0.0 && hi - lo < total / 5.0 {
            let top = y;
            let zoomed = format!("{title}, zoomed ×{:.0}", total / (hi - lo));
            band(&mut body, &mut y, &zoomed, trace, hi - lo, true);
            axis(&mut body, &mut y, top, hi - lo);
        }
    }
    let height = y + 30.0;
    let mut legend = String::from("<g class=\"legend\">\n");
    let items = [
        (
            Kind::Work,
            "working (a unit of work; in VizTracer, a function call)",
        ),
        (
            Kind::Wait,
            "waiting (lock, Event, queue get, condvar, join)",
        ),
        (Kind::Sleep, "sleeping"),
        (Kind::Instant, "instant (set(), clear(), notify)"),
    ];
    let activity_text = "thin black strip: a span began or ended (the thread ran; a Python thread only while it holds the GIL)";
    let mut x = LABEL;
    for (kind, text) in items {
        let _ = writeln!(
            legend,
            "<rect x=\"{x}\" y=\"10\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"22\">{}</text>",
            color(kind, false),
            x + 20.0,
            esc(text)
        );
        x += 20.0 + 7.0 * text.len() as f64 + 24.0;
    }
    let _ = writeln!(
        legend,
        "<rect x=\"{LABEL}\" y=\"32\" width=\"14\" height=\"4\" fill=\"#222\"/><text x=\"{}\" y=\"38\">{}</text>",
        LABEL + 20.0,
        esc(activity_text)
    );
    legend += "</g>\n";
    let titles: Vec<&str> = traces.iter().map(|(t, _)| t.as_str()).collect();
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>timeline: {}</title>\n<style>body{{font-family:sans-serif;margin:8px}} svg text{{font-size:12px}} rect.span:hover{{stroke:#000}}</style></head>\n<body>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n{legend}{body}</svg>\n<p>Hover over a span for its name and duration. Each trace's time starts at its first event. Thin spans are merged; the hover text says how many.</p>\n</body></html>\n",
        esc(&titles.join(", "))
    )
}
