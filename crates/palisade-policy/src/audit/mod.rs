//! Configuration audit (issue #8): risky settings in the files that steer
//! coding agents — Claude Code's settings at every layer and `.mcp.json`,
//! Codex's `config.toml`, Gemini CLI's `settings.json` — each reported with
//! a rule id, a severity, the file and line, and the fix.
//!
//! The audit works on file text, so it runs the same on a checkout, in CI
//! or on the user's own files:
//!
//! ```
//! use palisade_core::Layer;
//! use palisade_policy::audit::{audit_claude_settings, Severity};
//!
//! let text = r#"{
//!   "permissions": {
//!     "defaultMode": "bypassPermissions",
//!     "allow": ["Bash(npm test:*)", "Bash(curl:*)"]
//!   }
//! }"#;
//! let f = audit_claude_settings(".claude/settings.json", text, Layer::Project);
//! let got: Vec<_> = f.iter().map(|f| (f.rule, f.line, f.severity)).collect();
//! assert_eq!(got, [
//!     ("config.bypass-permissions", Some(3), Severity::High),
//!     ("config.broad-allow", Some(4), Severity::Medium),
//! ]);
//! ```
//!
//! The rules are listed in [`RULES`] and in `docs/config-audit.md`.

mod claude;
mod codex;
mod gemini;
mod json;
mod launch;

pub use claude::{audit_claude_json, audit_claude_settings, audit_mcp_json};
pub use codex::audit_codex_config;
pub use gemini::audit_gemini_settings;
pub use launch::{container_host_access, fetched_code, unpinned_package};

use palisade_core::Layer;
use serde_json::Value;
use std::collections::HashMap;

/// How serious a configuration finding is. `Info` notes something to
/// review (a cloned repository brings hooks or MCP servers along); it
/// never fails a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// A weaker default than needed.
    Low,
    /// Opens a path to harm that needs one more step.
    Medium,
    /// Runs code, leaks credentials or removes the approval step.
    High,
}

impl Severity {
    /// The lowercase name (`info`, `low`, `medium`, `high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// Which agent's file a finding is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Agent {
    /// Claude Code (`settings*.json`, `.mcp.json`).
    ClaudeCode,
    /// OpenAI Codex CLI (`config.toml`).
    Codex,
    /// Gemini CLI (`settings.json`).
    GeminiCli,
}

/// One risky setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFinding {
    /// The rule id, `config.*` (see [`RULES`]).
    pub rule: &'static str,
    /// How serious; for some rules it depends on the layer.
    pub severity: Severity,
    /// The agent whose file it is.
    pub agent: Agent,
    /// The file, as given to the audit function.
    pub path: String,
    /// The 1-based line of the setting, when it can be told.
    pub line: Option<u32>,
    /// What was found and why it matters, in one sentence.
    pub message: String,
    /// What to do about it.
    pub fix: String,
    /// The setting's location and value (`/permissions/allow/2 = Bash(*)`):
    /// stable across unrelated edits, for baseline fingerprints.
    pub subject: String,
}

/// A configuration rule, as documentation and SARIF show it.
#[derive(Debug)]
pub struct ConfigRule {
    /// The rule id.
    pub id: &'static str,
    /// One line.
    pub short: &'static str,
    /// What it means and what to do.
    pub full: &'static str,
    /// Where the settings are documented.
    pub references: &'static [&'static str],
}

const CLAUDE_SETTINGS_DOC: &str = "https://docs.anthropic.com/en/docs/claude-code/settings";
const CLAUDE_IAM_DOC: &str = "https://docs.anthropic.com/en/docs/claude-code/iam";
const CLAUDE_HOOKS_DOC: &str = "https://docs.anthropic.com/en/docs/claude-code/hooks";
const CLAUDE_MCP_DOC: &str = "https://docs.anthropic.com/en/docs/claude-code/mcp";
const CODEX_CONFIG_DOC: &str = "https://developers.openai.com/codex/config-reference/";
const GEMINI_CONFIG_DOC: &str = "https://geminicli.com/docs/reference/configuration";

/// Every configuration rule.
pub const RULES: &[ConfigRule] = &[
    ConfigRule {
        id: "config.bypass-permissions",
        short: "Agent runs tools without asking",
        full: "The settings turn off the approval step: Claude Code's `defaultMode: bypassPermissions`, Codex's `approval_policy = \"never\"` (high together with `sandbox_mode = \"danger-full-access\"`), Gemini CLI's `autoAccept` (low: read-only tools only). Every tool call the model makes then runs unseen. Remove the setting; admins can forbid it (Claude Code: `permissions.disableBypassPermissionsMode: \"disable\"` in managed settings; Codex: requirements.toml).",
        references: &[CLAUDE_IAM_DOC, CODEX_CONFIG_DOC, GEMINI_CONFIG_DOC],
    },
    ConfigRule {
        id: "config.broad-allow",
        short: "Over-broad allow rule",
        full: "An allow rule approves far more than it seems to: a whole tool (`Bash`, `Bash(*)`, `Read(**)`, `Edit(//**)`, `WebFetch` without a domain, `mcp__*`) or a command prefix that reaches the network or runs any code (`Bash(curl:*)`, `Bash(ssh:*)`, `Bash(python3:*)`, `Bash(git:*)`; Gemini CLI's `tools.allowed` `run_shell_command(curl)`). Narrow it to the commands, paths or domains needed.",
        references: &[CLAUDE_IAM_DOC, GEMINI_CONFIG_DOC],
    },
    ConfigRule {
        id: "config.allow-not-coverable",
        short: "Whole-tool allow rule with nothing to narrow it",
        full: "A rule allows a whole tool (`Bash(*)`, `Read(**)`, `Edit`, `WebFetch`, `mcp__*`, Gemini CLI's `run_shell_command`) and the same file has no deny or ask rule for that tool, so nothing carves out the dangerous part: every command, path or URL the tool can reach is approved. (Deny prefixes for shell commands are easy to sidestep anyway, so the real fix is a narrower allow.) Replace it with specific allow rules, or at least add deny rules for credentials and network tools.",
        references: &[CLAUDE_IAM_DOC, GEMINI_CONFIG_DOC],
    },
    ConfigRule {
        id: "config.hook-downloads-code",
        short: "Configured command runs code downloaded at run time",
        full: "A hook, status line, credential helper or MCP server command downloads code and runs it (`curl … | sh`, `bash <(curl …)`, `npx -y pkg` or `uvx pkg` without an exact version): whoever controls that URL or package runs code on this machine, with no review and a different payload each time. Vendor the script into the repository, or pin the package to an exact version.",
        references: &[CLAUDE_HOOKS_DOC],
    },
    ConfigRule {
        id: "config.unpinned-mcp",
        short: "MCP server started from an unpinned package",
        full: "An MCP server is launched with `npx`, `uvx`, `pnpm dlx`, `bunx` or `pipx run` of a package without an exact version, so every start installs whatever the registry serves then, including a hijacked release. Pin it (`pkg@1.2.3`, `pkg==1.2.3`) or install it once and run the installed binary.",
        references: &[CLAUDE_MCP_DOC],
    },
    ConfigRule {
        id: "config.mcp-host-access",
        short: "MCP server container with host access",
        full: "An MCP server runs in a container started with `--privileged`, the host's PID or network namespace, extra capabilities, the Docker socket, or a mount of `/`, a home directory or `/etc`: the container is no boundary. Drop the flag and mount only the directories the server needs.",
        references: &["https://docs.docker.com/engine/containers/run/"],
    },
    ConfigRule {
        id: "config.mcp-trusted",
        short: "MCP server trusted to skip confirmations",
        full: "Gemini CLI's `mcpServers.<name>.trust: true` runs every tool of the server without asking. Remove `trust`, or list the tools that may run unasked.",
        references: &[GEMINI_CONFIG_DOC],
    },
    ConfigRule {
        id: "config.mcp-auto-enabled",
        short: "Project MCP servers approved without review",
        full: "`enableAllProjectMcpServers: true` (or a project's own `enabledMcpjsonServers`) starts every server a repository's `.mcp.json` names without asking, so a cloned repository runs its own programs. Remove it and approve servers one by one.",
        references: &[CLAUDE_SETTINGS_DOC, CLAUDE_MCP_DOC],
    },
    ConfigRule {
        id: "config.project-env-override",
        short: "Project settings redirect the API or inject code through the environment",
        full: "Project settings set `ANTHROPIC_BASE_URL`, an API key or token, a proxy, `NODE_OPTIONS`, `LD_PRELOAD` or a similar variable in `env`: a cloned repository can send the session (and its credentials) to another server or load code into the agent. Set such variables in user settings or the shell, never in a repository.",
        references: &[CLAUDE_SETTINGS_DOC],
    },
    ConfigRule {
        id: "config.api-key-helper",
        short: "Project settings run a credential helper",
        full: "Project settings set `apiKeyHelper` (or `awsAuthRefresh`, `awsCredentialExport`, `otelHeadersHelper`): a command from the repository runs with the user's rights and its output becomes the credential. Move it to user or managed settings.",
        references: &[CLAUDE_SETTINGS_DOC],
    },
    ConfigRule {
        id: "config.disable-hooks",
        short: "Settings turn off all hooks",
        full: "`disableAllHooks: true` turns off every hook, Palisade's included. In project settings it lets a repository switch off the user's guards. Remove it.",
        references: &[CLAUDE_HOOKS_DOC],
    },
    ConfigRule {
        id: "config.sandbox-off",
        short: "Sandbox turned off",
        full: "Codex's `sandbox_mode = \"danger-full-access\"` runs the model's commands without the sandbox: every file and the network are reachable. Use `workspace-write`.",
        references: &[CODEX_CONFIG_DOC],
    },
    ConfigRule {
        id: "config.env-secrets-exposed",
        short: "Secrets passed to the agent's commands",
        full: "Codex's `shell_environment_policy.ignore_default_excludes = true` keeps variables whose names contain KEY, SECRET or TOKEN in the environment of every command the model runs. Remove it, or pass only what is needed with `include_only`.",
        references: &[CODEX_CONFIG_DOC],
    },
    ConfigRule {
        id: "config.project-hooks",
        short: "Project defines commands that run on their own",
        full: "Project settings define hooks, a status line or a notify command: cloned repositories bring them along and they run with the user's rights when the agent starts or uses a tool. Review them (info).",
        references: &[CLAUDE_HOOKS_DOC],
    },
    ConfigRule {
        id: "config.project-mcp",
        short: "Project defines MCP servers",
        full: "The project defines MCP servers (`.mcp.json`, `.codex/config.toml`, `.gemini/settings.json`): cloned repositories bring them along. Review what each starts (info).",
        references: &[CLAUDE_MCP_DOC],
    },
    ConfigRule {
        id: "config.invalid",
        short: "Agent configuration does not parse",
        full: "The file does not parse, so the agent ignores it or fails, and it was not audited. Fix the syntax.",
        references: &[],
    },
];

/// The rule's entry in [`RULES`].
pub fn rule(id: &str) -> Option<&'static ConfigRule> {
    RULES.iter().find(|r| r.id == id)
}

/// Whether `layer` is one a repository ships (or a checkout holds).
fn is_project(layer: Layer) -> bool {
    matches!(layer, Layer::Project | Layer::ProjectLocal)
}

/// Builds findings for one file.
struct Report<'a> {
    path: &'a str,
    agent: Agent,
    lines: HashMap<String, u32>,
    out: Vec<ConfigFinding>,
}

impl<'a> Report<'a> {
    fn new(path: &'a str, agent: Agent, lines: HashMap<String, u32>) -> Self {
        Report {
            path,
            agent,
            lines,
            out: Vec::new(),
        }
    }

    /// Adds a finding at the JSON pointer `at` (or at the line given).
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        rule: &'static str,
        severity: Severity,
        at: &str,
        line: Option<u32>,
        message: String,
        fix: &str,
        value: &str,
    ) {
        self.out.push(ConfigFinding {
            rule,
            severity,
            agent: self.agent,
            path: self.path.to_string(),
            line: line.or_else(|| self.lines.get(at).copied()),
            message,
            fix: fix.to_string(),
            subject: format!("{at} = {value}"),
        });
    }

    fn finish(mut self) -> Vec<ConfigFinding> {
        self.out
            .sort_by(|a, b| (a.line, a.rule).cmp(&(b.line, b.rule)));
        self.out
    }
}

/// The finding for a file that does not parse.
/// Parses a JSON settings file (comments allowed, as Gemini CLI writes them)
/// and starts its report; a file that does not parse is returned as its
/// `config.invalid` finding.
fn open_json<'a>(
    path: &'a str,
    text: &str,
    agent: Agent,
) -> Result<(serde_json::Value, Report<'a>), Vec<ConfigFinding>> {
    let text = json::blank_comments(text);
    match serde_json::from_str(&text) {
        Ok(v) => Ok((v, Report::new(path, agent, json::value_lines(&text)))),
        Err(e) => Err(invalid(
            path,
            agent,
            u32::try_from(e.line()).ok(),
            &e.to_string(),
        )),
    }
}

fn invalid(path: &str, agent: Agent, line: Option<u32>, error: &str) -> Vec<ConfigFinding> {
    vec![ConfigFinding {
        rule: "config.invalid",
        severity: Severity::Low,
        agent,
        path: path.to_string(),
        line,
        message: format!("{path} does not parse ({error}); it was not audited"),
        fix: "fix the syntax".into(),
        subject: "parse error".into(),
    }]
}

/// RFC 6901 escaping of one pointer segment.
fn seg(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// One MCP server's launch: the `command` and `args` (Claude Code,
/// Gemini CLI and Codex share these names).
struct Server<'v> {
    name: &'v str,
    command: Option<&'v str>,
    args: Vec<String>,
}

impl Server<'_> {
    fn from_json<'v>(name: &'v str, v: &'v Value) -> Server<'v> {
        Server {
            name,
            command: v.get("command").and_then(Value::as_str),
            args: v
                .get("args")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        }
    }

    /// The argument vector: `command` split like a shell would when it
    /// holds the whole line and `args` is empty.
    fn argv(&self) -> Vec<String> {
        let Some(c) = self.command else {
            return Vec::new();
        };
        if self.args.is_empty() && c.contains(char::is_whitespace) {
            return c.split_whitespace().map(str::to_string).collect();
        }
        let mut v = vec![c.to_string()];
        v.extend(self.args.iter().cloned());
        v
    }

    /// The text `sh -c TEXT` runs, for a server started through a shell.
    fn shell_body(&self) -> Option<String> {
        let argv = self.argv();
        let program = argv.first()?.rsplit('/').next()?;
        if !matches!(program, "sh" | "bash" | "zsh" | "dash") {
            return None;
        }
        let i = argv.iter().position(|a| a == "-c" || a == "-lc")?;
        argv.get(i + 1).cloned()
    }
}

/// The launch checks every MCP server gets, whichever agent's file names
/// it. `at` is its JSON pointer (or a TOML location), `line` its line when
/// already known.
/// Every server of a JSON `mcpServers` object (`servers`, at JSON pointer
/// `base`), through [`audit_server`]; nothing if it is not an object.
fn audit_json_servers(r: &mut Report<'_>, servers: &Value, base: &str, layer: Layer) {
    for (name, s) in servers.as_object().into_iter().flatten() {
        let at = format!("{base}/{}", seg(name));
        audit_server(r, &Server::from_json(name, s), &at, None, layer);
    }
}

fn audit_server(r: &mut Report<'_>, s: &Server<'_>, at: &str, line: Option<u32>, layer: Layer) {
    let argv = s.argv();
    let shown = argv.join(" ");
    let name = s.name;
    if let Some(what) = s.shell_body().as_deref().and_then(fetched_code) {
        r.add(
            "config.hook-downloads-code",
            Severity::High,
            at,
            line,
            format!("MCP server `{name}` {what}"),
            "vendor the script or pin the package to an exact version",
            &shown,
        );
    } else if let Some(what) = unpinned_package(&argv) {
        r.add(
            "config.unpinned-mcp",
            Severity::Medium,
            at,
            line,
            format!("MCP server `{name}`: {what}"),
            "pin the package to an exact version (`pkg@1.2.3`, `pkg==1.2.3`)",
            &shown,
        );
    }
    if let Some(what) = container_host_access(&argv) {
        r.add(
            "config.mcp-host-access",
            Severity::High,
            at,
            line,
            format!("MCP server `{name}` {what}"),
            "drop the flag and mount only what the server needs",
            &shown,
        );
    }
    if is_project(layer) {
        let what = if shown.is_empty() {
            "a remote server".to_string()
        } else {
            format!("`{shown}`")
        };
        r.add(
            "config.project-mcp",
            Severity::Info,
            at,
            line,
            format!("the project defines MCP server `{name}`, which starts {what}"),
            "review what it runs before approving it",
            &shown,
        );
    }
}
