//! Drives the real binary. Traffic goes only to loopback: 127.0.0.0/8 and
//! ::1, here or inside a network namespace a test creates (and always deletes).
//! Tests that need ICMP permission, root or `ip netns` fail under `CI` when
//! they cannot run, and say `SKIPPED` otherwise ([`skip`]).

use std::process::{Command, Output};
use std::time::Duration;
use testkit::{interrupt, run_with_input, spawn_piped, text};

const BIN: &str = env!("CARGO_BIN_EXE_pinger");

/// A test that cannot run here (no root, no tool) says so: under `CI` it
/// fails, elsewhere it writes `SKIPPED` past the test harness's capture, so
/// the line shows in `cargo test`'s output. The caller returns after it.
fn skip(test: &str, why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{test}: cannot run here under CI: {why}");
    }
    use std::io::Write;
    // Not eprintln!: libtest captures that and shows it only on failure.
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

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

/// Whether the system `ping` can be started; says why the test skips if not.
fn ping_installed(test: &str) -> bool {
    if Command::new("ping").arg("-V").output().is_err() {
        skip(test, "no ping installed");
        return false;
    }
    true
}

/// Whether this process may open ICMP sockets at all; says why not.
fn icmp_allowed(test: &str) -> bool {
    let o = pinger(&["-c", "1", "127.0.0.1"]);
    if stderr(&o).contains("no permission") {
        skip(
            test,
            "no permission for ICMP sockets here (not root, ping_group_range)",
        );
        return false;
    }
    true
}

/// Expected tutorial lines for `127.0.0.FIRST` to `127.0.0.LAST`.
fn lines(first: u8, last: u8, status: &str) -> String {
    (first..=last)
        .map(|n| format!("Status from  127.0.0.{n} is {status}\n"))
        .collect()
}

#[test]
fn first_to_last_all_alive_in_order() {
    if !icmp_allowed("first_to_last_all_alive_in_order") {
        return;
    }
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
    if !icmp_allowed("whole_slash_24_at_once_without_false_loss") {
        return;
    }
    for _ in 0..3 {
        let o = pinger(&["-t", "256", "-i", "0", "-c", "3", "127.0.0.0/24"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), lines(1, 254, "alive"));
    }
}

#[test]
fn cidr_range_and_ipv6_forms() {
    if !icmp_allowed("cidr_range_and_ipv6_forms") {
        return;
    }
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
    if !ping_installed("via_ping_gives_the_same_lines") {
        return;
    }
    let o = pinger(&["--via-ping", "-i", "0.2", "127.0.0.1", "127.0.0.4"]);
    // ping itself may lack permission (no setuid/capability, not root).
    if stderr(&o).contains("unknown") || o.status.code() != Some(0) {
        assert!(!stderr(&o).is_empty());
        skip(
            "via_ping_gives_the_same_lines",
            &format!("system ping failed here: {}", stderr(&o)),
        );
        return;
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
    if !icmp_allowed("two_addresses_as_a_list_and_alive_only") {
        return;
    }
    let o = pinger(&["--list", "127.0.0.20", "127.0.0.1", "-c", "1", "-a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Status from  127.0.0.1 is alive\nStatus from  127.0.0.20 is alive\n"
    );
}

#[test]
fn ctrl_c_reports_finished_addresses_and_exits_130() {
    if !icmp_allowed("ctrl_c_reports_finished_addresses_and_exits_130") {
        return;
    }
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
    if !ping_installed("sigterm_with_via_ping_kills_the_pings") {
        return;
    }
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
    fn new(test: &str) -> Option<Netns> {
        match testkit::Netns::new("pinger-t") {
            Ok(ns) => Some(Netns(ns)),
            Err(why) => {
                skip(test, &why);
                None
            }
        }
    }

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

    /// Loads an nft input-chain rule body for both families; false (with a
    /// printed reason) if nft is missing or refuses.
    fn nft_input(&self, test: &str, rules: &str) -> bool {
        let script = format!(
            "table inet pinger_test {{\n chain input {{ type filter hook input priority 0; policy accept;\n{rules}\n }}\n}}\n"
        );
        let mut c = self.0.cmd("nft");
        c.args(["-f", "-"]);
        let o = run_with_input(&mut c, &script, Duration::from_secs(30));
        if !o.status.success() {
            skip(test, &format!("nft failed: {}", stderr(&o).trim()));
            return false;
        }
        true
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
    let test = "dropped_echo_gives_no_response";
    let Some(ns) = Netns::new(test) else { return };
    if !ns.nft_input(
        test,
        "icmp type echo-request drop\nicmpv6 type echo-request drop",
    ) {
        return;
    }
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
    let test = "random_drop_gives_partial_loss_raw";
    let Some(ns) = Netns::new(test) else { return };
    partial_loss(&ns, test, "raw", "127.0.0.1-4", 4);
}

/// Drops half the echo requests at random in `ns`, then pings `v4_range`
/// (`v4_count` addresses) and ::1 through `socket`: every address must show
/// a loss strictly between 0 and 100 %. 40 probes each: all or none surviving a fair coin is 2^-39.
fn partial_loss(ns: &Netns, test: &str, socket: &str, v4_range: &str, v4_count: usize) {
    let rules = "icmp type echo-request numgen random mod 2 == 0 drop\n\
                 icmpv6 type echo-request numgen random mod 2 == 0 drop";
    if !ns.nft_input(test, rules) {
        return;
    }
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
    let test = "raw_socket_never_counts_another_threads_reply";
    let Some(ns) = Netns::new(test) else { return };
    // Only 127.0.0.2 is silent; its raw socket still sees every other reply.
    if !ns.nft_input(test, "ip daddr 127.0.0.2 icmp type echo-request drop") {
        return;
    }
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
    let test = "datagram_socket_path";
    let Some(ns) = Netns::new(test) else { return };
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
    if stderr(&o).contains("setpriv") {
        skip(test, &format!("the run as nobody: {}", stderr(&o).trim()));
    } else {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            lines(1, 3, "alive") + "Status from  ::1 is alive\n"
        );
    }

    partial_loss(&ns, test, "dgram", "127.0.0.1-3", 3);
}

#[test]
fn no_permission_is_one_line_exit_1() {
    let test = "no_permission_is_one_line_exit_1";
    let Some(ns) = Netns::new(test) else { return };
    ns.must(&["sysctl", "-qw", "net.ipv4.ping_group_range=1 0"], "");
    // As nobody: neither a datagram nor a raw socket.
    let o = ns.pinger_as_nobody(&["127.0.0.1"]);
    if stderr(&o).contains("setpriv") {
        skip(test, &format!("setpriv failed: {}", stderr(&o).trim()));
        return;
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
    if !icmp_allowed("low_open_file_limit_lowers_the_thread_bound") {
        return;
    }
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
#[test]
fn output_errors_never_panic() {
    if !icmp_allowed("output_errors_never_panic") {
        return;
    }
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
            e.lines().any(|l| l == "pinger: cannot write to standard output: No space left on device (os error 28)"),
            "{e}"
        );
        assert!(!e.contains("panicked"), "{e}");
        let o = pinger_in_bash("exec \"$@\" 2>/dev/full", &args);
        assert_eq!(o.status.code(), Some(1), "sequential {sequential}");
        assert!(o.stderr.is_empty());
    }
}

/// The wildcard addresses mean this host: the kernel answers them from
/// loopback, and ping, fping and --via-ping call them alive.
#[test]
fn wildcard_addresses_are_answered_from_loopback() {
    let test = "wildcard_addresses_are_answered_from_loopback";
    if !icmp_allowed(test) {
        return;
    }
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
    let test = "flood_intervals_are_for_root_only";
    for i in ["0", "1ms", "0.0019"] {
        let args = ["-i", i, "-c", "3", "127.0.0.1"];
        let o = if testkit::is_root() {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
                .args(args);
            let o = run_with_input(&mut cmd, "", Duration::from_secs(60));
            if stderr(&o).contains("setpriv") {
                skip(test, &format!("setpriv failed: {}", stderr(&o).trim()));
                return;
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
    let test = "sequential_prints_the_listings_lines";
    if !icmp_allowed(test) {
        return;
    }
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
    let test = "ctrl_c_reports_addresses_under_way";
    let Some(ns) = Netns::new(test) else { return };
    if !ns.nft_input(test, "ip daddr 127.0.0.2 icmp type echo-request drop") {
        return;
    }
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
    if !icmp_allowed("short_interval_is_kept") {
        return;
    }
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
    if !icmp_allowed("zero_interval_reads_while_sending") {
        return;
    }
    let o = pinger(&["-c", "3000", "-i", "0", "127.0.0.1", "::1"]);
    assert_eq!(
        stdout(&o),
        "Status from  127.0.0.1 is alive\nStatus from  ::1 is alive\n",
        "{}",
        stderr(&o)
    );
}
