use clap::Parser;
use common::Shutdown;
use common::cli::{EXIT_FAILURE, usage_error};
use portscanner::spec::{self, Family};
use portscanner::{Config, Mode, tool::Show};

/// Checks which TCP ports accept connections (Matloff's portscanner.py).
///
/// Without --open/--all it prints the tutorial's lines for ports 1-99.
#[derive(Parser)]
#[command(
    version,
    about,
    override_usage = "portscanner [OPTIONS] <HOST>... [MAXTHREADS]"
)]
struct Cli {
    /// Hosts to scan (names, IPv4, IPv6), then MAXTHREADS, the most threads
    /// alive at once, 1 to 10000 (the tutorial's `host maxthreads`; default
    /// 1000, fewer if `ulimit -n` is low).
    #[arg(value_name = "HOST", required = true)]
    args: Vec<String>,

    /// Ports to check: `22,80,8000-8100`, `1-65535`, `-` for all [default: 1-99]
    #[arg(short, long, value_name = "PORTS", allow_hyphen_values = true)]
    ports: Option<String>,

    /// Give up on a connect after this long: seconds or e.g. `500ms`
    #[arg(long, value_name = "SECS", default_value = "1")]
    timeout: String,

    /// Print only the open ports, sorted, and a summary line
    #[arg(long, conflicts_with = "all")]
    open: bool,

    /// Print every port with its state (open, closed, filtered, error), and a summary line
    #[arg(long)]
    all: bool,

    /// Refuse scans of more host x port pairs than this (a guard against
    /// typos; tool mode keeps a verdict per pair)
    #[arg(long, value_name = "N", default_value_t = portscanner::DEFAULT_MAX_TARGETS)]
    max_targets: u64,

    /// Resolve host names to IPv4 addresses only
    #[arg(short = '4', conflicts_with = "ipv6")]
    ipv4: bool,

    /// Resolve host names to IPv6 addresses only
    #[arg(short = '6')]
    ipv6: bool,

    /// Write a Chrome trace of the run to FILE: a span per port checked
    /// (`port 22: open`), one row per thread (open it with `timeline FILE`
    /// or ui.perfetto.dev)
    #[arg(long, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,

    /// At the end, chart on stderr what each thread did when
    #[arg(long)]
    timeline: bool,
}

// portscanner.py:64  if __name__ == '__main__':
// portscanner.py:65  main()
fn main() {
    std::process::exit(try_main())
}

fn try_main() -> i32 {
    let cli: Cli = common::cli::parse();
    // portscanner.py:48  host = sys.argv[1]
    // (and MAXTHREADS, portscanner.py:13, from the last argument)
    let (hosts, maxthreads) = spec::split_positionals(&cli.args).unwrap_or_else(|e| usage_error(e));
    let family = match (cli.ipv4, cli.ipv6) {
        (true, _) => Family::V4,
        (_, true) => Family::V6,
        _ => Family::Any,
    };
    let hosts = hosts
        .iter()
        .map(|h| spec::resolve(h, family))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| usage_error(e));
    let ports = match &cli.ports {
        Some(p) => spec::parse_ports(p).unwrap_or_else(|e| usage_error(e)),
        None => spec::TUTORIAL_PORTS.collect(),
    };
    let timeout = spec::parse_timeout(&cli.timeout).unwrap_or_else(|e| usage_error(e));
    let mode = match (cli.open, cli.all) {
        (true, _) => Mode::Tool(Show::Open),
        (_, true) => Mode::Tool(Show::All),
        _ => Mode::Tutorial,
    };
    let shutdown = match Shutdown::install() {
        Ok(s) => s,
        Err(e) => {
            common::cli::warn(format_args!("cannot install the Ctrl-C handler: {e}"));
            return EXIT_FAILURE;
        }
    };
    let pairs = hosts.len() as u64 * ports.len() as u64;
    if pairs > cli.max_targets {
        usage_error(format_args!(
            "that is {pairs} host x port pairs, more than --max-targets {}; \
             raise --max-targets if you really mean to scan them all",
            cli.max_targets
        ));
    }
    let cfg = Config {
        hosts,
        ports,
        maxthreads: maxthreads.unwrap_or_else(portscanner::default_maxthreads),
        timeout,
        mode,
    };
    let session = timeline::Session::from_args(cli.trace.as_deref(), cli.timeline)
        .unwrap_or_else(|e| common::cli::fail(format_args!("cannot write the trace: {e}")));
    let code = portscanner::run(&cfg, &shutdown);
    if let Err(e) = session.finish() {
        common::cli::fail(format_args!("cannot write the trace: {e}"));
    }
    code
}
