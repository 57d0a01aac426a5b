//! npm's `package.json` and `package-lock.json` (also
//! `npm-shrinkwrap.json`).
//!
//! Formats: <https://docs.npmjs.com/cli/configuring-npm/package-json> and
//! <https://docs.npmjs.com/cli/configuring-npm/package-lock-json>
//! (lockfile v1: a nested `dependencies` tree; v2: both; v3: only the flat
//! `packages` map keyed by `node_modules/…` paths).

use super::{
    npm_resolved_source, npm_spec, Dependency, DependencyKind, Manifest, ManifestError,
    ManifestKind,
};
use crate::{Ecosystem, Source};
use serde_json::{Map, Value};
use std::collections::HashSet;

const JSON: ManifestKind = ManifestKind::PackageJson;
const LOCK: ManifestKind = ManifestKind::PackageLock;

/// The dependency sections of a package.json, with their kind.
const SECTIONS: [(&str, DependencyKind); 4] = [
    ("dependencies", DependencyKind::Normal),
    ("devDependencies", DependencyKind::Dev),
    ("optionalDependencies", DependencyKind::Optional),
    ("peerDependencies", DependencyKind::Peer),
];

fn object<'a>(
    kind: ManifestKind,
    v: &'a Value,
    what: &str,
) -> Result<&'a Map<String, Value>, ManifestError> {
    v.as_object()
        .ok_or_else(|| ManifestError::format(kind, format!("`{what}` must be an object")))
}

fn parse_json(kind: ManifestKind, text: &str) -> Result<Map<String, Value>, ManifestError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ManifestError::json(kind, &e))?;
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(ManifestError::format(
            kind,
            "the top level must be an object",
        )),
    }
}

/// One `name: spec` entry of a package.json section.
fn spec_dependency(name: &str, spec: &str, kind: DependencyKind) -> Dependency {
    let (alias, version, source) = npm_spec(spec);
    let mut d = Dependency::new(
        Ecosystem::Npm,
        alias.unwrap_or_else(|| name.to_string()),
        version,
        source,
        kind,
    );
    if let Source::Registry { .. } = d.install.source {
    } else {
        d.resolved = Some(spec.to_string());
    }
    d
}

/// Parses a package.json: `dependencies`, `devDependencies`,
/// `optionalDependencies`, `peerDependencies`, npm `overrides`, yarn
/// `resolutions` and `pnpm.overrides`.
pub(super) fn parse_package_json(text: &str) -> Result<Manifest, ManifestError> {
    let top = parse_json(JSON, text)?;
    let mut out = Vec::new();
    for (section, kind) in SECTIONS {
        let Some(v) = top.get(section) else { continue };
        for (name, spec) in object(JSON, v, section)? {
            let spec = spec.as_str().ok_or_else(|| {
                ManifestError::format(JSON, format!("`{section}.{name}` must be a string"))
            })?;
            out.push(spec_dependency(name, spec, kind));
        }
    }
    if let Some(v) = top.get("overrides") {
        overrides(object(JSON, v, "overrides")?, "overrides", &mut out)?;
    }
    if let Some(v) = top.get("resolutions") {
        flat_overrides(object(JSON, v, "resolutions")?, "resolutions", &mut out)?;
    }
    if let Some(v) = top.get("pnpm").and_then(|p| p.get("overrides")) {
        flat_overrides(
            object(JSON, v, "pnpm.overrides")?,
            "pnpm.overrides",
            &mut out,
        )?;
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}

/// The package an override key names: `**/a/b` → `b`, `a>b` → `b`,
/// `b@<2` → `b`.
fn override_target(key: &str) -> &str {
    let last = key.rsplit('>').next().unwrap_or(key);
    // yarn paths (`**/a/@s/b`): the last package, keeping its scope.
    let name = match last.rfind('/') {
        None => last,
        Some(i) => {
            let prev = last[..i].rfind('/').map_or(0, |j| j + 1);
            if last[prev..i].starts_with('@') {
                &last[prev..]
            } else {
                &last[i + 1..]
            }
        }
    };
    super::split_name_at_version(name).0
}

/// yarn `resolutions` and `pnpm.overrides`: a flat map of key to spec.
fn flat_overrides(
    map: &Map<String, Value>,
    what: &str,
    out: &mut Vec<Dependency>,
) -> Result<(), ManifestError> {
    for (key, spec) in map {
        let spec = spec.as_str().ok_or_else(|| {
            ManifestError::format(JSON, format!("`{what}.{key}` must be a string"))
        })?;
        let mut d = spec_dependency(override_target(key), spec, DependencyKind::Override);
        d.group = Some(key.clone());
        out.push(d);
    }
    Ok(())
}

/// npm `overrides`: nested objects; `"."` sets the parent's own spec.
fn overrides(
    map: &Map<String, Value>,
    what: &str,
    out: &mut Vec<Dependency>,
) -> Result<(), ManifestError> {
    for (key, v) in map {
        let path = format!("{what}.{key}");
        match v {
            Value::String(spec) => {
                let name = if key == "." {
                    what.rsplit('.').next().unwrap_or(key)
                } else {
                    key
                };
                let mut d = spec_dependency(override_target(name), spec, DependencyKind::Override);
                d.group = Some(path);
                out.push(d);
            }
            Value::Object(m) => overrides(m, &path, out)?,
            _ => {
                return Err(ManifestError::format(
                    JSON,
                    format!("`{path}` must be a string or an object"),
                ))
            }
        }
    }
    Ok(())
}

fn str_field<'a>(entry: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    entry.get(key).and_then(Value::as_str)
}

fn bool_field(entry: &Map<String, Value>, key: &str) -> bool {
    entry.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The kind of a lockfile entry from its `dev`, `optional` and
/// `devOptional` flags.
fn lock_kind(entry: &Map<String, Value>) -> DependencyKind {
    if bool_field(entry, "dev") {
        DependencyKind::Dev
    } else if bool_field(entry, "optional") || bool_field(entry, "devOptional") {
        DependencyKind::Optional
    } else {
        DependencyKind::Normal
    }
}

/// Parses a package-lock.json or npm-shrinkwrap.json, v1 to v3.
pub(super) fn parse_package_lock(text: &str) -> Result<Manifest, ManifestError> {
    let top = parse_json(LOCK, text)?;
    let version = match top.get("lockfileVersion") {
        None => 1,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| ManifestError::format(LOCK, "`lockfileVersion` must be a number"))?,
    };
    if !(1..=3).contains(&version) {
        return Err(ManifestError::format(
            LOCK,
            format!("unsupported lockfileVersion {version} (1, 2 and 3 are known)"),
        ));
    }
    let mut out = Vec::new();
    if let Some(packages) = top.get("packages") {
        lock_packages(object(LOCK, packages, "packages")?, &mut out)?;
    } else if let Some(deps) = top.get("dependencies") {
        lock_tree(
            object(LOCK, deps, "dependencies")?,
            "dependencies",
            &mut out,
        )?;
    } else if version >= 2 {
        return Err(ManifestError::format(
            LOCK,
            format!("lockfileVersion {version} without a `packages` map"),
        ));
    }
    Ok(Manifest {
        dependencies: out,
        references: Vec::new(),
    })
}

/// v2/v3 `packages`: `""` is the root, `node_modules/a/node_modules/b` an
/// installed package, other keys workspace folders.
fn lock_packages(
    packages: &Map<String, Value>,
    out: &mut Vec<Dependency>,
) -> Result<(), ManifestError> {
    let mut direct: HashSet<&str> = HashSet::new();
    for (key, entry) in packages {
        if key.contains("node_modules/") {
            continue;
        }
        // The root and workspace folders: what they depend on is direct.
        let Some(entry) = entry.as_object() else {
            continue;
        };
        for (section, _) in SECTIONS {
            if let Some(m) = entry.get(section).and_then(Value::as_object) {
                direct.extend(m.keys().map(String::as_str));
            }
        }
    }
    for (key, entry) in packages {
        let Some(i) = key.rfind("node_modules/") else {
            continue;
        };
        let entry = object(LOCK, entry, &format!("packages.{key}"))?;
        let installed_as = &key[i + "node_modules/".len()..];
        if installed_as.is_empty() {
            return Err(ManifestError::format(
                LOCK,
                format!("`packages.{key}`: no package name after node_modules/"),
            ));
        }
        let name = str_field(entry, "name").unwrap_or(installed_as);
        let resolved = str_field(entry, "resolved");
        let version = str_field(entry, "version");
        let link = bool_field(entry, "link");
        let source = match resolved {
            _ if link => Source::Path {
                path: resolved.unwrap_or_default().to_string(),
            },
            Some(r) => npm_resolved_source(r),
            None => match version {
                // Bundled or old entries without `resolved`.
                Some(v) if v.contains(':') || v.contains('/') => npm_spec(v).2,
                _ => Source::Registry { index: None },
            },
        };
        if version.is_none() && !link {
            return Err(ManifestError::format(
                LOCK,
                format!("`packages.{key}` has no version"),
            ));
        }
        let mut d = Dependency::new(
            Ecosystem::Npm,
            name,
            version.map(str::to_string),
            source,
            lock_kind(entry),
        );
        d.direct =
            Some(key == &format!("node_modules/{installed_as}") && direct.contains(installed_as));
        d.resolved = resolved.map(str::to_string);
        d.integrity = str_field(entry, "integrity").map(str::to_string);
        d.install_script = bool_field(entry, "hasInstallScript");
        out.push(d);
    }
    Ok(())
}

/// v1 `dependencies`: `{name: {version, resolved, integrity, dev,
/// optional, dependencies: {…}}}`, nested where npm could not hoist.
/// serde_json bounds the nesting (128 levels), so the recursion is bounded.
fn lock_tree(
    deps: &Map<String, Value>,
    at: &str,
    out: &mut Vec<Dependency>,
) -> Result<(), ManifestError> {
    for (name, entry) in deps {
        let path = format!("{at}.{name}");
        let entry = object(LOCK, entry, &path)?;
        let version = str_field(entry, "version")
            .ok_or_else(|| ManifestError::format(LOCK, format!("`{path}` has no version")))?;
        let resolved = str_field(entry, "resolved");
        // v1 writes git and file dependencies' source as the version.
        let (alias, spec_version, spec_source) = npm_spec(version);
        let (version, source) = match (&spec_source, resolved) {
            (Source::Registry { .. }, Some(r)) => (spec_version, npm_resolved_source(r)),
            (Source::Registry { .. }, None) => (spec_version, spec_source),
            _ => (Some(version.to_string()), spec_source),
        };
        let mut d = Dependency::new(
            Ecosystem::Npm,
            alias.unwrap_or_else(|| name.clone()),
            version,
            source,
            lock_kind(entry),
        );
        d.direct = None;
        d.resolved = resolved.map(str::to_string);
        d.integrity = str_field(entry, "integrity").map(str::to_string);
        out.push(d);
        if let Some(nested) = entry.get("dependencies") {
            lock_tree(object(LOCK, nested, &path)?, &path, out)?;
        }
    }
    Ok(())
}
