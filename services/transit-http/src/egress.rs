//! Where the hub may send a request whose address a client chose (a trader's or guarantor's
//! webhook): to public addresses only, so that nobody can make the hub call its own services,
//! the cluster or the machine it runs on and read what they answer.
//!
//! [`EgressPolicy`] says whether an address is public ([`EgressPolicy::refusal`]: loopback,
//! private, link-local, shared (CGNAT), multicast, documentation, reserved, the IPv6 forms
//! that embed one of these, and any range configured — the cluster's service range — are
//! refused, each named). It is applied twice: to the URL when a subscription is made
//! ([`EgressPolicy::check_url`]), and at every delivery to every address the name resolves
//! to at that moment ([`GuardedResolver`], which the client connects through, so a name that
//! resolved to a public address yesterday and to 10.0.0.5 today is refused today). The
//! client built by [`crate::webhook::WebhookClient::guarded`] follows no redirect and uses
//! no proxy.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;

/// Ranges that are never a subscriber's receiver, with what they are (RFC 6890 and its
/// successors: IANA's special-purpose address registries).
const SPECIAL: &[(&str, &str)] = &[
    ("0.0.0.0/8", "'this network'"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
    ("127.0.0.0/8", "loopback"),
    (
        "169.254.0.0/16",
        "link-local (cloud metadata services live here)",
    ),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
    ("100::/64", "discard-only"),
    ("2001:db8::/32", "documentation"),
    ("fc00::/7", "unique local (private)"),
    ("fe80::/10", "link-local"),
    ("ff00::/8", "multicast"),
];

/// Which addresses a client-chosen request may go to.
#[derive(Clone, Debug, Default)]
pub struct EgressPolicy {
    /// Whether loopback (127.0.0.0/8, ::1) is allowed: a relay on the hub's own machine, and
    /// the tests. Never in production.
    allow_loopback: bool,
    /// Ranges refused besides the special ones: the cluster's pod and service ranges.
    blocked: Vec<IpNet>,
}

/// Why an address or a URL is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotPublic(pub String);

impl EgressPolicy {
    /// Public addresses only, and none in `blocked` (CIDR ranges, e.g. `"10.96.0.0/12"`).
    pub fn new(blocked: &[String]) -> Result<Self, String> {
        let blocked = blocked
            .iter()
            .map(|range| {
                range
                    .parse::<IpNet>()
                    .map_err(|e| format!("{range:?} is not a CIDR range (like 10.96.0.0/12): {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            allow_loopback: false,
            blocked,
        })
    }

    /// The same policy, allowing loopback too (a relay on this machine; the tests).
    pub fn allowing_loopback(mut self, allow: bool) -> Self {
        self.allow_loopback = allow;
        self
    }

    /// Why `ip` may not be sent to, or `None` when it may.
    pub fn refusal(&self, ip: IpAddr) -> Option<String> {
        let ip = match ip {
            IpAddr::V6(v6) => match embedded_ipv4(v6) {
                Some(v4) => return self.refusal(IpAddr::V4(v4)),
                None => IpAddr::V6(v6),
            },
            v4 => v4,
        };
        if self.allow_loopback && ip.is_loopback() {
            return None;
        }
        if let IpAddr::V4(v4) = ip {
            if v4.is_broadcast() {
                return Some(format!("{ip} is the broadcast address"));
            }
        }
        for (range, what) in SPECIAL {
            let net: IpNet = range
                .parse()
                .unwrap_or_else(|_| unreachable!("valid range"));
            if net.contains(&ip) {
                return Some(format!("{ip} is not a public address ({range}: {what})"));
            }
        }
        self.blocked
            .iter()
            .find(|net| net.contains(&ip))
            .map(|net| format!("{ip} is in {net}, a range the hub does not send to"))
    }

    /// Checks a webhook URL as a subscription gives it: `https://` (plain `http://` only to
    /// loopback where loopback is allowed), no user name or password, and a host that is not
    /// a refused address nor a name for this machine (`localhost`, `*.localhost`). A name is
    /// resolved, and checked, at each delivery ([`GuardedResolver`]).
    pub fn check_url(&self, url: &str) -> Result<reqwest::Url, NotPublic> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| NotPublic(format!("{url:?} is not a web address: {e}")))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(NotPublic(
                "a webhook address carries no user name or password: the push is signed with the subscription's secret instead".into(),
            ));
        }
        let loopback = match parsed.host() {
            Some(url::Host::Ipv4(v4)) => self.check_ip(IpAddr::V4(v4))?,
            Some(url::Host::Ipv6(v6)) => self.check_ip(IpAddr::V6(v6))?,
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                let local = name == "localhost" || name.ends_with(".localhost");
                if local && !self.allow_loopback {
                    return Err(NotPublic(format!(
                        "{name} is this machine: notifications go to public addresses only"
                    )));
                }
                local
            }
            None => return Err(NotPublic(format!("{url:?} names no host"))),
        };
        match parsed.scheme() {
            "https" => Ok(parsed),
            "http" if loopback && self.allow_loopback => Ok(parsed),
            _ => Err(NotPublic(format!(
                "{url:?}: notifications go to https:// addresses only"
            ))),
        }
    }

    /// Refuses `ip` with its reason; `Ok(true)` for an allowed loopback address.
    fn check_ip(&self, ip: IpAddr) -> Result<bool, NotPublic> {
        match self.refusal(ip) {
            Some(why) => Err(NotPublic(format!(
                "{why}: notifications go to public addresses only"
            ))),
            None => Ok(ip.is_loopback()),
        }
    }
}

/// The IPv4 address an IPv6 one stands for, where it embeds one (IPv4-mapped, IPv4-compatible,
/// NAT64's well-known prefix, 6to4): checked as that IPv4 address.
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = v6.segments();
    let last = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // ::a.b.c.d (deprecated IPv4-compatible), but not :: and ::1 themselves.
        [0, 0, 0, 0, 0, 0, _, _] if s[6] != 0 => Some(last),
        // 64:ff9b::a.b.c.d (NAT64).
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last),
        // 2002:aabb:ccdd::/48 (6to4).
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

/// A name resolver that keeps only the addresses the policy allows, and fails when none is
/// left: the client connects to what was checked, at the moment of the delivery.
#[derive(Clone, Debug)]
pub struct GuardedResolver {
    policy: Arc<EgressPolicy>,
}

impl GuardedResolver {
    /// A resolver under `policy`.
    pub fn new(policy: Arc<EgressPolicy>) -> Self {
        Self { policy }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = Vec::new();
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| match policy.refusal(addr.ip()) {
                    Some(why) => {
                        refused.push(why);
                        false
                    }
                    None => true,
                })
                .collect();
            if !refused.is_empty() {
                // One refused address is enough: a name that mixes public and internal
                // addresses is a rebinding trick, not a receiver.
                tracing::warn!(host = %host, refused = ?refused, "webhook host resolves to addresses the hub does not send to");
                let error: Box<dyn std::error::Error + Send + Sync> = Box::new(NotPublic(format!(
                    "{host} resolves to an address that is not public"
                )));
                return Err(error);
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether `err` (from a request through a [`GuardedResolver`]) was the policy's refusal.
pub fn refused_by_policy(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(err);
    while let Some(e) = source {
        if e.downcast_ref::<NotPublic>().is_some() {
            return true;
        }
        source = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &EgressPolicy, ip: &str) -> bool {
        policy.refusal(ip.parse().unwrap()).is_some()
    }

    #[test]
    fn every_non_public_range_is_refused_and_public_addresses_pass() {
        let policy = EgressPolicy::new(&["203.0.114.0/24".into()]).unwrap();
        for ip in [
            "127.0.0.1",
            "127.255.1.2",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "2001:db8::1",
            // The configured range (the cluster's services).
            "203.0.114.9",
        ] {
            assert!(refused(&policy, ip), "{ip} was allowed");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "41.202.207.1",
            "172.32.0.1",
            "100.128.0.1",
            "2a00:1450:4007::1",
            "::ffff:8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert!(!refused(&policy, ip), "{ip} was refused");
        }
        let why = policy.refusal("169.254.169.254".parse().unwrap()).unwrap();
        assert!(why.contains("link-local"), "{why}");
    }

    #[test]
    fn loopback_is_allowed_only_when_configured_and_nothing_else_with_it() {
        let policy = EgressPolicy::default().allowing_loopback(true);
        assert!(!refused(&policy, "127.0.0.1"));
        assert!(!refused(&policy, "::1"));
        assert!(refused(&policy, "10.0.0.1"));
        assert!(refused(&policy, "169.254.169.254"));
    }

    #[test]
    fn urls_aimed_at_this_machine_or_inside_are_refused() {
        let policy = EgressPolicy::default();
        for url in [
            "https://127.0.0.1:8443/hook",
            "https://localhost:8443/hook",
            "https://LOCALHOST./hook",
            "https://api.localhost/hook",
            "https://[::1]:8443/hook",
            "https://0x7f000001/",
            "https://2130706433/",
            "https://0177.0.0.1/",
            "https://[::ffff:7f00:1]/",
            "https://10.0.0.5/hook",
            "https://169.254.169.254/latest/meta-data/",
            "http://receiver.example.org/hook",
            "https://user:pass@receiver.example.org/hook",
            "ftp://receiver.example.org/",
        ] {
            assert!(policy.check_url(url).is_err(), "{url} was allowed");
        }
        assert!(policy
            .check_url("https://receiver.example.org/hook")
            .is_ok());
        assert!(policy.check_url("https://8.8.8.8/hook").is_ok());
        let testing = EgressPolicy::default().allowing_loopback(true);
        assert!(testing.check_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(testing.check_url("http://localhost:9000/hook").is_ok());
        assert!(testing.check_url("http://10.0.0.5/hook").is_err());
        assert!(testing
            .check_url("http://receiver.example.org/hook")
            .is_err());
    }

    #[test]
    fn a_malformed_blocked_range_is_a_configuration_error() {
        let err = EgressPolicy::new(&["10.96.0.0/33".into()]).unwrap_err();
        assert!(err.contains("10.96.0.0/33"), "{err}");
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_for_this_machine_at_delivery() {
        use reqwest::dns::Resolve;
        let resolver = GuardedResolver::new(Arc::new(EgressPolicy::default()));
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        let err = match resolver.resolve(name).await {
            Ok(_) => panic!("localhost resolved"),
            Err(err) => err,
        };
        assert!(refused_by_policy(err.as_ref()), "{err}");
        let allowing =
            GuardedResolver::new(Arc::new(EgressPolicy::default().allowing_loopback(true)));
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        assert!(allowing.resolve(name).await.is_ok());
    }
}
