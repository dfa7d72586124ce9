//! What both servers share: the listening socket, `v`, the client sockets,
//! and the loop that serves one client.
//!
//! Ownership decides what the tutorial left to luck: each client socket is an
//! `Arc<TcpStream>` held by its thread and by the registry below, so Ctrl-C can
//! shut every socket down (ending reads and writes that would otherwise block
//! forever) without dup'ing descriptors that would keep a closed socket open.

use crate::v::SharedV;
use common::cli::warn;
use common::shutdown::HookGuard;
use common::{Shutdown, net};
use socket2::{Domain, Protocol, SockRef, Socket, Type};
use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{Shutdown as Both, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Options shared by both servers.
#[derive(Clone, Debug)]
pub struct Config {
    /// Cap on `v` in bytes (`--max-len`).
    pub max_len: usize,
    /// Close a client that sends nothing, or reads nothing, for this long
    /// (`--idle-timeout`; `None`, the tutorial's behaviour, waits forever).
    pub idle_timeout: Option<Duration>,
}

/// The default cap on `v`: 1 MiB.
pub const DEFAULT_MAX_LEN: usize = 1 << 20;

impl Default for Config {
    fn default() -> Self {
        Self {
            max_len: DEFAULT_MAX_LEN,
            idle_timeout: None,
        }
    }
}

/// How a server run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every client came and went: the tutorial's ending.
    Finished { v: Vec<u8> },
    /// Ctrl-C (or the injected shutdown) came first.
    Interrupted { v: Vec<u8>, connected: usize },
}

/// Opens a listening TCP socket on `addr` with room for `backlog` pending
/// connections (the tutorial's `listen(5)` drops the SYNs of a crowd of
/// clients, which then wait a second to retry). The kernel caps it at
/// `net.core.somaxconn`.
pub fn listen(addr: SocketAddr, backlog: usize) -> io::Result<TcpListener> {
    // srvr.py:39  lstn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    // thsvr.py:44  lstn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // Lets a restarted server bind while old connections sit in TIME_WAIT;
    // a port that another socket is listening on still fails.
    sock.set_reuse_address(true)?;
    // srvr.py:43  lstn.bind(('', port))
    // thsvr.py:47  lstn.bind(('', port))
    sock.bind(&addr.into())?;
    // srvr.py:45  lstn.listen(5)
    // thsvr.py:49  lstn.listen(5)
    sock.listen(i32::try_from(backlog.max(1)).unwrap_or(i32::MAX))?;
    Ok(sock.into())
}

/// The backlog for `nclnt` clients: all of them, and never less than the
/// tutorial's 5.
pub fn backlog_for(nclnt: usize) -> usize {
    nclnt.max(5)
}

/// One accepted client.
pub struct Client {
    /// 0 for the first client accepted, then 1, 2, ... (the tutorial's `srvr.id`).
    pub id: u64,
    pub peer: SocketAddr,
    stream: Arc<TcpStream>,
}

#[derive(Default)]
struct Registry {
    listener: Option<Arc<TcpListener>>,
    streams: HashMap<u64, Arc<TcpStream>>,
    next_id: u64,
    /// Clients that have left so far: a change wakes [`Server::accept`]
    /// waiting for a descriptor.
    left: u64,
    /// Whether the shortage of descriptors was reported already.
    warned: bool,
    closed: bool,
    /// Clients connected when shutdown came.
    cut_off: usize,
}

/// A running server's shared state.
pub struct Server {
    v: SharedV,
    config: Config,
    registry: Mutex<Registry>,
    /// Notified when a client leaves or shutdown closes everything.
    changed: Condvar,
    shutdown: Shutdown,
    /// Shutdown's hook that closes everything, removed with the server.
    _closer: HookGuard,
}

impl Server {
    /// Takes the listener and arranges for `shutdown` to close it and every
    /// client socket.
    pub fn new(listener: TcpListener, config: Config, shutdown: &Shutdown) -> Arc<Self> {
        Arc::new_cyclic(|weak: &std::sync::Weak<Self>| {
            let weak = weak.clone();
            let closer = shutdown.on_trigger_scoped(move || {
                if let Some(server) = weak.upgrade() {
                    server.close_all();
                }
            });
            Self {
                // srvr.py:48  v = ''
                // srvr.py:50  vlock = thread.allocate_lock()
                // thsvr.py:17  v = ''
                // thsvr.py:18  vlock = threading.Lock()
                v: SharedV::new(config.max_len),
                config,
                registry: Mutex::new(Registry {
                    listener: Some(Arc::new(listener)),
                    // thsvr.py:19  id = 0 # I want to give an ID number to each thread, starting at 0
                    ..Registry::default()
                }),
                changed: Condvar::new(),
                shutdown: shutdown.clone(),
                _closer: closer,
            }
        })
    }

    /// Waits for the next client (the tutorial's `lstn.accept()`). `None` once
    /// shutdown is triggered or the listener is closed.
    pub fn accept(&self) -> io::Result<Option<Client>> {
        let Some(listener) = self.registry().listener.clone() else {
            return Ok(None);
        };
        let (stream, peer) = loop {
            if self.shutdown.is_triggered() {
                return Ok(None);
            }
            // srvr.py:61  (clnt,ap) = lstn.accept()
            // thsvr.py:58  (clnt,ap) = lstn.accept()
            let accepting = timeline::wait!("accept", "lstn.accept()");
            let accepted = listener.accept();
            drop(accepting);
            match accepted {
                Ok(accepted) => break accepted,
                Err(_) if self.shutdown.is_triggered() => return Ok(None),
                Err(e) if is_transient(&e) => {}
                Err(e) if net::is_out_of_files(&e) => self.wait_for_a_descriptor(e)?,
                Err(e) if net::is_resource_shortage(&e) => {
                    self.warn_once(&e, "retrying every 100 ms");
                    self.shutdown.sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
            }
        };
        // Each reply is one write: send it now, not after the client's ACK of
        // the previous one (Nagle), which stalls a line of several letters.
        let _ = stream.set_nodelay(true);
        let stream = Arc::new(stream);
        let mut reg = self.registry();
        if reg.closed {
            let _ = stream.shutdown(Both::Both);
            return Ok(None);
        }
        // thsvr.py:24  self.myid = srvr.id
        let id = reg.next_id;
        // thsvr.py:25  srvr.id += 1
        reg.next_id += 1;
        reg.streams.insert(id, Arc::clone(&stream));
        Ok(Some(Client { id, peer, stream }))
    }

    /// Out of descriptors (EMFILE, or ENFILE for the whole system). Only a
    /// client that leaves frees one of ours: with none connected, waiting
    /// would be forever, so the error comes back naming `ulimit -n`;
    /// otherwise this sleeps until a client leaves (or shutdown), warning
    /// once.
    fn wait_for_a_descriptor(&self, e: io::Error) -> io::Result<()> {
        let mut reg = self.registry();
        if reg.streams.is_empty() {
            let limit = common::limits::soft_open_files()
                .map_or(String::new(), |n| format!(", `ulimit -n` is {n}"));
            return Err(io::Error::new(
                e.kind(),
                format!(
                    "out of file descriptors ({e}{limit}) and no client connected that could \
                     free one; raise the limit with `ulimit -n`"
                ),
            ));
        }
        if !reg.warned {
            reg.warned = true;
            warn(format_args!(
                "accept: {e}; waiting for a client to leave (raise `ulimit -n` for more clients)"
            ));
        }
        let left = reg.left;
        drop(
            self.changed
                .wait_while(reg, |r| r.left == left && !r.closed)
                .unwrap_or_else(|e| e.into_inner()),
        );
        Ok(())
    }

    /// One line on stderr for the first resource shortage of the run.
    fn warn_once(&self, e: &io::Error, what: &str) {
        let mut reg = self.registry();
        if !reg.warned {
            reg.warned = true;
            warn(format_args!("accept: {e}; {what}"));
        }
    }

    /// Closes the listening socket (the tutorial's `lstn.close()`): later
    /// clients are refused.
    pub fn close_listener(&self) {
        // srvr.py:69  lstn.close()
        // thsvr.py:68  lstn.close()
        self.registry().listener = None;
    }

    /// Serves one client until it leaves (the tutorial's `serveclient` /
    /// `run`): each byte is a letter, appended to `v` under the lock, and all
    /// of `v` goes back. Reads take up to 4 KiB at a time but each byte is
    /// handled on its own, so the wire sees what a `recv(1)` loop sends.
    // srvr.py:19  def serveclient(c):
    // thsvr.py:30  def run(self):
    pub fn serve(&self, client: &Client) {
        // The whole session is a `session` span; each letter a `letter`
        // span inside it, the reads `recv` waits.
        let session = timeline::work!("session", "client {} ({})", client.id, client.peer);
        self.serve_until_gone(client);
        drop(session);
        // srvr.py:33  c.close()
        // thsvr.py:41  self.myclntsock.close()
        let _ = client.stream.shutdown(Both::Both);
    }

    /// Drops the registry's reference to a client socket, the last one once
    /// its thread has let go (so the descriptor is free), and wakes an accept
    /// waiting for one.
    fn forget(&self, id: u64) {
        let mut reg = self.registry();
        reg.streams.remove(&id);
        reg.left += 1;
        self.changed.notify_all();
    }

    // srvr.py:20  global v,nclnt,vlock,nclntlock
    // (the globals are the shared `Server` that `self` is)
    fn serve_until_gone(&self, client: &Client) {
        let mut stream = &*client.stream;
        if let Some(t) = self.config.idle_timeout {
            let _ = stream.set_read_timeout(Some(t));
            let _ = stream.set_write_timeout(Some(t));
        }
        let mut buf = [0u8; 4096];
        // srvr.py:22  while 1:
        // thsvr.py:31  while 1:
        loop {
            // srvr.py:24  k = c.recv(1)
            // thsvr.py:33  k = self.myclntsock.recv(1)
            let receiving = timeline::wait!("recv", "c.recv(1)");
            let read = stream.read(&mut buf);
            drop(receiving);
            let n = match read {
                // srvr.py:25  if k == '': break
                // thsvr.py:34  if k == '': break
                Ok(0) => return, // the client closed: gone
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.client_error(client, &e),
            };
            for &letter in &buf[..n] {
                let _letter = timeline::work!("letter", "v += {:?}", char::from(letter));
                let Some(snapshot) = self.v.append(letter) else {
                    warn(format_args!(
                        "v reached --max-len {} bytes; closing client {} ({})",
                        self.v.max_len(),
                        client.id,
                        client.peer
                    ));
                    return self.close_gently(client);
                };
                // srvr.py:32  c.send(v)
                // thsvr.py:40  self.myclntsock.send(srvr.v)
                if let Err(e) = snapshot.write_to(stream) {
                    return self.client_error(client, &e);
                }
            }
        }
    }

    fn client_error(&self, client: &Client, e: &io::Error) {
        if self.shutdown.is_triggered() {
            return;
        }
        match (e.kind(), self.config.idle_timeout) {
            (io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut, Some(t)) => warn(format_args!(
                "client {} ({}) idle for {:?}; closing it",
                client.id, client.peer, t
            )),
            _ => warn(format_args!("client {} ({}): {e}", client.id, client.peer)),
        }
    }

    /// Ends the stream after the replies already sent, then reads and drops
    /// what the client is still sending for a moment, so that the close is a
    /// FIN after its last reply rather than a reset that could destroy it.
    fn close_gently(&self, client: &Client) {
        let mut stream = &*client.stream;
        let _ = stream.shutdown(Both::Write);
        // Ctrl-C shuts the socket down, which ends the read at once.
        let until = Instant::now() + Duration::from_millis(500);
        let mut sink = [0u8; 4096];
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match stream.read(&mut sink) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    }

    /// `v` now.
    pub fn v(&self) -> Vec<u8> {
        self.v.to_vec()
    }

    /// Clients connected now, or when shutdown came.
    pub fn connected(&self) -> usize {
        let reg = self.registry();
        if reg.closed {
            reg.cut_off
        } else {
            reg.streams.len()
        }
    }

    /// The outcome after the wait for the clients ended (`finished`) or was cut
    /// short by shutdown.
    pub fn outcome(&self, finished: bool) -> Outcome {
        if finished && !self.shutdown.is_triggered() {
            Outcome::Finished { v: self.v() }
        } else {
            Outcome::Interrupted {
                v: self.v(),
                connected: self.connected(),
            }
        }
    }

    /// Stops accepting and shuts every client socket down: blocked `accept`,
    /// `read` and `write` calls return at once.
    fn close_all(&self) {
        let mut reg = self.registry();
        reg.closed = true;
        reg.cut_off = reg.streams.len();
        if let Some(l) = reg.listener.take() {
            // Linux wakes a thread blocked in accept() on a listening socket
            // that is shut down.
            let _ = SockRef::from(&*l).shutdown(Both::Both);
        }
        for s in reg.streams.values() {
            let _ = s.shutdown(Both::Both);
        }
        self.changed.notify_all();
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Spawns a thread for `client` running `body`; once `body` has returned
/// (and dropped `client`), the client's socket is closed and forgotten. If the
/// thread cannot be started the client is closed, logged and `None` comes
/// back.
pub fn spawn_client(
    server: &Arc<Server>,
    client: Client,
    name: String,
    body: impl FnOnce(Arc<Server>, Client) + Send + 'static,
) -> Option<std::thread::JoinHandle<()>> {
    let (id, peer, stream) = (client.id, client.peer, Arc::clone(&client.stream));
    let s = Arc::clone(server);
    match std::thread::Builder::new().name(name).spawn(move || {
        body(Arc::clone(&s), client);
        s.forget(id);
    }) {
        Ok(h) => Some(h),
        Err(e) => {
            warn(format_args!(
                "client {id} ({peer}): cannot start a thread: {e}"
            ));
            let _ = stream.shutdown(Both::Both);
            server.forget(id);
            None
        }
    }
}

fn is_transient(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    )
}
