//! Limits on how many threads a program can run at once: a fixed ceiling
//! with one message for every argument that would pass it, and the soft
//! open-file limit (`ulimit -n`), which bounds how many sockets its threads
//! can hold (portscanner, pinger, sleepers).

use std::fmt::Display;

/// The most threads a program lets a user ask for at once. Each thread maps a
/// stack, a guard page and a signal stack; tens of thousands of them hit
/// `vm.max_map_count` (65530 by default), and then std aborts inside the new
/// thread instead of returning an error.
///
/// ```
/// assert!(common::limits::check_threads("x", common::limits::MAX_LIVE_THREADS).is_ok());
/// ```
pub const MAX_LIVE_THREADS: usize = 10_000;

/// Checks that `n` threads at once, asked for by `what` (an argument, such
/// as `--loops 20000`, or `20000 numbers`), stay within
/// [`MAX_LIVE_THREADS`]; the error is the one line every program prints
/// (with [`cli::usage_error`](crate::cli::usage_error): exit 2).
///
/// ```
/// use common::limits::check_threads;
/// assert_eq!(check_threads("--loops 5", 5), Ok(5));
/// assert_eq!(
///     check_threads("--loops 20000", 20_000).unwrap_err(),
///     "--loops 20000 would run 20000 threads at once; the most is 10000"
/// );
/// ```
pub fn check_threads(what: impl Display, n: usize) -> Result<usize, String> {
    if n <= MAX_LIVE_THREADS {
        Ok(n)
    } else {
        Err(format!(
            "{what} would run {n} threads at once; the most is {MAX_LIVE_THREADS}"
        ))
    }
}

/// The soft open-file limit (`ulimit -n`, `RLIMIT_NOFILE`): `usize::MAX`
/// for `unlimited`, `None` where it cannot be read.
///
/// ```
/// if let Some(n) = common::limits::soft_open_files() {
///     assert!(n >= 3); // stdin, stdout and stderr at least
/// }
/// ```
pub fn soft_open_files() -> Option<usize> {
    let (soft, _hard) = rlimit::Resource::NOFILE.get().ok()?;
    Some(if soft == rlimit::INFINITY {
        usize::MAX
    } else {
        usize::try_from(soft).unwrap_or(usize::MAX)
    })
}

/// Parses the text of `/proc/<pid>/limits` for the soft open-file limit
/// (kept for callers of the old API; [`soft_open_files`] asks the kernel).
///
/// ```
/// let text = "Limit                     Soft Limit           Hard Limit           Units\n\
///             Max open files            1024                 524288               files\n";
/// assert_eq!(common::limits::parse_soft_open_files(text), Some(1024));
/// ```
pub fn parse_soft_open_files(limits: &str) -> Option<usize> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line
        .trim_start_matches("Max open files")
        .split_whitespace()
        .next()?;
    match soft {
        "unlimited" => Some(usize::MAX),
        n => n.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_missing_and_garbage() {
        let unl = "Max open files            unlimited            unlimited            files\n";
        assert_eq!(parse_soft_open_files(unl), Some(usize::MAX));
        assert_eq!(
            parse_soft_open_files("Max processes 10 10 processes\n"),
            None
        );
        assert_eq!(
            parse_soft_open_files("Max open files  lots  lots files\n"),
            None
        );
    }

    #[test]
    fn reads_this_process() {
        assert!(soft_open_files().is_some_and(|n| n >= 3));
        let text = std::fs::read_to_string("/proc/self/limits").unwrap();
        assert_eq!(parse_soft_open_files(&text), soft_open_files());
    }
}
