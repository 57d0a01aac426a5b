//! Secrets and the Claude Code hook (issue #5), through the real binary.
//!
//! Each test is an attempt to get a secret into the model's context: in a
//! prompt, by reading a file, by printing it from a shell command, through
//! an MCP tool's result, or by hard-coding it into source. Every answer is
//! also checked for the secret itself: Palisade must never print it.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{env, Env};

/// The made-up GitHub token these tests plant (valid checksum).
fn github_token() -> String {
    common::github_token("Tq8ZpL3vWx9NcR2mYk7HbD4fJs6Ga1")
}

/// A made-up PEM private key body that the `secret.private-key.pem` rule matches.
const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nQ3zv9LmT2xKc8RpWn4YhJd7BfGs1Ve5Az0uXo6iPqE3rTy8UwNm2Lk9Jh4Gf7Ds1\nZa5Xc3Vb8Nm1Qw7Er4Ty6Ui2Op9As0Df5Gh3Jk8Lz1Xc6Vb4Nm7Qw2Er5Ty9Ui3Op\n-----END RSA PRIVATE KEY-----\n";
const PEM_BODY_PART: &str = "Q3zv9LmT2xKc8RpWn4Yh";

fn run_hook(e: &Env, event: &Value) -> Output {
    let mut child = common::palisade_cmd(e, &["hook", "claude-code", "--managed-dir"])
        .arg(&e.managed)
        .spawn()
        .expect("spawn palisade");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(event.to_string().as_bytes())
        .expect("write event");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn pre(e: &Env, tool: &str, input: Value) -> Value {
    json!({"session_id": "s1", "transcript_path": "/dev/null", "cwd": e.proj,
           "permission_mode": "default", "hook_event_name": "PreToolUse",
           "tool_name": tool, "tool_input": input, "tool_use_id": "toolu_1"})
}

fn post(e: &Env, tool: &str, response: Value) -> Value {
    json!({"session_id": "s1", "cwd": e.proj, "hook_event_name": "PostToolUse",
           "tool_name": tool, "tool_input": {}, "tool_response": response})
}

/// stdout as JSON; asserts that no secret is anywhere in stdout or stderr.
fn answer(out: &Output, secrets: &[&str]) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for s in secrets {
        assert!(!stdout.contains(s), "secret on stdout: {stdout}");
        assert!(!stderr.contains(s), "secret on stderr: {stderr}");
    }
    if stdout.trim().is_empty() {
        return Value::Null;
    }
    serde_json::from_str(&stdout).expect("stdout is JSON")
}

fn denied_reason(v: &Value) -> String {
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["permissionDecision"], "deny", "{v}");
    h["permissionDecisionReason"]
        .as_str()
        .expect("reason")
        .to_string()
}

fn trust(e: &Env) {
    let trust = json!({"projects": {e.proj.to_string_lossy(): {"hasTrustDialogAccepted": true}}});
    std::fs::write(e.home.join(".claude.json"), trust.to_string()).expect("write");
}

/// Runs an `updatedInput` command with bash in the project, as Claude Code would.
fn run_bash(e: &Env, command: &str, extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(command)
        .current_dir(&e.proj)
        .env_clear()
        .env("HOME", &e.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("run bash")
}

fn updated_command(v: &Value) -> String {
    v["hookSpecificOutput"]["updatedInput"]["command"]
        .as_str()
        .unwrap_or_else(|| panic!("no updatedInput.command in {v}"))
        .to_string()
}

#[test]
fn prompt_with_a_token_is_blocked_and_the_answer_never_repeats_it() {
    let e = env();
    let token = github_token();
    let ev = json!({"session_id": "s1", "cwd": e.proj, "permission_mode": "default",
                    "hook_event_name": "UserPromptSubmit",
                    "prompt": format!("deploy it\nmy token is {token}, use it")});
    let v = answer(&run_hook(&e, &ev), &[&token]);
    assert_eq!(v["decision"], "block", "{v}");
    let r = v["reason"].as_str().expect("reason");
    for part in [
        "github-pat-classic",
        "secret.github.pat-classic",
        "line 2, column 13",
        "environment variable",
        "without printing it",
        "https://github.com/settings/tokens",
    ] {
        assert!(r.contains(part), "{part:?} missing from {r}");
    }
}

#[test]
fn prompt_without_secrets_passes() {
    let e = env();
    let ev = json!({"cwd": e.proj, "hook_event_name": "UserPromptSubmit",
                    "prompt": "set GITHUB_TOKEN=${GITHUB_TOKEN} from the environment"});
    assert_eq!(answer(&run_hook(&e, &ev), &[]), Value::Null);
}

#[test]
fn read_of_a_file_holding_a_secret_is_denied_with_kind_and_line() {
    let e = env();
    let token = github_token();
    std::fs::create_dir_all(e.proj.join("config")).expect("mkdir");
    let file = e.proj.join("config/deploy.py");
    std::fs::write(&file, format!("import os\n\nTOKEN = \"{token}\"\n")).expect("write");
    let v = answer(
        &run_hook(&e, &pre(&e, "Read", json!({"file_path": file}))),
        &[&token],
    );
    let r = denied_reason(&v);
    assert!(r.starts_with("Palisade blocked this action"), "{r}");
    assert!(r.contains("github-pat-classic"), "{r}");
    assert!(r.contains("secret.github.pat-classic"), "{r}");
    assert!(r.contains("config/deploy.py:3:10"), "{r}");
    assert!(r.contains("rotate"), "{r}");
    assert!(r.contains("https://github.com/settings/tokens"), "{r}");
    assert!(r.contains("Read("), "says how to allow it: {r}");
    // A relative path is resolved against the agent's cwd.
    let v = answer(
        &run_hook(
            &e,
            &pre(&e, "Read", json!({"file_path": "config/deploy.py"})),
        ),
        &[&token],
    );
    assert!(denied_reason(&v).contains("deploy.py:3:10"));
}

#[test]
fn read_of_a_private_key_in_an_unusual_file_is_denied() {
    let e = env();
    let file = e.proj.join("notes.txt");
    std::fs::write(&file, format!("todo\n{PEM}")).expect("write");
    let v = answer(
        &run_hook(&e, &pre(&e, "Read", json!({"file_path": file}))),
        &[PEM_BODY_PART],
    );
    let r = denied_reason(&v);
    assert!(r.contains("secret.private-key.pem"), "{r}");
    assert!(r.contains("notes.txt:3:"), "{r}");
}

#[test]
fn clean_binary_and_missing_files_are_not_blocked() {
    let e = env();
    std::fs::write(e.proj.join("clean.rs"), "fn main() {}\n").expect("write");
    let mut bin = b"\x7fELF\x00\x00".to_vec();
    bin.extend_from_slice(github_token().as_bytes());
    std::fs::write(e.proj.join("tool.bin"), bin).expect("write");
    for f in ["clean.rs", "tool.bin", "missing.txt"] {
        let v = answer(
            &run_hook(&e, &pre(&e, "Read", json!({"file_path": e.proj.join(f)}))),
            &[],
        );
        assert_eq!(v, Value::Null, "{f}");
    }
}

#[test]
fn read_is_allowed_by_an_explicit_allow_rule_only_in_a_trusted_project() {
    let e = env();
    let token = github_token();
    std::fs::create_dir_all(e.proj.join("fixtures")).expect("mkdir");
    let file = e.proj.join("fixtures/token.txt");
    std::fs::write(&file, format!("{token}\n")).expect("write");
    std::fs::write(
        e.proj.join("palisade.toml"),
        "[permissions]\nallow = [\"Read(./fixtures/**)\"]\n",
    )
    .expect("write");
    // Attack: a cloned repository allow-lists its own secret reads. Its
    // allow rules do not count until the user trusts the workspace.
    let ev = pre(&e, "Read", json!({"file_path": file}));
    let v = answer(&run_hook(&e, &ev), &[&token]);
    assert!(denied_reason(&v).contains("github-pat-classic"));
    trust(&e);
    let v = answer(&run_hook(&e, &ev), &[&token]);
    assert_eq!(
        v["hookSpecificOutput"]["permissionDecision"], "allow",
        "{v}"
    );
    // The rule covers fixtures/ only.
    let other = e.proj.join("token.txt");
    std::fs::write(&other, format!("{token}\n")).expect("write");
    let v = answer(
        &run_hook(&e, &pre(&e, "Read", json!({"file_path": other}))),
        &[&token],
    );
    assert!(denied_reason(&v).contains("github-pat-classic"));
}

#[test]
fn write_and_edit_that_hard_code_a_key_are_denied() {
    let e = env();
    let token = github_token();
    for (tool, input) in [
        (
            "Write",
            json!({"file_path": e.proj.join("src/client.py"),
                   "content": format!("import requests\n\nAPI = \"{token}\"\n")}),
        ),
        (
            "Edit",
            json!({"file_path": e.proj.join("src/client.py"), "old_string": "API = None",
                   "new_string": format!("API = \"{token}\""), "replace_all": false}),
        ),
    ] {
        let v = answer(&run_hook(&e, &pre(&e, tool, input)), &[&token]);
        let r = denied_reason(&v);
        assert!(r.contains("github-pat-classic"), "{tool}: {r}");
        assert!(r.contains("src/client.py:"), "{tool}: {r}");
        assert!(r.contains("environment"), "{tool}: {r}");
        assert!(
            r.contains("https://github.com/settings/tokens"),
            "{tool}: {r}"
        );
    }
    // Reading it from the environment is fine.
    let v = answer(
        &run_hook(
            &e,
            &pre(
                &e,
                "Write",
                json!({"file_path": e.proj.join("src/client.py"),
                       "content": "import os\nAPI = os.environ[\"GITHUB_TOKEN\"]\n"}),
            ),
        ),
        &[],
    );
    assert_eq!(v, Value::Null);
}

#[test]
fn cat_is_rewritten_through_redact_keeping_exit_status_and_stderr() {
    let e = env();
    let token = github_token();
    std::fs::write(
        e.proj.join("app.cfg"),
        format!("name = demo\ntoken = {token}\n{PEM}"),
    )
    .expect("write");
    let v = answer(
        &run_hook(
            &e,
            &pre(
                &e,
                "Bash",
                json!({"command": "cat app.cfg missing.cfg", "description": "show config", "timeout": 5000}),
            ),
        ),
        &[&token, PEM_BODY_PART],
    );
    let h = &v["hookSpecificOutput"];
    // No rule decided, and the command only reads files in the project:
    // allow (Claude Code would not recognise the rewrite as read-only).
    assert_eq!(h["permissionDecision"], "allow", "{v}");
    assert_eq!(h["updatedInput"]["description"], "show config");
    assert_eq!(h["updatedInput"]["timeout"], 5000);
    let cmd = updated_command(&v);
    assert!(
        cmd.contains(&format!("'{}' redact", env!("CARGO_BIN_EXE_palisade"))),
        "absolute path of the binary: {cmd}"
    );
    let out = run_bash(&e, &cmd, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stdout,
        "name = demo\ntoken = [REDACTED:github-pat-classic]\n-----BEGIN RSA PRIVATE KEY-----\n[REDACTED:private-key-pem]\n-----END RSA PRIVATE KEY-----\n"
    );
    assert!(
        stderr.contains("missing.cfg"),
        "cat's error stays on stderr: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "cat's exit status is kept");
}

#[test]
fn secrets_on_stderr_are_redacted_and_exit_codes_survive() {
    let e = env();
    let token = github_token();
    std::fs::write(e.proj.join("app.cfg"), format!("token = {token}\n")).expect("write");
    let v = answer(
        &run_hook(
            &e,
            &pre(&e, "Bash", json!({"command": "cat app.cfg >&2; exit 7"})),
        ),
        &[&token],
    );
    let out = run_bash(&e, &updated_command(&v), &[]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "token = [REDACTED:github-pat-classic]\n"
    );
}

#[test]
fn printenv_of_a_variable_holding_a_token_is_redacted() {
    let e = env();
    let token = github_token();
    // `printenv GITHUB_TOKEN` is denied outright (cred.secret-variable-print);
    // a variable whose name does not say what it holds is printed, redacted.
    let v = answer(
        &run_hook(
            &e,
            &pre(&e, "Bash", json!({"command": "printenv CI_SETTINGS"})),
        ),
        &[&token],
    );
    let out = run_bash(&e, &updated_command(&v), &[("CI_SETTINGS", &token)]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "[REDACTED:github-pat-classic]\n"
    );
    assert_eq!(out.status.code(), Some(0));
    // printenv of an unset variable exits 1; so does the rewritten command.
    let v = answer(
        &run_hook(
            &e,
            &pre(&e, "Bash", json!({"command": "printenv NOT_SET_ANYWHERE"})),
        ),
        &[],
    );
    assert_eq!(
        run_bash(&e, &updated_command(&v), &[]).status.code(),
        Some(1)
    );
}

#[test]
fn whole_environment_dump_stays_denied_and_is_redacted_once_the_guard_is_off() {
    let e = env();
    let token = github_token();
    let ev = pre(&e, "Bash", json!({"command": "printenv"}));
    let v = answer(&run_hook(&e, &ev), &[&token]);
    assert!(denied_reason(&v).contains("cred.environment-dump"));
    assert!(v["hookSpecificOutput"].get("updatedInput").is_none());
    let dir = e.home.join(".config/palisade");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("palisade.toml"),
        "[policy]\ndisable_rules = [\"cred.environment-dump\"]\n",
    )
    .expect("write");
    let v = answer(&run_hook(&e, &ev), &[&token]);
    let out = run_bash(&e, &updated_command(&v), &[("GITHUB_TOKEN", &token)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("GITHUB_TOKEN=[REDACTED:github-pat-classic]"),
        "{stdout}"
    );
    assert!(!stdout.contains(&token));
}

#[test]
fn a_command_claude_code_would_ask_for_keeps_its_permission_flow() {
    let e = env();
    for c in [
        "kubectl get pods",
        "cat /etc/hostname",
        "sort -o out.txt in.txt",
    ] {
        let v = answer(&run_hook(&e, &pre(&e, "Bash", json!({"command": c}))), &[]);
        let h = &v["hookSpecificOutput"];
        assert_eq!(h.get("permissionDecision"), None, "{c}: {v}");
        assert!(h["updatedInput"]["command"].as_str().is_some(), "{c}: {v}");
    }
}

#[test]
fn an_allowed_command_keeps_allow_and_is_rewritten() {
    let e = env();
    let dir = e.home.join(".config/palisade");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("palisade.toml"),
        "[permissions]\nallow = [\"Bash(git log:*)\"]\n",
    )
    .expect("write");
    let v = answer(
        &run_hook(&e, &pre(&e, "Bash", json!({"command": "git log -p -3"}))),
        &[],
    );
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["permissionDecision"], "allow", "{v}");
    assert!(h["permissionDecisionReason"]
        .as_str()
        .expect("reason")
        .contains("palisade redact"));
    assert!(updated_command(&v).contains("git log -p -3\n}"));
}

#[test]
fn commands_without_printed_secrets_and_denied_commands_are_not_rewritten() {
    let e = env();
    for c in ["cargo build", "ls -la", "git status"] {
        let v = answer(&run_hook(&e, &pre(&e, "Bash", json!({"command": c}))), &[]);
        assert_eq!(v, Value::Null, "{c}");
    }
    let v = answer(
        &run_hook(
            &e,
            &pre(&e, "Bash", json!({"command": "cat ~/.ssh/id_rsa"})),
        ),
        &[],
    );
    assert!(denied_reason(&v).contains("cred.ssh-private-key"));
    assert!(v["hookSpecificOutput"].get("updatedInput").is_none());
    // An already rewritten command is not wrapped twice.
    let v = answer(
        &run_hook(&e, &pre(&e, "Bash", json!({"command": "cat x"}))),
        &[],
    );
    let once = updated_command(&v);
    let v = answer(
        &run_hook(&e, &pre(&e, "Bash", json!({"command": once}))),
        &[],
    );
    assert_eq!(v, Value::Null, "{v}");
}

#[test]
fn unbalanced_text_cannot_escape_the_redact_wrapper() {
    let e = env();
    let token = github_token();
    std::fs::write(e.proj.join("app.cfg"), format!("token = {token}\n")).expect("write");
    // Alone, these do not parse; wrapped, they would close the wrapper's
    // group and print the file outside the redact pipe. They are asked
    // about as written, never rewritten.
    for c in [
        "cat app.cfg\n} ; cat app.cfg >&2 ; {  true",
        "cat app.cfg\n}) ; cat app.cfg; ( { true",
    ] {
        let v = answer(
            &run_hook(&e, &pre(&e, "Bash", json!({"command": c}))),
            &[&token],
        );
        let h = &v["hookSpecificOutput"];
        assert_eq!(h["permissionDecision"], "ask", "{c}: {v}");
        assert!(h.get("updatedInput").is_none(), "{c}: {v}");
    }
}

#[test]
fn rewritten_output_streams_line_by_line() {
    let e = env();
    std::fs::write(e.proj.join("a.log"), "first\n").expect("write");
    let v = answer(
        &run_hook(
            &e,
            &pre(
                &e,
                "Bash",
                json!({"command": "cat a.log; sleep 3; echo second"}),
            ),
        ),
        &[],
    );
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(updated_command(&v))
        .current_dir(&e.proj)
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("bash");
    let start = Instant::now();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    assert_eq!(lines.next().expect("a line").expect("read"), "first");
    let first_after = start.elapsed();
    assert_eq!(lines.next().expect("a line").expect("read"), "second");
    assert!(child.wait().expect("wait").success());
    assert!(
        first_after < Duration::from_millis(2500),
        "the first line came only after {first_after:?}: output is not streamed"
    );
}

#[test]
fn mcp_output_is_redacted_through_updated_mcp_tool_output() {
    let e = env();
    let token = github_token();
    let response = json!([{"type": "text", "text": format!("config:\n token: {token}\n")}]);
    let v = answer(
        &run_hook(&e, &post(&e, "mcp__vault__read", response)),
        &[&token],
    );
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["hookEventName"], "PostToolUse");
    assert_eq!(
        h["updatedMCPToolOutput"],
        json!([{"type": "text", "text": "config:\n token: [REDACTED:github-pat-classic]\n"}])
    );
    let c = h["additionalContext"].as_str().expect("context");
    assert!(c.contains("github-pat-classic"), "{c}");
    assert!(c.contains("https://github.com/settings/tokens"), "{c}");
}

#[test]
fn secrets_in_other_tool_output_are_a_warning_and_recorded() {
    let e = env();
    let token = github_token();
    let response = json!({"stdout": format!("TOKEN={token}"), "stderr": "", "interrupted": false});
    let out = run_hook(&e, &post(&e, "Bash", response));
    let v = answer(&out, &[&token]);
    let h = &v["hookSpecificOutput"];
    assert!(h.get("updatedMCPToolOutput").is_none(), "{v}");
    let c = h["additionalContext"].as_str().expect("context");
    assert!(c.starts_with("Palisade warning"), "{c}");
    assert!(
        c.contains("github-pat-classic") && c.contains("rotate"),
        "{c}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("github-pat-classic"),
        "recorded on stderr: {stderr}"
    );
    // Clean output: nothing to say.
    let clean = json!({"stdout": "ok", "stderr": ""});
    assert_eq!(
        answer(&run_hook(&e, &post(&e, "Bash", clean)), &[]),
        Value::Null
    );
}

#[test]
fn redact_command_teaches_and_survives_binary_input() {
    let help = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["redact", "--help"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("[REDACTED:github-pat-classic]"), "{text}");
    assert!(text.contains("-----BEGIN"), "{text}");
    let token = github_token();
    let mut input = b"\xff\xfe\x00binary\n".to_vec();
    input.extend_from_slice(format!("t={token}\n").as_bytes());
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["redact", "--summary"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "\u{fffd}\u{fffd}\u{0}binary\nt=[REDACTED:github-pat-classic]\n"
    );
    let summary: Value = serde_json::from_slice(&out.stderr).expect("JSON summary");
    assert_eq!(
        summary,
        json!({"redacted": 1, "kinds": {"github-pat-classic": 1}})
    );
}
