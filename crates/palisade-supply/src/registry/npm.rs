//! npm: the full package document ("packument"), `GET {base}/{name}`.
//!
//! Sources: <https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md>
//! and <https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md>.
//! The abbreviated document (`Accept: application/vnd.npm.install-v1+json`)
//! is smaller but has no `time` map, and there is no per-version endpoint
//! with publish times, so the full document is read: one request, ~0.5 MB
//! for a popular package (`express`), ~10 MB for the largest (`typescript`),
//! gzip-compressed on the wire.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;
use serde_json::Value;

use super::http::Client;
use super::{parse_time, version, PackageFacts, RegistryError, Resolution, VersionFacts};
use crate::Ecosystem;

/// The lifecycle scripts npm runs when it installs a package as a
/// dependency (<https://docs.npmjs.com/cli/using-npm/scripts#npm-install>).
const INSTALL_SCRIPTS: [&str; 3] = ["preinstall", "install", "postinstall"];

#[derive(Deserialize)]
struct Packument {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "dist-tags")]
    dist_tags: BTreeMap<String, Value>,
    #[serde(default)]
    versions: BTreeMap<String, Manifest>,
    #[serde(default)]
    time: BTreeMap<String, Value>,
}

/// The fields of a version manifest that matter here; the rest is skipped
/// while parsing.
#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    scripts: Option<Value>,
    #[serde(default)]
    deprecated: Option<Value>,
    #[serde(default, rename = "hasInstallScript")]
    has_install_script: Option<Value>,
    #[serde(default)]
    gypfile: Option<Value>,
}

/// Checks the rules of `validate-npm-package-name` that keep a name
/// URL-safe: at most 214 characters, `name` or `@scope/name`, each part of
/// `A-Z a-z 0-9 - . _ ~` and not starting with `.` or `_`.
pub(super) fn validate_name(name: &str) -> Result<(), &'static str> {
    if name.len() > 214 {
        return Err("longer than 214 characters");
    }
    let bare = match name.strip_prefix('@') {
        Some(scoped) => {
            let Some((scope, bare)) = scoped.split_once('/') else {
                return Err("a scoped name is @scope/name");
            };
            check_part(scope)?;
            bare
        }
        None => name,
    };
    check_part(bare)?;
    if bare.starts_with(['.', '_']) {
        return Err("starts with . or _");
    }
    Ok(())
}

fn check_part(part: &str) -> Result<(), &'static str> {
    if part.is_empty() {
        return Err("empty scope or name");
    }
    if !part
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        return Err("only A-Z a-z 0-9 - . _ ~ are URL-safe");
    }
    Ok(())
}

/// The packument URL: `{base}/{name}`, with a scope's `/` encoded as
/// `%2f` (`@types%2fnode`), as the npm CLI requests it.
pub(super) fn url(base: &str, name: &str) -> String {
    format!("{base}/{}", name.replacen('/', "%2f", 1))
}

/// Looks `name` up on the npm registry at `base`.
pub(super) fn facts(
    client: &mut Client<'_>,
    base: &str,
    name: &str,
    requested: Option<&str>,
) -> Result<PackageFacts, RegistryError> {
    client.facts(url(base, name), Ecosystem::Npm, name, |body, at| {
        parse(body, name, requested, at)
    })
}

/// Derives the facts from a packument body.
pub(super) fn parse(
    body: &[u8],
    name: &str,
    requested: Option<&str>,
    fetched_at: SystemTime,
) -> Result<PackageFacts, String> {
    let doc: Packument = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let name = doc.name.unwrap_or_else(|| name.to_owned());
    if doc.versions.is_empty() {
        // Never published, or every version unpublished (the document then
        // keeps only `time.unpublished`).
        return Ok(PackageFacts::absent(Ecosystem::Npm, &name, fetched_at));
    }
    let time_of = |key: &str| {
        doc.time
            .get(key)
            .and_then(Value::as_str)
            .and_then(parse_time)
    };
    let first_published = doc
        .versions
        .keys()
        .filter_map(|v| time_of(v))
        .min()
        .or_else(|| time_of("created"));

    let tag = |t: &str| doc.dist_tags.get(t).and_then(Value::as_str);
    let (chosen, resolution) = match requested {
        None | Some("latest" | "*" | "") => (tag("latest").map(str::to_owned), Resolution::Latest),
        Some(req) => {
            let plain = req.trim_start_matches('=').trim();
            let plain = match plain.strip_prefix('v') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
                _ => plain,
            };
            if doc.versions.contains_key(plain) {
                (Some(plain.to_owned()), Resolution::Exact)
            } else if let Some(v) = tag(req) {
                (Some(v.to_owned()), Resolution::Tag(req.to_owned()))
            } else if version::looks_exact(plain, 3) {
                return Ok(PackageFacts::version_missing(
                    Ecosystem::Npm,
                    &name,
                    fetched_at,
                    first_published,
                    plain,
                ));
            } else {
                (tag("latest").map(str::to_owned), Resolution::Latest)
            }
        }
    };
    // A document without dist-tags.latest: fall back to the highest version.
    let chosen = chosen
        .filter(|v| doc.versions.contains_key(v))
        .or_else(|| version::newest(doc.versions.keys().map(String::as_str)).map(str::to_owned));
    let version = chosen.and_then(|v| {
        let manifest = doc.versions.get(&v)?;
        Some(VersionFacts {
            published: time_of(&v),
            install_scripts: install_scripts(manifest),
            deprecated: match &manifest.deprecated {
                Some(Value::String(msg)) if !msg.is_empty() => Some(msg.clone()),
                _ => None,
            },
            yanked: false,
            version: v,
            resolution: resolution.clone(),
        })
    });
    Ok(PackageFacts {
        ecosystem: Ecosystem::Npm,
        name,
        exists: true,
        first_published,
        version,
        missing_version: None,
        fetched_at,
        from_cache: false,
    })
}

/// The install-time scripts of one version manifest: the named lifecycle
/// scripts, the implicit `node-gyp rebuild` of a package with a
/// `binding.gyp` and no install script of its own (`gypfile: true`), or
/// `hasInstallScript: true` without names (abbreviated documents).
fn install_scripts(manifest: &Manifest) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    if let Some(Value::Object(scripts)) = &manifest.scripts {
        for key in INSTALL_SCRIPTS {
            if let Some(cmd) = scripts.get(key) {
                let cmd = cmd.as_str().map_or_else(|| cmd.to_string(), str::to_owned);
                found.insert(key.to_owned(), cmd);
            }
        }
    }
    let gyp = matches!(manifest.gypfile, Some(Value::Bool(true)));
    if gyp && !found.contains_key("install") && !found.contains_key("preinstall") {
        found.insert("install".into(), "node-gyp rebuild".into());
    }
    if found.is_empty() && matches!(manifest.has_install_script, Some(Value::Bool(true))) {
        found.insert("install".into(), String::new());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn names() {
        for ok in ["left-pad", "@types/node", "JSONStream", "a.b_c~d"] {
            assert_eq!(validate_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "@types", "@/x", "@types/", "a/b", ".hidden", "_x", "@s/.x", "a%2f..", "a?b",
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        assert_eq!(url("http://r", "@types/node"), "http://r/@types%2fnode");
    }

    #[test]
    fn scripts_from_manifest() {
        let m: Manifest = serde_json::from_str(
            r#"{"scripts":{"test":"jest","postinstall":"node x.js","preinstall":7}}"#,
        )
        .unwrap();
        let got: Vec<(String, String)> = install_scripts(&m).into_iter().collect();
        assert_eq!(
            got,
            vec![
                ("postinstall".into(), "node x.js".into()),
                ("preinstall".into(), "7".into())
            ]
        );
        let m: Manifest = serde_json::from_str(r#"{"gypfile":true}"#).unwrap();
        assert_eq!(
            install_scripts(&m).get("install").map(String::as_str),
            Some("node-gyp rebuild")
        );
        let m: Manifest = serde_json::from_str(r#"{"hasInstallScript":true}"#).unwrap();
        assert_eq!(
            install_scripts(&m).get("install").map(String::as_str),
            Some("")
        );
    }
}
