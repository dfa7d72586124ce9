//! What a span costs: off (no session), on (kept), and on past the cap
//! (counted only), per span, on 1 and 2 threads at once.
//! `cargo run --release -p timeline --example overhead`

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

const N: u64 = 2_000_000;

/// Nanoseconds per iteration when `threads` threads each run `f` `n` times:
/// the best of 5 tries (the machine may be busy).
fn per_iter(threads: usize, n: u64, f: impl Fn(u64) + Sync) -> f64 {
    (0..5)
        .map(|_| {
            let t0 = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|| (0..n).for_each(&f));
                }
            });
            t0.elapsed().as_nanos() as f64 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn bare(k: u64) {
    black_box(k);
}

fn span(k: u64) {
    let _k = timeline::work("k").with(format_args!("k={k}"));
    black_box(k);
}

fn span_macro(k: u64) {
    let _k = timeline::work!("k", "k={k}");
    black_box(k);
}

fn span_unlabelled(k: u64) {
    let _k = timeline::work("k");
    black_box(k);
}

fn check(k: u64) {
    if timeline::enabled() {
        black_box(k + 1);
    }
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
        let off_bare = per_iter(threads, N, span_unlabelled);
        let off_macro = per_iter(threads, N, span_macro);
        let flag = per_iter(threads, N, check);
        let mut on = session(usize::MAX);
        let kept = per_iter(threads, N / 20, span_macro);
        drop(on.collect());
        drop(on);
        let mut capped = session(1000);
        let counted = per_iter(threads, N, span_macro);
        drop(capped.collect());
        let _ = writeln!(
            std::io::stdout(),
            "{threads} thread(s): loop {base:.2} ns; span off: work!(\"k\", ..) {off_macro:.2} ns, .with(format_args!(..)) {off:.2} ns (unlabelled {off_bare:.2} ns, the flag alone {flag:.2} ns); on {kept:.0} ns; past the cap {counted:.0} ns"
        );
    }
}
