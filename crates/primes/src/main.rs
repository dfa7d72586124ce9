use clap::Parser;
use common::Shutdown;
use common::cli::{self, EXIT_INTERRUPTED};
use common::{errln, out, outln};
use primes::{MAX_THREADS, SEGMENTED_MAX_N, SEGMENTED_MAX_SPAN, Span, list, segmented, tutorial};

/// Matloff's threaded prime sieve (primes.py N NTHREADS), plus a fast
/// segmented sieve. Prints one line per thread and then the count.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Count the primes up to N (digits, or shorthand like 1e10); with
    /// --segmented also a range A..B (both included, like `primesieve A B`).
    // primes.py:31  n = int(sys.argv[1])
    #[arg(value_name = "N", value_parser = primes::parse_span, allow_negative_numbers = true)]
    n: Span,
    /// Threads to use [default: the number of CPUs].
    // primes.py:33  nthreads = int(sys.argv[2])
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
    /// Write a Chrome trace of the run to FILE, one row per thread: a span
    /// per value of k (--segmented: per run of segments, or per segment
    /// with --list, and the waits); open it with `timeline FILE` or
    /// ui.perfetto.dev.
    #[arg(long, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,
    /// At the end, chart on stderr what each thread did when.
    #[arg(long)]
    timeline: bool,
}

// primes.py:48  if __name__ == '__main__':
// primes.py:49  main()
fn main() {
    std::process::exit(try_main());
}

fn try_main() -> i32 {
    let cli: Cli = cli::parse();
    if out::closed() {
        // `>&-`: nothing could be written, so do not sieve for nobody.
        return out::finish(0);
    }
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
    // The --list writer may sit in write(2) on a pipe nobody reads (`|
    // less` left waiting); a signal does not end that call, so the run has
    // a moment to stop by itself, then the process leaves without it.
    let _stuck_writer = cli.list.then(|| {
        shutdown.exit_on_trigger_after(std::time::Duration::from_secs(3), || {
            "interrupted; stdout is not being read, so no count".into()
        })
    });
    let session = timeline::Session::from_args(cli.trace.as_deref(), cli.timeline)
        .unwrap_or_else(|e| cli::fail(format!("cannot write the trace: {e}")));
    let code = if segmented {
        run_segmented(&cli, from.unwrap_or(0), threads, &shutdown)
    } else {
        run_tutorial(n, threads, &shutdown)
    };
    if let Err(e) = session.finish() {
        cli::fail(format!("cannot write the trace: {e}"));
    }
    code
}

fn run_tutorial(n: u64, threads: usize, shutdown: &Shutdown) -> i32 {
    let on_exit = |t: usize, nk: u64| outln!("thread {t} exiting; processed {nk} values of k");
    match tutorial::run(n, threads, &on_exit, shutdown) {
        Err(e) => cli::fail(e),
        Ok(tutorial::Outcome { count: Some(c), .. }) => {
            outln!("there are {c} primes");
            out::finish(0)
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
        None => segmented::Config::for_range(n),
    };
    let cfg = segmented::Config {
        progress: true,
        ..cfg
    };
    // With --list, stdout carries the primes and the report moves to stderr
    // (where a failed write is simply dropped: nowhere left to tell).
    let report = |line: String| {
        if cli.list {
            errln!("{line}");
        } else {
            outln!("{line}");
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
            out::finish(0)
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
