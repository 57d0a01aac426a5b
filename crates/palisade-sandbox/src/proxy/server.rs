//! The proxy server: HTTP CONNECT, plain HTTP forwarding and SOCKS5 on one
//! Unix socket, on a tokio runtime of its own.

use super::event::{Protocol, ProxyEvent, Record, Sink, Verdict};
use super::policy::{Host, PolicyError, ProxyPolicy, Refusal, Rules};
use super::wire::{self, socks_reply, RequestHead, Target, WireError};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UnixStream};
use tokio::time::{timeout, timeout_at, Instant};

/// How long a client has to send its whole request head (HTTP) or its
/// greeting and request (SOCKS5).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// How long resolving a name may take.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long connecting to the destination may take, all its addresses
/// together.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The relay's first buffer size per direction, in bytes; it doubles while
/// reads fill it, up to [`RELAY_BUFFER_MAX`].
const RELAY_BUFFER_MIN: usize = 16 * 1024;

/// The relay's largest buffer size per direction, in bytes.
const RELAY_BUFFER_MAX: usize = 256 * 1024;

/// A running proxy. Dropping it stops the proxy too, without waiting.
#[derive(Debug)]
pub struct ProxyHandle {
    runtime: Option<tokio::runtime::Runtime>,
}

impl ProxyHandle {
    /// Stops the proxy: closes the listener and every open connection
    /// (their events are reported), waiting at most a second for
    /// resolutions in flight.
    pub fn shutdown(mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for ProxyHandle {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Starts the proxy on `listener`, on a runtime of its own (two worker
/// threads), and returns at once. Every request is decided by `policy`,
/// attributed to `label` (e.g. the sandboxed command) and reported to
/// `events`, allowed or refused; the callback runs on the proxy's threads
/// and should be quick.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] wrapping a [`PolicyError`] if the policy
/// has an invalid pattern or block; any error starting the runtime or
/// registering the listener.
pub fn spawn(
    listener: std::os::unix::net::UnixListener,
    policy: ProxyPolicy,
    label: String,
    events: impl Fn(ProxyEvent) + Send + Sync + 'static,
) -> io::Result<ProxyHandle> {
    let rules = Rules::new(&policy)
        .map_err(|e: PolicyError| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("palisade-proxy")
        .enable_all()
        .build()?;
    let listener = {
        let _entered = runtime.enter();
        tokio::net::UnixListener::from_std(listener)?
    };
    let shared = Arc::new(Shared {
        rules,
        label,
        sink: Arc::new(events),
    });
    runtime.spawn(accept(listener, shared));
    Ok(ProxyHandle {
        runtime: Some(runtime),
    })
}

/// What every connection needs.
struct Shared {
    rules: Rules,
    label: String,
    sink: Sink,
}

/// Why a request was not relayed.
enum Failure {
    /// The policy said no.
    Refused(Refusal),
    /// The name could not be resolved.
    Resolve(String),
    /// No address of the destination accepted the connection.
    Connect(io::ErrorKind, String),
    /// Resolving or connecting took too long.
    TimedOut(String),
}

async fn accept(listener: tokio::net::UnixListener, shared: Arc<Shared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
            // Out of descriptors or memory: back off rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Serves one client connection: SOCKS5 if its first byte is 5, else HTTP.
async fn serve(mut client: UnixStream, shared: Arc<Shared>) {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf = Vec::with_capacity(1024);
    if read_more(&mut client, &mut buf, deadline).await.is_err() {
        return;
    }
    if buf.first() == Some(&5) {
        socks(client, buf, deadline, &shared).await;
    } else {
        http(client, buf, deadline, &shared).await;
    }
}

/// Reads what is available into `buf`; an error at end of stream or past
/// `deadline`.
async fn read_more(s: &mut UnixStream, buf: &mut Vec<u8>, deadline: Instant) -> io::Result<()> {
    let mut chunk = [0u8; 4096];
    let n = timeout_at(deadline, s.read(&mut chunk))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "request head timed out"))??;
    if n == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}

async fn http(mut client: UnixStream, mut buf: Vec<u8>, deadline: Instant, shared: &Shared) {
    let (head, used) = loop {
        match wire::parse_request_head(&buf) {
            Ok(Some(parsed)) => break parsed,
            Ok(None) => match read_more(&mut client, &mut buf, deadline).await {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    let body = "palisade proxy: the request head did not arrive in time\n";
                    return respond(client, "408 Request Timeout", body).await;
                }
                Err(_) => return,
            },
            Err(WireError::HeadTooLarge) => {
                let body = format!("palisade proxy: {}\n", WireError::HeadTooLarge);
                return respond(client, "431 Request Header Fields Too Large", &body).await;
            }
            Err(e) => {
                let body = format!("palisade proxy: {e}\n");
                return respond(client, "400 Bad Request", &body).await;
            }
        }
    };
    let (protocol, host, port) = match &head.target {
        Target::Connect { host, port } => (Protocol::Connect, host.as_str(), *port),
        Target::Forward { host, port, .. } => (Protocol::Http, host.as_str(), *port),
    };
    let mut record = Record::new(
        Arc::clone(&shared.sink),
        &shared.label,
        protocol,
        host,
        port,
    );
    let upstream = match open(shared, &mut record, host, port).await {
        Ok(upstream) => upstream,
        Err(failure) => {
            let (status, why, help) = match failure {
                Failure::Refused(r) => ("403 Forbidden", r.rule, Some(r.help)),
                Failure::Resolve(e) => ("502 Bad Gateway", e, None),
                Failure::Connect(_, e) => ("502 Bad Gateway", e, None),
                Failure::TimedOut(e) => ("504 Gateway Timeout", e, None),
            };
            let mut body = format!("palisade proxy: {protocol} {host}:{port}: {why}\n");
            if let Some(help) = help {
                body.push_str(&format!("help: {help}\n"));
            }
            drop(record);
            return respond(client, status, &body).await;
        }
    };
    let first = match protocol {
        Protocol::Http => forward_bytes(&head, &buf[used..]),
        _ => {
            let ok = b"HTTP/1.1 200 Connection established\r\n\r\n";
            if client.write_all(ok).await.is_err() {
                return;
            }
            buf[used..].to_vec()
        }
    };
    let result = relay(
        client,
        upstream,
        &first,
        &record,
        protocol == Protocol::Http,
    )
    .await;
    if let Err(e) = result {
        record.error(e.to_string());
    }
}

/// The bytes to send first to the origin of a forwarded request: the
/// rewritten head, then whatever of the body was read with it.
fn forward_bytes(head: &RequestHead, rest: &[u8]) -> Vec<u8> {
    let mut out = wire::forward_head(head);
    out.extend_from_slice(rest);
    out
}

async fn socks(mut client: UnixStream, mut buf: Vec<u8>, deadline: Instant, shared: &Shared) {
    let (no_auth, used) = loop {
        match wire::parse_socks_greeting(&buf) {
            Ok(Some(parsed)) => break parsed,
            Ok(None) => {
                if read_more(&mut client, &mut buf, deadline).await.is_err() {
                    return;
                }
            }
            Err(_) => return,
        }
    };
    buf.drain(..used);
    if !no_auth {
        // "No acceptable methods" (RFC 1928 section 3).
        let _ = client.write_all(&[5, 0xff]).await;
        return close_gently(client).await;
    }
    if client.write_all(&[5, 0]).await.is_err() {
        return;
    }
    let (req, used) = loop {
        match wire::parse_socks_request(&buf) {
            Ok(Some(parsed)) => break parsed,
            Ok(None) => {
                if read_more(&mut client, &mut buf, deadline).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                let code = match e {
                    WireError::SocksAddressType(_) => socks_reply::ADDRESS_TYPE_NOT_SUPPORTED,
                    _ => socks_reply::GENERAL_FAILURE,
                };
                let _ = client.write_all(&wire::socks_reply(code, None)).await;
                return close_gently(client).await;
            }
        }
    };
    buf.drain(..used);
    let mut record = Record::new(
        Arc::clone(&shared.sink),
        &shared.label,
        Protocol::Socks5,
        &req.host,
        req.port,
    );
    if req.command != 1 {
        let name = match req.command {
            2 => "BIND",
            3 => "UDP ASSOCIATE",
            _ => "unknown",
        };
        record.verdict(
            Verdict::Refused,
            format!("SOCKS5 command {} ({name}) not supported", req.command),
        );
        drop(record);
        let reply = wire::socks_reply(socks_reply::COMMAND_NOT_SUPPORTED, None);
        let _ = client.write_all(&reply).await;
        return close_gently(client).await;
    }
    let upstream = match open(shared, &mut record, &req.host, req.port).await {
        Ok(upstream) => upstream,
        Err(failure) => {
            let code = match failure {
                Failure::Refused(_) => socks_reply::NOT_ALLOWED,
                Failure::Resolve(_) => socks_reply::HOST_UNREACHABLE,
                Failure::Connect(io::ErrorKind::ConnectionRefused, _) => {
                    socks_reply::CONNECTION_REFUSED
                }
                Failure::Connect(io::ErrorKind::NetworkUnreachable, _) => {
                    socks_reply::NETWORK_UNREACHABLE
                }
                Failure::Connect(io::ErrorKind::HostUnreachable, _) => {
                    socks_reply::HOST_UNREACHABLE
                }
                Failure::Connect(..) => socks_reply::GENERAL_FAILURE,
                Failure::TimedOut(_) => socks_reply::TTL_EXPIRED,
            };
            drop(record);
            let _ = client.write_all(&wire::socks_reply(code, None)).await;
            return close_gently(client).await;
        }
    };
    // The bound address is left as zeros: the host's addresses are none of
    // the sandbox's business.
    let reply = wire::socks_reply(socks_reply::SUCCEEDED, None);
    if client.write_all(&reply).await.is_err() {
        return;
    }
    if let Err(e) = relay(client, upstream, &buf, &record, false).await {
        record.error(e.to_string());
    }
}

/// Checks `host:port` against the policy, resolves a name and checks
/// every address it resolves to (one address in a refused range refuses
/// the request: a rebinding name may mix public and private answers), then
/// connects to those addresses in order. Nothing resolves the name again:
/// the connection goes to an address that was checked.
async fn open(
    shared: &Shared,
    record: &mut Record,
    host: &str,
    port: u16,
) -> Result<TcpStream, Failure> {
    let refused = |record: &mut Record, r: Refusal| {
        record.verdict(Verdict::Refused, r.rule.clone());
        Failure::Refused(r)
    };
    let (host, rule) = match shared.rules.check_target(host, port) {
        Ok(checked) => checked,
        Err(r) => return Err(refused(record, r)),
    };
    record.host(host.display());
    record.verdict(Verdict::Allowed, rule);
    let addrs: Vec<SocketAddr> = match &host {
        Host::Ip(ip) => vec![SocketAddr::new(*ip, port)],
        Host::Name(name) => {
            let failed = |record: &mut Record, f: Failure, e: String| {
                record.error(e);
                f
            };
            let addrs: Vec<SocketAddr> = match timeout(
                RESOLVE_TIMEOUT,
                tokio::net::lookup_host((name.as_str(), port)),
            )
            .await
            {
                Ok(Ok(addrs)) => addrs.collect(),
                Ok(Err(e)) => {
                    let e = format!("cannot resolve {name}: {e}");
                    return Err(failed(record, Failure::Resolve(e.clone()), e));
                }
                Err(_) => {
                    let e = format!("resolving {name} timed out");
                    return Err(failed(record, Failure::TimedOut(e.clone()), e));
                }
            };
            if addrs.is_empty() {
                let e = format!("{name} has no address");
                return Err(failed(record, Failure::Resolve(e.clone()), e));
            }
            for addr in &addrs {
                if let Err(r) = shared.rules.check_resolved(name, addr.ip()) {
                    record.address(*addr);
                    return Err(refused(record, r));
                }
            }
            addrs
        }
    };
    let deadline = Instant::now() + CONNECT_TIMEOUT;
    let mut last = None;
    for addr in &addrs {
        match timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                record.address(*addr);
                // Latency over batching: the client decides how to write.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) => last = Some((*addr, e)),
            Err(_) => {
                record.address(*addr);
                let e = format!("connecting to {addr} timed out");
                record.error(e.clone());
                return Err(Failure::TimedOut(e));
            }
        }
    }
    let (kind, e) = match last {
        Some((addr, e)) => {
            record.address(addr);
            (e.kind(), format!("connecting to {addr}: {e}"))
        }
        None => (
            io::ErrorKind::NotFound,
            "no address to connect to".to_string(),
        ),
    };
    record.error(e.clone());
    Err(Failure::Connect(kind, e))
}

/// Copies bytes both ways between the client and the destination, after
/// sending `first` to the destination, until both directions end (each
/// end of stream is passed on as a half-close) or one fails. With
/// `end_with_origin` (forwarded HTTP, one request per connection), the
/// relay ends when the destination is done.
async fn relay(
    mut client: UnixStream,
    mut upstream: TcpStream,
    first: &[u8],
    record: &Record,
    end_with_origin: bool,
) -> io::Result<()> {
    if !first.is_empty() {
        upstream.write_all(first).await?;
        record.up.fetch_add(first.len() as u64, Ordering::Relaxed);
    }
    let (mut cr, mut cw) = client.split();
    let (mut ur, mut uw) = upstream.split();
    let up = pump(&mut cr, &mut uw, &record.up);
    let down = pump(&mut ur, &mut cw, &record.down);
    if end_with_origin {
        tokio::pin!(up, down);
        tokio::select! {
            r = &mut down => r,
            r = &mut up => match r {
                Ok(()) => down.await,
                Err(e) => Err(e),
            },
        }
    } else {
        tokio::try_join!(up, down).map(|_| ())
    }
}

/// Copies from `from` to `to` until end of stream, then shuts `to` down
/// for writing; counts the bytes in `count`.
async fn pump<R, W>(from: &mut R, to: &mut W, count: &AtomicU64) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; RELAY_BUFFER_MIN];
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            // The other side may be gone already; that is not an error here.
            let _ = to.shutdown().await;
            return Ok(());
        }
        to.write_all(&buf[..n]).await?;
        count.fetch_add(n as u64, Ordering::Relaxed);
        if n == buf.len() && buf.len() < RELAY_BUFFER_MAX {
            buf.resize(buf.len() * 2, 0);
        }
    }
}

/// Answers an HTTP error with a plain-text body, then closes.
async fn respond(mut client: UnixStream, status: &str, body: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if timeout(HEAD_TIMEOUT, client.write_all(text.as_bytes()))
        .await
        .is_ok()
    {
        close_gently(client).await;
    }
}

/// Closes for writing, then reads and discards what the client still
/// sends (at most 1 MiB, at most a second), so that the answer is not lost
/// to a reset caused by unread data.
async fn close_gently(mut client: UnixStream) {
    let _ = client.shutdown().await;
    let _ = timeout(Duration::from_secs(1), async {
        let mut chunk = [0u8; 4096];
        let mut total = 0usize;
        while let Ok(n @ 1..) = client.read(&mut chunk).await {
            total += n;
            if total > 1 << 20 {
                break;
            }
        }
    })
    .await;
}
