//! Bernd Klein, python-course.eu, "Threads in Python", section "threading
//! Module", "With locks it should look like this" (here
//! `prime_number_lock.py`): the `PrimeNumber` threads record their answers in
//! a class-level dict `prime_numbers` guarded by a class-level `Lock`; the
//! constructor enters `"None"` for the number, `run` replaces it with `True`
//! or `False`; main reads numbers until one below 1 and joins every thread.
//!
//! Rust changes: the dict and its lock are one `Mutex<HashMap>` shared by
//! `Arc`, so there is no way to touch the map without holding the lock (in
//! Python nothing stops a thread that forgets `acquire`). The tutorial never
//! prints the dict; this port prints it after the joins, in input order, as
//! `print(PrimeNumber.prime_numbers)` would in Python 3.7+. The threads are
//! joined as they go ([`Threads`]), so 40000 numbers finish as in Python.
//! Same `<=` fix and `--as-written` flag as `t3-pycourse-4-prime-number`;
//! Python 3 semantics.
//!
//! `printf '17\n12\n0\n' | cargo run -p snippets --bin t3-pycourse-5-prime-number-lock`

use clap::Parser;
use common::{cli, outln};
use snippets::prime_number;
use snippets::threads::Threads;
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
// prime_number_lock.py  class PrimeNumber(threading.Thread):
// prime_number_lock.py  prime_numbers = {}
// prime_number_lock.py  lock = threading.Lock()
type PrimeNumbers = Arc<Mutex<HashMap<u64, Option<bool>>>>;

fn main() {
    let cli: Cli = cli::parse();
    let prime_numbers: PrimeNumbers = Arc::default();
    let mut order = Vec::new();
    // prime_number_lock.py  threads = []
    let mut threads = Threads::new();
    let mut refused = None;
    let read = prime_number::read_numbers(|n| {
        // prime_number_lock.py  thread = PrimeNumber(input)
        // prime_number_lock.py  def __init__(self, number):
        // prime_number_lock.py  threading.Thread.__init__(self)
        // prime_number_lock.py  self.Number = number
        let map = Arc::clone(&prime_numbers);
        // prime_number_lock.py  PrimeNumber.lock.acquire()
        // prime_number_lock.py  PrimeNumber.prime_numbers[number] = "None"
        // prime_number_lock.py  PrimeNumber.lock.release()
        if lock(&map).insert(n, None).is_none() {
            order.push(n);
        }
        // prime_number_lock.py  threads += [thread]
        // prime_number_lock.py  thread.start()
        // prime_number_lock.py  def run(self):
        let spawned = threads.spawn(move || {
            // prime_number_lock.py  res = True
            // 1 is prime only as written, like the tutorial's bound.
            let res =
                (cli.as_written || n > 1) && prime_number::factor(n, cli.as_written).is_none();
            // prime_number_lock.py  PrimeNumber.lock.acquire()
            // prime_number_lock.py  PrimeNumber.prime_numbers[self.Number] = res
            // prime_number_lock.py  PrimeNumber.lock.release()
            lock(&map).insert(n, Some(res));
        });
        if let Err(e) = spawned {
            refused.get_or_insert(e);
        }
    });
    // prime_number_lock.py  for x in threads:
    // prime_number_lock.py  x.join()
    threads.join_all();
    if let Some(e) = refused {
        cli::fail(format!("cannot start a thread: {e}"));
    }
    outln!();
    let map = lock(&prime_numbers);
    let entries: Vec<String> = order
        .iter()
        .map(|n| match map[n] {
            Some(true) => format!("{n}: True"),
            Some(false) => format!("{n}: False"),
            None => format!("{n}: 'None'"),
        })
        .collect();
    outln!("{{{}}}", entries.join(", "));
    if let Err(e) = read {
        cli::fail(e);
    }
    common::out::exit(0)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
