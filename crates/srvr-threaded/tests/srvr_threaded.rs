//! Drives the real `srvr-threaded` binary over loopback: the load test, the
//! faults of issue 3, the backlog, Ctrl-C, Python clients.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use testkit::server::*;

const BIN: &str = env!("CARGO_BIN_EXE_srvr-threaded");

fn start(nclnt: usize, extra: &[&str]) -> ServerProc {
    let n = nclnt.to_string();
    let mut args = vec!["--bind", "127.0.0.1", "0", &n];
    args.extend_from_slice(extra);
    ServerProc::start(BIN, &args)
}

/// A client that connects when `go` opens, sends its letters one write
/// each without waiting, half-closes, reads every reply to the end and
/// only then closes (closing with unread replies would reset the
/// connection and the kernel would drop letters the server had not read).
fn pipelined(
    addr: SocketAddr,
    mut checker: ReplyChecker,
    letters: Vec<u8>,
    go: Arc<Barrier>,
) -> (ReplyChecker, Duration) {
    go.wait();
    let t0 = Instant::now();
    let mut s = connect(addr);
    let connected_in = t0.elapsed();
    for &l in &letters {
        s.write_all(&[l]).unwrap();
        checker.sent(&[l]);
    }
    s.shutdown(std::net::Shutdown::Write).unwrap();
    read_all_into(&mut s, &mut checker).unwrap();
    (checker, connected_in)
}

#[test]
fn load_200_clients_100_letters_each() {
    const N: usize = 200;
    const LETTERS: usize = 100;
    let srv = start(N, &[]);
    let go = Arc::new(Barrier::new(N));
    let clients: Vec<_> = (0..N)
        .map(|i| {
            let (addr, go) = (srv.addr, Arc::clone(&go));
            let abc = alphabet(i, N);
            let letters = letters(&abc, LETTERS, i as u64);
            std::thread::spawn(move || {
                pipelined(
                    addr,
                    ReplyChecker::new(format!("client {i}"), &abc),
                    letters,
                    go,
                )
            })
        })
        .collect();
    let results: Vec<_> = clients.into_iter().map(|h| h.join().unwrap()).collect();
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    let v = final_v(&done.stdout);
    assert_eq!(v.len(), N * LETTERS);
    let mut slowest = Duration::ZERO;
    for (checker, connected_in) in &results {
        checker.finish(&v).unwrap();
        slowest = slowest.max(*connected_in);
    }
    // A full accept queue costs a one-second SYN retry.
    assert!(
        slowest < Duration::from_secs(1),
        "a connect took {slowest:?}"
    );
    assert_eq!(done.stderr.len(), 1, "{:?}", done.stderr);
}

/// With the server stopped, nobody accepts: every one of NCLNT connections
/// must still complete in the kernel's queue (the tutorial's listen(5)
/// would hold about 5 and leave the rest retrying SYNs).
#[test]
fn backlog_holds_every_client_while_the_server_is_stopped() {
    const N: usize = 64;
    let srv = start(N, &[]);
    srv.signal("STOP");
    let conns: Vec<_> = (0..N)
        .map(|_| TcpStream::connect_timeout(&srv.addr, Duration::from_millis(900)))
        .collect();
    srv.signal("CONT");
    let ok = conns.iter().filter(|c| c.is_ok()).count();
    assert_eq!(ok, N, "only {ok} of {N} connections completed");
    for c in conns {
        let mut c = c.unwrap();
        c.set_read_timeout(Some(PATIENCE)).unwrap();
        c.write_all(b"k").unwrap();
        leave(c);
    }
    let done = srv.wait(PATIENCE);
    assert!(done.status.success());
    assert_eq!(final_v(&done.stdout), vec![b'k'; N]);
}

/// A reset, non-UTF-8 bytes, a 1 MiB line at once and a silent client,
/// all at the same time as two well-behaved clients.
#[test]
fn faulty_clients_do_not_disturb_the_others() {
    let srv = start(6, &[]);
    let addr = srv.addr;
    let idle = connect(addr);

    // 1 MiB of 'x' in one write from its own thread; never reads, so the
    // server's replies to it back up and its thread blocks. Reset at the end.
    let flood = std::thread::spawn(move || {
        let mut s = connect(addr);
        s.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
        let _ = s.write_all(&vec![b'x'; 1 << 20]);
        s
    });

    // Non-UTF-8 bytes, read reply by reply.
    let bin_abc = [0xff, 0xfe, 0xc3, 0x80, 0x00];
    let mut bin = connect(addr);
    let mut bin_check = ReplyChecker::new("non-utf8", &bin_abc);
    // Five letters, replies read, then a reset.
    let rst_abc = *b"0123456789";
    let mut rst = connect(addr);
    let mut rst_check = ReplyChecker::new("reset", &rst_abc);
    for (i, &l) in rst_abc[..5].iter().enumerate() {
        rst.write_all(&[l]).unwrap();
        rst_check.sent(&[l]);
        read_replies(&mut rst, &mut rst_check, i + 1).unwrap();
    }
    reset(rst);

    let go = Arc::new(Barrier::new(2));
    let good: Vec<_> = [b"abcdefghijklm", b"nopqrstuvwyz!"]
        .into_iter()
        .enumerate()
        .map(|(i, abc)| {
            let go = Arc::clone(&go);
            let letters = letters(abc, 300, i as u64 + 7);
            std::thread::spawn(move || {
                pipelined(
                    addr,
                    ReplyChecker::new(format!("good {i}"), abc),
                    letters,
                    go,
                )
                .0
            })
        })
        .collect();
    for (i, &l) in bin_abc.iter().cycle().take(40).enumerate() {
        bin.write_all(&[l]).unwrap();
        bin_check.sent(&[l]);
        read_replies(&mut bin, &mut bin_check, i + 1).unwrap();
    }
    let bin_rest = leave(bin);
    assert!(bin_rest.is_empty());
    let good: Vec<ReplyChecker> = good.into_iter().map(|h| h.join().unwrap()).collect();
    reset(flood.join().unwrap());

    // Everyone but the silent client is gone: the server still waits for it.
    std::thread::sleep(Duration::from_millis(300));
    let mut srv = srv;
    assert!(!srv.has_exited(), "server quit with a client connected");
    drop(idle);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    let v = final_v(&done.stdout);
    for c in &good {
        c.finish(&v).unwrap();
    }
    bin_check.finish(&v).unwrap();
    rst_check.finish(&v).unwrap();
    assert!(v.len() <= 1 << 20);
    let others = 2 * 300 + 40 + 5;
    assert!(v.len() >= others);
    assert!(v.iter().filter(|&&b| b == b'x').count() == v.len() - others);
}

#[test]
fn idle_timeout_closes_a_silent_client() {
    let srv = start(2, &["--idle-timeout", "0.5"]);
    let mut silent = connect(srv.addr);
    let mut a = connect(srv.addr);
    send_expect(&mut a, b'a', b"a");
    leave(a);
    let t0 = Instant::now();
    let done = srv.wait(PATIENCE);
    assert!(done.status.success());
    assert!(t0.elapsed() < Duration::from_secs(10));
    assert_eq!(done.stdout, final_line(b"a"));
    assert!(
        done.stderr
            .iter()
            .any(|l| l.contains("idle for 500ms; closing it")),
        "{:?}",
        done.stderr
    );
    let mut rest = Vec::new();
    use std::io::Read;
    assert_eq!(
        silent.read_to_end(&mut rest).unwrap(),
        0,
        "closed by the server"
    );
}

#[test]
fn ctrl_c_joins_threads_blocked_in_reads_and_writes() {
    let srv = start(4, &[]);
    let mut a = connect(srv.addr);
    let b = connect(srv.addr);
    send_expect(&mut a, b'o', b"o");
    send_expect(&mut a, b'k', b"ok");
    // A client that sends much and reads nothing: its thread blocks writing
    // replies once the socket buffers are full.
    let mut flood = connect(srv.addr);
    flood
        .set_write_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let _ = flood.write_all(&[b'f'; 64 * 1024]);
    // Its first reply proves it (and b before it) was accepted and served.
    let mut first = [0u8; 3];
    std::io::Read::read_exact(&mut flood, &mut first).unwrap();
    assert_eq!(&first, b"okf");
    std::thread::sleep(Duration::from_millis(300));
    let done = srv.interrupt();
    let v = final_v(&done.stdout);
    assert!(v.len() > 2 && v.starts_with(b"ok") && v[2..].iter().all(|&b| b == b'f'));
    assert!(
        done.stderr
            .iter()
            .any(|l| l == "srvr-threaded: interrupted with 3 clients connected"),
        "{:?}",
        done.stderr
    );
    drop(flood);
    assert!(leave(a).is_empty());
    assert!(leave(b).is_empty());
}

#[test]
fn zero_clients_print_an_empty_v_at_once() {
    let srv = start(0, &[]);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success());
    assert_eq!(done.stdout, final_line(b""));
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    for args in [
        &["2000"][..],
        &["2000", "x"],
        &["99999", "2"],
        &["2000", "-3"],
    ] {
        testkit::assert_usage_error(BIN, args);
    }
}

#[test]
fn python_clients_side_by_side() {
    if !have_python() {
        testkit::skip!("python3 is not installed");
    }
    let srv = start(3, &[]);
    let o = py_clnt(srv.addr, "a\n\u{e9}\n\n");
    assert!(o.status.success());
    // Two bytes, two replies; recv(1024) may take one or both.
    assert!(
        o.stdout
            .starts_with(b"enter a letter:a\nenter a letter:a\xc3"),
        "{:?}",
        o.stdout
    );
    let o = py_clnt(srv.addr, "b\n");
    assert!(o.status.success());
    assert_eq!(o.stdout, b"enter a letter:a\xc3\xa9b\nenter a letter:");
    let o = py_clnt(srv.addr, "");
    assert!(o.status.success());
    assert_eq!(o.stdout, b"enter a letter:");
    let done = srv.wait(PATIENCE);
    assert!(done.status.success());
    assert_eq!(done.stdout, final_line("aéb".as_bytes()));
}

#[test]
fn binds_ipv6_loopback() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        testkit::skip!("no ::1 here");
    }
    let srv = ServerProc::start(BIN, &["--bind", "::1", "0", "1"]);
    assert!(srv.addr.is_ipv6());
    let mut c = connect(srv.addr);
    send_expect(&mut c, b'6', b"6");
    leave(c);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success());
    assert_eq!(done.stdout, final_line(b"6"));
}

/// A 1 MiB line at once against a 4 KiB cap: the sender gets exactly one
/// reply per letter up to the cap, then the end of the stream; one stderr
/// line; the other client is served before and after.
#[test]
fn one_mib_line_hits_the_cap_and_the_server_keeps_running() {
    const CAP: usize = 4096;
    let srv = start(2, &["--max-len", "4K"]);
    let mut other = connect(srv.addr);
    send_expect(&mut other, b'o', b"o");
    let flood = connect(srv.addr);
    let mut writer = flood.try_clone().unwrap();
    let w = std::thread::spawn(move || {
        let _ = writer.write_all(&vec![b'x'; 1 << 20]);
    });
    let mut reader = flood;
    let mut checker = ReplyChecker::new("flood", b"x");
    checker.sent(&vec![b'x'; CAP - 1]);
    let got = read_all_into(&mut reader, &mut checker);
    w.join().unwrap();
    got.unwrap();
    assert_eq!(
        checker.replies(),
        CAP - 1,
        "one reply per letter up to the cap"
    );
    let mut after = vec![b'o'];
    after.extend(vec![b'x'; CAP - 1]);
    let mut other_reply = vec![0u8; 0];
    other.write_all(b"z").unwrap(); // past the cap: closed without a reply
    use std::io::Read;
    other.read_to_end(&mut other_reply).unwrap();
    assert!(other_reply.is_empty());
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(final_v(&done.stdout), after);
    checker.finish(&after).unwrap();
    let capped = done
        .stderr
        .iter()
        .filter(|l| l.contains("--max-len 4096"))
        .count();
    assert_eq!(capped, 2, "{:?}", done.stderr);
}

/// Memory mappings of `pid` now (each unjoined finished thread keeps its
/// stack and guard page mapped until it is joined).
fn mappings(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/maps"))
        .unwrap()
        .lines()
        .count()
}

/// Resident memory of `pid` now, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Issue 13 item 1: a finished client's thread is joined as the server goes,
/// so thousands of clients that come and go leave the server's mappings
/// (stacks) and memory flat; before, every handle was kept to the end and
/// ~33,000 such clients exhausted vm.max_map_count.
#[test]
fn finished_client_threads_are_joined_as_the_server_goes() {
    const N: usize = 3000;
    let srv = start(N + 1, &[]);
    // One client stays connected until the end, so the server is still
    // serving while we look at it.
    let mut stay = connect(srv.addr);
    send_expect(&mut stay, b'<', b"<");
    let warm = mappings(srv.pid());
    let warm_rss = rss_kib(srv.pid());
    let t0 = Instant::now();
    let mut v = b"<".to_vec();
    for i in 0..N {
        assert!(t0.elapsed() < Duration::from_secs(120), "slow: {i} clients");
        let mut c = connect(srv.addr);
        v.push(b'x');
        send_expect(&mut c, b'x', &v);
        assert!(leave(c).is_empty());
    }
    // The last client's thread may still be finishing: allow a handful.
    let until = Instant::now() + Duration::from_secs(10);
    let grown = loop {
        let grown = mappings(srv.pid()).saturating_sub(warm);
        if grown < 100 || Instant::now() > until {
            break grown;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        grown < 100,
        "{grown} more mappings after {N} clients came and went"
    );
    // v grew by N bytes; ~14.5 KB per unjoined thread would be ~43 MB.
    let rss_grown = rss_kib(srv.pid()).saturating_sub(warm_rss);
    assert!(
        rss_grown < 8 * 1024,
        "{rss_grown} KiB more resident after {N} clients came and went"
    );
    leave(stay);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(final_v(&done.stdout).len(), N + 1);
}

/// Issue 13 item 6, the other side: out of descriptors while a client is
/// connected, the server waits (no 100 ms retries) for it to leave, warns
/// once, and then serves the next client. Under `ulimit -n 5` there is room
/// for the listener and one client.
#[test]
fn out_of_descriptors_waits_for_a_client_to_leave() {
    let all = [
        "-c",
        "ulimit -n 5 && exec \"$0\" \"$@\"",
        BIN,
        "--bind",
        "127.0.0.1",
        "0",
        "2",
    ];
    let mut srv = ServerProc::start("sh", &all);
    let mut a = connect(srv.addr);
    send_expect(&mut a, b'a', b"a");
    let line = srv.stderr_line_containing("accept:");
    assert!(line.contains("waiting for a client to leave"), "{line}");
    let b = connect(srv.addr); // queued by the kernel, not accepted yet
    std::thread::sleep(Duration::from_millis(300));
    assert!(!srv.has_exited());
    leave(a);
    let mut b = b;
    send_expect(&mut b, b'b', b"ab");
    leave(b);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(done.stdout, final_line(b"ab"));
    let warned = done.stderr.iter().filter(|l| l.contains("accept:")).count();
    assert_eq!(warned, 1, "warned once: {:?}", done.stderr);
}

#[test]
fn out_of_descriptors_with_no_client_exits_1() {
    let all = [
        "-c",
        "ulimit -n 4 && exec \"$0\" \"$@\"",
        BIN,
        "--bind",
        "127.0.0.1",
        "0",
        "2",
    ];
    let done = ServerProc::start("sh", &all).wait(PATIENCE);
    assert_eq!(done.status.code(), Some(1), "{:?}", done.stderr);
    assert!(
        done.stderr.iter().any(|l| l
            .starts_with("srvr-threaded: accept failed: out of file descriptors")
            && l.ends_with("raise the limit with `ulimit -n`")),
        "{:?}",
        done.stderr
    );
}

/// Issue 13 item 4: the final line to a full disk is one line and exit 1;
/// to a pipe nobody reads, quiet and exit 0.
#[test]
fn output_errors_full_disk_and_closed_pipe() {
    let run =
        |script: &str| testkit::run_bounded(Command::new("sh").args(["-c", script, BIN]), PATIENCE);
    let o = run("\"$0\" --bind 127.0.0.1 0 0 >/dev/full");
    let err = testkit::text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.ends_with("\nsrvr-threaded: cannot write to stdout: No space left on device\n"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
    let o = run("\"$0\" --bind 127.0.0.1 0 0 | true");
    let err = testkit::text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(err.lines().count(), 1, "only 'listening on': {err}");
}

/// 3.2's `print threading.enumerate()` after the accept loop: with both
/// clients still connected, the tutorial's own output.
#[test]
fn enumerate_prints_the_running_threads_as_python_does() {
    let srv = start(2, &["--enumerate"]);
    let mut a = connect(srv.addr);
    let mut b = connect(srv.addr);
    send_expect(&mut a, b'a', b"a");
    send_expect(&mut b, b'b', b"ab");
    leave(a);
    leave(b);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(
        testkit::text(&done.stdout),
        "[<_MainThread(MainThread, started)>, <srvr(Thread-1, started)>, \
         <srvr(Thread-2, started)>]\nthe final value of v is ab\n"
    );
}
