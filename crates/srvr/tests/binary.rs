//! Drives the real `srvr` binary over loopback.

use std::io::Write;
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};
use testkit::server::*;
use testkit::text;

const BIN: &str = env!("CARGO_BIN_EXE_srvr");

fn start(extra: &[&str]) -> ServerProc {
    let mut args = vec!["--bind", "127.0.0.1", "0"];
    args.extend_from_slice(extra);
    ServerProc::start(BIN, &args)
}

#[test]
fn two_clients_take_turns_and_v_is_printed() {
    let srv = start(&[]);
    let mut a = connect(srv.addr);
    let mut b = connect(srv.addr);
    send_expect(&mut a, b'a', b"a");
    send_expect(&mut b, b'b', b"ab");
    send_expect(&mut a, b'c', b"abc");
    assert!(leave(a).is_empty());
    send_expect(&mut b, b'd', b"abcd");
    assert!(leave(b).is_empty());
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(done.stdout, final_line(b"abcd"));
    assert_eq!(done.stderr.len(), 1, "{:?}", done.stderr);
}

#[test]
fn a_third_client_is_refused_after_two() {
    let srv = start(&[]);
    let a = connect(srv.addr);
    let mut b = connect(srv.addr);
    send_expect(&mut b, b'x', b"x"); // both accepted and served
    // The listener is closed after the second accept, as in the tutorial.
    let until = Instant::now() + PATIENCE;
    while std::net::TcpStream::connect(srv.addr).is_ok() {
        assert!(Instant::now() < until, "listener still open");
        std::thread::sleep(Duration::from_millis(20));
    }
    leave(a);
    leave(b);
    assert_eq!(srv.wait(PATIENCE).stdout, final_line(b"x"));
}

/// The tutorial's `while nclnt > 0: pass` would use 2 s of CPU here.
#[test]
fn idle_clients_cost_no_cpu() {
    let srv = start(&[]);
    let mut a = connect(srv.addr);
    let mut b = connect(srv.addr);
    send_expect(&mut a, b'a', b"a");
    send_expect(&mut b, b'b', b"ab");
    let before = srv.cpu_time();
    std::thread::sleep(Duration::from_secs(2));
    let used = srv.cpu_time() - before;
    assert!(
        used < Duration::from_millis(100),
        "server used {used:?} of CPU while idle"
    );
    leave(a);
    leave(b);
    assert!(srv.wait(PATIENCE).status.success());
}

#[test]
fn reset_and_non_utf8_clients_do_not_stop_the_server() {
    let srv = start(&[]);
    let mut rst = connect(srv.addr);
    let mut good = connect(srv.addr);
    send_expect(&mut rst, 0xff, b"\xff");
    send_expect(&mut good, b'g', b"\xffg");
    send_expect(&mut rst, 0xc3, b"\xffg\xc3");
    reset(rst);
    std::thread::sleep(Duration::from_millis(100));
    send_expect(&mut good, 0x00, b"\xffg\xc3\x00");
    send_expect(&mut good, b'h', b"\xffg\xc3\x00h");
    leave(good);
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(done.stdout, final_line(b"\xffg\xc3\x00h"));
}

#[test]
fn max_len_closes_the_offender_and_keeps_running() {
    let srv = start(&["--max-len", "5"]);
    let mut a = connect(srv.addr);
    let b = connect(srv.addr);
    a.write_all(b"abcdefg").unwrap();
    // Five replies, then the end of the stream.
    assert_eq!(leave(a), b"aababcabcdabcde");
    let mut b = b;
    b.write_all(b"z").unwrap();
    assert!(leave(b).is_empty(), "no reply past the cap");
    let done = srv.wait(PATIENCE);
    assert!(done.status.success(), "{:?}", done.stderr);
    assert_eq!(done.stdout, final_line(b"abcde"));
    let capped: Vec<_> = done
        .stderr
        .iter()
        .filter(|l| l.contains("--max-len 5"))
        .collect();
    assert_eq!(
        capped.len(),
        2,
        "one line per closed client: {:?}",
        done.stderr
    );
    assert!(capped[0].starts_with("srvr: v reached --max-len 5 bytes; closing client"));
}

#[test]
fn ctrl_c_with_threads_blocked_in_reads() {
    let srv = start(&[]);
    let mut a = connect(srv.addr);
    let mut b = connect(srv.addr);
    send_expect(&mut a, b'h', b"h");
    send_expect(&mut a, b'i', b"hi");
    // A reply proves b was accepted (on a busy machine main may not have got
    // to it yet, and the count below would be 1).
    send_expect(&mut b, b'!', b"hi!");
    std::thread::sleep(Duration::from_millis(100));
    let done = srv.interrupt();
    assert_eq!(done.stdout, final_line(b"hi!"));
    assert!(
        done.stderr
            .iter()
            .any(|l| l == "srvr: interrupted with 2 clients connected"),
        "{:?}",
        done.stderr
    );
    // Both clients were closed by the server.
    assert!(leave(a).is_empty());
    assert!(leave(b).is_empty());
}

#[test]
fn ctrl_c_while_waiting_for_clients() {
    let srv = start(&[]);
    let done = srv.interrupt();
    assert_eq!(done.stdout, final_line(b""));
}

#[test]
fn port_in_use_is_one_line_and_exit_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(BIN)
        .args(["--bind", "127.0.0.1", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("srvr: cannot listen on 127.0.0.1:{port}: ")),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    for args in [
        &["70000"][..],
        &["abc"],
        &["-1"],
        &[],
        &["2000", "--max-len", "1X"],
        &["2000", "--idle-timeout", "0"],
        &["2000", "--idle-timeout", "1e-10"],
        &["2000", "--bind", "not an address"],
    ] {
        testkit::assert_usage_error(BIN, args);
    }
}

#[test]
fn python_clients_side_by_side() {
    if !have_python() {
        testkit::skip!("python3 is not installed");
    }
    let srv = start(&[]);
    let o = py_clnt(srv.addr, "a\nb\n\n");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        o.stdout,
        b"enter a letter:a\nenter a letter:ab\nenter a letter:"
    );
    let o = py_clnt(srv.addr, "c\n");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(o.stdout, b"enter a letter:abc\nenter a letter:");
    let done = srv.wait(PATIENCE);
    assert!(done.status.success());
    assert_eq!(done.stdout, final_line(b"abc"));
}

/// `BIN ARGS...` under `ulimit -n 4`: stdin, stdout, stderr and the
/// listener, so no accept can have a descriptor (Linux takes it before
/// waiting for a client).
pub fn start_with_four_descriptors(bin: &str, args: &[&str]) -> ServerProc {
    let mut all = vec!["-c", "ulimit -n 4 && exec \"$0\" \"$@\"", bin];
    all.extend_from_slice(args);
    ServerProc::start("sh", &all)
}

/// Issue 13 item 6: out of descriptors with no client connected, nothing
/// will ever free one: exit 1 at once, naming `ulimit -n` (the server used
/// to retry every 100 ms forever).
#[test]
fn out_of_descriptors_with_no_client_exits_1_naming_ulimit() {
    let srv = start_with_four_descriptors(BIN, &["--bind", "127.0.0.1", "0"]);
    let done = srv.wait(PATIENCE);
    assert_eq!(done.status.code(), Some(1), "{:?}", done.stderr);
    assert!(done.stdout.is_empty());
    assert_eq!(done.stderr.len(), 2, "{:?}", done.stderr);
    let line = &done.stderr[1];
    assert!(
        line.starts_with("srvr: accept failed: out of file descriptors")
            && line.contains("`ulimit -n` is 4")
            && line.ends_with("raise the limit with `ulimit -n`"),
        "{line}"
    );
}

/// Issue 13 item 4: `--help` to a full disk is an error, not exit 0.
#[test]
fn help_to_a_full_disk_is_exit_1() {
    let o = testkit::run_bounded(
        Command::new("sh").args(["-c", "\"$0\" --help >/dev/full", BIN]),
        PATIENCE,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
}
