//! Drives the real `clnt` binary against small servers the tests run
//! themselves (and the Python fixture server when python3 is there).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use testkit::{finish_bounded, run_with_input, spawn_piped};

const BIN: &str = env!("CARGO_BIN_EXE_clnt");
const PATIENCE: Duration = Duration::from_secs(30);

/// One client served the tutorial's way by a thread: every byte appended
/// to v and v sent back. Returns what the client sent and whether it
/// ended with a clean end of stream.
fn echo_server(listener: TcpListener) -> JoinHandle<(Vec<u8>, bool)> {
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut v = Vec::new();
        let mut b = [0u8; 1];
        loop {
            match s.read(&mut b) {
                Ok(0) => return (v, true),
                Ok(_) => {
                    v.push(b[0]);
                    s.write_all(&v).unwrap();
                }
                Err(_) => return (v, false),
            }
        }
    })
}

/// One client served by a thread: it reads the client's first letter, then
/// `then` has the connection.
fn after_first_letter(
    listener: TcpListener,
    then: impl FnOnce(TcpStream) + Send + 'static,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut b = [0u8; 1];
        s.read_exact(&mut b).unwrap();
        then(s);
    })
}

fn loopback() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    (l, port)
}

/// Runs clnt with `args` and `input` on stdin (bounded by [`PATIENCE`]);
/// returns its status, stdout and stderr (which must be UTF-8).
fn run(args: &[&str], input: &str) -> (ExitStatus, Vec<u8>, String) {
    outcome(run_with_input(
        Command::new(BIN).args(args),
        input,
        PATIENCE,
    ))
}

/// A finished child as (status, stdout, stderr, which must be UTF-8).
fn outcome(o: std::process::Output) -> (ExitStatus, Vec<u8>, String) {
    (o.status, o.stdout, String::from_utf8(o.stderr).unwrap())
}

/// A clnt session with HOST `host` against [`echo_server`] on `listener`,
/// which must succeed; returns clnt's stdout and stderr, and what the server
/// got and whether it saw a clean end of stream.
fn echo_session(
    listener: TcpListener,
    host: &str,
    input: &str,
) -> (Vec<u8>, String, Vec<u8>, bool) {
    let port = listener.local_addr().unwrap().port().to_string();
    let server = echo_server(listener);
    let (st, out, err) = run(&[host, &port], input);
    // Asserted before the join: a clnt that never connected leaves the
    // server thread in accept().
    assert!(st.success(), "{err}");
    let (got, clean) = server.join().unwrap();
    (out, err, got, clean)
}

#[test]
fn piped_session_prints_prompts_and_replies() {
    let (out, err, got, clean) = echo_session(loopback().0, "127.0.0.1", "a\nb\n\n");
    assert_eq!(out, b"enter a letter:a\nenter a letter:ab\nenter a letter:");
    assert!(err.is_empty(), "{err}");
    assert_eq!((got, clean), (b"ab".to_vec(), true));
}

#[test]
fn end_of_input_leaves_like_an_empty_line() {
    let (out, _, got, clean) = echo_session(loopback().0, "127.0.0.1", "x\ny");
    assert_eq!(out, b"enter a letter:x\nenter a letter:xy\nenter a letter:");
    assert_eq!((got, clean), (b"xy".to_vec(), true));
}

/// A line of several letters gets several replies; leaving reads the rest so
/// the server sees a clean end, not a reset, and keeps every letter.
#[test]
fn leaving_with_replies_unread_loses_no_letter() {
    let input = format!("{}\n\n", "abcdefgh".repeat(64));
    let (out, _, got, clean) = echo_session(loopback().0, "127.0.0.1", &input);
    assert!(out.starts_with(b"enter a letter:a"));
    assert_eq!(got, b"abcdefgh".repeat(64));
    assert!(clean, "the server saw a reset");
}

#[test]
fn host_may_be_a_name_or_an_ipv6_address() {
    let (out, ..) = echo_session(loopback().0, "localhost", "n\n");
    assert_eq!(out, b"enter a letter:n\nenter a letter:");

    let Ok(l6) = TcpListener::bind("[::1]:0") else {
        testkit::skip!("IPv6 part: no ::1 here");
    };
    let (out, ..) = echo_session(l6, "::1", "6\n");
    assert_eq!(out, b"enter a letter:6\nenter a letter:");
    echo_session(TcpListener::bind("[::1]:0").unwrap(), "[::1]", "6\n");
}

#[test]
fn replies_that_are_not_utf8_are_printed_as_they_are() {
    let (l, port) = loopback();
    let server = after_first_letter(l, |mut s| {
        s.write_all(b"\xffa\xc3").unwrap();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
    });
    let (st, out, _) = run(&["127.0.0.1", &port], "q\n");
    assert!(st.success());
    assert_eq!(out, b"enter a letter:\xffa\xc3\nenter a letter:");
    server.join().unwrap();
}

#[test]
fn a_server_that_closes_is_one_line_and_exit_1() {
    let (l, port) = loopback();
    let server = after_first_letter(l, drop); // closes after one letter
    let (st, out, err) = run(&["127.0.0.1", &port], "q\nr\n");
    server.join().unwrap();
    assert_eq!(st.code(), Some(1));
    assert_eq!(out, b"enter a letter:\n");
    assert_eq!(err, "clnt: the server closed the connection\n");
}

#[test]
fn refused_connection_is_one_line_and_exit_1() {
    let (l, port) = loopback();
    drop(l);
    let (st, out, err) = run(&["127.0.0.1", &port], "");
    assert_eq!(st.code(), Some(1));
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("clnt: cannot connect to 127.0.0.1:{port}: ")),
        "{err}"
    );
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    for args in [
        &["127.0.0.1"][..],
        &["127.0.0.1", "0"],
        &["127.0.0.1", "70000"],
        &["127.0.0.1", "abc"],
        &[],
    ] {
        testkit::assert_usage_error(BIN, args);
    }
}

#[test]
fn ctrl_c_at_the_prompt_leaves_and_exits_130() {
    let err = ctrl_c_at_the_prompt(&[]);
    assert!(err.contains("clnt: interrupted"), "{err}");
}

/// Sends `m`, waits for the reply and the next prompt (main is then blocked
/// reading stdin), presses Ctrl-C, and checks clnt leaves within a second
/// with exit 130 and the server saw `m` and a clean close; returns stderr.
fn ctrl_c_at_the_prompt(extra: &[&str]) -> String {
    let (l, port) = loopback();
    let server = echo_server(l);
    let mut child = Command::new(BIN)
        .args(["127.0.0.1", &port])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"m\n").unwrap();
    // (Borrowed, so the rest of stdout is still drained by finish_bounded.)
    let mut line = Vec::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_until(b'\n', &mut line)
        .unwrap();
    assert_eq!(line, b"enter a letter:m\n");
    std::thread::sleep(Duration::from_millis(200));
    let t0 = Instant::now();
    testkit::signal(child.id(), "INT");
    let (st, _, err) = outcome(finish_bounded(child, PATIENCE));
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "took {:?}",
        t0.elapsed()
    );
    assert_eq!(st.code(), Some(130), "{err}");
    assert_eq!(server.join().unwrap(), (b"m".to_vec(), true));
    drop(stdin);
    err
}

fn py_server(nclnt: &str) -> (Child, SocketAddr) {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/py_srvr.py");
    let mut child =
        spawn_piped(
            Command::new("python3")
                .arg(fixture)
                .args(["0", nclnt, "127.0.0.1"]),
        );
    let mut line = String::new();
    BufReader::new(child.stderr.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit(' ').next().unwrap().parse().unwrap();
    (child, addr)
}

/// The Rust client against the Python server, and the Python fixture client
/// against a second Python server with the same input: the same bytes out.
#[test]
fn works_with_a_python_server_side_by_side() {
    if !testkit::server::have_python() {
        testkit::skip!("python3 is not installed");
    }
    let (srv, addr) = py_server("2");
    let port = addr.port().to_string();
    let (st, rust1, err) = run(&["127.0.0.1", &port], "a\nb\n\n");
    assert!(st.success(), "{err}");
    let (st, rust2, _) = run(&["127.0.0.1", &port], "\u{e9}\n");
    assert!(st.success());
    let v = finish_bounded(srv, PATIENCE).stdout;
    assert_eq!(v, "the final value of v is ab\u{e9}\n".as_bytes());

    let (srv, addr) = py_server("2");
    let py = |input: &str| testkit::server::py_clnt(addr, input).stdout;
    let py1 = py("a\nb\n\n");
    let py2 = py("\u{e9}\n");
    finish_bounded(srv, PATIENCE);
    assert_eq!(rust1, py1);
    // The two bytes of é get two replies; one recv may hold one or both.
    for out in [&rust2, &py2] {
        assert!(out.starts_with(b"enter a letter:ab\xc3"), "{out:?}");
    }
}

#[test]
fn help_and_version() {
    let (st, out, _) = run(&["--help"], "");
    assert!(st.success());
    assert!(String::from_utf8(out).unwrap().contains("HOST"));
    let (st, out, _) = run(&["--version"], "");
    assert!(st.success());
    assert!(out.starts_with(b"clnt "));
}

/// Issue 13 item 2: a server slower than the client's patience still gets
/// every letter. This one takes a letter every millisecond and replies to
/// each, so the replies keep coming while clnt leaves; clnt used to close
/// after 2 s with replies unread, the kernel sent a reset and the letters
/// still in clnt's socket were lost.
#[test]
fn leaving_waits_for_a_slow_server_and_loses_no_letter() {
    const LETTERS: usize = 4000;
    let (l, port) = loopback();
    let server = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut got = 0;
        let mut b = [0u8; 1];
        loop {
            match s.read(&mut b) {
                Ok(0) => return (got, true),
                Ok(_) => {
                    got += 1;
                    if s.write_all(&b).is_err() {
                        return (got, false);
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(_) => return (got, false),
            }
        }
    });
    let input = format!("{}\n\n", "s".repeat(LETTERS));
    let (st, out, err) = run(&["127.0.0.1", &port], &input);
    assert!(st.success(), "{err}");
    assert_eq!(out, b"enter a letter:s\nenter a letter:");
    assert_eq!(server.join().unwrap(), (LETTERS, true));
    assert_eq!(
        err,
        "clnt: waiting for the server to read the last letters (Ctrl-C leaves now)\n"
    );
}

/// A server that closes without reading: the kernel answers the unread
/// letter with a reset, which clnt used to report as `Connection reset by
/// peer`; it is the server closing, exit 1.
#[test]
fn a_server_that_closes_at_once_is_reported_as_closed() {
    let (l, port) = loopback();
    let server = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        // Long enough for the letter to arrive, unread.
        std::thread::sleep(Duration::from_millis(300));
        drop(s);
    });
    let (st, _, err) = run(&["127.0.0.1", &port], "q\nr\n");
    server.join().unwrap();
    assert_eq!(st.code(), Some(1));
    assert_eq!(err, "clnt: the server closed the connection\n");
}

/// `clnt ... | head -c 20`: the reader goes away; clnt leaves quietly, exit 0.
#[test]
fn closed_stdout_is_quiet() {
    let (l, port) = loopback();
    let server = echo_server(l);
    let input = "a\n".repeat(2000);
    let o = testkit::run_bounded(
        Command::new("bash").args([
            "-c",
            "printf %s \"$1\" | \"$0\" 127.0.0.1 \"$2\" | head -c 20 >/dev/null; \
             echo \"${PIPESTATUS[1]}\"",
            BIN,
            &input,
            &port,
        ]),
        PATIENCE,
    );
    assert_eq!(testkit::text(&o.stdout), "0\n");
    assert_eq!(testkit::text(&o.stderr), "");
    let (got, clean) = server.join().unwrap();
    assert!(clean, "the server saw a reset");
    assert!(!got.is_empty());
}

/// A HOST that does not resolve is a bad argument: exit 2, one line. Run in
/// a network namespace of the test's own, so the lookup cannot leave it.
#[test]
fn unknown_host_is_a_usage_error() {
    let ns = match testkit::Netns::new("clnt") {
        Ok(ns) => ns,
        Err(why) => testkit::skip!("{why}"),
    };
    let o = testkit::run_bounded(ns.cmd(BIN).args(["no-such-host.invalid", "2000"]), PATIENCE);
    let err = testkit::text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("clnt: cannot resolve 'no-such-host.invalid': "),
        "{err}"
    );
}

/// `sh -c SCRIPT` with clnt as `$0` and the port of a fresh echo server as
/// `$1`; returns (exit code, stderr) and whether the server saw a clean end.
fn clnt_in_shell(script: &str) -> (Option<i32>, String, bool) {
    let (l, port) = loopback();
    let server = echo_server(l);
    let o = testkit::run_bounded(
        Command::new("sh").args(["-c", script, BIN, &port]),
        PATIENCE,
    );
    // A clnt that failed before connecting leaves the server in accept().
    let clean = if o.status.code() == Some(0) || testkit::text(&o.stderr).contains("stdout") {
        server.join().unwrap().1
    } else {
        let _ = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap()));
        server.join().unwrap();
        true
    };
    (o.status.code(), testkit::text(&o.stderr), clean)
}

/// Issue 13 item 4: a full disk is one line and exit 1; the server still
/// gets a polite leaving.
#[test]
fn full_stdout_is_one_line_and_exit_1() {
    let (code, err, clean) = clnt_in_shell("printf 'a\\n' | \"$0\" 127.0.0.1 \"$1\" >/dev/full");
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        err,
        "clnt: cannot write to stdout: No space left on device\n"
    );
    assert!(clean);
}

/// A closed stdout or stdin is an error, not a silent success.
#[test]
fn closed_standard_streams_are_errors() {
    let (code, err, _) = clnt_in_shell("printf 'a\\n' | \"$0\" 127.0.0.1 \"$1\" >&-");
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(err, "clnt: cannot write to stdout: Bad file descriptor\n");
    let (code, err, _) = clnt_in_shell("\"$0\" 127.0.0.1 \"$1\" <&-");
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(err, "clnt: stdin is closed (letters come from stdin)\n");
}

/// `--trace FILE`: main's row (the tutorial's client has no threads) with a
/// `send` span per line sent, as many `recv` waits, an `input` wait per
/// prompt answered; and the row of the thread that reads stdin for it (so
/// that Ctrl-C can end main's wait for a line and the trace be written).
#[test]
fn trace_has_a_send_span_per_line() {
    let dir = std::env::temp_dir().join(format!("clnt-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    let (l, port) = loopback();
    let server = echo_server(l);
    let (st, out, err) = run(
        &["127.0.0.1", &port, "--trace", path.to_str().unwrap()],
        "a\nbc\nd\n\n",
    );
    assert!(st.success(), "{err}");
    assert_eq!(server.join().unwrap(), (b"abcd".to_vec(), true));
    // stdout is the tutorial's; a line of two letters gets two replies.
    assert!(
        out.starts_with(b"enter a letter:a\nenter a letter:ab"),
        "{out:?}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let trace = timeline::json::read(&text, "t.json").expect("a valid trace");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(trace.name, "clnt");
    assert_eq!(trace.threads.len(), 2, "{:?}", trace.threads);
    let reader = trace.thread("stdin").expect("the reader's row");
    assert_eq!(reader.count("send"), 0);
    let main = trace.thread("MainThread").expect("main's row");
    let sends: Vec<&str> = main
        .events
        .iter()
        .filter(|e| e.what == "send")
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        sends,
        [r#"s.send("a")"#, r#"s.send("bc")"#, r#"s.send("d")"#]
    );
    assert_eq!(main.count("recv"), 3);
    assert_eq!(main.count("input"), 4, "three lines and the empty one");
    assert_eq!(main.count("leave"), 1);
}

#[test]
fn timeline_chart_on_stderr() {
    let (l, port) = loopback();
    let server = echo_server(l);
    let mut cmd = Command::new(BIN);
    cmd.args(["127.0.0.1", &port, "--timeline"])
        .env("COLUMNS", "50");
    let (st, out, err) = outcome(run_with_input(&mut cmd, "x\n\n", PATIENCE));
    assert!(st.success(), "{err}");
    server.join().unwrap();
    assert_eq!(out, b"enter a letter:x\nenter a letter:");
    let rows: Vec<&str> = err.lines().filter(|l| l.contains(" |")).collect();
    assert_eq!(rows.len(), 2, "{err}");
    assert!(rows[0].starts_with("MainThread |"), "{err}");
    assert!(rows[1].trim_start().starts_with("stdin |"), "{err}");
    assert!(rows.iter().all(|r| r.chars().count() == 50), "{err}");
    assert!(err.starts_with("clnt: 2 threads over "), "{err}");
}

/// Ctrl-C at the prompt while recording: main's wait for a line ends, it
/// leaves, writes the trace and exits 130, as fast as without a trace.
#[test]
fn ctrl_c_at_the_prompt_still_writes_the_trace() {
    let dir = std::env::temp_dir().join(format!("clnt-trace-int-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    let err = ctrl_c_at_the_prompt(&["--trace", path.to_str().unwrap()]);
    assert_eq!(err, "\nclnt: interrupted\n");
    let text = std::fs::read_to_string(&path).unwrap();
    let trace = timeline::json::read(&text, "t.json").expect("a valid trace");
    std::fs::remove_dir_all(&dir).unwrap();
    let main = trace.thread("MainThread").expect("main's row");
    assert_eq!(main.count("send"), 1);
    assert_eq!(
        main.count("input"),
        2,
        "the line sent, and the wait Ctrl-C ended"
    );
}
