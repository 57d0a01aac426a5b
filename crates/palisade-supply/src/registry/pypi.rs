//! PyPI: the project JSON, `GET {base}/pypi/{name}/json`
//! (<https://docs.pypi.org/api/json/>).
//!
//! One request gives every release with its files' `upload_time_iso_8601`
//! and `yanked` (PEP 592), and `info.version`, the latest release. The
//! per-version endpoint (`/pypi/{name}/{version}/json`) is not needed.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;

use super::http::Client;
use super::{parse_time, version, PackageFacts, RegistryError, Resolution, VersionFacts};
use crate::Ecosystem;

#[derive(Deserialize)]
struct Project {
    info: Info,
    #[serde(default)]
    releases: BTreeMap<String, Vec<File>>,
}

#[derive(Deserialize)]
struct Info {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    upload_time_iso_8601: Option<String>,
    #[serde(default)]
    yanked: bool,
}

/// Checks PEP 508's name rule: ASCII letters, digits, `-`, `_`, `.`,
/// starting and ending with a letter or digit
/// (<https://packaging.python.org/en/latest/specifications/name-normalization/>).
pub(super) fn validate_name(name: &str) -> Result<(), &'static str> {
    let ok_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if !name.bytes().all(ok_char) {
        return Err("only A-Z a-z 0-9 - _ . are allowed");
    }
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    if !edge(name.bytes().next()) || !edge(name.bytes().last()) {
        return Err("must start and end with a letter or digit");
    }
    Ok(())
}

/// PEP 503 normalisation: lower case, runs of `-_.` become one `-`.
pub(super) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Looks `name` up on PyPI at `base`.
pub(super) fn facts(
    client: &mut Client<'_>,
    base: &str,
    name: &str,
    requested: Option<&str>,
) -> Result<PackageFacts, RegistryError> {
    client.facts(
        format!("{base}/pypi/{}/json", normalize(name)),
        Ecosystem::PyPI,
        name,
        |body, at| parse(body, name, requested, at),
    )
}

/// Derives the facts from a project JSON body.
pub(super) fn parse(
    body: &[u8],
    name: &str,
    requested: Option<&str>,
    fetched_at: SystemTime,
) -> Result<PackageFacts, String> {
    let doc: Project = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let name = doc.info.name.unwrap_or_else(|| name.to_owned());
    // Releases without files cannot be installed.
    let releases: BTreeMap<&str, &[File]> = doc
        .releases
        .iter()
        .filter(|(_, files)| !files.is_empty())
        .map(|(v, files)| (v.as_str(), files.as_slice()))
        .collect();
    if releases.is_empty() {
        return Ok(PackageFacts::absent(Ecosystem::PyPI, &name, fetched_at));
    }
    let uploaded = |files: &[File]| {
        files
            .iter()
            .filter_map(|f| f.upload_time_iso_8601.as_deref().and_then(parse_time))
            .min()
    };
    let first_published = releases.values().filter_map(|f| uploaded(f)).min();

    let latest = || {
        doc.info
            .version
            .as_deref()
            .filter(|v| releases.contains_key(v))
            .or_else(|| version::newest(releases.keys().copied()))
    };
    let (chosen, resolution) = match requested {
        None | Some("latest") => (latest(), Resolution::Latest),
        Some(req) => {
            let plain = req.strip_prefix("==").unwrap_or(req).trim();
            let found = releases
                .keys()
                .copied()
                .find(|v| v.eq_ignore_ascii_case(plain));
            match found {
                Some(v) => (Some(v), Resolution::Exact),
                None if version::looks_exact(plain, 1) => {
                    return Ok(PackageFacts::version_missing(
                        Ecosystem::PyPI,
                        &name,
                        fetched_at,
                        first_published,
                        plain,
                    ));
                }
                None => (latest(), Resolution::Latest),
            }
        }
    };
    let version = chosen.and_then(|v| {
        let files = releases.get(v)?;
        Some(VersionFacts {
            version: v.to_owned(),
            resolution,
            published: uploaded(files),
            install_scripts: BTreeMap::new(),
            deprecated: None,
            yanked: files.iter().all(|f| f.yanked),
        })
    });
    Ok(PackageFacts {
        ecosystem: Ecosystem::PyPI,
        name,
        exists: true,
        first_published,
        version,
        missing_version: None,
        fetched_at,
        from_cache: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn names() {
        assert_eq!(normalize("Foo.Bar__baz"), "foo-bar-baz");
        for ok in ["requests", "Flask", "zope.interface", "a", "a_b-c"] {
            assert_eq!(validate_name(ok), Ok(()), "{ok}");
        }
        for bad in ["-a", "a-", "a/b", "a b", "..", "a%20"] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }
}
