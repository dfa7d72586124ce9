//! Command-line pieces both server binaries share: the options, opening the
//! listener, and printing the ending.

use crate::server::{self, Config, Outcome};
use common::Shutdown;
use common::cli::{EXIT_FAILURE, EXIT_INTERRUPTED, fail, usage_error};
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

/// Options after the positional arguments.
#[derive(clap::Args, Debug)]
pub struct ServerArgs {
    /// Address to listen on: all IPv4 interfaces by default, as the tutorial;
    /// 127.0.0.1 for this machine only, :: for all IPv6 (and IPv4) ones
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0")]
    pub bind: String,

    /// Cap on the shared string v (bytes; K, M, G suffixes are powers of
    /// 1024). A letter past it closes its client, with one line on stderr
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = parse_size)]
    pub max_len: usize,

    /// Close a client that neither sends nor reads for this many seconds,
    /// 0.001 to 1e9 (default: wait forever, as the tutorial)
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub idle_timeout: Option<Duration>,

    /// Write a Chrome trace of the run to FILE: a span per client session
    /// and per letter, one row per thread (open it with `timeline FILE` or
    /// ui.perfetto.dev)
    #[arg(long, value_name = "FILE")]
    pub trace: Option<std::path::PathBuf>,

    /// At the end, chart on stderr what each thread did when
    #[arg(long)]
    pub timeline: bool,
}

impl ServerArgs {
    /// Starts recording for `--trace`/`--timeline` (exits 1 if the trace
    /// file cannot be created); `finish` it after [`serve`](Self::serve).
    pub fn session_or_exit(&self) -> timeline::Session {
        timeline::Session::from_args(self.trace.as_deref(), self.timeline)
            .unwrap_or_else(|e| fail(format_args!("cannot write the trace: {e}")))
    }

    /// The server options.
    pub fn config(&self) -> Config {
        Config {
            max_len: self.max_len,
            idle_timeout: self.idle_timeout,
        }
    }

    /// Opens the listener on `--bind` and `port`, sized for `nclnt` waiting
    /// clients, and says on stderr where it listens (stdout stays the
    /// tutorial's). Exits 2 for an address that does not resolve, 1 if the
    /// port cannot be had.
    pub fn listen_or_exit(&self, port: u16, nclnt: usize) -> TcpListener {
        let addr = resolve(&self.bind, port).unwrap_or_else(|e| usage_error(e));
        let listener = server::listen(addr, server::backlog_for(nclnt))
            .unwrap_or_else(|e| fail(format_args!("cannot listen on {addr}: {e}")));
        let shown = listener.local_addr().unwrap_or(addr);
        common::cli::warn(format_args!("listening on {shown}"));
        listener
    }

    /// What both binaries do once their arguments are parsed and Ctrl-C is
    /// installed: listen ([`listen_or_exit`](Self::listen_or_exit)), serve
    /// with `run` (`srvr::run` or `srvr_threaded::run`), print the ending
    /// ([`finish`]); returns the exit code.
    pub fn serve(
        &self,
        port: u16,
        nclnt: usize,
        shutdown: &Shutdown,
        run: impl FnOnce(TcpListener, Config, &Shutdown) -> io::Result<Outcome>,
    ) -> i32 {
        let listener = self.listen_or_exit(port, nclnt);
        match run(listener, self.config(), shutdown) {
            Ok(outcome) => finish(outcome),
            Err(e) => {
                common::cli::warn(format_args!("accept failed: {e}"));
                EXIT_FAILURE
            }
        }
    }
}

/// `HOST` and `port` as a socket address: an IPv4 or IPv6 literal (with or
/// without brackets) or a name, whose first address is taken.
pub fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    common::net::resolve(host, port)
        .map(|addrs| addrs[0])
        .map_err(|e| e.to_string())
}

/// Ends recording: writes the trace, prints the chart (exits 1 if the trace
/// cannot be written); returns `code`.
pub fn finish_session(session: timeline::Session, code: i32) -> i32 {
    if let Err(e) = session.finish() {
        fail(format_args!("cannot write the trace: {e}"));
    }
    code
}

/// Prints the tutorial's last line (`v` as raw bytes, as Python 2 printed
/// it) and returns the exit code: 0, or 130 after Ctrl-C, with one more line
/// on stderr saying how many clients were cut off.
pub fn finish(outcome: Outcome) -> i32 {
    let (v, code) = match outcome {
        Outcome::Finished { v } => (v, 0),
        Outcome::Interrupted { v, connected } => {
            let s = if connected == 1 { "" } else { "s" };
            common::cli::warn(format_args!(
                "interrupted with {connected} client{s} connected"
            ));
            (v, EXIT_INTERRUPTED)
        }
    };
    // srvr.py:74  print 'the final value of v is', v
    // thsvr.py:74  print 'the final value of v is', srvr.v
    let mut out = common::out::stdout();
    // Errors are recorded: finish() reports them (EPIPE quietly).
    let _ = out
        .write_all(b"the final value of v is ")
        .and_then(|()| out.write_all(&v))
        .and_then(|()| out.write_all(b"\n"));
    drop(out);
    common::out::finish(code)
}

/// `1048576`, `64K`, `1M`, `2G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("'{s}' is not a size such as 4096, 64K or 1M")),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size such as 4096, 64K or 1M"))?;
    n.checked_mul(1usize << shift)
        .ok_or_else(|| format!("'{s}' is too large"))
}

/// Seconds, whole or fractional (`0.5`, `2s`, `500ms`), from 1 ms (the
/// kernel's socket timeouts are counted in jiffies; a shorter one would round
/// to zero, which means no timeout at all) up to 1e9.
pub fn parse_secs(s: &str) -> Result<Duration, String> {
    common::cli::parse_duration(s, 0.001..=1e9)
        .ok_or_else(|| format!("'{s}' is not a number of seconds from 0.001 to 1e9"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("1m"), Ok(1 << 20));
        assert_eq!(parse_size("0"), Ok(0));
        assert!(parse_size("").is_err());
        assert!(parse_size("1X").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn secs() {
        assert_eq!(parse_secs("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_secs("0.001"), Ok(Duration::from_millis(1)));
        assert!(parse_secs("0").is_err());
        assert!(parse_secs("1e-10").is_err(), "would round to no timeout");
        assert!(parse_secs("1e10").is_err());
        assert!(parse_secs("nan").is_err());
        assert!(parse_secs("abc").is_err());
    }

    #[test]
    fn resolves_literals_and_brackets() {
        assert_eq!(resolve("127.0.0.1", 5), Ok("127.0.0.1:5".parse().unwrap()));
        assert_eq!(resolve("[::1]", 5), Ok("[::1]:5".parse().unwrap()));
        assert_eq!(resolve("::1", 5), Ok("[::1]:5".parse().unwrap()));
    }
}
