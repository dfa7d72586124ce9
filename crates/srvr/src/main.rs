//! `srvr PORT`: see the library docs.

use clap::Parser;
use common::Shutdown;
use common::cli::fail;
use srvr::cli::ServerArgs;

/// Matloff 3.1's srvr.py: two clients send letters; the server appends each
/// to a shared string v, sends v back, and prints it when both have gone.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Port to listen on (0: any free port; the address is printed on stderr)
    // srvr.py:41  port = int(sys.argv[1]) # server port number
    port: u16,

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
    let code = cli
        .server
        .serve(cli.port, srvr::NCLNT, &shutdown, srvr::run);
    srvr::cli::finish_session(session, code)
}
