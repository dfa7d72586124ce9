//! Matloff's `clnt.py`, section 3.1 "The thread Module"
//! (matloff-threads-tutorial.md lines 104-156): connect to the server, then
//! over and over prompt `enter a letter:`, send the line without its newline,
//! read one reply of up to 1024 bytes and print it; an empty line means
//! leaving. The client has no threads (the tutorial says so at line 415); the
//! Rust port changes what happens at the edges:
//! - HOST may be a name, an IPv4 or an IPv6 address (the Python is IPv4 only);
//!   every address the name has is tried in turn.
//! - End of input is leaving, like an empty line (the Python dies with
//!   EOFError), so the client works with piped input.
//! - Replies are bytes; ones that are not UTF-8 are shown lossily.
//! - Leaving half-closes the socket and reads the server's last replies
//!   before closing, so the server gets every letter (closing with unread
//!   replies would make the kernel send a reset, which can destroy letters
//!   the server has not read yet).
//! - A server that closes the connection is reported in one line (exit 1)
//!   instead of the Python's endless empty replies.
//!
//! Like the tutorial, one `recv(1024)` a line: a line of several letters gets
//! several replies, and the ones not read yet show up after later prompts.

use std::io::{self, BufRead, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
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
    /// The server closed the connection first.
    ServerClosed,
}

/// Connects to `host` (name, IPv4 or IPv6, brackets allowed) on `port`,
/// trying each of its addresses in turn.
pub fn connect(host: &str, port: u16) -> Result<TcpStream, String> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve '{host}': {e}"))?
        .collect();
    let mut last = None;
    for addr in &addrs {
        match TcpStream::connect(addr) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some((addr, e)),
        }
    }
    Err(match last {
        Some((addr, e)) => format!("cannot connect to {addr}: {e}"),
        None => format!("'{host}' has no address"),
    })
}

/// Runs the prompt loop: lines from `input`, prompts and replies to `out`.
pub fn session(
    stream: &TcpStream,
    mut input: impl BufRead,
    mut out: impl Write,
) -> io::Result<Ending> {
    let mut sock = stream;
    let mut line = Vec::new();
    let mut reply = [0u8; REPLY_MAX];
    loop {
        out.write_all(PROMPT)?;
        out.flush()?;
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(Ending::EndOfInput);
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.is_empty() {
            return Ok(Ending::Left);
        }
        sock.write_all(&line)?;
        let n = loop {
            match sock.read(&mut reply) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other?,
            }
        };
        if n == 0 {
            return Ok(Ending::ServerClosed);
        }
        out.write_all(String::from_utf8_lossy(&reply[..n]).as_bytes())?;
        out.write_all(b"\n")?;
    }
}

/// Leaves politely: half-closes, then reads (and drops) the server's remaining
/// replies until it closes too, for at most `limit`.
pub fn leave(stream: &TcpStream, limit: Duration) {
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
