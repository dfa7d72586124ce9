//! Scans of whole port ranges, each inside a network namespace the test
//! creates (own `lo`, nothing else on the machine is touched), with listeners
//! started in it by this test binary re-run as a helper. Without root or
//! `ip netns` each test fails under `CI` and says `SKIPPED` otherwise.

use crate::support::{BIN, Netns, outcome, run_bounded, text};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use testkit::{finish_bounded, interrupt, spawn_piped, try_signal};

const LIMIT: Duration = Duration::from_secs(90);

/// Not a test: the listener process the tests start inside a namespace.
/// Binds each address in `PSCAN_LISTEN` (port 0 = ephemeral), prints them,
/// accepts and drops connections until stdin closes.
#[test]
#[ignore = "helper process for the namespace tests"]
fn listener_helper() {
    let Ok(spec) = std::env::var("PSCAN_LISTEN") else {
        return;
    };
    let mut bound = Vec::new();
    for a in spec.split(',') {
        let l = TcpListener::bind(a).unwrap_or_else(|e| panic!("bind {a}: {e}"));
        bound.push(l.local_addr().unwrap().to_string());
        std::thread::spawn(move || {
            for c in l.incoming() {
                drop(c);
            }
        });
    }
    let mut stdout = std::io::stdout();
    writeln!(stdout, "PSCAN-READY {}", bound.join(" ")).unwrap();
    stdout.flush().unwrap();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

/// Listeners running in a namespace; stopped on drop.
pub(crate) struct Listeners {
    child: Child,
    pub(crate) addrs: Vec<SocketAddr>,
}

impl Listeners {
    pub(crate) fn start(ns: &Netns, spec: &str) -> Self {
        let exe = std::env::current_exe().unwrap();
        let mut child = ns
            .cmd(exe.to_str().unwrap())
            .args([
                "--ignored",
                "--exact",
                "netns::listener_helper",
                "--nocapture",
            ])
            .args(["--test-threads=1"])
            .env("PSCAN_LISTEN", spec)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start listener helper");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                // libtest may print `test listener_helper ... ` first.
                if let Some((_, rest)) = line.split_once("PSCAN-READY ") {
                    let _ = tx.send(rest.trim().to_string());
                }
            }
        });
        let mut me = Listeners {
            child,
            addrs: Vec::new(),
        };
        let ready = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("listener helper never became ready");
        me.addrs = ready.split(' ').map(|a| a.parse().unwrap()).collect();
        me
    }

    fn ports(&self) -> BTreeSet<u16> {
        self.addrs.iter().map(SocketAddr::port).collect()
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the scanner inside `ns`; returns (exit code, stdout, stderr).
fn scan(ns: &Netns, args: &[&str]) -> (i32, String, String) {
    outcome(run_bounded(ns.cmd(BIN).args(args), LIMIT))
}

/// Starts the scanner inside `ns` with `args` and then `mode` (none if
/// empty), for a test to act on while it scans. `ip netns exec` execs the
/// scanner, so the child's pid is the scanner's.
fn spawn_scan(ns: &Netns, args: &[&str], mode: &str) -> Child {
    let mut cmd = ns.cmd(BIN);
    cmd.args(args);
    if !mode.is_empty() {
        cmd.arg(mode);
    }
    spawn_piped(&mut cmd)
}

/// Sets the namespace's ephemeral port range (`"FIRST LAST"`).
fn set_port_range(ns: &Netns, range: &str) {
    let script = format!("echo '{range}' > /proc/sys/net/ipv4/ip_local_port_range");
    let set = ns.cmd("sh").args(["-c", &script]).status().unwrap();
    assert!(set.success());
}

/// The `ADDR:PORT open` lines of tool mode, and the summary line.
fn open_and_summary(stdout: &str) -> (BTreeSet<SocketAddr>, String) {
    let mut open = BTreeSet::new();
    let mut summary = String::new();
    for l in stdout.lines() {
        if let Some(a) = l.strip_suffix(" open") {
            open.insert(a.parse().unwrap_or_else(|_| panic!("bad line {l:?}")));
        } else {
            assert!(summary.is_empty(), "unexpected line {l:?}");
            summary = l.to_string();
        }
    }
    (open, summary)
}

#[test]
fn tool_mode_whole_range_finds_exactly_the_listeners() {
    let ns = netns_or_skip!();
    let l = Listeners::start(
        &ns,
        "127.0.0.1:0,127.0.0.1:0,127.0.0.1:0,[::1]:0,127.0.0.1:65535",
    );
    let v4: BTreeSet<SocketAddr> = l.addrs.iter().filter(|a| a.is_ipv4()).copied().collect();
    let v6: BTreeSet<SocketAddr> = l.addrs.iter().filter(|a| a.is_ipv6()).copied().collect();
    for threads in ["1", "2", "500"] {
        let (code, out, err) = scan(&ns, &["--open", "-p", "1-65535", "127.0.0.1", threads]);
        assert_eq!(code, 0, "{err}");
        let (open, summary) = open_and_summary(&out);
        assert_eq!(open, v4, "MAXTHREADS {threads}");
        assert!(
            summary.starts_with("4 open, 65531 closed, 0 filtered, 0 errors in "),
            "{summary}"
        );
    }
    // IPv6, and two hosts in one run (`-` is every port, as in nmap).
    let (code, out, err) = scan(&ns, &["--open", "-p-", "::1", "500"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(open_and_summary(&out).0, v6);
    let ports: Vec<String> = l.ports().iter().map(u16::to_string).collect();
    let list = format!("1-1000,{}", ports.join(","));
    let (code, out, err) = scan(&ns, &["--open", "-p", &list, "127.0.0.1", "[::1]", "64"]);
    assert_eq!(code, 0, "{err}");
    let (open, summary) = open_and_summary(&out);
    assert_eq!(open, v4.union(&v6).copied().collect());
    assert!(summary.starts_with("5 open, "), "{summary}");
    // Sorted: all of 127.0.0.1 first (hosts in the order given), ports ascending.
    let lines: Vec<&str> = out.lines().filter(|l| l.ends_with(" open")).collect();
    let mut sorted: Vec<SocketAddr> = open.iter().copied().collect();
    sorted.sort_by_key(|a| (a.is_ipv6(), a.port()));
    let want: Vec<String> = sorted.iter().map(|a| format!("{a} open")).collect();
    assert_eq!(lines, want);
}

/// One port's lines in tutorial mode, in order.
fn tutorial_lines(stdout: &str, maxthreads: usize) -> BTreeMap<u16, Vec<String>> {
    let mut by_port: BTreeMap<u16, Vec<String>> = BTreeMap::new();
    for l in stdout.lines() {
        let (port, rest) = l
            .split_once(": ")
            .unwrap_or_else(|| panic!("bad line {l:?}"));
        let port: u16 = port.parse().unwrap_or_else(|_| panic!("bad line {l:?}"));
        if let Some(list) = rest.strip_prefix("now active -- ") {
            let inner = list
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .unwrap();
            let entries: Vec<&str> = if inner.is_empty() {
                vec![]
            } else {
                inner.split(">, <").collect()
            };
            assert!(entries.len() <= maxthreads, "over the limit: {l}");
            for e in entries {
                let e = e.trim_start_matches('<').trim_end_matches('>');
                let body = e
                    .strip_prefix("scanner(Thread-")
                    .and_then(|e| e.strip_suffix(')'));
                let (n, state) = body
                    .and_then(|b| b.split_once(", "))
                    .unwrap_or_else(|| panic!("{l}"));
                assert!(n.parse::<u32>().is_ok(), "{l}");
                let ok = state == "initial"
                    || state
                        .strip_prefix("started ")
                        .is_some_and(|id| id.parse::<u64>().is_ok());
                assert!(ok, "{l}");
            }
            by_port.entry(port).or_default().push("now active".into());
        } else {
            assert!(
                [
                    "attempting check",
                    "need to wait",
                    "starting check",
                    "successfully connected",
                    "connection failed"
                ]
                .contains(&rest),
                "bad line {l:?}"
            );
            by_port.entry(port).or_default().push(rest.into());
        }
    }
    by_port
}

/// Checks every port's lines and returns the ports reported connected.
fn check_tutorial(stdout: &str, maxthreads: usize, ports: &[u16]) -> BTreeSet<u16> {
    let by_port = tutorial_lines(stdout, maxthreads);
    assert_eq!(by_port.keys().copied().collect::<Vec<_>>(), ports);
    let mut connected = BTreeSet::new();
    for (port, lines) in &by_port {
        let count = |w: &str| lines.iter().filter(|l| *l == w).count();
        assert_eq!(lines[0], "attempting check", "port {port}: {lines:?}");
        assert_eq!(count("attempting check"), 1, "port {port}: {lines:?}");
        assert_eq!(count("starting check"), 1, "port {port}: {lines:?}");
        assert_eq!(count("now active"), 2, "port {port}: {lines:?}");
        assert!(count("need to wait") <= 1, "port {port}: {lines:?}");
        let ok = count("successfully connected");
        assert_eq!(ok + count("connection failed"), 1, "port {port}: {lines:?}");
        let start = lines.iter().position(|l| l == "starting check").unwrap();
        if let Some(w) = lines.iter().position(|l| l == "need to wait") {
            assert!(w < start, "port {port}: {lines:?}");
        }
        if ok == 1 {
            connected.insert(*port);
        }
    }
    connected
}

#[test]
fn tutorial_mode_ranges_far_larger_than_maxthreads() {
    let ns = netns_or_skip!();
    // Ephemeral ports of this namespace only: the listeners land in 40000-40999.
    set_port_range(&ns, "40000 40999");
    let l = Listeners::start(&ns, "127.0.0.1:0,127.0.0.1:0,127.0.0.1:0");
    let range: Vec<u16> = (39001..=41999).collect();
    for threads in [1, 2, 500] {
        let (code, out, err) = scan(
            &ns,
            &["-p", "39001-41999", "127.0.0.1", &threads.to_string()],
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            check_tutorial(&out, threads, &range),
            l.ports(),
            "MAXTHREADS {threads}"
        );
    }
    // The whole range: 65535 threads one after another (an exited thread
    // keeps its stack mapped until joined, so they must be joined as we go).
    let (code, out, err) = scan(&ns, &["-p-", "127.0.0.1", "3"]);
    assert_eq!(code, 0, "{err}");
    let all: Vec<u16> = (1..=65535).collect();
    assert_eq!(check_tutorial(&out, 3, &all), l.ports());
}

#[test]
fn default_is_the_tutorials_ports_and_lines() {
    let ns = netns_or_skip!();
    let _l = Listeners::start(&ns, "127.0.0.1:22,127.0.0.1:80,127.0.0.1:100");
    let (code, out, err) = scan(&ns, &["127.0.0.1", "5"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    let all: Vec<u16> = (1..=99).collect();
    assert_eq!(check_tutorial(&out, 5, &all), BTreeSet::from([22, 80]));
    // A host name resolves (to IPv4 first, as the tutorial's AF_INET).
    let (code, out, _) = scan(&ns, &["-p", "22,23", "localhost", "1"]);
    assert_eq!(code, 0);
    assert_eq!(check_tutorial(&out, 1, &[22, 23]), BTreeSet::from([22]));
    // Several hosts: the lines name addr:port.
    let (code, out, err) = scan(&ns, &["-p", "22", "127.0.0.1", "::1", "2"]);
    assert_eq!(code, 0, "{err}");
    for line in [
        "127.0.0.1:22: attempting check",
        "127.0.0.1:22: successfully connected",
        "[::1]:22: starting check",
        "[::1]:22: connection failed",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} missing:\n{out}");
    }
}

#[test]
fn dropped_port_is_filtered_after_the_timeout() {
    let ns = netns_or_skip!();
    drop_tcp_or_skip!(ns, "7001");
    let l = Listeners::start(&ns, "127.0.0.1:7002");
    let t0 = Instant::now();
    let (code, out, err) = scan(
        &ns,
        &[
            "--all",
            "--timeout",
            "0.5",
            "-p",
            "7000-7002",
            "127.0.0.1",
            "2",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(t0.elapsed() >= Duration::from_millis(500));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "127.0.0.1:7000 closed",
            "127.0.0.1:7001 filtered",
            "127.0.0.1:7002 open"
        ]
    );
    assert!(
        lines[3].starts_with("1 open, 1 closed, 1 filtered, 0 errors in "),
        "{out}"
    );
    assert_eq!(lines.len(), 4);
    drop(l);

    // Tutorial mode, MAXTHREADS 1: main must wait behind the stuck check,
    // and wakes when it ends.
    let (code, out, err) = scan(
        &ns,
        &["--timeout", "0.3", "-p", "7001,7003", "127.0.0.1", "1"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("7003: need to wait\n"), "{out}");
    assert!(out.contains("7001: connection failed\n"), "{out}");
    check_tutorial(&out, 1, &[7001, 7003]);
}

#[test]
fn ctrl_c_reports_what_was_found_and_exits_130() {
    let ns = netns_or_skip!();
    drop_tcp_or_skip!(ns, "1000-1999");
    let _l = Listeners::start(&ns, "127.0.0.1:50");
    for mode in ["--open", ""] {
        // A long timeout: Ctrl-C must not wait for the dropped ports' connects.
        let args = ["--timeout", "30", "-p", "50,1000-1999", "127.0.0.1", "4"];
        let child = spawn_scan(&ns, &args, mode);
        // The handler's thread and a scanner: port 50 is checked at once.
        let o = interrupt(child, 3, Duration::from_millis(500), "INT");
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        // Only port 50 got a verdict: checks cut short do not count.
        assert!(
            err.contains("interrupted after checking 1 of 1001 ports"),
            "{mode}: {err}"
        );
        if mode == "--open" {
            let (open, summary) = open_and_summary(&out);
            assert_eq!(open, BTreeSet::from(["127.0.0.1:50".parse().unwrap()]));
            assert!(summary.starts_with("1 open, 0 closed, "), "{summary}");
        } else {
            assert!(out.contains("50: successfully connected\n"), "{out}");
            assert!(!out.contains("1999: attempting"), "{out}");
        }
    }
}

/// With one ephemeral port, connecting to that very port connects the socket
/// to itself (TCP simultaneous open): no listener, so it must say closed.
#[test]
fn connecting_to_itself_is_not_open() {
    let ns = netns_or_skip!();
    set_port_range(&ns, "40000 40000");
    let (code, out, err) = scan(&ns, &["--all", "-p", "40000", "127.0.0.1", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("127.0.0.1:40000 closed\n"), "{out}");
    let (code, out, err) = scan(&ns, &["-p", "40000", "127.0.0.1", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("40000: connection failed\n"), "{out}");
}

#[test]
fn unknown_host_is_a_usage_error() {
    // Inside the namespace a failed lookup cannot leave the machine.
    let ns = netns_or_skip!();
    let (code, out, err) = scan(&ns, &["no-such-host.invalid", "5"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot resolve 'no-such-host.invalid'"),
        "{err}"
    );
}

#[test]
fn running_out_of_descriptors_stops_with_a_message_not_closed() {
    let ns = netns_or_skip!();
    drop_tcp_or_skip!(ns, "7001");
    let _l = Listeners::start(&ns, "127.0.0.1:7002");
    for mode in ["--all", ""] {
        let args = ["--timeout", "1.5", "-p", "7001,7002", "127.0.0.1", "1"];
        let child = spawn_scan(&ns, &args, mode);
        // Every path below ends in `finish_bounded`, which waits for it.
        // While the only thread waits on the dropped port, leave the process
        // no descriptor for its next socket.
        std::thread::sleep(Duration::from_millis(500));
        let pid = child.id().to_string();
        let lowered = Command::new("prlimit")
            .args(["--pid", &pid, "--nofile=3:3"])
            .status();
        if !lowered.is_ok_and(|s| s.success()) {
            let _ = try_signal(child.id(), "TERM");
            let _ = finish_bounded(child, Duration::from_secs(30));
            testkit::skip!("prlimit (util-linux) is not available");
        }
        let o = finish_bounded(child, Duration::from_secs(60));
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        assert_eq!(o.status.code(), Some(1), "{out}{err}");
        assert!(err.contains("ulimit -n"), "{err}");
        assert!(
            !out.contains("7002 closed") && !out.contains("7002: connection failed"),
            "{out}"
        );
        if mode == "--all" {
            assert!(out.contains("127.0.0.1:7001 filtered\n"), "{out}");
        }
    }
}

/// Progress (`common::progress`) goes to stderr only when stderr is a
/// terminal (`script` gives the scanner one), and only for scans longer
/// than a second.
#[test]
fn progress_only_on_a_terminal() {
    let ns = netns_or_skip!();
    drop_tcp_or_skip!(ns, "20000-20599");
    let args = [
        "--open",
        "--timeout",
        "0.4",
        "-p",
        "19990-20599",
        "127.0.0.1",
        "100",
    ];
    let (code, out, err) = scan(&ns, &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "progress on a pipe: {err:?}");
    assert!(
        out.starts_with("0 open, 10 closed, 600 filtered, 0 errors in "),
        "{out}"
    );

    let line = format!("{BIN} {}", args.join(" "));
    if Command::new("script").arg("--version").output().is_err() {
        testkit::skip!("terminal half: `script` (util-linux) is not available");
    }
    let tty = run_bounded(ns.cmd("script").args(["-qec", &line, "/dev/null"]), LIMIT);
    assert!(tty.status.success());
    let shown = text(&tty.stdout);
    assert!(
        shown.contains("ports ") && shown.contains("/610 "),
        "{shown:?}"
    );
    assert!(
        shown.contains("0 open, 10 closed, 600 filtered"),
        "{shown:?}"
    );
}

/// With the namespace's local routes gone, every connect fails at once with
/// "network is unreachable": an error, counted apart from closed and filtered.
#[test]
fn errors_are_kept_apart_from_closed() {
    let ns = netns_or_skip!();
    let flushed = Command::new("ip")
        .args(["-n", ns.name(), "route", "flush", "table", "local"])
        .status()
        .unwrap();
    assert!(flushed.success());
    let (code, out, err) = scan(&ns, &["--all", "-p", "1-3", "127.0.0.1", "2"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    for (i, l) in lines[..3].iter().enumerate() {
        let prefix = format!("127.0.0.1:{} error: ", i + 1);
        assert!(
            l.starts_with(&prefix) && l.contains("(os error 101)"),
            "{l}"
        );
    }
    assert!(
        lines[3].starts_with("0 open, 0 closed, 0 filtered, 3 errors in "),
        "{out}"
    );

    let (code, out, err) = scan(&ns, &["--open", "-p", "1-3", "127.0.0.1", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("0 open, 0 closed, 0 filtered, 3 errors in "),
        "{out}"
    );
    assert!(err.contains("3 errors, the first: 127.0.0.1:1: "), "{err}");
}

/// The pool starts with a few threads and grows while they sit on dropped
/// ports: 600 filtered ports at 0.5 s each would take 37 s on 8 threads.
#[test]
fn pool_grows_for_filtered_ports() {
    let ns = netns_or_skip!();
    drop_tcp_or_skip!(ns, "20000-20599");
    let t0 = Instant::now();
    let (code, out, err) = scan(
        &ns,
        &["--open", "--timeout", "0.5", "-p", "1-30000", "127.0.0.1"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("0 open, 29400 closed, 600 filtered, 0 errors in "),
        "{out}"
    );
    assert!(
        t0.elapsed() < Duration::from_secs(15),
        "took {:?}",
        t0.elapsed()
    );
}

/// A firewall on the scanning host that rejects with an ICMP error answers
/// the first SYN at once (iptables' default REJECT is port-unreachable): that
/// is closed, or an error, as nmap says, not filtered after the timeout. Here
/// the rule is on the same host, so the kernel records the ICMP error while
/// `connect` still holds the socket and only reports it to a blocking
/// `connect` when the SYN is resent a second later.
#[test]
fn icmp_rejected_ports_are_closed_or_errors_not_filtered() {
    let ns = netns_or_skip!();
    let rules = "add table inet pscan_rej\n\
                 add chain inet pscan_rej out { type filter hook output priority 0; }\n\
                 add rule inet pscan_rej out oifname \"lo\" tcp dport 7100-7199 reject with icmpx port-unreachable\n\
                 add rule inet pscan_rej out oifname \"lo\" tcp dport 7200 reject with icmpx host-unreachable\n";
    if let Err(why) = run_with_input(&ns, &["nft", "-f", "-"], rules) {
        testkit::skip!("{why}");
    }
    // 101 rejected ports on one thread, each settled long before the
    // timeout: filtered ones would take 101 x 0.5 s.
    let t0 = Instant::now();
    let (code, out, err) = scan(
        &ns,
        &[
            "--all",
            "--timeout",
            "0.5",
            "-p",
            "7100-7200",
            "127.0.0.1",
            "1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 102, "{out}");
    for (i, l) in lines[..100].iter().enumerate() {
        assert_eq!(*l, format!("127.0.0.1:{} closed", 7100 + i));
    }
    assert!(
        lines[100].starts_with("127.0.0.1:7200 error: ") && lines[100].contains("(os error 113)"),
        "{out}"
    );
    assert!(
        lines[101].starts_with("0 open, 100 closed, 0 filtered, 1 errors in "),
        "{out}"
    );
    assert!(
        t0.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t0.elapsed()
    );
}

/// Runs `cmd` inside `ns` with `input` on stdin; `Err(why)` if it fails
/// (the caller skips).
fn run_with_input(ns: &Netns, cmd: &[&str], input: &str) -> Result<(), String> {
    let mut c = ns.cmd(cmd[0]);
    c.args(&cmd[1..]);
    let o = testkit::run_with_input(&mut c, input, Duration::from_secs(30));
    if !o.status.success() {
        return Err(format!("{cmd:?} failed: {}", text(&o.stderr).trim()));
    }
    Ok(())
}

/// A wildcard target (`0.0.0.0`, `::`) is connected to loopback, so a
/// self-connect has both ends at 127.0.0.1:P (or [::1]:P), never at the
/// target's address: compared with the target, it looked open (nmap reports
/// such phantom ports too). One ephemeral port makes it certain.
#[test]
fn wildcard_targets_have_no_phantom_open_ports() {
    let ns = netns_or_skip!();
    set_port_range(&ns, "40000 40000");
    let l = Listeners::start(&ns, "127.0.0.1:40002,[::1]:40002");
    for host in ["0.0.0.0", "::"] {
        let (code, out, err) = scan(&ns, &["--all", "-p", "40000-40002", host, "1"]);
        assert_eq!(code, 0, "{err}");
        let a = |p: u16| SocketAddr::new(host.parse().unwrap(), p);
        let want = format!(
            "{} closed\n{} closed\n{} open\n",
            a(40000),
            a(40001),
            a(40002)
        );
        assert!(out.starts_with(&want), "{host}: {out}");
        let (code, out, err) = scan(&ns, &["-p", "40000", host, "1"]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("40000: connection failed\n"), "{host}: {out}");
    }
    drop(l);
}

/// Legacy numeric forms, which the C resolver reads as IPv4 addresses, are
/// refused: a mistyped MAXTHREADS (`127.0.0.1 1.5`) scanned 1.0.0.5 as well,
/// `5` scanned 0.0.0.5. Inside a namespace, so that a regression sends
/// nothing off the machine (its only route is `lo`).
#[test]
fn legacy_numeric_hosts_are_usage_errors() {
    let ns = netns_or_skip!();
    for args in [
        &["-p", "1", "127.0.0.1", "1.5"][..],
        &["-p", "1", "5"],
        &["-p", "1", "0x7f.1", "5"],
        &["-p", "1", "127.1", "5"],
        &["--open", "-p", "1", "0177.0.0.1"],
    ] {
        let (code, out, err) = scan(&ns, args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    let (_, _, err) = scan(&ns, &["127.0.0.1", "1.5"]);
    assert!(err.contains("MAXTHREADS"), "{err}");
}

/// Host x port pairs are bounded before anything is sent (`--max-targets`,
/// default 2^20: sixteen hosts' every port), as pinger bounds its sweep.
#[test]
fn too_many_targets_is_a_usage_error() {
    let ns = netns_or_skip!();
    let hosts: Vec<String> = (1..=17).map(|n| format!("127.0.0.{n}")).collect();
    let mut args = vec!["--open", "-p-"];
    args.extend(hosts.iter().map(String::as_str));
    for args in [
        &args[..],
        &["--max-targets", "10", "-p", "1-11", "127.0.0.1"],
    ] {
        let (code, out, err) = scan(&ns, args);
        assert_eq!(code, 2, "{out}{err}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("--max-targets"), "{err}");
    }
    let (code, out, err) = scan(
        &ns,
        &["--max-targets", "11", "--open", "-p", "1-11", "127.0.0.1"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("0 open, 11 closed, "), "{out}");
}

/// Under a process limit (`ulimit -u`) the pool keeps the threads it could
/// start and says so once: it retried every 2 ms and warned each time
/// (4,617 lines in 10 s). Runs as nobody, since root ignores the limit.
#[test]
fn thread_limit_warns_once_and_scans_with_what_it_has() {
    let ns = netns_or_skip!();
    drop_tcp_or_skip!(ns, "20000-20199");
    let mut cmd = ns.cmd("prlimit");
    cmd.args(["--nproc=12:12", "setpriv", "--reuid=65534", "--regid=65534"])
        .args(["--clear-groups", BIN, "--open", "--timeout", "0.3"])
        .args(["-p", "20000-20199", "127.0.0.1", "500"]);
    let (code, out, err) = outcome(run_bounded(&mut cmd, LIMIT));
    if err.contains("prlimit:") || err.contains("setpriv:") {
        testkit::skip!("{}", err.trim());
    }
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("0 open, 0 closed, 200 filtered, 0 errors in "),
        "{out}"
    );
    let warnings: Vec<&str> = err.lines().collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains("started only "), "{err}");
}
