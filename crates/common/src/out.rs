//! One way for every binary to write stdout and stderr.
//!
//! The rules (`cat`'s and `seq`'s): a closed pipe on stdout (`| head`) is the
//! reader's choice, so EPIPE is quiet and the program keeps the exit code it
//! would have had; any other write error (a full disk, `>/dev/full`, a closed
//! stdout `>&-`) gives one line `PROG: cannot write to stdout: REASON` and
//! exit 1. A stderr that cannot be written never panics (there is nowhere
//! left to complain); [`finish`] turns a success into 1 then.
//!
//! - [`outln!`](crate::outln), [`out!`](macro@crate::out): a line or text on stdout;
//!   [`errln!`](crate::errln), [`err!`](crate::err): on stderr. Errors are
//!   recorded, not returned: a loop that prints looks at [`closed`] to stop.
//! - [`stdout`]: a buffered, locked writer for hot loops; its errors are
//!   recorded too and also returned, so `?` ends the loop.
//! - [`finish`] (or [`exit`]) at the end of `main`: flushes, reports, and gives
//!   the exit code.
//!
//! ```
//! use common::{out, outln};
//! for i in 0..3 {
//!     if out::closed() {
//!         break; // `| head -1`: stop working, exit as if done
//!     }
//!     outln!("line {i}");
//! }
//! let code = out::finish(0); // std::process::exit(code) in a real main
//! assert_eq!(code, 0);
//! ```
//!
//! Workspace lints `clippy::print_stdout` and `clippy::print_stderr` forbid
//! the raw `print!`/`eprintln!` family, so everything goes through here.
//!
//! A closed stdout: Rust's runtime puts `/dev/null` (opened read-write) on a
//! standard descriptor that is closed when the program starts, so writes to
//! it would succeed silently. On Linux this module recognises that
//! descriptor (`/dev/null`, read-write) and reports `Bad file descriptor`.
//! A caller that hands over `/dev/null` read-write on purpose (Python's
//! `subprocess.DEVNULL`) is taken for a closed stdout too: redirect to
//! `open(os.devnull, "w")` instead.

use std::fmt;
use std::io::{self, BufWriter, StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

/// The first error writing stdout; all later writes fail the same way.
static STDOUT_ERROR: Mutex<Option<io::Error>> = Mutex::new(None);
/// Set with [`STDOUT_ERROR`], for a cheap [`closed`].
static CLOSED: AtomicBool = AtomicBool::new(false);
/// A stderr write failed with something other than EPIPE.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);
/// The one stdout error line was printed.
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Whether stdout can take no more output (EPIPE or another error happened):
/// a program should stop the work whose output nobody can read.
///
/// ```
/// if !common::out::closed() {
///     common::outln!("still read");
/// }
/// ```
pub fn closed() -> bool {
    check_closed_at_start();
    CLOSED.load(Ordering::Relaxed)
}

/// Whether stdin was closed when the program started (`<&-`): on Linux,
/// Rust's runtime opened `/dev/null` read-write in its place (see the module
/// docs for the one look-alike). A program that reads stdin treats this as
/// an error rather than as empty input.
///
/// ```
/// if common::out::stdin_closed() {
///     common::cli::fail("cannot read stdin: Bad file descriptor");
/// }
/// ```
pub fn stdin_closed() -> bool {
    replaced_by_dev_null(0)
}

/// Flushes stdout now, recording an error as a write does.
///
/// ```
/// common::out!("a prompt> ");
/// let _ = common::out::flush();
/// ```
pub fn flush() -> io::Result<()> {
    write_stdout(|w| w.flush())
}

/// The exit code for `code` once output is done: flushes stdout; after a
/// stdout error other than EPIPE prints `PROG: cannot write to stdout:
/// REASON` (once) and turns `0` into `1`; after a failed stderr write turns
/// `0` into `1`. EPIPE keeps `code`. Non-zero codes (2, 130) are kept.
///
/// ```
/// assert_eq!(common::out::finish(130), 130);
/// ```
pub fn finish(code: i32) -> i32 {
    let _ = flush();
    let mut code = code;
    let error = STDOUT_ERROR
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .filter(|e| e.kind() != io::ErrorKind::BrokenPipe)
        .map(reason);
    if let Some(why) = error {
        if !REPORTED.swap(true, Ordering::SeqCst) {
            crate::cli::warn(format_args!("cannot write to stdout: {why}"));
        }
        code = fail(code);
    }
    if STDERR_FAILED.load(Ordering::SeqCst) {
        code = fail(code);
    }
    code
}

/// [`finish`], then exits with its code.
///
/// ```no_run
/// common::outln!("done");
/// common::out::exit(0);
/// ```
pub fn exit(code: i32) -> ! {
    std::process::exit(finish(code))
}

fn fail(code: i32) -> i32 {
    if code == 0 {
        crate::cli::EXIT_FAILURE
    } else {
        code
    }
}

/// An error's text without Rust's ` (os error N)` suffix.
fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

/// A buffered, locked stdout for hot loops (64 KiB buffer): holds the stdout
/// lock until dropped, so other threads' [`outln!`](crate::outln) wait. Errors
/// are recorded (see [`closed`], [`finish`]) and returned.
///
/// ```
/// use std::io::Write;
/// let mut w = common::out::stdout();
/// for p in [2, 3, 5, 7] {
///     if writeln!(w, "{p}").is_err() {
///         break; // closed or full: finish() tells which
///     }
/// }
/// drop(w); // flushes
/// assert_eq!(common::out::finish(0), 0);
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        w: Some(BufWriter::with_capacity(1 << 16, io::stdout().lock())),
    }
}

/// See [`stdout()`]. While one lives, write everything through it: an
/// [`outln!`](crate::outln) on the same thread would overtake its buffer.
///
/// ```
/// use std::io::Write;
/// let mut w: common::out::Stdout = common::out::stdout();
/// let _ = w.write_all(b"buffered\n");
/// ```
pub struct Stdout {
    w: Option<BufWriter<StdoutLock<'static>>>,
}

impl Stdout {
    fn inner(&mut self) -> &mut BufWriter<StdoutLock<'static>> {
        self.w.as_mut().expect("present until drop")
    }
}

impl fmt::Debug for Stdout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stdout").finish_non_exhaustive()
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        check()?;
        self.inner().write(buf).inspect_err(record)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        check()?;
        self.inner().write_all(buf).inspect_err(record)
    }

    fn flush(&mut self) -> io::Result<()> {
        check()?;
        self.inner().flush().inspect_err(record)
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        if self.flush().is_err() {
            // Throw the unwritten rest away rather than retry it.
            if let Some(w) = self.w.take() {
                drop(w.into_parts());
            }
        }
    }
}

/// The error a write after the first failure gets.
fn check() -> io::Result<()> {
    check_closed_at_start();
    if !CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let first = STDOUT_ERROR.lock().unwrap_or_else(|e| e.into_inner());
    Err(match first.as_ref() {
        Some(e) => copy(e),
        None => io::ErrorKind::BrokenPipe.into(),
    })
}

fn copy(e: &io::Error) -> io::Error {
    match e.raw_os_error() {
        Some(n) => io::Error::from_raw_os_error(n),
        None => e.kind().into(),
    }
}

fn record(e: &io::Error) {
    if e.kind() == io::ErrorKind::Interrupted {
        return;
    }
    let mut first = STDOUT_ERROR.lock().unwrap_or_else(|e| e.into_inner());
    first.get_or_insert_with(|| copy(e));
    CLOSED.store(true, Ordering::SeqCst);
}

fn write_stdout(f: impl FnOnce(&mut StdoutLock<'static>) -> io::Result<()>) -> io::Result<()> {
    check()?;
    f(&mut io::stdout().lock()).inspect_err(record)
}

/// Records `EBADF` once if stdout was closed when the program started.
fn check_closed_at_start() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if replaced_by_dev_null(1) {
            record(&io::Error::from_raw_os_error(libc::EBADF));
        }
    });
}

/// Whether descriptor `fd` is `/dev/null` opened read-write, as Rust's
/// runtime leaves a standard descriptor that was closed (a shell's
/// `>/dev/null` opens it write-only, `</dev/null` read-only).
fn replaced_by_dev_null(fd: u8) -> bool {
    let is_null = std::fs::read_link(format!("/proc/self/fd/{fd}"))
        .is_ok_and(|p| p.as_os_str() == "/dev/null");
    is_null
        && std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}"))
            .ok()
            .and_then(|info| {
                let flags = info.lines().find_map(|l| l.strip_prefix("flags:"))?;
                i64::from_str_radix(flags.trim(), 8).ok()
            })
            .is_some_and(|flags| flags & i64::from(libc::O_ACCMODE) == i64::from(libc::O_RDWR))
}

#[doc(hidden)]
pub fn _print(args: fmt::Arguments<'_>, newline: bool) {
    let _ = write_stdout(|w| {
        w.write_fmt(args)?;
        if newline { w.write_all(b"\n") } else { Ok(()) }
    });
}

#[doc(hidden)]
pub fn _eprint(args: fmt::Arguments<'_>, newline: bool) {
    // One write for the whole line, so lines of several threads never mix.
    let mut text = fmt::format(args);
    if newline {
        text.push('\n');
    }
    crate::progress::suspend(|| {
        if let Err(e) = io::stderr().lock().write_all(text.as_bytes()) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                STDERR_FAILED.store(true, Ordering::SeqCst);
            }
        }
    });
}

/// Prints a line on stdout, as `println!` does, but never panics: errors
/// are recorded for [`closed`](crate::out::closed) and
/// [`finish`](crate::out::finish).
///
/// ```
/// common::outln!("{} primes", 25);
/// common::outln!();
/// ```
#[macro_export]
macro_rules! outln {
    () => { $crate::out::_print(::std::format_args!(""), true) };
    ($($arg:tt)*) => { $crate::out::_print(::std::format_args!($($arg)*), true) };
}

/// Prints on stdout, as `print!` does (see [`outln!`](crate::outln)).
///
/// ```
/// common::out!("> ");
/// common::out::flush().ok();
/// ```
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::_print(::std::format_args!($($arg)*), false) };
}

/// Prints a line on stderr, as `eprintln!` does, but never panics (a failure
/// makes [`finish`](crate::out::finish) return 1). Prefer
/// [`cli::warn`](crate::cli::warn), which puts the program's name first.
///
/// ```
/// common::errln!("{} of {} done", 3, 4);
/// ```
#[macro_export]
macro_rules! errln {
    () => { $crate::out::_eprint(::std::format_args!(""), true) };
    ($($arg:tt)*) => { $crate::out::_eprint(::std::format_args!($($arg)*), true) };
}

/// Prints on stderr, as `eprint!` does (see [`errln!`](crate::errln)).
///
/// ```
/// common::err!("working... ");
/// ```
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::out::_eprint(::std::format_args!($($arg)*), false) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_drops_the_os_error_suffix() {
        assert_eq!(
            reason(&io::Error::from_raw_os_error(libc::ENOSPC)),
            "No space left on device"
        );
        assert_eq!(reason(&io::Error::other("odd (x)")), "odd (x)");
    }

    #[test]
    fn fail_keeps_non_zero_codes() {
        assert_eq!(fail(0), 1);
        assert_eq!(fail(130), 130);
    }
}
