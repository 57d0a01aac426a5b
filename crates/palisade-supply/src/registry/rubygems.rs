//! RubyGems: `GET {base}/api/v1/versions/{name}.json`
//! (<https://guides.rubygems.org/rubygems-org-api/#gem-version-methods>).
//!
//! One request lists every indexed version with `number`, `platform`,
//! `prerelease` and `created_at`. Yanked versions are not listed.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;

use super::http::Client;
use super::{parse_time, version, PackageFacts, RegistryError, Resolution, VersionFacts};
use crate::Ecosystem;

#[derive(Deserialize)]
struct GemVersion {
    number: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    prerelease: bool,
}

/// Checks the characters RubyGems allows in a gem name: ASCII letters,
/// digits, `-`, `_`, `.`, with at least one letter or digit.
pub(super) fn validate_name(name: &str) -> Result<(), &'static str> {
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err("only A-Z a-z 0-9 - _ . are allowed");
    }
    if !name.bytes().any(|b| b.is_ascii_alphanumeric()) {
        return Err("needs a letter or digit");
    }
    Ok(())
}

/// Looks `name` up on RubyGems at `base`.
pub(super) fn facts(
    client: &mut Client<'_>,
    base: &str,
    name: &str,
    requested: Option<&str>,
) -> Result<PackageFacts, RegistryError> {
    client.facts(
        format!("{base}/api/v1/versions/{name}.json"),
        Ecosystem::RubyGems,
        name,
        |body, at| parse(body, name, requested, at),
    )
}

/// Derives the facts from a versions listing.
pub(super) fn parse(
    body: &[u8],
    name: &str,
    requested: Option<&str>,
    fetched_at: SystemTime,
) -> Result<PackageFacts, String> {
    let listed: Vec<GemVersion> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if listed.is_empty() {
        return Ok(PackageFacts::absent(Ecosystem::RubyGems, name, fetched_at));
    }
    // A version can be listed once per platform; its publish time is the
    // earliest.
    let mut by_version: BTreeMap<&str, Option<SystemTime>> = BTreeMap::new();
    for v in &listed {
        let t = v.created_at.as_deref().and_then(parse_time);
        let slot = by_version.entry(v.number.as_str()).or_insert(t);
        *slot = match (*slot, t) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let first_published = by_version.values().flatten().min().copied();
    let latest = || {
        version::newest(
            listed
                .iter()
                .filter(|v| !v.prerelease)
                .map(|v| v.number.as_str()),
        )
        .or_else(|| version::newest(by_version.keys().copied()))
    };
    let (chosen, resolution) = match requested {
        None => (latest(), Resolution::Latest),
        Some(req) => {
            let plain = req.strip_prefix('=').unwrap_or(req).trim();
            match by_version.get_key_value(plain) {
                Some((v, _)) => (Some(*v), Resolution::Exact),
                None if version::looks_exact(plain, 1) => {
                    return Ok(PackageFacts::version_missing(
                        Ecosystem::RubyGems,
                        name,
                        fetched_at,
                        first_published,
                        plain,
                    ));
                }
                None => (latest(), Resolution::Latest),
            }
        }
    };
    let version = chosen.map(|v| VersionFacts {
        version: v.to_owned(),
        resolution,
        published: by_version.get(v).copied().flatten(),
        install_scripts: BTreeMap::new(),
        deprecated: None,
        yanked: false,
    });
    Ok(PackageFacts {
        ecosystem: Ecosystem::RubyGems,
        name: name.to_owned(),
        exists: true,
        first_published,
        version,
        missing_version: None,
        fetched_at,
        from_cache: false,
    })
}
