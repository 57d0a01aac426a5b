//! Cargo's `Cargo.toml` and `Cargo.lock`.
//!
//! Cargo.toml (<https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html>):
//! `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]` (also
//! with underscores), the same under `[target.'cfg(…)'.…]`,
//! `[workspace.dependencies]`, `[patch.<registry>]` and `[replace]`; each
//! entry `name = "1.0"` or `name = {version, git, branch, tag, rev, path,
//! registry, registry-index, package, optional, workspace = true}`.
//!
//! Cargo.lock (no published spec; versions 1 to 4 as cargo writes them):
//! `[[package]]` with `name`, `version`, `source`
//! (`registry+URL`, `sparse+URL`, `git+URL?rev=…#commit`; absent for
//! path and workspace crates), `checksum`, `dependencies = ["name",
//! "name version", "name version (source)"]`.

use super::{Dependency, DependencyKind, Manifest, ManifestError, ManifestKind};
use crate::{Ecosystem, Source};
use std::collections::HashSet;
use toml::{Table, Value};

const TOML: ManifestKind = ManifestKind::CargoToml;
const LOCK: ManifestKind = ManifestKind::CargoLock;

const SECTIONS: [(&str, DependencyKind); 5] = [
    ("dependencies", DependencyKind::Normal),
    ("dev-dependencies", DependencyKind::Dev),
    ("dev_dependencies", DependencyKind::Dev),
    ("build-dependencies", DependencyKind::Build),
    ("build_dependencies", DependencyKind::Build),
];

fn table<'a>(kind: ManifestKind, v: &'a Value, what: &str) -> Result<&'a Table, ManifestError> {
    v.as_table()
        .ok_or_else(|| ManifestError::format(kind, format!("`{what}` must be a table")))
}

/// One entry of a dependency table.
fn entry(
    key: &str,
    spec: &Value,
    what: &str,
    kind: DependencyKind,
    group: Option<&str>,
) -> Result<Dependency, ManifestError> {
    let mut d = match spec {
        Value::String(v) => Dependency::new(
            Ecosystem::CratesIo,
            key,
            Some(v.clone()),
            Source::Registry { index: None },
            kind,
        ),
        Value::Table(t) => {
            let s = |k: &str| t.get(k).and_then(Value::as_str);
            let source = if let Some(git) = s("git") {
                let at = s("rev").or(s("tag")).or(s("branch"));
                Source::Vcs {
                    url: match at {
                        Some(r) => format!("{git}#{r}"),
                        None => git.to_string(),
                    },
                }
            } else if let Some(path) = s("path") {
                Source::Path { path: path.into() }
            } else {
                Source::Registry {
                    index: s("registry-index").or(s("registry")).map(str::to_string),
                }
            };
            let optional = t.get("optional").and_then(Value::as_bool) == Some(true);
            let kind = if optional && kind == DependencyKind::Normal {
                DependencyKind::Optional
            } else {
                kind
            };
            let mut d = Dependency::new(
                Ecosystem::CratesIo,
                s("package").unwrap_or(key),
                s("version").map(str::to_string),
                source,
                kind,
            );
            d.inherited = t.get("workspace").and_then(Value::as_bool) == Some(true);
            d
        }
        _ => {
            return Err(ManifestError::format(
                TOML,
                format!("`{what}.{key}` must be a version string or a table"),
            ))
        }
    };
    d.group = group.map(str::to_string);
    if let Source::Vcs { url } | Source::Path { path: url } = &d.install.source {
        d.resolved = Some(url.clone());
    }
    Ok(d)
}

fn sections(
    holder: &Table,
    prefix: &str,
    group: Option<&str>,
    out: &mut Vec<Dependency>,
) -> Result<(), ManifestError> {
    for (section, kind) in SECTIONS {
        let Some(v) = holder.get(section) else {
            continue;
        };
        let what = format!("{prefix}{section}");
        for (key, spec) in table(TOML, v, &what)? {
            out.push(entry(key, spec, &what, kind, group)?);
        }
    }
    Ok(())
}

/// Parses a Cargo.toml.
pub(super) fn parse_manifest(text: &str) -> Result<Manifest, ManifestError> {
    let top: Table = toml::from_str(text).map_err(|e| ManifestError::toml(TOML, text, &e))?;
    let mut out = Vec::new();
    sections(&top, "", None, &mut out)?;
    if let Some(targets) = top.get("target") {
        for (cfg, t) in table(TOML, targets, "target")? {
            let prefix = format!("target.{cfg}.");
            sections(table(TOML, t, &prefix)?, &prefix, Some(cfg), &mut out)?;
        }
    }
    if let Some(ws) = top.get("workspace").and_then(|w| w.get("dependencies")) {
        for (key, spec) in table(TOML, ws, "workspace.dependencies")? {
            let what = "workspace.dependencies";
            out.push(entry(
                key,
                spec,
                what,
                DependencyKind::Normal,
                Some("workspace"),
            )?);
        }
    }
    if let Some(patch) = top.get("patch") {
        for (registry, t) in table(TOML, patch, "patch")? {
            let what = format!("patch.{registry}");
            for (key, spec) in table(TOML, t, &what)? {
                let group = format!("patch.{registry}");
                out.push(entry(
                    key,
                    spec,
                    &what,
                    DependencyKind::Override,
                    Some(&group),
                )?);
            }
        }
    }
    if let Some(replace) = top.get("replace") {
        for (key, spec) in table(TOML, replace, "replace")? {
            // `"name:1.0.0" = {git = …}`
            let name = key.split(':').next().unwrap_or(key);
            out.push(entry(
                name,
                spec,
                "replace",
                DependencyKind::Override,
                Some("replace"),
            )?);
        }
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}

/// crates.io's index, in the forms Cargo.lock writes it.
fn is_crates_io(index: &str) -> bool {
    matches!(
        index,
        "https://github.com/rust-lang/crates.io-index" | "https://index.crates.io/"
    )
}

/// The source of a Cargo.lock `source` string.
fn lock_source(source: &str) -> Option<Source> {
    if let Some(url) = source
        .strip_prefix("registry+")
        .or_else(|| source.strip_prefix("sparse+"))
    {
        let index = (!is_crates_io(url)).then(|| url.to_string());
        return Some(Source::Registry { index });
    }
    source.strip_prefix("git+").map(|url| Source::Vcs {
        url: url.to_string(),
    })
}

/// Parses a Cargo.lock.
pub(super) fn parse_lock(text: &str) -> Result<Manifest, ManifestError> {
    let top: Table = toml::from_str(text).map_err(|e| ManifestError::toml(LOCK, text, &e))?;
    if let Some(v) = top.get("version") {
        match v.as_integer() {
            Some(1..=4) => {}
            _ => {
                return Err(ManifestError::format(
                    LOCK,
                    format!("unsupported lockfile version {v} (1 to 4 are known)"),
                ))
            }
        }
    }
    let packages: &[Value] = match top.get("package") {
        None => &[],
        Some(v) => v
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| ManifestError::format(LOCK, "`package` must be an array of tables"))?,
    };
    let mut tables = Vec::with_capacity(packages.len());
    for (i, p) in packages.iter().enumerate() {
        let t = p.as_table().ok_or_else(|| {
            ManifestError::format(LOCK, format!("`package[{i}]` must be a table"))
        })?;
        let s = |k: &str| t.get(k).and_then(Value::as_str);
        let (Some(name), Some(version)) = (s("name"), s("version")) else {
            return Err(ManifestError::format(
                LOCK,
                format!("`package[{i}]` needs a name and a version"),
            ));
        };
        tables.push((t, name, version, s("source")));
    }
    // What local crates (no source) depend on is direct.
    let mut direct: HashSet<&str> = HashSet::new();
    for (t, _, _, source) in &tables {
        if source.is_some() {
            continue;
        }
        for dep in t
            .get("dependencies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            direct.insert(dep.split(' ').next().unwrap_or(dep));
        }
    }
    let mut out = Vec::new();
    for (t, name, version, source) in tables {
        let Some(source_text) = source else {
            continue;
        };
        let source = lock_source(source_text).ok_or_else(|| {
            ManifestError::format(
                LOCK,
                format!("package `{name} {version}`: unknown source `{source_text}`"),
            )
        })?;
        let mut d = Dependency::new(
            Ecosystem::CratesIo,
            name,
            Some(version.to_string()),
            source,
            DependencyKind::Normal,
        );
        d.direct = Some(direct.contains(name));
        if source_text.starts_with("git+") {
            d.resolved = Some(source_text.to_string());
        }
        d.integrity = t
            .get("checksum")
            .and_then(Value::as_str)
            .map(str::to_string);
        out.push(d);
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}
