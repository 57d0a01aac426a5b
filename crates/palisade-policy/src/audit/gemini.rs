//! Gemini CLI's `settings.json` (`~/.gemini/settings.json`,
//! `.gemini/settings.json`; keys as documented at
//! <https://geminicli.com/docs/reference/configuration>, both the nested
//! layout and the older flat names). Comments are allowed.

use super::claude::audit_hooks;
use super::{audit_server, open_json, seg, Agent, ConfigFinding, Server, Severity};
use palisade_core::Layer;
use serde_json::Value;

/// Audits a Gemini CLI settings file: `tools.autoAccept`, shell and write
/// tools in `tools.allowed` (which skip the confirmation) with
/// `tools.exclude` as what narrows them, `mcpServers` (launch checks and
/// `trust: true`), and hooks. `tools.sandbox` is not reported: off is the
/// default. Never panics.
pub fn audit_gemini_settings(path: &str, text: &str, layer: Layer) -> Vec<ConfigFinding> {
    let (v, mut r) = match open_json(path, text, Agent::GeminiCli) {
        Ok(x) => x,
        Err(f) => return f,
    };
    for at in ["/tools/autoAccept", "/autoAccept"] {
        if v.pointer(at).and_then(Value::as_bool) == Some(true) {
            r.add(
                "config.bypass-permissions",
                Severity::Low,
                at,
                None,
                "`autoAccept: true` runs the tool calls Gemini CLI considers safe without asking"
                    .into(),
                "remove `autoAccept`",
                "true",
            );
        }
    }
    let excluded: Vec<&str> = ["/tools/exclude", "/excludeTools"]
        .iter()
        .filter_map(|p| v.pointer(p).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for base in ["/tools/allowed", "/allowedTools"] {
        for (i, tool) in v
            .pointer(base)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(tool) = tool.as_str() else { continue };
            let at = format!("{base}/{i}");
            let (name, arg) = match tool.split_once('(') {
                Some((n, a)) => (n.trim(), Some(a.trim_end_matches(')').trim())),
                None => (tool.trim(), None),
            };
            let shell = matches!(name, "run_shell_command" | "ShellTool");
            let writes = matches!(
                name,
                "write_file" | "replace" | "WriteFileTool" | "EditTool"
            );
            if (shell || writes) && arg.is_none_or(str::is_empty) {
                let narrowed = excluded.iter().any(|e| e.starts_with(name));
                let what = if shell {
                    "every shell command"
                } else {
                    "writing any file"
                };
                r.add(
                    if narrowed {
                        "config.broad-allow"
                    } else {
                        "config.allow-not-coverable"
                    },
                    Severity::High,
                    &at,
                    None,
                    format!(
                        "`tools.allowed` entry `{tool}` approves {what} without confirmation{}",
                        if narrowed {
                            ""
                        } else {
                            ", and no `tools.exclude` entry narrows it"
                        }
                    ),
                    "allow specific commands (`run_shell_command(git status)`) instead",
                    tool,
                );
            } else if shell {
                let program = arg
                    .unwrap_or_default()
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                if let Some(b) = super::claude::classify(&format!("Bash({program}:*)")) {
                    if arg.unwrap_or_default().trim() == program || b.why.starts_with("reaches") {
                        r.add(
                            "config.broad-allow",
                            b.severity,
                            &at,
                            None,
                            format!(
                                "`tools.allowed` entry `{tool}` {} without confirmation",
                                b.why
                            ),
                            "allow the exact commands needed",
                            tool,
                        );
                    }
                }
            }
        }
    }
    if let Some(servers) = v["mcpServers"].as_object() {
        for (name, s) in servers {
            let at = format!("/mcpServers/{}", seg(name));
            audit_server(&mut r, &Server::from_json(name, s), &at, None, layer);
            if s["trust"].as_bool() == Some(true) {
                r.add(
                    "config.mcp-trusted",
                    Severity::Medium,
                    &format!("{at}/trust"),
                    None,
                    format!("MCP server `{name}` has `trust: true`: every tool call to it runs without confirmation"),
                    "remove `trust`",
                    name,
                );
            }
        }
    }
    audit_hooks(&mut r, &v, layer);
    r.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn rules(text: &str, layer: Layer) -> Vec<(&'static str, Option<u32>)> {
        audit_gemini_settings("settings.json", text, layer)
            .iter()
            .map(|f| (f.rule, f.line))
            .collect()
    }

    #[test]
    fn gemini_rules() {
        let text = r#"{
  // comments are allowed
  "tools": {
    "autoAccept": true,
    "allowed": ["run_shell_command", "run_shell_command(git status)", "run_shell_command(curl)"]
  },
  "mcpServers": {
    "git": {"command": "uvx", "args": ["mcp-server-git"], "trust": true}
  }
}"#;
        assert_eq!(
            rules(text, Layer::User),
            [
                ("config.bypass-permissions", Some(4)),
                ("config.allow-not-coverable", Some(5)),
                ("config.broad-allow", Some(5)),
                ("config.mcp-trusted", Some(8)),
                ("config.unpinned-mcp", Some(8)),
            ]
        );
        let project = rules(text, Layer::Project);
        assert!(
            project.contains(&("config.project-mcp", Some(8))),
            "{project:?}"
        );
    }

    #[test]
    fn excluded_shell_is_broad_but_coverable_and_clean_files_are_clean() {
        let text =
            r#"{"allowedTools": ["run_shell_command"], "excludeTools": ["run_shell_command(rm)"]}"#;
        assert_eq!(rules(text, Layer::User), [("config.broad-allow", Some(1))]);
        let clean = r#"{"tools": {"allowed": ["run_shell_command(git status)"], "sandbox": true}, "mcpServers": {"m": {"command": "uvx", "args": ["mcp-server-git==0.6.2"]}}}"#;
        assert_eq!(rules(clean, Layer::User), []);
        assert_eq!(rules("{ broken", Layer::User)[0].0, "config.invalid");
    }
}
