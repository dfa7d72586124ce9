//! ICMP echo packets: building requests and recognising our own replies.
//!
//! Pure functions on byte slices, so the matching rules are unit-tested
//! without a socket. A raw socket receives *every* echo reply reaching the
//! host (other threads' and other programs' too) and, on loopback, our own
//! requests; a datagram ("ping") socket only gets replies to itself, but the
//! kernel rewrites the identifier. So a reply counts only if the sequence
//! number and the payload (process token, address index, sequence) are ours,
//! and on raw sockets also the identifier.

/// Bytes of payload after the 8-byte ICMP header, as ping's default.
pub const PAYLOAD_LEN: usize = 56;

const ECHO_REQUEST_V4: u8 = 8;
const ECHO_REPLY_V4: u8 = 0;
const ECHO_REQUEST_V6: u8 = 128;
const ECHO_REPLY_V6: u8 = 129;

/// What identifies one thread's probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub v6: bool,
    /// Random per process: replies to another pinger never match.
    pub token: u64,
    /// The address's position in the sweep: another thread's replies never match.
    pub index: u32,
    /// The identifier we send (raw sockets keep it; the kernel replaces it on
    /// datagram sockets).
    pub ident: u16,
}

impl Probe {
    /// The echo request for probe number `seq`. The checksum is filled in for
    /// IPv4; for ICMPv6 the kernel computes it (it needs the pseudo-header).
    pub fn request(&self, seq: u16) -> [u8; 8 + PAYLOAD_LEN] {
        let mut p = [0u8; 8 + PAYLOAD_LEN];
        p[0] = if self.v6 {
            ECHO_REQUEST_V6
        } else {
            ECHO_REQUEST_V4
        };
        p[4..6].copy_from_slice(&self.ident.to_be_bytes());
        p[6..8].copy_from_slice(&seq.to_be_bytes());
        p[8..16].copy_from_slice(&self.token.to_be_bytes());
        p[16..20].copy_from_slice(&self.index.to_be_bytes());
        p[20..22].copy_from_slice(&seq.to_be_bytes());
        for (i, b) in p[22..].iter_mut().enumerate() {
            *b = i as u8; // ping's ascending filler
        }
        if !self.v6 {
            let sum = checksum(&p);
            p[2..4].copy_from_slice(&sum.to_be_bytes());
        }
        p
    }

    /// The sequence number if `packet` is an echo reply to one of our probes.
    ///
    /// `ip_header`: the packet starts with an IPv4 header (raw IPv4 sockets).
    /// `check_ident`: the identifier must be ours (raw sockets).
    pub fn match_reply(&self, packet: &[u8], ip_header: bool, check_ident: bool) -> Option<u16> {
        let icmp = if ip_header {
            strip_ipv4_header(packet)?
        } else {
            packet
        };
        if icmp.len() < 22 {
            return None;
        }
        let reply = if self.v6 {
            ECHO_REPLY_V6
        } else {
            ECHO_REPLY_V4
        };
        if icmp[0] != reply || icmp[1] != 0 {
            return None; // our own request seen on loopback, or not an echo reply
        }
        if !self.v6 && checksum(icmp) != 0 {
            return None;
        }
        if check_ident && icmp[4..6] != self.ident.to_be_bytes() {
            return None;
        }
        let seq = u16::from_be_bytes([icmp[6], icmp[7]]);
        let ours = icmp[8..16] == self.token.to_be_bytes()
            && icmp[16..20] == self.index.to_be_bytes()
            && icmp[20..22] == seq.to_be_bytes();
        ours.then_some(seq)
    }
}

/// The ICMP part of an IPv4 packet carrying ICMP.
fn strip_ipv4_header(packet: &[u8]) -> Option<&[u8]> {
    let first = *packet.first()?;
    let ihl = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || ihl < 20 || packet.len() < ihl || packet[9] != 1 {
        return None;
    }
    Some(&packet[ihl..])
}

/// The Internet checksum (RFC 1071). Over a packet whose checksum field is
/// filled in, it is 0.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P4: Probe = Probe {
        v6: false,
        token: 0x0123_4567_89ab_cdef,
        index: 7,
        ident: 0x4242,
    };

    /// What the peer sends back: the request with the type changed (and the
    /// checksum adjusted), optionally another identifier.
    fn reply_to(probe: &Probe, seq: u16, ident: u16) -> Vec<u8> {
        let mut p = probe.request(seq).to_vec();
        p[0] = if probe.v6 { 129 } else { 0 };
        p[4..6].copy_from_slice(&ident.to_be_bytes());
        p[2..4].copy_from_slice(&[0, 0]);
        if !probe.v6 {
            let s = checksum(&p);
            p[2..4].copy_from_slice(&s.to_be_bytes());
        }
        p
    }

    fn with_ip_header(icmp: &[u8]) -> Vec<u8> {
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        ];
        ip.extend_from_slice(icmp);
        ip
    }

    #[test]
    fn checksum_known_values() {
        // RFC 1071's example words 0001 f203 f4f5 f6f7 sum to ddf2.
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            !0xddf2
        );
        assert_eq!(checksum(&[0xff]), !0xff00);
        let req = P4.request(3);
        assert_eq!(checksum(&req), 0, "a filled-in checksum verifies to 0");
        assert_eq!(req[0], 8);
        assert_eq!(&req[4..8], &[0x42, 0x42, 0, 3]);
    }

    #[test]
    fn own_reply_matches_on_raw_and_dgram() {
        let r = reply_to(&P4, 1, P4.ident);
        assert_eq!(P4.match_reply(&with_ip_header(&r), true, true), Some(1));
        // Datagram socket: no IP header, kernel-chosen identifier.
        let r = reply_to(&P4, 1, 0x9999);
        assert_eq!(P4.match_reply(&r, false, false), Some(1));
        assert_eq!(P4.match_reply(&with_ip_header(&r), true, true), None);
    }

    #[test]
    fn other_threads_and_processes_never_match() {
        let other_index = Probe { index: 8, ..P4 };
        let other_token = Probe { token: 1, ..P4 };
        let other_ident = Probe { ident: 1, ..P4 };
        for other in [other_index, other_token, other_ident] {
            let r = with_ip_header(&reply_to(&other, 1, other.ident));
            assert_eq!(P4.match_reply(&r, true, true), None, "{other:?}");
        }
        // Header seq and payload seq must agree.
        let mut r = reply_to(&P4, 1, P4.ident);
        r[20..22].copy_from_slice(&2u16.to_be_bytes());
        r[2..4].copy_from_slice(&[0, 0]);
        let s = checksum(&r);
        r[2..4].copy_from_slice(&s.to_be_bytes());
        assert_eq!(P4.match_reply(&r, false, false), None);
    }

    #[test]
    fn requests_corrupt_and_short_packets_are_ignored() {
        // Our own request, as a raw socket sees it on loopback.
        assert_eq!(
            P4.match_reply(&with_ip_header(&P4.request(1)), true, true),
            None
        );
        let mut r = reply_to(&P4, 1, P4.ident);
        r[30] ^= 0xff;
        assert_eq!(P4.match_reply(&r, false, true), None, "bad checksum");
        assert_eq!(P4.match_reply(&r[..10], false, false), None);
        assert_eq!(P4.match_reply(&[], true, true), None);
        assert_eq!(P4.match_reply(&[0x45; 12], true, true), None);
        // Not ICMP inside the IP header.
        let mut ip = with_ip_header(&reply_to(&P4, 1, P4.ident));
        ip[9] = 17;
        assert_eq!(P4.match_reply(&ip, true, true), None);
    }

    #[test]
    fn icmpv6_types() {
        let p6 = Probe { v6: true, ..P4 };
        let req = p6.request(5);
        assert_eq!(req[0], 128);
        assert_eq!(&req[2..4], &[0, 0], "kernel fills the ICMPv6 checksum");
        assert_eq!(p6.match_reply(&req, false, true), None);
        assert_eq!(
            p6.match_reply(&reply_to(&p6, 5, p6.ident), false, true),
            Some(5)
        );
        // A v4 reply is not a v6 reply.
        assert_eq!(
            p6.match_reply(&reply_to(&P4, 5, P4.ident), false, true),
            None
        );
    }
}
