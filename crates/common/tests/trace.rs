//! Waits, `set()`, `clear()` and notifies of `Event`, `Monitor` and
//! `WaitCount` show in a timeline while a session records (one process: the
//! recorder's flag is process-wide, so these tests take one lock).

use common::{Event, Monitor, Shutdown, WaitCount};
use std::sync::{Arc, Mutex};
use std::time::Duration;

static RECORDING: Mutex<()> = Mutex::new(());

fn record(body: impl FnOnce()) -> timeline::Trace {
    let _one = RECORDING.lock().unwrap_or_else(|e| e.into_inner());
    let mut session = timeline::Session::start(timeline::Options {
        chart: true, // (dropped after `collect`: nothing is printed)
        ..timeline::Options::default()
    })
    .unwrap();
    body();
    let trace = session.collect().expect("recording");
    drop(session); // finish() would print the chart
    trace
}

/// Runs `f` on a thread whose timeline row is `name`, and joins it.
fn on(name: &'static str, f: impl FnOnce() + Send + 'static) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        timeline::thread_name(name);
        f();
    })
}

#[test]
fn event_waits_and_set_clear_are_recorded() {
    let trace = record(|| {
        let ev = Arc::new(Event::new());
        let (woke, done) = std::sync::mpsc::channel();
        let waiter = {
            let ev = Arc::clone(&ev);
            on("waiter", move || {
                std::thread::sleep(Duration::from_millis(10)); // main sets first
                ev.clear();
                ev.wait();
                woke.send(()).unwrap();
                ev.clear();
                assert!(!ev.wait_timeout(Duration::from_millis(5)));
            })
        };
        ev.set();
        while done.recv_timeout(Duration::from_millis(1)).is_err() {
            ev.set();
        }
        waiter.join().unwrap();
        ev.set();
        ev.wait(); // set: returns at once, no span
    });
    let w = trace.thread("waiter").expect("the waiter's row");
    assert_eq!(w.count("Event.wait"), 2);
    assert_eq!(w.count("clear"), 2);
    assert!(w.events.iter().any(|e| e.name == "Event.wait(5ms)"));
    let main = trace.threads.iter().find(|t| t.count("set") > 0).unwrap();
    assert_eq!(main.count("Event.wait"), 0);
}

#[test]
fn monitor_and_waitcount_waits_are_recorded() {
    let trace = record(|| {
        let shutdown = Shutdown::new();
        let live = Arc::new(WaitCount::new(0));
        let free = Arc::new(Monitor::new(0usize));
        let token = WaitCount::token(&live);
        let worker = {
            let free = Arc::clone(&free);
            on("worker", move || {
                std::thread::sleep(Duration::from_millis(20));
                *free.lock() += 1;
                free.notify_one();
                std::thread::sleep(Duration::from_millis(20));
                drop(token);
            })
        };
        timeline::thread_name("main");
        drop(free.wait_while(&shutdown, |n| *n == 0).unwrap());
        live.wait_zero();
        worker.join().unwrap();
        assert!(live.wait_zero_or(&shutdown)); // zero already: no span
    });
    let main = trace.thread("main").unwrap();
    assert_eq!(main.count("Condition.wait"), 1);
    assert_eq!(main.count("WaitCount.wait_zero"), 1);
    let worker = trace.thread("worker").unwrap();
    assert_eq!(
        worker.count("notify"),
        2,
        "notify_one, and the count's last decrement"
    );
}

#[test]
fn nothing_is_recorded_without_a_session() {
    let _one = RECORDING.lock().unwrap_or_else(|e| e.into_inner());
    assert!(!timeline::enabled());
    let ev = Event::new();
    ev.set();
    ev.clear();
    assert!(!ev.wait_timeout(Duration::from_millis(1)));
}
