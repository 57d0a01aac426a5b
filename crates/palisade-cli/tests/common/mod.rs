//! Shared set-up for the binary's integration tests: an isolated home with
//! a planted SSH key, a git project inside it, and an empty managed layer.

#![allow(dead_code)]

use std::path::PathBuf;

/// A throw-away home, project and managed-settings directory.
pub struct Env {
    _dir: tempfile::TempDir,
    pub home: PathBuf,
    pub proj: PathBuf,
    pub managed: PathBuf,
}

/// Creates `home/proj/.git`, `home/.ssh/id_rsa` and the (empty) managed dir path.
pub fn env() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    let proj = home.join("proj");
    std::fs::create_dir_all(proj.join(".git")).expect("mkdir");
    std::fs::create_dir_all(home.join(".ssh")).expect("mkdir");
    std::fs::write(home.join(".ssh/id_rsa"), "PRIVATE").expect("write");
    let managed = dir.path().join("managed");
    Env {
        _dir: dir,
        home,
        proj,
        managed,
    }
}

/// A made-up GitHub personal access token (`ghp_` + 30 characters + the
/// CRC-32 checksum in base62, GitHub's format) built from `random` at run
/// time, so that no token-shaped string is in the repository. The checksum
/// comes from the scanner's own `check` module, so the token passes its
/// validator.
pub fn github_token(random: &str) -> String {
    let random: String = random
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(30)
        .collect();
    assert_eq!(random.len(), 30, "30 alphanumeric characters");
    let sum = palisade_detect::check::base62(palisade_detect::check::crc32(random.as_bytes()), 6);
    format!("ghp_{random}{sum}")
}

/// `palisade ARGS` in the project with a clean environment (HOME is the
/// throw-away home; PATH is kept) and stdin, stdout and stderr piped.
pub fn palisade_cmd(e: &Env, args: &[&str]) -> std::process::Command {
    use std::process::Stdio;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"));
    cmd.args(args)
        .env_clear()
        .env("HOME", &e.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(&e.proj)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Starts the real Claude Code hook (`palisade hook claude-code`, managed
/// layer `e.managed`) on a PreToolUse event for the Bash command
/// `command_text` in `session` with permission mode `mode`, its input
/// written and closed; the caller waits.
pub fn spawn_bash_hook(
    e: &Env,
    session: &str,
    mode: &str,
    command_text: &str,
) -> std::process::Child {
    use std::io::Write as _;
    let mut child = palisade_cmd(e, &["hook", "claude-code", "--managed-dir"])
        .arg(&e.managed)
        .spawn()
        .expect("spawn palisade hook");
    let input = serde_json::json!({"session_id": session, "transcript_path": "/dev/null",
        "cwd": e.proj, "permission_mode": mode, "hook_event_name": "PreToolUse",
        "tool_name": "Bash", "tool_input": {"command": command_text}, "tool_use_id": "toolu_1"});
    let mut stdin = child.stdin.take().expect("stdin");
    let _ = stdin.write_all(input.to_string().as_bytes());
    child
}
