//! Drives the real binary. Traffic goes only to loopback: 127.0.0.0/8 and
//! ::1, here or inside a network namespace a test creates (and always deletes).
//! Tests that need ICMP permission, root or `ip netns` fail under `CI` when
//! they cannot run, and say `SKIPPED` otherwise (`testkit::skip!`).

use std::process::{Command, Output};
use std::time::Duration;
use testkit::{interrupt, run_with_input, spawn_piped, text};

const BIN: &str = env!("CARGO_BIN_EXE_pinger");

/// Starts pinger with `args`, sends `sig` `after` it is running (handler
/// thread and a worker up), and checks that it stops soon with exit 130.
fn interrupted(args: &[&str], after: Duration, sig: &str) -> Output {
    interrupt(spawn_piped(Command::new(BIN).args(args)), 3, after, sig)
}

fn pinger(args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    run_with_input(&mut cmd, "", Duration::from_secs(60))
}

fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// Why the system `ping` cannot be started, if it cannot.
fn no_ping() -> Option<String> {
    Command::new("ping")
        .arg("-V")
        .output()
        .err()
        .map(|e| format!("no ping installed: {e}"))
}

/// Why this process may not open ICMP sockets, if it may not.
fn no_icmp() -> Option<String> {
    let o = pinger(&["-c", "1", "127.0.0.1"]);
    stderr(&o)
        .contains("no permission")
        .then(|| "no permission for ICMP sockets here (not root, ping_group_range)".to_string())
}

/// Skips the calling test (`testkit::skip!`) unless ICMP sockets work.
macro_rules! require_icmp {
    () => {
        if let Some(why) = no_icmp() {
            testkit::skip!("{why}");
        }
    };
}

/// Skips the calling test unless the system `ping` runs.
macro_rules! require_ping {
    () => {
        if let Some(why) = no_ping() {
            testkit::skip!("{why}");
        }
    };
}

/// A namespace for the calling test, or it skips.
macro_rules! netns_or_skip {
    () => {
        match testkit::Netns::new("pinger-t") {
            Ok(ns) => Netns(ns),
            Err(why) => testkit::skip!("{why}"),
        }
    };
}

/// Loads nft input rules in the namespace, or the calling test skips.
macro_rules! nft_input_or_skip {
    ($ns:expr, $rules:expr $(,)?) => {
        if let Err(why) = $ns.nft_input($rules) {
            testkit::skip!("{why}");
        }
    };
}

/// Expected tutorial lines for `127.0.0.FIRST` to `127.0.0.LAST`.
fn lines(first: u8, last: u8, status: &str) -> String {
    (first..=last)
        .map(|n| format!("Status from  127.0.0.{n} is {status}\n"))
        .collect()
}

#[test]
fn first_to_last_all_alive_in_order() {
    require_icmp!();
    let o = pinger(&["127.0.0.1", "127.0.0.20"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), lines(1, 20, "alive"));
    assert!(
        stderr(&o).starts_with("20 addresses: 20 alive, 0 alive with loss, 0 no response"),
        "{}",
        stderr(&o)
    );
}

/// 254 threads at once: on raw sockets each would see every other thread's
/// replies; without the kernel filter their buffers overflowed into false loss.
#[test]
fn whole_slash_24_at_once_without_false_loss() {
    require_icmp!();
    for _ in 0..3 {
        let o = pinger(&["-t", "256", "-i", "0", "-c", "3", "127.0.0.0/24"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), lines(1, 254, "alive"));
    }
}

#[test]
fn cidr_range_and_ipv6_forms() {
    require_icmp!();
    let o = pinger(&["127.0.0.0/28", "::1/128", "-i", "50ms"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want = lines(1, 14, "alive") + "Status from  ::1 is alive\n";
    assert_eq!(stdout(&o), want);
    let o = pinger(&["127.0.0.3-5", "::1", "localhost", "-c", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // localhost is 127.0.0.1 (listed first) or ::1 (merged with it).
    let out = stdout(&o);
    assert!(out.contains(&lines(3, 5, "alive")), "{out}");
    assert!(out.contains("Status from  ::1 is alive\n"), "{out}");
    assert!(out.lines().all(|l| l.ends_with(" is alive")), "{out}");
}

#[test]
fn via_ping_gives_the_same_lines() {
    require_ping!();
    let o = pinger(&["--via-ping", "-i", "0.2", "127.0.0.1", "127.0.0.4"]);
    // ping itself may lack permission (no setuid/capability, not root).
    if stderr(&o).contains("unknown") || o.status.code() != Some(0) {
        assert!(!stderr(&o).is_empty());
        testkit::skip!("system ping failed here: {}", stderr(&o));
    }
    assert_eq!(stdout(&o), lines(1, 4, "alive"));
}

#[test]
fn via_ping_without_ping_is_one_clear_line() {
    let mut cmd = Command::new(BIN);
    cmd.args(["--via-ping", "127.0.0.1"])
        .env("PATH", "/nonexistent-pinger-test");
    let o = run_with_input(&mut cmd, "", Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("`ping`") && e.contains("iputils-ping"), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_addresses_exit_2_with_one_line() {
    for args in [
        &["127.0.0.300"][..],
        &["127.0.0.20", "127.0.0.1"],
        &["127.0.0.0/33"],
        &["127.0.0.1-::1"],
        &["::1-300"],
        &["127.0.0.0/8"],
        &["::/64"],
        &["not_a_host!"],
        &["-c", "0", "127.0.0.1"],
        &["-W", "0", "127.0.0.1"],
        &["-i", "-1", "127.0.0.1"],
        &["--max-threads", "0", "127.0.0.1"],
        &["--max-threads", "10001", "127.0.0.1"],
        &["--socket", "raw", "--via-ping", "127.0.0.1"],
        &["--sequential", "-a", "127.0.0.1"],
        &["--sequential", "-t", "4", "127.0.0.1"],
        &[],
    ] {
        let o = pinger(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(e.lines().count(), 1, "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{e}");
        assert!(o.stdout.is_empty(), "{args:?} sent something");
    }
    let o = pinger(&["127.0.0.0/8"]);
    assert!(stderr(&o).contains("--max-addresses"), "{}", stderr(&o));
    let o = pinger(&["127.0.0.20", "127.0.0.1"]);
    assert!(stderr(&o).contains("--list"), "{}", stderr(&o));
}

#[test]
fn two_addresses_as_a_list_and_alive_only() {
    require_icmp!();
    let o = pinger(&["--list", "127.0.0.20", "127.0.0.1", "-c", "1", "-a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Status from  127.0.0.1 is alive\nStatus from  127.0.0.20 is alive\n"
    );
}

#[test]
fn ctrl_c_reports_finished_addresses_and_exits_130() {
    require_icmp!();
    // Two at a time, 0.2 s each: 100 addresses would take about 10 s.
    let o = interrupted(
        &["--max-threads", "2", "127.0.0.1", "127.0.0.100"],
        Duration::from_millis(1000),
        "INT",
    );
    let out = stdout(&o);
    let n = out.lines().count();
    assert!((1..100).contains(&n), "{n} lines:\n{out}");
    assert!(out.lines().all(|l| l.ends_with(" is alive")), "{out}");
    // The finished ones, then the ones under way, in address order.
    assert_eq!(out, lines(1, n as u8, "alive"));
    let err = stderr(&o);
    let finished = (n.saturating_sub(2)..=n).find(|f| {
        let head = format!("interrupted: {f} of 100 addresses finished");
        let cut = n - f;
        err.starts_with(&format!("{head}: "))
            || err.starts_with(&format!("{head}, {cut} cut short: "))
    });
    assert!(finished.is_some(), "{n} lines, but: {err}");
}

/// SIGTERM reaches only pinger, not its ping children: it must kill them.
#[test]
fn sigterm_with_via_ping_kills_the_pings() {
    require_ping!();
    // -c 3 (1 s apart) marks these pings apart from other tests' ones.
    let o = interrupted(
        &[
            "--via-ping",
            "-c",
            "3",
            "--max-threads",
            "4",
            "127.0.0.1-40",
        ],
        Duration::from_millis(500),
        "TERM",
    );
    assert!(
        stderr(&o).starts_with("interrupted: 0 of 40"),
        "{}",
        stderr(&o)
    );
    // Without pgrep (procps may be missing): read every process's command line.
    let left: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains("ping -q -c 3 127.0.0."))
        .collect();
    assert!(left.is_empty(), "pings left running: {left:?}");
}

/// A network namespace with `lo` up, deleted on drop (also when a test fails).
struct Netns(testkit::Netns);

impl Netns {
    /// Runs a command inside; panics if it fails.
    fn must(&self, cmd: &[&str], input: &str) {
        let o = self.exec(cmd, input);
        assert!(o.status.success(), "{cmd:?}: {}", stderr(&o));
    }

    fn exec(&self, cmd: &[&str], input: &str) -> Output {
        let mut c = self.0.cmd(cmd[0]);
        c.args(&cmd[1..]);
        run_with_input(&mut c, input, Duration::from_secs(60))
    }

    fn pinger(&self, args: &[&str]) -> Output {
        let mut cmd = vec![BIN];
        cmd.extend_from_slice(args);
        self.exec(&cmd, "")
    }

    /// [`Netns::pinger`] as user and group nobody (65534), with no
    /// supplementary groups: the unprivileged case.
    fn pinger_as_nobody(&self, args: &[&str]) -> Output {
        let mut cmd = vec![
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
        ];
        cmd.extend_from_slice(args);
        self.exec(&cmd, "")
    }

    /// Loads an nft input-chain rule body for both families; `Err(why)` if
    /// nft is missing or refuses.
    fn nft_input(&self, rules: &str) -> Result<(), String> {
        let script = format!(
            "table inet pinger_test {{\n chain input {{ type filter hook input priority 0; policy accept;\n{rules}\n }}\n}}\n"
        );
        let mut c = self.0.cmd("nft");
        c.args(["-f", "-"]);
        let o = run_with_input(&mut c, &script, Duration::from_secs(30));
        if !o.status.success() {
            return Err(format!("nft failed: {}", stderr(&o).trim()));
        }
        Ok(())
    }
}

/// Percentages from `alive, but N % package loss` lines; panics on other lines.
fn loss_values(out: &str) -> Vec<u32> {
    out.lines()
        .map(|l| {
            let rest = l
                .split_once("alive, but ")
                .unwrap_or_else(|| panic!("not a loss line: {l}"))
                .1;
            rest.split(' ').next().unwrap().parse().unwrap()
        })
        .collect()
}

#[test]
fn dropped_echo_gives_no_response() {
    let ns = netns_or_skip!();
    nft_input_or_skip!(
        ns,
        "icmp type echo-request drop\nicmpv6 type echo-request drop",
    );
    for socket in ["raw", "auto"] {
        let o = ns.pinger(&["--socket", socket, "-W", "0.3", "127.0.0.1-3", "::1"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let want = lines(1, 3, "no response") + "Status from  ::1 is no response\n";
        assert_eq!(stdout(&o), want);
        assert!(stderr(&o).contains("0 alive, 0 alive with loss, 4 no response"));
    }
    // The listing without threads words it the same.
    let o = ns.pinger(&["--sequential", "-W", "0.3", "::1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "... pinging  ::1\n::1: no response\n");
}

#[test]
fn random_drop_gives_partial_loss_raw() {
    let ns = netns_or_skip!();
    partial_loss(&ns, "raw", "127.0.0.1-4", 4);
}

/// Drops half the echo requests at random in `ns`, then pings `v4_range`
/// (`v4_count` addresses) and ::1 through `socket`: every address must show
/// a loss strictly between 0 and 100 %. 40 probes each: all or none surviving a fair coin is 2^-39.
fn partial_loss(ns: &Netns, socket: &str, v4_range: &str, v4_count: usize) {
    let rules = "icmp type echo-request numgen random mod 2 == 0 drop\n\
                 icmpv6 type echo-request numgen random mod 2 == 0 drop";
    nft_input_or_skip!(ns, rules);
    let o = ns.pinger(&[
        "--socket", socket, "-c", "40", "-i", "5ms", "-W", "0.5", v4_range, "::1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let loss = loss_values(&stdout(&o));
    assert_eq!(loss.len(), v4_count + 1, "{}", stdout(&o));
    assert!(loss.iter().all(|p| (1..100).contains(p)), "{loss:?}");
}

#[test]
fn raw_socket_never_counts_another_threads_reply() {
    let ns = netns_or_skip!();
    // Only 127.0.0.2 is silent; its raw socket still sees every other reply.
    nft_input_or_skip!(ns, "ip daddr 127.0.0.2 icmp type echo-request drop");
    let o = ns.pinger(&[
        "--socket",
        "raw",
        "-c",
        "5",
        "-i",
        "10ms",
        "-W",
        "0.3",
        "127.0.0.1-8",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let want = lines(1, 1, "alive") + &lines(2, 2, "no response") + &lines(3, 8, "alive");
    assert_eq!(stdout(&o), want);
}

#[test]
fn datagram_socket_path() {
    let ns = netns_or_skip!();
    // A fresh namespace refuses datagram ICMP (ping_group_range "1 0").
    // `datagram`, the word --help uses, is the same as `dgram`.
    ns.must(&["sysctl", "-qw", "net.ipv4.ping_group_range=1 0"], "");
    let o = ns.pinger(&["--socket", "datagram", "127.0.0.1"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("ping_group_range"), "{}", stderr(&o));

    ns.must(
        &["sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"],
        "",
    );
    let o = ns.pinger(&["--socket", "dgram", "127.0.0.1-6", "::1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        lines(1, 6, "alive") + "Status from  ::1 is alive\n"
    );

    // The unprivileged case proper: as nobody, auto can only get datagram.
    let o = ns.pinger_as_nobody(&["127.0.0.1-3", "::1"]);
    let no_setpriv = stderr(&o).contains("setpriv");
    if !no_setpriv {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            lines(1, 3, "alive") + "Status from  ::1 is alive\n"
        );
    }

    partial_loss(&ns, "dgram", "127.0.0.1-3", 3);
    if no_setpriv {
        testkit::skip!("the run as nobody: {}", stderr(&o).trim());
    }
}

#[test]
fn no_permission_is_one_line_exit_1() {
    let ns = netns_or_skip!();
    ns.must(&["sysctl", "-qw", "net.ipv4.ping_group_range=1 0"], "");
    // As nobody: neither a datagram nor a raw socket.
    let o = ns.pinger_as_nobody(&["127.0.0.1"]);
    if stderr(&o).contains("setpriv") {
        testkit::skip!("setpriv failed: {}", stderr(&o).trim());
    }
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("no permission")
            && e.contains("root")
            && e.contains("ping_group_range")
            && e.contains("--via-ping"),
        "{e}"
    );
    assert!(o.stdout.is_empty());
}

/// `bash -c SCRIPT bash BIN ARGS...`: pinger with limits or redirections.
fn pinger_in_bash(script: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.args(["-c", script, "bash", BIN]).args(args);
    run_with_input(&mut cmd, "", Duration::from_secs(60))
}

/// The thread bound `running at most N threads` announced on stderr.
fn announced_threads(err: &str) -> usize {
    err.split_once("running at most ")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no thread bound in: {err}"))
}

/// The bound counts the descriptors really in use (it kept 16 in reserve,
/// so `ulimit -n 20` ran 4 threads and a /24 took 13 s).
#[test]
fn low_open_file_limit_lowers_the_thread_bound() {
    require_icmp!();
    for (limit, at_least) in [("40", 30), ("20", 12)] {
        let script = format!("ulimit -n {limit} && exec \"$@\"");
        let o = pinger_in_bash(&script, &["-t", "256", "-i", "0", "127.0.0.0/26"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), lines(1, 62, "alive"));
        let n = announced_threads(&stderr(&o));
        assert!(
            (at_least..=limit.parse().unwrap()).contains(&n),
            "ulimit -n {limit}: {n}"
        );
    }
}

/// `--via-ping` with too few descriptors for even one ping: one clear line
/// before anything runs, not a failure per address.
#[test]
fn via_ping_without_descriptors_for_one_ping_is_one_line() {
    let o = pinger_in_bash("ulimit -n 6 && exec \"$@\"", &["--via-ping", "127.0.0.1-5"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("ulimit -n 6") && e.contains("raise it"), "{e}");
    assert!(o.stdout.is_empty());
}

/// Output errors: a closed pipe past 64 KiB (`| head`) is quiet and keeps
/// the exit code, a full disk on stdout is one line and exit 1, and a
/// stderr that cannot be written is exit 1; all three panicked (exit 101).
/// A stdout closed at the start (`>&-`) is an error too.
#[test]
fn output_errors_never_panic() {
    require_icmp!();
    // 2046 lines, about 70 KB: more than a pipe holds.
    let big = [
        "-c",
        "1",
        "-i",
        "0",
        "-W",
        "0.5",
        "-t",
        "256",
        "127.0.0.0/21",
    ];
    let o = pinger_in_bash("set -o pipefail; \"$@\" | head -n 1", &big);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Status from  127.0.0.1 is alive\n");
    assert!(
        stderr(&o).starts_with("2046 addresses: 2046 alive"),
        "{}",
        stderr(&o)
    );
    for sequential in [false, true] {
        let mut args = vec!["-c", "1", "127.0.0.1-2"];
        if sequential {
            args.push("--sequential");
        }
        let o = pinger_in_bash("exec \"$@\" >/dev/full", &args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.lines()
                .any(|l| l == "pinger: cannot write to stdout: No space left on device"),
            "{e}"
        );
        assert!(!e.contains("panicked"), "{e}");
        let o = pinger_in_bash("exec \"$@\" >&-", &args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("pinger: cannot write to stdout: Bad file descriptor"),
            "{}",
            stderr(&o)
        );
        let o = pinger_in_bash("exec \"$@\" 2>/dev/full", &args);
        assert_eq!(o.status.code(), Some(1), "sequential {sequential}");
        assert!(o.stderr.is_empty());
    }
}

/// The wildcard addresses mean this host: the kernel answers them from
/// loopback, and ping, fping and --via-ping call them alive.
#[test]
fn wildcard_addresses_are_answered_from_loopback() {
    require_icmp!();
    let o = pinger(&["-c", "1", "0.0.0.0", "::"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Status from  0.0.0.0 is alive\nStatus from  :: is alive\n"
    );
    // IPv4-mapped in a block and a range: pinged as IPv4.
    let o = pinger(&["-c", "1", "::ffff:127.0.0.0/126", "::ffff:127.0.0.5-6"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), lines(1, 2, "alive") + &lines(5, 6, "alive"));
}

/// iputils refuses intervals under 2 ms to users other than root (`-i 0`
/// flooded 20,000 requests in 0.09 s): so does pinger, before sending.
#[test]
fn flood_intervals_are_for_root_only() {
    for i in ["0", "1ms", "0.0019"] {
        let args = ["-i", i, "-c", "3", "127.0.0.1"];
        let o = if testkit::is_root() {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
                .args(args);
            let o = run_with_input(&mut cmd, "", Duration::from_secs(60));
            if stderr(&o).contains("setpriv") {
                testkit::skip!("setpriv failed: {}", stderr(&o).trim());
            }
            o
        } else {
            pinger(&args)
        };
        assert_eq!(o.status.code(), Some(2), "-i {i}: {}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("cannot flood") && e.contains("2 ms"), "{e}");
        assert!(o.stdout.is_empty());
    }
    // 2 ms itself is allowed (it may still lack ICMP permission as nobody).
    if testkit::is_root() {
        let o = pinger(&["-i", "2ms", "-c", "2", "127.0.0.1"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

/// `--sequential`: python-course's listing without threads, one address
/// after another, its two lines per address as it goes.
#[test]
fn sequential_prints_the_listings_lines() {
    require_icmp!();
    let o = pinger(&["--sequential", "-i", "10ms", "127.0.0.20", "127.0.0.22"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "... pinging  127.0.0.20\n127.0.0.20: alive\n\
         ... pinging  127.0.0.21\n127.0.0.21: alive\n\
         ... pinging  127.0.0.22\n127.0.0.22: alive\n"
    );
    assert!(
        stderr(&o).starts_with("3 addresses: 3 alive"),
        "{}",
        stderr(&o)
    );
}

/// Ctrl-C during a long run reports every address under way with the
/// requests settled so far (answered, or sent more than -W ago), as fping
/// and ping print their statistics, instead of dropping them. Requests still
/// in flight count neither way, so the answering addresses show no loss.
#[test]
fn ctrl_c_reports_addresses_under_way() {
    let ns = netns_or_skip!();
    nft_input_or_skip!(ns, "ip daddr 127.0.0.2 icmp type echo-request drop");
    // 1000 requests 20 ms apart would take 20 s.
    let mut cmd = ns.0.cmd(BIN);
    cmd.args(["-c", "1000", "-i", "20ms", "-W", "0.2", "127.0.0.1-3"]);
    let o = interrupt(spawn_piped(&mut cmd), 3, Duration::from_millis(1000), "INT");
    assert_eq!(
        stdout(&o),
        "Status from  127.0.0.1 is alive\n\
         Status from  127.0.0.2 is no response\n\
         Status from  127.0.0.3 is alive\n",
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).starts_with(
            "interrupted: 0 of 3 addresses finished, 3 cut short: \
             2 alive, 0 alive with loss, 1 no response ("
        ),
        "{}",
        stderr(&o)
    );
}

/// Short intervals are kept, as ping's `-i 0.001` is: a wait for replies
/// shorter than a clock tick must not be rounded up to one or two (receive
/// timeouts count whole ticks, 4 ms at HZ=250).
#[test]
fn short_interval_is_kept() {
    require_icmp!();
    let t0 = std::time::Instant::now();
    // 500 requests: about 0.55 s when 1 ms is kept, 4 s at the 8 ms a
    // clock-tick-rounded wait gave; the bound leaves room for a busy machine.
    let o = pinger(&["-c", "500", "-i", "1ms", "127.0.0.1"]);
    let took = t0.elapsed();
    assert_eq!(
        stdout(&o),
        "Status from  127.0.0.1 is alive\n",
        "{}",
        stderr(&o)
    );
    assert!(took < Duration::from_millis(2500), "took {took:?}");
}

/// `-i 0` sends as fast as it can but still reads the replies in between:
/// not reading them until the end overflows the socket's buffer and shows a
/// healthy host with most of its replies lost.
#[test]
fn zero_interval_reads_while_sending() {
    require_icmp!();
    let o = pinger(&["-c", "3000", "-i", "0", "127.0.0.1", "::1"]);
    assert_eq!(
        stdout(&o),
        "Status from  127.0.0.1 is alive\nStatus from  ::1 is alive\n",
        "{}",
        stderr(&o)
    );
}

/// A sweep running past a second shows its progress on stderr when that is
/// a terminal (`script` gives it one), never on a pipe.
#[test]
fn progress_only_on_a_terminal() {
    require_icmp!();
    if Command::new("script").arg("--version").output().is_err() {
        testkit::skip!("`script` (util-linux) is not available");
    }
    // 126 addresses, 32 at a time, each about 0.6 s: about 2.5 s.
    let args = ["-c", "4", "-i", "0.2", "-t", "32", "127.0.0.0/25"];
    let o = pinger(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("/126"),
        "progress on a pipe: {}",
        stderr(&o)
    );
    let line = format!("{BIN} {}", args.join(" "));
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]);
    let tty = run_with_input(&mut cmd, "", Duration::from_secs(60));
    assert!(tty.status.success());
    let shown = stdout(&tty);
    assert!(
        shown.contains("addresses ") && shown.contains("/126 "),
        "{shown:?}"
    );
    assert!(shown.contains("126 addresses: 126 alive"), "{shown:?}");
}
