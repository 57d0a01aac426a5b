//! What an agent is about to do, independent of which agent asks.

use serde::Serialize;
use std::path::PathBuf;

/// One action an agent is about to take (DESIGN section 3).
///
/// Paths are as the agent gave them; Claude Code sends absolute `file_path`s.
/// Relative paths are resolved against [`Context::cwd`] by the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Run a shell command line (Claude Code `Bash`).
    Exec {
        /// The full command text, as the shell would see it.
        command: String,
    },
    /// Read a file or directory (`Read`, and the search root of `Glob`/`Grep`).
    Read {
        /// The path read.
        path: PathBuf,
        /// The built-in tool that reads, e.g. `Read`, `Grep`, `Glob`.
        tool: String,
    },
    /// Create, overwrite or edit a file (`Write`, `Edit`, `MultiEdit`, `NotebookEdit`).
    Write {
        /// The path written.
        path: PathBuf,
        /// The built-in tool that writes.
        tool: String,
        /// New content, when the tool carries it (Write, or Edit's `new_string`).
        content: Option<String>,
    },
    /// Fetch a URL (`WebFetch`).
    Fetch {
        /// The URL as given.
        url: String,
    },
    /// Run a web search (`WebSearch`).
    Search {
        /// The query text.
        query: String,
    },
    /// Call a tool of an MCP server (`mcp__<server>__<tool>`, MCP `tools/call`).
    McpCall {
        /// The server name as configured in the agent.
        server: String,
        /// The tool name on that server.
        tool: String,
        /// The call's arguments object.
        arguments: serde_json::Value,
    },
    /// Start a sub-agent (`Task` / `Agent`).
    SubAgent {
        /// The tool name the agent used (`Task` or `Agent`).
        tool: String,
        /// The sub-agent type, if given (`subagent_type`).
        agent_type: Option<String>,
        /// The prompt handed to the sub-agent.
        prompt: String,
    },
    /// A prompt the user submitted (`UserPromptSubmit`).
    Prompt {
        /// The prompt text.
        text: String,
    },
    /// Any other tool, by name, with its raw input.
    Other {
        /// The tool's name.
        tool: String,
        /// The tool's input object.
        input: serde_json::Value,
    },
}

impl Action {
    /// The Claude Code tool name this action is matched under in permission
    /// rules (`Bash`, `Read`, `Edit`, `WebFetch`, `mcp__s__t`, …).
    ///
    /// Write-like tools all answer to `Edit` rules as well, which the policy
    /// handles; this returns the tool's own name.
    pub fn tool_name(&self) -> String {
        match self {
            Action::Exec { .. } => "Bash".into(),
            Action::Read { tool, .. } | Action::Write { tool, .. } => tool.clone(),
            Action::Fetch { .. } => "WebFetch".into(),
            Action::Search { .. } => "WebSearch".into(),
            Action::McpCall { server, tool, .. } => format!("mcp__{server}__{tool}"),
            Action::SubAgent { tool, .. } => tool.clone(),
            Action::Prompt { .. } => "UserPromptSubmit".into(),
            Action::Other { tool, .. } => tool.clone(),
        }
    }

    /// A short human description, e.g. `Bash: ls -la` or `Read: /etc/passwd`.
    ///
    /// Long text is cut to 200 characters (on a character boundary).
    pub fn summary(&self) -> String {
        let body = match self {
            Action::Exec { command } => command.clone(),
            Action::Read { path, .. } | Action::Write { path, .. } => path.display().to_string(),
            Action::Fetch { url } => url.clone(),
            Action::Search { query } => query.clone(),
            Action::McpCall { arguments, .. } => arguments.to_string(),
            Action::SubAgent { prompt, .. } => prompt.clone(),
            Action::Prompt { text } => text.clone(),
            Action::Other { input, .. } => input.to_string(),
        };
        let mut s: String = body.chars().take(200).collect();
        if s.len() < body.len() {
            s.push('…');
        }
        format!("{}: {}", self.tool_name(), s)
    }
}

/// Claude Code's permission mode (`permission_mode` in hook input,
/// `permissions.defaultMode` in settings).
///
/// Source: Claude Code documentation, "Permission modes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum PermissionMode {
    /// Ask on first use of each tool.
    #[default]
    Default,
    /// Auto-accept file edits in the working directories.
    AcceptEdits,
    /// Read-only planning.
    Plan,
    /// Never ask; deny what is not pre-approved.
    DontAsk,
    /// Skip all permission prompts (`--dangerously-skip-permissions`).
    BypassPermissions,
    /// A mode this version of Palisade does not know, e.g. `auto`.
    Other,
}

impl PermissionMode {
    /// Parses Claude Code's spelling (`default`, `acceptEdits`, `plan`,
    /// `dontAsk`, `bypassPermissions`); anything else is [`PermissionMode::Other`].
    pub fn parse(s: &str) -> Self {
        match s {
            "default" => Self::Default,
            "acceptEdits" => Self::AcceptEdits,
            "plan" => Self::Plan,
            "dontAsk" => Self::DontAsk,
            "bypassPermissions" => Self::BypassPermissions,
            _ => Self::Other,
        }
    }

    /// Claude Code's spelling (`bypassPermissions`); `other` for [`PermissionMode::Other`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::AcceptEdits => "acceptEdits",
            Self::Plan => "plan",
            Self::DontAsk => "dontAsk",
            Self::BypassPermissions => "bypassPermissions",
            Self::Other => "other",
        }
    }
}

/// Where and for whom an action happens.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Context {
    /// The agent that asks, e.g. `claude-code`.
    pub agent: String,
    /// The agent's session id, if it sent one.
    pub session_id: Option<String>,
    /// The agent's working directory (absolute).
    pub cwd: PathBuf,
    /// The project root: the directory holding `.claude/` or `.git/`, else `cwd`.
    pub project_root: PathBuf,
    /// The user's home directory, used to expand `~`.
    pub home: PathBuf,
    /// The permission mode the agent reported, if any.
    pub permission_mode: Option<PermissionMode>,
}
