//! The audit relay of `palisade run`: hooks that run *inside* the sandbox
//! (an agent wrapped with `palisade run --profile agent -- claude`) cannot
//! write the audit log — it is outside the sandbox's writable roots, as it
//! must be, or the agent's commands could rewrite it — so `palisade run`
//! listens on a unix socket and appends their records for them.
//!
//! Protocol: the client connects to the socket named by
//! [`SOCKET_VAR`], writes its records as JSON lines ([`palisade_audit::Entry`]),
//! shuts down its write side, and reads one line back: `ok N` (N records
//! appended) or `error: …`. The hook waits for that answer, so a record is
//! in the log before the hook's process ends.
//!
//! Anything in the sandbox can connect, so a relayed record is a claim by
//! a sandboxed process: each is flagged [`RELAYED_FLAG`]. The sandbox can
//! add records this way, but cannot remove or change the ones already
//! written.

use palisade_audit::{Entry, Log};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable that names the relay's socket inside the sandbox.
pub const SOCKET_VAR: &str = "PALISADE_AUDIT_SOCKET";

/// The flag on every record that came through the relay.
pub const RELAYED_FLAG: &str = "sandbox-relayed";

/// The most bytes one connection may send (records are under 64 KiB each).
const MAX_BYTES: u64 = 4 << 20;

/// The most connections served at once.
pub const MAX_CONNECTIONS: usize = 32;

/// The most records one connection may send.
const MAX_RECORDS: usize = 1000;

/// Sends `entries` to the relay at `socket` and waits for its answer.
///
/// # Errors
/// When the relay cannot be reached or answers with an error.
pub fn send(socket: &Path, entries: &[Entry]) -> std::io::Result<()> {
    let mut s = UnixStream::connect(socket)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut body = Vec::with_capacity(1024 * entries.len());
    for e in entries {
        serde_json::to_writer(&mut body, e)?;
        body.push(b'\n');
    }
    s.write_all(&body)?;
    s.shutdown(std::net::Shutdown::Write)?;
    let mut answer = String::new();
    BufReader::new(s).take(4096).read_line(&mut answer)?;
    if answer.starts_with("ok") {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "the audit relay answered: {}",
            answer.trim()
        )))
    }
}

/// A bound relay socket, not yet served.
pub struct Relay {
    listener: UnixListener,
    socket: PathBuf,
}

impl Relay {
    /// Binds `dir/audit.sock` (`dir` should be a fresh private directory).
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub fn bind(dir: &Path) -> std::io::Result<Relay> {
        let socket = dir.join("audit.sock");
        Ok(Relay {
            listener: UnixListener::bind(&socket)?,
            socket,
        })
    }

    /// The socket's path, for [`SOCKET_VAR`].
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Serves connections for as long as the process lives, appending each
    /// record to `log` (flagged [`RELAYED_FLAG`]) and then calling `after`
    /// with the log, for the background shipper. Each connection has a
    /// thread of its own (at most [`MAX_CONNECTIONS`] at once; more are
    /// refused), so a sandboxed process that opens a connection and holds
    /// it cannot stall the hooks' records; the log's lock orders writers.
    pub fn serve(self, log: Log, after: impl Fn(&Log) + Send + Sync + 'static) {
        let after = std::sync::Arc::new(after);
        let open = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        std::thread::spawn(move || {
            for conn in self.listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                if open.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= MAX_CONNECTIONS {
                    open.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    let _ = conn.write_all(b"error: too many connections\n");
                    continue;
                }
                let (log, after, open) = (log.clone(), after.clone(), open.clone());
                std::thread::spawn(move || {
                    let answer = match relay(&conn, &log) {
                        Ok(n) => {
                            after(&log);
                            format!("ok {n}\n")
                        }
                        Err(e) => format!("error: {e}\n"),
                    };
                    let _ = conn.write_all(answer.as_bytes());
                    open.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                });
            }
        });
    }
}

/// Reads one connection's records and appends them.
fn relay(conn: &UnixStream, log: &Log) -> anyhow::Result<usize> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut entries = Vec::new();
    for line in BufReader::new(conn.take(MAX_BYTES)).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        anyhow::ensure!(
            entries.len() < MAX_RECORDS,
            "more than {MAX_RECORDS} records"
        );
        let mut e: Entry =
            serde_json::from_str(&line).map_err(|e| anyhow::anyhow!("not an audit record: {e}"))?;
        e.flags.retain(|f| f != RELAYED_FLAG);
        e.flags.push(RELAYED_FLAG.to_string());
        entries.push(e);
    }
    let n = entries.len();
    log.append_all(entries)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_relayed_flagged_and_chained() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("audit"), dir.path().join("key"));
        let relay = Relay::bind(dir.path()).unwrap();
        let socket = relay.socket().to_path_buf();
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&served);
        relay.serve(log.clone(), move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        let entry = |v: &str| Entry {
            agent: "claude-code".into(),
            action: "Bash: ls".into(),
            verdict: v.into(),
            flags: vec![RELAYED_FLAG.into()],
            ..Entry::default()
        };
        send(&socket, &[entry("allow"), entry("deny")]).unwrap();
        send(&socket, &[entry("ask")]).unwrap();
        let got = log.read(1).unwrap();
        let verdicts: Vec<&str> = got
            .iter()
            .map(|s| s.record.entry.verdict.as_str())
            .collect();
        assert_eq!(verdicts, ["allow", "deny", "ask"]);
        for s in &got {
            assert_eq!(s.record.entry.flags, [RELAYED_FLAG]);
        }
        assert!(palisade_audit::verify(&log).unwrap().ok());
        assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 2);
        // A connection held open (no end of input) does not hold up others.
        // (A liveness check, not a speed one: one connection at a time would
        // wait out the held one's 10 s read timeout.)
        let held = UnixStream::connect(&socket).unwrap();
        let t = std::time::Instant::now();
        send(&socket, &[entry("pass")]).unwrap();
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        drop(held);
        assert_eq!(log.read(1).unwrap().len(), 4);
        // Garbage is refused and nothing of it is written.
        let mut s = UnixStream::connect(&socket).unwrap();
        s.write_all(b"{\"agent\": 7}\n").unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("error: not an audit record"), "{answer}");
        assert_eq!(log.read(1).unwrap().len(), 4);
    }
}
