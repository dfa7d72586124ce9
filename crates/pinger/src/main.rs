use clap::Parser;
use common::Shutdown;
use common::cli::{self, EXIT_FAILURE, EXIT_INTERRUPTED};
use pinger::{Method, SocketMode, native, targets, via_ping};
use std::io::Write;
use std::time::{Duration, Instant};

/// Per-target interval by default: iputils' smallest for unprivileged users.
const DEFAULT_INTERVAL: Duration = Duration::from_millis(200);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// Pings a range of addresses, a thread per address (python-course's
/// "Pinging with Threads").
#[derive(Parser, Debug)]
#[command(
    version,
    about,
    after_help = "Prints `Status from  IP is alive` (or `alive, but N % package loss`, or \
                  `no response`) per address in address order, as the tutorial does, then a \
                  summary on stderr.\n\
                  Exit status: 0 if every address answered, 1 if some did not (or on a \
                  failure), 2 for bad arguments, 130 when interrupted.\n\
                  Sends ICMP echo requests: sweep only networks you are allowed to probe."
)]
struct Cli {
    /// Addresses: FIRST LAST (`127.0.0.1 127.0.0.20`), a range (`127.0.0.1-20`,
    /// `::1-::3`), a CIDR block (`127.0.0.0/28`), addresses or host names.
    #[arg(required = true, value_name = "ADDRESS")]
    addresses: Vec<String>,

    /// Echo requests per address.
    #[arg(short = 'c', long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..))]
    count: u16,

    /// Time between requests to one address: seconds, or with a unit
    /// (`0.2`, `200ms`) [default: 0.2; with --via-ping, ping's own]
    #[arg(short = 'i', long, value_parser = parse_duration)]
    interval: Option<Duration>,

    /// Wait at least this long for each reply: an address is done when all
    /// replies are in, or this long after its last request
    /// [default: 1; with --via-ping, ping's own]
    #[arg(short = 'W', long, value_parser = parse_positive_duration)]
    timeout: Option<Duration>,

    /// At most this many threads (addresses) at once, 1 to 10000.
    #[arg(short = 't', long, default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..=common::limits::MAX_LIVE_THREADS as i64))]
    max_threads: u32,

    /// Refuse sweeps larger than this (guards against typos such as /8).
    #[arg(long, default_value_t = 65536)]
    max_addresses: u64,

    /// Two addresses are a list, not FIRST and LAST.
    #[arg(long)]
    list: bool,

    /// Only print the addresses that answered.
    #[arg(short = 'a', long)]
    alive: bool,

    /// ICMP socket: datagram (unprivileged, if net.ipv4.ping_group_range allows),
    /// raw (root), or auto (datagram if allowed, else raw).
    #[arg(long, value_enum, default_value_t = SocketMode::Auto, conflicts_with = "via_ping")]
    socket: SocketMode,

    /// Run the system `ping -q -c N` per address and read `N received`, as
    /// the tutorial does.
    #[arg(long)]
    via_ping: bool,

    /// One address after another, no threads, printing `... pinging  IP`
    /// and `IP: STATUS` as it goes: python-course's listing before the
    /// threaded one.
    #[arg(long, conflicts_with_all = ["alive", "max_threads"])]
    sequential: bool,

    /// Write a Chrome trace of the run to FILE: a span per address pinged
    /// (`127.0.0.5: alive`), one row per thread (open it with `timeline
    /// FILE` or ui.perfetto.dev).
    #[arg(long, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,

    /// At the end, chart on stderr what each thread did when.
    #[arg(long)]
    timeline: bool,
}

/// iputils' smallest interval for users other than root: shorter is a flood.
const MIN_USER_INTERVAL: Duration = Duration::from_millis(2);

/// Whether the real user is root (iputils asks `getuid()`), from
/// `/proc/self/status`; `false` if unreadable.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        == Some("0")
}

/// `1`, `0.2`, `0.2s`, `200ms`.
fn parse_duration(s: &str) -> Result<Duration, String> {
    cli::parse_duration(s, 0.0..=3600.0)
        .ok_or_else(|| format!("'{s}' is not a duration (seconds up to 3600, e.g. 0.5 or 500ms)"))
}

fn parse_positive_duration(s: &str) -> Result<Duration, String> {
    match parse_duration(s)? {
        d if d.is_zero() => Err("must be more than 0".into()),
        d => Ok(d),
    }
}

fn main() {
    // Flushes stdout; a write error other than EPIPE is one line and exit 1.
    common::out::exit(try_main())
}

fn try_main() -> i32 {
    let cli: Cli = cli::parse();
    if cli.interval.is_some_and(|i| i < MIN_USER_INTERVAL) && !is_root() {
        cli::usage_error(
            "cannot flood: the smallest interval for users other than root is 2 ms (-i 0.002), as ping's",
        );
    }
    let targets = targets::expand(&cli.addresses, cli.list, cli.max_addresses)
        .unwrap_or_else(|e| cli::usage_error(e));
    let method = if cli.via_ping {
        let ping = via_ping::find_ping().unwrap_or_else(|e| cli::fail(e));
        Method::ViaPing {
            ping,
            args: via_ping::PingArgs {
                count: cli.count,
                interval: cli.interval,
                timeout: cli.timeout,
            },
        }
    } else {
        let choose = |v6: bool| {
            targets
                .iter()
                .any(|t| t.addr.is_ipv6() == v6)
                .then(|| native::choose(cli.socket, v6).unwrap_or_else(|e| cli::fail(e)))
        };
        Method::Native {
            v4: choose(false),
            v6: choose(true),
            settings: native::Settings {
                count: cli.count,
                interval: cli.interval.unwrap_or(DEFAULT_INTERVAL),
                timeout: cli.timeout.unwrap_or(DEFAULT_TIMEOUT),
            },
        }
    };
    let shutdown =
        Shutdown::install().unwrap_or_else(|e| cli::fail(format!("cannot catch Ctrl-C: {e}")));
    let session = timeline::Session::from_args(cli.trace.as_deref(), cli.timeline)
        .unwrap_or_else(|e| cli::fail(format!("cannot write the trace: {e}")));
    let started = Instant::now();
    let report = if cli.sequential {
        pinger::sequential(&targets, &method, &shutdown, |line| {
            common::outln!("{line}");
            // A closed pipe (`| head`) or a full disk ends the sweep.
            !common::out::closed()
        })
    } else {
        // Each thread holds a socket, or ping's two pipes: stay under the
        // open-file limit rather than fail addresses with EMFILE.
        let mut max_threads = (cli.max_threads as usize).min(targets.len());
        match pinger::threads_within_file_limit(cli.via_ping) {
            Err(msg) => cli::fail(msg),
            Ok(Some(fit)) if fit < max_threads => {
                cli::warn(format_args!(
                    "running at most {fit} threads at once (open file limit, see ulimit -n)"
                ));
                max_threads = fit;
            }
            Ok(_) => {}
        }
        let report = pinger::sweep(&targets, &method, max_threads, &shutdown);
        let mut out = common::out::stdout();
        for (target, outcome) in targets.iter().zip(&report.results) {
            let Some(outcome) = outcome else { continue };
            if !cli.alive || outcome.received > 0 {
                // Errors are recorded for common::out::exit; EPIPE is quiet.
                // pinger.py  print "Status from ", el.ip,"is",el.status()
                let line = pinger::status_line(&target.label, outcome);
                if writeln!(out, "{line}").is_err() {
                    break;
                }
            }
        }
        drop(out);
        report
    };
    for (target, outcome) in targets.iter().zip(&report.results) {
        if let Some(e) = outcome.as_ref().and_then(|o| o.error.as_ref()) {
            cli::warn(format_args!("{}: {e}", target.label));
        }
    }
    common::errln!(
        "{} ({:.2} s)",
        report.summary(),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = session.finish() {
        cli::fail(format!("cannot write the trace: {e}"));
    }

    let t = report.tally();
    if report.interrupted {
        EXIT_INTERRUPTED
    } else if t.no_response + t.unknown > 0 {
        EXIT_FAILURE
    } else {
        0
    }
}
