use clap::Parser;
use common::Shutdown;
use common::cli::{self, EXIT_INTERRUPTED};
use primes::{MAX_THREADS, SEGMENTED_MAX_N, SEGMENTED_MAX_SPAN, Span, list, segmented, tutorial};
use std::io::Write;
use std::sync::Mutex;

/// Matloff's threaded prime sieve (primes.py N NTHREADS), plus a fast
/// segmented sieve. Prints one line per thread and then the count.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Count the primes up to N (digits, or shorthand like 1e10); with
    /// --segmented also a range A..B (both included, like `primesieve A B`).
    #[arg(value_name = "N", value_parser = primes::parse_span, allow_negative_numbers = true)]
    n: Span,
    /// Threads to use [default: the number of CPUs].
    #[arg(value_parser = primes::parse_threads, allow_negative_numbers = true)]
    nthreads: Option<usize>,
    /// Fast mode: segmented wheel sieve; threads report segments processed.
    #[arg(long, short = 's')]
    segmented: bool,
    /// Print the primes, one per line, on stdout (implies --segmented; the
    /// report goes to stderr).
    #[arg(long, short = 'l')]
    list: bool,
    /// Start counting at A instead of 0 (--segmented; same as N = A..N).
    #[arg(long, value_name = "A", value_parser = primes::parse_n)]
    from: Option<u64>,
    /// Segment size in KiB of wheel (30 numbers a byte) for --segmented
    /// [default: the L2 cache, or 64 with --list; at most 8192].
    #[arg(long, value_name = "KIB", value_parser = clap::value_parser!(u32).range(1..=8192))]
    segment_kib: Option<u32>,
}

fn main() {
    std::process::exit(try_main());
}

fn try_main() -> i32 {
    check_std_streams();
    let cli: Cli = cli::parse();
    let threads = cli
        .nthreads
        .unwrap_or_else(|| num_cpus::get().clamp(1, MAX_THREADS));
    let segmented = cli.segmented || cli.list;
    let n = cli.n.to;
    let from = match (cli.from, cli.n.from) {
        (Some(_), Some(_)) => cli::usage_error("give the start either as A..B or as --from A"),
        (a, b) => a.or(b),
    };
    if !segmented && from.is_some() {
        cli::usage_error("a range (A..B or --from) needs --segmented");
    }
    if segmented && n > SEGMENTED_MAX_N {
        cli::usage_error(format!("N must be at most 1e16 with --segmented, got {n}"));
    }
    if segmented && n - from.unwrap_or(0).min(n) > SEGMENTED_MAX_SPAN {
        cli::usage_error(format!(
            "the range may cover at most 1e13 numbers with --segmented (larger runs take hours; count a part with --from), got {}",
            n - from.unwrap_or(0)
        ));
    }
    if !segmented && n > tutorial::MAX_N {
        cli::usage_error(format!(
            "N must be at most 1e11 in tutorial mode (it needs N/8 bytes); try --segmented, got {n}"
        ));
    }
    if !segmented && cli.segment_kib.is_some() {
        cli::usage_error("--segment-kib needs --segmented");
    }
    let shutdown = match Shutdown::install() {
        Ok(s) => s,
        Err(e) => cli::fail(format!("cannot install the Ctrl-C handler: {e}")),
    };
    if cli.list {
        // The writer may sit in write(2) on a pipe nobody reads (`| less`
        // left waiting); a signal does not end that call, so give the run a
        // moment to stop by itself, then leave without it.
        shutdown.on_trigger(|| {
            let _ = std::thread::Builder::new().spawn(|| {
                std::thread::sleep(std::time::Duration::from_secs(3));
                let _ = writeln!(
                    std::io::stderr(),
                    "{}: interrupted; stdout is not being read, so no count",
                    cli::program_name()
                );
                std::process::exit(EXIT_INTERRUPTED);
            });
        });
    }
    if segmented {
        run_segmented(&cli, from.unwrap_or(0), threads, &shutdown)
    } else {
        run_tutorial(n, threads, &shutdown)
    }
}

/// A closed stdout or stderr (`>&-`, `2>&-`) is an error, exit 1;
/// otherwise a run would "succeed" with its output gone. (primes reads no
/// input, so a closed stdin changes nothing; and refusing it would refuse
/// the read-write `/dev/null` that service managers give as stdin, which
/// looks the same.)
fn check_std_streams() {
    if closed_at_start(2) {
        std::process::exit(1); // nowhere left to say why
    }
    if closed_at_start(1) {
        cli::fail("stdout is closed");
    }
}

/// Whether standard descriptor `fd` was closed when the program started.
/// Rust's runtime reopens a closed 0, 1 or 2 on `/dev/null` before `main`,
/// read-write; a shell's own `>/dev/null` or `</dev/null` opens it one
/// way only. So: `/dev/null` opened O_RDWR means closed (`1<>/dev/null`
/// would be taken for closed too). Without /proc, nothing can be told.
fn closed_at_start(fd: u32) -> bool {
    let is_null = std::fs::read_link(format!("/proc/self/fd/{fd}"))
        .is_ok_and(|p| p == std::path::Path::new("/dev/null"));
    let flags = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).ok();
    let flags = flags.as_deref().and_then(|info| {
        let line = info.lines().find(|l| l.starts_with("flags:"))?;
        u32::from_str_radix(line["flags:".len()..].trim(), 8).ok()
    });
    const O_ACCMODE: u32 = 0o3;
    const O_RDWR: u32 = 0o2;
    is_null && flags.is_some_and(|f| f & O_ACCMODE == O_RDWR)
}

/// The first error writing a report line to stdout, for [`stdout_checked`].
static STDOUT_ERROR: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Prints a report line on stdout. A failed write is not worth a panic: the
/// line is dropped, the run goes on, and [`stdout_checked`] tells at the end.
fn say(line: String) {
    if let Err(e) = writeln!(std::io::stdout(), "{line}") {
        let mut first = STDOUT_ERROR.lock().unwrap_or_else(|e| e.into_inner());
        first.get_or_insert(e);
    }
}

/// `code`, unless a report line could not be written: a closed pipe (`|
/// head -1`) is the reader's choice and stays quiet, any other error (a full
/// disk) fails the run, as `cat` or `seq` would.
fn stdout_checked(code: i32) -> i32 {
    let flushed = std::io::stdout().flush().err();
    let mut first = STDOUT_ERROR.lock().unwrap_or_else(|e| e.into_inner());
    match first.take().or(flushed) {
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            cli::fail(format!("cannot write to stdout: {e}"))
        }
        _ => code,
    }
}

fn run_tutorial(n: u64, threads: usize, shutdown: &Shutdown) -> i32 {
    let on_exit =
        |t: usize, nk: u64| say(format!("thread {t} exiting; processed {nk} values of k"));
    match tutorial::run(n, threads, &on_exit, shutdown) {
        Err(e) => cli::fail(e),
        Ok(tutorial::Outcome { count: Some(c), .. }) => {
            say(format!("there are {c} primes"));
            stdout_checked(0)
        }
        Ok(tutorial::Outcome { count: None, .. }) => {
            cli::warn("interrupted before every k was processed; no count");
            EXIT_INTERRUPTED
        }
    }
}

fn run_segmented(cli: &Cli, from: u64, threads: usize, shutdown: &Shutdown) -> i32 {
    let n = cli.n.to;
    let cfg = match cli.segment_kib {
        Some(kib) => segmented::Config::with_sizes(
            kib as usize * 1024,
            segmented::Config::default().block_bytes,
        ),
        // The list writer works on small segments (64 KiB: finished ones
        // reach the writer sooner, and formatting stays in cache).
        None if cli.list => {
            segmented::Config::with_sizes(64 * 1024, segmented::Config::default().block_bytes)
        }
        None => segmented::Config::default(),
    };
    // With --list, stdout carries the primes and the report moves to stderr
    // (where a failed write is simply dropped: nowhere left to tell).
    let report = |line: String| {
        if cli.list {
            let _ = writeln!(std::io::stderr(), "{line}");
        } else {
            say(line);
        }
    };
    let on_exit = |t: usize, s: u64| report(format!("thread {t} exiting; processed {s} segments"));
    let (outcome, write_error) = if cli.list {
        let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
        // Two segments per workspace may wait for the writer: the window
        // bounds memory by the CPUs, not the threads asked for.
        let window = 2 * segmented::workspaces(threads) as u64;
        let sink = list::Ordered::new(out, window, shutdown);
        // Once the output is gone (`| head`) the threads stop early; their
        // lines would only be noise on the terminal.
        let on_exit = |t: usize, s: u64| {
            if !sink.write_failed() {
                on_exit(t, s);
            }
        };
        let outcome = segmented::run_range(from, n, threads, cfg, Some(&sink), &on_exit, shutdown);
        let outcome = outcome.unwrap_or_else(|e| cli::fail(e));
        (outcome, sink.finish().err())
    } else {
        let outcome = segmented::run_range(from, n, threads, cfg, None, &on_exit, shutdown);
        let outcome = outcome.unwrap_or_else(|e| cli::fail(e));
        (outcome, None)
    };
    if let Some(e) = write_error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return 0; // the reader had enough (| head): not an error
        }
        cli::fail(format!("cannot write the primes: {e}"));
    }
    match outcome {
        segmented::Outcome { count: Some(c), .. } => {
            report(format!("there are {c} primes"));
            stdout_checked(0)
        }
        segmented::Outcome { partial, .. } => {
            let what = match partial {
                Some((x, c)) if from > 0 => {
                    format!("there are {c} primes from {from} to {x} (all that was finished)")
                }
                Some((x, c)) => format!("there are {c} primes up to {x} (all that was finished)"),
                None => "no segment was finished".into(),
            };
            cli::warn(format_args!("interrupted; {what}"));
            EXIT_INTERRUPTED
        }
    }
}
