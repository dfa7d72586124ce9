//! `pqsort`: Matloff section 6's thread-pool quicksort. See the crate docs.

use clap::Parser;
use common::Shutdown;
use common::cli::{EXIT_FAILURE, EXIT_INTERRUPTED, fail, usage_error};
use pqsort::Error;
use pqsort::input::{Rng, Shape};
use pqsort::pool::Options;
use pqsort::tutorial;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Quicksort by a pool of threads fed from one job queue (Matloff's pqsort.py).
///
/// With no arguments: the tutorial's demo (sizes 100..1000, 5 threads,
/// partitions per thread). With --size: sort N generated integers and time
/// it. With FILE (or - for stdin): sort its integers, one a line, to stdout.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Sort the integers in FILE, one per line, and print them in order;
    /// "-" reads stdin. Any length; blank lines are skipped.
    #[arg(conflicts_with_all = ["size", "input", "seed"])]
    file: Option<PathBuf>,
    /// Sort N generated 64-bit integers, check and time the result.
    #[arg(long, value_name = "N")]
    size: Option<usize>,
    /// Worker threads [default: 5 for the demo, the number of CPUs otherwise].
    #[arg(long, short = 't', value_name = "T",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Seed for the shuffle and the generated data [default: from the clock].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Shape of the generated data (with --size) [default: random].
    #[arg(long, value_enum, requires = "size")]
    input: Option<Shape>,
    /// With --size or FILE: jobs of at most C elements are sorted
    /// sequentially [default: a few jobs per thread, at least 4096].
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u64).range(1..))]
    cutoff: Option<u64>,
    /// With FILE: print the per-thread partition counts on stderr.
    #[arg(long, short = 'v')]
    verbose: bool,
}

fn main() {
    std::process::exit(try_main())
}

fn try_main() -> i32 {
    let cli: Cli = common::cli::parse();
    let shutdown =
        Shutdown::install().unwrap_or_else(|e| fail(format!("cannot handle Ctrl-C: {e}")));
    let threads = cli.threads.map(|t| t as usize);
    let cutoff = cli.cutoff.map(|c| usize::try_from(c).unwrap_or(usize::MAX));
    let mut rng = cli.seed.map_or_else(Rng::from_time, Rng::new);
    let mut stdout = io::stdout().lock();
    let result = if let Some(path) = &cli.file {
        // Reading stdin from a terminal, or writing a long output, can block
        // for as long as the other side likes, where no flag is looked at:
        // in those phases Ctrl-C leaves at once, from the handler's thread.
        // While sorting, the pool sees the flag and reports its partitions.
        let leave_now = Arc::new(AtomicBool::new(true));
        let hook = Arc::clone(&leave_now);
        shutdown.on_trigger(move || {
            if hook.load(Ordering::SeqCst) {
                common::cli::warn("interrupted");
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
        let data = read_input(path);
        leave_now.store(false, Ordering::SeqCst);
        let threads = threads.unwrap_or_else(num_cpus::get);
        pqsort::sort_input(&data, threads, cutoff, &shutdown).and_then(|(numbers, visits)| {
            leave_now.store(true, Ordering::SeqCst);
            if shutdown.is_triggered() {
                // Came after the last job, before the line above.
                common::cli::warn("interrupted");
                return Ok(EXIT_INTERRUPTED);
            }
            pqsort::write_numbers(&numbers, &mut stdout, threads)?;
            if cli.verbose {
                let _ = pqsort::report(&mut io::stderr(), visits.0.len(), &visits);
            }
            Ok(0)
        })
    } else if let Some(n) = cli.size {
        let threads = threads.unwrap_or_else(num_cpus::get);
        let mut opts = Options::for_len(n, threads);
        if let Some(c) = cutoff {
            opts.cutoff = c;
        }
        let shape = cli.input.unwrap_or(Shape::Random);
        pqsort::generated(&mut stdout, n, shape, opts, &mut rng, &shutdown).map(|_| 0)
    } else {
        if cli.verbose {
            usage_error("--verbose needs FILE (try --help)");
        }
        if cli.cutoff.is_some() {
            usage_error(
                "--cutoff needs --size or FILE: tutorial mode partitions down to single elements",
            );
        }
        // pqsort.py:106  if __name__ == '__main__':
        let numthreads = threads.unwrap_or(tutorial::NUMTHREADS);
        // pqsort.py:107  main()
        return match tutorial::main(&mut stdout, numthreads, &mut rng, &shutdown) {
            Ok(()) => 0,
            Err(tutorial::Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Err(tutorial::Error::Io(e)) => {
                common::cli::warn(format_args!("cannot write output: {e}"));
                EXIT_FAILURE
            }
            Err(tutorial::Error::Interrupted { size, visits }) => {
                common::cli::warn(format_args!(
                    "interrupted while sorting the array of size {size}, after {} partitions",
                    visits.total()
                ));
                EXIT_INTERRUPTED
            }
        };
    };
    match result {
        Ok(code) => code,
        Err(Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(Error::BadLine(e)) => {
            let name = cli.file.as_deref().map_or("-".into(), display_name);
            common::cli::warn(format_args!("{name}: {e}"));
            EXIT_FAILURE
        }
        Err(e @ Error::Interrupted(_)) => {
            common::cli::warn(e);
            EXIT_INTERRUPTED
        }
        Err(e) => {
            common::cli::warn(e);
            EXIT_FAILURE
        }
    }
}

/// The whole input, or exit 1 with one line naming what could not be read.
fn read_input(path: &Path) -> Vec<u8> {
    let mut data = Vec::new();
    let res = if path.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut data).map(drop)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut data).map(drop))
    };
    if let Err(e) = res {
        fail(format!("cannot read {}: {e}", display_name(path)));
    }
    data
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".into()
    } else {
        path.display().to_string()
    }
}
