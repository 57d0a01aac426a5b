//! Throughput of the sandbox's network path: a download through
//! TCP → bridge → Unix socket → proxy → origin, with `CONNECT`, on
//! loopback. Also measures the origin directly and the proxy without the
//! bridge, for comparison.
//!
//! ```text
//! cargo run --release -p palisade-sandbox --example proxy_bench -- [MB] [RUNS]
//! ```
//!
//! Prints, for each path, the median of RUNS downloads of MB megabytes
//! (10^6 bytes) in MB/s, and the median CPU time the whole process (client,
//! origin, proxy and bridge) spent on one download: on a busy machine the
//! wall-clock figure varies with the load, the CPU figure much less.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use palisade_sandbox::bridge::{self, CopyMode};
use palisade_sandbox::proxy::{self, ProxyPolicy};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mb: usize = args.next().map_or(100, |a| a.parse().expect("MB"));
    let runs: usize = args.next().map_or(5, |a| a.parse().expect("RUNS"));
    let size = mb * 1_000_000;

    let origin = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin_port = origin.local_addr().unwrap().port();
    std::thread::spawn(move || serve_origin(origin, size));

    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("proxy.sock");
    let policy = ProxyPolicy {
        allow_ports: vec![origin_port],
        allow_ips: vec!["127.0.0.1".into()],
        ..ProxyPolicy::default()
    };
    let handle = proxy::spawn(
        UnixListener::bind(&sock).unwrap(),
        policy,
        "proxy_bench".into(),
        |_| {},
    )
    .unwrap();

    let mut bridges = Vec::new();
    for mode in [CopyMode::Splice, CopyMode::Buffered] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let to = sock.clone();
        std::thread::spawn(move || bridge::bridge_with(listener, to, mode));
        bridges.push((mode, port));
    }

    println!("{mb} MB download, median of {runs} runs (MB = 10^6 bytes)");
    let direct = median(runs, || {
        let mut s = TcpStream::connect(("127.0.0.1", origin_port)).unwrap();
        download(&mut s, size)
    });
    report("direct TCP to origin", mb, direct);
    let unix = median(runs, || {
        let mut s = UnixStream::connect(&sock).unwrap();
        connect_through(&mut s, origin_port);
        download(&mut s, size)
    });
    report("unix → proxy → origin (CONNECT)", mb, unix);
    for (mode, port) in bridges {
        let t = median(runs, || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            connect_through(&mut s, origin_port);
            download(&mut s, size)
        });
        report(&format!("TCP → bridge ({mode:?}) → proxy → origin"), mb, t);
    }
    handle.shutdown();
}

/// Serves `size` bytes to every connection once it has sent a line.
fn serve_origin(listener: TcpListener, size: usize) {
    let chunk = vec![b'x'; 1 << 20];
    for conn in listener.incoming() {
        let Ok(mut conn) = conn else { continue };
        let chunk = chunk.clone();
        std::thread::spawn(move || {
            let mut b = [0u8; 1];
            while conn.read(&mut b).is_ok_and(|n| n == 1 && b[0] != b'\n') {}
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len());
                if conn.write_all(&chunk[..n]).is_err() {
                    return;
                }
                left -= n;
            }
        });
    }
}

/// Sends `CONNECT` for the origin and reads the proxy's answer.
fn connect_through(s: &mut (impl Read + Write), port: u16) {
    write!(s, "CONNECT 127.0.0.1:{port} HTTP/1.1\r\n\r\n").unwrap();
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut b).unwrap();
        head.push(b[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&head)
    );
}

/// Asks for the download and reads it all; returns the seconds it took.
fn download(s: &mut (impl Read + Write), size: usize) -> f64 {
    let mut buf = vec![0u8; 1 << 20];
    let start = Instant::now();
    s.write_all(b"GO\n").unwrap();
    let mut got = 0;
    while got < size {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "short download: {got} of {size}");
        got += n;
    }
    start.elapsed().as_secs_f64()
}

/// CPU seconds used by this process so far (all threads, user and system).
fn cpu_seconds() -> f64 {
    use nix::sys::resource::{getrusage, UsageWho};
    let u = getrusage(UsageWho::RUSAGE_SELF).unwrap();
    let secs = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    secs(u.user_time()) + secs(u.system_time())
}

/// Runs `f` (which returns the seconds its transfer took) `runs` times;
/// returns the median wall time and the median CPU time (whole process:
/// client, origin, proxy and bridge threads), in seconds.
fn median(runs: usize, mut f: impl FnMut() -> f64) -> (f64, f64) {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..runs.max(1) {
        let before = cpu_seconds();
        wall.push(f());
        cpu.push(cpu_seconds() - before);
    }
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    (wall[wall.len() / 2], cpu[cpu.len() / 2])
}

/// Prints one line of results.
fn report(what: &str, mb: usize, (wall, cpu): (f64, f64)) {
    println!(
        "  {what:<40} {:>6.0} MB/s   {:>5.0} ms CPU",
        mb as f64 / wall,
        cpu * 1000.0
    );
}
