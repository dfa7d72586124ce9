//! `srvr-threaded PORT NCLNT`: see the library docs.

use clap::Parser;
use common::Shutdown;
use common::cli::fail;
use srvr::cli::ServerArgs;

/// Matloff 3.2's threading server: NCLNT clients send letters; the server
/// appends each to a shared string v, sends v back, joins every client
/// thread and prints v.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Port to listen on (0: any free port; the address is printed on stderr)
    // thsvr.py:45  port = int(sys.argv[1]) # server port number
    port: u16,

    /// Number of clients to accept
    nclnt: usize,

    /// Print the running threads after accepting the clients, as
    /// 3.2's `print threading.enumerate()` does
    #[arg(long)]
    enumerate: bool,

    #[command(flatten)]
    server: ServerArgs,
}

fn main() {
    std::process::exit(try_main())
}

fn try_main() -> i32 {
    let cli: Cli = common::cli::parse();
    let shutdown = Shutdown::install().unwrap_or_else(|e| fail(format_args!("{e}")));
    let session = cli.server.session_or_exit();
    let code = cli.server.serve(
        cli.port,
        cli.nclnt,
        &shutdown,
        |listener, config, shutdown| {
            srvr_threaded::run_enumerating(cli.nclnt, listener, config, shutdown, |line| {
                if cli.enumerate {
                    common::outln!("{line}");
                }
            })
        },
    );
    srvr::cli::finish_session(session, code)
}
