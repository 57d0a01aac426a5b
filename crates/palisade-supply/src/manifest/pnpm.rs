//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x.
//!
//! Format (pnpm writes no spec; this follows the files pnpm 7 to 10
//! write): `lockfileVersion`; the project's direct dependencies under
//! top-level `dependencies`/`devDependencies`/`optionalDependencies`
//! (single project, v5/v6) or `importers.<dir>.…` (workspaces, and always
//! in v9), each `name: version` (v5) or `name: {specifier, version}`;
//! `packages` keyed by `/name/1.0.0_peer@2` (v5), `/name@1.0.0(peer@2)`
//! (v6) or `name@1.0.0` (v9), each with `resolution: {integrity}`,
//! `{tarball}`, `{type: git, repo, commit}` or `{directory}`, and flags
//! `dev`, `optional`, `requiresBuild`. v9 moves dependency edges and flags
//! to `snapshots`.

use super::yaml::{self, Node, Value};
use super::{
    npm_resolved_source, npm_spec, split_name_at_version, Dependency, DependencyKind, Manifest,
    ManifestError, ManifestKind,
};
use crate::{Ecosystem, Source};
use std::collections::HashSet;

const KIND: ManifestKind = ManifestKind::PnpmLock;
const SECTIONS: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

/// Parses a pnpm-lock.yaml; each YAML document with a `lockfileVersion`
/// is read (pnpm 10 may put its own config dependencies in a first one).
pub(super) fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let docs = yaml::parse(KIND, text)?;
    let mut out = Vec::new();
    let mut seen = false;
    for doc in &docs {
        let Some(v) = doc.get("lockfileVersion") else {
            continue;
        };
        seen = true;
        let version = v.as_str().unwrap_or_default();
        let major = version.split('.').next().unwrap_or_default();
        let v5 = match major {
            "5" => true,
            "6" | "7" | "9" => false,
            _ => {
                return Err(ManifestError::format_at(
                    KIND,
                    v.line,
                    format!("unsupported lockfileVersion `{version}` (5.x, 6.x and 9.x are known)"),
                ))
            }
        };
        read_doc(doc, v5, &mut out)?;
    }
    if !seen && !docs.iter().all(|d| d.value == Value::Null) {
        return Err(ManifestError::format(KIND, "no `lockfileVersion`"));
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}

/// `name@version` as a direct dependency of some importer, with any peer
/// suffix cut.
fn direct_set(doc: &Node) -> HashSet<(String, String)> {
    let mut set = HashSet::new();
    let mut add = |holder: &Node| {
        for section in SECTIONS {
            for (name, v) in holder.get(section).map(Node::entries).unwrap_or_default() {
                let version = v.get("version").unwrap_or(v).as_str().unwrap_or_default();
                set.insert((name.clone(), strip_peers(version).to_string()));
            }
        }
    };
    add(doc);
    for (_, importer) in doc.get("importers").map(Node::entries).unwrap_or_default() {
        add(importer);
    }
    set
}

/// `1.0.0(peer@2)` / `1.0.0_peer@2` → `1.0.0`.
fn strip_peers(v: &str) -> &str {
    let end = v.find(['(', '_']).unwrap_or(v.len());
    &v[..end]
}

/// The name and version a `packages` key names.
fn split_key(key: &str, v5: bool) -> (String, String) {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = strip_peers_key(key, v5);
    if v5 {
        // `name/1.0.0`, `@scope/name/1.0.0`
        if let Some(i) = key.rfind('/') {
            let (name, version) = (&key[..i], &key[i + 1..]);
            if !name.is_empty() && !version.is_empty() {
                return (name.to_string(), version.to_string());
            }
        }
        return (key.to_string(), String::new());
    }
    let (name, version) = split_name_at_version(key);
    (name.to_string(), version.unwrap_or_default().to_string())
}

/// Cuts a key's peer suffix: from the first `(` (v6, v9), or from the `_`
/// after the version (v5).
fn strip_peers_key(key: &str, v5: bool) -> &str {
    let mut end = key.find('(').unwrap_or(key.len());
    if v5 {
        if let Some(slash) = key.rfind('/') {
            if let Some(u) = key[slash..].find('_') {
                end = end.min(slash + u);
            }
        }
    }
    &key[..end]
}

fn read_doc(doc: &Node, v5: bool, out: &mut Vec<Dependency>) -> Result<(), ManifestError> {
    let direct = direct_set(doc);
    let snapshots = doc.get("snapshots");
    let Some(packages) = doc.get("packages") else {
        return Ok(());
    };
    if !matches!(packages.value, Value::Map(_) | Value::Null) {
        return Err(ManifestError::format_at(
            KIND,
            packages.line,
            "`packages` must be a mapping",
        ));
    }
    for (key, entry) in packages.entries() {
        let (key_name, key_version) = split_key(key, v5);
        let name = entry
            .get("name")
            .and_then(Node::as_str)
            .map_or(key_name, str::to_string);
        let mut version = entry
            .get("version")
            .and_then(Node::as_str)
            .map_or(key_version, str::to_string);
        if name.is_empty() || version.is_empty() {
            return Err(ManifestError::format_at(
                KIND,
                entry.line,
                format!("package `{key}`: no name and version"),
            ));
        }
        let resolution = entry.get("resolution");
        let field = |k: &str| resolution.and_then(|r| r.get(k)).and_then(Node::as_str);
        let integrity = field("integrity").map(str::to_string);
        let (source, resolved) = if let Some(repo) = field("repo") {
            let url = match field("commit") {
                Some(c) => format!("{repo}#{c}"),
                None => repo.to_string(),
            };
            (Source::Vcs { url: url.clone() }, Some(url))
        } else if let Some(dir) = field("directory") {
            (
                Source::Path {
                    path: dir.to_string(),
                },
                None,
            )
        } else if let Some(tarball) = field("tarball") {
            let source = if tarball.starts_with("file:") {
                Source::Path {
                    path: tarball.to_string(),
                }
            } else {
                npm_resolved_source(tarball)
            };
            (source, Some(tarball.to_string()))
        } else if resolution.is_some() && integrity.is_some() {
            (Source::Registry { index: None }, None)
        } else {
            return Err(ManifestError::format_at(
                KIND,
                entry.line,
                format!("package `{key}` has no resolution"),
            ));
        };
        // A key whose version part is a URL or path (`name@https://…`):
        // the version field, or nothing, is the version.
        if matches!(
            npm_spec(&version).2,
            Source::Vcs { .. } | Source::Url { .. } | Source::Path { .. }
        ) && entry.get("version").is_none()
        {
            version = String::new();
        }
        let flags = |k: &str| {
            entry.get(k).is_some_and(Node::is_true)
                || snapshots
                    .and_then(|s| s.get(key))
                    .and_then(|s| s.get(k))
                    .is_some_and(Node::is_true)
        };
        let kind = if flags("dev") {
            DependencyKind::Dev
        } else if flags("optional") {
            DependencyKind::Optional
        } else {
            DependencyKind::Normal
        };
        let version = (!version.is_empty()).then_some(version);
        let mut d = Dependency::new(Ecosystem::Npm, name, version, source, kind);
        let key = (
            d.install.name.clone(),
            d.install.version.clone().unwrap_or_default(),
        );
        d.direct = Some(direct.contains(&key));
        d.resolved = resolved;
        d.integrity = integrity;
        d.install_script = flags("requiresBuild");
        d.line = Some(entry.line);
        out.push(d);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_each_version() {
        assert_eq!(
            split_key("/@babel/core/7.1.0_supports-color@5.0.0", true),
            ("@babel/core".into(), "7.1.0".into())
        );
        assert_eq!(
            split_key("/@babel/core@7.1.0(supports-color@5.0.0)", false),
            ("@babel/core".into(), "7.1.0".into())
        );
        assert_eq!(
            split_key("left-pad@1.3.0", false),
            ("left-pad".into(), "1.3.0".into())
        );
    }
}
