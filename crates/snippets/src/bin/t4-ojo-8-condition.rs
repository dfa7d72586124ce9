//! ojo-threading.md lines 942-1007, `threading.Condition`: the consumer
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
//! `cargo run -p common --example ojo_condition`

use snippets::say;

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

const ITEMS: u32 = 10;

struct Shelf {
    items: Mutex<VecDeque<u32>>,
    cond: Condvar,
}

fn main() {
    let shelf = Arc::new(Shelf {
        items: Mutex::new(VecDeque::new()),
        cond: Condvar::new(),
    });
    let consumer = {
        let shelf = shelf.clone();
        std::thread::spawn(move || {
            for _ in 0..ITEMS {
                // acquire, then wait while no item is available
                let mut items = shelf.items.lock().unwrap();
                while items.is_empty() {
                    items = shelf.cond.wait(items).unwrap();
                }
                let item = items.pop_front().expect("checked non-empty");
                drop(items); // cond.release()
                say!("consumed item {item}");
            }
        })
    };
    for i in 0..ITEMS {
        std::thread::sleep(Duration::from_millis(5));
        let mut items = shelf.items.lock().unwrap(); // cond.acquire()
        items.push_back(i); // make_an_item_available()
        say!("produced item {i}");
        shelf.cond.notify_one(); // cond.notify()
    } // cond.release()
    consumer.join().expect("consumer panicked");
    say!("all {ITEMS} items consumed");
}
