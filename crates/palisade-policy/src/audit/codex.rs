//! Codex's `config.toml` (`~/.codex/config.toml`, a project's
//! `.codex/config.toml`; keys as documented at
//! <https://developers.openai.com/codex/config-reference/>).

use super::{
    audit_server, fetched_code, invalid, is_project, Agent, ConfigFinding, Report, Server, Severity,
};
use palisade_core::Layer;
use std::collections::HashMap;
use toml::{Table, Value};

/// Audits a Codex `config.toml`: `approval_policy = "never"` and
/// `sandbox_mode = "danger-full-access"` (top level and in each
/// `[profiles.*]`), `shell_environment_policy.ignore_default_excludes`,
/// `[mcp_servers.*]` launches, and at the project layers the servers and
/// `notify` command as info. Lines are found by reading the table headers
/// and keys of the text. Never panics.
pub fn audit_codex_config(path: &str, text: &str, layer: Layer) -> Vec<ConfigFinding> {
    let t: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            return invalid(path, Agent::Codex, line, e.message());
        }
    };
    let mut r = Report::new(path, Agent::Codex, HashMap::new());
    let mut scopes: Vec<(Vec<String>, &Table)> = vec![(Vec::new(), &t)];
    if let Some(Value::Table(profiles)) = t.get("profiles") {
        for (name, p) in profiles {
            if let Value::Table(p) = p {
                scopes.push((vec!["profiles".into(), name.clone()], p));
            }
        }
    }
    for (scope, table) in &scopes {
        let never = table.get("approval_policy").and_then(Value::as_str) == Some("never");
        let full = table.get("sandbox_mode").and_then(Value::as_str) == Some("danger-full-access");
        let both = never && full;
        let severity = if both {
            Severity::High
        } else {
            Severity::Medium
        };
        let name = if scope.is_empty() {
            "the top level".to_string()
        } else {
            format!("[{}]", scope.join("."))
        };
        if never {
            r.add(
                "config.bypass-permissions",
                severity,
                &format!("{}/approval_policy", scope.join(".")),
                toml_line(text, scope, "approval_policy"),
                format!(
                    "`approval_policy = \"never\"` in {name} runs every command without asking{}",
                    if both { ", and outside the sandbox: the same as --dangerously-bypass-approvals-and-sandbox" } else { "" }
                ),
                "use `approval_policy = \"on-request\"` (or \"untrusted\")",
                "never",
            );
        }
        if full {
            r.add(
                "config.sandbox-off",
                severity,
                &format!("{}/sandbox_mode", scope.join(".")),
                toml_line(text, scope, "sandbox_mode"),
                format!("`sandbox_mode = \"danger-full-access\"` in {name} runs the model's commands without the sandbox"),
                "use `sandbox_mode = \"workspace-write\"`",
                "danger-full-access",
            );
        }
    }
    if let Some(Value::Table(env)) = t.get("shell_environment_policy") {
        let inherit_none = env.get("inherit").and_then(Value::as_str) == Some("none");
        if env.get("ignore_default_excludes").and_then(Value::as_bool) == Some(true)
            && !inherit_none
        {
            let scope = vec!["shell_environment_policy".to_string()];
            r.add(
                "config.env-secrets-exposed",
                Severity::Medium,
                "shell_environment_policy/ignore_default_excludes",
                toml_line(text, &scope, "ignore_default_excludes"),
                "`ignore_default_excludes = true` passes variables named like KEY, SECRET or TOKEN to every command the model runs".into(),
                "remove it, or list what commands need with `include_only`",
                "true",
            );
        }
    }
    if let Some(Value::Table(servers)) = t.get("mcp_servers") {
        for (name, s) in servers {
            let Value::Table(s) = s else { continue };
            let server = Server {
                name,
                command: s.get("command").and_then(Value::as_str),
                args: s
                    .get("args")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            };
            let scope = vec!["mcp_servers".to_string(), name.clone()];
            let line = toml_line(text, &scope, "command").or_else(|| toml_line(text, &scope, ""));
            audit_server(&mut r, &server, &format!("mcp_servers.{name}"), line, layer);
        }
    }
    if let Some(Value::Array(notify)) = t.get("notify") {
        let cmd: Vec<&str> = notify.iter().filter_map(Value::as_str).collect();
        let cmd = cmd.join(" ");
        let line = toml_line(text, &[], "notify");
        if let Some(how) = fetched_code(&cmd) {
            r.add(
                "config.hook-downloads-code",
                Severity::High,
                "notify",
                line,
                format!("the notify command {how}"),
                "vendor the script or pin the package",
                &cmd,
            );
        } else if is_project(layer) {
            r.add(
                "config.project-hooks",
                Severity::Info,
                "notify",
                line,
                format!("the project defines a notify command: `{cmd}` runs with your rights"),
                "review the command",
                &cmd,
            );
        }
    }
    r.finish()
}

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> u32 {
    let n = text
        .as_bytes()
        .iter()
        .take(at)
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// Splits a dotted TOML key (`a."b.c".d`) into its parts.
fn key_path(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '.') => parts.push(std::mem::take(&mut cur).trim().to_string()),
            (None, c) => cur.push(c),
        }
    }
    parts.push(cur.trim().to_string());
    parts
}

/// The line of `key` in table `table` (an empty `key`: the table's header),
/// from the text: `[a.b]` headers and `key = …` or dotted `b.key = …`
/// lines. Inline tables (`a = { key = … }`) give the line of `a`.
fn toml_line(text: &str, table: &[String], key: &str) -> Option<u32> {
    let mut current: Vec<String> = Vec::new();
    let mut inline_parent: Option<u32> = None;
    for (i, raw) in text.lines().enumerate() {
        let no = u32::try_from(i + 1).ok()?;
        let line = raw.trim();
        if let Some(h) = line.strip_prefix('[') {
            let h = h.trim_start_matches('[');
            let end = h.find(']').unwrap_or(h.len());
            current = key_path(&h[..end]);
            if key.is_empty() && current == table {
                return Some(no);
            }
            continue;
        }
        let Some((lhs, _)) = line.split_once('=') else {
            continue;
        };
        if line.starts_with('#') {
            continue;
        }
        let mut full = current.clone();
        full.extend(key_path(lhs));
        let mut want = table.to_vec();
        if !key.is_empty() {
            want.push(key.to_string());
        }
        if full == want || (key.is_empty() && full.starts_with(&want)) {
            return Some(no);
        }
        if want.starts_with(&full) && inline_parent.is_none() {
            inline_parent = Some(no);
        }
    }
    inline_parent
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn rules(text: &str, layer: Layer) -> Vec<(&'static str, Option<u32>, Severity)> {
        audit_codex_config("config.toml", text, layer)
            .iter()
            .map(|f| (f.rule, f.line, f.severity))
            .collect()
    }

    #[test]
    fn codex_rules() {
        let text = r#"model = "gpt-5"
approval_policy = "never"
sandbox_mode = "danger-full-access"

[shell_environment_policy]
inherit = "all"
ignore_default_excludes = true

[mcp_servers.fs]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-filesystem", "/"]

[profiles.ci]
approval_policy = "never"
sandbox_mode = "read-only"
"#;
        assert_eq!(
            rules(text, Layer::User),
            [
                ("config.bypass-permissions", Some(2), Severity::High),
                ("config.sandbox-off", Some(3), Severity::High),
                ("config.env-secrets-exposed", Some(7), Severity::Medium),
                ("config.unpinned-mcp", Some(10), Severity::Medium),
                ("config.bypass-permissions", Some(14), Severity::Medium),
            ]
        );
    }

    #[test]
    fn project_servers_and_notify_are_noted_and_clean_is_clean() {
        let text = "notify = [\"python3\", \"notify.py\"]\nmcp_servers.docs = { command = \"uvx\", args = [\"docs-mcp==1.0.0\"] }\n";
        assert_eq!(
            rules(text, Layer::Project),
            [
                ("config.project-hooks", Some(1), Severity::Info),
                ("config.project-mcp", Some(2), Severity::Info),
            ]
        );
        assert_eq!(rules(text, Layer::User), []);
        let clean = "approval_policy = \"on-request\"\nsandbox_mode = \"workspace-write\"\n";
        assert_eq!(rules(clean, Layer::Project), []);
        let broken = rules("a = \n[x", Layer::User);
        assert_eq!(broken[0].0, "config.invalid");
        assert!(broken[0].1.is_some());
    }
}
