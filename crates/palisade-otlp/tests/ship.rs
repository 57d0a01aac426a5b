//! The shipper against a real OTLP/HTTP receiver on 127.0.0.1 (issue #8):
//! outage, recovery, exactly-once on the happy path, refusals.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use palisade_audit::{Entry, Log};
use palisade_otlp::receiver::{attr, proto, Receiver};
use palisade_otlp::{names, Options, OtlpError, Protocol, Settings, Shipper, Target};
use pretty_assertions::assert_eq;
use proto::common::v1::any_value::Value;

fn log_with(dir: &std::path::Path, verdicts: &[&str]) -> Log {
    let log = Log::new(dir.join("audit"), dir.join("audit.key"));
    for (i, v) in verdicts.iter().enumerate() {
        log.append(Entry {
            agent: "claude-code".into(),
            session: Some("sess-1".into()),
            cwd: Some("/work/p".into()),
            event: Some("PreToolUse".into()),
            action: format!("Bash: cmd {i}"),
            verdict: v.to_string(),
            rule: (*v == "deny").then(|| "exec.pipe-to-shell".into()),
            layer: (*v == "deny").then(|| "built-in".into()),
            reason: "because".into(),
            duration_us: 1500,
            ..Entry::default()
        })
        .unwrap();
    }
    log
}

fn target(endpoint: &str, protocol: Protocol) -> Target {
    let s = Settings {
        endpoint: Some(endpoint.into()),
        protocol: Some(protocol),
        logs: true,
        metrics: true,
        ..Settings::default()
    };
    Target::resolve(&s, &|_| None).unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn string(v: Option<&Value>) -> Option<&str> {
    match v {
        Some(Value::StringValue(s)) => Some(s),
        _ => None,
    }
}

fn int(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::IntValue(i)) => Some(*i),
        _ => None,
    }
}

/// Sums of `palisade.decisions` by verdict, and the histogram's count;
/// the counters must be delta and the histogram in seconds.
fn metric_totals(rx: &Receiver) -> (std::collections::BTreeMap<String, u64>, u64) {
    let t = rx.metric_totals();
    assert!(t.all_delta, "delta temporality");
    assert!(t.unexpected.is_empty(), "{:?}", t.unexpected);
    assert!(
        t.duration_units.iter().all(|u| u == "s"),
        "{:?}",
        t.duration_units
    );
    (t.decisions_by_verdict, t.durations)
}

#[test]
fn outage_loses_nothing_and_recovery_sends_each_record_once() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with(dir.path(), &["deny", "allow", "ask", "deny", "pass"]);
    log.seal().unwrap(); // a seal is skipped, but the cursor moves over it
    log.append(Entry {
        agent: "claude-code".into(),
        verdict: "allow".into(),
        action: "Read: x".into(),
        ..Entry::default()
    })
    .unwrap();
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let opts = Options {
        batch: 2,
        ..Options::default()
    };
    let shipper =
        Shipper::new(log.clone(), target(&endpoint, Protocol::HttpProtobuf), opts).unwrap();

    // Collector down: an error that says so, and the cursor does not move.
    let e = shipper.ship(false).unwrap_err();
    assert!(matches!(e, OtlpError::Export { signal: "logs", .. }), "{e}");
    assert!(e.to_string().contains(&endpoint), "{e}");
    assert_eq!(shipper.pending().unwrap().records, 6);
    assert_eq!(shipper.pending().unwrap().cursor.seq, 0);

    // Collector up: everything arrives, once, in order, with its attributes.
    let rx = Receiver::start_on(port).unwrap();
    let done = shipper.ship(false).unwrap();
    assert_eq!((done.records, done.last_seq), (6, 7));
    let all = log.read(1).unwrap();
    let got = rx.log_records();
    assert_eq!(got.len(), 6);
    let decisions: Vec<_> = all
        .iter()
        .filter(|s| s.record.kind == palisade_audit::Kind::Decision)
        .collect();
    for (r, s) in got.iter().zip(&decisions) {
        assert_eq!(int(attr(r, names::SEQ)), Some(s.record.seq as i64));
        assert_eq!(string(attr(r, names::HASH)), Some(s.record.hash.as_str()));
        assert_eq!(
            string(attr(r, names::VERDICT)),
            Some(s.record.entry.verdict.as_str())
        );
        assert_eq!(string(attr(r, names::AGENT)), Some("claude-code"));
        assert_eq!(r.time_unix_nano, s.record.unix_ms as u64 * 1_000_000);
        assert_eq!(r.event_name, names::EVENT);
    }
    assert_eq!(
        string(attr(&got[0], names::RULE_ID)),
        Some("exec.pipe-to-shell")
    );
    assert_eq!(string(attr(&got[0], names::SESSION)), Some("sess-1"));
    assert_eq!(string(attr(&got[0], names::CWD)), Some("/work/p"));
    assert_eq!(got[0].severity_text, "WARN");
    assert_eq!(got[0].severity_number, 13);
    let resource = rx.logs()[0].resource_logs[0].resource.clone().unwrap();
    let service = resource
        .attributes
        .iter()
        .find(|a| a.key == "service.name")
        .and_then(|a| a.value.as_ref())
        .and_then(|v| v.value.as_ref());
    assert_eq!(string(service), Some("palisade"));
    let (by_verdict, hist) = metric_totals(&rx);
    assert_eq!(
        by_verdict,
        [("allow", 2), ("ask", 1), ("deny", 2), ("pass", 1)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    );
    assert_eq!(hist, 6);

    // Again: nothing to send, nothing sent.
    let before = rx.requests().len();
    assert_eq!(shipper.ship(false).unwrap().records, 0);
    assert_eq!(rx.requests().len(), before);

    // A collector that refuses (503) keeps the new record waiting.
    log.append(Entry {
        agent: "claude-code".into(),
        verdict: "deny".into(),
        ..Entry::default()
    })
    .unwrap();
    rx.set_status(503);
    let e = shipper.ship(false).unwrap_err();
    assert!(e.to_string().contains("503"), "{e}");
    assert_eq!(shipper.pending().unwrap().records, 1);
    rx.set_status(200);
    assert_eq!(shipper.ship(false).unwrap().records, 1);
    assert_eq!(rx.log_records().len(), 7);
    assert_eq!(shipper.pending().unwrap().records, 0);
}

#[test]
fn http_json_works_and_headers_are_sent() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with(dir.path(), &["deny", "allow"]);
    let rx = Receiver::start().unwrap();
    let mut t = target(&rx.endpoint(), Protocol::HttpJson);
    for d in [t.logs.as_mut().unwrap(), t.metrics.as_mut().unwrap()] {
        d.headers
            .insert("authorization".into(), "Bearer s3cret".into());
    }
    let shipper = Shipper::new(log, t, Options::default()).unwrap();
    assert_eq!(shipper.ship(false).unwrap().records, 2);
    assert_eq!(rx.log_records().len(), 2);
    let reqs = rx.requests();
    assert!(reqs
        .iter()
        .all(|r| r.headers["content-type"] == "application/json"));
    assert!(reqs
        .iter()
        .all(|r| r.headers["authorization"] == "Bearer s3cret"));
    assert_eq!(metric_totals(&rx).1, 2);
}

#[test]
fn a_replaced_log_is_not_silently_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start().unwrap();
    let log = log_with(dir.path(), &["deny", "allow"]);
    let shipper = Shipper::new(
        log,
        target(&rx.endpoint(), Protocol::HttpProtobuf),
        Options::default(),
    )
    .unwrap();
    shipper.ship(false).unwrap();
    std::fs::remove_dir_all(dir.path().join("audit/")).ok();
    let log = log_with(dir.path(), &["allow"]);
    // Same directory, new log: the cursor's cursor file went with the old
    // directory, so this one starts from the beginning.
    let shipper = Shipper::new(
        log.clone(),
        target(&rx.endpoint(), Protocol::HttpProtobuf),
        Options::default(),
    )
    .unwrap();
    assert_eq!(shipper.ship(false).unwrap().records, 1);
    // A log rewritten under an existing cursor is an error, not a skip.
    let cf = shipper.cursor_file().clone();
    let mut c = cf.load().unwrap();
    c.hash = "0".repeat(64);
    cf.store(&c).unwrap();
    let e = shipper.ship(false).unwrap_err();
    assert!(matches!(e, OtlpError::CursorMismatch { .. }), "{e}");
    shipper.reset().unwrap();
    assert_eq!(shipper.ship(false).unwrap().records, 1);
}
