//! Wesley J. Chun, "Multithreaded Programming In Python" (slides), slide
//! "Example" (here `bar.py`; the slide prints no line numbers): a thread
//! runs `bar('foo')`, which prints its argument; main joins it.
//!
//! Rust changes: creating the `Thread` with `bar` as target and starting it
//! are one `thread::spawn`; the closure owns its argument. Python 3 semantics
//! (`print(text)`; the slide is Python 2).
//!
//! `cargo run -p snippets --bin t2-chun-1-bar`

use common::outln;

// bar.py  def bar(text):
fn bar(text: &str) {
    // bar.py  print text
    outln!("{text}");
}

fn main() {
    // bar.py  t = threading.Thread(target=bar,
    // bar.py  args=('foo',))
    // bar.py  t.start()
    let t = std::thread::spawn(|| bar("foo"));
    // bar.py  t.join()
    t.join().expect("bar panicked");
    common::out::exit(0)
}
