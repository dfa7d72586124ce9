//! Native ICMP echo: opening the socket, and one address's probe loop.
//!
//! Two kinds of socket. A datagram ICMP socket ("ping socket") needs no
//! privilege when the user's group is inside `net.ipv4.ping_group_range`
//! (for IPv6 too); the kernel picks the identifier and hands each socket only
//! its own replies. A raw socket needs root (CAP_NET_RAW) and sees everything,
//! so [`Probe::match_reply`] does the filtering.

use crate::Outcome;
use crate::icmp::Probe;
use common::Shutdown;
use socket2::{Domain, Protocol, SockFilter, Socket, Type};
use std::io;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Which socket to use (`--socket`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SocketMode {
    /// Datagram if the kernel allows it, else raw.
    Auto,
    /// Unprivileged ICMP datagram socket (needs `net.ipv4.ping_group_range`);
    /// `datagram` works too.
    #[value(alias = "datagram")]
    Dgram,
    /// Raw socket (needs root or CAP_NET_RAW).
    Raw,
}

/// The socket kind settled on for one address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dgram,
    Raw,
}

/// Opens an ICMP socket of `kind`, as a `UdpSocket` (std's safe
/// `send_to`/`recv_from` with timeouts work on any datagram-style socket).
///
/// On a raw socket, `filter_ident` installs a kernel filter passing only
/// echo replies with that identifier.
pub fn open(kind: Kind, v6: bool, filter_ident: Option<u16>) -> io::Result<UdpSocket> {
    let (domain, proto) = if v6 {
        (Domain::IPV6, Protocol::ICMPV6)
    } else {
        (Domain::IPV4, Protocol::ICMPV4)
    };
    let ty = match kind {
        Kind::Dgram => Type::DGRAM,
        Kind::Raw => Type::RAW,
    };
    let socket = Socket::new(domain, ty, Some(proto))?;
    if let (Kind::Raw, Some(ident)) = (kind, filter_ident) {
        // Best effort: without it, userspace matching still sorts the replies.
        let _ = socket.attach_filter(&reply_filter(v6, ident));
    }
    Ok(socket.into())
}

/// A classic BPF program passing only echo replies carrying `ident`.
///
/// Every raw ICMP socket gets a copy of every ICMP packet the host receives:
/// with 254 threads each pinging one address, each socket would be handed all
/// 508 replies and 508 loopback requests, overflow its buffer, and drop
/// replies of its own, turning into false "package loss". Filtering in the
/// kernel keeps each socket's queue to its own replies. A raw IPv4 socket sees
/// the IP header first (its length is in the low nibble of byte 0); a raw
/// ICMPv6 socket starts at the ICMPv6 header.
fn reply_filter(v6: bool, ident: u16) -> Vec<SockFilter> {
    // Opcodes from linux/filter.h.
    const LDX_B_MSH: u16 = 0x01 | 0x10 | 0xa0; // X = 4 * (pkt[k] & 0xf)
    const LD_B_IND: u16 = 0x10 | 0x40; // A = pkt[X + k]
    const LD_H_IND: u16 = 0x08 | 0x40;
    const LD_B_ABS: u16 = 0x10 | 0x20; // A = pkt[k]
    const LD_H_ABS: u16 = 0x08 | 0x20;
    const JEQ_K: u16 = 0x05 | 0x10; // A == k ? skip jt : skip jf
    const RET_K: u16 = 0x06;
    let ident = u32::from(ident);
    if v6 {
        vec![
            SockFilter::new(LD_B_ABS, 0, 0, 0),
            SockFilter::new(JEQ_K, 0, 3, 129),
            SockFilter::new(LD_H_ABS, 0, 0, 4),
            SockFilter::new(JEQ_K, 0, 1, ident),
            SockFilter::new(RET_K, 0, 0, u32::MAX),
            SockFilter::new(RET_K, 0, 0, 0),
        ]
    } else {
        vec![
            SockFilter::new(LDX_B_MSH, 0, 0, 0),
            SockFilter::new(LD_B_IND, 0, 0, 0),
            SockFilter::new(JEQ_K, 0, 3, 0),
            SockFilter::new(LD_H_IND, 0, 0, 4),
            SockFilter::new(JEQ_K, 0, 1, ident),
            SockFilter::new(RET_K, 0, 0, u32::MAX),
            SockFilter::new(RET_K, 0, 0, 0),
        ]
    }
}

/// Settles `mode` for one family by opening a socket once, so that a missing
/// permission is one clear message before any thread starts. The `Err` is
/// that message.
pub fn choose(mode: SocketMode, v6: bool) -> Result<Kind, String> {
    let family = if v6 { "ICMPv6" } else { "ICMP" };
    let try_kind = |kind| open(kind, v6, None).map(|_| kind);
    let denied = |e: &io::Error| {
        // EACCES (outside ping_group_range) and EPERM (raw, not root).
        e.kind() == io::ErrorKind::PermissionDenied
    };
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    let how = "run as root (raw socket), allow datagram ICMP with \
               `sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"`, or use --via-ping";
    match mode {
        SocketMode::Dgram => try_kind(Kind::Dgram).map_err(|e| {
            if denied(&e) {
                format!(
                    "the kernel refuses {family} datagram sockets to this user \
                     (net.ipv4.ping_group_range is \"{range}\"): set it with \
                     `sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"`, \
                     or use --socket raw as root, or --via-ping"
                )
            } else {
                format!("cannot open an {family} datagram socket: {e}")
            }
        }),
        SocketMode::Raw => try_kind(Kind::Raw).map_err(|e| {
            if denied(&e) {
                format!("raw {family} sockets need root (CAP_NET_RAW): run as root, or use --socket dgram or --via-ping")
            } else {
                format!("cannot open a raw {family} socket: {e}")
            }
        }),
        SocketMode::Auto => try_kind(Kind::Dgram).or_else(|dgram_err| {
            try_kind(Kind::Raw).map_err(|raw_err| {
                if denied(&dgram_err) && denied(&raw_err) {
                    format!("no permission for {family} sockets: {how}")
                } else {
                    format!("cannot open an {family} socket: {raw_err}")
                }
            })
        }),
    }
}

/// How to probe one address.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub count: u16,
    pub interval: Duration,
    pub timeout: Duration,
}

/// How often a waiting thread looks at the shutdown flag.
const SHUTDOWN_POLL: Duration = Duration::from_millis(50);

/// Waits shorter than this are slept (to the microsecond) and then followed
/// by a non-blocking read, instead of a blocking read with a timeout: the
/// kernel counts receive timeouts in whole clock ticks (4 or 10 ms), which
/// would stretch `-i 1ms` to 8 ms a request.
const PRECISE: Duration = Duration::from_millis(25);

/// Sends `settings.count` echo requests to `addr`, one every `interval`, and
/// counts the replies. The address is done when every probe is answered, or
/// `timeout` after its last request (so each probe gets at least `timeout`;
/// like ping, a slow reply to an earlier probe still counts). If shutdown
/// comes first, returns what [`cut_short`] leaves.
pub fn ping(
    addr: IpAddr,
    kind: Kind,
    probe: Probe,
    settings: Settings,
    shutdown: &Shutdown,
) -> Option<Outcome> {
    let count = usize::from(settings.count);
    let socket = match open(kind, addr.is_ipv6(), Some(probe.ident)) {
        Ok(s) => s,
        Err(e) => return Some(Outcome::error(format!("cannot open socket: {e}"))),
    };
    // Until the kernel filter was attached, the socket queued every ICMP
    // packet on the host: with hundreds of threads sending at once, enough
    // to fill its buffer and crowd out our own replies. Nothing is ours yet.
    let mut buf = [0u8; 1500];
    if kind == Kind::Raw {
        drain(&socket, &mut buf, |_, _| {});
    }
    let dest = SocketAddr::new(addr, 0);
    let mut replies = Replies {
        addr,
        probe,
        raw: kind == Kind::Raw,
        answered: vec![false; count],
        received: 0,
    };
    let mut sent = 0usize;
    let mut sent_at = Vec::new();
    let mut error = None;
    let mut next_send = Instant::now();
    let mut last_deadline = None;
    loop {
        if shutdown.is_triggered() {
            return cut_short(&replies, &sent_at, settings.timeout, error);
        }
        let now = Instant::now();
        if sent < count && now >= next_send {
            // Sequence numbers are probe numbers; -c is at most 65535.
            if let Err(e) = socket.send_to(&probe.request(sent as u16), dest) {
                // No route, or a broadcast address: this probe is lost.
                error.get_or_insert_with(|| format!("send failed: {e}"));
            }
            sent += 1;
            sent_at.push(now);
            next_send = now + settings.interval;
            if sent == count {
                last_deadline = Some(now + settings.timeout);
            }
            // With short intervals, read what came in before the next send,
            // or the replies to a fast burst overflow the socket's buffer.
            if settings.interval >= PRECISE {
                continue;
            }
        }
        if replies.received == count {
            break;
        }
        if last_deadline.is_some_and(|d| now >= d) {
            // A thread starved of CPU can wake after its deadline with the
            // replies already queued: they came in time, so count them.
            drain(&socket, &mut buf, |packet, from| {
                replies.record(packet, from)
            });
            break;
        }
        let mut wake = now + SHUTDOWN_POLL;
        if sent < count {
            wake = wake.min(next_send);
        }
        if let Some(d) = last_deadline {
            wake = wake.min(d);
        }
        let wait = wake.saturating_duration_since(Instant::now());
        if wait < PRECISE {
            std::thread::sleep(wait);
            drain(&socket, &mut buf, |packet, from| {
                replies.record(packet, from)
            });
            continue;
        }
        if let Err(e) = socket.set_read_timeout(Some(wait)) {
            return Some(Outcome::error(format!("cannot set a timeout: {e}")));
        }
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => replies.record(&buf[..n], from),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            // An ICMP error reported on the socket (unreachable, ...): keep
            // waiting, the verdict is in the count.
            Err(e) => {
                error.get_or_insert_with(|| format!("receive failed: {e}"));
                shutdown.sleep(Duration::from_millis(10));
            }
        }
    }
    Some(Outcome {
        sent: sent as u32,
        received: replies.received as u32,
        error,
        cut_short: false,
    })
}

/// What Ctrl-C leaves of one address's run, as ping and fping report it:
/// the requests settled by now, answered or sent at least `timeout` ago
/// (one still in flight is neither lost nor answered). `None` if none is.
fn cut_short(
    replies: &Replies,
    sent_at: &[Instant],
    timeout: Duration,
    error: Option<String>,
) -> Option<Outcome> {
    let settled = sent_at
        .iter()
        .zip(&replies.answered)
        .filter(|&(at, &answered)| answered || at.elapsed() >= timeout)
        .count();
    (settled > 0).then_some(Outcome {
        sent: settled as u32,
        received: replies.received as u32,
        error,
        cut_short: true,
    })
}

/// Reads whatever is queued on `socket` without waiting (bounded, in case
/// packets keep coming), handing each packet to `each`.
fn drain(socket: &UdpSocket, buf: &mut [u8], mut each: impl FnMut(&[u8], SocketAddr)) {
    if socket.set_nonblocking(true).is_err() {
        return;
    }
    for _ in 0..100_000 {
        match socket.recv_from(buf) {
            Ok((n, from)) => each(&buf[..n], from),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let _ = socket.set_nonblocking(false);
}

/// Whether replies to `target` come from `from` though it is another
/// address: the wildcard `0.0.0.0` (or `::`) means this host, and the kernel
/// answers it from loopback, as ping and fping count it.
fn answers_for(target: IpAddr, from: IpAddr) -> bool {
    target.is_unspecified() && from.is_loopback() && target.is_ipv4() == from.is_ipv4()
}

/// The probes of one address answered so far.
struct Replies {
    addr: IpAddr,
    probe: Probe,
    raw: bool,
    answered: Vec<bool>,
    received: usize,
}

impl Replies {
    /// Counts `packet` if it answers one of our probes not yet answered
    /// (duplicates count once).
    fn record(&mut self, packet: &[u8], from: SocketAddr) {
        if from.ip() != self.addr && !answers_for(self.addr, from.ip()) {
            return;
        }
        let ip_header = self.raw && self.addr.is_ipv4();
        let Some(seq) = self.probe.match_reply(packet, ip_header, self.raw) else {
            return;
        };
        if let Some(seen @ false) = self.answered.get_mut(usize::from(seq)) {
            *seen = true;
            self.received += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// Two raw sockets with filters for different identifiers: only the
    /// sender's gets the reply. Needs root (raw sockets); skips otherwise.
    #[test]
    fn kernel_filter_passes_only_our_identifier() {
        for addr in [
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ] {
            let v6 = addr.is_ipv6();
            let (Ok(ours), Ok(other)) = (
                open(Kind::Raw, v6, Some(0x1111)),
                open(Kind::Raw, v6, Some(0x2222)),
            ) else {
                testkit::skip!("no raw sockets (not root)");
            };
            let mut buf = [0u8; 1500];
            // Whatever queued before the filters were attached.
            drain(&ours, &mut buf, |_, _| {});
            drain(&other, &mut buf, |_, _| {});
            let probe = Probe {
                v6,
                token: 99,
                index: 0,
                ident: 0x1111,
            };
            ours.send_to(&probe.request(0), SocketAddr::new(addr, 0))
                .unwrap();
            ours.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            // Our own request never passes the filter: the first packet is
            // the reply (another test's probe with our identifier is
            // possible but would not match the token).
            let (n, from) = ours.recv_from(&mut buf).expect("our reply");
            assert_eq!(from.ip(), addr);
            assert_eq!(probe.match_reply(&buf[..n], !v6, true), Some(0));
            other
                .set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            while let Ok((n, _)) = other.recv_from(&mut buf) {
                assert_eq!(
                    probe.match_reply(&buf[..n], !v6, false),
                    None,
                    "{addr}: reply leaked"
                );
                let icmp = if v6 { &buf[..n] } else { &buf[20..n] };
                assert_eq!(
                    &icmp[4..6],
                    &[0x22, 0x22],
                    "{addr}: filter let through {icmp:?}"
                );
            }
        }
    }
}
