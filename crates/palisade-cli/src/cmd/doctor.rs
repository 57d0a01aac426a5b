//! `palisade doctor`: is the hook wired, and does it work?

use crate::cmd::install::default_command;
use crate::env::{home, project_root, setup, PolicyFlags};
use crate::exit;
use palisade_agents::claude_code::{is_palisade_command, Scope, HOOK_EVENTS};
use palisade_policy::Policy;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Check that Palisade is wired into Claude Code and working: which settings
/// files carry the hook and for which events, whether the hook command runs
/// and denies a test action in time, whether the policy loads, and whether
/// any setting (disableAllHooks, allowManagedHooksOnly) would silently skip it,
/// and a summary of the agent configuration audit (`palisade scan --checks
/// config`) of this project's and the user's settings: high-severity
/// findings fail the check; and whether the audit log verifies (`palisade
/// log verify`) with its key private.
///
/// Exit status: 0 when the hook is wired and working, 1 otherwise.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    policy: PolicyFlags,
}

struct Check {
    name: String,
    ok: bool,
    detail: String,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let mut checks: Vec<Check> = Vec::new();
    let h = home();
    let cwd = std::env::current_dir()?;
    let root = project_root(&cwd, &h);
    let mut hook_commands: Vec<String> = Vec::new();
    let mut wired_events: Vec<String> = Vec::new();
    for scope in [Scope::User, Scope::Project, Scope::Local] {
        let path = scope.settings_path(&h, &root);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let v: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                checks.push(Check {
                    name: format!("{} parses", path.display()),
                    ok: false,
                    detail: e.to_string(),
                });
                continue;
            }
        };
        if v.get("disableAllHooks").and_then(Value::as_bool) == Some(true) {
            checks.push(Check {
                name: "hooks enabled".into(),
                ok: false,
                detail: format!(
                    "{} sets disableAllHooks: true, so Claude Code runs no hooks",
                    path.display()
                ),
            });
        }
        let mut events = Vec::new();
        for (event, _) in HOOK_EVENTS {
            let cmds: Vec<String> = v["hooks"][event]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|e| e["hooks"].as_array().into_iter().flatten())
                .filter_map(|h| h["command"].as_str())
                .filter(|c| is_palisade_command(c))
                .map(str::to_string)
                .collect();
            if !cmds.is_empty() {
                events.push(event.to_string());
                hook_commands.extend(cmds);
            }
        }
        if !events.is_empty() {
            checks.push(Check {
                name: format!("hook in {}", path.display()),
                ok: events.iter().any(|e| e == "PreToolUse"),
                detail: format!("events: {}", events.join(", ")),
            });
            wired_events.extend(events);
        }
    }
    if hook_commands.is_empty() {
        checks.push(Check {
            name: "hook wired".into(),
            ok: false,
            detail: "no Claude Code settings file runs `palisade hook claude-code`; run: palisade install claude-code".into(),
        });
    }
    for managed in ["/etc/claude-code/managed-settings.json"] {
        if let Ok(text) = std::fs::read_to_string(managed) {
            if let Ok(v) = serde_json::from_str::<Value>(&text) {
                if v.get("allowManagedHooksOnly").and_then(Value::as_bool) == Some(true) {
                    checks.push(Check {
                        name: "managed hooks policy".into(),
                        ok: false,
                        detail: format!("{managed} sets allowManagedHooksOnly: user and project hooks are skipped; add the Palisade hook to the managed settings"),
                    });
                }
            }
        }
    }
    checks.push(config_check(&root, &h));
    checks.push(audit_check(&a.policy));
    let (_, opts) = setup(Some(cwd.clone()), &a.policy, "doctor", None, None);
    let policy = Policy::load(&opts);
    let sandbox_required = policy.as_ref().is_ok_and(|p| p.sandbox().bash);
    checks.push(sandbox_check(sandbox_required));
    match policy {
        Ok(p) => checks.push(Check {
            name: "policy loads".into(),
            ok: true,
            detail: format!(
                "{} files, {} permission rules, {} guard rules, {} warnings{}",
                p.files.len(),
                p.rules.len(),
                p.guards.len(),
                p.warnings.len(),
                p.warnings
                    .iter()
                    .map(|w| format!("\n      {w}"))
                    .collect::<String>()
            ),
        }),
        Err(e) => checks.push(Check {
            name: "policy loads".into(),
            ok: false,
            detail: format!("{e} (the hook will deny every tool call until this is fixed)"),
        }),
    }
    let mut tested: Vec<String> = hook_commands.clone();
    tested.dedup();
    if tested.is_empty() {
        tested.push(default_command()?);
    }
    for cmd in tested.iter().take(3) {
        checks.push(self_test(cmd, &cwd));
    }
    let ok = checks.iter().all(|c| c.ok);
    if a.json {
        let v: Vec<_> = checks
            .iter()
            .map(|c| json!({"check": c.name, "ok": c.ok, "detail": c.detail}))
            .collect();
        out!(
            "{}",
            serde_json::to_string_pretty(&json!({"ok": ok, "checks": v}))?
        );
    } else {
        for c in &checks {
            out!(
                "[{}] {}: {}",
                if c.ok { " ok " } else { "FAIL" },
                c.name,
                c.detail
            );
        }
        out!(
            "{}",
            if ok {
                "Palisade is wired and working."
            } else {
                "Palisade is NOT fully working: see FAIL lines above."
            }
        );
    }
    Ok(if ok { exit::OK } else { exit::DENY })
}

/// The audit log: where it is, whether `palisade log verify` passes, how
/// many records it holds, and whether the seal key is private. Logging
/// switched off (`[audit] enabled = false`, `PALISADE_AUDIT=off`) is reported, not failed; a log that
/// does not verify fails the check.
fn audit_check(flags: &PolicyFlags) -> Check {
    use std::os::unix::fs::PermissionsExt as _;
    let name = "audit log".to_string();
    let Some((log, _)) = crate::audit::configured_log(flags) else {
        return Check {
            name,
            ok: true,
            detail: "off ([audit] enabled = false, or PALISADE_AUDIT=off here), or no location \
                     (HOME unset): decisions are not recorded"
                .into(),
        };
    };
    let key = match std::fs::metadata(log.key_path()) {
        Ok(m) if m.permissions().mode() & 0o077 != 0 => format!(
            "; the key {} is readable by others (mode {:o}): chmod 600 it",
            log.key_path().display(),
            m.permissions().mode() & 0o777
        ),
        Ok(_) => String::new(),
        Err(_) => format!("; no key yet at {}", log.key_path().display()),
    };
    match palisade_audit::verify(&log) {
        Ok(r) if r.ok() => Check {
            name,
            ok: key.is_empty() || key.starts_with("; no key"),
            detail: format!(
                "{}: verifies, {} records in {} segments{}{key}",
                log.dir().display(),
                r.records - r.seals,
                r.segments,
                if r.warnings.is_empty() {
                    String::new()
                } else {
                    format!(" ({} crash warnings)", r.warnings.len())
                }
            ),
        },
        Ok(r) => Check {
            name,
            ok: false,
            detail: match r.problem {
                Some(p) => format!(
                    "{}: DOES NOT VERIFY at {}: {} [{}]; run `palisade log verify`",
                    log.dir().display(),
                    p.at,
                    p.message,
                    p.code
                ),
                None => "does not verify".into(),
            },
        },
        Err(e) => Check {
            name,
            ok: false,
            detail: format!("cannot be read: {e}"),
        },
    }
}

/// The configuration audit of the project at `root` and the user at
/// `home`: Claude Code (managed, user, project, local, `.mcp.json`), Codex
/// and Gemini CLI settings. Fails on any high-severity finding; the detail
/// counts findings by severity and names the high ones.
fn config_check(root: &std::path::Path, home: &std::path::Path) -> Check {
    use palisade_core::Layer;
    use palisade_policy::audit::{self, ConfigFinding, Severity};
    type Audit = fn(&str, &str, Layer) -> Vec<ConfigFinding>;
    let user_state = |p: &str, text: &str, _: Layer| audit::audit_claude_json(p, text);
    let files: [(std::path::PathBuf, Layer, Audit); 10] = [
        (
            "/etc/claude-code/managed-settings.json".into(),
            Layer::Managed,
            audit::audit_claude_settings,
        ),
        (
            home.join(".claude/settings.json"),
            Layer::User,
            audit::audit_claude_settings,
        ),
        (home.join(".claude.json"), Layer::User, user_state),
        (
            home.join(".codex/config.toml"),
            Layer::User,
            audit::audit_codex_config,
        ),
        (
            home.join(".gemini/settings.json"),
            Layer::User,
            audit::audit_gemini_settings,
        ),
        (
            root.join(".claude/settings.json"),
            Layer::Project,
            audit::audit_claude_settings,
        ),
        (
            root.join(".claude/settings.local.json"),
            Layer::ProjectLocal,
            audit::audit_claude_settings,
        ),
        (
            root.join(".mcp.json"),
            Layer::Project,
            audit::audit_mcp_json,
        ),
        (
            root.join(".codex/config.toml"),
            Layer::Project,
            audit::audit_codex_config,
        ),
        (
            root.join(".gemini/settings.json"),
            Layer::Project,
            audit::audit_gemini_settings,
        ),
    ];
    let mut found: Vec<ConfigFinding> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (path, layer, run) in files {
        // The project may be the home directory itself: read each file once.
        if !seen.insert(path.clone()) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            found.extend(run(&path.display().to_string(), &text, layer));
        }
    }
    let count = |s: Severity| found.iter().filter(|f| f.severity == s).count();
    let high: Vec<String> = found
        .iter()
        .filter(|f| f.severity == Severity::High)
        .map(|f| {
            let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
            format!("\n      {}{at}: {} {}", f.path, f.rule, f.message)
        })
        .collect();
    Check {
        name: "agent configuration".into(),
        ok: high.is_empty(),
        detail: format!(
            "{} high, {} medium, {} low, {} info finding(s); details: palisade scan --checks config{}",
            high.len(),
            count(Severity::Medium),
            count(Severity::Low),
            count(Severity::Info),
            high.concat()
        ),
    }
}

/// Runs `palisade run -v -- true` in an empty temporary directory and
/// reports the layers the sandbox could set up here (Landlock and its ABI,
/// namespaces). A failure fails the doctor only when `[sandbox] bash` is on.
fn sandbox_check(required: bool) -> Check {
    let name = "sandbox (palisade run)".to_string();
    let dir = std::env::temp_dir().join(format!("palisade-doctor-{}", std::process::id()));
    let result = std::fs::create_dir(&dir)
        .and_then(|()| std::env::current_exe())
        .and_then(|exe| {
            Command::new(exe)
                .args(["run", "-v", "--", "true"])
                .env("PALISADE_AUDIT", "off")
                .current_dir(&dir)
                .stdin(Stdio::null())
                .output()
        });
    let _ = std::fs::remove_dir_all(&dir);
    let why = if required {
        "[sandbox] bash is on"
    } else {
        "not required: [sandbox] bash is off"
    };
    match result {
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let landlock = err
                .lines()
                .find_map(|l| l.strip_prefix("palisade run: Landlock "))
                .map(|l| l.split(';').next().unwrap_or(l).to_string());
            let degraded = err.contains("user namespaces are unavailable");
            let ok = o.status.success() && !degraded;
            Check {
                name,
                ok: ok || !required,
                detail: if ok {
                    format!(
                        "works: Landlock {}; user, mount, pid, network namespaces; seccomp ({why})",
                        landlock.unwrap_or_else(|| "enforced".into())
                    )
                } else {
                    format!(
                        "{} ({why}): {}",
                        if o.status.success() {
                            "runs with Landlock and seccomp only"
                        } else {
                            "cannot run commands"
                        },
                        err.lines()
                            .filter(|l| l.contains("warning") || l.contains("error"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                },
            }
        }
        Err(e) => Check {
            name,
            ok: !required,
            detail: format!("cannot start a self-test ({e}) ({why})"),
        },
    }
}

/// Runs a hook command the way Claude Code does (through `sh -c`) on a
/// PreToolUse event that must be denied.
fn self_test(cmd: &str, cwd: &std::path::Path) -> Check {
    let event = json!({
        "session_id": "palisade-doctor", "hook_event_name": "PreToolUse", "cwd": cwd,
        "tool_name": "Bash", "tool_input": {"command": "cat ~/.ssh/id_rsa"}
    });
    let name = format!("hook self-test ({cmd})");
    let start = Instant::now();
    let child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        // A test event, not an agent's action: kept out of the audit log.
        .env("PALISADE_AUDIT", "off")
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return Check {
                name,
                ok: false,
                detail: format!("cannot run: {e}"),
            }
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(event.to_string().as_bytes());
    }
    let out = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => {
            return Check {
                name,
                ok: false,
                detail: format!("did not finish: {e}"),
            }
        }
    };
    let elapsed = start.elapsed();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let denied = v["hookSpecificOutput"]["permissionDecision"] == "deny";
    let ok = out.status.success() && denied && elapsed < Duration::from_secs(5);
    Check {
        name,
        ok,
        detail: if ok {
            format!(
                "denied `cat ~/.ssh/id_rsa` in {:.1} ms",
                elapsed.as_secs_f64() * 1000.0
            )
        } else {
            format!(
                "expected a deny answer; exit {:?}, stdout {:?}, stderr {:?}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        },
    }
}
