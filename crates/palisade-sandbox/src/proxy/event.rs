//! What the proxy reports about each request.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// How a client asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// An HTTP `CONNECT` tunnel.
    Connect,
    /// A plain HTTP request in absolute form, forwarded.
    Http,
    /// A SOCKS5 `CONNECT`.
    Socks5,
}

impl Protocol {
    /// `CONNECT`, `HTTP` or `SOCKS5`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::Http => "HTTP",
            Self::Socks5 => "SOCKS5",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the policy said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The policy allowed the request (it may still have failed: see
    /// [`ProxyEvent::error`]).
    Allowed,
    /// The policy refused the request; nothing was sent upstream.
    Refused,
}

/// One request through the proxy, reported once: when it is refused, or
/// when an allowed request ends (both sides closed, an error, or the proxy
/// shut down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyEvent {
    /// When the request arrived, in milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// Who asked: the label given to [`spawn`](super::spawn), e.g. the
    /// sandboxed command.
    pub label: String,
    /// How the client asked.
    pub protocol: Protocol,
    /// The destination host, normalised (lower case, no trailing dot) when
    /// it is a valid name or address, else as sent with control and
    /// non-ASCII characters escaped (`\n`, `\u{e9}`).
    pub host: String,
    /// The destination port.
    pub port: u16,
    /// What the policy said.
    pub verdict: Verdict,
    /// The deciding rule, e.g. `allow_domains: *.github.com`,
    /// `not in allow_domains`, `deny_domains: x`, `ip literal`,
    /// `port 22 not in allow_ports`,
    /// `loopback address 127.0.0.1 for allowed name`.
    pub rule: String,
    /// The address connected to, or the address that got the request
    /// refused; `None` if nothing was resolved.
    pub address: Option<SocketAddr>,
    /// For an allowed request that failed: why (resolution, connection,
    /// timeout, I/O).
    pub error: Option<String>,
    /// Bytes sent from the client to the destination (after the request
    /// head; for plain HTTP, the rewritten head is counted).
    pub bytes_up: u64,
    /// Bytes sent from the destination to the client.
    pub bytes_down: u64,
    /// How long the request lasted, in milliseconds.
    pub duration_ms: u64,
}

/// The callback events go to.
pub(crate) type Sink = Arc<dyn Fn(ProxyEvent) + Send + Sync>;

/// An event being filled in; it is sent when dropped, so that requests cut
/// short (by an error or a shutdown that drops the task) are reported too.
pub(crate) struct Record {
    event: ProxyEvent,
    started: Instant,
    sink: Sink,
    /// Bytes client → destination.
    pub up: AtomicU64,
    /// Bytes destination → client.
    pub down: AtomicU64,
}

impl Record {
    /// Starts a record for a request that arrived now.
    pub(crate) fn new(sink: Sink, label: &str, protocol: Protocol, host: &str, port: u16) -> Self {
        let time_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        Self {
            event: ProxyEvent {
                time_ms,
                label: label.to_string(),
                protocol,
                host: printable(host),
                port,
                verdict: Verdict::Refused,
                rule: String::new(),
                address: None,
                error: None,
                bytes_up: 0,
                bytes_down: 0,
                duration_ms: 0,
            },
            started: Instant::now(),
            sink,
            up: AtomicU64::new(0),
            down: AtomicU64::new(0),
        }
    }

    /// Sets the normalised host.
    pub(crate) fn host(&mut self, host: String) {
        self.event.host = host;
    }

    /// Records the verdict and its rule.
    pub(crate) fn verdict(&mut self, verdict: Verdict, rule: String) {
        self.event.verdict = verdict;
        self.event.rule = rule;
    }

    /// Records the address connected to or refused.
    pub(crate) fn address(&mut self, address: SocketAddr) {
        self.event.address = Some(address);
    }

    /// Records why an allowed request failed.
    pub(crate) fn error(&mut self, error: String) {
        self.event.error = Some(error);
    }
}

/// A host as sent, made safe to print: control and non-ASCII characters
/// escaped (a SOCKS5 name may hold any bytes, line breaks included), at
/// most 300 characters.
fn printable(host: &str) -> String {
    host.chars()
        .flat_map(char::escape_default)
        .take(300)
        .collect()
}

impl Drop for Record {
    fn drop(&mut self) {
        let mut event = self.event.clone();
        event.bytes_up = self.up.load(Ordering::Relaxed);
        event.bytes_down = self.down.load(Ordering::Relaxed);
        event.duration_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        (self.sink)(event);
    }
}
