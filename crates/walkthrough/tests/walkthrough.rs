//! Drives the binary over a throwaway workspace and tutorial folder: `write`
//! then `check` passes; a broken table (stale) and a broken anchor (a line
//! the listing does not have) each make `check` fail and say which. The
//! `side_by_side` module drives scripts/side-by-side.sh; `real_texts` checks
//! the manifest against the real tutorials in `$TUTORIALS`.

mod real_texts;
mod side_by_side;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "walkthrough-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A converted text as messy as the real ones: numbers on the code's line,
/// alone before or after it, a page break between two fences, prose around.
const TUTORIAL: &str = "\
#### 3.1 The thread Module

And here is the server, **srvr.py**:

```
1  # simple illustration of thread module
2
3
   v = ''
4
5
   vlock.acquire()
   v += k
6
```

<sup>2</sup>A footnote that splits the listing.

```
7 while nclnt > 0: pass
8
9 print 'the final value of v is', v
```
";

/// The Rust of a demo crate, with an anchor for each line that does something.
const LIB: &str = "\
//! A demo port.

// srvr.py:3  v = ''
pub static V: &str = \"\";

pub fn serve() {
    // srvr.py:5-6  vlock.acquire(); v += k
    // one Mutex guards v.
    let _ = 1;
    // srvr.py:7  while nclnt > 0: pass — a condvar wait
    // srvr.py:9  print 'the final value of v is', v
}
";

fn run(root: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_walkthrough"));
    c.args(args).arg("--root").arg(root);
    testkit::run_bounded(&mut c, Duration::from_secs(60))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn setup() -> (TempDir, TempDir) {
    let ws = TempDir::new("ws");
    write(&ws.0.join("crates/demo/src/lib.rs"), LIB);
    let tut = TempDir::new("tut");
    write(&tut.0.join("server.md"), TUTORIAL);
    (ws, tut)
}

#[test]
fn write_then_check_passes() {
    let (ws, tut) = setup();
    let t = tut.0.to_str().unwrap();
    let o = run(&ws.0, &["write"]);
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(ws.0.join("docs/side-by-side/demo.md")).unwrap();
    assert!(page.contains("| 5-6 | `vlock.acquire(); v += k` | [`crates/demo/src/lib.rs:7`](../../crates/demo/src/lib.rs#L7) | one Mutex guards v. |"), "{page}");
    assert!(page.contains("| 7 | `while nclnt > 0: pass` |"), "{page}");
    let o = run(&ws.0, &["check", "--tutorials", t]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("ok (4 anchors"), "{}", text(&o));
}

#[test]
fn a_stale_table_fails_the_check() {
    let (ws, tut) = setup();
    assert!(run(&ws.0, &["write"]).status.success());
    // Someone edits the table by hand...
    let page = ws.0.join("docs/side-by-side/demo.md");
    let edited = std::fs::read_to_string(&page)
        .unwrap()
        .replace("a condvar wait", "busy wait");
    std::fs::write(&page, edited).unwrap();
    let o = run(&ws.0, &["check", "--tutorials", tut.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("docs/side-by-side/demo.md: stale"),
        "{}",
        text(&o)
    );
    // ...or the code moves and nobody regenerates.
    assert!(run(&ws.0, &["write"]).status.success());
    write(&ws.0.join("crates/demo/src/lib.rs"), &format!("\n{LIB}"));
    let o = run(&ws.0, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("demo.md: stale"), "{}", text(&o));
}

#[test]
fn an_anchor_to_a_missing_line_or_a_misquote_fails_the_check() {
    let (ws, tut) = setup();
    let t = tut.0.to_str().unwrap();
    let broken = LIB
        .replace("srvr.py:9  print", "srvr.py:99  print")
        .replace("srvr.py:3  v = ''", "srvr.py:3  v = \"\"");
    write(&ws.0.join("crates/demo/src/lib.rs"), &broken);
    assert!(run(&ws.0, &["write"]).status.success());
    let o = run(&ws.0, &["check", "--tutorials", t]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(
            "crates/demo/src/lib.rs:11: srvr.py:99: line 99 does not exist (srvr.py has 74 lines)"
        ),
        "{out}"
    );
    assert!(
        out.contains("srvr.py:3: quotes \"v = \\\"\\\"\", the listing prints \"v = ''\""),
        "{out}"
    );
    // Line 9 lost its anchor, so it is reported as unanchored too.
    assert!(
        out.contains("srvr.py:9  print 'the final value of v is', v  has no anchor"),
        "{out}"
    );
}

#[test]
fn an_unknown_listing_or_a_malformed_anchor_fails_without_tutorials() {
    let (ws, _tut) = setup();
    write(
        &ws.0.join("crates/demo/src/extra.rs"),
        "// srvrr.py:3  v = ''\n// srvr.py:3 v = ''\n",
    );
    assert!(run(&ws.0, &["write"]).status.success());
    let o = run(&ws.0, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("extra.rs:1: srvrr.py:3: no listing is named srvrr.py"),
        "{out}"
    );
    assert!(
        out.contains("extra.rs:2: malformed anchor: srvr.py: two spaces"),
        "{out}"
    );
}

#[test]
fn a_flat_listing_is_covered_statement_by_statement() {
    let ws = TempDir::new("ws");
    write(
        &ws.0.join("crates/demo/src/bin/heron.rs"),
        "// heron.py  def heron(a):\nfn heron() {}\n// heron.py  return eps\n// heron.py  c = raw_input(\"Type something to quit.\")\n",
    );
    let tut = TempDir::new("tut");
    write(
        &tut.0.join("page.txt"),
        "Threads Example: from thread import start_new_thread def heron(a): eps = 1 return eps \
         c = raw_input(\"Type something to quit.\") The raw_input() in the previous example",
    );
    let o = run(
        &ws.0,
        &["check", "--no-docs", "--tutorials", tut.0.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("heron.py  eps = 1  has no anchor"), "{out}");
    assert_eq!(out.matches("heron.py  ").count(), 1, "{out}");
}
