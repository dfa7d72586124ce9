//! What the integration tests share: the binary, the generic helpers from
//! `testkit` (time-bounded runs, namespaces that delete themselves), dropping
//! TCP in a namespace, and macros that skip a test (`testkit::skip!`: it
//! fails under `CI`) when the machine cannot.

use std::process::{Output, Stdio};

pub use testkit::{Netns, run_bounded, text};

pub const BIN: &str = env!("CARGO_BIN_EXE_portscanner");

/// A finished run as (exit code, -1 if killed by a signal; stdout; stderr).
pub fn outcome(o: Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        text(&o.stdout),
        text(&o.stderr),
    )
}

/// The scanner's rules on a namespace's `lo`.
pub trait DropTcp {
    /// Drops TCP packets to `ports` (an nft set like `7001` or `1000-1999`)
    /// on the namespace's `lo`, with nft or else iptables.
    fn drop_tcp(&self, ports: &str) -> Result<(), String>;
}

impl DropTcp for Netns {
    fn drop_tcp(&self, ports: &str) -> Result<(), String> {
        let nft = format!(
            "add table inet pscan\n\
             add chain inet pscan out {{ type filter hook output priority 0; }}\n\
             add rule inet pscan out oifname \"lo\" tcp dport {ports} drop\n"
        );
        let via_nft = self
            .cmd("nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .spawn();
        if let Ok(mut child) = via_nft {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(nft.as_bytes());
            if child.wait().map(|s| s.success()).unwrap_or(false) {
                return Ok(());
            }
        }
        let o = self
            .cmd("iptables")
            .args(["-A", "OUTPUT", "-o", "lo", "-p", "tcp", "--dport"])
            .arg(ports.replace('-', ":"))
            .args(["-j", "DROP"])
            .output()
            .map_err(|e| format!("neither nft nor iptables works: {e}"))?;
        if o.status.success() {
            Ok(())
        } else {
            Err(format!(
                "neither nft nor iptables works: {}",
                text(&o.stderr).trim()
            ))
        }
    }
}

/// Makes a namespace, or skips the calling test (`testkit::skip!`).
macro_rules! netns_or_skip {
    () => {
        match $crate::support::Netns::new("pscan") {
            Ok(ns) => ns,
            Err(why) => testkit::skip!("{why}"),
        }
    };
}

/// Drops TCP to `ports` in the namespace `ns` ([`DropTcp::drop_tcp`]), or
/// skips the calling test (`testkit::skip!`).
macro_rules! drop_tcp_or_skip {
    ($ns:expr, $ports:expr) => {
        if let Err(why) = $crate::support::DropTcp::drop_tcp(&$ns, $ports) {
            testkit::skip!("{why}");
        }
    };
}
