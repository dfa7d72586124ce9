use clap::Parser;
use common::Shutdown;
use common::cli::{self, EXIT_INTERRUPTED};
use sleepers::{Loop, Style};
use std::time::Duration;

/// Chun's mtsleep3/4/5 (default: mtsleep3, loops 4 and 2 seconds), or
/// python-course's ten sleepers with --sleeper.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// How the threads are made: mtsleep3 (function), mtsleep4 (callable), mtsleep5 (subclass).
    #[arg(
        long,
        value_enum,
        default_value = "function",
        conflicts_with = "sleeper"
    )]
    style: Style,
    /// Seconds each loop sleeps, comma-separated (at most 10000 loops).
    // mtsleep3.py  loops = ( 4, 2 )
    #[arg(long, default_value = "4,2", value_delimiter = ',', allow_negative_numbers = true, value_parser = sleepers::parse_seconds, conflicts_with = "sleeper")]
    loops: Vec<Duration>,
    /// Show which thread printed each line (the Python does not).
    #[arg(long, conflicts_with = "sleeper")]
    names: bool,
    /// python-course's example instead: THREADS threads that each sleep SECONDS.
    #[arg(long)]
    sleeper: bool,
    /// With --sleeper: how many threads (at most 10000).
    #[arg(long, default_value_t = 10, requires = "sleeper", allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(..=MAX_THREADS))]
    threads: u16,
    /// With --sleeper: how long each sleeps.
    #[arg(long, default_value = "5", allow_negative_numbers = true, value_parser = sleepers::parse_seconds, requires = "sleeper")]
    seconds: Duration,
    /// Multiply every real sleep by this (0.01 for fast runs); printed numbers stay nominal.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    scale: f64,
}

/// More sleeper threads than this is a typo, not a demonstration; far more
/// would exhaust the system's thread limit.
const MAX_THREADS: i64 = common::limits::MAX_LIVE_THREADS as i64;

fn main() {
    common::out::exit(try_main());
}

fn try_main() -> i32 {
    let cli: Cli = cli::parse();
    if !cli.scale.is_finite() || cli.scale < 0.0 {
        cli::usage_error(format!("--scale must be a number >= 0, not {}", cli.scale));
    }
    if let Err(e) = common::limits::check_threads(
        format_args!("--loops with {} loops", cli.loops.len()),
        cli.loops.len(),
    ) {
        cli::usage_error(e);
    }
    let scale = |d| sleepers::scaled(d, cli.scale).unwrap_or_else(|e| cli::usage_error(e));
    let shutdown = match Shutdown::install() {
        Ok(s) => s,
        Err(e) => cli::fail(format!("cannot install the Ctrl-C handler: {e}")),
    };
    let result = if cli.sleeper {
        let nominal = sleepers::show_seconds(cli.seconds);
        sleepers::sleepers(
            usize::from(cli.threads),
            &nominal,
            scale(cli.seconds),
            &shutdown,
        )
    } else {
        let loops: Vec<Loop> = cli
            .loops
            .iter()
            .enumerate()
            .map(|(index, &d)| Loop {
                index,
                real: scale(d),
            })
            .collect();
        sleepers::mtsleep(cli.style, &loops, cli.names, &shutdown)
    };
    match result {
        Ok(report) if report.interrupted.is_empty() => 0,
        Ok(_) => EXIT_INTERRUPTED,
        Err(e) => cli::fail(format!("cannot start a thread: {e}")),
    }
}
