//! `palisade install claude-code` / `uninstall`: add or remove Palisade's hook
//! entries in a Claude Code settings file, idempotently, keeping every other
//! key (and their order) as it was.
//!
//! Source: Claude Code documentation, "Hooks reference / Configuration":
//! `hooks.<Event>` is a list of `{ "matcher": "<tool regex>", "hooks": [ {
//! "type": "command", "command": "…", "timeout": <seconds> } ] }`.

use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The events Palisade hooks, with whether the entry takes a tool matcher.
pub const HOOK_EVENTS: &[(&str, bool)] = &[
    ("PreToolUse", true),
    ("PermissionRequest", true),
    ("UserPromptSubmit", false),
    ("PostToolUse", true),
    ("SessionStart", false),
];

/// Seconds Claude Code waits for the hook. Palisade answers in milliseconds;
/// the margin covers a cold disk cache on a loaded machine.
const HOOK_TIMEOUT_S: u64 = 30;

/// Which settings file to edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `~/.claude/settings.json`: every project of this user.
    User,
    /// `<project>/.claude/settings.json`: shared with the team through git.
    Project,
    /// `<project>/.claude/settings.local.json`: this checkout only.
    Local,
}

impl Scope {
    /// The settings file for this scope.
    pub fn settings_path(self, home: &Path, project_root: &Path) -> PathBuf {
        match self {
            Scope::User => home.join(".claude/settings.json"),
            Scope::Project => project_root.join(".claude/settings.json"),
            Scope::Local => project_root.join(".claude/settings.local.json"),
        }
    }
}

/// What an install or uninstall changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstallReport {
    /// The settings file.
    pub path: PathBuf,
    /// Hook events whose Palisade entry was added or updated.
    pub hooks_changed: Vec<String>,
    /// `permissions.deny` rules added (install) or removed (uninstall --purge).
    pub deny_rules_changed: Vec<String>,
    /// False if the file already had exactly this content (nothing written).
    pub written: bool,
}

/// True if a hook command is one of Palisade's Claude Code hooks.
pub fn is_palisade_command(cmd: &str) -> bool {
    cmd.contains("palisade") && cmd.contains("hook claude-code")
}

fn read_settings(path: &Path) -> Result<Map<String, Value>, String> {
    match std::fs::read_to_string(path) {
        Ok(t) if t.trim().is_empty() => Ok(Map::new()),
        Ok(t) => match serde_json::from_str::<Value>(&t) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(format!(
                "{}: not a JSON object; fix or move it, then run again",
                path.display()
            )),
            Err(e) => Err(format!(
                "{}: invalid JSON ({e}); nothing was changed",
                path.display()
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Map::new()),
        Err(e) => Err(format!("{}: cannot read: {e}", path.display())),
    }
}

fn write_settings(path: &Path, original: &str, m: &Map<String, Value>) -> Result<bool, String> {
    let mut text =
        serde_json::to_string_pretty(&Value::Object(m.clone())).map_err(|e| e.to_string())?;
    text.push('\n');
    if text == original {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("json.palisade-tmp");
    std::fs::write(&tmp, &text).map_err(|e| format!("{}: cannot write: {e}", tmp.display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: cannot replace: {e}", path.display()))?;
    Ok(true)
}

fn obj<'a>(
    m: &'a mut Map<String, Value>,
    key: &str,
    path: &Path,
) -> Result<&'a mut Map<String, Value>, String> {
    let v = m
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    v.as_object_mut().ok_or_else(|| {
        format!(
            "{}: `{key}` is not an object; nothing was changed",
            path.display()
        )
    })
}

/// Adds Palisade's hook entries (running `command`) for [`HOOK_EVENTS`] and
/// the `deny_rules` to the settings file at `path`.
///
/// An existing Palisade entry is updated in place (e.g. a new binary path),
/// never duplicated; running it twice changes nothing the second time.
///
/// # Errors
/// The file is unreadable, not JSON, or has `hooks`/`permissions` of the
/// wrong type; nothing is written then.
pub fn install(path: &Path, command: &str, deny_rules: &[String]) -> Result<InstallReport, String> {
    let original = std::fs::read_to_string(path).unwrap_or_default();
    let mut m = read_settings(path)?;
    let mut hooks_changed = Vec::new();
    {
        let hooks = obj(&mut m, "hooks", path)?;
        for (event, with_matcher) in HOOK_EVENTS {
            let list = hooks
                .entry(event.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Some(list) = list.as_array_mut() else {
                return Err(format!(
                    "{}: `hooks.{event}` is not a list; nothing was changed",
                    path.display()
                ));
            };
            let mut hook =
                json!({"type": "command", "command": command, "timeout": HOOK_TIMEOUT_S});
            let mut found = false;
            for entry in list.iter_mut() {
                let Some(hs) = entry.get_mut("hooks").and_then(Value::as_array_mut) else {
                    continue;
                };
                for h in hs.iter_mut() {
                    if h.get("command")
                        .and_then(Value::as_str)
                        .is_some_and(is_palisade_command)
                    {
                        if !found && *h != hook {
                            *h = std::mem::take(&mut hook);
                            hooks_changed.push(event.to_string());
                        }
                        found = true;
                    }
                }
            }
            if !found {
                let mut entry = Map::new();
                if *with_matcher {
                    entry.insert("matcher".into(), json!("*"));
                }
                entry.insert("hooks".into(), json!([hook]));
                list.push(Value::Object(entry));
                hooks_changed.push(event.to_string());
            }
        }
    }
    let mut deny_added = Vec::new();
    {
        let perms = obj(&mut m, "permissions", path)?;
        let deny = perms
            .entry("deny".to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(deny) = deny.as_array_mut() else {
            return Err(format!(
                "{}: `permissions.deny` is not a list; nothing was changed",
                path.display()
            ));
        };
        for r in deny_rules {
            if !deny.iter().any(|v| v.as_str() == Some(r)) {
                deny.push(json!(r));
                deny_added.push(r.clone());
            }
        }
    }
    let written = write_settings(path, &original, &m)?;
    Ok(InstallReport {
        path: path.to_path_buf(),
        hooks_changed,
        deny_rules_changed: deny_added,
        written,
    })
}

/// Removes Palisade's hook entries from the settings file at `path` (and,
/// with `purge`, the `deny_rules`), dropping hook lists and objects that
/// become empty. A missing file is not an error.
///
/// # Errors
/// The file is unreadable or not JSON; nothing is written then.
pub fn uninstall(path: &Path, deny_rules: &[String], purge: bool) -> Result<InstallReport, String> {
    let original = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(InstallReport {
                path: path.to_path_buf(),
                hooks_changed: vec![],
                deny_rules_changed: vec![],
                written: false,
            })
        }
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let mut m = read_settings(path)?;
    let mut hooks_changed = Vec::new();
    if let Some(hooks) = m.get_mut("hooks").and_then(Value::as_object_mut) {
        let events: Vec<String> = hooks.keys().cloned().collect();
        for event in events {
            let Some(list) = hooks.get_mut(&event).and_then(Value::as_array_mut) else {
                continue;
            };
            let before = serde_json::to_string(list).unwrap_or_default();
            for entry in list.iter_mut() {
                if let Some(hs) = entry.get_mut("hooks").and_then(Value::as_array_mut) {
                    hs.retain(|h| {
                        !h.get("command")
                            .and_then(Value::as_str)
                            .is_some_and(is_palisade_command)
                    });
                }
            }
            list.retain(|e| {
                e.get("hooks")
                    .and_then(Value::as_array)
                    .is_none_or(|h| !h.is_empty())
            });
            if serde_json::to_string(list).unwrap_or_default() != before {
                hooks_changed.push(event.clone());
            }
            if list.is_empty() {
                hooks.remove(&event);
            }
        }
        if hooks.is_empty() {
            m.remove("hooks");
        }
    }
    let mut removed = Vec::new();
    if purge {
        if let Some(deny) = m
            .get_mut("permissions")
            .and_then(|p| p.get_mut("deny"))
            .and_then(Value::as_array_mut)
        {
            deny.retain(|v| {
                let ours = v
                    .as_str()
                    .is_some_and(|s| deny_rules.iter().any(|r| r == s));
                if ours {
                    removed.push(v.as_str().unwrap_or_default().to_string());
                }
                !ours
            });
        }
    }
    let written = write_settings(path, &original, &m)?;
    Ok(InstallReport {
        path: path.to_path_buf(),
        hooks_changed,
        deny_rules_changed: removed,
        written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    const CMD: &str = "/opt/palisade/bin/palisade hook claude-code";

    #[test]
    fn install_is_idempotent_and_keeps_other_keys() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join(".claude/settings.json");
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        let before = r#"{"model":"opus","env":{"A":"1"},"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"my-linter"}]}]},"permissions":{"allow":["Bash(ls:*)"],"deny":["Read(./.env)"]}}"#;
        std::fs::write(&p, before).expect("write");
        let rules = vec!["Read(./.env)".to_string(), "Read(~/.ssh/id_*)".to_string()];
        let r1 = install(&p, CMD, &rules).expect("install");
        assert!(r1.written);
        assert_eq!(r1.hooks_changed.len(), HOOK_EVENTS.len());
        assert_eq!(r1.deny_rules_changed, vec!["Read(~/.ssh/id_*)".to_string()]);
        let after1 = std::fs::read_to_string(&p).expect("read");
        let r2 = install(&p, CMD, &rules).expect("install again");
        assert!(!r2.written, "second install must change nothing");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), after1);

        let v: Value = serde_json::from_str(&after1).expect("json");
        assert_eq!(v["model"], "opus");
        assert_eq!(v["env"]["A"], "1");
        let keys: Vec<&String> = v.as_object().expect("obj").keys().collect();
        assert_eq!(
            keys,
            vec!["model", "env", "hooks", "permissions"],
            "key order kept"
        );
        let pre = v["hooks"]["PreToolUse"].as_array().expect("list");
        assert_eq!(pre.len(), 2, "user's own hook kept, ours added");
        assert_eq!(pre[0]["hooks"][0]["command"], "my-linter");
        assert_eq!(pre[1]["hooks"][0]["command"], CMD);
        assert_eq!(pre[1]["matcher"], "*");
        assert!(v["hooks"]["UserPromptSubmit"][0].get("matcher").is_none());

        // A moved binary updates the entry in place.
        let r3 = install(&p, "/new/palisade hook claude-code", &rules).expect("reinstall");
        assert!(r3.written);
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
        assert_eq!(v["hooks"]["PreToolUse"].as_array().expect("list").len(), 2);
        assert_eq!(
            v["hooks"]["PreToolUse"][1]["hooks"][0]["command"],
            "/new/palisade hook claude-code"
        );

        // Uninstall removes ours only; deny rules stay unless purged.
        let u = uninstall(&p, &rules, false).expect("uninstall");
        assert!(u.written);
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
        assert_eq!(v["hooks"]["PreToolUse"].as_array().expect("list").len(), 1);
        assert_eq!(
            v["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
            "my-linter"
        );
        assert!(v["hooks"].get("SessionStart").is_none());
        assert_eq!(v["permissions"]["deny"].as_array().expect("list").len(), 2);
        let u = uninstall(&p, &rules, true).expect("purge");
        assert_eq!(u.deny_rules_changed.len(), 2);
        assert!(!uninstall(&p, &rules, true).expect("again").written);
    }

    #[test]
    fn broken_settings_are_left_alone() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("settings.json");
        std::fs::write(&p, "{ not json").expect("write");
        let e = install(&p, CMD, &[]).unwrap_err();
        assert!(e.contains("invalid JSON"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "{ not json");
        std::fs::write(&p, r#"{"hooks": []}"#).expect("write");
        assert!(install(&p, CMD, &[])
            .unwrap_err()
            .contains("`hooks` is not an object"));
    }

    #[test]
    fn creates_missing_file() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("a/b/settings.json");
        let r = install(&p, CMD, &["Read(~/.ssh/id_*)".into()]).expect("install");
        assert!(r.written);
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
        assert_eq!(v["permissions"]["deny"][0], "Read(~/.ssh/id_*)");
    }
}
