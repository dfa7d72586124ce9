//! Printing for the examples: `say!` is `println!` that ends the program
//! quietly with status 141 (as a SIGPIPE death would) when stdout has been
//! closed, e.g. by `| head`, instead of panicking a thread, which could leave
//! main waiting for a count that thread never updates.

use std::io::{ErrorKind, Write};

/// `println!`, one whole line under the stdout lock; see the module doc.
#[macro_export]
macro_rules! say {
    () => { $crate::out::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::out::line(format_args!($($arg)*)) };
}

/// Writes `args` and a newline as one line.
pub fn line(args: std::fmt::Arguments) {
    write(args, true);
}

/// Writes `args` without a newline and flushes (a prompt).
pub fn prompt(args: std::fmt::Arguments) {
    write(args, false);
}

fn write(args: std::fmt::Arguments, newline: bool) {
    let mut out = std::io::stdout().lock();
    let result = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            out.flush()
        }
    });
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(141),
        Err(e) => {
            eprintln!(
                "{}: cannot write to standard output: {e}",
                common::cli::program_name()
            );
            std::process::exit(common::cli::EXIT_FAILURE);
        }
    }
}
