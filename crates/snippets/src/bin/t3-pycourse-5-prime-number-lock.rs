//! python-course-threads.txt, "With locks it should look like this"
//! (characters 12147-12851 of that one-line file): the `PrimeNumber` threads
//! record their answers in a class-level dict `prime_numbers` guarded by a
//! class-level `Lock`; the constructor enters `"None"` for the number, `run`
//! replaces it with `True` or `False`; main reads numbers until one below 1
//! and joins every thread.
//!
//! Rust changes: the dict and its lock are one `Mutex<HashMap>` shared by
//! `Arc`, so there is no way to touch the map without holding the lock (in
//! Python nothing stops a thread that forgets `acquire`). The tutorial never
//! prints the dict; this port prints it after the joins, in input order, as
//! `print(PrimeNumber.prime_numbers)` would in Python 3.7+. Same `<=` fix and
//! `--as-written` flag as `prime_number`; Python 3 semantics.
//!
//! `printf '17\n12\n0\n' | cargo run -p common --example prime_number_lock`

use snippets::say;

use snippets::prime_number;

use clap::Parser;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Reads numbers until one below 1; threads record in a shared map if each is prime.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Keep the tutorial's `counter*counter < n` bound (then 1, 4, 9, 25 ... are "prime")
    #[arg(long)]
    as_written: bool,
}

/// `None` until the number's thread has decided, as the tutorial's `"None"`.
type PrimeNumbers = Arc<Mutex<HashMap<u64, Option<bool>>>>;

fn main() {
    let cli: Cli = common::cli::parse();
    let prime_numbers: PrimeNumbers = Arc::default();
    let mut order = Vec::new();
    let mut threads = Vec::new();
    let read = prime_number::read_numbers(|n| {
        let map = Arc::clone(&prime_numbers);
        if lock(&map).insert(n, None).is_none() {
            order.push(n);
        }
        threads.push(std::thread::spawn(move || {
            // 1 is prime only as written, like the tutorial's bound.
            let res =
                (cli.as_written || n > 1) && prime_number::factor(n, cli.as_written).is_none();
            lock(&map).insert(n, Some(res));
        }));
    });
    for x in threads {
        let _ = x.join();
    }
    say!();
    let map = lock(&prime_numbers);
    let entries: Vec<String> = order
        .iter()
        .map(|n| match map[n] {
            Some(true) => format!("{n}: True"),
            Some(false) => format!("{n}: False"),
            None => format!("{n}: 'None'"),
        })
        .collect();
    say!("{{{}}}", entries.join(", "));
    if let Err(e) = read {
        common::cli::fail(e);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
