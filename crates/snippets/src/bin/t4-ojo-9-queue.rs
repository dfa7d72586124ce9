//! Tim Ojo, "Threading" (slides), "Inter-thread Communication Using Queues"
//! (here `queue.py`; the slides print no line numbers): a producer `put`s 10
//! items, a consumer `get`s each and marks it `task_done()`; `join()` (slide
//! "Queue") blocks until every item put has been marked done.
//!
//! Rust changes: the queue is a crossbeam channel (the producer owns the
//! `Sender`, the consumer the `Receiver`), and the count of unfinished tasks
//! that `join` waits on is a [`common::WaitCount`]: `put` increments it,
//! `task_done` decrements it, `join` sleeps until it is zero. As written the
//! Python never ends: its consumer is a non-daemon `while True` loop, so the
//! interpreter waits for it forever. Here main `join`s the queue, then drops
//! its last `Sender`; the consumer's `recv` then fails and its loop ends, so
//! every thread is joined. The slide's `make_an_item_available(i)` is a
//! stand-in; here it is the string `item-i`. Its lines are new.
//!
//! `cargo run -p snippets --bin t4-ojo-9-queue`

use common::outln;

use common::WaitCount;
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;

/// The two halves of Python's `Queue` that this program uses.
struct Queue<T> {
    items: Sender<T>,
    unfinished: Arc<WaitCount>,
}

impl<T> Queue<T> {
    fn new() -> (Self, Receiver<T>) {
        let (items, rx) = crossbeam_channel::unbounded();
        let unfinished = Arc::new(WaitCount::new(0));
        (Self { items, unfinished }, rx)
    }

    // queue.py  queue.put(item)
    fn put(&self, item: T) {
        self.unfinished.increment();
        self.items.send(item).expect("the consumer is alive");
    }
}

// queue.py  def producer(queue):
fn producer(queue: &Queue<String>) {
    // queue.py  for i in range(10):
    for i in 0..10 {
        // queue.py  item = make_an_item_available(i)
        let item = format!("item-{i}");
        queue.put(item);
    }
}

// queue.py  def consumer(queue):
fn consumer(items: Receiver<String>, unfinished: Arc<WaitCount>) {
    // Ends when every Sender is gone (Python's `while True` never does).
    // queue.py  while True:
    // queue.py  item = queue.get()
    while let Ok(item) = items.recv() {
        outln!("consumer: got {item}");
        // queue.py  queue.task_done() # mark the item as done
        unfinished.decrement();
    }
}

fn main() {
    // queue.py  queue = Queue()
    let (queue, items) = Queue::new();
    let queue = Arc::new(queue);
    // queue.py  t1 = Thread(target=producer, args=(queue,))
    // queue.py  t1.start()
    let t1 = {
        let queue = queue.clone();
        std::thread::spawn(move || producer(&queue))
    };
    // queue.py  t2 = Thread(target=consumer, args=(queue,))
    // queue.py  t2.start()
    let t2 = {
        let unfinished = queue.unfinished.clone();
        std::thread::spawn(move || consumer(items, unfinished))
    };
    t1.join().expect("producer panicked");
    // queue.join(), from the slide "Queue"
    queue.unfinished.wait_zero();
    outln!("queue.join() returned: all 10 items processed");
    drop(queue);
    t2.join().expect("consumer panicked");
    common::out::exit(0)
}
