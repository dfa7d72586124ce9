//! What the integration tests share: running the binary with a time bound,
//! and network namespaces that delete themselves.
#![allow(dead_code)] // each test file uses a different part

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_portscanner");

/// Runs `cmd` to completion with piped output; kills it and panics after `limit`.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    finish_bounded(child, limit)
}

/// Collects a spawned child's output; kills it and panics after `limit`.
pub fn finish_bounded(mut child: Child, limit: Duration) -> Output {
    // Drain both pipes on threads so a chatty child never blocks on a full pipe.
    let mut so = child.stdout.take().expect("piped stdout");
    let mut se = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("child did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Waits (bounded) until `pid` runs at least `threads` threads. The Ctrl-C
/// handler's thread exists once the handler is installed: a signal sent
/// before that kills the scanner outright, and a loaded CI machine can take
/// longer than any fixed sleep to get there.
pub fn wait_for_threads(pid: u32, threads: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let n = status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if n >= threads {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "pid {pid} never reached {threads} threads"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A network namespace with only `lo`, up; deleted on drop (also on panic).
pub struct Netns {
    pub name: String,
}

impl Netns {
    /// `Err(reason)` when this machine cannot make one (not root, no `ip`).
    pub fn new() -> Result<Self, String> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let root = status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .is_some_and(|l| l.split_whitespace().nth(2) == Some("0"));
        if !root {
            return Err("not running as root, cannot create a network namespace".into());
        }
        let name = format!(
            "pscan-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let add = Command::new("ip").args(["netns", "add", &name]).output();
        match add {
            Err(e) => return Err(format!("cannot run `ip` (install iproute2): {e}")),
            Ok(o) if !o.status.success() => {
                return Err(format!("`ip netns add` failed: {}", text(&o.stderr).trim()));
            }
            Ok(_) => {}
        }
        let ns = Netns { name };
        let up = Command::new("ip")
            .args(["-n", &ns.name, "link", "set", "lo", "up"])
            .output()
            .map_err(|e| e.to_string())?;
        if !up.status.success() {
            return Err(format!("cannot bring lo up: {}", text(&up.stderr).trim()));
        }
        Ok(ns)
    }

    /// `prog args...` run inside the namespace.
    pub fn cmd(&self, prog: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, prog]);
        c
    }

    /// Drops TCP packets to `ports` (an nft set like `7001` or `1000-1999`)
    /// on the namespace's `lo`, with nft or else iptables.
    pub fn drop_tcp(&self, ports: &str) -> Result<(), String> {
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

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

/// Makes a namespace or prints why the test is skipped.
#[macro_export]
macro_rules! netns_or_skip {
    () => {
        match support::Netns::new() {
            Ok(ns) => ns,
            Err(why) => {
                eprintln!("SKIPPED: {why}");
                return;
            }
        }
    };
}
