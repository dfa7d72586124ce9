//! chun-multithreaded-programming.md lines 84-96, "Example": a thread runs
//! `bar('foo')`, which prints its argument; main joins it.
//!
//! Rust changes: creating the `Thread` with `bar` as target and starting it
//! are one `thread::spawn`; the closure owns its argument. Python 3 semantics
//! (`print(text)`; the slide is Python 2).
//!
//! `cargo run -p common --example chun_bar`

use snippets::say;

fn bar(text: &str) {
    say!("{text}");
}

fn main() {
    let t = std::thread::spawn(|| bar("foo"));
    t.join().expect("bar panicked");
}
