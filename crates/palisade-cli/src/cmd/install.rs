//! `palisade install <agent>` / `palisade uninstall <agent>`.

use crate::env::{home, project_root};
use anyhow::Context as _;
use palisade_agents::claude_code::{self, InstallReport, Scope};
use palisade_policy::built_in_guards;

/// Wire Palisade's hook into an agent's settings.
///
/// For Claude Code this adds a `palisade hook claude-code` entry for
/// PreToolUse, PermissionRequest, UserPromptSubmit, PostToolUse and
/// SessionStart to the chosen settings file, and adds `permissions.deny`
/// rules for credential files, so Claude Code's own permission engine still
/// protects them if the hook is ever missing. Every other setting is kept;
/// running it again changes nothing.
///
/// Examples:
///   palisade install claude-code              # ~/.claude/settings.json (all projects)
///   palisade install claude-code --project    # .claude/settings.json (shared with the team)
///   palisade install claude-code --local      # .claude/settings.local.json (this checkout)
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct InstallArgs {
    #[arg(value_enum)]
    agent: Agent,
    #[command(flatten)]
    scope: ScopeFlags,
    /// The hook command to write (default: this binary's absolute path, quoted, then `hook claude-code`).
    #[arg(long)]
    command: Option<String>,
    /// Do not add the credential `permissions.deny` rules.
    #[arg(long)]
    no_deny_rules: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Remove Palisade's hook from an agent's settings, keeping everything else.
///
/// The credential `permissions.deny` rules that install added stay (they
/// protect credentials without Palisade); `--purge` removes them too.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct UninstallArgs {
    #[arg(value_enum)]
    agent: Agent,
    #[command(flatten)]
    scope: ScopeFlags,
    /// Also remove the credential deny rules that install adds.
    #[arg(long)]
    purge: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Agent {
    /// Claude Code.
    ClaudeCode,
}

#[derive(clap::Args, Debug)]
#[group(multiple = false)]
struct ScopeFlags {
    /// ~/.claude/settings.json: every project of this user (the default).
    #[arg(long)]
    user: bool,
    /// <project>/.claude/settings.json: committed, shared with the team.
    #[arg(long)]
    project: bool,
    /// <project>/.claude/settings.local.json: this checkout only.
    #[arg(long)]
    local: bool,
}

impl ScopeFlags {
    fn scope(&self) -> Scope {
        if self.project {
            Scope::Project
        } else if self.local {
            Scope::Local
        } else {
            Scope::User
        }
    }
}

fn settings_path(scope: Scope) -> anyhow::Result<std::path::PathBuf> {
    let h = home();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(scope.settings_path(&h, &project_root(&cwd, &h)))
}

/// The credential deny rules every guard pack asks install to write.
pub fn deny_rules() -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for g in built_in_guards()? {
        for r in g.claude_deny {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// The default hook command: this executable's absolute path, quoted for
/// the shell when needed.
pub fn default_command() -> anyhow::Result<String> {
    let exe = std::env::current_exe().context("cannot find this executable's path")?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    let s = exe.to_string_lossy().into_owned();
    let quoted = if s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    };
    Ok(format!("{quoted} hook claude-code"))
}

fn print_report(r: &InstallReport, json: bool, verb: &str) -> anyhow::Result<()> {
    if json {
        crate::exit::print(&serde_json::to_string_pretty(r)?);
        return Ok(());
    }
    if !r.written {
        out!("{}: already up to date, nothing changed", r.path.display());
        return Ok(());
    }
    out!("{}: {verb}", r.path.display());
    if !r.hooks_changed.is_empty() {
        out!("  hooks: {}", r.hooks_changed.join(", "));
    }
    if !r.deny_rules_changed.is_empty() {
        out!("  permissions.deny: {}", r.deny_rules_changed.join(", "));
    }
    Ok(())
}

pub fn run_install(a: InstallArgs) -> anyhow::Result<u8> {
    let Agent::ClaudeCode = a.agent;
    let path = settings_path(a.scope.scope())?;
    let command = match a.command {
        Some(c) => c,
        None => default_command()?,
    };
    let rules = if a.no_deny_rules {
        Vec::new()
    } else {
        deny_rules()?
    };
    let r = claude_code::install(&path, &command, &rules).map_err(anyhow::Error::msg)?;
    print_report(&r, a.json, "Palisade hook installed")?;
    if !a.json {
        out!("Check it with: palisade doctor");
    }
    Ok(0)
}

pub fn run_uninstall(a: UninstallArgs) -> anyhow::Result<u8> {
    let Agent::ClaudeCode = a.agent;
    let path = settings_path(a.scope.scope())?;
    let r = claude_code::uninstall(&path, &deny_rules()?, a.purge).map_err(anyhow::Error::msg)?;
    print_report(&r, a.json, "Palisade hook removed")?;
    Ok(0)
}
