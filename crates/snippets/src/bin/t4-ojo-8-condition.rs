//! Tim Ojo, "Threading" (slides), "threading.Condition" (here
//! `condition.py`, unnumbered fragments): the consumer
//! acquires the condition, `wait()`s while no item is available, takes one
//! and releases; the producer acquires, makes an item available, `notify()`s
//! and releases.
//!
//! Rust changes: a `Condvar` is paired with the `Mutex` that owns the items
//! (`acquire`/`release` are the guard; `wait` gives the lock up while asleep
//! and retakes it). A notify reaches only a thread already waiting: if the
//! producer notifies before the consumer waits, the wake-up is lost. That is
//! why the consumer tests the items themselves, under the lock, and waits
//! only while there are none, exactly as the slide's loop does. The slide's
//! helpers are stand-ins; here the producer makes 10 numbered items, a little
//! apart, and the consumer takes all 10. The slide prints nothing; the lines
//! are new.
//!
//! `--trace FILE` / `--timeline`: rows `MainThread` (the producer: a
//! `sleep`, an `acquire`, a `produce` span and a `cond.notify` instant per
//! item) and `Thread-1` (the consumer: an `acquire`, a `cond.wait` when no
//! item is there yet, and a `consume` span per item); main's `join`.
//!
//! `cargo run -p snippets --bin t4-ojo-8-condition`

use common::outln;

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

const ITEMS: u32 = 10;

struct Shelf {
    items: Mutex<VecDeque<u32>>,
    cond: Condvar,
}

fn main() {
    let trace = snippets::trace::Flags::from_env().start();
    // condition.py  cond = Condition()
    let shelf = Arc::new(Shelf {
        items: Mutex::new(VecDeque::new()),
        cond: Condvar::new(),
    });
    let consumer = {
        let shelf = shelf.clone();
        std::thread::spawn(move || {
            timeline::thread_name("Thread-1");
            for _ in 0..ITEMS {
                let acquire = timeline::wait!("acquire", "cond.acquire()");
                // condition.py  cond.acquire()
                let mut items = shelf.items.lock().unwrap();
                drop(acquire);
                let waiting = if items.is_empty() {
                    timeline::wait!("cond.wait", "cond.wait()")
                } else {
                    timeline::Span::none()
                };
                // condition.py  while not an_item_is_available():
                while items.is_empty() {
                    // condition.py  cond.wait()
                    items = shelf.cond.wait(items).unwrap();
                }
                drop(waiting);
                let span = timeline::work!("consume", "get_an_available_item()");
                // condition.py  get_an_available_item()
                let item = items.pop_front().expect("checked non-empty");
                // condition.py  cond.release()
                drop(items);
                outln!("consumed item {item}");
                drop(span);
            }
        })
    };
    for i in 0..ITEMS {
        let z = timeline::sleep!("sleep", "sleep(0.005)");
        std::thread::sleep(Duration::from_millis(5));
        drop(z);
        let acquire = timeline::wait!("acquire", "cond.acquire()");
        // condition.py  cond.acquire()
        let mut items = shelf.items.lock().unwrap();
        drop(acquire);
        let span = timeline::work!("produce", "make_an_item_available(): item {i}");
        // condition.py  make_an_item_available()
        items.push_back(i);
        outln!("produced item {i}");
        drop(span);
        // condition.py  cond.notify()
        shelf.cond.notify_one();
        timeline::instant!("cond.notify", "cond.notify()");
        // condition.py  cond.release()
        drop(items);
    }
    let join = timeline::wait!("join", "join the consumer");
    consumer.join().expect("consumer panicked");
    drop(join);
    outln!("all {ITEMS} items consumed");
    trace.exit(0)
}
