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
    // condition.py  cond = Condition()
    let shelf = Arc::new(Shelf {
        items: Mutex::new(VecDeque::new()),
        cond: Condvar::new(),
    });
    let consumer = {
        let shelf = shelf.clone();
        std::thread::spawn(move || {
            for _ in 0..ITEMS {
                // condition.py  cond.acquire()
                let mut items = shelf.items.lock().unwrap();
                // condition.py  while not an_item_is_available():
                while items.is_empty() {
                    // condition.py  cond.wait()
                    items = shelf.cond.wait(items).unwrap();
                }
                // condition.py  get_an_available_item()
                let item = items.pop_front().expect("checked non-empty");
                // condition.py  cond.release()
                drop(items);
                outln!("consumed item {item}");
            }
        })
    };
    for i in 0..ITEMS {
        std::thread::sleep(Duration::from_millis(5));
        // condition.py  cond.acquire()
        let mut items = shelf.items.lock().unwrap();
        // condition.py  make_an_item_available()
        items.push_back(i);
        outln!("produced item {i}");
        // condition.py  cond.notify()
        shelf.cond.notify_one();
        // condition.py  cond.release()
        drop(items);
    }
    consumer.join().expect("consumer panicked");
    outln!("all {ITEMS} items consumed");
    common::out::exit(0)
}
