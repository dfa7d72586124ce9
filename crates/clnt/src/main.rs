//! `clnt HOST PORT`: see the library docs.

use clap::Parser;
use clnt::{ConnectError, Ending};
use common::Shutdown;
use common::cli::{EXIT_FAILURE, EXIT_INTERRUPTED, fail, usage_error, warn};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

/// Matloff 3.1's clnt.py: send the letters typed (one line at a time) to
/// srvr and print v as it comes back; an empty line or end of input leaves.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Server: a host name, IPv4 or IPv6 address
    // clnt.py:18  host = sys.argv[1] # server address
    host: String,

    /// Server port
    // clnt.py:19  port = int(sys.argv[2]) # server port
    #[arg(value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,

    /// Write a Chrome trace of the session to FILE: a span per line sent,
    /// waits for input and replies (open it with `timeline FILE` or
    /// ui.perfetto.dev)
    #[arg(long, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,

    /// At the end, chart on stderr what the client did when
    #[arg(long)]
    timeline: bool,
}

/// How long leaving waits for the server to close before saying why the
/// client has not quit yet (it goes on waiting: letters are never dropped).
const LEAVE_PATIENCE: Duration = Duration::from_secs(2);
/// After Ctrl-C, how long leaving reads the server's last replies.
const CTRL_C_LEAVE: Duration = Duration::from_millis(500);
/// After Ctrl-C with a trace being recorded, how long main has to leave and
/// write it before the hook exits without it (main blocked on the server).
const CTRL_C_GRACE: Duration = Duration::from_secs(2);

fn main() {
    std::process::exit(try_main())
}

fn try_main() -> i32 {
    let cli: Cli = common::cli::parse();
    let shutdown = Shutdown::install().unwrap_or_else(|e| fail(format_args!("{e}")));
    if common::out::stdin_closed() {
        fail("stdin is closed (letters come from stdin)");
    }
    let session = timeline::Session::from_args(cli.trace.as_deref(), cli.timeline)
        .unwrap_or_else(|e| fail(format_args!("cannot write the trace: {e}")));
    let stream = match clnt::connect(&cli.host, cli.port) {
        Ok(s) => Arc::new(s),
        Err(ConnectError::Resolve(e)) => usage_error(e),
        Err(ConnectError::Connect(e)) => fail(e),
    };
    // Ctrl-C usually finds main blocked reading the terminal, where no flag
    // can reach it: the hook itself leaves (briefly: the user wants out) and
    // exits 130. Recording a trace, main reads through `AskedInput`, which
    // Ctrl-C wakes, and gets a moment to leave and write the trace itself.
    let grace = if session.is_on() {
        CTRL_C_GRACE
    } else {
        Duration::ZERO
    };
    let hooked = Arc::clone(&stream);
    let leave_on_ctrl_c = shutdown.exit_on_trigger_after(grace, move || {
        clnt::leave_within(&hooked, CTRL_C_LEAVE);
        common::errln!(); // off the prompt's line
        "interrupted".into()
    });
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let ending = if session.is_on() {
        let input = clnt::AskedInput::stdin(&shutdown)
            .unwrap_or_else(|e| fail(format_args!("cannot start a thread to read stdin: {e}")));
        clnt::session(&stream, input, common::out::stdout())
    } else {
        clnt::session(&stream, stdin.lock(), common::out::stdout())
    };
    if session.is_on() && shutdown.is_triggered() {
        // What the hook would have done, then the trace.
        drop(leave_on_ctrl_c);
        clnt::leave_within(&stream, CTRL_C_LEAVE);
        common::errln!();
        warn("interrupted");
        if let Err(e) = session.finish() {
            fail(format_args!("cannot write the trace: {e}"));
        }
        return common::out::finish(EXIT_INTERRUPTED);
    }
    // Whatever ended the session, leave politely: a close with replies unread
    // would reset the connection and destroy letters not yet read.
    clnt::leave(&stream, LEAVE_PATIENCE, || {
        warn("waiting for the server to read the last letters (Ctrl-C leaves now)")
    });
    let code = match ending {
        Ok(end @ (Ending::Left | Ending::EndOfInput)) => {
            if interactive && end == Ending::EndOfInput {
                newline(); // after Ctrl-D the shell prompt starts on a new line
            }
            0
        }
        Ok(Ending::OutputClosed) => 0,
        Ok(Ending::ServerClosed) => {
            newline();
            warn("the server closed the connection");
            EXIT_FAILURE
        }
        // out::finish says what the stdout error was.
        Err(clnt::SessionError::Output(_)) => EXIT_FAILURE,
        Err(e) => {
            warn(e);
            EXIT_FAILURE
        }
    };
    if let Err(e) = session.finish() {
        fail(format_args!("cannot write the trace: {e}"));
    }
    common::out::finish(code)
}

/// Ends the prompt's line.
fn newline() {
    common::outln!();
}
