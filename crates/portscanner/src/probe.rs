//! One TCP connect, classified into the four outcomes a scanner must keep apart.
//!
//! The tutorial's `try: connect` folds everything into "connection failed";
//! a tool must not: a refused connect (closed) is not a timeout (filtered), and
//! running out of file descriptors says nothing about the port at all. So
//! `EMFILE`/`ENFILE` never become an [`Outcome`]: the prober waits for one of
//! its own sockets to close and tries again (each of them closes within the
//! connect timeout, or when its thread runs out of work), and gives up with a
//! message naming `ulimit -n` only when none of its sockets was open while it
//! tried: then the limit is below what a single check needs.

use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What one connect said about a port.
#[derive(Debug)]
pub enum Outcome {
    /// The handshake completed.
    Open,
    /// Refused: the host answered with a reset.
    Closed,
    /// No answer within the timeout (a firewall dropping packets).
    Filtered,
    /// Anything else (no route, address unavailable, ...).
    Error(io::Error),
}

/// Why a check did not produce an [`Outcome`].
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// Out of file descriptors for good; the message names `ulimit -n`.
    OutOfFds(String),
    /// Shutdown was asked for while waiting for a descriptor.
    Interrupted,
}

/// Makes connects and counts its open sockets, shared by every scanning thread.
#[derive(Debug)]
pub struct Prober {
    timeout: Duration,
    open_sockets: AtomicUsize,
}

impl Prober {
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            open_sockets: AtomicUsize::new(0),
        }
    }

    /// Connects to `addr` once with a fresh socket. `stopping` is polled
    /// while backing off. The tutorial scanner's connect (Matloff 4.2):
    // portscanner.py:21  s = socket.socket(socket.AF_INET,socket.SOCK_STREAM)
    // portscanner.py:22  try:
    // portscanner.py:23  s.connect((self.host, self.threadnum))
    // portscanner.py:25  s.close()
    pub fn check(&self, addr: SocketAddr, stopping: &dyn Fn() -> bool) -> Result<Outcome, Stop> {
        // The spare (and its socket) is dropped, so closed, on return.
        self.check_reusing(addr, &mut self.spare(), stopping)
    }

    /// An empty slot for [`check_reusing`](Self::check_reusing), one per thread.
    pub fn spare(&self) -> Spare<'_> {
        Spare {
            prober: self,
            socket: None,
        }
    }

    /// Like [`check`](Self::check), but keeps the socket of a refused
    /// connect in `spare` for the next check: Linux lets a TCP socket whose
    /// connect failed connect again, which saves `socket`, `setsockopt` and
    /// `close` for every closed port (most of a scan's system time).
    pub fn check_reusing(
        &self,
        addr: SocketAddr,
        spare: &mut Spare<'_>,
        stopping: &dyn Fn() -> bool,
    ) -> Result<Outcome, Stop> {
        let socket = match spare.socket.take() {
            Some((v6, s)) if v6 == addr.is_ipv6() => s,
            other => {
                if let Some((_, s)) = other {
                    spare.forget(s);
                }
                match self.socket(addr, stopping)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Outcome::Error(e)),
                }
            }
        };
        let result = connect(&socket, addr, self.timeout, stopping);
        match result {
            Ok(Verdict::Refused) => {
                spare.socket = Some((addr.is_ipv6(), socket));
                Ok(Outcome::Closed)
            }
            Ok(Verdict::Other(outcome)) => {
                spare.forget(socket);
                Ok(outcome)
            }
            Err(e) => {
                spare.forget(socket);
                if e.kind() == io::ErrorKind::Interrupted && stopping() {
                    Err(Stop::Interrupted)
                } else {
                    Ok(Outcome::Error(e))
                }
            }
        }
    }

    /// A new socket, counted in `open_sockets`; waits out a descriptor
    /// shortage while other sockets of ours are open and will be closed.
    /// The inner error is any other failure (EAFNOSUPPORT, EACCES, ...).
    fn socket(
        &self,
        addr: SocketAddr,
        stopping: &dyn Fn() -> bool,
    ) -> Result<io::Result<Socket>, Stop> {
        let mut hopeless = 0;
        let mut pause = Duration::from_micros(200);
        loop {
            // Counted before it exists, so a thread that sees zero knows that
            // no socket of ours is open or about to be.
            let before = self.open_sockets.fetch_add(1, Ordering::SeqCst);
            let err =
                match Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)) {
                    Ok(s) => {
                        if let Err(e) = s.set_write_timeout(Some(self.timeout.min(FIRST_SLICE))) {
                            drop(s);
                            self.open_sockets.fetch_sub(1, Ordering::SeqCst);
                            return Ok(Err(e));
                        }
                        return Ok(Ok(s));
                    }
                    Err(e) => e,
                };
            let after = self.open_sockets.fetch_sub(1, Ordering::SeqCst) - 1;
            if !common::net::is_out_of_files(&err) {
                return Ok(Err(err));
            }
            // None of ours open before or after the attempt, three times
            // running: nothing of ours will free a descriptor. (If one was,
            // waiting is safe: every socket closes within the connect timeout
            // or when its thread finishes.)
            hopeless = if before == 0 && after == 0 {
                hopeless + 1
            } else {
                0
            };
            if hopeless >= 3 {
                return Err(Stop::OutOfFds(format!(
                    "out of file descriptors ({err}); raise the limit with `ulimit -n` \
                     or use a smaller MAXTHREADS"
                )));
            }
            if stopping() {
                return Err(Stop::Interrupted);
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}

/// What [`connect`] found: a refused connect leaves the socket reusable.
enum Verdict {
    Refused,
    Other(Outcome),
}

/// How long one blocking `connect` call waits before the prober looks at
/// `stopping`: Ctrl-C must not wait out a long `--timeout` on a filtered port.
const SLICE: Duration = Duration::from_millis(100);

/// The first call's wait, short so that an ICMP error the kernel recorded
/// during the call is read at once (see [`connect`]). Loopback and most LAN
/// answers arrive within it; later slices are [`SLICE`]s.
const FIRST_SLICE: Duration = Duration::from_millis(1);

/// A blocking connect bounded by `SO_SNDTIMEO`, in slices of at most
/// [`SLICE`] until `timeout`. Unlike socket2's `connect_timeout`
/// (non-blocking connect, then `poll`) it takes two system calls fewer per
/// port, and the kernel decides: a reset that arrived is "closed" even if
/// this thread was descheduled past the deadline. Linux lets a blocking
/// `connect` on a socket whose handshake is still under way wait for it
/// again (failing with `EALREADY` when that slice runs out too).
/// The socket was given its `SO_SNDTIMEO` ([`FIRST_SLICE`]) when it was
/// made, and gets it back if it is kept after a refused connect.
///
/// An ICMP error (port or host unreachable) that arrives while `connect`
/// holds the socket, as it does when a firewall on this host rejects the SYN,
/// is only recorded as the socket's soft error; a blocking `connect` reports
/// it when the SYN is resent a second later, after the default timeout. So
/// when a slice runs out, `SO_ERROR` (which returns the soft error) is read
/// first: ECONNREFUSED is closed, like a reset.
fn connect(
    socket: &Socket,
    addr: SocketAddr,
    timeout: Duration,
    stopping: &dyn Fn() -> bool,
) -> io::Result<Verdict> {
    let deadline = Instant::now() + timeout;
    let target = SockAddr::from(addr);
    let first = timeout.min(FIRST_SLICE);
    let mut slice_now = first;
    let result = connect_slices(socket, &target, deadline, &mut slice_now, stopping);
    if slice_now != first && matches!(result, Ok(Verdict::Refused)) {
        // Kept for the next check, which starts with a short slice again
        // (if this fails, that check only sees an ICMP error a slice later).
        let _ = socket.set_write_timeout(Some(first));
    }
    result
}

/// [`connect`]'s loop; `slice_now` is the socket's current `SO_SNDTIMEO`.
fn connect_slices(
    socket: &Socket,
    target: &SockAddr,
    deadline: Instant,
    slice_now: &mut Duration,
    stopping: &dyn Fn() -> bool,
) -> io::Result<Verdict> {
    // Linux: a connect that hits SO_SNDTIMEO fails with EINPROGRESS, and
    // later calls during the same handshake with EALREADY.
    loop {
        match socket.connect(target) {
            // Connecting from an ephemeral port to itself completes a
            // handshake with nobody (TCP simultaneous open): the port has no
            // listener. The socket is connected (to itself), so it cannot be
            // reused. Compared with the peer the kernel chose, not with
            // `addr`: a wildcard target (`0.0.0.0`, `::`) is connected to
            // loopback, so the self-connect's both ends are 127.0.0.1:P
            // (nmap, which compares with the target, reports such a port open).
            Ok(()) if is_self_connect(socket)? => {
                return Ok(Verdict::Other(Outcome::Closed));
            }
            Ok(()) => return Ok(Verdict::Other(Outcome::Open)),
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => return Ok(Verdict::Refused),
            // The kernel gave up retrying SYNs (a --timeout over two minutes).
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                return Ok(Verdict::Other(Outcome::Filtered));
            }
            // A slice ran out, or a signal (Ctrl-C) cut it short: the
            // handshake goes on in the kernel; wait for it again.
            Err(e) if common::net::is_in_progress(&e) || e.kind() == io::ErrorKind::Interrupted => {
                // The handshake is still under way in the kernel, so the
                // socket is not reusable whatever the error says.
                match socket.take_error()? {
                    Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                        return Ok(Verdict::Other(Outcome::Closed));
                    }
                    Some(e) if e.kind() == io::ErrorKind::TimedOut => {
                        return Ok(Verdict::Other(Outcome::Filtered));
                    }
                    Some(e) => return Err(e),
                    None => {}
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(Verdict::Other(Outcome::Filtered));
                }
                if stopping() {
                    return Err(io::ErrorKind::Interrupted.into());
                }
                // Never zero: a zero SO_SNDTIMEO means no limit at all.
                let slice = left.min(SLICE).max(Duration::from_millis(1));
                if slice != *slice_now {
                    socket.set_write_timeout(Some(slice))?;
                    *slice_now = slice;
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// A socket kept between checks by one thread; closed (and uncounted) on drop.
#[derive(Debug)]
pub struct Spare<'a> {
    prober: &'a Prober,
    socket: Option<(bool, Socket)>,
}

impl Spare<'_> {
    fn forget(&self, socket: Socket) {
        drop(socket);
        self.prober.open_sockets.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for Spare<'_> {
    fn drop(&mut self) {
        if let Some((_, s)) = self.socket.take() {
            self.forget(s);
        }
    }
}

/// Whether a connected socket's two ends are the same address and port.
fn is_self_connect(socket: &Socket) -> io::Result<bool> {
    Ok(socket.local_addr()?.as_socket() == socket.peer_addr()?.as_socket())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpListener};

    #[test]
    fn open_and_closed_on_our_own_ports() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let open = listener.local_addr().unwrap();
        let closed = {
            let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            l.local_addr().unwrap()
        };
        let p = Prober::new(Duration::from_secs(5));
        assert!(matches!(p.check(open, &|| false), Ok(Outcome::Open)));
        assert!(matches!(p.check(closed, &|| false), Ok(Outcome::Closed)));
        assert_eq!(p.open_sockets.load(Ordering::SeqCst), 0);
    }
}
