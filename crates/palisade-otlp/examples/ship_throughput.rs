//! Ship throughput to the local test receiver: `cargo run --release -p
//! palisade-otlp --features receiver --example ship_throughput [N]`.
//! Appends N decision records (default 20,000) to a fresh log, then ships
//! them over OTLP/HTTP protobuf and JSON, and prints records per second.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use palisade_audit::{Entry, Log};
use palisade_otlp::receiver::Receiver;
use palisade_otlp::{Options, Protocol, Settings, Shipper, Target};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let log = Log::new(dir.path().join("audit"), dir.path().join("key"));
    let verdicts = ["allow", "pass", "ask", "deny"];
    for i in 0..n {
        let v = verdicts[i % verdicts.len()];
        log.append(Entry {
            agent: "claude-code".into(),
            session: Some("0b7c6f2e-session".into()),
            cwd: Some("/home/dev/project".into()),
            event: Some("PreToolUse".into()),
            action: format!("Bash: cargo test --workspace -- case_{i}"),
            verdict: v.into(),
            rule: (v == "deny").then(|| "cred.ssh-private-key".into()),
            layer: (v == "deny").then(|| "built-in".into()),
            reason: "reads an SSH private key".into(),
            duration_us: 2_500,
            mode: Some("default".into()),
            ..Entry::default()
        })
        .unwrap();
    }
    let rx = Receiver::start().unwrap();
    for (protocol, batch) in [
        (Protocol::HttpProtobuf, 512),
        (Protocol::HttpProtobuf, 64),
        (Protocol::HttpJson, 512),
    ] {
        let settings = Settings {
            endpoint: Some(rx.endpoint()),
            protocol: Some(protocol),
            logs: true,
            metrics: true,
            ..Settings::default()
        };
        let target = Target::resolve(&settings, &|_| None).unwrap();
        let before = rx.log_records().len();
        let shipper = Shipper::new(
            log.clone(),
            target,
            Options {
                batch,
                ..Options::default()
            },
        )
        .unwrap();
        shipper.reset().unwrap(); // each run sends the whole log
        let t = Instant::now();
        let done = shipper.ship(false).unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(rx.log_records().len() - before, n);
        println!(
            "{:<14} batch {:>4}: {} records in {:.2} s = {:.0} records/s ({} requests per signal)",
            protocol.as_str(),
            batch,
            done.records,
            secs,
            done.records as f64 / secs,
            done.batches
        );
    }
}
