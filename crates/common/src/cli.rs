//! The command-line conventions every binary follows.
//!
//! Bad arguments: one line on stderr, exit 2 (clap's several-line message is
//! folded to one). Runtime failure: one line, exit 1. Interrupted: exit 130,
//! the shell's code for death by SIGINT.

use std::ffi::OsString;
use std::fmt::Display;
use std::io::IsTerminal;
use std::ops::RangeInclusive;
use std::time::Duration;

/// A runtime failure (port in use, no permission, ...).
///
/// ```
/// assert_eq!(common::cli::EXIT_FAILURE, 1);
/// ```
pub const EXIT_FAILURE: i32 = 1;
/// Bad arguments.
///
/// ```
/// assert_eq!(common::cli::EXIT_USAGE, 2);
/// ```
pub const EXIT_USAGE: i32 = 2;
/// Stopped by Ctrl-C (128 + SIGINT), and by SIGTERM or SIGHUP too.
///
/// ```
/// assert_eq!(common::cli::EXIT_INTERRUPTED, 130);
/// ```
pub const EXIT_INTERRUPTED: i32 = 130;

/// Parses `std::env::args_os()`; on error prints one line and exits 2.
/// `--help` and `--version` print as clap does, through [`crate::out`](mod@crate::out): exit
/// 0, also when the reader leaves early (`--help | head -1`); 1 with one line
/// when stdout cannot be written (`--help >/dev/full`).
///
/// ```no_run
/// #[derive(clap::Parser)]
/// struct Cli { n: u64 }
/// let cli: Cli = common::cli::parse();
/// ```
pub fn parse<P: clap::Parser>() -> P {
    parse_from(std::env::args_os())
}

/// [`parse`] over explicit arguments (the first is the program name).
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli { n: u64 }
/// let cli: Cli = common::cli::parse_from(["primes", "100"]);
/// assert_eq!(cli.n, 100);
/// ```
pub fn parse_from<P, I, T>(args: I) -> P
where
    P: clap::Parser,
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match P::try_parse_from(args) {
        Ok(p) => p,
        Err(e) => {
            use clap::error::ErrorKind::*;
            match e.kind() {
                DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand => {
                    let text = e.render();
                    if e.use_stderr() {
                        crate::err!("{}", text.ansi());
                    } else if std::io::stdout().is_terminal() {
                        crate::out!("{}", text.ansi());
                    } else {
                        crate::out!("{text}");
                    }
                    crate::out::exit(e.exit_code())
                }
                _ => usage_error(error_line(&e)),
            }
        }
    }
}

/// Folds a clap error to one line, without the `error: ` prefix and the usage
/// block.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser, Debug)]
/// struct Cli { n: u64 }
/// let e = Cli::try_parse_from(["primes", "abc"]).unwrap_err();
/// assert_eq!(
///     common::cli::error_line(&e),
///     "invalid value 'abc' for '<N>': invalid digit found in string (try --help)"
/// );
/// let e = Cli::try_parse_from(["primes"]).unwrap_err();
/// assert_eq!(
///     common::cli::error_line(&e),
///     "the following required arguments were not provided: <N> (try --help)"
/// );
/// ```
pub fn error_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let head = text.split("\n\n").next().unwrap_or_default();
    let mut line = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(rest) = line.strip_prefix("error: ") {
        line = rest.to_string();
    }
    line.push_str(" (try --help)");
    line
}

/// Parses a duration as timeout flags take it (`1`, `0.5`, `2s`, `500ms`),
/// if it is a finite number of seconds within `secs`. Callers word their
/// own error.
///
/// ```
/// use std::time::Duration;
/// use common::cli::parse_duration;
/// assert_eq!(parse_duration("500ms", 0.0..=3600.0), Some(Duration::from_millis(500)));
/// assert_eq!(parse_duration(" 1.5s ", 0.0..=3600.0), Some(Duration::from_millis(1500)));
/// assert_eq!(parse_duration("0", 0.001..=3600.0), None);
/// assert_eq!(parse_duration("nan", 0.0..=3600.0), None);
/// assert_eq!(parse_duration("2h", 0.0..=3600.0), None);
/// ```
pub fn parse_duration(s: &str, secs: RangeInclusive<f64>) -> Option<Duration> {
    let t = s.trim();
    let (num, scale) = if let Some(ms) = t.strip_suffix("ms") {
        (ms, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t, 1.0)
    };
    num.trim()
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|n| n.is_finite() && secs.contains(n))
        .map(Duration::from_secs_f64)
}

/// Prints `PROG: msg` on stderr: a warning or a report line that does not
/// end the program. A stderr that cannot be written (closed, `/dev/full`)
/// does not panic (see [`crate::errln`]).
///
/// ```
/// common::cli::warn("3 ports filtered");
/// ```
pub fn warn(msg: impl Display) {
    crate::errln!("{}: {msg}", program_name());
}

/// Prints `PROG: msg` on stderr and exits 2 (stdout flushed first, see
/// [`crate::out::exit`]).
///
/// ```no_run
/// common::cli::usage_error("N must be at least 2");
/// ```
pub fn usage_error(msg: impl Display) -> ! {
    warn(msg);
    crate::out::exit(EXIT_USAGE)
}

/// Prints `PROG: msg` on stderr and exits 1 (stdout flushed first, see
/// [`crate::out::exit`]).
///
/// ```no_run
/// common::cli::fail("cannot bind port 2000: Address in use");
/// ```
pub fn fail(msg: impl Display) -> ! {
    warn(msg);
    crate::out::exit(EXIT_FAILURE)
}

/// The name this program was started as (`primes`, not `/path/to/primes`).
///
/// ```
/// assert!(!common::cli::program_name().contains('/'));
/// ```
pub fn program_name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "program".into())
}
