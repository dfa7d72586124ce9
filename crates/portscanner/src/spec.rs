//! What the command line asks for: port lists, hosts, timeouts, MAXTHREADS.
//!
//! Every parser returns a one-line message on bad input; `main` prints it and
//! exits 2.

use common::net::HostError;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The tutorial's ports: `range(1, 100)`.
pub const TUTORIAL_PORTS: std::ops::RangeInclusive<u16> = 1..=99;

/// Parses `22,80,8000-8100` into ascending, de-duplicated ports. Like nmap,
/// `-` alone means 1-65535, `A-` means A-65535 and `-B` means 1-B.
///
/// ```
/// use portscanner::spec::parse_ports;
/// assert_eq!(parse_ports("80,22,20-22").unwrap(), vec![20, 21, 22, 80]);
/// assert_eq!(parse_ports("-").unwrap().len(), 65535);
/// assert!(parse_ports("0").is_err());
/// assert!(parse_ports("90-80").is_err());
/// ```
pub fn parse_ports(spec: &str) -> Result<Vec<u16>, String> {
    let mut seen = vec![false; 65536];
    for item in spec.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err(format!("empty item in port list '{spec}'"));
        }
        let (lo, hi) = match item.split_once('-') {
            None => {
                let p = port(item)?;
                (p, p)
            }
            Some((a, b)) => {
                let lo = if a.trim().is_empty() { 1 } else { port(a)? };
                let hi = if b.trim().is_empty() { 65535 } else { port(b)? };
                if lo > hi {
                    return Err(format!("empty port range '{item}' ({lo} > {hi})"));
                }
                (lo, hi)
            }
        };
        for p in lo..=hi {
            seen[usize::from(p)] = true;
        }
    }
    Ok((1..=65535u16).filter(|&p| seen[usize::from(p)]).collect())
}

fn port(s: &str) -> Result<u16, String> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid port '{s}' (ports are 1-65535)"));
    }
    match s.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        _ => Err(format!("port {s} out of range (ports are 1-65535)")),
    }
}

/// Parses a timeout: seconds (`1`, `0.25`) or with a unit (`500ms`, `2s`).
///
/// ```
/// use std::time::Duration;
/// use portscanner::spec::parse_timeout;
/// assert_eq!(parse_timeout("500ms").unwrap(), Duration::from_millis(500));
/// assert_eq!(parse_timeout("1.5").unwrap(), Duration::from_millis(1500));
/// assert!(parse_timeout("0").is_err());
/// ```
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    common::cli::parse_duration(s, 0.001..=3600.0).ok_or_else(|| {
        format!("invalid timeout '{s}' (seconds from 0.001 to 3600, e.g. 1, 0.5 or 500ms)")
    })
}

/// The most threads a run may ask for ([`common::limits::MAX_LIVE_THREADS`]);
/// 10000 connects in flight already settle 10000 filtered ports per timeout.
pub const MAX_THREADS: usize = common::limits::MAX_LIVE_THREADS;

/// Splits the positional arguments `HOST... [MAXTHREADS]`: with two or more,
/// a last argument made of digits is MAXTHREADS (the tutorial's
/// `portscanner.py host maxthreads`).
///
/// ```
/// use portscanner::spec::split_positionals;
/// let args = ["localhost".to_string(), "5".to_string()];
/// assert_eq!(split_positionals(&args).unwrap(), (&args[..1], Some(5)));
/// assert!(split_positionals(&["h".into(), "0".into()]).is_err());
/// ```
pub fn split_positionals(args: &[String]) -> Result<(&[String], Option<usize>), String> {
    match args {
        [hosts @ .., last]
            if !hosts.is_empty()
                && !last.is_empty()
                && last.bytes().all(|b| b.is_ascii_digit()) =>
        {
            match last.parse::<usize>() {
                Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok((hosts, Some(n))),
                _ => Err(format!(
                    "MAXTHREADS must be a whole number from 1 to {MAX_THREADS}, not '{last}'"
                )),
            }
        }
        // `127.0.0.1 1.5`: a mistyped MAXTHREADS, not the host 1.0.0.5.
        [hosts @ .., last] if !hosts.is_empty() && common::net::is_legacy_numeric(last) => {
            Err(format!(
                "MAXTHREADS must be a whole number from 1 to {MAX_THREADS}, not '{last}' \
                 (nor is it an IPv4 address: those have four decimal parts)"
            ))
        }
        _ => Ok((args, None)),
    }
}

/// Which address families a name may resolve to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// IPv4 if the name has one, else IPv6 (the tutorial's `AF_INET` first).
    Any,
    V4,
    V6,
}

/// Resolves one host to the address to scan. Literals (`::1`, `[::1]`,
/// `127.0.0.1`) are used as given; names take their first IPv4 address unless
/// `family` says otherwise, as nmap does. Legacy numeric forms (`127.1`,
/// `0x7f.1`, `5`), which the C resolver would read as addresses nobody
/// meant, are refused ([`common::net::resolve`]).
pub fn resolve(host: &str, family: Family) -> Result<IpAddr, String> {
    let fits = |ip: &IpAddr| match family {
        Family::Any => true,
        Family::V4 => ip.is_ipv4(),
        Family::V6 => ip.is_ipv6(),
    };
    if let Some(ip) = common::net::parse_ip(host) {
        return if fits(&ip) {
            Ok(ip)
        } else {
            Err(format!("{host} is not an {} address", fam_name(family)))
        };
    }
    let addrs = common::net::resolve(host, 0).map_err(|e| match e {
        HostError::BadAddress(_) if !host.contains(':') => format!(
            "{e} (write all four decimal parts, e.g. 127.0.0.1; forms such as 127.1 \
             or 0x7f.1 are refused)"
        ),
        e => e.to_string(),
    })?;
    let pick = match family {
        Family::Any => addrs.iter().find(|a| a.is_ipv4()).or_else(|| addrs.first()),
        _ => addrs.iter().find(|a| fits(&a.ip())),
    };
    pick.map(SocketAddr::ip).ok_or_else(|| match family {
        Family::Any => format!("'{host}' has no address"),
        _ => format!("host '{host}' has no {} address", fam_name(family)),
    })
}

fn fam_name(f: Family) -> &'static str {
    match f {
        Family::V6 => "IPv6",
        _ => "IPv4",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_lists() {
        assert_eq!(parse_ports("22").unwrap(), vec![22]);
        assert_eq!(parse_ports(" 8, 7 ,7-9").unwrap(), vec![7, 8, 9]);
        assert_eq!(
            parse_ports("65530-").unwrap(),
            (65530..=65535).collect::<Vec<_>>()
        );
        assert_eq!(parse_ports("-3").unwrap(), vec![1, 2, 3]);
        assert_eq!(parse_ports("1-65535").unwrap().len(), 65535);
        for bad in [
            "",
            "0",
            "65536",
            "1-0",
            "5-4",
            "a",
            "1,,2",
            "1-2-3",
            "99999999999",
            "-0",
            "+5",
        ] {
            assert!(parse_ports(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("2s").unwrap(), Duration::from_secs(2));
        for bad in ["", "-1", "nan", "inf", "0ms", "1h", "99999"] {
            assert!(parse_timeout(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn positionals() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let a = v(&["h"]);
        assert_eq!(split_positionals(&a).unwrap(), (&a[..], None));
        let a = v(&["h", "g"]);
        assert_eq!(split_positionals(&a).unwrap(), (&a[..], None));
        let a = v(&["h", "g", "500"]);
        assert_eq!(split_positionals(&a).unwrap(), (&a[..2], Some(500)));
        assert!(split_positionals(&v(&["h", "99999999999999999999999"])).is_err());
        assert!(split_positionals(&v(&["h", "10000"])).is_ok());
        assert!(split_positionals(&v(&["h", "10001"])).is_err());
        for typo in ["1.5", "0x10", "1.2.3"] {
            let e = split_positionals(&v(&["127.0.0.1", typo])).unwrap_err();
            assert!(e.contains("MAXTHREADS"), "{typo}: {e}");
        }
        let a = v(&["127.0.0.1", "127.0.0.2"]);
        assert_eq!(split_positionals(&a).unwrap(), (&a[..], None));
    }

    #[test]
    fn literals_and_families() {
        assert_eq!(resolve("[::1]", Family::Any).unwrap().to_string(), "::1");
        assert_eq!(
            resolve("127.0.0.1", Family::V4).unwrap().to_string(),
            "127.0.0.1"
        );
        assert!(resolve("::1", Family::V4).is_err());
        assert!(resolve("", Family::Any).is_err());
        // What the C resolver would read as 0.0.0.5, 1.0.0.5, 127.0.0.1.
        for legacy in [
            "5",
            "1.5",
            "0x7f.1",
            "0177.0.0.1",
            "127.000.0.1",
            "2130706433",
        ] {
            let e = resolve(legacy, Family::Any).unwrap_err();
            assert!(e.contains("not a valid IPv4 address"), "{legacy}: {e}");
        }
        // Unknown names are tested inside a network namespace (tests/netns.rs),
        // so that the failed lookup sends nothing off the machine.
    }
}
