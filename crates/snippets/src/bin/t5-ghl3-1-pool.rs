//! ghl3, "Python Threads" (blog post, 2013): a pool of `threading.Thread`
//! subclasses that take items from a `Queue.Queue` as each becomes free, each
//! keeping its own output list that main merges after all have finished,
//! handling an item that fails without a worker dying and leaving main stuck,
//! and stopping on Ctrl-C instead of hanging in a `join` (the post's list
//! "My goals for this program were as follows" and its paragraphs after
//! "Here's what I learned in developing this code"). The post's code is a
//! gist that the text does not include, so this port follows the goals and
//! lessons the text states; there is no listing to anchor and no Python
//! output to match.
//!
//! Rust changes: the queue is a crossbeam channel filled before the workers
//! start, and a worker ends when it is empty. Each worker owns its output
//! `Vec` and hands it back through `join`, so the lists need no lock. An
//! item's failure is a `Result`: the worker reports it on stderr and goes on
//! with the next item. Main does not block in a join: it sleeps on a
//! [`common::WaitCount`] of live workers that Ctrl-C also ends (the post's
//! "while loop along with a short timeout", without the polling); each worker
//! holds a [`common::count::Token`] of that count, given back when the worker
//! ends however it ends, so even a panicking worker cannot leave main
//! waiting. On Ctrl-C the workers stop after (or during) the item
//! at hand, main joins them, prints what was done and exits 130.
//!
//! "Processing" an item here is a simulated download (`--delay-ms`, which
//! Ctrl-C interrupts) and then squaring it as a whole number: the default
//! items include `oops`, which fails. Exit status: 0, or 1 if any item failed,
//! or 130 if interrupted.
//!
//! `cargo run -p snippets --bin t5-ghl3-1-pool -- --workers 3`

use common::outln;

use clap::Parser;
use common::cli::{self, EXIT_FAILURE, EXIT_INTERRUPTED};
use common::{Shutdown, WaitCount};
use crossbeam_channel::Receiver;
use std::sync::Arc;
use std::time::Duration;

/// A worker pool over a queue: per-worker output merged after join, failed
/// items reported, clean Ctrl-C.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Worker threads
    #[arg(short = 'j', long, default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: u16,
    /// Simulated I/O time per item, in milliseconds
    #[arg(long, default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(0..=60_000))]
    delay_ms: u64,
    /// Whole numbers to square [default: 1 to 12, with "oops" after 6]
    items: Vec<String>,
}

/// One item of work: its position in the input and its text.
type Item = (usize, String);

/// What a worker hands back through `join`: its own output list.
struct Worker {
    id: u16,
    output: Vec<(usize, String)>,
    failed: usize,
}

/// The simulated work: `Err` for an item that fails, `Ok(None)` if
/// interrupted before it could finish.
fn process(item: &str, delay: Duration, shutdown: &Shutdown) -> Result<Option<String>, String> {
    if !shutdown.sleep(delay) {
        return Ok(None);
    }
    let n: i64 = item.trim().parse().map_err(|e| format!("{e}"))?;
    let square = n.checked_mul(n).ok_or("too large to square")?;
    Ok(Some(format!("{item} -> {square}")))
}

impl Worker {
    fn run(mut self, items: Receiver<Item>, delay: Duration, shutdown: Shutdown) -> Self {
        while !shutdown.is_triggered() {
            let Ok((index, item)) = items.try_recv() else {
                break; // the queue is empty, and nothing refills it
            };
            match process(&item, delay, &shutdown) {
                Ok(Some(line)) => self.output.push((index, line)),
                Ok(None) => break,
                Err(e) => {
                    self.failed += 1;
                    cli::warn(format_args!(
                        "worker {}: item {item:?} failed: {e}",
                        self.id
                    ));
                }
            }
        }
        self
    }
}

fn main() {
    common::out::exit(try_main())
}

fn try_main() -> i32 {
    let cli: Cli = cli::parse();
    let shutdown = match Shutdown::install() {
        Ok(s) => s,
        Err(e) => cli::fail(format!("cannot install the Ctrl-C handler: {e}")),
    };
    let items = if cli.items.is_empty() {
        let mut v: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
        v.insert(6, "oops".into());
        v
    } else {
        cli.items
    };
    let total = items.len();
    let (tx, rx) = crossbeam_channel::unbounded();
    for item in items.into_iter().enumerate() {
        tx.send(item).expect("the receiver is alive");
    }
    drop(tx);

    let delay = Duration::from_millis(cli.delay_ms);
    let live = Arc::new(WaitCount::new(0));
    let mut handles = Vec::new();
    for id in 1..=cli.workers {
        let guard = WaitCount::token(&live);
        let (rx, shutdown) = (rx.clone(), shutdown.clone());
        let worker = Worker {
            id,
            output: Vec::new(),
            failed: 0,
        };
        let spawned = std::thread::Builder::new()
            .name(format!("worker-{id}"))
            .spawn(move || {
                let _live = guard;
                worker.run(rx, delay, shutdown)
            });
        match spawned {
            Ok(h) => handles.push(h),
            // The closure (and its guard) was dropped, so `live` is right.
            Err(e) if handles.is_empty() => cli::fail(format!("cannot start a worker: {e}")),
            Err(e) => cli::warn(format_args!(
                "worker {id} not started ({e}); going on with fewer"
            )),
        }
    }

    let finished = live.wait_zero_or(&shutdown);
    // Every worker has ended, or has been told to stop and will within one
    // item: these joins are short either way.
    let mut merged = Vec::new();
    let mut failed = 0;
    for h in handles {
        let name = h.thread().name().unwrap_or("worker").to_string();
        match h.join() {
            Ok(w) => {
                outln!(
                    "worker {}: {}",
                    w.id,
                    snippets::count((w.output.len() + w.failed) as u64, "item")
                );
                merged.extend(w.output);
                failed += w.failed;
            }
            Err(_) => cli::warn(format_args!("{name} panicked; its output is lost")),
        }
    }
    merged.sort_unstable();
    outln!(
        "results ({} merged after join, in input order):",
        merged.len()
    );
    for (_, line) in &merged {
        outln!("{line}");
    }
    let processed = merged.len() + failed;
    if !finished || shutdown.is_triggered() {
        cli::warn(format_args!(
            "interrupted: {processed} of {} processed ({failed} failed)",
            snippets::count(total as u64, "item")
        ));
        return EXIT_INTERRUPTED;
    }
    outln!(
        "{}: {} done, {failed} failed",
        snippets::count(total as u64, "item"),
        merged.len()
    );
    if failed > 0 || processed < total {
        EXIT_FAILURE
    } else {
        0
    }
}
