//! Matloff's `clnt.py`, section 3.1 "The thread Module" (PDF p. 5): connect
//! to the server, then over and over prompt `enter a letter:`, send the line
//! without its newline, read one reply of up to 1024 bytes and print it; an
//! empty line means leaving. The client has no threads (3.2, p. 10: "The
//! client program stays the same, since it didn't involve threads in the
//! first place"). Anchor comments next to the Rust twins quote the listing's
//! lines with its printed numbers. The Rust port changes what happens at the
//! edges:
//! - HOST may be a name, an IPv4 or an IPv6 address (the Python is IPv4 only);
//!   every address the name has is tried in turn. A HOST that does not
//!   resolve is a bad argument (exit 2), as in the workspace's other programs.
//! - End of input is leaving, like an empty line (the Python dies with
//!   EOFError), so the client works with piped input.
//! - Replies are printed as the bytes they are, as Python 2's `print v` does
//!   (so a reply cut inside a UTF-8 character shows the same as the
//!   Python's, and `diff` of the two outputs holds).
//! - Leaving sends nothing (the Python's `s.send(k)` of an empty `k` sends no
//!   byte either), half-closes the socket and reads the server's last replies
//!   until the server closes, so the server gets every letter. The
//!   tutorial's `s.close()` with replies unread makes the kernel send a
//!   reset, which destroys letters still on their way to the server.
//! - A server that closes the connection (with a FIN or a reset) is reported
//!   in one line (exit 1) instead of the Python's endless empty replies.
//! - A closed stdout (`| head`) ends the session quietly, leaving as above.
//!
//! Like the tutorial, one `recv(1024)` a line: a line of several letters gets
//! several replies, and the ones not read yet show up after later prompts.

use std::io::{self, BufRead, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// The prompt, exactly as `raw_input` prints it (no newline).
pub const PROMPT: &[u8] = b"enter a letter:";
/// The most one reply read takes (the tutorial's `recv(1024)`).
pub const REPLY_MAX: usize = 1024;

/// How a session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// An empty line: the tutorial's way of leaving.
    Left,
    /// End of input, which leaves too.
    EndOfInput,
    /// The server closed the connection first (a FIN or a reset).
    ServerClosed,
    /// Stdout was closed by its reader (EPIPE): leave quietly.
    OutputClosed,
}

/// Why a session failed.
#[derive(Debug)]
pub enum SessionError {
    /// Reading the letters (stdin).
    Input(io::Error),
    /// Writing prompts and replies (stdout), other than EPIPE.
    Output(io::Error),
    /// The connection, other than the server closing it.
    Socket(io::Error),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Input(e) => write!(f, "cannot read the input: {e}"),
            Self::Output(e) => write!(f, "cannot write the output: {e}"),
            Self::Socket(e) => write!(f, "connection: {e}"),
        }
    }
}

/// Why [`connect`] failed.
#[derive(Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// HOST does not resolve (a bad argument).
    Resolve(String),
    /// No address of HOST accepted the connection (a runtime failure).
    Connect(String),
}

/// Connects to `host` (name, IPv4 or IPv6, brackets allowed) on `port`,
/// trying each of its addresses in turn.
pub fn connect(host: &str, port: u16) -> Result<TcpStream, ConnectError> {
    let addrs =
        common::net::resolve(host, port).map_err(|e| ConnectError::Resolve(e.to_string()))?;
    let mut last = None;
    for addr in &addrs {
        // clnt.py:16  s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        // clnt.py:22  s.connect((host, port))
        match TcpStream::connect(addr) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some((addr, e)),
        }
    }
    let (addr, e) = last.expect("resolve gives at least one address");
    Err(ConnectError::Connect(format!(
        "cannot connect to {addr}: {e}"
    )))
}

/// Whether a socket error means the server has gone (closed or reset).
fn server_gone(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(e.kind(), ConnectionReset | ConnectionAborted | BrokenPipe)
}

/// Runs the prompt loop: lines from `input`, prompts and replies to `out`.
pub fn session(
    stream: &TcpStream,
    mut input: impl BufRead,
    mut out: impl Write,
) -> Result<Ending, SessionError> {
    let mut sock = stream;
    let mut line = Vec::new();
    let mut reply = [0u8; REPLY_MAX];
    let output = |r: io::Result<()>| match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(SessionError::Output(e)),
        Ok(()) => Ok(true),
    };
    // clnt.py:24  while (1):
    loop {
        // clnt.py:26  k = raw_input('enter a letter:')
        if !output(out.write_all(PROMPT).and_then(|()| out.flush()))? {
            return Ok(Ending::OutputClosed);
        }
        line.clear();
        let typing = timeline::wait!("input", "raw_input('enter a letter:')");
        let read = input.read_until(b'\n', &mut line);
        drop(typing);
        if read.map_err(SessionError::Input)? == 0 {
            return Ok(Ending::EndOfInput);
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        // clnt.py:29  if k == '': break
        // (tested before the send: sending an empty k sends no byte)
        if line.is_empty() {
            return Ok(Ending::Left);
        }
        // One `send` span per line sent: the unit the trace counts.
        let sending = timeline::work!("send", "s.send({:?})", String::from_utf8_lossy(&line));
        // clnt.py:27  s.send(k) # send k to server
        let sent = sock.write_all(&line);
        drop(sending);
        match sent {
            Err(e) if server_gone(&e) => return Ok(Ending::ServerClosed),
            Err(e) => return Err(SessionError::Socket(e)),
            Ok(()) => {}
        }
        // clnt.py:30  v = s.recv(1024)
        let receiving = timeline::wait!("recv", "s.recv(1024)");
        let n = loop {
            match sock.read(&mut reply) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if server_gone(&e) => return Ok(Ending::ServerClosed),
                Err(e) => return Err(SessionError::Socket(e)),
                Ok(n) => break n,
            }
        };
        drop(receiving);
        if n == 0 {
            return Ok(Ending::ServerClosed);
        }
        // clnt.py:31  print v
        if !output(
            out.write_all(&reply[..n])
                .and_then(|()| out.write_all(b"\n")),
        )? {
            return Ok(Ending::OutputClosed);
        }
    }
}

/// Leaves politely: half-closes, then reads (and drops) the server's
/// remaining replies until it closes too, however long that takes. If that
/// is more than `patience`, `slow` is called once (to tell the user why the
/// client has not quit yet). Returns how many reply bytes were dropped.
pub fn leave(stream: &TcpStream, patience: Duration, slow: impl FnOnce()) -> u64 {
    let _leaving = timeline::wait!("leave", "reading the last replies until the server closes");
    let mut sock = stream;
    let _ = sock.shutdown(Shutdown::Write);
    let mut slow = Some(slow);
    let until = Instant::now() + patience;
    let mut dropped = 0;
    let mut sink = [0u8; 8192];
    loop {
        if slow.is_some() {
            match until.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => {
                    let _ = sock.set_read_timeout(Some(left));
                }
                _ => {
                    if let Some(f) = slow.take() {
                        f();
                    }
                    let _ = sock.set_read_timeout(None);
                }
            }
        }
        match sock.read(&mut sink) {
            Ok(0) => break,
            Ok(n) => dropped += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
    // clnt.py:33  s.close() # close socket
    // (dropping the stream closes it, with nothing left unread)
    dropped
}

/// [`leave`] for at most `limit` (Ctrl-C: the user wants out now).
pub fn leave_within(stream: &TcpStream, limit: Duration) {
    let mut sock = stream;
    let _ = sock.shutdown(Shutdown::Write);
    let until = Instant::now() + limit;
    let mut sink = [0u8; 8192];
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        if left.is_zero() || sock.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match sock.read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

/// Stdin read on a thread of its own, a chunk at a time when asked, for a
/// run that records a trace: main's wait for the next line is then a
/// [`common::Monitor`] wait that Ctrl-C ends at once, so main can still
/// write the trace. (A `read` of a terminal cannot be ended: without a
/// trace, Ctrl-C's hook leaves and exits for main, as before.) The reader
/// thread reads only when main asks, so nothing is read ahead; in the trace
/// it is the row `stdin`.
pub struct AskedInput {
    buf: Vec<u8>,
    pos: usize,
    ask: std::sync::mpsc::Sender<()>,
    slot: std::sync::Arc<common::Monitor<Option<io::Result<Vec<u8>>>>>,
    shutdown: common::Shutdown,
}

impl AskedInput {
    /// Starts the reader thread on stdin.
    pub fn stdin(shutdown: &common::Shutdown) -> io::Result<AskedInput> {
        let (ask, asked) = std::sync::mpsc::channel::<()>();
        let slot = std::sync::Arc::new(common::Monitor::new(None));
        let filled = std::sync::Arc::clone(&slot);
        std::thread::Builder::new()
            .name("stdin".into())
            .spawn(move || {
                // Its row, registered before it reads anything for main.
                timeline::thread_name("stdin");
                let stdin = io::stdin();
                // Ends when main drops its sender (or the process exits).
                for () in asked {
                    let mut lock = stdin.lock();
                    let got = lock.fill_buf().map(<[u8]>::to_vec);
                    if let Ok(chunk) = &got {
                        lock.consume(chunk.len());
                    }
                    *filled.lock() = Some(got);
                    filled.notify_all();
                }
            })?;
        Ok(AskedInput {
            buf: Vec::new(),
            pos: 0,
            ask,
            slot,
            shutdown: shutdown.clone(),
        })
    }
}

impl Read for AskedInput {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let have = self.fill_buf()?;
            let n = have.len().min(out.len());
            out[..n].copy_from_slice(&have[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for AskedInput {
    /// The next chunk; an error of kind `Other` saying `interrupted` when
    /// shutdown comes first.
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.buf.len() {
            let gone = || io::Error::other("the stdin reader has gone");
            self.ask.send(()).map_err(|_| gone())?;
            let mut slot = self
                .slot
                .wait_while(&self.shutdown, |s| s.is_none())
                .map_err(|_| io::Error::other("interrupted"))?;
            let got = slot.take().ok_or_else(gone)?;
            drop(slot);
            self.buf = got?;
            self.pos = 0;
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }
}
