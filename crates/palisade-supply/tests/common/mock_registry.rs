//! A mock package registry on 127.0.0.1 for tests and the latency example:
//! a small threaded HTTP/1.1 server answering canned bodies by exact
//! request path (query strings included), 404 for anything else.
//!
//! Every connection is bounded: requests are read with a 5 s timeout and
//! at most 64 KiB, and a [`Reply::Hang`] holds its connection for at most
//! 10 s or until the server is dropped.

#![allow(dead_code)]
// Shared with the latency example, where the test-only clippy allowances do not apply.
#![allow(clippy::expect_used)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What the mock answers for one path.
#[derive(Clone, Debug)]
pub enum Reply {
    /// This status and body, as `application/json`.
    Body(u16, String),
    /// Accept the request and never answer.
    Hang,
}

/// `Reply::Body(200, body)`.
pub fn ok(body: impl Into<String>) -> Reply {
    Reply::Body(200, body.into())
}

struct Shared {
    routes: Mutex<HashMap<String, Reply>>,
    hits: AtomicUsize,
    paths: Mutex<Vec<String>>,
    heads: Mutex<Vec<String>>,
    stop: AtomicBool,
}

/// A running mock registry; stops when dropped.
pub struct MockRegistry {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl MockRegistry {
    /// Starts a server on an ephemeral 127.0.0.1 port answering `routes`
    /// (request path → reply).
    pub fn start<P: Into<String>>(routes: impl IntoIterator<Item = (P, Reply)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            routes: Mutex::new(routes.into_iter().map(|(p, r)| (p.into(), r)).collect()),
            hits: AtomicUsize::new(0),
            paths: Mutex::new(Vec::new()),
            heads: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let for_thread = Arc::clone(&shared);
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if for_thread.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = Arc::clone(&for_thread);
                thread::spawn(move || serve(stream, &shared));
            }
        });
        MockRegistry {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.shared.hits.load(Ordering::SeqCst)
    }

    /// The paths requested so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.shared.paths.lock().expect("paths lock").clone()
    }

    /// The request heads (request line and headers) received so far.
    pub fn heads(&self) -> Vec<String> {
        self.shared.heads.lock().expect("heads lock").clone()
    }

    /// Adds or replaces the reply for `path`.
    pub fn set(&self, path: &str, reply: Reply) {
        self.shared
            .routes
            .lock()
            .expect("routes lock")
            .insert(path.to_owned(), reply);
    }
}

impl Drop for MockRegistry {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or("")
        .to_owned();
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    shared.hits.fetch_add(1, Ordering::SeqCst);
    shared.paths.lock().expect("paths lock").push(path.clone());
    shared
        .heads
        .lock()
        .expect("heads lock")
        .push(text.into_owned());
    let reply = shared
        .routes
        .lock()
        .expect("routes lock")
        .get(&path)
        .cloned();
    let (status, body) = match reply {
        Some(Reply::Body(status, body)) => (status, body),
        Some(Reply::Hang) => {
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until && !shared.stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(20));
            }
            return;
        }
        None => (404, r#"{"error":"Not found"}"#.to_owned()),
    };
    let head = format!(
        "HTTP/1.1 {status} Mock\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}
