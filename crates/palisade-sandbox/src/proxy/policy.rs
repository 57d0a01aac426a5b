//! What the proxy lets through: domain patterns, ports, and the address
//! ranges it refuses to reach unless told otherwise.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What the proxy may reach. Deny wins over allow; a name must match
/// `allow_domains`; every port must be in `allow_ports`; an address in a
/// non-public range (see [`non_public_range`]) or given as a literal is
/// refused unless covered by `allow_ips`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyPolicy {
    /// Names that may be reached: `example.com` matches that name only,
    /// `*.example.com` its subdomains at any depth (not the apex), `*` every
    /// name. Case-insensitive; a trailing dot is ignored.
    pub allow_domains: Vec<String>,
    /// Names that may not be reached, same syntax; a match here refuses
    /// the request whatever `allow_domains` says.
    pub deny_domains: Vec<String>,
    /// Destination ports that may be reached (CONNECT, SOCKS5 and plain
    /// HTTP alike). Default: 80 and 443.
    pub allow_ports: Vec<u16>,
    /// Addresses or CIDR blocks (`10.1.2.3`, `10.0.0.0/8`, `fd00::/8`) that
    /// may be reached although they are non-public, or although the client
    /// named them as a literal instead of a name. Default: none.
    pub allow_ips: Vec<String>,
}

impl Default for ProxyPolicy {
    fn default() -> Self {
        Self {
            allow_domains: Vec::new(),
            deny_domains: Vec::new(),
            allow_ports: vec![80, 443],
            allow_ips: Vec::new(),
        }
    }
}

/// Why a [`ProxyPolicy`] cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A domain pattern is not a host name, `*.` followed by one, or `*`.
    #[error("invalid domain pattern `{0}` (use `example.com`, `*.example.com` or `*`)")]
    Domain(String),
    /// An `allow_ips` entry is neither an address nor a CIDR block.
    #[error("invalid address or CIDR block `{0}` (use `10.1.2.3`, `10.0.0.0/8` or `fd00::/8`)")]
    Ip(String),
}

/// A domain pattern, normalised (lower case, no trailing dot).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// `*`: every name.
    Any,
    /// `*.example.com`, stored as `.example.com`.
    Suffix(String),
    /// `example.com`.
    Exact(String),
}

impl Pattern {
    fn parse(text: &str) -> Result<Self, PolicyError> {
        let bad = || PolicyError::Domain(text.to_string());
        let t = text.trim().to_ascii_lowercase();
        let t = t.strip_suffix('.').unwrap_or(&t);
        if t == "*" {
            return Ok(Self::Any);
        }
        if let Some(rest) = t.strip_prefix("*.") {
            return if is_host_name(rest) {
                Ok(Self::Suffix(format!(".{rest}")))
            } else {
                Err(bad())
            };
        }
        if is_host_name(t) {
            Ok(Self::Exact(t.to_string()))
        } else {
            Err(bad())
        }
    }

    fn matches(&self, name: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Suffix(s) => name.len() > s.len() && name.ends_with(s.as_str()),
            Self::Exact(e) => name == e,
        }
    }
}

/// An address block: the first `prefix` bits of `addr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(text: &str) -> Result<Self, PolicyError> {
        let bad = || PolicyError::Ip(text.to_string());
        let t = text.trim();
        let (a, p) = match t.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (t, None),
        };
        let a = a
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(a);
        let addr: IpAddr = a.parse().map_err(|_| bad())?;
        // An IPv4-mapped IPv6 address is the IPv4 address it maps.
        let (addr, max, shift) = match addr.to_canonical() {
            v4 @ IpAddr::V4(_) if addr.is_ipv6() => (v4, 32, 96),
            IpAddr::V4(_) => (addr, 32, 0),
            IpAddr::V6(_) => (addr, 128, 0),
        };
        let prefix = match p {
            None => max,
            Some(p) => {
                let p: u8 = p.parse().map_err(|_| bad())?;
                p.checked_sub(shift).filter(|p| *p <= max).ok_or_else(bad)?
            }
        };
        Ok(Self { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(u32::from(net).into(), u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(u128::from(net), u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// Whether the first `prefix` of the low `width` bits of `a` and `b` agree.
fn prefix_eq(a: u128, b: u128, prefix: u8, width: u32) -> bool {
    let prefix = u32::from(prefix).min(width);
    if prefix == 0 {
        return true;
    }
    let shift = width - prefix;
    (a >> shift) == (b >> shift)
}

/// A host as a client named it, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    /// A host name, normalised (lower case, no trailing dot).
    Name(String),
    /// An address literal (`1.2.3.4`, `[::1]`, `::1`).
    Ip(IpAddr),
}

impl Host {
    /// The host as it appears in events and messages.
    pub(crate) fn display(&self) -> String {
        match self {
            Self::Name(n) => n.clone(),
            Self::Ip(ip) => ip.to_string(),
        }
    }
}

/// Why a request was refused: the rule (for the event log and the answer)
/// and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The rule that refused, e.g. `deny_domains: *.example.com`.
    pub rule: String,
    /// How to allow it, for the client's error message.
    pub help: String,
}

impl Refusal {
    fn new(rule: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            help: help.into(),
        }
    }
}

/// A [`ProxyPolicy`], parsed and ready to be asked.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    allow: Vec<(Pattern, String)>,
    deny: Vec<(Pattern, String)>,
    ports: Vec<u16>,
    ips: Vec<(Cidr, String)>,
}

impl Rules {
    /// Parses every pattern and block of `policy`.
    pub(crate) fn new(policy: &ProxyPolicy) -> Result<Self, PolicyError> {
        let patterns = |list: &[String]| -> Result<Vec<(Pattern, String)>, PolicyError> {
            list.iter()
                .map(|p| Ok((Pattern::parse(p)?, p.trim().to_string())))
                .collect()
        };
        Ok(Self {
            allow: patterns(&policy.allow_domains)?,
            deny: patterns(&policy.deny_domains)?,
            ports: policy.allow_ports.clone(),
            ips: policy
                .allow_ips
                .iter()
                .map(|c| Ok((Cidr::parse(c)?, c.trim().to_string())))
                .collect::<Result<_, PolicyError>>()?,
        })
    }

    /// Decides on a host and port before any resolution: returns the
    /// classified host and the rule that allowed it.
    pub(crate) fn check_target(&self, host: &str, port: u16) -> Result<(Host, String), Refusal> {
        let host = classify_host(host)?;
        let rule = match &host {
            Host::Name(name) => {
                if let Some((_, text)) = self.deny.iter().find(|(p, _)| p.matches(name)) {
                    return Err(Refusal::new(
                        format!("deny_domains: {text}"),
                        format!("{name} is denied by the deny list; remove `{text}` from it to allow it"),
                    ));
                }
                match self.allow.iter().find(|(p, _)| p.matches(name)) {
                    Some((_, text)) => format!("allow_domains: {text}"),
                    None => {
                        return Err(Refusal::new(
                            "not in allow_domains",
                            format!("allow it with --allow-domain {name}"),
                        ))
                    }
                }
            }
            Host::Ip(ip) => match self.allowed_ip(*ip) {
                Some(text) => format!("allow_ips: {text}"),
                None => {
                    return Err(Refusal::new(
                        "ip literal",
                        format!("name the host instead of {ip} and allow it with --allow-domain HOST (or allow the address in allow_ips)"),
                    ))
                }
            },
        };
        if !self.ports.contains(&port) {
            return Err(Refusal::new(
                format!("port {port} not in allow_ports"),
                format!("allow the port in allow_ports (now {:?})", self.ports),
            ));
        }
        Ok((host, rule))
    }

    /// Decides on an address a name resolved to: refused if it is in a
    /// non-public range not covered by `allow_ips`.
    pub(crate) fn check_resolved(&self, name: &str, ip: IpAddr) -> Result<(), Refusal> {
        if self.allowed_ip(ip).is_some() {
            return Ok(());
        }
        match non_public_range(ip) {
            None => Ok(()),
            Some(range) => Err(Refusal::new(
                format!("{range} address {ip} for allowed name"),
                format!("{name} resolves to {ip}, which is refused to guard against DNS rebinding; allow the address in allow_ips if that is intended"),
            )),
        }
    }

    /// The `allow_ips` entry covering `ip`, if any.
    fn allowed_ip(&self, ip: IpAddr) -> Option<&str> {
        self.ips
            .iter()
            .find(|(c, _)| c.contains(ip))
            .map(|(_, t)| t.as_str())
    }
}

/// Classifies a host as a client wrote it: an address literal, or a host
/// name (normalised). Names that `getaddrinfo` would read as an IPv4
/// address in a non-canonical form (`2130706433`, `127.1`, `0x7f.1`) are
/// refused as literals.
fn classify_host(host: &str) -> Result<Host, Refusal> {
    let literal = || {
        Refusal::new(
            "ip literal",
            "name the host instead and allow it with --allow-domain HOST",
        )
    };
    let unbracketed = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = unbracketed.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    let name = host.to_ascii_lowercase();
    let name = name.strip_suffix('.').unwrap_or(&name);
    if !is_host_name(name) {
        return Err(Refusal::new(
            "invalid host name",
            "use a host name made of letters, digits, `-`, `_` and dots",
        ));
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    if last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x") {
        return Err(literal());
    }
    Ok(Host::Name(name.to_string()))
}

/// Whether `name` (lower case, no trailing dot) is a plausible DNS host
/// name: dot-separated labels of 1–63 letters, digits, `-` or `_`, at most
/// 253 bytes in all.
fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

/// The non-public range `ip` lies in, named (`loopback`, `private`,
/// `link-local`, …), or `None` for a public address. IPv4 addresses
/// embedded in IPv6 ones (mapped, compatible, NAT64, 6to4) are judged as
/// the IPv4 address. Ranges from the IANA special-purpose registries
/// (RFC 6890 and updates) that must not be reached from a sandbox:
/// the host itself, private and shared networks, link-local (including the
/// cloud metadata address 169.254.169.254 and fd00:ec2::254), multicast,
/// broadcast and reserved space.
pub fn non_public_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => v6_range(v6),
    }
}

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() => "unspecified",
        (0, _, _) => "this-network",
        (127, _, _) => "loopback",
        (10, _, _) => "private",
        (172, 16..=31, _) => "private",
        (192, 168, _) => "private",
        (100, 64..=127, _) => "shared (CGNAT)",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "IETF protocol",
        (198, 18..=19, _) => "benchmarking",
        _ if ip.is_broadcast() => "broadcast",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn v6_range(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    let seg = ip.segments();
    let embedded = |shift: u32| Ipv4Addr::from((bits >> shift) as u32);
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // ::ffff:a.b.c.d (mapped) is the IPv4 address; ::a.b.c.d (compatible,
    // deprecated) has no business in a DNS answer.
    if bits >> 32 == 0xffff {
        return v4_range(embedded(0));
    }
    if bits >> 32 == 0 {
        return Some(v4_range(embedded(0)).unwrap_or("IPv4-compatible"));
    }
    // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
    if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        return v4_range(embedded(0));
    }
    // 6to4 (2002::/16) embeds the IPv4 address in bits 16..48.
    if seg[0] == 0x2002 {
        return v4_range(embedded(80));
    }
    Some(match seg[0] {
        0x0064 if seg[1] == 0xff9b && seg[2] == 0x0001 => "local NAT64",
        0x0100 if seg[1..4] == [0, 0, 0] => "discard",
        s if s & 0xfe00 == 0xfc00 => "unique local",
        s if s & 0xffc0 == 0xfe80 => "link-local",
        s if s & 0xffc0 == 0xfec0 => "site-local",
        s if s & 0xff00 == 0xff00 => "multicast",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn rules(allow: &[&str], deny: &[&str], ips: &[&str]) -> Rules {
        Rules::new(&ProxyPolicy {
            allow_domains: allow.iter().map(|s| s.to_string()).collect(),
            deny_domains: deny.iter().map(|s| s.to_string()).collect(),
            allow_ports: vec![443],
            allow_ips: ips.iter().map(|s| s.to_string()).collect(),
        })
        .unwrap()
    }

    fn verdict(r: &Rules, host: &str) -> Result<String, String> {
        r.check_target(host, 443)
            .map(|(_, rule)| rule)
            .map_err(|e| e.rule)
    }

    #[test]
    fn domain_patterns() {
        let r = rules(&["*.example.com", "Exact.ORG."], &["evil.example.com"], &[]);
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("a.example.com", Ok("allow_domains: *.example.com")),
            ("A.B.Example.Com.", Ok("allow_domains: *.example.com")),
            ("example.com", Err("not in allow_domains")),
            ("notexample.com", Err("not in allow_domains")),
            ("example.com.evil.net", Err("not in allow_domains")),
            ("evil.example.com", Err("deny_domains: evil.example.com")),
            ("EVIL.example.com.", Err("deny_domains: evil.example.com")),
            ("exact.org", Ok("allow_domains: Exact.ORG.")),
            ("www.exact.org", Err("not in allow_domains")),
            ("bad host", Err("invalid host name")),
            ("a..example.com", Err("invalid host name")),
            ("", Err("invalid host name")),
            ("x.example.com/", Err("invalid host name")),
            ("user@x.example.com", Err("invalid host name")),
            ("x.example.com%00", Err("invalid host name")),
        ];
        for (host, want) in cases {
            let want = want.map(str::to_string).map_err(str::to_string);
            assert_eq!(verdict(&r, host), want, "{host}");
        }
    }

    #[test]
    fn deny_wins_even_over_star() {
        let r = rules(&["*"], &["*.internal.corp"], &[]);
        assert_eq!(verdict(&r, "pypi.org"), Ok("allow_domains: *".into()));
        assert_eq!(
            verdict(&r, "db.internal.corp"),
            Err("deny_domains: *.internal.corp".into())
        );
    }

    #[test]
    fn ip_literals_refused_unless_allowed() {
        let r = rules(&["*"], &[], &["10.0.0.0/8", "::ffff:192.168.1.1"]);
        for host in [
            "1.1.1.1",
            "127.0.0.1",
            "[::1]",
            "::1",
            "2130706433",
            "127.1",
            "0x7f.0.0.1",
            "1.1.1.1.",
        ] {
            assert_eq!(verdict(&r, host), Err("ip literal".into()), "{host}");
        }
        assert_eq!(verdict(&r, "10.9.8.7"), Ok("allow_ips: 10.0.0.0/8".into()));
        assert_eq!(
            verdict(&r, "[::ffff:10.1.1.1]"),
            Ok("allow_ips: 10.0.0.0/8".into())
        );
        assert_eq!(
            verdict(&r, "192.168.1.1"),
            Ok("allow_ips: ::ffff:192.168.1.1".into())
        );
    }

    #[test]
    fn ports_limited() {
        let r = rules(&["*"], &[], &[]);
        assert_eq!(
            r.check_target("example.com", 22).map_err(|e| e.rule),
            Err("port 22 not in allow_ports".into())
        );
    }

    #[test]
    fn non_public_ranges() {
        let cases: &[(&str, Option<&str>)] = &[
            ("127.0.0.1", Some("loopback")),
            ("127.255.0.9", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("172.31.255.255", Some("private")),
            ("172.32.0.1", None),
            ("192.168.0.1", Some("private")),
            ("169.254.169.254", Some("link-local")),
            ("100.64.0.1", Some("shared (CGNAT)")),
            ("100.128.0.1", None),
            ("0.0.0.0", Some("unspecified")),
            ("0.1.2.3", Some("this-network")),
            ("224.0.0.1", Some("multicast")),
            ("255.255.255.255", Some("broadcast")),
            ("240.0.0.1", Some("reserved")),
            ("8.8.8.8", None),
            ("::", Some("unspecified")),
            ("::1", Some("loopback")),
            ("::ffff:127.0.0.1", Some("loopback")),
            ("::ffff:169.254.169.254", Some("link-local")),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some("loopback")),
            ("::8.8.8.8", Some("IPv4-compatible")),
            ("64:ff9b::a00:1", Some("private")),
            ("64:ff9b::808:808", None),
            ("2002:7f00:1::", Some("loopback")),
            ("2002:808:808::", None),
            ("fc00::1", Some("unique local")),
            ("fd00:ec2::254", Some("unique local")),
            ("fe80::1", Some("link-local")),
            ("ff02::1", Some("multicast")),
            ("2606:4700::1111", None),
        ];
        for (ip, want) in cases {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(non_public_range(ip), *want, "{ip}");
        }
    }

    #[test]
    fn resolved_addresses() {
        let r = rules(&["*"], &[], &["127.0.0.1"]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(r.check_resolved("a", ip("127.0.0.1")).is_ok());
        assert!(r.check_resolved("a", ip("::ffff:127.0.0.1")).is_ok());
        assert_eq!(
            r.check_resolved("a", ip("127.0.0.2")).map_err(|e| e.rule),
            Err("loopback address 127.0.0.2 for allowed name".into())
        );
        assert!(r.check_resolved("a", ip("93.184.215.14")).is_ok());
    }

    #[test]
    fn bad_policies() {
        for (allow, ip) in [
            ("*.*.com", "1.2.3.4"),
            ("**", "1.2.3.4"),
            ("a*.com", "1.2.3.4"),
            ("a b", "1.2.3.4"),
            ("ok.com", "1.2.3.4/33"),
            ("ok.com", "::/129"),
            ("ok.com", "10.0.0.0/x"),
            ("ok.com", "host.com"),
        ] {
            let p = ProxyPolicy {
                allow_domains: vec![allow.into()],
                allow_ips: vec![ip.into()],
                ..ProxyPolicy::default()
            };
            assert!(Rules::new(&p).is_err(), "{allow} {ip}");
        }
        assert_eq!(
            Cidr::parse("::ffff:10.0.0.0/104"),
            Ok(Cidr {
                addr: "10.0.0.0".parse().unwrap(),
                prefix: 8
            })
        );
    }
}
