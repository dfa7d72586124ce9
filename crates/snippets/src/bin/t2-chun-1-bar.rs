//! Wesley J. Chun, "Multithreaded Programming In Python" (slides), slide
//! "Example" (here `bar.py`; the slide prints no line numbers): a thread
//! runs `bar('foo')`, which prints its argument; main joins it.
//!
//! Rust changes: creating the `Thread` with `bar` as target and starting it
//! are one `thread::spawn`; the closure owns its argument. Python 3 semantics
//! (`print(text)`; the slide is Python 2).
//!
//! `--trace FILE` / `--timeline`: rows `MainThread` and `Thread-1` (the
//! Python's name), a work span `bar` and main's `join` wait.
//!
//! `cargo run -p snippets --bin t2-chun-1-bar`

use common::outln;

// bar.py  def bar(text):
fn bar(text: &str) {
    let _bar = timeline::work!("bar", "bar('{text}')");
    // bar.py  print text
    outln!("{text}");
}

fn main() {
    let trace = snippets::trace::Flags::from_env().start();
    // bar.py  t = threading.Thread(target=bar,
    // bar.py  args=('foo',))
    // bar.py  t.start()
    let t = std::thread::spawn(|| {
        timeline::thread_name("Thread-1");
        bar("foo")
    });
    // bar.py  t.join()
    let join = timeline::wait!("join", "t.join()");
    t.join().expect("bar panicked");
    drop(join);
    trace.exit(0)
}
