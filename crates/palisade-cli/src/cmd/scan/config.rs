//! Agent configuration findings of `palisade scan` (issue #8): the Claude
//! Code, `.mcp.json`, Codex and Gemini CLI files met by the walk are put
//! through [`palisade_policy::audit`].

use palisade_core::Layer;
use palisade_policy::audit::{self, ConfigFinding};
use std::path::Path;

/// Which agent file a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// Claude Code `settings.json` / `settings.local.json` under `.claude/`,
    /// or `managed-settings.json`.
    Claude,
    /// `.mcp.json`.
    Mcp,
    /// Codex `config.toml` under `.codex/`.
    Codex,
    /// Gemini CLI `settings.json` under `.gemini/`.
    Gemini,
    /// Claude Code's state file `~/.claude.json` (user and local-scope MCP
    /// servers, approved tools).
    ClaudeJson,
}

/// The kind of agent file at `path`, judged by its name and directory.
pub fn kind_of(path: &Path) -> Option<ConfigKind> {
    let name = path.file_name()?.to_str()?;
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|d| d.to_str())
        .unwrap_or("");
    match (dir, name) {
        (_, ".mcp.json") => Some(ConfigKind::Mcp),
        (_, ".claude.json") => Some(ConfigKind::ClaudeJson),
        (_, "managed-settings.json") => Some(ConfigKind::Claude),
        (".claude", "settings.json" | "settings.local.json") => Some(ConfigKind::Claude),
        (".codex", "config.toml") => Some(ConfigKind::Codex),
        (".gemini", "settings.json") => Some(ConfigKind::Gemini),
        _ => None,
    }
}

/// The layer of the file: managed for `managed-settings.json`, user for
/// the agent directories right under `home`, the project layers otherwise
/// (a checkout is what a repository ships).
pub fn layer_of(path: &Path, home: &Path) -> Layer {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "managed-settings.json" {
        return Layer::Managed;
    }
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let home = std::fs::canonicalize(home).unwrap_or_else(|_| home.to_path_buf());
    let dir = abs.parent();
    let agent_dir = dir
        .and_then(Path::file_name)
        .is_some_and(|d| d == ".claude" || d == ".codex" || d == ".gemini");
    if agent_dir && dir.and_then(Path::parent) == Some(home.as_path()) {
        return Layer::User;
    }
    if name == "settings.local.json" {
        Layer::ProjectLocal
    } else {
        Layer::Project
    }
}

/// A configuration finding with its baseline fingerprint.
#[derive(Debug, Clone)]
pub struct ConfigItem {
    /// The finding.
    pub finding: ConfigFinding,
    /// Stable hex hash of the path, rule and setting (location and value):
    /// moving the setting to another line keeps it, changing its value
    /// does not.
    pub fingerprint: String,
}

/// Audits the file `text` at `path` (named as the scan names it).
pub fn audit_file(path: &str, kind: ConfigKind, text: &str, home: &Path) -> Vec<ConfigItem> {
    let layer = layer_of(Path::new(path), home);
    let found = match kind {
        ConfigKind::Claude => audit::audit_claude_settings(path, text, layer),
        ConfigKind::Mcp => audit::audit_mcp_json(path, text, layer),
        ConfigKind::Codex => audit::audit_codex_config(path, text, layer),
        ConfigKind::Gemini => audit::audit_gemini_settings(path, text, layer),
        ConfigKind::ClaudeJson => audit::audit_claude_json(path, text),
    };
    found
        .into_iter()
        .map(|finding| {
            let key = format!(
                "{}\0{}\0{}",
                path.strip_prefix("./").unwrap_or(path),
                finding.rule,
                finding.subject
            );
            ConfigItem {
                finding,
                fingerprint: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes())),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_layers() {
        assert_eq!(
            kind_of(Path::new("p/.claude/settings.json")),
            Some(ConfigKind::Claude)
        );
        assert_eq!(
            kind_of(Path::new("p/.claude/settings.local.json")),
            Some(ConfigKind::Claude)
        );
        assert_eq!(kind_of(Path::new("./.mcp.json")), Some(ConfigKind::Mcp));
        assert_eq!(
            kind_of(Path::new(".codex/config.toml")),
            Some(ConfigKind::Codex)
        );
        assert_eq!(
            kind_of(Path::new(".gemini/settings.json")),
            Some(ConfigKind::Gemini)
        );
        assert_eq!(kind_of(Path::new("settings.json")), None);
        assert_eq!(kind_of(Path::new("src/config.toml")), None);
        let home = Path::new("/nonexistent-home");
        assert_eq!(
            layer_of(Path::new("/nonexistent-home/.claude/settings.json"), home),
            Layer::User
        );
        assert_eq!(
            layer_of(Path::new("/nonexistent-home/p/.claude/settings.json"), home),
            Layer::Project
        );
        assert_eq!(
            layer_of(Path::new("p/.claude/settings.local.json"), home),
            Layer::ProjectLocal
        );
    }

    #[test]
    fn fingerprints_ignore_the_line_but_not_the_value() {
        let home = Path::new("/nonexistent-home");
        let a = audit_file(
            "s/.claude/settings.json",
            ConfigKind::Claude,
            "{\"permissions\": {\"allow\": [\"Bash(curl:*)\"]}}",
            home,
        );
        let moved = audit_file(
            "./s/.claude/settings.json",
            ConfigKind::Claude,
            "{\n\n\"permissions\": {\"allow\": [\"Bash(curl:*)\"]}}",
            home,
        );
        let other = audit_file(
            "s/.claude/settings.json",
            ConfigKind::Claude,
            "{\"permissions\": {\"allow\": [\"Bash(wget:*)\"]}}",
            home,
        );
        assert_eq!(a[0].fingerprint, moved[0].fingerprint);
        assert_ne!(a[0].fingerprint, other[0].fingerprint);
    }
}
