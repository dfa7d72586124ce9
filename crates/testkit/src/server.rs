//! Test support for the servers of Matloff 3.1 and 3.2 (`srvr`,
//! `srvr-threaded`) and their client (`clnt`): a server child process with
//! bounded waits, test clients, a checker for the replies of a client that
//! sends many letters before reading, and a Python 3 client speaking the
//! tutorial's protocol.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Output};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// Every blocking step of a test gives up after this long.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A server binary running as a child, killed on drop.
pub struct ServerProc {
    child: Child,
    pub addr: SocketAddr,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr_lines: mpsc::Receiver<String>,
    stderr_seen: Vec<String>,
}

pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<String>,
    /// From [`ServerProc::wait`] being called to the exit.
    pub waited: Duration,
}

impl ServerProc {
    /// Starts `bin args...` and waits for its `listening on ADDR` line.
    pub fn start(bin: &str, args: &[&str]) -> Self {
        let mut child = crate::spawn_piped(Command::new(bin).args(args));
        let mut out = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.read_to_end(&mut buf);
            buf
        });
        let err = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut me = Self {
            child,
            addr: "127.0.0.1:0".parse().unwrap(),
            stdout: Some(stdout),
            stderr_lines: rx,
            stderr_seen: Vec::new(),
        };
        let line = me.stderr_line_containing("listening on");
        let addr = line.rsplit(' ').next().unwrap();
        me.addr = addr.parse().expect("listening address");
        me
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next stderr line containing `needle` (bounded by [`PATIENCE`]).
    pub fn stderr_line_containing(&mut self, needle: &str) -> String {
        let until = Instant::now() + PATIENCE;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr_seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no stderr line with {needle:?}; saw {:?}", self.stderr_seen),
            }
        }
    }

    /// Sends a signal by name (INT, STOP, CONT).
    pub fn signal(&self, sig: &str) {
        crate::signal(self.pid(), sig);
    }

    /// Ctrl-C: sends SIGINT and checks the server exits 130 within a second.
    pub fn interrupt(self) -> Finished {
        self.signal("INT");
        let done = self.wait(PATIENCE);
        assert_eq!(done.status.code(), Some(130));
        assert!(
            done.waited < Duration::from_secs(1),
            "took {:?}",
            done.waited
        );
        done
    }

    /// Whether the child has exited already.
    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Waits at most `limit` for the exit (kills and panics after that).
    pub fn wait(mut self, limit: Duration) -> Finished {
        let t0 = Instant::now();
        let Some(status) = self.child.wait_timeout(limit).expect("wait") else {
            let _ = self.child.kill();
            let _ = self.child.wait();
            panic!("server still running after {limit:?}");
        };
        let waited = t0.elapsed();
        let stdout = self.stdout.take().unwrap().join().unwrap();
        let mut stderr = std::mem::take(&mut self.stderr_seen);
        while let Ok(line) = self.stderr_lines.recv_timeout(Duration::from_secs(5)) {
            stderr.push(line);
        }
        Finished {
            status,
            stdout,
            stderr,
            waited,
        }
    }

    /// CPU time (user + system) used so far, from /proc/PID/stat.
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after_comm.split(' ').collect();
        // Fields 14 and 15 of stat(5); the slice starts at field 3.
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
    }
}

fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server's last stdout line, as bytes.
pub fn final_line(v: &[u8]) -> Vec<u8> {
    let mut line = b"the final value of v is ".to_vec();
    line.extend_from_slice(v);
    line.push(b'\n');
    line
}

/// The `v` in the server's stdout (panics if stdout is not exactly the line).
pub fn final_v(stdout: &[u8]) -> Vec<u8> {
    let v = stdout
        .strip_prefix(b"the final value of v is ".as_slice())
        .and_then(|r| r.strip_suffix(b"\n"))
        .unwrap_or_else(|| panic!("unexpected stdout {:?}", String::from_utf8_lossy(stdout)));
    v.to_vec()
}

/// A connected test client with generous timeouts.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.set_write_timeout(Some(PATIENCE)).unwrap();
    s
}

/// Sends `letter` and reads the reply, which must be `expect_v` exactly.
pub fn send_expect(s: &mut TcpStream, letter: u8, expect_v: &[u8]) {
    s.write_all(&[letter]).unwrap();
    let mut got = vec![0; expect_v.len()];
    s.read_exact(&mut got).unwrap();
    assert_eq!(got, expect_v, "reply to {:?}", letter as char);
}

/// Leaves as a well-behaved client: half-close, read to the end, close.
/// Returns what was still unread.
pub fn leave(mut s: TcpStream) -> Vec<u8> {
    s.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    rest
}

/// Closes with a reset (SO_LINGER 0) instead of a FIN.
pub fn reset(s: TcpStream) {
    socket2::SockRef::from(&s)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(s);
}

/// Follows the replies of one client that may send several letters before
/// reading. Each reply is all of `v`, so it must extend the previous reply;
/// the client's letters come from an alphabet no other client uses, so the
/// k-th reply is complete exactly when it holds k of them, the last being
/// the k-th letter sent.
pub struct ReplyChecker {
    pub name: String,
    alphabet: [bool; 256],
    pub sent: Vec<u8>,
    prev: Vec<u8>,
    cur: Vec<u8>,
    own_in_cur: usize,
    /// Length of each complete reply, in order.
    pub lens: Vec<usize>,
}

impl ReplyChecker {
    pub fn new(name: impl Into<String>, alphabet: &[u8]) -> Self {
        let mut set = [false; 256];
        for &b in alphabet {
            set[b as usize] = true;
        }
        Self {
            name: name.into(),
            alphabet: set,
            sent: Vec::new(),
            prev: Vec::new(),
            cur: Vec::new(),
            own_in_cur: 0,
            lens: Vec::new(),
        }
    }

    pub fn sent(&mut self, letters: &[u8]) {
        for &l in letters {
            assert!(self.alphabet[l as usize], "letter outside alphabet");
        }
        self.sent.extend_from_slice(letters);
    }

    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), String> {
        for &b in bytes {
            self.cur.push(b);
            let at = self.cur.len() - 1;
            if at < self.prev.len() && self.prev[at] != b {
                return Err(format!(
                    "{}: reply {} differs from reply {} at byte {at}",
                    self.name,
                    self.lens.len() + 1,
                    self.lens.len()
                ));
            }
            if self.alphabet[b as usize] {
                self.own_in_cur += 1;
                if self.own_in_cur == self.lens.len() + 1 {
                    let k = self.lens.len();
                    if k >= self.sent.len() || self.sent[k] != b {
                        return Err(format!(
                            "{}: reply {} ends with the wrong letter",
                            self.name,
                            k + 1
                        ));
                    }
                    if self.cur.len() <= self.prev.len() {
                        return Err(format!("{}: reply {} did not grow", self.name, k + 1));
                    }
                    self.lens.push(self.cur.len());
                    self.prev = std::mem::take(&mut self.cur);
                    self.own_in_cur = 0;
                }
            }
        }
        Ok(())
    }

    /// Replies complete so far.
    pub fn replies(&self) -> usize {
        self.lens.len()
    }

    /// After end of stream: one reply per letter, each a prefix of the final
    /// `v` ending at that letter, and the client's letters in `v` exactly the
    /// ones sent, in order.
    pub fn finish(&self, v: &[u8]) -> Result<(), String> {
        let name = &self.name;
        if !self.cur.is_empty() {
            return Err(format!(
                "{name}: {} bytes of an unfinished reply",
                self.cur.len()
            ));
        }
        if self.lens.len() != self.sent.len() {
            return Err(format!(
                "{name}: {} replies for {} letters",
                self.lens.len(),
                self.sent.len()
            ));
        }
        if !v.starts_with(&self.prev) {
            return Err(format!("{name}: last reply is not a prefix of the final v"));
        }
        for (k, &len) in self.lens.iter().enumerate() {
            if v[len - 1] != self.sent[k] {
                return Err(format!("{name}: letter {k} is not where its reply ended"));
            }
        }
        let mine: Vec<u8> = v
            .iter()
            .copied()
            .filter(|&b| self.alphabet[b as usize])
            .collect();
        if mine != self.sent {
            return Err(format!(
                "{name}: v holds {} of its letters, sent {} (or out of order)",
                mine.len(),
                self.sent.len()
            ));
        }
        Ok(())
    }
}

/// Reads `s` to its end (or until `limit`), feeding `checker`.
pub fn read_all_into(s: &mut TcpStream, checker: &mut ReplyChecker) -> Result<(), String> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => checker.feed(&buf[..n])?,
            Err(e) => return Err(format!("{}: read: {e}", checker.name)),
        }
    }
}

/// Reads until `checker` has `n` complete replies.
pub fn read_replies(s: &mut TcpStream, checker: &mut ReplyChecker, n: usize) -> Result<(), String> {
    let mut byte = vec![0u8; 64 * 1024];
    while checker.replies() < n {
        // Never read past the reply wanted: read what is there, bounded.
        let got = s
            .read(&mut byte[..1])
            .map_err(|e| format!("{}: {e}", checker.name))?;
        if got == 0 {
            return Err(format!(
                "{}: end of stream after {} replies",
                checker.name,
                checker.replies()
            ));
        }
        checker.feed(&byte[..1])?;
    }
    Ok(())
}

/// The 256 byte values split among `n` clients: client i gets every value
/// v with v % n == i.
pub fn alphabet(i: usize, n: usize) -> Vec<u8> {
    (0..=255u8).filter(|&b| b as usize % n == i).collect()
}

/// `count` letters from `alphabet`, in a scrambled but reproducible order.
pub fn letters(alphabet: &[u8], count: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..count)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            alphabet[((x >> 33) % alphabet.len() as u64) as usize]
        })
        .collect()
}

/// Whether python3 runs. If not, the caller skips: use
/// `if !have_python() { testkit::skip!("python3 is not installed") }`
/// (visible, and a failure under CI).
pub fn have_python() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// A Python 3 client speaking the protocol of Matloff 3.1 (not the
/// tutorial's code, which is Python 2): `python3 -c PY_CLNT HOST PORT`,
/// letters on stdin a line at a time; an empty line or end of input leaves.
pub const PY_CLNT: &str = r#"
import socket
import sys


def main():
    conn = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    out = sys.stdout.buffer
    while True:
        out.write(b"enter a letter:")
        out.flush()
        line = sys.stdin.buffer.readline()
        if line.endswith(b"\n"):
            line = line[:-1]
        if not line:
            break
        conn.sendall(line)
        out.write(conn.recv(1024) + b"\n")
    conn.close()


main()
"#;

/// Runs [`PY_CLNT`] against the server at `addr` with `input` on stdin
/// (bounded by [`PATIENCE`]).
pub fn py_clnt(addr: SocketAddr, input: &str) -> Output {
    crate::run_with_input(
        Command::new("python3")
            .args(["-c", PY_CLNT])
            .args([&addr.ip().to_string(), &addr.port().to_string()]),
        input,
        PATIENCE,
    )
}
