//! Policy layers: which files are read, in which order, and what each holds.
//!
//! Claude Code's precedence (highest first): managed settings, command-line
//! `--settings`, `.claude/settings.local.json`, `.claude/settings.json`,
//! `~/.claude/settings.json`. Palisade's `palisade.toml` is read at the
//! matching layers: `/etc/palisade/palisade.toml` (managed), the project
//! root's `palisade.toml` (project), `~/.config/palisade/palisade.toml` (user).

use crate::error::PolicyError;
use crate::file::FileSettings;
use crate::telemetry::{self, AuditSettings, TelemetrySettings};
use palisade_core::Layer;
use std::path::{Path, PathBuf};

/// A file that was found and read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadedFile {
    /// Its path.
    pub path: PathBuf,
    /// Its layer.
    pub layer: Layer,
    /// How many rules it holds.
    pub rules: usize,
}

/// Where to look for policy files.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The agent's working directory.
    pub cwd: PathBuf,
    /// The project root (holds `.claude/`, `palisade.toml`).
    pub project_root: PathBuf,
    /// The user's home.
    pub home: PathBuf,
    /// The directory holding `managed-settings.json` and `palisade.toml` for the
    /// managed layer; `None` uses the system paths (`/etc/claude-code`,
    /// `/etc/palisade` on Linux; `/Library/Application Support/ClaudeCode` on macOS).
    pub managed_dir: Option<PathBuf>,
    /// Extra files for the CLI layer (`--settings FILE`: `.json` is Claude Code
    /// settings, `.toml` is a `palisade.toml`).
    pub cli_files: Vec<PathBuf>,
    /// Load the built-in guard packs (on by default).
    pub guard_packs: bool,
    /// Whether the project is trusted; `None` asks Claude Code's record of
    /// the trust dialog (see [`project_trusted`]). An untrusted project's
    /// files contribute only deny and ask rules.
    pub trust_project: Option<bool>,
}

impl LoadOptions {
    /// Options for a project at `project_root` with the agent in `cwd`.
    pub fn new(cwd: &Path, project_root: &Path, home: &Path) -> Self {
        LoadOptions {
            cwd: cwd.to_path_buf(),
            project_root: project_root.to_path_buf(),
            home: home.to_path_buf(),
            managed_dir: None,
            cli_files: Vec::new(),
            guard_packs: true,
            trust_project: None,
        }
    }

    /// Every candidate file, highest layer first, with the directory that
    /// `/path` rules in it are relative to.
    pub fn candidates(&self) -> Vec<(Layer, PathBuf, PathBuf)> {
        let mut out = Vec::new();
        let (managed_claude, managed_palisade) = match &self.managed_dir {
            Some(d) => (d.clone(), d.clone()),
            None if cfg!(target_os = "macos") => (
                PathBuf::from("/Library/Application Support/ClaudeCode"),
                PathBuf::from("/Library/Application Support/Palisade"),
            ),
            None => (
                PathBuf::from("/etc/claude-code"),
                PathBuf::from("/etc/palisade"),
            ),
        };
        out.push((
            Layer::Managed,
            managed_claude.join("managed-settings.json"),
            managed_claude.clone(),
        ));
        if let Ok(rd) = std::fs::read_dir(managed_claude.join("managed-settings.d")) {
            let mut drop_ins: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            drop_ins.sort();
            for p in drop_ins {
                out.push((Layer::Managed, p, managed_claude.clone()));
            }
        }
        out.push((
            Layer::Managed,
            managed_palisade.join("palisade.toml"),
            managed_palisade,
        ));
        for f in &self.cli_files {
            let base = f
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| self.cwd.clone());
            out.push((Layer::Cli, f.clone(), base));
        }
        let root = &self.project_root;
        out.push((
            Layer::ProjectLocal,
            root.join(".claude/settings.local.json"),
            root.clone(),
        ));
        out.push((
            Layer::Project,
            root.join(".claude/settings.json"),
            root.clone(),
        ));
        out.push((Layer::Project, root.join("palisade.toml"), root.clone()));
        out.push((
            Layer::User,
            self.home.join(".claude/settings.json"),
            self.home.clone(),
        ));
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| self.home.join(".config"));
        out.push((
            Layer::User,
            xdg.join("palisade/palisade.toml"),
            self.home.clone(),
        ));
        out
    }
}

/// Reads `[audit]` and `[telemetry]` from the managed and user
/// `palisade.toml`, without the rest of the policy: for the shipper, and
/// for hook events that load no policy. Returns the settings and the
/// warnings (one per other `palisade.toml` that sets either section).
///
/// # Errors
/// [`PolicyError`] if one of those two files exists but cannot be read
/// or parsed.
pub fn load_audit_and_telemetry(
    opts: &crate::LoadOptions,
) -> Result<(AuditSettings, TelemetrySettings, Vec<String>), PolicyError> {
    let mut tel = Vec::new();
    let mut aud = Vec::new();
    for (layer, path, _) in opts.candidates() {
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        // Other layers are read only to warn that they are ignored; a
        // broken one is not this loader's error.
        let read = read_file(&path, false);
        let Some(mut fs) = (if telemetry::trusted(layer) {
            read?
        } else {
            read.ok().flatten()
        }) else {
            continue;
        };
        if let Some(t) = fs.telemetry.take() {
            tel.push((layer, path.clone(), t));
        }
        if let Some(a) = fs.audit.take() {
            aud.push((layer, path, a));
        }
    }
    let mut warnings = Vec::new();
    let t = telemetry::merge_telemetry(&tel, &mut warnings);
    let a = telemetry::merge_audit(&aud, &opts.home, &mut warnings);
    Ok((a, t, warnings))
}

/// Reads and parses one file. `Ok(None)` if it does not exist.
///
/// # Errors
/// Unreadable or malformed files (see [`PolicyError`]).
pub fn read_file(path: &Path, cli_explicit: bool) -> Result<Option<FileSettings>, PolicyError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        // Not a directory: a parent is a file, e.g. the empty placeholder
        // `palisade run` mounts where a protected `.claude/` is missing;
        // either way there is no such settings file.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) && !cli_explicit =>
        {
            return Ok(None)
        }
        Err(e) => {
            return Err(PolicyError::Io {
                path: path.to_path_buf(),
                source: e,
            })
        }
    };
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let parsed = if is_toml {
        crate::config::parse(path, &text)?
    } else {
        crate::settings::parse(path, &text)?
    };
    Ok(Some(parsed))
}

/// Finds the project root for `cwd`: the nearest ancestor holding `.claude/`
/// or `.git`, else `cwd` itself. The user's home is never taken as a project
/// root because of `~/.claude/` (that is the user layer).
pub fn find_project_root(cwd: &Path, home: &Path) -> PathBuf {
    for dir in cwd.ancestors() {
        if dir == home {
            break;
        }
        if dir.join(".git").exists() || dir.join(".claude").is_dir() {
            return dir.to_path_buf();
        }
    }
    cwd.to_path_buf()
}

/// True if Claude Code records that the user accepted the workspace trust
/// dialog for `project_root` or one of its ancestors: `~/.claude.json`,
/// `projects["<abs dir>"].hasTrustDialogAccepted == true`.
///
/// Claude Code ignores `permissions.allow` from the project's
/// `.claude/settings*.json` until the workspace is trusted (observed with
/// 2.1.197: "Ignoring N permissions.allow entries from .claude/settings.json:
/// this workspace has not been trusted"); Palisade does the same, so a cloned
/// repository cannot grant itself permissions through Palisade's allow answer.
/// A missing or unreadable file means untrusted.
pub fn project_trusted(home: &Path, project_root: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct ClaudeJson {
        #[serde(default)]
        projects: std::collections::HashMap<String, Project>,
    }
    #[derive(serde::Deserialize)]
    struct Project {
        #[serde(rename = "hasTrustDialogAccepted")]
        trusted: Option<bool>,
    }
    let Ok(text) = std::fs::read(home.join(".claude.json")) else {
        return false;
    };
    let Ok(cj) = serde_json::from_slice::<ClaudeJson>(&text) else {
        return false;
    };
    project_root.ancestors().any(|dir| {
        cj.projects
            .get(dir.to_string_lossy().as_ref())
            .and_then(|p| p.trusted)
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A settings path under a *file* (the placeholder `palisade run`
    /// mounts where a protected `.claude/` is missing) is no settings file,
    /// as an absent one is; an explicit `--settings` path still errors.
    #[test]
    fn a_settings_path_under_a_file_is_absent() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".claude"), "").unwrap();
        let path = dir.path().join(".claude/settings.local.json");
        assert!(read_file(&path, false).unwrap().is_none());
        assert!(read_file(&dir.path().join("none.json"), false)
            .unwrap()
            .is_none());
        assert!(read_file(&path, true).is_err());
    }
}
