//! Python lockfiles: uv's `uv.lock` and Poetry's `poetry.lock`.
//!
//! Both are TOML with one `[[package]]` per locked distribution.
//!
//! uv.lock (<https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile>):
//! `name`, `version`, `source = {registry = URL}` / `{git = URL}` /
//! `{url = URL}` / `{path|directory|editable|virtual = PATH}`, `sdist` and
//! `wheels` with `url` and `hash`, `dependencies = [{name = …}]`,
//! `[package.optional-dependencies]`, `[package.dev-dependencies]`. The
//! project and workspace members are the `editable`/`virtual` packages.
//!
//! poetry.lock (<https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock>):
//! `name`, `version`, `optional`, `category` (lock format 1.x), `files =
//! [{file, hash}]`, and `[package.source]` with `type` (`git`, `legacy`
//! for another index, `url`, `file`, `directory`), `url`,
//! `resolved_reference`.

use super::{Dependency, DependencyKind, Manifest, ManifestError, ManifestKind};
use crate::{Ecosystem, Source};
use std::collections::HashSet;
use toml::{Table, Value};

/// PyPI's simple index, which uv writes as the default registry.
const PYPI: [&str; 2] = ["https://pypi.org/simple", "https://pypi.org/simple/"];

fn packages(kind: ManifestKind, top: &Table) -> Result<Vec<&Table>, ManifestError> {
    let Some(v) = top.get("package") else {
        return Ok(Vec::new());
    };
    let arr = v
        .as_array()
        .ok_or_else(|| ManifestError::format(kind, "`package` must be an array of tables"))?;
    arr.iter()
        .enumerate()
        .map(|(i, p)| {
            p.as_table().ok_or_else(|| {
                ManifestError::format(kind, format!("`package[{i}]` must be a table"))
            })
        })
        .collect()
}

fn name_version(
    kind: ManifestKind,
    i: usize,
    p: &Table,
) -> Result<(String, Option<String>), ManifestError> {
    let name = p
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ManifestError::format(kind, format!("`package[{i}]` has no name")))?;
    Ok((
        name.to_string(),
        p.get("version").and_then(Value::as_str).map(str::to_string),
    ))
}

fn str_of<'a>(t: Option<&'a Value>, key: &str) -> Option<&'a str> {
    t.and_then(|t| t.get(key)).and_then(Value::as_str)
}

/// Parses a uv.lock.
pub(super) fn parse_uv(text: &str) -> Result<Manifest, ManifestError> {
    const KIND: ManifestKind = ManifestKind::UvLock;
    let top: Table = toml::from_str(text).map_err(|e| ManifestError::toml(KIND, text, &e))?;
    let packages = packages(KIND, &top)?;
    let local = |p: &Table| {
        p.get("source")
            .and_then(Value::as_table)
            .is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual"))
    };
    let mut direct: HashSet<&str> = HashSet::new();
    for p in packages.iter().filter(|p| local(p)) {
        let mut lists: Vec<&Value> = p.get("dependencies").into_iter().collect();
        for k in ["optional-dependencies", "dev-dependencies"] {
            if let Some(t) = p.get(k).and_then(Value::as_table) {
                lists.extend(t.values());
            }
        }
        for item in lists.into_iter().filter_map(Value::as_array).flatten() {
            if let Some(n) = item.get("name").and_then(Value::as_str) {
                direct.insert(n);
            }
        }
    }
    let mut out = Vec::new();
    for (i, p) in packages.iter().enumerate() {
        if local(p) {
            continue;
        }
        let (name, version) = name_version(KIND, i, p)?;
        let src = p.get("source");
        let source = if let Some(r) = str_of(src, "registry") {
            let index = (!PYPI.contains(&r)).then(|| r.to_string());
            Source::Registry { index }
        } else if let Some(g) = str_of(src, "git") {
            Source::Vcs { url: g.into() }
        } else if let Some(u) = str_of(src, "url") {
            Source::Url { url: u.into() }
        } else if let Some(p) = str_of(src, "path").or(str_of(src, "directory")) {
            Source::Path { path: p.into() }
        } else {
            return Err(ManifestError::format(
                KIND,
                format!("package `{name}` has no known source"),
            ));
        };
        let sdist = p.get("sdist");
        let wheel = p
            .get("wheels")
            .and_then(Value::as_array)
            .and_then(|w| w.first());
        let mut d = Dependency::new(
            Ecosystem::PyPI,
            name,
            version,
            source,
            DependencyKind::Normal,
        );
        d.direct = Some(direct.contains(d.install.name.as_str()));
        d.resolved = str_of(sdist, "url")
            .or(str_of(wheel, "url"))
            .or(str_of(src, "git"))
            .map(str::to_string);
        d.integrity = str_of(sdist, "hash")
            .or(str_of(wheel, "hash"))
            .map(str::to_string);
        out.push(d);
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}

/// Parses a poetry.lock.
pub(super) fn parse_poetry(text: &str) -> Result<Manifest, ManifestError> {
    const KIND: ManifestKind = ManifestKind::PoetryLock;
    let top: Table = toml::from_str(text).map_err(|e| ManifestError::toml(KIND, text, &e))?;
    let mut out = Vec::new();
    for (i, p) in packages(KIND, &top)?.into_iter().enumerate() {
        let (name, version) = name_version(KIND, i, p)?;
        if version.is_none() {
            return Err(ManifestError::format(
                KIND,
                format!("package `{name}` has no version"),
            ));
        }
        let src = p.get("source");
        let url = str_of(src, "url");
        let source = match (str_of(src, "type"), url) {
            (None, _) => Source::Registry { index: None },
            (Some("git"), Some(u)) => Source::Vcs {
                url: match str_of(src, "resolved_reference") {
                    Some(r) => format!("{u}@{r}"),
                    None => u.to_string(),
                },
            },
            (Some("legacy"), Some(u)) => Source::Registry {
                index: Some(u.to_string()),
            },
            (Some("url"), Some(u)) => Source::Url { url: u.to_string() },
            (Some("file" | "directory"), Some(u)) => Source::Path {
                path: u.to_string(),
            },
            (Some(t), _) => {
                return Err(ManifestError::format(
                    KIND,
                    format!("package `{name}`: source type `{t}` without a known url"),
                ))
            }
        };
        let kind = if p.get("optional").and_then(Value::as_bool) == Some(true) {
            DependencyKind::Optional
        } else if p.get("category").and_then(Value::as_str) == Some("dev") {
            DependencyKind::Dev
        } else {
            DependencyKind::Normal
        };
        let file = p
            .get("files")
            .and_then(Value::as_array)
            .and_then(|f| f.first());
        let mut d = Dependency::new(Ecosystem::PyPI, name, version, source, kind);
        d.direct = None;
        d.resolved = match &d.install.source {
            Source::Registry { .. } => None,
            Source::Vcs { url } | Source::Url { url } => Some(url.clone()),
            Source::Path { path } => Some(path.clone()),
        };
        d.integrity = str_of(file, "hash").map(str::to_string);
        out.push(d);
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}
