//! Which address a request comes from, when the service may sit behind reverse proxies.
//!
//! Throttles are kept per client address. Behind a proxy every connection comes from the
//! proxy, so the client's own address must be read from `X-Forwarded-For`, but only when the
//! connection comes from a proxy we trust: anyone else can write any `X-Forwarded-For` they
//! like. Each proxy appends the address it received the request from, so the list is read
//! from the right, and the first address that is not one of our proxies is the client. What
//! lies further left was written by the client (or its own proxies) and proves nothing.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

/// The reverse proxies whose `X-Forwarded-For` is believed: addresses and ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a list of addresses (`10.0.0.7`, `::1`) and ranges (`10.0.0.0/8`, `fd00::/8`)
    /// separated by commas or spaces. An empty list trusts nobody. The error names the
    /// first entry that is neither.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| entry.to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `address` is one of the trusted proxies.
    pub fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address, given the connection's `peer` and the `X-Forwarded-For` header
    /// values in the order they arrived.
    ///
    /// The header is used only when `peer` is trusted. Then the right-most address that is
    /// not trusted is the client; if every address is trusted, the left-most one is (a
    /// request from inside the trusted network). An entry that is not an address (a proxy
    /// not appending, say) stops the walk at the last address known good.
    pub fn client_address(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops = forwarded_for
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            let Some(address) = parse_hop(hop) else {
                return client;
            };
            client = address;
            if !self.trusts(address) {
                return client;
            }
        }
        client
    }
}

/// One entry of `X-Forwarded-For`: an address, perhaps with a port or in brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse::<IpAddr>().ok())
        })
        .map(|address| address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn trusted(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn parses_addresses_and_ranges_of_both_families() {
        let t = trusted("10.0.0.0/8, 192.168.1.7 ::1,fd00::/8");
        assert!(t.trusts(ip("10.200.3.4")));
        assert!(t.trusts(ip("192.168.1.7")));
        assert!(!t.trusts(ip("192.168.1.8")));
        assert!(t.trusts(ip("::1")));
        assert!(t.trusts(ip("fd12:3456::1")));
        assert!(!t.trusts(ip("2001:db8::1")));
        assert!(!t.trusts(ip("11.0.0.1")));
    }

    #[test]
    fn an_empty_list_trusts_nobody() {
        let t = trusted("  ");
        assert!(t.is_empty());
        assert_eq!(t, TrustedProxies::default());
        assert!(!t.trusts(ip("127.0.0.1")));
    }

    #[test]
    fn a_bad_entry_is_named() {
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8, proxy.internal").unwrap_err(),
            "proxy.internal"
        );
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/33").unwrap_err(),
            "10.0.0.0/33"
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let t = trusted("10.0.0.0/8");
        assert_eq!(
            t.client_address(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client_address(ip("10.0.0.2"), &["198.51.100.1"]),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
        let t = trusted("10.0.0.0/8");
        assert_eq!(
            t.client_address(ip("10.0.0.2"), &["198.51.100.1"]),
            ip("198.51.100.1")
        );
        assert_eq!(t.client_address(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
    }

    #[test]
    fn the_right_most_untrusted_address_wins_over_what_the_client_wrote() {
        let t = trusted("10.0.0.0/8");
        // The client wrote "1.2.3.4"; its real address was appended by the first proxy,
        // then the second proxy appended the first.
        assert_eq!(
            t.client_address(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.1, 10.0.0.9"]),
            ip("198.51.100.1")
        );
        // Several headers count as one list, in order.
        assert_eq!(
            t.client_address(ip("10.0.0.2"), &["1.2.3.4", "198.51.100.1", "10.0.0.9"]),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn ipv6_clients_and_proxies() {
        let t = trusted("fd00::/8, ::1");
        assert_eq!(
            t.client_address(ip("::1"), &["2001:db8::7, fd00::3"]),
            ip("2001:db8::7")
        );
        assert_eq!(
            t.client_address(ip("::1"), &["[2001:db8::8]:443"]),
            ip("2001:db8::8")
        );
        assert_eq!(
            t.client_address(ip("::1"), &["[2001:db8::9]"]),
            ip("2001:db8::9")
        );
    }

    #[test]
    fn ipv4_seen_through_ipv6_is_the_same_address() {
        let t = trusted("127.0.0.1");
        assert_eq!(
            t.client_address(ip("::ffff:127.0.0.1"), &["::ffff:203.0.113.5"]),
            ip("203.0.113.5")
        );
        assert_eq!(
            t.client_address(ip("127.0.0.1"), &["203.0.113.5:51234"]),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn when_every_hop_is_trusted_the_left_most_is_the_client() {
        let t = trusted("10.0.0.0/8");
        assert_eq!(
            t.client_address(ip("10.0.0.2"), &["10.1.1.1, 10.0.0.9"]),
            ip("10.1.1.1")
        );
    }

    #[test]
    fn garbage_stops_at_the_last_good_address() {
        let t = trusted("10.0.0.0/8");
        assert_eq!(
            t.client_address(ip("10.0.0.2"), &["198.51.100.1, unknown"]),
            ip("10.0.0.2")
        );
        assert_eq!(
            t.client_address(ip("10.0.0.2"), &["garbage, 198.51.100.1"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            t.client_address(ip("10.0.0.2"), &["198.51.100.1, 10.0.0.9, "]),
            ip("10.0.0.2")
        );
    }
}
