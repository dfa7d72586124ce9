//! What a span costs: off (no session), on (kept), and on past the cap
//! (counted only), per span, on 1 and 2 threads at once.
//! `cargo run --release -p timeline --example overhead`

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

const N: u64 = 2_000_000;

/// Nanoseconds per iteration when `threads` threads each run `f` `n` times.
fn per_iter(threads: usize, n: u64, f: impl Fn(u64) + Sync) -> f64 {
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| (0..n).for_each(&f));
        }
    });
    t0.elapsed().as_nanos() as f64 / n as f64
}

fn bare(k: u64) {
    black_box(k);
}

fn span(k: u64) {
    let _k = timeline::work("k").with(format_args!("k={k}"));
    black_box(k);
}

fn session(cap: usize) -> timeline::Session {
    let opts = timeline::Options {
        chart: true,
        cap,
        ..Default::default()
    };
    timeline::Session::start(opts).expect("no file to create")
}

fn main() {
    for threads in [1, 2] {
        let base = per_iter(threads, N, bare);
        let off = per_iter(threads, N, span);
        let mut on = session(usize::MAX);
        let kept = per_iter(threads, N / 4, span);
        drop(on.collect());
        drop(on);
        let mut capped = session(1000);
        let counted = per_iter(threads, N, span);
        drop(capped.collect());
        let _ = writeln!(
            std::io::stdout(),
            "{threads} thread(s): loop {base:.2} ns; span off {off:.2} ns; on {kept:.0} ns; past the cap {counted:.0} ns"
        );
    }
}
