//! What one policy file contributes, whichever format it was written in
//! (Claude Code `settings.json` or Palisade's `palisade.toml`).

use palisade_core::Verdict;

/// What the hook does when it cannot read its input or an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailMode {
    /// Deny (the default): an unreadable request is never let through.
    #[default]
    Closed,
    /// Pass: let the agent's own permission flow decide.
    Open,
}

/// How a rule's matcher is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    /// Claude Code rule syntax, e.g. `Bash(git push:*)`.
    Claude(String),
    /// A regular expression over each simple command's text (`palisade.toml`).
    CommandRegex(String),
}

/// A rule as read from a file, before compilation.
#[derive(Debug, Clone)]
pub struct RawRule {
    /// Its matcher.
    pub kind: RuleKind,
    /// allow, ask or deny.
    pub verdict: Verdict,
    /// 1-based line, 0 if unknown.
    pub line: u32,
    /// Palisade rule id, if any.
    pub id: Option<String>,
    /// Author's reason, if any.
    pub message: Option<String>,
}

/// Everything one settings or config file contributes.
#[derive(Debug, Clone, Default)]
pub struct FileSettings {
    /// Permission rules.
    pub rules: Vec<RawRule>,
    /// `permissions.defaultMode` / `policy.default_mode`.
    pub default_mode: Option<String>,
    /// `permissions.additionalDirectories`, as written.
    pub additional_directories: Vec<String>,
    /// Managed only: lower layers' allow rules are ignored.
    pub lock_allow: bool,
    /// Managed only: lower layers cannot disable guard rules.
    pub lock_guards: bool,
    /// Guard rule ids to switch off.
    pub disable_rules: Vec<String>,
    /// Protected branch globs for the force-push guard.
    pub protected_branches: Option<Vec<String>>,
    /// The hook's fail mode.
    pub fail_mode: Option<FailMode>,
    /// `[sandbox]` (`palisade.toml` only).
    pub(crate) sandbox: Option<crate::sandbox::SandboxSection>,
    /// `[supply]` (`palisade.toml` only).
    pub(crate) supply: Option<crate::supply::SupplySection>,
    /// `[telemetry]` (`palisade.toml` only).
    pub(crate) telemetry: Option<crate::telemetry::TelemetrySection>,
    /// `[audit]` (`palisade.toml` only).
    pub(crate) audit: Option<crate::telemetry::AuditSection>,
}
