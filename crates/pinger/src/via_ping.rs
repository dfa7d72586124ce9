//! The tutorial's own method: run the system `ping -q -c N ADDRESS` and read
//! the number of replies from its summary line.
//!
//! The tutorial's pattern is one digit followed by ` received`, which reads
//! `10 received` as 0; here the whole number is taken, and the transmitted
//! count too, so the loss is ping's own.

use crate::Outcome;
use common::Shutdown;
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// The counts from a `ping -q` summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub transmitted: u32,
    pub received: u32,
    /// iputils' `+N errors` (ICMP errors such as host unreachable).
    pub errors: u32,
}

/// Finds the `N packets transmitted, M received` line of ping's output
/// (iputils; busybox and BSD say `M packets received`). The listings'
/// pattern, with the whole number instead of one digit:
// pinger.py  received_packages = re.compile(r"(\d) received")
// pinger_seq.py  received_packages = re.compile(r"(\d) received")
pub fn parse_summary(output: &str) -> Option<Summary> {
    // pinger.py  while True:
    // pinger.py  line = ping_out.readline()
    // pinger.py  if not line: break
    // pinger_seq.py  while True:
    // pinger_seq.py  line = ping_out.readline()
    // pinger_seq.py  if not line: break
    output.lines().find_map(|line| {
        if !line.contains("transmitted") {
            return None;
        }
        let (mut tx, mut rx, mut errors) = (None, None, 0);
        for part in line.split(',').map(str::trim) {
            let number = || {
                part.split_whitespace()
                    .next()?
                    .trim_start_matches('+')
                    .parse()
                    .ok()
            };
            if part.ends_with("transmitted") {
                tx = number();
            } else if part.ends_with("received") {
                // pinger.py  n_received = re.findall(received_packages,line)
                // pinger_seq.py  n_received = received_packages.findall(line)
                rx = number();
            } else if part.ends_with("errors") || part.ends_with("error") {
                errors = number().unwrap_or(0);
            }
        }
        // pinger.py  if n_received:
        Some(Summary {
            transmitted: tx?,
            received: rx?,
            errors,
        })
    })
}

/// `ping` in `PATH`, or the one-line message saying it is missing.
pub fn find_ping() -> Result<PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("ping"))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .ok_or_else(|| {
            "--via-ping needs the system `ping` command, and there is none in PATH \
             (Debian: apt-get install iputils-ping)"
                .to_string()
        })
}

/// Options passed on to ping: only those the user gave, so that by default
/// the command is the tutorial's `ping -q -c N ADDRESS`.
#[derive(Debug, Clone, Copy)]
pub struct PingArgs {
    pub count: u16,
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
}

/// How often the waiting thread looks at the child and the shutdown flag.
const POLL: Duration = Duration::from_millis(20);

/// Runs ping on `addr`. `None` if shutdown came first (ping is killed).
pub fn ping(ping: &Path, addr: IpAddr, args: PingArgs, shutdown: &Shutdown) -> Option<Outcome> {
    // pinger.py  ping_out = os.popen("ping -q -c2 "+self.ip,"r")
    let mut cmd = Command::new(ping);
    cmd.arg("-q").arg("-c").arg(args.count.to_string());
    if let Some(i) = args.interval {
        cmd.arg("-i").arg(i.as_secs_f64().to_string());
    }
    if let Some(w) = args.timeout {
        cmd.arg("-W").arg(w.as_secs_f64().to_string());
    }
    // iputils translates its summary line; the parser reads the English one.
    cmd.arg(addr.to_string())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // One start at a time: each needs [`crate::SPAWN_FDS`] descriptors more
    // than a running ping, and the descriptor budget keeps room for one.
    static STARTING: Mutex<()> = Mutex::new(());
    let started = {
        let _one = STARTING.lock().unwrap_or_else(|e| e.into_inner());
        cmd.spawn()
    };
    let mut child = match started {
        Ok(c) => c,
        Err(e) => {
            return Some(Outcome::error(format!(
                "cannot run {}: {e}",
                ping.display()
            )));
        }
    };
    // ping -q writes a few lines, far below a pipe's buffer, so it never
    // blocks on them: poll for its exit and read the pipes afterwards.
    loop {
        if shutdown.is_triggered() {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) => {
                shutdown.sleep(POLL);
            }
            Err(e) => return Some(Outcome::error(format!("waiting for ping: {e}"))),
        }
    }
    let (mut out, mut err) = (String::new(), String::new());
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut err);
    }
    Some(match parse_summary(&out) {
        Some(s) => Outcome {
            sent: s.transmitted,
            received: s.received.min(s.transmitted),
            error: None,
            cut_short: false,
        },
        None => {
            // ping gave no summary (bad option, no route, ...): its own words.
            let why = err
                .lines()
                .chain(out.lines())
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("no summary line in ping's output");
            Outcome::error(format!("ping: {why}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(transmitted: u32, received: u32, errors: u32) -> Option<Summary> {
        Some(Summary {
            transmitted,
            received,
            errors,
        })
    }

    #[test]
    fn iputils_all_received() {
        let out = "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n\n\
                   --- 127.0.0.1 ping statistics ---\n\
                   2 packets transmitted, 2 received, 0% packet loss, time 1001ms\n\
                   rtt min/avg/max/mdev = 0.021/0.030/0.040/0.009 ms\n";
        assert_eq!(parse_summary(out), s(2, 2, 0));
    }

    #[test]
    fn iputils_none_received_with_errors() {
        let out = "PING 127.0.0.9 (127.0.0.9) 56(84) bytes of data.\n\n\
                   --- 127.0.0.9 ping statistics ---\n\
                   2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1006ms\n\n";
        assert_eq!(parse_summary(out), s(2, 0, 2));
    }

    #[test]
    fn iputils_zero_received_and_half() {
        let zero = "--- ::1 ping statistics ---\n\
                    3 packets transmitted, 0 received, 100% packet loss, time 2040ms\n";
        assert_eq!(parse_summary(zero), s(3, 0, 0));
        let half = "--- 127.0.0.1 ping statistics ---\n\
                    2 packets transmitted, 1 received, 50% packet loss, time 1002ms\n\
                    rtt min/avg/max/mdev = 0.050/0.050/0.050/0.000 ms\n";
        assert_eq!(parse_summary(half), s(2, 1, 0));
    }

    #[test]
    fn two_digit_counts_and_duplicates() {
        // The tutorial's one-digit pattern would read this as 0 received.
        let out = "12 packets transmitted, 10 received, +3 duplicates, 16.6667% packet loss, time 11013ms\n";
        assert_eq!(parse_summary(out), s(12, 10, 0));
    }

    #[test]
    fn busybox_format() {
        let out = "PING 127.0.0.1 (127.0.0.1): 56 data bytes\n\n\
                   --- 127.0.0.1 ping statistics ---\n\
                   2 packets transmitted, 2 packets received, 0% packet loss\n\
                   round-trip min/avg/max = 0.052/0.061/0.071 ms\n";
        assert_eq!(parse_summary(out), s(2, 2, 0));
        let lost = "--- 127.0.0.9 ping statistics ---\n\
                    2 packets transmitted, 0 packets received, 100% packet loss\n";
        assert_eq!(parse_summary(lost), s(2, 0, 0));
    }

    #[test]
    fn no_summary() {
        assert_eq!(parse_summary(""), None);
        assert_eq!(
            parse_summary("ping: connect: Network is unreachable\n"),
            None
        );
        assert_eq!(parse_summary("2 packets transmitted\n"), None);
    }
}
