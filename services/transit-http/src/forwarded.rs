//! Who a request came from, behind reverse proxies: `X-Forwarded-For` is believed only from a
//! peer in [`HttpSettings::trusted_proxies`](crate::HttpSettings) (ranges, e.g. an ingress
//! controller's pod range), and then read from the right across every header line, past each
//! hop that is itself a trusted proxy: the first address that is not is the client. What a
//! client writes there itself stands further left, and is never reached.

use std::net::IpAddr;

use ipnet::IpNet;

/// One trusted proxy range: a CIDR range (`10.0.0.0/8`) or a single address (`10.0.0.5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyRange(pub IpNet);

impl std::str::FromStr for ProxyRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(net) = text.parse::<IpNet>() {
            return Ok(Self(net.trunc()));
        }
        text.parse::<IpAddr>()
            .map(|ip| Self(IpNet::from(ip)))
            .map_err(|_| {
                format!("{text:?} is neither an address (10.0.0.5) nor a CIDR range (10.0.0.0/8)")
            })
    }
}

impl<'de> serde::Deserialize<'de> for ProxyRange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for ProxyRange {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProxyRange".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}

/// Whether `ip` is in one of `trusted`.
fn is_trusted(trusted: &[ProxyRange], ip: IpAddr) -> bool {
    trusted.iter().any(|range| range.0.contains(&ip))
}

/// The client's address: `peer` itself unless it is a trusted proxy; then, reading the
/// `X-Forwarded-For` lines (`forwarded`, in the order received) from the right, the first
/// hop that is not a trusted proxy. A hop that is not an address where a proxy wrote one (a
/// proxy that appended nothing) makes the nearest address a trusted proxy saw the answer.
pub fn client_address<'a>(
    peer: IpAddr,
    trusted: &[ProxyRange],
    forwarded: impl IntoIterator<Item = &'a str>,
) -> IpAddr {
    if !is_trusted(trusted, peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded
        .into_iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            return client;
        };
        client = ip;
        if !is_trusted(trusted, ip) {
            return ip;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(list: &[&str]) -> Vec<ProxyRange> {
        list.iter().map(|r| r.parse().unwrap()).collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_and_single_addresses_are_taken_and_nonsense_is_refused() {
        let parsed = ranges(&["10.0.0.0/8", "10.1.2.3", "fd00::/8", "::1"]);
        assert!(is_trusted(&parsed, ip("10.200.3.4")));
        assert!(is_trusted(&parsed, ip("fd12::1")));
        assert!(!is_trusted(&parsed, ip("11.0.0.1")));
        let err = "10.0.0.0/40".parse::<ProxyRange>().unwrap_err();
        assert!(err.contains("CIDR"), "{err}");
        assert!("ingress".parse::<ProxyRange>().is_err());
        let from_toml: Vec<ProxyRange> =
            serde_json::from_str(r#"["10.244.0.0/16", "192.0.2.7"]"#).unwrap();
        assert_eq!(from_toml.len(), 2);
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let trusted = ranges(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("203.0.113.9"), &trusted, ["198.51.100.1"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_first_untrusted_hop_from_the_right() {
        let trusted = ranges(&["10.0.0.0/8"]);
        // The client forged its own entry; the ingress appended the address it saw.
        assert_eq!(
            client_address(ip("10.0.0.5"), &trusted, ["6.6.6.6, 203.0.113.9"]),
            ip("203.0.113.9")
        );
        // Two proxies in the cluster: their own hops are passed over.
        assert_eq!(
            client_address(ip("10.0.0.5"), &trusted, ["6.6.6.6, 203.0.113.9, 10.1.1.1"]),
            ip("203.0.113.9")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            client_address(
                ip("10.0.0.5"),
                &trusted,
                ["6.6.6.6", "203.0.113.9", "10.1.1.1"]
            ),
            ip("203.0.113.9")
        );
        // The first line alone would have given the forged address.
        assert_ne!(
            client_address(ip("10.0.0.5"), &trusted, ["6.6.6.6", "203.0.113.9"]),
            ip("6.6.6.6")
        );
        // Garbage where a proxy should have written: the nearest address a proxy saw.
        assert_eq!(
            client_address(ip("10.0.0.5"), &trusted, ["203.0.113.9, garbage, 10.1.1.1"]),
            ip("10.1.1.1")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.5"), &trusted, std::iter::empty()),
            ip("10.0.0.5")
        );
    }
}
