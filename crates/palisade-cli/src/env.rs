//! The environment a command runs in: home, working directory, project
//! root, and where policy files are looked up.

use palisade_core::{Context, PermissionMode};
use palisade_policy::{find_project_root, LoadOptions};
use std::path::{Path, PathBuf};

/// Flags shared by every command that loads a policy.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PolicyFlags {
    /// Extra settings file for the command-line layer (`.json`: Claude Code
    /// settings; `.toml`: palisade.toml). Repeatable.
    #[arg(long = "settings", value_name = "FILE")]
    pub settings: Vec<PathBuf>,
    /// Directory that holds the managed layer's `managed-settings.json` and
    /// `palisade.toml`, instead of /etc/claude-code and /etc/palisade (for tests).
    #[arg(long, value_name = "DIR")]
    pub managed_dir: Option<PathBuf>,
    /// Do not load the built-in guard packs.
    #[arg(long)]
    pub no_guard_packs: bool,
}

/// The user's home directory (`$HOME`; `/` if unset or relative).
pub fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// The project root for `cwd`: `$CLAUDE_PROJECT_DIR` when it contains `cwd`
/// (Claude Code sets it for hooks), else the nearest ancestor with `.git`
/// or `.claude/`, else `cwd`.
pub fn project_root(cwd: &Path, home: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("CLAUDE_PROJECT_DIR").map(PathBuf::from) {
        if d.is_absolute() && cwd.starts_with(&d) {
            return d;
        }
    }
    find_project_root(cwd, home)
}

/// Builds the action context and the policy load options.
pub fn setup(
    cwd: Option<PathBuf>,
    flags: &PolicyFlags,
    agent: &str,
    session_id: Option<String>,
    mode: Option<PermissionMode>,
) -> (Context, LoadOptions) {
    let home = home();
    let cwd = cwd
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"));
    let root = project_root(&cwd, &home);
    let mut opts = LoadOptions::new(&cwd, &root, &home);
    opts.managed_dir = flags.managed_dir.clone();
    opts.cli_files = flags.settings.clone();
    opts.guard_packs = !flags.no_guard_packs;
    let ctx = Context {
        agent: agent.to_string(),
        session_id,
        cwd,
        project_root: root,
        home,
        permission_mode: mode,
    };
    (ctx, opts)
}
