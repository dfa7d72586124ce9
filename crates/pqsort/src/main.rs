//! `pqsort`: Matloff section 6's thread-pool quicksort. See the crate docs.

use clap::Parser;
use common::Shutdown;
use common::cli::{EXIT_FAILURE, EXIT_INTERRUPTED, fail, usage_error};
use common::out;
use pqsort::input::{Rng, Shape};
use pqsort::pool::Options;
use pqsort::{Error, FileJob, Stage, tutorial};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// With FILE: use at most SIZE of memory, sorting in runs on disk past
    /// it, as sort -S (b, K, M, G, T or % of memory; K if no suffix)
    /// [default: half the memory this process can get].
    #[arg(long = "buffer-size", short = 'S', value_name = "SIZE",
          value_parser = pqsort::memory::parse_size)]
    buffer_size: Option<u64>,
    /// With FILE: where the runs go [default: $TMPDIR, else /tmp].
    #[arg(long = "temporary-directory", short = 'T', value_name = "DIR")]
    temporary_directory: Option<PathBuf>,
    /// With FILE: print the per-thread partition counts on stderr.
    #[arg(long, short = 'v')]
    verbose: bool,
}

/// After Ctrl-C, how long a phase that looks at the flag only now and then
/// (a long `sort_unstable`, a write to a pipe nobody reads) has to stop by
/// itself before the handler ends the process with the same report.
const GRACE: Duration = Duration::from_millis(500);

fn main() {
    let code = try_main();
    out::exit(code)
}

fn try_main() -> i32 {
    let cli: Cli = common::cli::parse();
    if cli.file.is_none() {
        if cli.verbose {
            usage_error("--verbose needs FILE (--size always prints its report)");
        }
        if cli.buffer_size.is_some() {
            usage_error("--buffer-size (-S) needs FILE");
        }
        if cli.temporary_directory.is_some() {
            usage_error("--temporary-directory (-T) needs FILE");
        }
    }
    if cli.file.is_none() && cli.size.is_none() && cli.cutoff.is_some() {
        usage_error(
            "--cutoff needs --size or FILE: tutorial mode partitions down to single elements",
        );
    }
    let shutdown =
        Shutdown::install().unwrap_or_else(|e| fail(format!("cannot handle Ctrl-C: {e}")));
    let threads = cli.threads.map(|t| t as usize);
    let cutoff = cli.cutoff.map(|c| usize::try_from(c).unwrap_or(usize::MAX));
    let mut rng = cli.seed.map_or_else(Rng::from_time, Rng::new);
    let mut stdout = out::stdout();
    if let Some(path) = &cli.file {
        let job = FileJob {
            threads: threads.unwrap_or_else(num_cpus::get),
            cutoff,
            budget: cli
                .buffer_size
                .unwrap_or_else(pqsort::memory::default_budget),
            tmp: cli
                .temporary_directory
                .clone()
                .unwrap_or_else(pqsort::external::TempDir::default_dir),
            size_hint: None,
        };
        return file_mode(path, job, cli.verbose, &mut stdout, &shutdown);
    }
    if let Some(n) = cli.size {
        let threads = threads.unwrap_or_else(num_cpus::get);
        let mut opts = Options::for_len(n, threads);
        if let Some(c) = cutoff {
            opts.cutoff = c;
        }
        let shape = cli.input.unwrap_or(Shape::Random);
        let stage = Stage::new();
        let hook = stage.clone();
        let leave = shutdown.exit_on_trigger_after(GRACE, move || hook.report());
        let result = pqsort::generated(&mut stdout, n, shape, opts, &mut rng, &stage, &shutdown);
        drop(leave);
        return exit_code(result.map(drop), "-");
    }
    // pqsort.py:106  if __name__ == '__main__':
    let numthreads = threads.unwrap_or(tutorial::NUMTHREADS);
    // pqsort.py:107  main()
    match tutorial::main(&mut stdout, numthreads, &mut rng, &shutdown) {
        Ok(()) => 0,
        // A write error on stdout was recorded; out::exit reports it.
        Err(tutorial::Error::Io(_)) => 0,
        Err(tutorial::Error::Interrupted { size, visits }) => {
            common::cli::warn(format_args!(
                "interrupted while sorting the array of size {size}, after {} partitions",
                visits.total()
            ));
            EXIT_INTERRUPTED
        }
    }
}

fn file_mode(
    path: &Path,
    mut job: FileJob,
    verbose: bool,
    stdout: &mut out::Stdout,
    shutdown: &Shutdown,
) -> i32 {
    let name = display_name(path);
    let input: Box<dyn Read> = if path.as_os_str() == "-" {
        if out::stdin_closed() {
            fail("cannot read stdin: Bad file descriptor (it is closed)");
        }
        Box::new(io::stdin().lock())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => {
                job.size_hint = f.metadata().ok().map(|m| m.len()).filter(|&n| n > 0);
                Box::new(f)
            }
            Err(e) => fail(format!("cannot read {name}: {}", pqsort::reason(&e))),
        }
    };
    // Reading a terminal, a long sort_unstable, a write to a pipe nobody
    // reads: places where the flag is not looked at. There, Ctrl-C ends the
    // process after GRACE, with the stage's report.
    let stage = Stage::new();
    let hook = stage.clone();
    let leave = shutdown.exit_on_trigger_after(GRACE, move || hook.report());
    let result = pqsort::sort_file(input, stdout, &job, &stage, shutdown);
    drop(leave);
    match result {
        Ok(done) => {
            if verbose {
                let mut report = Vec::new();
                let _ = pqsort::report(&mut report, done.len, &done.visits);
                common::err!("{}", String::from_utf8_lossy(&report));
            }
            0
        }
        Err(e) => exit_code(Err(e), &name),
    }
}

/// The exit code for a tool-mode result, after its one line on stderr.
fn exit_code(result: Result<(), Error>, name: &str) -> i32 {
    match result {
        Ok(()) => 0,
        // Recorded by common::out: EPIPE is quiet, anything else is
        // reported once by out::exit with exit 1.
        Err(Error::Io(_)) => 0,
        Err(Error::BadLine(e)) => {
            common::cli::warn(format_args!("{name}: {e}"));
            EXIT_FAILURE
        }
        Err(Error::Read(e)) => {
            common::cli::warn(format_args!("cannot read {name}: {}", pqsort::reason(&e)));
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

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".into()
    } else {
        path.display().to_string()
    }
}
