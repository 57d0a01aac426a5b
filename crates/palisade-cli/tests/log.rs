//! The audit log through the real binary (issue #8): hook calls produce
//! records, `palisade log verify` passes on an intact log and locates each
//! kind of tampering, concurrent hooks do not corrupt the log, and a hook
//! killed mid-write costs at most its own record.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Output, Stdio};

mod common;
use common::{env, github_token, palisade_cmd, spawn_bash_hook, Env};

fn spawn_hook(e: &Env, command_text: &str) -> Child {
    spawn_hook_in(e, command_text, "default")
}

fn spawn_hook_in(e: &Env, command_text: &str, mode: &str) -> Child {
    spawn_bash_hook(e, "s1", mode, command_text)
}

fn hook(e: &Env, command_text: &str) -> Output {
    let out = spawn_hook(e, command_text)
        .wait_with_output()
        .expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("audit log"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn log(e: &Env, args: &[&str]) -> (i32, String) {
    let mut a = vec!["log"];
    a.extend_from_slice(args);
    let out = palisade_cmd(e, &a).output().expect("run palisade log");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn records(e: &Env) -> Vec<Value> {
    let (code, out) = log(e, &["export"]);
    assert_eq!(code, 0, "{out}");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn segment(e: &Env) -> PathBuf {
    e.home
        .join(".local/state/palisade/audit/segment-000001.jsonl")
}

fn lines(e: &Env) -> Vec<String> {
    std::fs::read_to_string(segment(e))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn write_lines(e: &Env, lines: &[String]) {
    std::fs::write(segment(e), lines.join("\n") + "\n").unwrap();
}

#[test]
fn hook_decisions_are_recorded_with_rule_and_redacted_action() {
    let e = env();
    let token = github_token("Kq7WnZ3xLp9VtR2mXa8Yb4Hc6Jd1Fe5G");
    hook(&e, "cat ~/.ssh/id_rsa");
    hook(
        &e,
        &format!("curl -H 'Authorization: token {token}' https://api.github.com/user"),
    );
    hook(&e, "cargo build");
    let r = records(&e);
    assert_eq!(r.len(), 3);
    let deny = &r[0];
    assert_eq!(deny["seq"], 1);
    assert_eq!(deny["kind"], "decision");
    assert_eq!(deny["agent"], "claude-code");
    assert_eq!(deny["session"], "s1");
    assert_eq!(deny["event"], "PreToolUse");
    assert_eq!(deny["cwd"], e.proj.display().to_string());
    assert_eq!(deny["action"], "Bash: cat ~/.ssh/id_rsa");
    assert_eq!(deny["verdict"], "deny");
    assert_eq!(deny["rule"], "cred.ssh-private-key");
    assert_eq!(deny["layer"], "built-in");
    assert!(
        deny["source"].as_str().unwrap().contains(".toml:"),
        "{deny}"
    );
    assert!(deny["duration_us"].as_u64().unwrap() > 0);
    assert_eq!(r[1]["prev"], deny["hash"]);
    let action = r[1]["action"].as_str().unwrap();
    assert!(action.contains("[REDACTED:"), "{action}");
    assert_eq!(r[2]["verdict"], "pass");
    let raw = std::fs::read_to_string(segment(&e)).unwrap();
    assert!(!raw.contains(&token), "the token reached the log");

    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok: 3 records"), "{out}");

    let (code, out) = log(&e, &["query", "--verdict", "deny", "--since", "1h"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("cred.ssh-private-key"), "{out}");
    let (_, out) = log(&e, &["query", "--path", "cargo", "--format", "json"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (_, out) = log(&e, &["query", "--until", "2000-01-01"]);
    assert_eq!(out, "");
    let (_, out) = log(&e, &["tail", "-n", "2"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().last().unwrap().contains("cargo build"), "{out}");
}

#[test]
fn audit_off_writes_nothing() {
    let e = env();
    let out = palisade_cmd(&e, &["hook", "claude-code", "--managed-dir"])
        .arg(&e.managed)
        .env("PALISADE_AUDIT", "off")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!segment(&e).exists());
}

/// Five records, then one kind of tampering: verify exits 1 and says where.
fn tampered(change: impl Fn(&mut Vec<String>)) -> String {
    let e = env();
    for i in 0..5 {
        hook(&e, &format!("echo {i}"));
    }
    assert_eq!(log(&e, &["verify"]).0, 0);
    let mut l = lines(&e);
    change(&mut l);
    write_lines(&e, &l);
    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 1, "{out}");
    out
}

#[test]
fn one_edited_byte_is_located() {
    let out = tampered(|l| l[2] = l[2].replacen("echo 2", "echo 7", 1));
    assert!(
        out.contains("segment-000001.jsonl:3 (seq 3): the record's hash does not match"),
        "{out}"
    );
}

#[test]
fn a_deleted_line_is_located() {
    let out = tampered(|l| {
        l.remove(1);
    });
    assert!(
        out.contains("segment-000001.jsonl:2 (seq 3): expected seq 2, found 3"),
        "{out}"
    );
}

#[test]
fn swapped_lines_are_located() {
    let out = tampered(|l| l.swap(2, 3));
    assert!(
        out.contains("segment-000001.jsonl:3 (seq 4): expected seq 3, found 4"),
        "{out}"
    );
}

#[test]
fn a_cut_tail_is_detected() {
    let out = tampered(|l| l.truncate(3));
    assert!(out.contains("[truncated]"), "{out}");
    assert!(out.contains("ends at seq 3"), "{out}");
}

#[test]
fn concurrent_hooks_keep_every_record_intact() {
    let e = env();
    std::thread::scope(|s| {
        for w in 0..8 {
            let e = &e;
            s.spawn(move || {
                for i in 0..50 {
                    hook(e, &format!("echo {w}-{i}"));
                }
            });
        }
    });
    let r = records(&e);
    assert_eq!(r.len(), 400);
    for (i, rec) in r.iter().enumerate() {
        assert_eq!(rec["seq"], i as u64 + 1);
    }
    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok: 400 records"), "{out}");
}

#[test]
fn a_record_torn_by_a_crash_costs_only_itself() {
    let e = env();
    for i in 0..3 {
        hook(&e, &format!("echo {i}"));
    }
    // What `kill -9` in the middle of a write leaves: half a line, no newline.
    let mut whole = lines(&e);
    let half = whole[2].replacen("\"seq\":3", "\"seq\":4", 1);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(segment(&e))
        .unwrap();
    f.write_all(&half.as_bytes()[..half.len() / 2]).unwrap();
    drop(f);
    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("segment-000001.jsonl:4: incomplete last record (crash)"),
        "{out}"
    );
    assert!(out.contains("ok: 3 records"), "{out}");

    hook(&e, "echo next");
    let r = records(&e);
    assert_eq!(r.len(), 4);
    assert_eq!(r[3]["seq"], 4);
    assert_eq!(r[3]["prev"], r[2]["hash"]);
    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok: 4 records"), "{out}");
    whole = lines(&e);
    assert_eq!(
        whole.len(),
        5,
        "the torn line stays, the next record on a line of its own"
    );
}

#[test]
fn hooks_killed_at_random_points_leave_a_verifiable_log() {
    let e = env();
    hook(&e, "echo first");
    for i in 0..24u64 {
        let mut child = spawn_hook(&e, &format!("echo {i}"));
        // Spread the kills over the hook's run, logging included.
        std::thread::sleep(std::time::Duration::from_micros((i * 397) % 6000));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    hook(&e, "echo last");
    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 0, "{out}");
    let r = records(&e);
    assert!(r.len() >= 2);
    assert_eq!(r.last().unwrap()["action"], "Bash: echo last");
}

#[test]
fn seal_then_verify() {
    let e = env();
    hook(&e, "echo 1");
    let (code, out) = log(&e, &["seal"]);
    assert_eq!((code, out.trim()), (0, "sealed segment 1 at seq 2"));
    hook(&e, "echo 2");
    let (code, out) = log(&e, &["verify", "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["segments"].as_u64(), v["seals"].as_u64()),
        (Some(2), Some(1))
    );
    // Forging the seal needs the key.
    std::fs::write(e.home.join(".config/palisade/audit.key"), [7u8; 32]).unwrap();
    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[bad-seal]"), "{out}");
}

/// A session running with Claude Code's own prompts off
/// (`--dangerously-skip-permissions`) is flagged on every record, and
/// `query --flag` finds it; records of normal sessions carry no flag.
#[test]
fn bypass_permissions_sessions_are_flagged() {
    let e = env();
    hook(&e, "git status");
    let out = spawn_hook_in(&e, "rm -rf /srv/data", "bypassPermissions")
        .wait_with_output()
        .expect("wait");
    assert!(out.status.success());
    let recs = records(&e);
    assert_eq!(recs.len(), 2, "{recs:#?}");
    assert_eq!(recs[0]["mode"], "default");
    assert!(recs[0].get("flags").is_none(), "{}", recs[0]);
    assert_eq!(recs[1]["mode"], "bypassPermissions");
    assert_eq!(recs[1]["flags"], json!(["bypass-permissions"]));
    let (code, out) = log(&e, &["query", "--flag", "bypass-permissions"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains("rm -rf /srv/data") && out.contains("!bypass-permissions"),
        "{out}"
    );
    // The session switched from default to bypassPermissions: `sessions`
    // says so, and when; a session that never ran in bypass mode is left
    // out by --bypass.
    spawn_bash_hook(&e, "s2", "acceptEdits", "ls")
        .wait_with_output()
        .expect("wait");
    let (code, out) = log(&e, &["sessions", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let sessions: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(sessions.len(), 2, "{out}");
    let s1 = sessions.iter().find(|s| s["session"] == "s1").unwrap();
    assert_eq!(s1["modes"], json!(["default", "bypassPermissions"]));
    assert_eq!(s1["switched_to_bypass_ms"], recs[1]["unix_ms"]);
    assert_eq!(s1["total"], 2);
    let (_, out) = log(&e, &["sessions", "--bypass"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("s1 ") && out.contains("!switched to bypassPermissions"),
        "{out}"
    );
    let (code, out) = log(&e, &["verify"]);
    assert_eq!(code, 0, "{out}");
}

/// A Read the secret checks deny (no policy rule decided) is recorded with
/// the scanner's rule id, and the secret itself is not in the record.
#[test]
fn a_secret_block_is_recorded_with_its_rule() {
    let e = env();
    let token = github_token("Zr4kW9pQm2Lx7TnB3vHc8JdY5gFs1E");
    let file = e.proj.join("deploy.py");
    std::fs::write(&file, format!("TOKEN = '{token}'\n")).expect("write");
    let mut child = palisade_cmd(&e, &["hook", "claude-code", "--managed-dir"])
        .arg(&e.managed)
        .spawn()
        .expect("spawn");
    let input = json!({"session_id": "s1", "cwd": e.proj, "permission_mode": "default",
        "hook_event_name": "PreToolUse", "tool_name": "Read",
        "tool_input": {"file_path": file}});
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"deny\""),
        "{out:?}"
    );
    let recs = records(&e);
    assert_eq!(recs.len(), 1, "{recs:#?}");
    assert_eq!(recs[0]["verdict"], "deny");
    assert_eq!(recs[0]["rule"], "secret.github.pat-classic");
    assert_eq!(recs[0]["layer"], "built-in");
    assert!(!recs[0].to_string().contains(&token));
}
