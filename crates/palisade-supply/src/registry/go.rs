//! Go: the module proxy protocol (<https://go.dev/ref/mod#goproxy-protocol>).
//!
//! - `GET {base}/{module}/@latest` and `GET {base}/{module}/@v/{version}.info`
//!   answer `{"Version": "v1.2.3", "Time": "2019-08-23T18:09:17Z"}`;
//! - `GET {base}/{module}/@v/list` lists tagged versions, one a line.
//!
//! Paths and versions are case-encoded (`!` before a lowered capital).
//! `go get` and `go install` take package paths, which may lie below the
//! module root (`golang.org/x/tools/cmd/goimports`), so the path and up to
//! three of its parents are tried, longest first, as `go get` does. The
//! first publish time is that of the lowest tagged version. Retractions
//! (`retract` in go.mod) are not read.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;

use super::http::{Client, Fetched};
use super::{parse_time, version, PackageFacts, RegistryError, Resolution, VersionFacts};
use crate::Ecosystem;

/// How many path prefixes are tried, the full path included.
const MAX_CANDIDATES: usize = 4;

#[derive(Deserialize)]
struct Info {
    #[serde(rename = "Version")]
    version: String,
    #[serde(rename = "Time", default)]
    time: Option<String>,
}

/// Checks a module or package path: `/`-separated non-empty elements of
/// ASCII letters, digits and `-._~`, none of them `.` or `..`
/// (<https://go.dev/ref/mod#go-mod-file-ident>).
pub(super) fn validate_path(path: &str) -> Result<(), &'static str> {
    for element in path.split('/') {
        if element.is_empty() {
            return Err("empty path element");
        }
        if element == "." || element == ".." {
            return Err("`.` or `..` path element");
        }
        if !element
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        {
            return Err("only A-Z a-z 0-9 - . _ ~ / are allowed");
        }
    }
    Ok(())
}

/// Case-encodes a path or version for the proxy: each capital letter
/// becomes `!` and its lower case (`github.com/Azure` →
/// `github.com/!azure`).
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Looks the package or module `path` up on the proxy at `base`.
pub(super) fn facts(
    client: &mut Client<'_>,
    base: &str,
    path: &str,
    requested: Option<&str>,
) -> Result<PackageFacts, RegistryError> {
    let fetched_at = SystemTime::now();
    let exact = requested
        .filter(|v| v.starts_with('v') && version::looks_exact(v, 3))
        .map(str::to_owned);
    let elements: Vec<&str> = path.split('/').collect();
    let shortest = elements.len().saturating_sub(MAX_CANDIDATES - 1).max(1);
    for len in (shortest..=elements.len()).rev() {
        let module = elements[..len].join("/");
        let root = format!("{base}/{}", escape(&module));
        let (info, resolution, missing) = match &exact {
            Some(v) => match info(client, &format!("{root}/@v/{}.info", escape(v)))? {
                Some(info) => (Some(info), Resolution::Exact, None),
                None => match info(client, &format!("{root}/@latest"))? {
                    // The module exists, without this version.
                    Some(_) => (None, Resolution::Exact, Some(v.clone())),
                    None => continue,
                },
            },
            None => match info(client, &format!("{root}/@latest"))? {
                Some(info) => (Some(info), Resolution::Latest, None),
                None => continue,
            },
        };
        let first_published = first_published(client, &root, info.as_ref())?;
        return Ok(PackageFacts {
            ecosystem: Ecosystem::Go,
            name: module,
            exists: true,
            first_published,
            version: info.map(|info| VersionFacts {
                published: info.time.as_deref().and_then(parse_time),
                version: info.version,
                resolution,
                install_scripts: BTreeMap::new(),
                deprecated: None,
                yanked: false,
            }),
            missing_version: missing,
            fetched_at,
            from_cache: false,
        });
    }
    Ok(PackageFacts::absent(Ecosystem::Go, path, fetched_at))
}

/// GETs a `.info` document; `None` when the proxy has no such module or
/// version.
fn info(client: &mut Client<'_>, url: &str) -> Result<Option<Info>, RegistryError> {
    match client.get(url)? {
        Fetched::NotFound => Ok(None),
        Fetched::Body(body) => {
            serde_json::from_slice(&body)
                .map(Some)
                .map_err(|e| RegistryError::BadResponse {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })
        }
    }
}

/// The publish time of the lowest tagged version in `@v/list`; `None`
/// when the module has no tagged versions.
fn first_published(
    client: &mut Client<'_>,
    root: &str,
    known: Option<&Info>,
) -> Result<Option<SystemTime>, RegistryError> {
    let url = format!("{root}/@v/list");
    let listing = match client.get(&url)? {
        Fetched::NotFound => return Ok(None),
        Fetched::Body(body) => String::from_utf8(body).map_err(|e| RegistryError::BadResponse {
            url: url.clone(),
            reason: e.to_string(),
        })?,
    };
    let Some(oldest) = version::oldest(listing.split_whitespace()) else {
        return Ok(None);
    };
    if let Some(known) = known.filter(|k| k.version == oldest) {
        return Ok(known.time.as_deref().and_then(parse_time));
    }
    let info = info(client, &format!("{root}/@v/{}.info", escape(oldest)))?;
    Ok(info.and_then(|i| i.time.as_deref().and_then(parse_time)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn paths() {
        assert_eq!(
            escape("github.com/Azure/azure-sdk-for-go"),
            "github.com/!azure/azure-sdk-for-go"
        );
        for ok in [
            "golang.org/x/tools/cmd/goimports",
            "gopkg.in/yaml.v3",
            "rsc.io/quote",
        ] {
            assert_eq!(validate_path(ok), Ok(()), "{ok}");
        }
        for bad in ["/x", "x/", "a//b", "a/../b", "a/./b", "a/b?c", "a\\b"] {
            assert!(validate_path(bad).is_err(), "{bad}");
        }
    }
}
