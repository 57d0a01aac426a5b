//! The domain allow-list proxy: the only way out of the sandbox's empty
//! network namespace (issue #6).
//!
//! The proxy runs outside the sandbox on a Unix socket; inside, a
//! [`bridge`](crate::bridge) listens on `127.0.0.1:PORT` and carries each
//! connection to it. One listener serves three protocols, told apart by
//! the first byte: HTTP `CONNECT` tunnels, plain HTTP requests in absolute
//! form (`GET http://host/path`), and SOCKS5 (`CONNECT` only; first byte
//! 5). [`proxy_env`] gives the variables that point clients at it.
//!
//! Every request is checked the same way ([`ProxyPolicy`]):
//! 1. the host: a name in `deny_domains` is refused, then a name must be in
//!    `allow_domains`; an address literal (including numeric forms such as
//!    `2130706433`) is refused unless in `allow_ips`;
//! 2. the port must be in `allow_ports` (80 and 443 by default);
//! 3. the proxy resolves the name itself; if any answer lies in a
//!    non-public range ([`non_public_range`]: loopback, private, link-local
//!    and cloud metadata, CGNAT, multicast, …, also in IPv4-mapped forms)
//!    not covered by `allow_ips`, the request is refused (DNS rebinding);
//! 4. it connects to the checked addresses, never resolving again.
//!
//! A refusal is answered with `403` and a plain-text body naming the rule
//! and how to allow the host (SOCKS5: reply code 2, "not allowed by
//! ruleset"). Every request, allowed or refused, is reported as a
//! [`ProxyEvent`] labelled with the command it came from.
//!
//! ```
//! use palisade_sandbox::proxy::{self, ProxyPolicy};
//! use std::os::unix::net::UnixListener;
//!
//! let dir = tempfile::tempdir()?;
//! let listener = UnixListener::bind(dir.path().join("proxy.sock"))?;
//! let policy = ProxyPolicy {
//!     allow_domains: vec!["*.github.com".into(), "pypi.org".into()],
//!     ..ProxyPolicy::default()
//! };
//! let proxy = proxy::spawn(listener, policy, "pip install x".into(), |e| {
//!     eprintln!("{} {}:{} {:?} ({})", e.protocol, e.host, e.port, e.verdict, e.rule);
//! })?;
//! proxy.shutdown();
//! # Ok::<(), std::io::Error>(())
//! ```

mod event;
mod policy;
mod server;
pub mod wire;

pub use event::{Protocol, ProxyEvent, Verdict};
pub use policy::{non_public_range, PolicyError, ProxyPolicy};
pub use server::{spawn, ProxyHandle, CONNECT_TIMEOUT, HEAD_TIMEOUT, RESOLVE_TIMEOUT};

/// The environment that points a sandboxed command at the proxy's bridge
/// on `127.0.0.1:port`: `HTTP_PROXY` and `HTTPS_PROXY` (HTTP proxy,
/// `CONNECT` for https), `ALL_PROXY` (SOCKS5 with names resolved by the
/// proxy, `socks5h`), each also in lower case (curl reads only
/// `http_proxy` in lower case), and `NO_PROXY` for the sandbox's own
/// loopback.
pub fn proxy_env(port: u16) -> Vec<(String, String)> {
    let http = format!("http://127.0.0.1:{port}");
    let socks = format!("socks5h://127.0.0.1:{port}");
    let no_proxy = "localhost,127.0.0.1,::1".to_string();
    let mut out = Vec::new();
    for (name, value) in [
        ("HTTP_PROXY", &http),
        ("HTTPS_PROXY", &http),
        ("ALL_PROXY", &socks),
        ("NO_PROXY", &no_proxy),
    ] {
        out.push((name.to_string(), value.clone()));
        out.push((name.to_ascii_lowercase(), value.clone()));
    }
    out
}
