//! Protected names (the list is [`crate::profile::DEFAULT_PROTECT`]):
//! files and directories inside a writable root that a
//! sandboxed command must not create or change, because something outside
//! the sandbox later runs or trusts them — shell start-up files, git hooks
//! and config, agent and editor settings, direnv files.
//!
//! The namespace layer makes each one read-only with a bind mount
//! ([`crate::ns::read_only`]). A mount needs something to mount on, so a
//! name that does not exist yet gets an empty placeholder (a file, or a
//! directory for names ending in `/`) before the sandbox starts, and the
//! placeholders still empty afterwards are removed. Runs in the same
//! project share a record of placeholders (under
//! `~/.local/state/palisade/protect/`, locked with `flock(2)`), so one run
//! does not remove a placeholder another run's mount stands on, and
//! placeholders left by a killed run are removed by the next.
//!
//! Git inside the sandbox is told to ignore the placeholders
//! ([`Protected::git_excludes`], given to git as its `core.excludesFile`
//! through `GIT_CONFIG_*` variables), so that `git status` does not show
//! them and `git add -A` does not commit them; nothing in the repository
//! is changed for that.
//!
//! When a protected name's directory is missing too (`.claude/` for
//! `.claude/settings.json`), the placeholder is an empty file with the
//! directory's name, so nothing can be created under it during the run.
//! Palisade never creates a `.git`: in a project that is not yet a git
//! repository, `git init` inside the sandbox can still write hooks.

use nix::fcntl::{Flock, FlockArg};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The content of a placeholder for a missing `*.json` protected name.
const PLACEHOLDER_JSON: &[u8] = b"{}\n";

/// The protected paths of a run, ready for [`crate::ns::read_only`].
#[derive(Debug)]
pub struct Protected {
    /// Every protected path that now exists (placeholders included).
    pub paths: Vec<PathBuf>,
    /// The placeholders of this run and of concurrent runs in the project.
    placeholders: Vec<PathBuf>,
    created: Vec<PathBuf>,
    state: Option<Flock<std::fs::File>>,
}

/// Resolves `names` under each of `roots`, creating placeholders for the
/// missing ones (see [`prepare_with_state`]).
pub fn prepare(roots: &[PathBuf], names: &[String]) -> Protected {
    prepare_with_state(state_dir().as_deref(), roots, names)
}

/// The directory of placeholder records: `$XDG_STATE_HOME/palisade/protect`
/// or `~/.local/state/palisade/protect`.
pub fn state_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/state")))
        .map(|d| d.join("palisade/protect"))
}

/// Resolves `names` (relative: under each of `roots`; absolute: that
/// path) with the placeholder records
/// kept in `state` (none: each run removes only its own placeholders).
///
/// A missing name gets an empty placeholder file (a directory for names
/// ending in `/`). When the name's directory is missing too (`.claude/`
/// for `.claude/settings.json`), the placeholder is an empty *file* named
/// like that directory, so that nothing can be created under it during the
/// run: one cheap placeholder instead of a directory tree. Nothing is ever
/// created under a missing `.git`.
pub fn prepare_with_state(state: Option<&Path>, roots: &[PathBuf], names: &[String]) -> Protected {
    let mut state = state.and_then(|d| open_state(d, roots));
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut created = Vec::new();
    for root in roots {
        for name in names {
            let dir = name.ends_with('/');
            let rel = Path::new(name.trim_end_matches('/'));
            if rel.as_os_str().is_empty() {
                continue;
            }
            // An absolute name is handled under the root that holds it.
            let rel = if rel.is_absolute() {
                match rel.strip_prefix(root) {
                    Ok(r) if !r.as_os_str().is_empty() => r,
                    _ => continue,
                }
            } else {
                rel
            };
            let path = root.join(rel);
            if std::fs::symlink_metadata(&path).is_ok() {
                if !paths.contains(&path) {
                    paths.push(path);
                }
                continue;
            }
            // The top-most missing component under the root.
            let mut missing = root.clone();
            let mut is_leaf = false;
            for (i, c) in rel.components().enumerate() {
                missing.push(c);
                if std::fs::symlink_metadata(&missing).is_err() {
                    is_leaf = i + 1 == rel.components().count();
                    break;
                }
            }
            if missing.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if paths.contains(&missing) {
                continue;
            }
            let made = if dir && is_leaf {
                std::fs::create_dir(&missing)
            } else {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&missing)
                    .and_then(|mut f| {
                        // A JSON placeholder holds `{}`, so that what reads it
                        // (Claude Code, editors, Palisade's own policy loader
                        // inside the sandbox) sees valid, empty settings.
                        if is_leaf && missing.extension().is_some_and(|e| e == "json") {
                            std::io::Write::write_all(&mut f, PLACEHOLDER_JSON)
                        } else {
                            Ok(())
                        }
                    })
            };
            if made.is_ok() {
                created.push(missing.clone());
                paths.push(missing);
            }
        }
    }
    let known = if let Some(f) = state.as_mut() {
        let mut known = read_list(f);
        for c in &created {
            if !known.contains(c) {
                known.push(c.clone());
            }
        }
        write_list(f, &known);
        known
    } else {
        created.clone()
    };
    // Other runs may now read the list; this one holds a shared lock until
    // it finishes.
    let state = state.and_then(|f| match f.relock(FlockArg::LockShared) {
        Ok(()) => Some(f),
        Err(_) => None,
    });
    Protected {
        paths,
        placeholders: known,
        created,
        state,
    }
}

impl Protected {
    /// Removes the placeholders that are still empty, unless another run in
    /// the same project is still going (it will, when it finishes).
    pub fn finish(self) {
        let Some(mut f) = self.state else {
            remove_empty(&self.created);
            return;
        };
        if f.relock(FlockArg::LockExclusiveNonblock).is_err() {
            return;
        }
        let known = read_list(&mut f);
        let left = remove_empty(&known);
        write_list(&mut f, &left);
    }

    /// gitignore lines for the placeholders that lie in a git work tree,
    /// each anchored at its work tree's root (`/.mcp.json`); empty when
    /// there are none.
    pub fn git_excludes(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        for p in &self.placeholders {
            // The work tree: the nearest ancestor with a `.git` (a
            // directory, or a file in a linked worktree or submodule).
            let Some(top) = p.ancestors().skip(1).find(|a| a.join(".git").exists()) else {
                continue;
            };
            let Ok(rel) = p.strip_prefix(top) else {
                continue;
            };
            if rel.starts_with(".git") {
                continue;
            }
            let line = format!("/{}", rel.to_string_lossy());
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        lines.sort();
        lines.iter().map(|l| format!("{l}\n")).collect()
    }
}

/// Removes each path that is an empty file or directory, deepest first;
/// returns those that could not be removed and still exist.
fn remove_empty(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut sorted: Vec<&PathBuf> = paths.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    let mut left = Vec::new();
    for p in sorted {
        let Ok(meta) = std::fs::symlink_metadata(p) else {
            continue;
        };
        let removed = if meta.is_dir() {
            std::fs::remove_dir(p).is_ok()
        } else if meta.is_file()
            && (meta.len() == 0
                || (meta.len() == PLACEHOLDER_JSON.len() as u64
                    && std::fs::read(p).is_ok_and(|b| b == PLACEHOLDER_JSON)))
        {
            std::fs::remove_file(p).is_ok()
        } else {
            false
        };
        if !removed && meta.is_dir() && std::fs::read_dir(p).is_ok_and(|mut d| d.next().is_none()) {
            left.push(p.clone());
        }
    }
    left
}

/// Opens and exclusively locks the placeholder record shared by runs with
/// the same first root; `None` if there is no writable state directory.
fn open_state(dir: &Path, roots: &[PathBuf]) -> Option<Flock<std::fs::File>> {
    use std::hash::{Hash, Hasher};
    let first = roots.first()?;
    std::fs::create_dir_all(dir).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    first.hash(&mut h);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(format!("{:016x}", h.finish())))
        .ok()?;
    Flock::lock(file, FlockArg::LockExclusive).ok()
}

fn read_list(f: &mut std::fs::File) -> Vec<PathBuf> {
    let mut s = String::new();
    let _ = f.rewind();
    let _ = f.read_to_string(&mut s);
    s.lines()
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .collect()
}

fn write_list(f: &mut std::fs::File, paths: &[PathBuf]) {
    let mut s = String::new();
    for p in paths {
        s.push_str(&p.to_string_lossy());
        s.push('\n');
    }
    let _ = f.set_len(0);
    let _ = f.rewind();
    let _ = f.write_all(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn placeholders_are_made_and_removed_but_existing_files_are_kept() {
        let t = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        let root = t.path().to_path_buf();
        std::fs::write(root.join(".envrc"), "export A=1\n").unwrap();
        std::fs::create_dir(root.join(".git")).unwrap();
        let p = prepare_with_state(
            Some(state.path()),
            std::slice::from_ref(&root),
            &names(&[".bashrc", ".envrc", ".git/hooks/", ".claude/settings.json"]),
        );
        assert!(root.join(".bashrc").is_file());
        assert!(root.join(".git/hooks").is_dir());
        assert!(
            root.join(".claude").is_file(),
            "a missing directory gets one placeholder file"
        );
        assert_eq!(p.paths.len(), 4);
        let excludes = p.git_excludes();
        assert!(excludes.contains("/.bashrc\n"), "{excludes}");
        assert!(excludes.contains("/.claude\n"), "{excludes}");
        assert!(!excludes.contains("hooks"), "inside .git needs no entry");
        assert!(
            !root.join(".git/info/exclude").exists(),
            "the repository is untouched"
        );
        p.finish();
        assert!(!root.join(".bashrc").exists());
        assert!(!root.join(".git/hooks").exists());
        assert!(
            !root.join(".claude").exists(),
            "the created parent goes too"
        );
        assert_eq!(
            std::fs::read_to_string(root.join(".envrc")).unwrap(),
            "export A=1\n"
        );
    }

    #[test]
    fn no_git_directory_is_ever_created() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().to_path_buf();
        let p = prepare_with_state(None, std::slice::from_ref(&root), &names(&[".git/hooks/"]));
        assert!(p.paths.is_empty());
        assert!(!root.join(".git").exists());
        p.finish();
    }
}
