//! Norman Matloff, "Tutorial on Threads Programming with Python", 3.2 "The
//! threading Module" (PDF p. 10), the paragraph after the server listing: "we
//! could also get one via the call threading.enumerate()", placed after the
//! loop that starts the `srvr` threads, prints
//! `[<_MainThread(MainThread, started)>, <srvr(Thread-1, started)>,
//! <srvr(Thread-2, started)>]`. The one line prints no file name; the anchor
//! calls it `enumerate.py`.
//!
//! Rust changes: std keeps no list of threads, but Linux does: every thread
//! of the process is a directory of `/proc/self/task`, and a Rust thread's
//! name (`thread::Builder::name`) is its kernel name (`comm`, at most 15
//! bytes). So [`enumerate`] reads the process's real threads, not a list the
//! program keeps (Chun's `t2-chun-2-thread-objects` keeps one to show
//! `is_alive`). The main thread is shown as Python shows it; the others as
//! `srvr` threads, since in this program every other thread plays one of the
//! tutorial's server threads. Two such threads wait on a
//! [`common::Event`] while main prints the list, then end; the list printed
//! after their `join` holds main alone. `srvr-threaded --enumerate` prints
//! the list where the tutorial puts it, in the server after its loop; this
//! program shows the call on its own, from the kernel's list.
//!
//! `cargo run -p snippets --bin t1-matloff-3-2-enumerate`

use common::{Event, cli, outln};
use std::sync::Arc;

/// `threading.enumerate()` from `/proc/self/task`, formatted as Python 2
/// prints the list (`Thread-1` for a thread named so).
fn enumerate() -> std::io::Result<String> {
    let pid = std::process::id().to_string();
    let mut tasks: Vec<(u64, String)> = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task")? {
        let entry = entry?;
        let tid = entry.file_name().to_string_lossy().into_owned();
        // A thread that ended just now has no comm left: it is not alive.
        let Ok(comm) = std::fs::read_to_string(entry.path().join("comm")) else {
            continue;
        };
        let shown = if tid == pid {
            "<_MainThread(MainThread, started)>".to_string()
        } else {
            format!("<srvr({}, started)>", comm.trim_end())
        };
        tasks.push((tid.parse().unwrap_or(u64::MAX), shown));
    }
    // Main first, then in order of creation (thread ids grow).
    tasks.sort_by_key(|(tid, _)| (tid.to_string() != pid, *tid));
    let shown: Vec<String> = tasks.into_iter().map(|(_, s)| s).collect();
    Ok(format!("[{}]", shown.join(", ")))
}

fn main() {
    let release = Arc::new(Event::new());
    let mut threads = Vec::new();
    for i in 1..=2 {
        let (release, started) = (release.clone(), Arc::new(Event::new()));
        let s = started.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("Thread-{i}"))
            .spawn(move || {
                s.set();
                release.wait();
            });
        match spawned {
            Ok(t) => threads.push(t),
            Err(e) => cli::fail(format!("cannot start a thread: {e}")),
        }
        started.wait();
    }
    // enumerate.py  print threading.enumerate()
    match enumerate() {
        Ok(list) => outln!("{list}"),
        Err(e) => cli::fail(format!("cannot list this process's threads: {e}")),
    }
    release.set();
    for t in threads {
        t.join().expect("a server thread panicked");
    }
    // `join` returns once the thread has run its last instruction; the
    // kernel may list it for a moment longer.
    let mut list = Ok(String::new());
    for _ in 0..500 {
        list = enumerate();
        if list.as_ref().map_or(true, |l| !l.contains("srvr(")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    match list {
        Ok(list) => outln!("{list}"),
        Err(e) => cli::fail(format!("cannot list this process's threads: {e}")),
    }
    common::out::exit(0)
}
