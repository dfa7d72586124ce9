//! Wesley J. Chun, "Multithreaded Programming In Python" (slides), slide
//! "Other threading Module Objects": `Timer`, "Like `Thread` but start after
//! an elapsed time" (the slide gives no code): `Timer(interval, function)`
//! runs `function` on its own thread after `interval` seconds unless
//! `cancel()` is called first.
//!
//! Rust changes: std has no timer thread; it is a few lines: the thread waits
//! on a [`common::Event`] with the interval as timeout, and `cancel` sets the
//! event, so a cancelled timer wakes and ends at once instead of sleeping out
//! its interval. Only this program needs one, so it lives here, not in
//! `common`. Two timers start together: the first fires after 0.2 s, the
//! second (0.5 s) is cancelled at 0.1 s and never runs.
//!
//! `cargo run -p snippets --bin t2-chun-4-timer`

use common::outln;

use common::Event;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// `threading.Timer`: calls a function once, after a delay, unless cancelled.
struct Timer {
    cancelled: Arc<Event>,
    thread: JoinHandle<bool>,
}

impl Timer {
    /// `Timer(interval, function).start()`.
    fn start(interval: Duration, function: impl FnOnce() + Send + 'static) -> Self {
        let cancelled = Arc::new(Event::new());
        let c = cancelled.clone();
        let thread = std::thread::spawn(move || {
            if c.wait_timeout(interval) {
                return false;
            }
            function();
            true
        });
        Self { cancelled, thread }
    }

    /// Stops the timer if it is still waiting; no effect once it has fired.
    fn cancel(&self) {
        self.cancelled.set();
    }

    /// Waits for the timer's thread; `true` if the function ran.
    fn join(self) -> bool {
        self.thread.join().expect("the timer function panicked")
    }
}

fn main() {
    let t0 = Instant::now();
    let elapsed = move || format!("{:.1} s", t0.elapsed().as_secs_f64());
    let e = elapsed;
    let first = Timer::start(Duration::from_millis(200), move || {
        outln!("timer 1 fired after {}", e())
    });
    let e = elapsed;
    let second = Timer::start(Duration::from_millis(500), move || {
        outln!("timer 2 fired after {}", e())
    });
    std::thread::sleep(Duration::from_millis(100));
    second.cancel();
    outln!("timer 2 cancelled after {}", elapsed());
    let ran = (first.join(), second.join());
    outln!(
        "timer 1 ran: {}, timer 2 ran: {}; done after {}",
        snippets::py::bool(ran.0),
        snippets::py::bool(ran.1),
        elapsed()
    );
    common::out::exit(0)
}
