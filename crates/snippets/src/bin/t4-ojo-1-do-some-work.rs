//! ojo-threading.md lines 265-277 (and the build-up at lines 70-130): a
//! thread runs `do_some_work("text")`, which prints two lines; main joins it
//! and prints `done`.
//!
//! Rust changes: creating the `Thread` (target and args) plus `start()`
//! is one `thread::spawn` of a `move` closure that owns `val`; `join()` is
//! `JoinHandle::join`, which also hands back a panic if the thread had one.
//! The slide's `print (...)` lines are Python 3 compatible already.
//!
//! `cargo run -p common --example ojo_do_some_work`

use snippets::say;

fn do_some_work(val: &str) {
    say!("doing some work in thread");
    say!("echo: {val}");
}

fn main() {
    let val = String::from("text");
    let t = std::thread::spawn(move || do_some_work(&val));
    t.join().expect("do_some_work panicked");
    say!("done");
}
