//! The domain proxy and the bridge against real sockets (issue #6): an
//! origin server on 127.0.0.1, the proxy on a Unix socket, clients speaking
//! CONNECT, plain HTTP and SOCKS5, and curl through the bridge.
//!
//! Loopback origins are refused by the rules, so tests about forwarding
//! allow 127.0.0.1 and ::1 in `allow_ips`; the DNS rebinding tests leave
//! `allow_ips` empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use palisade_sandbox::bridge::{self, CopyMode};
use palisade_sandbox::proxy::{self, Protocol, ProxyEvent, ProxyHandle, ProxyPolicy, Verdict};
use pretty_assertions::assert_eq;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const LABEL: &str = "pip install requests";

/// A test origin on 127.0.0.1: answers an HTTP request head with a 200
/// whose body names the request line and `Host`, echoes anything else.
struct Origin {
    port: u16,
    accepted: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Origin {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (a, h) = (Arc::clone(&accepted), Arc::clone(&heads));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                a.fetch_add(1, Ordering::SeqCst);
                let h = Arc::clone(&h);
                std::thread::spawn(move || origin_serve(conn, &h));
            }
        });
        Self {
            port,
            accepted,
            heads,
        }
    }
}

fn origin_serve(mut conn: TcpStream, heads: &Mutex<Vec<String>>) {
    let mut buf = vec![0u8; 64 * 1024];
    let Ok(n) = conn.read(&mut buf) else { return };
    if n == 0 {
        return;
    }
    let first = &buf[..n];
    if first.starts_with(b"GET ") || first.starts_with(b"POST ") {
        let mut head = first.to_vec();
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let Ok(m @ 1..) = conn.read(&mut buf) else {
                return;
            };
            head.extend_from_slice(&buf[..m]);
        }
        let head = String::from_utf8_lossy(&head).to_string();
        let line = head.lines().next().unwrap_or_default().to_string();
        let host = head
            .lines()
            .find_map(|l| l.strip_prefix("Host: "))
            .unwrap_or_default()
            .to_string();
        heads.lock().unwrap().push(head);
        let body = format!("{line} / {host}");
        let _ = write!(
            conn,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return;
    }
    if conn.write_all(first).is_err() {
        return;
    }
    loop {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(m) => {
                if conn.write_all(&buf[..m]).is_err() {
                    return;
                }
            }
        }
    }
    let _ = conn.shutdown(Shutdown::Write);
}

/// A proxy on a Unix socket in a temporary directory, with its events.
struct Proxy {
    _dir: tempfile::TempDir,
    path: PathBuf,
    handle: Option<ProxyHandle>,
    events: Arc<Mutex<Vec<ProxyEvent>>>,
}

impl Proxy {
    fn start(policy: ProxyPolicy) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("proxy.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        let handle = proxy::spawn(listener, policy, LABEL.into(), move |e| {
            sink.lock().unwrap().push(e)
        })
        .unwrap();
        Self {
            _dir: dir,
            path,
            handle: Some(handle),
            events,
        }
    }

    fn connect(&self) -> UnixStream {
        let s = UnixStream::connect(&self.path).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        s
    }

    /// Waits until `n` events have been reported, returns them.
    fn events(&self, n: usize) -> Vec<ProxyEvent> {
        let start = Instant::now();
        loop {
            let events = self.events.lock().unwrap().clone();
            if events.len() >= n || start.elapsed() > Duration::from_secs(10) {
                assert_eq!(events.len(), n, "events: {events:#?}");
                return events;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Starts a bridge on 127.0.0.1 to this proxy; returns its port.
    fn bridge(&self) -> u16 {
        self.bridge_with(None)
    }

    /// [`Proxy::bridge`], copying as `mode` says (default if `None`).
    fn bridge_with(&self, mode: Option<CopyMode>) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let path = self.path.clone();
        std::thread::spawn(move || match mode {
            None => bridge::bridge(listener, path),
            Some(mode) => bridge::bridge_with(listener, path, mode),
        });
        port
    }
}

/// Allows `localhost` on the origin's port and the loopback addresses.
fn loopback_policy(origin: &Origin) -> ProxyPolicy {
    ProxyPolicy {
        allow_domains: vec!["localhost".into()],
        allow_ports: vec![origin.port],
        allow_ips: vec!["127.0.0.1".into(), "::1".into()],
        ..ProxyPolicy::default()
    }
}

fn read_to_end(mut s: impl Read) -> String {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).to_string()
}

/// Reads an HTTP response head (up to the blank line) byte by byte.
fn read_head(s: &mut impl Read) -> String {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).to_string()
}

/// Sends a raw request, returns the whole answer (the proxy closes).
fn ask(proxy: &Proxy, request: &[u8]) -> String {
    let mut s = proxy.connect();
    s.write_all(request).unwrap();
    read_to_end(s)
}

fn connect_request(target: &str) -> Vec<u8> {
    format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").into_bytes()
}

#[test]
fn connect_allowed_bytes_flow_both_ways_and_event_counts_them() {
    let origin = Origin::start();
    let proxy = Proxy::start(loopback_policy(&origin));
    let mut s = proxy.connect();
    s.write_all(&connect_request(&format!("LocalHost.:{}", origin.port)))
        .unwrap();
    assert_eq!(
        read_head(&mut s),
        "HTTP/1.1 200 Connection established\r\n\r\n"
    );
    s.write_all(b"ping").unwrap();
    let mut echo = [0u8; 4];
    s.read_exact(&mut echo).unwrap();
    assert_eq!(&echo, b"ping");
    s.write_all(b"pong!").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut s), "pong!");
    let e = &proxy.events(1)[0];
    assert_eq!(
        (
            e.label.as_str(),
            e.protocol,
            e.host.as_str(),
            e.port,
            e.verdict
        ),
        (
            LABEL,
            Protocol::Connect,
            "localhost",
            origin.port,
            Verdict::Allowed
        )
    );
    assert_eq!(e.rule, "allow_domains: localhost");
    assert!(e.address.unwrap().ip().is_loopback());
    assert_eq!((e.bytes_up, e.bytes_down, e.error.as_deref()), (9, 9, None));
}

#[test]
fn connect_to_name_not_allowed_is_403_with_help() {
    let proxy = Proxy::start(ProxyPolicy {
        allow_domains: vec!["*.example.com".into()],
        ..ProxyPolicy::default()
    });
    let answer = ask(&proxy, &connect_request("exfil.test:443"));
    assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
    assert!(answer.ends_with(
        "palisade proxy: CONNECT exfil.test:443: not in allow_domains\n\
         help: allow it with --allow-domain exfil.test\n"
    ));
    let e = &proxy.events(1)[0];
    assert_eq!(
        (
            e.verdict,
            e.rule.as_str(),
            e.host.as_str(),
            e.label.as_str()
        ),
        (
            Verdict::Refused,
            "not in allow_domains",
            "exfil.test",
            LABEL
        )
    );
}

#[test]
fn deny_wins_over_allow_and_wildcards_skip_the_apex() {
    let proxy = Proxy::start(ProxyPolicy {
        allow_domains: vec!["*.example.com".into()],
        deny_domains: vec!["evil.example.com".into()],
        ..ProxyPolicy::default()
    });
    for (target, rule) in [
        ("evil.example.com:443", "deny_domains: evil.example.com"),
        ("EVIL.Example.com.:443", "deny_domains: evil.example.com"),
        ("example.com:443", "not in allow_domains"),
        ("notexample.com:443", "not in allow_domains"),
        ("example.com.attacker.test:443", "not in allow_domains"),
    ] {
        let answer = ask(&proxy, &connect_request(target));
        assert!(answer.starts_with("HTTP/1.1 403"), "{target}: {answer}");
        assert!(answer.contains(rule), "{target}: {answer}");
    }
    let rules: Vec<String> = proxy.events(5).into_iter().map(|e| e.rule).collect();
    assert_eq!(rules[0], "deny_domains: evil.example.com");
}

#[test]
fn ip_literals_are_refused_unless_allowed() {
    let origin = Origin::start();
    let proxy = Proxy::start(ProxyPolicy {
        allow_domains: vec!["*".into()],
        allow_ports: vec![origin.port],
        ..ProxyPolicy::default()
    });
    let p = origin.port;
    for target in [
        format!("127.0.0.1:{p}"),
        format!("[::1]:{p}"),
        format!("[::ffff:127.0.0.1]:{p}"),
        format!("2130706433:{p}"),
        format!("127.1:{p}"),
        format!("0x7f.0.0.1:{p}"),
    ] {
        let answer = ask(&proxy, &connect_request(&target));
        assert!(answer.starts_with("HTTP/1.1 403"), "{target}: {answer}");
        assert!(answer.contains(": ip literal\n"), "{target}: {answer}");
    }
    let get = format!("GET http://127.0.0.1:{p}/ HTTP/1.1\r\n\r\n");
    assert!(ask(&proxy, get.as_bytes()).contains(": ip literal\n"));
    assert_eq!(origin.accepted.load(Ordering::SeqCst), 0);
}

#[test]
fn port_not_in_allow_ports_is_refused() {
    let proxy = Proxy::start(ProxyPolicy {
        allow_domains: vec!["github.com".into()],
        ..ProxyPolicy::default()
    });
    let answer = ask(&proxy, &connect_request("github.com:22"));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("port 22 not in allow_ports"), "{answer}");
    assert_eq!(proxy.events(1)[0].rule, "port 22 not in allow_ports");
}

/// DNS rebinding: a name the user allowed resolves to the host's own
/// loopback (here `localhost`; an attacker's name would answer 127.0.0.1
/// or 169.254.169.254 the same way). The proxy must not connect.
#[test]
fn allowed_name_resolving_to_loopback_is_refused() {
    let origin = Origin::start();
    let proxy = Proxy::start(ProxyPolicy {
        allow_domains: vec!["localhost".into()],
        allow_ports: vec![origin.port],
        ..ProxyPolicy::default()
    });
    let target = format!("localhost:{}", origin.port);
    let answer = ask(&proxy, &connect_request(&target));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("address"), "{answer}");
    assert!(answer.contains("DNS rebinding"), "{answer}");
    let get = format!("GET http://{target}/ HTTP/1.1\r\n\r\n");
    assert!(ask(&proxy, get.as_bytes()).starts_with("HTTP/1.1 403"));
    let mut socks = proxy.connect();
    assert_eq!(
        socks_handshake(&mut socks, &socks_domain(1, "localhost", origin.port)),
        2
    );
    for e in proxy.events(3) {
        assert_eq!(e.verdict, Verdict::Refused);
        assert!(
            e.rule.starts_with("loopback address ") && e.rule.ends_with(" for allowed name"),
            "{}",
            e.rule
        );
        assert!(e.address.unwrap().ip().is_loopback());
    }
    assert_eq!(origin.accepted.load(Ordering::SeqCst), 0);
}

#[test]
fn plain_http_is_forwarded_in_origin_form_with_the_url_host() {
    let origin = Origin::start();
    let proxy = Proxy::start(loopback_policy(&origin));
    let p = origin.port;
    let request = format!(
        "GET http://localhost:{p}/path?q=1 HTTP/1.1\r\nHost: internal.corp\r\n\
         Proxy-Authorization: Basic c2VjcmV0\r\nProxy-Connection: keep-alive\r\n\r\n"
    );
    let answer = ask(&proxy, request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.ends_with(&format!("GET /path?q=1 HTTP/1.1 / localhost:{p}")),
        "{answer}"
    );
    let head = origin.heads.lock().unwrap()[0].clone();
    assert_eq!(
        head,
        format!("GET /path?q=1 HTTP/1.1\r\nHost: localhost:{p}\r\nConnection: close\r\n\r\n")
    );
    let e = &proxy.events(1)[0];
    assert_eq!((e.protocol, e.verdict), (Protocol::Http, Verdict::Allowed));
    assert!(e.bytes_down > 0 && e.bytes_up == head.len() as u64);
}

#[test]
fn plain_http_to_a_name_not_allowed_is_refused() {
    let origin = Origin::start();
    let proxy = Proxy::start(loopback_policy(&origin));
    let answer = ask(&proxy, b"GET http://example.org/ HTTP/1.1\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains("HTTP example.org:80: not in allow_domains"),
        "{answer}"
    );
    let e = &proxy.events(1)[0];
    assert_eq!((e.protocol, e.verdict), (Protocol::Http, Verdict::Refused));
    // Not a proxy request at all: no event, 400.
    let answer = ask(&proxy, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(origin.accepted.load(Ordering::SeqCst), 0);
}

/// A SOCKS5 CONNECT request with a domain name.
fn socks_domain(command: u8, name: &str, port: u16) -> Vec<u8> {
    let mut r = vec![5, command, 0, 3, name.len() as u8];
    r.extend_from_slice(name.as_bytes());
    r.extend_from_slice(&port.to_be_bytes());
    r
}

/// Greets with "no authentication", sends `request`, returns the reply code.
fn socks_handshake(s: &mut UnixStream, request: &[u8]) -> u8 {
    s.write_all(&[5, 1, 0]).unwrap();
    let mut choice = [0u8; 2];
    s.read_exact(&mut choice).unwrap();
    assert_eq!(choice, [5, 0]);
    s.write_all(request).unwrap();
    let mut reply = [0u8; 10];
    s.read_exact(&mut reply).unwrap();
    assert_eq!((reply[0], reply[2], reply[3]), (5, 0, 1));
    reply[1]
}

#[test]
fn socks5_domain_connect_is_relayed() {
    let origin = Origin::start();
    let proxy = Proxy::start(loopback_policy(&origin));
    let mut s = proxy.connect();
    assert_eq!(
        socks_handshake(&mut s, &socks_domain(1, "localhost", origin.port)),
        0
    );
    s.write_all(b"hello").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut s), "hello");
    let e = &proxy.events(1)[0];
    assert_eq!(
        (
            e.protocol,
            e.verdict,
            e.host.as_str(),
            e.bytes_up,
            e.bytes_down
        ),
        (Protocol::Socks5, Verdict::Allowed, "localhost", 5, 5)
    );
}

#[test]
fn socks5_refusals_have_the_right_reply_codes() {
    let origin = Origin::start();
    let proxy = Proxy::start(ProxyPolicy {
        allow_domains: vec!["localhost".into()],
        allow_ports: vec![origin.port],
        ..ProxyPolicy::default()
    });
    let p = origin.port;
    let mut ipv4 = vec![5, 1, 0, 1, 127, 0, 0, 1];
    ipv4.extend_from_slice(&p.to_be_bytes());
    let cases: Vec<(&str, Vec<u8>, u8)> = vec![
        ("name not allowed", socks_domain(1, "exfil.test", p), 2),
        ("ip literal (type 1)", ipv4, 2),
        ("ip literal as a name", socks_domain(1, "127.0.0.1", p), 2),
        ("port", socks_domain(1, "localhost", 22), 2),
        ("BIND", socks_domain(2, "localhost", p), 7),
        ("UDP ASSOCIATE", socks_domain(3, "localhost", p), 7),
        ("address type 9", vec![5, 1, 0, 9, 0, 0], 8),
        ("line break in the name", socks_domain(1, "a\nb.test", p), 2),
    ];
    for (what, request, code) in &cases {
        let mut s = proxy.connect();
        assert_eq!(socks_handshake(&mut s, request), *code, "{what}");
        assert_eq!(read_to_end(&mut s), "", "{what}: closed after the reply");
    }
    let rules: Vec<String> = proxy.events(7).into_iter().map(|e| e.rule).collect();
    assert_eq!(
        rules,
        [
            "not in allow_domains",
            "ip literal",
            "ip literal",
            "port 22 not in allow_ports",
            "SOCKS5 command 2 (BIND) not supported",
            "SOCKS5 command 3 (UDP ASSOCIATE) not supported",
            "invalid host name",
        ]
    );
    // Logged safely: the line break is escaped.
    assert_eq!(proxy.events(7)[6].host, "a\\nb.test");
    // Only username/password offered: no acceptable method.
    let mut s = proxy.connect();
    s.write_all(&[5, 1, 2]).unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    assert_eq!(answer, [5, 0xff]);
    assert_eq!(origin.accepted.load(Ordering::SeqCst), 0);
}

#[test]
fn garbage_input_closes_cleanly() {
    let proxy = Proxy::start(ProxyPolicy::default());
    let inputs: Vec<Vec<u8>> = vec![
        b"\x00\x01\x02\x03\r\n\r\n".to_vec(),
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03".to_vec(),
        b"GET http://a b c HTTP/9.9\r\n\r\n".to_vec(),
        b"CONNECT [::1 HTTP/1.1\r\n\r\n".to_vec(),
        b"\x05\x00".to_vec(),
        b"\x05\x01\x00\x04".to_vec(),
        vec![0xff; 100_000],
        format!(
            "GET http://a/ HTTP/1.1\r\nX: {}\r\n\r\n",
            "y".repeat(40_000)
        )
        .into_bytes(),
    ];
    for input in inputs {
        let mut s = proxy.connect();
        // The proxy may close before reading everything; that is fine.
        let _ = s.write_all(&input);
        let _ = s.shutdown(Shutdown::Write);
        let answer = read_to_end(&mut s);
        assert!(
            answer.is_empty()
                || answer.starts_with("HTTP/1.1 400")
                || answer.starts_with("HTTP/1.1 431")
                || answer.as_bytes().starts_with(&[5]),
            "{:?} -> {answer:?}",
            &input[..input.len().min(20)]
        );
    }
    assert_eq!(proxy.events.lock().unwrap().len(), 0);
    // Still serving afterwards.
    let answer = ask(&proxy, &connect_request("exfil.test:443"));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
}

#[test]
fn shutdown_reports_connections_still_open() {
    let origin = Origin::start();
    let mut proxy = Proxy::start(loopback_policy(&origin));
    let mut s = proxy.connect();
    s.write_all(&connect_request(&format!("localhost:{}", origin.port)))
        .unwrap();
    assert!(read_head(&mut s).starts_with("HTTP/1.1 200"));
    s.write_all(b"abc").unwrap();
    let mut echo = [0u8; 3];
    s.read_exact(&mut echo).unwrap();
    proxy.handle.take().unwrap().shutdown();
    let e = &proxy.events(1)[0];
    assert_eq!(
        (e.verdict, e.bytes_up, e.bytes_down),
        (Verdict::Allowed, 3, 3)
    );
    assert_eq!(read_to_end(&mut s), "");
}

#[test]
fn bridge_carries_large_transfers_both_ways_with_half_close() {
    for mode in [CopyMode::Buffered, CopyMode::Splice] {
        bridge_transfer(mode);
    }
}

fn bridge_transfer(mode: CopyMode) {
    let origin = Origin::start();
    let proxy = Proxy::start(loopback_policy(&origin));
    let port = proxy.bridge_with(Some(mode));
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(&connect_request(&format!("localhost:{}", origin.port)))
        .unwrap();
    assert!(read_head(&mut s).starts_with("HTTP/1.1 200"));
    let data: Vec<u8> = (0..8_000_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let mut reader = s.try_clone().unwrap();
    let received = std::thread::spawn(move || {
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        out
    });
    s.write_all(&data).unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    assert!(received.join().unwrap() == data, "{mode:?}: echo differs");
    let e = &proxy.events(1)[0];
    assert_eq!((e.bytes_up, e.bytes_down), (8_000_000, 8_000_000));
}

/// curl through the bridge: `--proxy` (plain HTTP), `--proxytunnel`
/// (CONNECT) and `--socks5-hostname`, allowed and refused.
#[test]
fn curl_through_the_bridge() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("curl not found; skipped");
        return;
    }
    let origin = Origin::start();
    let mut policy = loopback_policy(&origin);
    policy.deny_domains = vec!["blocked.localhost".into()];
    let proxy = Proxy::start(policy);
    let port = proxy.bridge();
    let http = format!("http://127.0.0.1:{port}");
    let socks = format!("127.0.0.1:{port}");
    let url = format!("http://localhost:{}/x", origin.port);
    let curl = |args: &[&str]| {
        let out = std::process::Command::new("curl")
            .args([
                "-sS",
                "--noproxy",
                "",
                "--max-time",
                "20",
                "-w",
                "\n%{http_code}",
            ])
            .args(args)
            .env_clear()
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let want = format!("GET /x HTTP/1.1 / localhost:{}\n200", origin.port);
    assert_eq!(curl(&["--proxy", &http, &url]), want);
    assert_eq!(curl(&["--proxytunnel", "--proxy", &http, &url]), want);
    assert_eq!(curl(&["--socks5-hostname", &socks, &url]), want);
    let blocked = format!("http://blocked.localhost:{}/", origin.port);
    let out = curl(&["--proxy", &http, &blocked]);
    assert!(
        out.contains("deny_domains: blocked.localhost") && out.ends_with("403"),
        "{out}"
    );
    let out = curl(&["--socks5-hostname", &socks, &blocked]);
    // curl reports the SOCKS5 reply code: 2, "not allowed by ruleset".
    assert!(out.contains("SOCKS5") && out.contains("(2)"), "{out}");
    let events = proxy.events(5);
    let seen: Vec<(Protocol, Verdict)> = events.iter().map(|e| (e.protocol, e.verdict)).collect();
    assert_eq!(
        seen,
        [
            (Protocol::Http, Verdict::Allowed),
            (Protocol::Connect, Verdict::Allowed),
            (Protocol::Socks5, Verdict::Allowed),
            (Protocol::Http, Verdict::Refused),
            (Protocol::Socks5, Verdict::Refused),
        ]
    );
    assert!(events.iter().all(|e| e.label == LABEL));
}

#[test]
fn invalid_policy_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let listener = UnixListener::bind(dir.path().join("s")).unwrap();
    let policy = ProxyPolicy {
        allow_ips: vec!["10.0.0.0/99".into()],
        ..ProxyPolicy::default()
    };
    let err = proxy::spawn(listener, policy, LABEL.into(), |_| {}).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("10.0.0.0/99"), "{err}");
}

#[test]
fn proxy_env_points_at_the_bridge() {
    let env = proxy::proxy_env(3128);
    let get = |n: &str| env.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    assert_eq!(get("HTTP_PROXY"), Some("http://127.0.0.1:3128"));
    assert_eq!(get("https_proxy"), Some("http://127.0.0.1:3128"));
    assert_eq!(get("ALL_PROXY"), Some("socks5h://127.0.0.1:3128"));
    assert_eq!(get("no_proxy"), Some("localhost,127.0.0.1,::1"));
    assert_eq!(env.len(), 8);
}
