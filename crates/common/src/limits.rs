//! Limits on how many threads a program can run at once: a fixed ceiling,
//! and the soft open-file limit (`ulimit -n`), which bounds how many sockets
//! its threads can hold (portscanner, pinger, sleepers).

/// The most threads a program lets a user ask for at once. Each thread maps a
/// stack, a guard page and a signal stack; tens of thousands of them hit
/// `vm.max_map_count` (65530 by default), and then std aborts inside the new
/// thread instead of returning an error.
pub const MAX_LIVE_THREADS: usize = 10_000;

/// The soft `Max open files` limit from `/proc/self/limits`: `usize::MAX`
/// for `unlimited`, `None` where the file cannot be read (not Linux).
///
/// ```
/// if let Some(n) = common::limits::soft_open_files() {
///     assert!(n >= 3); // stdin, stdout and stderr at least
/// }
/// ```
pub fn soft_open_files() -> Option<usize> {
    parse_soft_open_files(&std::fs::read_to_string("/proc/self/limits").ok()?)
}

/// Parses the text of `/proc/<pid>/limits` for [`soft_open_files`].
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
    }
}
