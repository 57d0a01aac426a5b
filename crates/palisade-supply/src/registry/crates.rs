//! crates.io: the sparse index, `GET {base}/{prefix}/{name}`
//! (<https://doc.rust-lang.org/cargo/reference/registry-index.html>).
//!
//! The file has one JSON object per published version, oldest first, with
//! `vers`, `yanked` and (for versions published since the index gained
//! it) `pubtime`. It is what cargo itself downloads: static, CDN-served,
//! no rate limit and no User-Agent requirement, unlike the crates.io web
//! API (<https://crates.io/data-access>).

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;

use super::http::{Client, Fetched};
use super::{parse_time, version, PackageFacts, RegistryError, Resolution, VersionFacts};
use crate::Ecosystem;

#[derive(Deserialize)]
struct Entry {
    name: String,
    vers: String,
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    pubtime: Option<String>,
}

/// Checks crates.io's name rule: ASCII letters, digits, `-`, `_`,
/// starting with a letter, at most 64 characters.
pub(super) fn validate_name(name: &str) -> Result<(), &'static str> {
    if name.len() > 64 {
        return Err("longer than 64 characters");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("must start with a letter");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("only A-Z a-z 0-9 - _ are allowed");
    }
    Ok(())
}

/// The index path of a crate name: `1/a`, `2/ab`, `3/a/abc`,
/// `se/rd/serde`, all lower case. Names are ASCII after
/// [`validate_name`]; anything else gets a path that will not exist.
pub(super) fn index_path(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    let part = |range: std::ops::Range<usize>| name.get(range).unwrap_or("_");
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", part(0..1)),
        _ => format!("{}/{}/{name}", part(0..2), part(2..4)),
    }
}

/// Looks `name` up in the sparse index at `base`. crates.io treats `-` and
/// `_` as the same, so a miss is retried with the other spelling, as
/// cargo does.
pub(super) fn facts(
    client: &mut Client<'_>,
    base: &str,
    name: &str,
    requested: Option<&str>,
) -> Result<PackageFacts, RegistryError> {
    let mut spellings = vec![name.to_owned()];
    for alt in [name.replace('_', "-"), name.replace('-', "_")] {
        if !spellings.contains(&alt) {
            spellings.push(alt);
        }
    }
    let fetched_at = SystemTime::now();
    for spelling in &spellings {
        let url = format!("{base}/{}", index_path(spelling));
        if let Fetched::Body(body) = client.get(&url)? {
            return parse(&body, spelling, requested, fetched_at)
                .map_err(|reason| RegistryError::BadResponse { url, reason });
        }
    }
    Ok(PackageFacts::absent(Ecosystem::CratesIo, name, fetched_at))
}

/// Derives the facts from an index file.
pub(super) fn parse(
    body: &[u8],
    name: &str,
    requested: Option<&str>,
    fetched_at: SystemTime,
) -> Result<PackageFacts, String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        entries.push(entry);
    }
    let Some(first) = entries.first() else {
        return Ok(PackageFacts::absent(Ecosystem::CratesIo, name, fetched_at));
    };
    let name = first.name.clone();
    // Lines are in publish order; an oldest line without `pubtime`
    // predates the field, so the first publish time is unknown (and old).
    let first_published = first.pubtime.as_deref().and_then(parse_time);
    let by_version: BTreeMap<&str, &Entry> = entries.iter().map(|e| (e.vers.as_str(), e)).collect();

    let latest = || {
        version::newest(
            entries
                .iter()
                .filter(|e| !e.yanked)
                .map(|e| e.vers.as_str()),
        )
        .or_else(|| version::newest(by_version.keys().copied()))
    };
    let (chosen, resolution) = match requested {
        None | Some("*") => (latest(), Resolution::Latest),
        Some(req) => {
            let plain = req.strip_prefix('=').unwrap_or(req).trim();
            match by_version.get_key_value(plain) {
                Some((v, _)) => (Some(*v), Resolution::Exact),
                None if version::looks_exact(plain, 3) => {
                    return Ok(PackageFacts::version_missing(
                        Ecosystem::CratesIo,
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
        let entry = by_version.get(v)?;
        Some(VersionFacts {
            version: v.to_owned(),
            resolution,
            published: entry.pubtime.as_deref().and_then(parse_time),
            install_scripts: BTreeMap::new(),
            deprecated: None,
            yanked: entry.yanked,
        })
    });
    Ok(PackageFacts {
        ecosystem: Ecosystem::CratesIo,
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
    fn paths() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("Serde"), "se/rd/serde");
        assert_eq!(validate_name("serde_json"), Ok(()));
        for bad in ["1abc", "-a", "a.b", "a/b", &"x".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }
}
