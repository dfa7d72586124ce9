//! pqsort against rayon's `par_sort_unstable` (same thread count) and
//! `slice::sort_unstable`, on the same data, rounds interleaved so that load
//! from other processes hits every contender alike. Prints medians.
//!
//! The last column is a ceiling, not a contender: T threads each sorting
//! its own n/T elements with `sort_unstable`, at the same time, with no
//! work to share or split. No parallel sort of n elements on T threads can
//! expect to beat it; on a machine whose cores share execution units or
//! memory bandwidth it is far above `sort_unstable(n) / T`.
//!
//! `cargo bench -p pqsort --bench vs_rayon -- [--threads T] [--rounds R] [--big]`
//! (`--big` adds 10^8 random, `--only-big` runs only that; `--quick` is a
//! short smoke run).

use common::Shutdown;
use pqsort::input::{Rng, Shape, generate};
use pqsort::pool::{self, Options};
use rayon::prelude::*;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<usize>().expect("a number"))
    };
    let threads = value("--threads").unwrap_or_else(num_cpus::get);
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = value("--rounds").unwrap_or(if quick { 1 } else { 5 });
    let mut cases = vec![
        (10_000_000, Shape::Random),
        (10_000_000, Shape::Sorted),
        (10_000_000, Shape::Reverse),
        (10_000_000, Shape::Equal),
        (10_000_000, Shape::FewUnique),
    ];
    if quick {
        cases = vec![(1_000_000, Shape::Random), (1_000_000, Shape::Equal)];
    }
    if args.iter().any(|a| a == "--big") {
        cases.push((100_000_000, Shape::Random));
    }
    if args.iter().any(|a| a == "--only-big") {
        cases = vec![(100_000_000, Shape::Random)];
    }
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("rayon pool");
    let shutdown = Shutdown::new();

    common::outln!(
        "threads={threads} rounds={rounds} nproc={} (median wall time of the sort alone, ms)",
        num_cpus::get()
    );
    common::outln!(
        "| n | input | pqsort T={threads} | rayon par_sort_unstable T={threads} | pqsort T=1 | sort_unstable | pqsort/rayon | pqsort T=1/T={threads} | ceiling: {threads} x sort_unstable(n/{threads}) at once | T=1/T={threads} per round: median (min-max) |"
    );
    common::outln!("|---|---|---|---|---|---|---|---|---|---|");
    for (n, shape) in cases {
        let mut data = Vec::new();
        generate(&mut data, n, shape, &mut Rng::new(42));
        let mut want = data.clone();
        want.sort_unstable();
        let mut times: [Vec<Duration>; 5] = Default::default();
        let mut v = data.clone();
        for _ in 0..rounds {
            for (k, t) in times.iter_mut().enumerate() {
                v.copy_from_slice(&data);
                let t0 = Instant::now();
                match k {
                    0 => {
                        pool::sort(&mut v, Options::for_len(n, threads), &shutdown).unwrap();
                    }
                    1 => rayon_pool.install(|| v.par_sort_unstable()),
                    2 => {
                        pool::sort(&mut v, Options::for_len(n, 1), &shutdown).unwrap();
                    }
                    3 => v.sort_unstable(),
                    _ => std::thread::scope(|s| {
                        for part in v.chunks_mut(n.div_ceil(threads)) {
                            s.spawn(|| part.sort_unstable());
                        }
                    }),
                }
                t.push(t0.elapsed());
                if k < 4 {
                    assert!(v == want, "contender {k} did not sort");
                }
            }
        }
        // T=1 over T=threads within each round (the two ran seconds apart,
        // so load that drifts over the run cancels): median, min, max.
        let mut paired: Vec<f64> = times[2]
            .iter()
            .zip(&times[0])
            .map(|(one, many)| one.as_secs_f64() / many.as_secs_f64())
            .collect();
        paired.sort_by(f64::total_cmp);
        let ms: Vec<f64> = times
            .iter_mut()
            .map(|t| {
                t.sort();
                t[t.len() / 2].as_secs_f64() * 1e3
            })
            .collect();
        common::outln!(
            "| {n} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} | {:.1} | {:.2} ({:.2}-{:.2}) |",
            shape.name(),
            ms[0],
            ms[1],
            ms[2],
            ms[3],
            ms[0] / ms[1],
            ms[2] / ms[0],
            ms[4],
            paired[paired.len() / 2],
            paired[0],
            paired[paired.len() - 1]
        );
    }
}
