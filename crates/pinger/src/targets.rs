//! Turning the command line's address specs into the sorted list of targets.
//!
//! The tutorial hard-codes `192.168.178.20` to `.69`; here the user names the
//! sweep: `FIRST LAST` (the form), `A-B` or `127.0.0.1-20`, a CIDR block,
//! single addresses, host names, or any list of these. The size is counted
//! before anything is expanded, so a typo like `/8` (or an IPv6 `/64`) is refused
//! instead of allocating or flooding.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One address to ping, with the text it is reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: IpAddr,
    /// The address itself, or the host name the user typed.
    pub label: String,
}

/// A parsed spec, not yet expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spec {
    /// Inclusive range (a single address is `first == last`).
    V4(u32, u32),
    V6(u128, u128),
    Host(String),
}

impl Spec {
    fn size(&self) -> u128 {
        match *self {
            Spec::V4(a, b) => u128::from(b - a) + 1,
            Spec::V6(a, b) => (b - a).saturating_add(1),
            Spec::Host(_) => 1,
        }
    }
}

/// Expands `specs` to targets sorted by address, without duplicates.
///
/// Exactly two plain addresses of one family are a range from the first to the
/// last (`pinger 127.0.0.1 127.0.0.20`), unless `list` is set. More than
/// `max` addresses is an error, so is anything unparsable: the `Err` is the
/// one-line message for the user.
pub fn expand(specs: &[String], list: bool, max: u64) -> Result<Vec<Target>, String> {
    if specs.is_empty() {
        return Err("no addresses given".into());
    }
    let mut parsed = specs
        .iter()
        .map(|s| parse_spec(s))
        .collect::<Result<Vec<_>, _>>()?;
    if !list && specs.len() == 2 {
        let plain = |s: &str| parse_ip(s).is_some();
        if plain(&specs[0]) && plain(&specs[1]) {
            match (&parsed[0], &parsed[1]) {
                (Spec::V4(a, _), Spec::V4(b, _)) if a > b => {
                    return Err(backwards(&specs[0], &specs[1]));
                }
                (Spec::V6(a, _), Spec::V6(b, _)) if a > b => {
                    return Err(backwards(&specs[0], &specs[1]));
                }
                (Spec::V4(a, _), Spec::V4(_, b)) => parsed = vec![Spec::V4(*a, *b)],
                (Spec::V6(a, _), Spec::V6(_, b)) => parsed = vec![Spec::V6(*a, *b)],
                // Mixed families cannot be a range: a list of two.
                _ => {}
            }
        }
    }
    let total = parsed.iter().fold(0u128, |n, s| n.saturating_add(s.size()));
    if total > u128::from(max) {
        let shown = if total == u128::MAX {
            "more than 10^38".to_string()
        } else {
            total.to_string()
        };
        return Err(format!(
            "that is {shown} addresses, more than --max-addresses {max}; \
             raise --max-addresses if you really mean to sweep them all"
        ));
    }
    let mut out: BTreeMap<IpAddr, String> = BTreeMap::new();
    for spec in parsed {
        match spec {
            Spec::V4(a, b) => {
                for n in a..=b {
                    let ip = IpAddr::V4(Ipv4Addr::from(n));
                    out.entry(ip).or_insert_with(|| ip.to_string());
                }
            }
            Spec::V6(a, b) => {
                // `a..=b` over u128 is fine: the count was bounded above.
                for n in a..=b {
                    let ip = IpAddr::V6(Ipv6Addr::from(n));
                    out.entry(ip).or_insert_with(|| ip.to_string());
                }
            }
            Spec::Host(name) => {
                let ip = resolve(&name)?;
                out.entry(ip).or_insert(name);
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(addr, label)| Target { addr, label })
        .collect())
}

fn backwards(first: &str, last: &str) -> String {
    format!(
        "first address {first} comes after last address {last} \
         (swap them, or add --list to ping just these two)"
    )
}

/// An IP address, also in `[v6]` brackets.
fn parse_ip(s: &str) -> Option<IpAddr> {
    common::net::parse_ip(s)
}

fn parse_spec(s: &str) -> Result<Spec, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty address".into());
    }
    if let Some(ip) = parse_ip(s) {
        return Ok(single(ip));
    }
    if let Some((addr, prefix)) = s.split_once('/') {
        return parse_cidr(s, addr, prefix);
    }
    if let Some((a, b)) = s.split_once('-') {
        if let Some(first) = parse_ip(a) {
            return parse_range(s, first, b);
        }
    }
    // Not an address: a host name, unless it only looks like a broken address
    // (the resolver would read `127.1` or `0x7f.1` as 127.0.0.1, ping-style).
    if common::net::is_legacy_numeric(s) || s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!("'{s}' is not a valid IPv4 address"));
    }
    if s.contains(':') {
        return Err(format!("'{s}' is not a valid IPv6 address"));
    }
    let valid_name = s.split('.').all(|l| {
        !l.is_empty()
            && !l.starts_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if !valid_name {
        return Err(format!(
            "'{s}' is not an address, range (A-B), CIDR block (A/N) or host name"
        ));
    }
    Ok(Spec::Host(s.to_string()))
}

fn single(ip: IpAddr) -> Spec {
    // `::ffff:127.0.0.1` is an IPv4 address: ping it over ICMP, not ICMPv6.
    match ip.to_canonical() {
        IpAddr::V4(a) => Spec::V4(a.into(), a.into()),
        IpAddr::V6(a) => Spec::V6(a.into(), a.into()),
    }
}

/// `A/N`. IPv4 blocks up to /30 leave out the network and broadcast
/// addresses, as `fping -g` and `nmap -sn` do; host bits in `A` are ignored.
fn parse_cidr(s: &str, addr: &str, prefix: &str) -> Result<Spec, String> {
    let ip = parse_ip(addr).ok_or_else(|| format!("'{addr}' in '{s}' is not an IP address"))?;
    let bits: u32 = match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let n: u32 = prefix
        .parse()
        .ok()
        .filter(|n| *n <= bits)
        .ok_or_else(|| format!("prefix length '{prefix}' in '{s}' must be 0 to {bits}"))?;
    // `::ffff:127.0.0.0/120` is the IPv4 block 127.0.0.0/24, pinged over
    // ICMP as a single mapped address is.
    let (ip, n) = match ip {
        IpAddr::V6(a) if n >= 96 && a.to_ipv4_mapped().is_some() => (ip.to_canonical(), n - 96),
        _ => (ip, n),
    };
    Ok(match ip {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(32 - n).unwrap_or(0);
            let net = u32::from(a) & mask;
            let last = net | !mask;
            if n <= 30 {
                Spec::V4(net + 1, last - 1)
            } else {
                Spec::V4(net, last)
            }
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(128 - n).unwrap_or(0);
            let net = u128::from(a) & mask;
            Spec::V6(net, net | !mask)
        }
    })
}

/// `A-B` with B a full address of A's family, or for IPv4 the last octet
/// alone (`127.0.0.1-20`, nmap style).
fn parse_range(s: &str, first: IpAddr, last: &str) -> Result<Spec, String> {
    let bad = || match first {
        IpAddr::V4(_) => {
            format!("'{last}' in '{s}' is not an IPv4 address or a last octet (0-255)")
        }
        IpAddr::V6(_) => format!("'{last}' in '{s}' is not an IPv6 address"),
    };
    // IPv4-mapped ends are IPv4 (`::ffff:127.0.0.1-3`), as a single address is.
    let first = first.to_canonical();
    let spec = match (first, parse_ip(last).map(|ip| ip.to_canonical())) {
        (IpAddr::V4(a), Some(IpAddr::V4(b))) => Spec::V4(a.into(), b.into()),
        (IpAddr::V6(a), Some(IpAddr::V6(b))) => Spec::V6(a.into(), b.into()),
        (IpAddr::V4(a), None) => {
            let octet: u8 = last.parse().map_err(|_| bad())?;
            let [w, x, y, _] = a.octets();
            Spec::V4(a.into(), Ipv4Addr::new(w, x, y, octet).into())
        }
        _ => return Err(bad()),
    };
    match spec {
        Spec::V4(a, b) if a > b => Err(format!("range '{s}' runs backwards")),
        Spec::V6(a, b) if a > b => Err(format!("range '{s}' runs backwards")),
        spec => Ok(spec),
    }
}

fn resolve(name: &str) -> Result<IpAddr, String> {
    let addrs = common::net::resolve(name, 0).map_err(|e| e.to_string())?;
    Ok(addrs[0].ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(args: &[&str]) -> Result<Vec<String>, String> {
        let v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        expand(&v, false, 65536).map(|t| t.into_iter().map(|t| t.label).collect())
    }

    #[test]
    fn first_and_last() {
        let t = ex(&["127.0.0.1", "127.0.0.20"]).unwrap();
        assert_eq!(t.len(), 20);
        assert_eq!(t[0], "127.0.0.1");
        assert_eq!(t[19], "127.0.0.20");
    }

    #[test]
    fn two_addresses_as_a_list() {
        let v = vec!["127.0.0.1".to_string(), "127.0.0.20".to_string()];
        assert_eq!(expand(&v, true, 10).unwrap().len(), 2);
        // Mixed families are always a list.
        assert_eq!(ex(&["::1", "127.0.0.1"]).unwrap(), ["127.0.0.1", "::1"]);
    }

    #[test]
    fn backwards_is_refused_with_a_hint() {
        let e = ex(&["127.0.0.20", "127.0.0.1"]).unwrap_err();
        assert!(e.contains("--list"), "{e}");
        assert!(ex(&["127.0.0.9-127.0.0.1"]).is_err());
        assert!(ex(&["::9-::1"]).is_err());
    }

    #[test]
    fn bad_range_ends_say_what_is_wrong() {
        // An IPv4 range ends in an IPv4 address or a last octet 0-255.
        for (arg, want) in [
            (
                "127.0.0.250-260",
                "'260' in '127.0.0.250-260' is not an IPv4 address or a last octet (0-255)",
            ),
            (
                "127.0.0.1-",
                "'' in '127.0.0.1-' is not an IPv4 address or a last octet (0-255)",
            ),
            (
                "127.0.0.1-::1",
                "'::1' in '127.0.0.1-::1' is not an IPv4 address or a last octet (0-255)",
            ),
            (
                "::1-127.0.0.1",
                "'127.0.0.1' in '::1-127.0.0.1' is not an IPv6 address",
            ),
            ("::1-5", "'5' in '::1-5' is not an IPv6 address"),
        ] {
            assert_eq!(ex(&[arg]).unwrap_err(), want);
        }
    }

    #[test]
    fn ranges_and_octet_shorthand() {
        assert_eq!(
            ex(&["127.0.0.1-3"]).unwrap(),
            ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
        );
        assert_eq!(ex(&["127.0.0.254-127.0.1.1"]).unwrap().len(), 4);
        assert_eq!(ex(&["::1-::3"]).unwrap(), ["::1", "::2", "::3"]);
        assert!(ex(&["127.0.0.1-300"]).is_err());
        assert!(ex(&["127.0.0.1-::1"]).is_err());
    }

    #[test]
    fn cidr_blocks() {
        let t = ex(&["127.0.0.0/28"]).unwrap();
        assert_eq!(t.len(), 14);
        assert_eq!(t[0], "127.0.0.1");
        assert_eq!(t[13], "127.0.0.14");
        assert_eq!(ex(&["127.0.0.0/24"]).unwrap().len(), 254);
        // Host bits are masked off.
        assert_eq!(
            ex(&["127.0.0.77/30"]).unwrap(),
            ["127.0.0.77", "127.0.0.78"]
        );
        assert_eq!(ex(&["127.0.0.6/31"]).unwrap(), ["127.0.0.6", "127.0.0.7"]);
        assert_eq!(ex(&["127.0.0.6/32"]).unwrap(), ["127.0.0.6"]);
        assert_eq!(ex(&["::1/128"]).unwrap(), ["::1"]);
        assert_eq!(ex(&["::/126"]).unwrap(), ["::", "::1", "::2", "::3"]);
        assert!(ex(&["127.0.0.0/33"]).is_err());
        assert!(ex(&["::/129"]).is_err());
        assert!(ex(&["127.0.0.0/x"]).is_err());
    }

    #[test]
    fn sizes_are_checked_before_expanding() {
        let e = ex(&["127.0.0.0/8"]).unwrap_err();
        assert!(
            e.contains("16777214") && e.contains("--max-addresses"),
            "{e}"
        );
        let e = ex(&["::/0"]).unwrap_err();
        assert!(e.contains("--max-addresses"), "{e}");
        assert!(ex(&["::/64"]).is_err());
        // Exactly the limit passes.
        let v = vec!["127.0.0.0/24".to_string()];
        assert_eq!(expand(&v, false, 254).unwrap().len(), 254);
        assert!(expand(&v, false, 253).is_err());
    }

    #[test]
    fn v4_mapped_is_v4() {
        assert_eq!(
            ex(&["::ffff:127.0.0.1", "127.0.0.1"]).unwrap(),
            ["127.0.0.1"]
        );
        // Also in a block or a range, which were ICMPv6 to mapped addresses.
        assert_eq!(
            ex(&["::ffff:127.0.0.0/126"]).unwrap(),
            ["127.0.0.1", "127.0.0.2"]
        );
        assert_eq!(
            ex(&["::ffff:127.0.0.8/127"]).unwrap(),
            ["127.0.0.8", "127.0.0.9"]
        );
        let three = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
        assert_eq!(ex(&["::ffff:127.0.0.1-3"]).unwrap(), three);
        assert_eq!(ex(&["::ffff:127.0.0.1-::ffff:127.0.0.3"]).unwrap(), three);
        assert_eq!(ex(&["::ffff:127.0.0.1-127.0.0.3"]).unwrap(), three);
        assert_eq!(
            ex(&["::ffff:127.0.0.1", "::ffff:127.0.0.3"]).unwrap(),
            three
        );
        // A block wider than the mapped range stays IPv6.
        let e = ex(&["::ffff:0.0.0.0/95"]).unwrap_err();
        assert!(e.contains("--max-addresses"), "{e}");
    }

    #[test]
    fn sorted_and_deduplicated() {
        let t = ex(&["127.0.0.3", "127.0.0.1", "127.0.0.0/30", "::1"]).unwrap();
        assert_eq!(t, ["127.0.0.1", "127.0.0.2", "127.0.0.3", "::1"]);
    }

    #[test]
    fn bad_addresses() {
        for bad in [
            "127.0.0.300",
            "1.2.3",
            "127.1",
            "::g",
            "-x",
            "a..b",
            "",
            "a_b",
            "0x7f.1",
            "0177.0.0.1",
            "5",
        ] {
            assert!(ex(&[bad]).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn host_names_resolve() {
        let t = expand(&["localhost".into()], false, 10).unwrap();
        assert_eq!(t.len(), 1);
        assert!(t[0].addr.is_loopback());
        assert_eq!(t[0].label, "localhost");
    }
}
