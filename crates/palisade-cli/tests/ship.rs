//! `palisade log ship` through the real binary against a real OTLP/HTTP
//! receiver on 127.0.0.1 (issue #8): decisions planted by the hook reach
//! the collector once each, an outage or a refusal loses nothing, and a
//! project's palisade.toml cannot redirect the stream.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use palisade_otlp::names;
use palisade_otlp::receiver::{attr, proto, Receiver};
use pretty_assertions::assert_eq;
use proto::common::v1::any_value::Value;
use serde_json::Value as Json;
use std::collections::BTreeMap;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;
use common::{env, palisade_cmd, spawn_bash_hook, Env};

fn palisade(e: &Env, args: &[&str]) -> Command {
    let mut cmd = palisade_cmd(e, args);
    cmd.arg("--managed-dir").arg(&e.managed);
    cmd
}

fn hook(e: &Env, command_text: &str) -> Output {
    let out = spawn_bash_hook(e, "s1", "default", command_text)
        .wait_with_output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the hook on a Bash command with extra environment variables (as
/// the agent's environment would carry them).
fn hook_with_env(e: &Env, command_text: &str, vars: &[(&str, &str)]) {
    let mut cmd = palisade_cmd(e, &["hook", "claude-code", "--managed-dir"]);
    cmd.arg(&e.managed).envs(vars.iter().copied());
    let mut child = cmd.spawn().unwrap();
    let input = serde_json::json!({"session_id": "s1", "cwd": e.proj,
        "permission_mode": "default", "hook_event_name": "PreToolUse",
        "tool_name": "Bash", "tool_input": {"command": command_text}});
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        input.to_string().as_bytes(),
    )
    .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
}

fn run(e: &Env, args: &[&str]) -> (i32, String, String) {
    let out = palisade(e, args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn user_config(e: &Env, text: &str) {
    let dir = e.home.join(".config/palisade");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("palisade.toml"), text).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn s(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::StringValue(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The decision records of the local log, as exported.
fn exported(e: &Env) -> Vec<Json> {
    let (code, out, err) = run(e, &["log", "export"]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .filter(|r| r["kind"] == "decision")
        .collect()
}

/// `palisade.decisions` summed by verdict, and the histogram's count.
fn metrics(rx: &Receiver) -> (BTreeMap<String, u64>, u64) {
    let t = rx.metric_totals();
    assert!(t.unexpected.is_empty(), "{:?}", t.unexpected);
    (t.decisions_by_verdict, t.durations)
}

#[test]
fn ship_survives_an_outage_and_delivers_each_decision_once() {
    let e = env();
    let port = free_port();
    // The project tries to send the stream elsewhere: ignored.
    let attacker = Receiver::start().unwrap();
    std::fs::write(
        e.proj.join("palisade.toml"),
        format!("[telemetry]\notlp_endpoint = \"{}\"\n", attacker.endpoint()),
    )
    .unwrap();
    user_config(
        &e,
        &format!("[telemetry]\notlp_endpoint = \"http://127.0.0.1:{port}\"\ninterval = \"0\"\n"),
    );
    hook(&e, "cat ~/.ssh/id_rsa");
    hook(&e, "ls -la");
    hook(&e, "rm -rf ~");

    // The collector is down: exit 1, nothing lost, the cursor stays.
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}/v1/logs")), "{err}");
    assert!(
        err.contains("nothing lost; 3 records waiting, will be re-sent"),
        "{err}"
    );
    assert!(err.contains("[telemetry] ignored"), "{err}");
    let (_, out, _) = run(&e, &["log", "ship", "--status", "--format", "json"]);
    let st: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (st["waiting"].as_u64(), st["cursor_seq"].as_u64()),
        (Some(3), Some(0))
    );

    // A dry run shows what would go, and sends nothing.
    let (code, out, _) = run(&e, &["log", "ship", "--dry-run", "--format", "json"]);
    assert_eq!(code, 0);
    let first: Json = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["attributes"][names::VERDICT], "deny");
    assert_eq!(first["attributes"][names::RULE_ID], "cred.ssh-private-key");

    // The collector comes back: every decision arrives once, as logged.
    let rx = Receiver::start_on(port).unwrap();
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("shipped 3 records"), "{err}");
    let local = exported(&e);
    let got = rx.log_records();
    assert_eq!(got.len(), 3);
    for (r, l) in got.iter().zip(&local) {
        assert_eq!(
            s(attr(r, names::HASH)),
            l["hash"].as_str().map(String::from)
        );
        assert_eq!(
            s(attr(r, names::VERDICT)),
            l["verdict"].as_str().map(String::from)
        );
        assert_eq!(
            s(attr(r, names::RULE_ID)),
            l["rule"].as_str().map(String::from)
        );
        assert_eq!(s(attr(r, names::SESSION)).as_deref(), Some("s1"));
        assert_eq!(s(attr(r, names::AGENT)).as_deref(), Some("claude-code"));
        match attr(r, names::SEQ) {
            Some(Value::IntValue(i)) => assert_eq!(Some(*i as u64), l["seq"].as_u64()),
            other => panic!("seq {other:?}"),
        }
    }
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for l in &local {
        *want
            .entry(l["verdict"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(metrics(&rx), (want, 3));

    // Again: nothing re-sent.
    let before = rx.requests().len();
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("shipped 0 records"), "{err}");
    assert_eq!(rx.requests().len(), before);

    // The collector refuses (503): the new decision waits, then goes once.
    hook(&e, "cat ~/.ssh/id_rsa");
    rx.set_status(503);
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("503") && err.contains("1 records waiting"),
        "{err}"
    );
    rx.set_status(200);
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 0, "{err}");
    let hashes: Vec<_> = rx
        .log_records()
        .iter()
        .map(|r| s(attr(r, names::HASH)))
        .collect();
    let mut unique = hashes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((hashes.len(), unique.len()), (4, 4));
    assert!(attacker.requests().is_empty());
}

/// `OTEL_EXPORTER_OTLP_COMPRESSION=gzip` sends gzip bodies
/// (`Content-Encoding: gzip`) that the receiver decodes to every record;
/// an unknown compression is ignored with a warning, as the OpenTelemetry
/// specification asks of SDKs, and the records go uncompressed.
#[test]
fn gzip_compression_is_honoured() {
    let e = env();
    let rx = Receiver::start().unwrap();
    let ship = |compression: &str| {
        palisade(&e, &["log", "ship", "--endpoint", &rx.endpoint()])
            .env("OTEL_EXPORTER_OTLP_COMPRESSION", compression)
            .output()
            .unwrap()
    };
    let encodings = || -> Vec<Option<String>> {
        rx.requests()
            .iter()
            .map(|r| r.headers.get("content-encoding").cloned())
            .collect()
    };
    hook(&e, "git status");
    let o = ship("brotli");
    assert!(o.status.success(), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("OTEL_EXPORTER_OTLP_COMPRESSION=`brotli`"),
        "{err}"
    );
    assert!(encodings().iter().all(Option::is_none), "{:?}", encodings());
    let before = rx.requests().len();
    hook(&e, "rm -rf ~");
    let o = ship("gzip");
    assert!(o.status.success(), "{o:?}");
    let after = &encodings()[before..];
    assert!(!after.is_empty());
    assert!(
        after.iter().all(|c| c.as_deref() == Some("gzip")),
        "{after:?}"
    );
    assert_eq!(rx.log_records().len(), 2);
    // The same from `[telemetry] compression`, with no variable: the
    // background shipper sees no OTEL_* variables, so this is its way.
    user_config(
        &e,
        &format!(
            "[telemetry]\notlp_endpoint = \"{}\"\ncompression = \"gzip\"\n",
            rx.endpoint()
        ),
    );
    let before = rx.requests().len();
    hook(&e, "ls");
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 0, "{err}");
    let after = &encodings()[before..];
    assert!(!after.is_empty());
    assert!(
        after.iter().all(|c| c.as_deref() == Some("gzip")),
        "{after:?}"
    );
    assert_eq!(rx.log_records().len(), 3);
    user_config(&e, "[telemetry]\ncompression = \"brotli\"\n");
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("compression: unknown `brotli`"), "{err}");
}

#[test]
fn grpc_and_a_missing_endpoint_are_clear_errors() {
    let e = env();
    let (code, _, err) = run(
        &e,
        &[
            "log",
            "ship",
            "--endpoint",
            "http://127.0.0.1:4317",
            "--protocol",
            "grpc",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`grpc` is not supported"), "{err}");
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 2);
    assert!(err.contains("no OTLP endpoint"), "{err}");
}

#[test]
fn the_hook_starts_a_background_shipper_without_waiting_for_it() {
    let e = env();
    let rx = Receiver::start().unwrap();
    user_config(
        &e,
        &format!("[telemetry]\notlp_endpoint = \"{}\"\n", rx.endpoint()),
    );
    let started = Instant::now();
    hook(&e, "cat ~/.ssh/id_rsa");
    let hook_time = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(10);
    while rx.log_records().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(rx.log_records().len(), 1, "hook took {hook_time:?}");
    // Within the interval a second decision does not start another one.
    hook(&e, "ls");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(rx.log_records().len(), 1);
}

/// A project can set the agent's environment (Claude Code's `env`), and so
/// the hook's: proxy and certificate variables there must not steer the
/// background shipper, which still delivers directly. The same variables
/// do steer `palisade log ship` run by hand (the user's own shell), which
/// shows they would have mattered; `[telemetry] proxy` is the way to set
/// one for the background shipper.
#[test]
fn the_agents_proxy_variables_do_not_steer_the_background_shipper() {
    let e = env();
    let rx = Receiver::start().unwrap();
    user_config(
        &e,
        &format!("[telemetry]\notlp_endpoint = \"{}\"\n", rx.endpoint()),
    );
    let dead = format!("http://127.0.0.1:{}", free_port());
    let steering = [
        ("HTTP_PROXY", dead.as_str()),
        ("http_proxy", dead.as_str()),
        ("HTTPS_PROXY", dead.as_str()),
        ("ALL_PROXY", dead.as_str()),
        ("SSL_CERT_FILE", "/nonexistent/attacker-ca.pem"),
    ];
    // By hand, with those variables: the dead proxy is used, and fails.
    hook_with_env(&e, "ls", &[("PALISADE_NO_BACKGROUND_SHIP", "1")]);
    let mut by_hand = palisade(&e, &["log", "ship"]);
    by_hand.envs(steering);
    let o = by_hand.output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(rx.log_records().is_empty());
    // The hook's background shipper, with the same variables: delivered.
    hook_with_env(&e, "cat ~/.ssh/id_rsa", &steering);
    let deadline = Instant::now() + Duration::from_secs(10);
    while rx.log_records().len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(rx.log_records().len(), 2);
    // `[telemetry] proxy` is honoured: through the dead proxy, nothing goes.
    user_config(
        &e,
        &format!(
            "[telemetry]\notlp_endpoint = \"{}\"\nproxy = \"{dead}\"\n",
            rx.endpoint()
        ),
    );
    hook_with_env(&e, "pwd", &[("PALISADE_NO_BACKGROUND_SHIP", "1")]);
    let (code, _, err) = run(&e, &["log", "ship"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(rx.log_records().len(), 2);
}

#[test]
fn audit_section_switches_the_log_off_and_moves_it() {
    let e = env();
    user_config(&e, "[audit]\nenabled = false\n");
    hook(&e, "ls");
    let (_, out, _) = run(&e, &["log", "export"]);
    assert_eq!(out, "");
    let dir = e.home.join("elsewhere");
    user_config(&e, &format!("[audit]\ndir = \"{}\"\n", dir.display()));
    hook(&e, "ls");
    assert!(dir.join("segment-000001.jsonl").exists());
    assert_eq!(exported(&e).len(), 1);
    // A project cannot switch it off.
    std::fs::write(e.proj.join("palisade.toml"), "[audit]\nenabled = false\n").unwrap();
    hook(&e, "ls");
    assert_eq!(exported(&e).len(), 2);
    // The other readers find it there too: doctor's check and the dashboard.
    let o = palisade(&e, &["doctor", "--json"]).output().unwrap();
    let v: Json = serde_json::from_slice(&o.stdout).unwrap();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "audit log")
        .unwrap()
        .clone();
    let detail = check["detail"].as_str().unwrap();
    assert!(
        detail.contains(dir.to_str().unwrap()) && detail.contains("verifies, 2 records"),
        "{check}"
    );
    let mut ui = palisade_cmd(&e, &["ui", "--json", "--port", "0"])
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(ui.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let _ = ui.kill();
    let _ = ui.wait();
    let err = {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut ui.stderr.take().unwrap(), &mut s).unwrap();
        s
    };
    assert!(err.contains(dir.to_str().unwrap()), "{err}");
}
