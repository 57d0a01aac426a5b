//! `pyproject.toml`.
//!
//! Sections read: `[project] dependencies` and
//! `[project.optional-dependencies]` (PEP 621,
//! <https://packaging.python.org/en/latest/specifications/pyproject-toml/>),
//! `[dependency-groups]` (PEP 735), `[build-system] requires` (PEP 518),
//! Poetry's `[tool.poetry.dependencies]`, `[tool.poetry.dev-dependencies]`,
//! `[tool.poetry.group.<g>.dependencies]` and `[[tool.poetry.source]]`
//! (<https://python-poetry.org/docs/dependency-specification/>), and uv's
//! `[tool.uv] dev-dependencies`, `[tool.uv.sources]` and `[[tool.uv.index]]`
//! (<https://docs.astral.sh/uv/concepts/projects/dependencies/>).

use super::requirements::{pep508, url_source};
use super::{Dependency, DependencyKind, Manifest, ManifestError, ManifestKind};
use crate::{Ecosystem, Source};
use toml::{Table, Value};

const KIND: ManifestKind = ManifestKind::Pyproject;

fn bad(what: &str, expected: &str) -> ManifestError {
    ManifestError::format(KIND, format!("`{what}` must be {expected}"))
}

fn table<'a>(v: &'a Value, what: &str) -> Result<&'a Table, ManifestError> {
    v.as_table().ok_or_else(|| bad(what, "a table"))
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a [Value], ManifestError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| bad(what, "an array"))
}

fn get<'a>(t: &'a Table, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let v = t.get(*first)?;
    if rest.is_empty() {
        Some(v)
    } else {
        get(v.as_table()?, rest)
    }
}

/// A list of PEP 508 strings.
fn pep508_list(
    v: &Value,
    what: &str,
    kind: DependencyKind,
    group: Option<&str>,
    out: &mut Vec<Dependency>,
) -> Result<(), ManifestError> {
    for (i, item) in array(v, what)?.iter().enumerate() {
        let s = match item {
            Value::String(s) => s,
            // PEP 735 `{include-group = "x"}`: x is listed on its own.
            Value::Table(t)
                if what.starts_with("dependency-groups") && t.contains_key("include-group") =>
            {
                continue
            }
            _ => return Err(bad(&format!("{what}[{i}]"), "a requirement string")),
        };
        let mut d = pep508(s)
            .map_err(|m| ManifestError::format(KIND, format!("`{what}[{i}]`: {m}")))?
            .into_dependency(kind);
        d.group = group.map(str::to_string);
        out.push(d);
    }
    Ok(())
}

/// The named indexes of `[[tool.poetry.source]]` and `[[tool.uv.index]]`.
fn indexes(top: &Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in [
        &["tool", "poetry", "source"][..],
        &["tool", "uv", "index"][..],
    ] {
        for t in get(top, path)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_table)
        {
            if let (Some(n), Some(u)) = (
                t.get("name").and_then(Value::as_str),
                t.get("url").and_then(Value::as_str),
            ) {
                out.push((n.to_string(), u.to_string()));
            }
        }
    }
    out
}

/// A Poetry or uv source table: `git` (+ `rev`/`tag`/`branch`), `path`,
/// `url`, `source`/`index` (a named index), `workspace = true`.
fn table_source(t: &Table, indexes: &[(String, String)]) -> Option<Source> {
    let s = |k: &str| t.get(k).and_then(Value::as_str);
    if let Some(git) = s("git") {
        let at = s("rev").or(s("tag")).or(s("branch"));
        let url = match at {
            Some(r) => format!("{git}@{r}"),
            None => git.to_string(),
        };
        return Some(Source::Vcs { url });
    }
    if let Some(p) = s("path") {
        return Some(Source::Path { path: p.into() });
    }
    if let Some(u) = s("url") {
        return Some(url_source(u));
    }
    if t.get("workspace").and_then(Value::as_bool) == Some(true) {
        return Some(Source::Path {
            path: "workspace".into(),
        });
    }
    if let Some(name) = s("source").or(s("index")) {
        let url = indexes
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name, |(_, u)| u.as_str());
        return Some(Source::Registry {
            index: Some(url.to_string()),
        });
    }
    None
}

/// `[tool.poetry.dependencies]`-style tables: `name = "^1.0"`,
/// `name = {version, git, path, url, source, optional, …}` or an array of
/// such tables (one per marker).
fn poetry_table(
    v: &Value,
    what: &str,
    kind: DependencyKind,
    group: Option<&str>,
    indexes: &[(String, String)],
    out: &mut Vec<Dependency>,
) -> Result<(), ManifestError> {
    for (name, spec) in table(v, what)? {
        if name == "python" {
            continue;
        }
        let specs: Vec<&Value> = match spec {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        for spec in specs {
            let (version, source, optional) = match spec {
                Value::String(s) => (Some(s.clone()), Source::Registry { index: None }, false),
                Value::Table(t) => (
                    t.get("version").and_then(Value::as_str).map(str::to_string),
                    table_source(t, indexes).unwrap_or(Source::Registry { index: None }),
                    t.get("optional").and_then(Value::as_bool) == Some(true),
                ),
                _ => return Err(bad(&format!("{what}.{name}"), "a string or a table")),
            };
            let version = version.filter(|v| v != "*");
            let kind = if optional {
                DependencyKind::Optional
            } else {
                kind
            };
            let mut d = Dependency::new(Ecosystem::PyPI, name.clone(), version, source, kind);
            d.group = group.map(str::to_string);
            out.push(d);
        }
    }
    Ok(())
}

/// Parses a pyproject.toml.
pub(super) fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let top: Table = toml::from_str(text).map_err(|e| ManifestError::toml(KIND, text, &e))?;
    let indexes = indexes(&top);
    let mut out = Vec::new();
    if let Some(v) = get(&top, &["build-system", "requires"]) {
        pep508_list(
            v,
            "build-system.requires",
            DependencyKind::Build,
            None,
            &mut out,
        )?;
    }
    if let Some(v) = get(&top, &["project", "dependencies"]) {
        pep508_list(
            v,
            "project.dependencies",
            DependencyKind::Normal,
            None,
            &mut out,
        )?;
    }
    if let Some(v) = get(&top, &["project", "optional-dependencies"]) {
        for (extra, list) in table(v, "project.optional-dependencies")? {
            let what = format!("project.optional-dependencies.{extra}");
            pep508_list(list, &what, DependencyKind::Optional, Some(extra), &mut out)?;
        }
    }
    if let Some(v) = top.get("dependency-groups") {
        for (group, list) in table(v, "dependency-groups")? {
            let what = format!("dependency-groups.{group}");
            pep508_list(list, &what, DependencyKind::Dev, Some(group), &mut out)?;
        }
    }
    if let Some(v) = get(&top, &["tool", "uv", "dev-dependencies"]) {
        pep508_list(
            v,
            "tool.uv.dev-dependencies",
            DependencyKind::Dev,
            None,
            &mut out,
        )?;
    }
    if let Some(v) = get(&top, &["tool", "poetry", "dependencies"]) {
        let what = "tool.poetry.dependencies";
        poetry_table(v, what, DependencyKind::Normal, None, &indexes, &mut out)?;
    }
    if let Some(v) = get(&top, &["tool", "poetry", "dev-dependencies"]) {
        let what = "tool.poetry.dev-dependencies";
        poetry_table(v, what, DependencyKind::Dev, None, &indexes, &mut out)?;
    }
    if let Some(v) = get(&top, &["tool", "poetry", "group"]) {
        for (group, g) in table(v, "tool.poetry.group")? {
            if let Some(deps) = g.get("dependencies") {
                let what = format!("tool.poetry.group.{group}.dependencies");
                poetry_table(
                    deps,
                    &what,
                    DependencyKind::Dev,
                    Some(group),
                    &indexes,
                    &mut out,
                )?;
            }
        }
    }
    if let Some(v) = get(&top, &["tool", "uv", "sources"]) {
        apply_uv_sources(table(v, "tool.uv.sources")?, &indexes, &mut out)?;
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}

/// Compares names as PEP 503 does: case-insensitively, runs of `-`, `_`,
/// `.` equal.
fn same_project(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let mut out = String::new();
        for c in s.chars() {
            let c = if matches!(c, '_' | '.') {
                '-'
            } else {
                c.to_ascii_lowercase()
            };
            if !(c == '-' && out.ends_with('-')) {
                out.push(c);
            }
        }
        out
    };
    norm(a) == norm(b)
}

/// `[tool.uv.sources]`: where uv takes a PEP 621 dependency from instead
/// of the index.
fn apply_uv_sources(
    sources: &Table,
    indexes: &[(String, String)],
    out: &mut [Dependency],
) -> Result<(), ManifestError> {
    for (name, spec) in sources {
        let what = format!("tool.uv.sources.{name}");
        // An array holds one source per marker; the first stands for all.
        let t = match spec {
            Value::Table(t) => t,
            Value::Array(a) => match a.first().and_then(Value::as_table) {
                Some(t) => t,
                None => return Err(bad(&what, "a table or an array of tables")),
            },
            _ => return Err(bad(&what, "a table")),
        };
        let Some(source) = table_source(t, indexes) else {
            continue;
        };
        for d in out
            .iter_mut()
            .filter(|d| same_project(&d.install.name, name))
        {
            d.install.source = source.clone();
        }
    }
    Ok(())
}
