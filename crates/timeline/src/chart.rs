//! The `--timeline` text chart: one row per thread, time across.
//!
//! ```text
//! primes: 3 threads over 41.2ms (1 column = 0.7ms)
//!   MainThread |##-----------------------------------------------------|
//!     thread 0 |  ###################################################  |
//!     thread 1 |  ##############################################       |
//!              +----------+----------+----------+----------+----------+
//!              0          8ms        16ms       24ms       32ms
//!              # working  - waiting  z sleeping  ! set()/notify
//! ```

use crate::model::{Kind, Trace};

/// Glyphs, also in the legend.
pub const WORK: char = '#';
pub const WAIT: char = '-';
pub const SLEEP: char = 'z';
pub const MARK: char = '!';

/// Columns to draw in: `COLUMNS` if set, else the terminal stderr is on,
/// else 80.
pub fn width() -> usize {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c >= 20)
    {
        return c;
    }
    terminal_size::terminal_size_of(std::io::stderr())
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w >= 20)
        .unwrap_or(80)
}

/// A duration in microseconds for people: `0.5us`, `850us`, `1.5ms`, `12ms`, `3.20s`.
pub fn human(us: f64) -> String {
    if us < 10.0 {
        format!("{us:.1}us")
    } else if us < 1000.0 {
        format!("{us:.0}us")
    } else if us < 10_000.0 {
        format!("{:.1}ms", us / 1000.0)
    } else if us < 1_000_000.0 {
        format!("{:.0}ms", us / 1000.0)
    } else {
        format!("{:.2}s", us / 1e6)
    }
}

/// A tick step of 1, 2 or 5 times a power of ten, at least `min`.
fn nice(min: f64) -> f64 {
    let p = 10f64.powf(min.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= min)
        .unwrap_or(10.0 * p)
}

/// The chart of `trace`, `width` columns wide, ending in a newline.
pub fn render(trace: &Trace, width: usize) -> String {
    let mut trace = trace.clone();
    trace.sort_threads();
    let (lo, hi) = trace.bounds();
    let total = (hi - lo).max(1.0);
    let namew = trace
        .threads
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(16);
    let cols = width.saturating_sub(namew + 3).max(10);
    let per = total / cols as f64;
    let mut out = format!(
        "{}: {} threads over {} (1 column = {})\n",
        trace.name,
        trace.threads.len(),
        human(total),
        human(per)
    );
    for t in &trace.threads {
        // Time covered in each column, by kind.
        let mut cover = vec![[0.0f64; 3]; cols];
        let mut marks = vec![false; cols];
        let col = |us: f64| (((us - lo) / per) as usize).min(cols - 1);
        for e in &t.events {
            let k = match e.kind {
                Kind::Work => 0,
                Kind::Wait => 1,
                Kind::Sleep => 2,
                Kind::Instant => {
                    marks[col(e.start_us)] = true;
                    continue;
                }
            };
            let (a, b) = (e.start_us - lo, e.end_us() - lo);
            for (c, cell) in cover
                .iter_mut()
                .enumerate()
                .take(col(e.end_us()) + 1)
                .skip(col(e.start_us))
            {
                let (c0, c1) = (c as f64 * per, (c + 1) as f64 * per);
                cell[k] += (b.min(c1) - a.max(c0)).max(0.0);
            }
            // A span shorter than a column still shows.
            if e.dur_us < per {
                cover[col(e.start_us)][k] = cover[col(e.start_us)][k].max(f64::MIN_POSITIVE);
            }
        }
        let row: String = cover
            .iter()
            .zip(&marks)
            .map(|(&[work, wait, sleep], &mark)| {
                let idle = wait + sleep;
                let blocked = if sleep > wait { SLEEP } else { WAIT };
                if mark {
                    MARK
                } else if idle >= per * 0.5 || (idle > 0.0 && work == 0.0) {
                    blocked
                } else if work > 0.0 {
                    WORK
                } else {
                    ' '
                }
            })
            .collect();
        let name: String = t.name.chars().take(namew).collect();
        out += &format!("{name:>namew$} |{row}|\n");
    }
    // The axis: a tick every 10 or more columns at round times.
    let step = nice(per * 10.0);
    let mut axis: Vec<char> = vec!['-'; cols + 1];
    let mut labels: Vec<char> = vec![' '; cols + 12];
    let mut t = 0.0;
    while t <= total {
        let c = ((t / per) as usize).min(cols);
        axis[c] = '+';
        let text = if t == 0.0 { "0".to_string() } else { human(t) };
        if c + text.len() <= labels.len() && labels[c..c + text.len()].iter().all(|&ch| ch == ' ') {
            labels[c..c + text.len()].copy_from_slice(&text.chars().collect::<Vec<_>>());
        }
        t += step;
    }
    let pad = " ".repeat(namew + 1);
    out += &format!("{pad}{}\n", axis.into_iter().collect::<String>());
    out += &format!(
        "{pad}{}\n",
        labels.into_iter().collect::<String>().trim_end()
    );
    let legend =
        format!("{WORK} working  {WAIT} waiting  {SLEEP} sleeping  {MARK} set()/clear()/notify");
    if pad.len() + legend.len() <= width {
        out += &format!("{pad}{legend}\n");
    } else {
        out += &format!("{WORK} work  {WAIT} wait  {SLEEP} sleep  {MARK} set/clear/notify\n");
    }
    if trace.truncated {
        out += &format!(
            "{pad}(trace cap of {} events reached: later spans were only counted)\n",
            trace.cap.unwrap_or(0)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Ev, Track};

    fn ev(kind: Kind, start_us: f64, dur_us: f64) -> Ev {
        Ev {
            kind,
            name: "x".into(),
            what: "x".into(),
            start_us,
            dur_us,
        }
    }

    fn track(name: &str, events: Vec<Ev>) -> Track {
        Track {
            pid: 1,
            tid: 1,
            name: name.into(),
            events,
            capped_at_us: None,
            aggregates: vec![],
        }
    }

    #[test]
    fn rows_glyphs_axis_and_width() {
        let trace = Trace {
            name: "demo".into(),
            threads: vec![
                track(
                    "worker",
                    vec![
                        ev(Kind::Work, 0.0, 50_000.0),
                        ev(Kind::Sleep, 50_000.0, 50_000.0),
                    ],
                ),
                track(
                    "MainThread",
                    vec![
                        ev(Kind::Wait, 0.0, 100_000.0),
                        ev(Kind::Instant, 99_000.0, 0.0),
                    ],
                ),
            ],
            cap: None,
            truncated: false,
        };
        let chart = render(&trace, 60);
        let lines: Vec<&str> = chart.lines().collect();
        assert!(
            lines[0].starts_with("demo: 2 threads over 100ms"),
            "{chart}"
        );
        assert!(
            lines[1].trim_start().starts_with("MainThread |---"),
            "{chart}"
        );
        assert!(lines[1].ends_with("!|"), "{chart}");
        let worker = lines[2];
        assert!(
            worker.contains("|####") && worker.ends_with("zzz|"),
            "{chart}"
        );
        for l in &lines[1..3] {
            assert_eq!(l.chars().count(), 60, "{l:?}");
        }
        assert!(lines[3].trim_start().starts_with('+'), "{chart}");
        assert!(lines[4].trim_start().starts_with('0'), "{chart}");
        assert!(lines[5].starts_with("# work  - wait"), "{chart}");
        assert!(
            render(&trace, 100)
                .lines()
                .nth(5)
                .unwrap()
                .contains("# working  - waiting")
        );
    }

    #[test]
    fn human_units() {
        assert_eq!(human(850.0), "850us");
        assert_eq!(human(12_500.0), "12ms");
        assert_eq!(human(1_500.0), "1.5ms");
        assert_eq!(human(3_200_000.0), "3.20s");
        assert_eq!(nice(7.0), 10.0);
        assert_eq!(nice(120.0), 200.0);
    }
}
