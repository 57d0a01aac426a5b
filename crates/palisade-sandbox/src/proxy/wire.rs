//! The proxy's wire formats, parsed from bytes without I/O: HTTP/1.1
//! request heads (RFC 9112; CONNECT and absolute-form targets, RFC 9110
//! section 9.3.6 and RFC 9112 section 3.2.2) and SOCKS version 5 (RFC 1928).
//!
//! Each parser takes what has been read so far and answers `Ok(None)` when
//! it needs more bytes, or the parsed value and how many bytes it used.
//! They are fuzzed (`fuzz/fuzz_targets/proxy_wire.rs`).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

/// The largest request head accepted, in bytes (request line and headers,
/// with the blank line).
pub const MAX_HEAD: usize = 32 * 1024;

/// The most header fields accepted in a request head.
pub const MAX_HEADERS: usize = 100;

/// SOCKS5 reply codes (RFC 1928 section 6).
pub mod socks_reply {
    /// Succeeded.
    pub const SUCCEEDED: u8 = 0x00;
    /// General SOCKS server failure.
    pub const GENERAL_FAILURE: u8 = 0x01;
    /// Connection not allowed by ruleset.
    pub const NOT_ALLOWED: u8 = 0x02;
    /// Network unreachable.
    pub const NETWORK_UNREACHABLE: u8 = 0x03;
    /// Host unreachable.
    pub const HOST_UNREACHABLE: u8 = 0x04;
    /// Connection refused.
    pub const CONNECTION_REFUSED: u8 = 0x05;
    /// TTL expired (used for connect timeouts).
    pub const TTL_EXPIRED: u8 = 0x06;
    /// Command not supported.
    pub const COMMAND_NOT_SUPPORTED: u8 = 0x07;
    /// Address type not supported.
    pub const ADDRESS_TYPE_NOT_SUPPORTED: u8 = 0x08;
}

/// Why bytes could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The request head did not end within [`MAX_HEAD`] bytes.
    #[error("request head longer than {MAX_HEAD} bytes")]
    HeadTooLarge,
    /// The request head is not HTTP/1.x.
    #[error("malformed request head ({0})")]
    Malformed(String),
    /// The request target is not usable by a proxy.
    #[error("bad request target `{target}`: {why}")]
    Target {
        /// The target as sent (lossy UTF-8).
        target: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A SOCKS message with a version other than 5.
    #[error("SOCKS version {0}, expected 5")]
    SocksVersion(u8),
    /// A SOCKS request with an unknown address type.
    #[error("SOCKS address type {0} not supported")]
    SocksAddressType(u8),
    /// A SOCKS domain name that is empty or not UTF-8.
    #[error("SOCKS domain name is empty or not UTF-8")]
    SocksDomain,
}

/// Where a proxied HTTP request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `CONNECT host:port`: a tunnel.
    Connect {
        /// The host as written (brackets removed from IPv6 literals).
        host: String,
        /// The port.
        port: u16,
    },
    /// `METHOD http://authority/path`: a request to forward.
    Forward {
        /// The host as written (brackets removed from IPv6 literals).
        host: String,
        /// The port (80 unless given).
        port: u16,
        /// The authority as written, for the `Host` header.
        authority: String,
        /// The origin-form target: path and query, at least `/`.
        path: String,
    },
}

/// A parsed HTTP request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// The method, e.g. `CONNECT` or `GET`.
    pub method: String,
    /// Where the request goes.
    pub target: Target,
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// The header fields in order, names as sent.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// Parses an HTTP/1.x request head from the start of `buf`.
///
/// # Errors
/// [`WireError::HeadTooLarge`] past [`MAX_HEAD`] bytes without a complete
/// head, [`WireError::Malformed`] for anything that is not a request head,
/// [`WireError::Target`] for a target a proxy cannot serve (origin-form,
/// `https://`, user info, no port for CONNECT, …).
pub fn parse_request_head(buf: &[u8]) -> Result<Option<(RequestHead, usize)>, WireError> {
    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut storage);
    let used = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) if n <= MAX_HEAD => n,
        Ok(httparse::Status::Complete(_)) => return Err(WireError::HeadTooLarge),
        Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD => {
            return Err(WireError::HeadTooLarge)
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(WireError::Malformed(e.to_string())),
    };
    let malformed = |what: &str| WireError::Malformed(what.to_string());
    let method = req
        .method
        .ok_or_else(|| malformed("no method"))?
        .to_string();
    let raw = req.path.ok_or_else(|| malformed("no target"))?;
    let minor_version = req.version.ok_or_else(|| malformed("no version"))?;
    let bad = |why| WireError::Target {
        target: raw.to_string(),
        why,
    };
    let target = if method.eq_ignore_ascii_case("CONNECT") {
        let (host, port) = parse_authority(raw, None).map_err(bad)?;
        Target::Connect { host, port }
    } else {
        let scheme = raw.get(..7).unwrap_or_default();
        if !scheme.eq_ignore_ascii_case("http://") {
            let why = if raw.starts_with('/') {
                "this is a proxy: send the absolute URL (http://host/path)"
            } else if raw
                .get(..8)
                .unwrap_or_default()
                .eq_ignore_ascii_case("https://")
            {
                "use CONNECT for https"
            } else {
                "only http:// URLs can be forwarded"
            };
            return Err(bad(why));
        }
        let rest = &raw[7..];
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let (host, port) = parse_authority(authority, Some(80)).map_err(bad)?;
        let tail = rest[end..].split('#').next().unwrap_or_default();
        let path = match tail.chars().next() {
            None => "/".to_string(),
            Some('?') => format!("/{tail}"),
            Some(_) => tail.to_string(),
        };
        Target::Forward {
            host,
            port,
            authority: authority.to_string(),
            path,
        }
    };
    let headers = req
        .headers
        .iter()
        .map(|h| (h.name.to_string(), h.value.to_vec()))
        .collect();
    Ok(Some((
        RequestHead {
            method,
            target,
            minor_version,
            headers,
        },
        used,
    )))
}

/// Splits an authority (`host:port`, `[v6]:port`, or without the port if
/// `default_port` is given) into host and port. IPv6 brackets are removed.
///
/// # Errors
/// A short reason: user info (`user@host`), an empty host, an unbracketed
/// IPv6 address, a missing or invalid port.
pub fn parse_authority(
    text: &str,
    default_port: Option<u16>,
) -> Result<(String, u16), &'static str> {
    if text.contains('@') {
        return Err("user info is not allowed");
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("unclosed `[`")?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or("junk after `]`")?),
        };
        (host, port)
    } else {
        match text.rsplit_once(':') {
            Some((h, _)) if h.contains(':') => return Err("IPv6 addresses need brackets"),
            Some((h, p)) => (h, Some(p)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return Err("empty host");
    }
    let port = match port {
        Some(p) => {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err("invalid port");
            }
            p.parse::<u16>().map_err(|_| "invalid port")?
        }
        None => default_port.ok_or("a port is required")?,
    };
    Ok((host.to_string(), port))
}

/// Writes the head to send to the origin for a forwarded request: the
/// origin-form target, `Host` set from the request URL (RFC 9112 section
/// 3.2.2: a proxy replaces any `Host` sent), hop-by-hop and proxy fields
/// (`Connection` and the fields it names, `Proxy-Connection`,
/// `Keep-Alive`, `Proxy-Authorization`) removed, and `Connection: close`:
/// one request per upstream connection, so that every request is checked
/// and logged.
pub fn forward_head(head: &RequestHead) -> Vec<u8> {
    let (authority, path) = match &head.target {
        Target::Forward {
            authority, path, ..
        } => (authority.as_str(), path.as_str()),
        Target::Connect { .. } => ("", "/"),
    };
    let named: Vec<String> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    const DROP: &[&str] = &[
        "host",
        "connection",
        "proxy-connection",
        "keep-alive",
        "proxy-authorization",
    ];
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(
        format!(
            "{} {} HTTP/1.{}\r\nHost: {}\r\n",
            head.method, path, head.minor_version, authority
        )
        .as_bytes(),
    );
    for (name, value) in &head.headers {
        let lower = name.to_ascii_lowercase();
        if DROP.contains(&lower.as_str()) || named.contains(&lower) {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out
}

/// Parses a SOCKS5 method-selection message (version 5, a count, that
/// many methods): whether "no authentication required" (0x00) is offered,
/// and the bytes used.
///
/// # Errors
/// [`WireError::SocksVersion`] if the first byte is not 5.
pub fn parse_socks_greeting(buf: &[u8]) -> Result<Option<(bool, usize)>, WireError> {
    let Some((&version, rest)) = buf.split_first() else {
        return Ok(None);
    };
    if version != 5 {
        return Err(WireError::SocksVersion(version));
    }
    let Some((&count, rest)) = rest.split_first() else {
        return Ok(None);
    };
    let Some(methods) = rest.get(..usize::from(count)) else {
        return Ok(None);
    };
    Ok(Some((methods.contains(&0), 2 + usize::from(count))))
}

/// A SOCKS5 request (RFC 1928 section 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocksRequest {
    /// 1 CONNECT, 2 BIND, 3 UDP ASSOCIATE (only CONNECT is served).
    pub command: u8,
    /// The destination: a name, or an address written out.
    pub host: String,
    /// The destination port.
    pub port: u16,
}

/// Parses a SOCKS5 request: version, command, reserved byte, address
/// (type 1 IPv4, 3 domain name, 4 IPv6), port.
///
/// # Errors
/// [`WireError::SocksVersion`], [`WireError::SocksAddressType`],
/// [`WireError::SocksDomain`].
pub fn parse_socks_request(buf: &[u8]) -> Result<Option<(SocksRequest, usize)>, WireError> {
    let Some(&version) = buf.first() else {
        return Ok(None);
    };
    if version != 5 {
        return Err(WireError::SocksVersion(version));
    }
    let (Some(&command), Some(&kind)) = (buf.get(1), buf.get(3)) else {
        return Ok(None);
    };
    let (host, at) = match kind {
        1 => {
            let Some(b) = buf.get(4..8) else {
                return Ok(None);
            };
            (Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(), 8)
        }
        3 => {
            let Some(&len) = buf.get(4) else {
                return Ok(None);
            };
            let end = 5 + usize::from(len);
            let Some(name) = buf.get(5..end) else {
                return Ok(None);
            };
            let name = std::str::from_utf8(name).map_err(|_| WireError::SocksDomain)?;
            if name.is_empty() {
                return Err(WireError::SocksDomain);
            }
            (name.to_string(), end)
        }
        4 => {
            let Some(b) = buf.get(4..20) else {
                return Ok(None);
            };
            let mut octets = [0u8; 16];
            octets.copy_from_slice(b);
            (Ipv6Addr::from(octets).to_string(), 20)
        }
        other => return Err(WireError::SocksAddressType(other)),
    };
    let Some(p) = buf.get(at..at + 2) else {
        return Ok(None);
    };
    let port = u16::from_be_bytes([p[0], p[1]]);
    Ok(Some((
        SocksRequest {
            command,
            host,
            port,
        },
        at + 2,
    )))
}

/// A SOCKS5 reply with `code` (see [`socks_reply`]) and the bound address
/// (zeros if `None`).
pub fn socks_reply(code: u8, bound: Option<SocketAddr>) -> Vec<u8> {
    let mut out = vec![5, code, 0];
    match bound {
        Some(SocketAddr::V6(a)) => {
            out.push(4);
            out.extend_from_slice(&a.ip().octets());
            out.extend_from_slice(&a.port().to_be_bytes());
        }
        Some(SocketAddr::V4(a)) => {
            out.push(1);
            out.extend_from_slice(&a.ip().octets());
            out.extend_from_slice(&a.port().to_be_bytes());
        }
        None => out.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0]),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn head(text: &str) -> Result<Option<(RequestHead, usize)>, WireError> {
        parse_request_head(text.as_bytes())
    }

    fn target(text: &str) -> Result<Target, String> {
        match head(text) {
            Ok(Some((h, _))) => Ok(h.target),
            Ok(None) => Err("incomplete".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn request_targets() {
        let connect = |h: &str, p| {
            Ok(Target::Connect {
                host: h.into(),
                port: p,
            })
        };
        let fwd = |h: &str, p, a: &str, path: &str| {
            Ok(Target::Forward {
                host: h.into(),
                port: p,
                authority: a.into(),
                path: path.into(),
            })
        };
        let cases: Vec<(&str, Result<Target, String>)> = vec![
            ("CONNECT example.com:443 HTTP/1.1\r\n\r\n", connect("example.com", 443)),
            ("connect [::1]:8443 HTTP/1.1\r\nHost: x\r\n\r\n", connect("::1", 8443)),
            ("GET http://a.test/x?y#z HTTP/1.1\r\n\r\n", fwd("a.test", 80, "a.test", "/x?y")),
            ("GET HTTP://a.test:8080 HTTP/1.0\r\n\r\n", fwd("a.test", 8080, "a.test:8080", "/")),
            ("GET http://a.test?q HTTP/1.1\r\n\r\n", fwd("a.test", 80, "a.test", "/?q")),
            ("GET http://[::1]:81/ HTTP/1.1\r\n\r\n", fwd("::1", 81, "[::1]:81", "/")),
            ("CONNECT example.com HTTP/1.1\r\n\r\n", Err("bad request target `example.com`: a port is required".into())),
            ("CONNECT a:99999 HTTP/1.1\r\n\r\n", Err("bad request target `a:99999`: invalid port".into())),
            ("CONNECT a:+1 HTTP/1.1\r\n\r\n", Err("bad request target `a:+1`: invalid port".into())),
            ("CONNECT ::1:443 HTTP/1.1\r\n\r\n", Err("bad request target `::1:443`: IPv6 addresses need brackets".into())),
            ("GET http://u@evil.test@good.test/ HTTP/1.1\r\n\r\n", Err("bad request target `http://u@evil.test@good.test/`: user info is not allowed".into())),
            ("GET /index.html HTTP/1.1\r\n\r\n", Err("bad request target `/index.html`: this is a proxy: send the absolute URL (http://host/path)".into())),
            ("GET https://a.test/ HTTP/1.1\r\n\r\n", Err("bad request target `https://a.test/`: use CONNECT for https".into())),
            ("GET http:///x HTTP/1.1\r\n\r\n", Err("bad request target `http:///x`: empty host".into())),
            ("CONNECT a.test:443 HTTP/1.1\r\n", Err("incomplete".into())),
        ];
        for (text, want) in cases {
            assert_eq!(target(text), want, "{text:?}");
        }
    }

    #[test]
    fn head_limits() {
        assert!(matches!(head("\x05\x01\x00"), Err(WireError::Malformed(_))));
        assert!(matches!(
            head("GET\0 / HTTP/1.1\r\n\r\n"),
            Err(WireError::Malformed(_))
        ));
        let big = format!("GET http://a/ HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD));
        assert_eq!(head(&big), Err(WireError::HeadTooLarge));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("H{i}: v\r\n")).collect();
        let many = format!("GET http://a/ HTTP/1.1\r\n{many}\r\n");
        assert!(matches!(head(&many), Err(WireError::Malformed(_))));
        let with_body = "CONNECT a:1 HTTP/1.1\r\n\r\nTLS";
        assert_eq!(head(with_body).unwrap().unwrap().1, with_body.len() - 3);
    }

    #[test]
    fn forwarded_head_is_origin_form_and_closes() {
        let text = "GET http://a.test:8080/p?q HTTP/1.1\r\nHost: evil.test\r\n\
                    Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic eA==\r\n\
                    Connection: keep-alive, X-Secret\r\nX-Secret: 1\r\nAccept: */*\r\n\r\n";
        let (h, _) = head(text).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(forward_head(&h)).unwrap(),
            "GET /p?q HTTP/1.1\r\nHost: a.test:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn socks_messages() {
        assert_eq!(parse_socks_greeting(&[5]), Ok(None));
        assert_eq!(parse_socks_greeting(&[5, 2, 2]), Ok(None));
        assert_eq!(parse_socks_greeting(&[5, 2, 2, 0, 9]), Ok(Some((true, 4))));
        assert_eq!(parse_socks_greeting(&[5, 1, 2]), Ok(Some((false, 3))));
        assert_eq!(
            parse_socks_greeting(&[4, 1, 0]),
            Err(WireError::SocksVersion(4))
        );

        let req = |command, host: &str, port| SocksRequest {
            command,
            host: host.into(),
            port,
        };
        let mut domain = vec![5, 1, 0, 3, 9];
        domain.extend_from_slice(b"a.example\x01\xbb");
        assert_eq!(
            parse_socks_request(&domain),
            Ok(Some((req(1, "a.example", 443), 16)))
        );
        assert_eq!(parse_socks_request(&domain[..15]), Ok(None));
        assert_eq!(
            parse_socks_request(&[5, 1, 0, 1, 127, 0, 0, 1, 0, 80, 0xff]),
            Ok(Some((req(1, "127.0.0.1", 80), 10)))
        );
        let mut v6 = vec![5, 3, 0, 4];
        v6.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        v6.extend_from_slice(&[0, 22]);
        assert_eq!(parse_socks_request(&v6), Ok(Some((req(3, "::1", 22), 22))));
        assert_eq!(
            parse_socks_request(&[5, 1, 0, 9, 0]),
            Err(WireError::SocksAddressType(9))
        );
        assert_eq!(
            parse_socks_request(&[5, 1, 0, 3, 0, 0, 80]),
            Err(WireError::SocksDomain)
        );
        assert_eq!(
            parse_socks_request(&[5, 1, 0, 3, 1, 0xff, 0, 80]),
            Err(WireError::SocksDomain)
        );
        assert_eq!(
            socks_reply(socks_reply::NOT_ALLOWED, None),
            vec![5, 2, 0, 1, 0, 0, 0, 0, 0, 0]
        );
    }
}
