//! The Claude Code hook's sandbox rewrite (issue #6), through the real
//! binary: with `[sandbox] bash = "on"`, a Bash command that is not denied
//! comes back as `palisade run --profile P --project ROOT --explain -- bash -c '<command>'`, and
//! running that answer the way Claude Code would keeps its writes inside
//! the project.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{env, Env};

fn exe() -> PathBuf {
    std::fs::canonicalize(env!("CARGO_BIN_EXE_palisade")).expect("palisade binary")
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// What the hook should answer for `command` under `profile` in `e`'s
/// project.
fn wrapped(e: &Env, command: &str, profile: &str) -> String {
    format!(
        "{} run --profile {} --project {} --explain -- bash -c {}",
        quote(&exe().to_string_lossy()),
        quote(profile),
        quote(&e.proj.to_string_lossy()),
        quote(command)
    )
}

fn user_toml(e: &Env, text: &str) {
    let dir = e.home.join(".config/palisade");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("palisade.toml"), text).expect("write");
}

fn hook(e: &Env, command: &str, mode: &str) -> Value {
    let event = json!({"session_id": "s1", "transcript_path": "/dev/null", "cwd": e.proj,
        "permission_mode": mode, "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": command, "description": "d"}, "tool_use_id": "toolu_1"});
    let mut child = Command::new(exe())
        .args(["hook", "claude-code", "--managed-dir"])
        .arg(&e.managed)
        .env_clear()
        .env("HOME", &e.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(&e.proj)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn palisade");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(event.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).expect("JSON")
    }
}

fn decision(v: &Value) -> Option<&str> {
    v["hookSpecificOutput"]["permissionDecision"].as_str()
}

fn updated(v: &Value) -> Option<&str> {
    v["hookSpecificOutput"]["updatedInput"]["command"].as_str()
}

/// Runs a command with bash in the project, as Claude Code runs a Bash tool call.
fn run_bash(e: &Env, command: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(command)
        .current_dir(&e.proj)
        .env_clear()
        .env("HOME", &e.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .output()
        .expect("run bash")
}

fn outside(e: &Env) -> PathBuf {
    e.home
        .parent()
        .unwrap_or(Path::new("/"))
        .join("outside.txt")
}

#[test]
fn off_by_default() {
    let e = env();
    assert_eq!(hook(&e, "touch made.txt", "default"), Value::Null);
}

#[test]
fn writes_outside_the_project_fail_inside_work() {
    let e = env();
    user_toml(&e, "[sandbox]\nbash = \"on\"\n");
    let inside = "echo made > made.txt";
    let out_path = outside(&e);
    let escape = format!("echo pwned > {}", out_path.display());
    for (cmd, ok) in [(inside, true), (escape.as_str(), false)] {
        let v = hook(&e, cmd, "default");
        // No rule decides: the sandbox makes it safe to allow.
        assert_eq!(decision(&v), Some("allow"), "{v}");
        assert_eq!(
            updated(&v),
            Some(wrapped(&e, cmd, "workspace").as_str()),
            "{v}"
        );
        let reason = v["hookSpecificOutput"]["permissionDecisionReason"]
            .as_str()
            .expect("reason");
        assert!(reason.contains("sandbox, profile `workspace`"), "{reason}");
        let out = run_bash(&e, updated(&v).expect("command"));
        assert_eq!(out.status.success(), ok, "{cmd}: {out:?}");
    }
    assert_eq!(
        std::fs::read_to_string(e.proj.join("made.txt")).expect("made"),
        "made\n"
    );
    assert!(!out_path.exists(), "the sandbox let a write out");
}

#[test]
fn denied_commands_are_not_rewritten_and_ask_stays_ask() {
    let e = env();
    user_toml(
        &e,
        "[sandbox]\nbash = \"on\"\n[permissions]\nask = [\"Bash(make:*)\"]\n",
    );
    let v = hook(&e, "cat ~/.ssh/id_rsa", "default");
    assert_eq!(decision(&v), Some("deny"));
    assert_eq!(updated(&v), None);
    let v = hook(&e, "make deploy", "default");
    assert_eq!(decision(&v), Some("ask"));
    assert_eq!(
        updated(&v),
        Some(wrapped(&e, "make deploy", "workspace").as_str())
    );
    // In plan mode, a command nobody decided is left to Claude Code.
    let v = hook(&e, "touch x", "plan");
    assert_eq!(decision(&v), None, "{v}");
    assert_eq!(
        updated(&v),
        Some(wrapped(&e, "touch x", "workspace").as_str())
    );
}

#[test]
fn redaction_goes_around_the_sandbox() {
    let e = env();
    user_toml(&e, "[sandbox]\nbash = \"on\"\n");
    let token = common::github_token("Tq8ZpL3vWx9NcR2mYk7HbD4fJs6Ga1");
    std::fs::write(e.proj.join("deploy.py"), format!("TOKEN = \"{token}\"\n")).expect("write");
    let v = hook(&e, "cat deploy.py", "default");
    let cmd = updated(&v).expect("rewritten").to_string();
    assert!(
        cmd.contains(&wrapped(&e, "cat deploy.py", "workspace")),
        "{cmd}"
    );
    assert!(cmd.contains("redact"), "{cmd}");
    let out = run_bash(&e, &cmd);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("[REDACTED:github-pat-classic]"), "{stdout}");
    assert!(!stdout.contains(&token));
    // Neither wrapper is applied twice.
    let again = hook(&e, &cmd, "default");
    assert_eq!(updated(&again), None, "{again}");
}

#[test]
fn already_sandboxed_commands_are_not_wrapped_again() {
    let e = env();
    user_toml(&e, "[sandbox]\nbash = \"on\"\n");
    let once = wrapped(&e, "touch x", "workspace");
    assert_eq!(updated(&hook(&e, &once, "default")), None);
    // A `palisade run` the model wrote with a looser profile is wrapped:
    // the sandbox around it can only narrow it.
    let own = format!(
        "{} run --profile agent -- touch x",
        quote(&exe().to_string_lossy())
    );
    assert_eq!(
        updated(&hook(&e, &own, "default")),
        Some(wrapped(&e, &own, "workspace").as_str())
    );
}

#[test]
fn a_project_cannot_turn_it_off_or_exclude_commands() {
    let e = env();
    user_toml(
        &e,
        "[sandbox]\nbash = \"on\"\nprofile = \"read-only\"\nexclude = [\"git status\"]\n",
    );
    std::fs::write(
        e.proj.join("palisade.toml"),
        "[sandbox]\nbash = \"off\"\nprofile = \"agent\"\nexclude = [\"touch:*\"]\n",
    )
    .expect("write");
    let v = hook(&e, "touch x", "default");
    assert_eq!(
        updated(&v),
        Some(wrapped(&e, "touch x", "read-only").as_str())
    );
    // The user's exclusion holds only when every part matches.
    assert_eq!(updated(&hook(&e, "git status", "default")), None);
    let both = "git status; touch y";
    assert_eq!(
        updated(&hook(&e, both, "default")),
        Some(wrapped(&e, both, "read-only").as_str())
    );
}

#[test]
fn a_profile_that_cannot_be_loaded_denies() {
    let e = env();
    user_toml(&e, "[sandbox]\nbash = \"on\"\nprofile = \"nope\"\n");
    let v = hook(&e, "touch x", "default");
    assert_eq!(decision(&v), Some("deny"));
    let reason = v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .expect("reason");
    assert!(reason.contains("no profile named `nope`"), "{reason}");
}
