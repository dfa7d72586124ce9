//! A trace in memory: what the recorder collects, the reader parses, and the
//! chart and the page draw.

/// What a thread was doing in a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Working: a unit of work (`k=7`), or any function call in VizTracer.
    Work,
    /// Waiting: a lock, an `Event`, a queue get, a condvar, a join.
    Wait,
    /// Sleeping.
    Sleep,
    /// A moment (`set()`, `clear()`, `notify`), no duration.
    Instant,
}

impl Kind {
    /// The trace's `cat` for this kind.
    pub fn cat(self) -> &'static str {
        match self {
            Kind::Work => "work",
            Kind::Wait => "wait",
            Kind::Sleep => "sleep",
            Kind::Instant => "instant",
        }
    }

    /// The kind a `cat` names, if it is one of ours.
    pub fn from_cat(cat: &str) -> Option<Kind> {
        match cat {
            "work" => Some(Kind::Work),
            "wait" => Some(Kind::Wait),
            "sleep" => Some(Kind::Sleep),
            "instant" => Some(Kind::Instant),
            _ => None,
        }
    }

    /// A guess from a function name, for traces without our `cat`
    /// (VizTracer's: `_thread.lock.acquire`, `Thread.join`, `time.sleep`).
    pub fn guess(name: &str) -> Kind {
        let n = name.split_whitespace().next().unwrap_or(name);
        let last = n.rsplit('.').next().unwrap_or(n);
        if n.contains("sleep") {
            Kind::Sleep
        } else if matches!(
            last,
            "acquire" | "wait" | "wait_for" | "join" | "get" | "__enter__" | "accept" | "recv"
        ) && (n.contains("lock")
            || n.contains("Lock")
            || n.contains("Condition")
            || n.contains("Event")
            || n.contains("Semaphore")
            || n.contains("Queue")
            || n.contains("Thread")
            || n.contains("socket")
            || last == "acquire"
            || last == "join")
        {
            Kind::Wait
        } else {
            Kind::Work
        }
    }
}

/// One span (or instant, `dur_us` 0) on one thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Ev {
    pub kind: Kind,
    /// What the trace shows: the label (`k=7`), else `what`.
    pub name: String,
    /// The span's fixed name (`k`), what counts and aggregates go by.
    pub what: String,
    /// Microseconds from the trace's start (the recorder's), or as read.
    pub start_us: f64,
    pub dur_us: f64,
}

impl Ev {
    pub fn end_us(&self) -> f64 {
        self.start_us + self.dur_us
    }
}

/// Count and total time of the spans a thread kept past the cap.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub kind: Kind,
    pub what: String,
    pub count: u64,
    pub total_us: f64,
}

/// One thread: one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub pid: u64,
    pub tid: u64,
    pub name: String,
    /// Sorted by start.
    pub events: Vec<Ev>,
    /// When this thread reached the cap, if it did.
    pub capped_at_us: Option<f64>,
    pub aggregates: Vec<Aggregate>,
}

impl Track {
    /// Spans named `what`, kept and aggregated (what a program's printed
    /// counts must equal).
    pub fn count(&self, what: &str) -> u64 {
        let kept = self.events.iter().filter(|e| e.what == what).count() as u64;
        kept + self
            .aggregates
            .iter()
            .filter(|a| a.what == what)
            .map(|a| a.count)
            .sum::<u64>()
    }
}

/// A whole trace: one process, threads as rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The process name (`primes`), or the file's name.
    pub name: String,
    pub threads: Vec<Track>,
    /// The event cap it was recorded with (ours only).
    pub cap: Option<usize>,
    /// Whether some thread reached the cap.
    pub truncated: bool,
}

impl Trace {
    /// The thread named `name`.
    pub fn thread(&self, name: &str) -> Option<&Track> {
        self.threads.iter().find(|t| t.name == name)
    }

    /// Earliest start and latest end over all events (0, 0 when empty).
    pub fn bounds(&self) -> (f64, f64) {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for e in self.threads.iter().flat_map(|t| &t.events) {
            lo = lo.min(e.start_us);
            hi = hi.max(e.end_us());
        }
        if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) }
    }

    /// Rows in reading order: `MainThread` first, then by name, numbers in
    /// names compared as numbers (`thread 2` before `thread 10`).
    pub fn sort_threads(&mut self) {
        self.threads.sort_by(|a, b| {
            let main = |t: &Track| t.name != "MainThread";
            main(a)
                .cmp(&main(b))
                .then_with(|| natural(&a.name).cmp(&natural(&b.name)))
                .then(a.tid.cmp(&b.tid))
        });
    }
}

/// A sort key comparing runs of digits as numbers.
fn natural(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n: u64 = 0;
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u64::from(d as u8 - b'0'));
                chars.next();
            }
            out.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
            chars.next();
        }
    }
    out.push((text, 0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_viztracer_waits() {
        assert_eq!(Kind::guess("_thread.lock.acquire"), Kind::Wait);
        assert_eq!(
            Kind::guess("Thread.join (/usr/lib/python3.11/threading.py:1087)"),
            Kind::Wait
        );
        assert_eq!(Kind::guess("Event.wait (threading.py:611)"), Kind::Wait);
        assert_eq!(Kind::guess("time.sleep"), Kind::Sleep);
        assert_eq!(Kind::guess("cross_out (primes3.py:11)"), Kind::Work);
        assert_eq!(Kind::guess("_thread.lock.__exit__"), Kind::Work);
    }

    #[test]
    fn natural_order() {
        let mut names = ["thread 10", "thread 2", "MainThread", "Thread-1"];
        names.sort_by_key(|n| natural(n));
        assert_eq!(names, ["MainThread", "Thread-1", "thread 2", "thread 10"]);
    }
}
