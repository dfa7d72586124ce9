//! `clnt HOST PORT`: see the library docs.

use clap::Parser;
use common::Shutdown;
use common::cli::{EXIT_FAILURE, EXIT_INTERRUPTED, fail, program_name};
use std::io::{IsTerminal, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Matloff 3.1's clnt.py: send the letters typed (one line at a time) to
/// srvr and print v as it comes back; an empty line or end of input leaves.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Server: a host name, IPv4 or IPv6 address
    host: String,

    /// Server port
    #[arg(value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
}

/// How long leaving waits for the server's last replies.
const LEAVE_LIMIT: Duration = Duration::from_secs(2);

fn main() {
    std::process::exit(try_main())
}

fn try_main() -> i32 {
    let cli: Cli = common::cli::parse();
    let shutdown = Shutdown::install().unwrap_or_else(|e| fail(format_args!("{e}")));
    // Ctrl-C usually finds main blocked reading the terminal, where no flag
    // can reach it: the hook itself leaves (so the server gets every letter
    // already sent) and exits.
    let slot: Arc<Mutex<Option<Arc<TcpStream>>>> = Arc::default();
    let hooked = Arc::clone(&slot);
    shutdown.on_trigger(move || {
        let stream = hooked.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(stream) = stream {
            clnt::leave(&stream, Duration::from_millis(500));
        }
        eprintln!("\n{}: interrupted", program_name());
        std::process::exit(EXIT_INTERRUPTED);
    });
    let stream = Arc::new(clnt::connect(&cli.host, cli.port).unwrap_or_else(|e| fail(e)));
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&stream));

    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let ending = clnt::session(&stream, stdin.lock(), std::io::stdout().lock());
    // Whatever ended the session, leave politely: a close with replies unread
    // would reset the connection and could destroy letters not yet read.
    clnt::leave(&stream, LEAVE_LIMIT);
    match ending {
        Ok(end @ (clnt::Ending::Left | clnt::Ending::EndOfInput)) => {
            if interactive && end == clnt::Ending::EndOfInput {
                newline(); // after Ctrl-D the shell prompt starts on a new line
            }
            0
        }
        Ok(clnt::Ending::ServerClosed) => {
            newline();
            common::cli::warn("the server closed the connection");
            EXIT_FAILURE
        }
        Err(e) => {
            common::cli::warn(e);
            EXIT_FAILURE
        }
    }
}

/// Ends the prompt's line; unlike `println!`, no panic if stdout is closed.
fn newline() {
    let _ = writeln!(std::io::stdout());
}
