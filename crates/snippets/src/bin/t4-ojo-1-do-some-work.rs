//! Tim Ojo, "Threading" (slides), "Creating Threads in Python" and "How
//! Threads Work" (here `do_some_work.py`): a thread runs
//! `do_some_work("text")`, which prints two lines; main joins it and prints
//! `done`. The first slides number the lines 1-9; "How Threads Work" repeats
//! them unnumbered and adds `print("done")`, anchored without a number.
//!
//! Rust changes: creating the `Thread` (target and args) plus `start()`
//! is one `thread::spawn` of a `move` closure that owns `val`; `join()` is
//! `JoinHandle::join`, which also hands back a panic if the thread had one.
//! The slide's `print (...)` lines are Python 3 compatible already.
//!
//! `cargo run -p snippets --bin t4-ojo-1-do-some-work`

use common::outln;

// do_some_work.py:2  def do_some_work(val):
fn do_some_work(val: &str) {
    // do_some_work.py:3  print ("doing some work in thread")
    outln!("doing some work in thread");
    // do_some_work.py:4  print ("echo: {}".format(val))
    outln!("echo: {val}");
    // do_some_work.py:5  return
}

fn main() {
    // do_some_work.py:6  val = "text"
    let val = String::from("text");
    // do_some_work.py:7  t = threading.Thread(target=do_some_work, args=(val,))
    // do_some_work.py:8  t.start()
    let t = std::thread::spawn(move || do_some_work(&val));
    // do_some_work.py:9  t.join()
    t.join().expect("do_some_work panicked");
    // do_some_work.py  print("done")
    outln!("done");
    common::out::exit(0)
}
