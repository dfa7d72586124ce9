//! Host names and addresses as the network programs take them (clnt, srvr,
//! portscanner, pinger), and the errno classes they act on.
//!
//! The system resolver (`getaddrinfo`, through `to_socket_addrs`) still reads
//! IPv4 the way 1983's `inet_aton` did: `127.1` is 127.0.0.1, `5` is 0.0.0.5,
//! `0x7f.1` is 127.0.0.1. A mistyped argument then reaches a host nobody
//! meant, so [`resolve`] takes only the dotted quad, and turns anything
//! numeric that is not one away before the resolver sees it.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

/// `host` without the brackets of `[::1]`.
///
/// ```
/// use common::net::strip_brackets;
/// assert_eq!(strip_brackets("[::1]"), "::1");
/// assert_eq!(strip_brackets("localhost"), "localhost");
/// assert_eq!(strip_brackets("[::1"), "[::1");
/// ```
pub fn strip_brackets(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// An IP address literal (IPv4 as a dotted quad, IPv6 also in brackets).
///
/// ```
/// use common::net::parse_ip;
/// assert_eq!(parse_ip("[::1]"), Some("::1".parse().unwrap()));
/// assert_eq!(parse_ip("127.0.0.1"), Some("127.0.0.1".parse().unwrap()));
/// assert_eq!(parse_ip("127.1"), None);
/// ```
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    strip_brackets(s).parse().ok()
}

/// Whether `s` is numeric in the old `inet_aton` sense without being a
/// dotted quad: every dot-separated part a decimal, octal or hex number.
///
/// ```
/// use common::net::is_legacy_numeric;
/// for s in ["1.5", "5", "0x7f.1", "127.1", "2130706433", "0177.0.0.1"] {
///     assert!(is_legacy_numeric(s), "{s}");
/// }
/// for s in ["127.0.0.1", "localhost", "1.2.3.com", "0xdead.beef.org"] {
///     assert!(!is_legacy_numeric(s), "{s}");
/// }
/// ```
pub fn is_legacy_numeric(s: &str) -> bool {
    let number = |l: &str| match l.strip_prefix("0x").or_else(|| l.strip_prefix("0X")) {
        Some(hex) => hex.chars().all(|c| c.is_ascii_hexdigit()),
        None => !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()),
    };
    s.parse::<std::net::Ipv4Addr>().is_err() && s.split('.').all(number)
}

/// Why a host did not give an address.
///
/// ```
/// use common::net::{resolve, HostError};
/// assert!(matches!(resolve("", 80), Err(HostError::Empty)));
/// assert!(matches!(resolve("0x7f.1", 80), Err(HostError::BadAddress(_))));
/// ```
#[derive(Debug)]
pub enum HostError {
    /// An empty host.
    Empty,
    /// Numeric but not a valid IPv4 address (`1.5`), or with a `:` but not a
    /// valid IPv6 address.
    BadAddress(String),
    /// The resolver failed (unknown name, no network).
    Lookup(String, io::Error),
    /// The name has no address.
    NoAddress(String),
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Empty => write!(f, "empty host name"),
            HostError::BadAddress(h) if h.contains(':') => {
                write!(f, "'{h}' is not a valid IPv6 address")
            }
            HostError::BadAddress(h) => write!(f, "'{h}' is not a valid IPv4 address"),
            HostError::Lookup(h, e) => write!(f, "cannot resolve '{h}': {e}"),
            HostError::NoAddress(h) => write!(f, "'{h}' has no address"),
        }
    }
}

impl std::error::Error for HostError {}

/// The addresses of `host` (a name, an IPv4 dotted quad, or IPv6 with or
/// without brackets) with `port`, in the resolver's order. Legacy numeric
/// forms (see [`is_legacy_numeric`]) are refused before any lookup.
///
/// ```
/// use common::net::resolve;
/// assert_eq!(resolve("[::1]", 7).unwrap(), ["[::1]:7".parse().unwrap()]);
/// assert_eq!(resolve("127.0.0.1", 7).unwrap(), ["127.0.0.1:7".parse().unwrap()]);
/// assert_eq!(resolve("1.5", 7).unwrap_err().to_string(), "'1.5' is not a valid IPv4 address");
/// assert_eq!(resolve("::g", 7).unwrap_err().to_string(), "'::g' is not a valid IPv6 address");
/// assert!(resolve("localhost", 7).unwrap().iter().all(|a| a.ip().is_loopback()));
/// ```
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, HostError> {
    let bare = strip_brackets(host.trim());
    if bare.is_empty() {
        return Err(HostError::Empty);
    }
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if is_legacy_numeric(bare) || bare.contains(':') {
        return Err(HostError::BadAddress(bare.to_string()));
    }
    let addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| HostError::Lookup(host.to_string(), e))?
        .collect();
    if addrs.is_empty() {
        return Err(HostError::NoAddress(host.to_string()));
    }
    Ok(addrs)
}

/// A non-blocking or timed-out `connect` still under way (`EINPROGRESS`,
/// `EALREADY`).
///
/// ```
/// use std::io::Error;
/// assert!(common::net::is_in_progress(&Error::from_raw_os_error(libc::EINPROGRESS)));
/// assert!(!common::net::is_in_progress(&Error::from_raw_os_error(libc::ECONNREFUSED)));
/// ```
pub fn is_in_progress(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EINPROGRESS | libc::EALREADY))
}

/// Out of file descriptors: this process's (`EMFILE`, `ulimit -n`) or the
/// system's (`ENFILE`).
///
/// ```
/// use std::io::Error;
/// assert!(common::net::is_out_of_files(&Error::from_raw_os_error(libc::EMFILE)));
/// ```
pub fn is_out_of_files(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

/// Out of descriptors or memory (`EMFILE`, `ENFILE`, `ENOMEM`, `ENOBUFS`):
/// a shortage that may pass, worth a pause and another try.
///
/// ```
/// use std::io::Error;
/// assert!(common::net::is_resource_shortage(&Error::from_raw_os_error(libc::ENOBUFS)));
/// assert!(!common::net::is_resource_shortage(&Error::from_raw_os_error(libc::EPIPE)));
/// ```
pub fn is_resource_shortage(e: &io::Error) -> bool {
    is_out_of_files(e) || matches!(e.raw_os_error(), Some(libc::ENOMEM | libc::ENOBUFS))
}
