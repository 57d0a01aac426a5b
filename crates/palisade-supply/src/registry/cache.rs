//! The on-disk cache: one small JSON file per package,
//! `{dir}/{ecosystem}/{escaped name}.json`, holding the facts for each
//! (registry, name, requested version) looked up recently.
//!
//! Best effort throughout: a missing, unreadable, corrupt or
//! foreign-format file is a miss, and the next write replaces it. Writes
//! go to a temporary file in the same directory and are renamed into
//! place, so a reader sees the old file or the new one, never half of one.
//! Two processes writing the same file at once may lose one entry; that
//! costs a look-up, nothing more.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::PackageFacts;
use crate::Ecosystem;

/// Bumped when the file layout or [`PackageFacts`] changes incompatibly;
/// files of another format are misses.
const FORMAT: u32 = 1;

/// Entries older than this are dropped when the file is rewritten.
const PRUNE_AFTER: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Longest escaped file name used; longer names are not cached.
const MAX_FILE_NAME: usize = 200;

/// What a cache entry is for.
pub(super) struct Key<'a> {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name as the install wrote it.
    pub name: &'a str,
    /// The registry base URL asked.
    pub base: &'a str,
    /// The requested version, trimmed; `None` for latest.
    pub requested: Option<&'a str>,
}

impl Key<'_> {
    fn entry(&self) -> String {
        format!(
            "{}\n{}\n{}",
            self.base,
            self.name,
            self.requested.unwrap_or("")
        )
    }
}

#[derive(Serialize, Deserialize, Default)]
struct CacheFile {
    format: u32,
    entries: BTreeMap<String, PackageFacts>,
}

/// The file for `key` under `dir`; `None` when the name is too long.
fn path(dir: &Path, key: &Key<'_>) -> Option<PathBuf> {
    let sub = match key.ecosystem {
        Ecosystem::Npm => "npm",
        Ecosystem::PyPI => "pypi",
        Ecosystem::CratesIo => "crates.io",
        Ecosystem::Go => "go",
        Ecosystem::RubyGems => "rubygems",
    };
    let mut file = String::with_capacity(key.name.len() + 5);
    for (i, b) in key.name.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && i > 0);
        if keep {
            file.push(char::from(b));
        } else {
            file.push_str(&format!("%{b:02x}"));
        }
    }
    if file.len() > MAX_FILE_NAME {
        return None;
    }
    file.push_str(".json");
    Some(dir.join(sub).join(file))
}

fn load(path: &Path) -> Option<CacheFile> {
    let bytes = fs::read(path).ok()?;
    let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
    (file.format == FORMAT).then_some(file)
}

/// The cached facts for `key`, if any. With `max_age = Some((ttl,
/// negative_ttl))` an entry older than its TTL (or dated in the future)
/// is a miss; with `None` any entry is returned (offline).
pub(super) fn read(
    dir: &Path,
    key: &Key<'_>,
    now: SystemTime,
    max_age: Option<(Duration, Duration)>,
) -> Option<PackageFacts> {
    let mut file = load(&path(dir, key)?)?;
    let facts = file.entries.remove(&key.entry())?;
    if facts.ecosystem != key.ecosystem {
        return None;
    }
    if let Some((ttl, negative_ttl)) = max_age {
        let age = now.duration_since(facts.fetched_at).ok()?;
        let ttl = if facts.exists { ttl } else { negative_ttl };
        if age >= ttl {
            return None;
        }
    }
    Some(facts)
}

/// Stores `facts` for `key`, keeping the file's other recent entries.
/// Failures are ignored: the cache only saves time.
pub(super) fn write(dir: &Path, key: &Key<'_>, facts: &PackageFacts) {
    let Some(path) = path(dir, key) else { return };
    let now = SystemTime::now();
    let mut file = load(&path).unwrap_or_default();
    file.format = FORMAT;
    file.entries.retain(|_, f| {
        now.duration_since(f.fetched_at)
            .is_ok_and(|age| age < PRUNE_AFTER)
    });
    file.entries.insert(key.entry(), facts.clone());
    let Ok(bytes) = serde_json::to_vec(&file) else {
        return;
    };
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    if fs::create_dir_all(parent).is_err() {
        return;
    }
    let nanos = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = parent.join(format!(
        ".{}.{}.{nanos}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    if fs::write(&tmp, &bytes).is_err() || fs::rename(&tmp, &path).is_err() {
        let _ = fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn file_names_are_escaped() {
        let key = |ecosystem, name| Key {
            ecosystem,
            name,
            base: "b",
            requested: None,
        };
        let dir = Path::new("/c");
        let p = |k: Key<'_>| path(dir, &k).map(|p| p.to_string_lossy().into_owned());
        assert_eq!(
            p(key(Ecosystem::Npm, "@types/node")),
            Some("/c/npm/%40types%2fnode.json".into())
        );
        assert_eq!(
            p(key(Ecosystem::Npm, "..")),
            Some("/c/npm/%2e..json".into())
        );
        assert_eq!(
            p(key(Ecosystem::Go, "golang.org/x/tools")),
            Some("/c/go/golang.org%2fx%2ftools.json".into())
        );
        let long = "a/".repeat(100);
        assert_eq!(p(key(Ecosystem::Go, &long)), None);
    }
}
