//! Registry facts: does a package exist, when was it (and this version)
//! first published, does this version run install scripts, is it
//! deprecated or yanked.
//!
//! The facts come from each registry's public JSON metadata over HTTPS,
//! one look-up per package, with a total deadline
//! ([`RegistryConfig::timeout`]) and a small on-disk cache so that the
//! hook, a short-lived process, pays for the network at most once per
//! package and TTL. The registry base URLs are configurable, so tests (and
//! mirrors) point them elsewhere.
//!
//! | ecosystem | endpoint | source |
//! | --- | --- | --- |
//! | npm | `GET {npm}/{name}` (full packument; `@scope%2fname`) | <https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md>, <https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md> |
//! | PyPI | `GET {pypi}/pypi/{name}/json` | <https://docs.pypi.org/api/json/> |
//! | crates.io | `GET {crates_index}/{prefix}/{name}` (sparse index, one JSON line per version) | <https://doc.rust-lang.org/cargo/reference/registry-index.html> |
//! | RubyGems | `GET {rubygems}/api/v1/versions/{name}.json` | <https://guides.rubygems.org/rubygems-org-api/> |
//! | Go | `GET {go_proxy}/{module}/@latest`, `@v/{version}.info`, `@v/list` | <https://go.dev/ref/mod#goproxy-protocol> |
//!
//! ```no_run
//! use palisade_supply::registry::{facts, too_new, RegistryConfig, DEFAULT_MIN_AGE};
//! use palisade_supply::{Ecosystem, Install, Source};
//! use std::time::SystemTime;
//!
//! let install = Install {
//!     ecosystem: Ecosystem::Npm,
//!     name: "left-pad".into(),
//!     version: None,
//!     source: Source::Registry { index: None },
//! };
//! let facts = facts(&install, &RegistryConfig::default())?;
//! if !facts.exists {
//!     println!("left-pad is not on the registry");
//! } else if let Some(young) = too_new(&facts, SystemTime::now(), DEFAULT_MIN_AGE) {
//!     println!("too new: {young:?}");
//! }
//! # Ok::<(), palisade_supply::registry::RegistryError>(())
//! ```

mod cache;
mod crates;
mod go;
mod http;
mod npm;
mod pypi;
mod rubygems;
mod version;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::{Ecosystem, Install, Source};

/// The minimum age the gate asks for by default: 7 days (issue #7).
pub const DEFAULT_MIN_AGE: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Where and how registry facts are looked up.
///
/// Base URLs have no trailing slash requirement (one is trimmed); they may
/// carry a path prefix (`http://127.0.0.1:8080/npm`). Plain `http://` is
/// accepted so that tests can use a mock on 127.0.0.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryConfig {
    /// npm registry; default `https://registry.npmjs.org`.
    pub npm: String,
    /// PyPI (the JSON API host, not the simple index); default
    /// `https://pypi.org`.
    pub pypi: String,
    /// crates.io's sparse index, as cargo reads it; default
    /// `https://index.crates.io`. The crates.io web API was not chosen: it
    /// is rate-limited to one request a second and needs a User-Agent,
    /// while the index is a static, CDN-served file with `yanked` and
    /// `pubtime` for every version.
    pub crates_index: String,
    /// RubyGems; default `https://rubygems.org`.
    pub rubygems: String,
    /// Go module proxy; default `https://proxy.golang.org`.
    pub go_proxy: String,
    /// Total time for one [`facts`] call over the network, all requests
    /// included; default 1.5 s.
    pub timeout: Duration,
    /// The on-disk cache; `None` turns caching off. Default
    /// `$XDG_CACHE_HOME/palisade/registry`, else
    /// `$HOME/.cache/palisade/registry`, else `None`.
    pub cache_dir: Option<PathBuf>,
    /// How long facts about a package that exists stay fresh; default 1 h.
    pub cache_ttl: Duration,
    /// How long "does not exist" stays fresh; default 5 min, shorter than
    /// [`cache_ttl`](Self::cache_ttl) because a hallucinated name can be
    /// registered by an attacker at any moment.
    pub negative_cache_ttl: Duration,
    /// Never use the network: answer from the cache whatever its age, or
    /// fail with [`RegistryError::Offline`].
    pub offline: bool,
    /// The `User-Agent` header sent with every request.
    pub user_agent: String,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        RegistryConfig {
            npm: "https://registry.npmjs.org".into(),
            pypi: "https://pypi.org".into(),
            crates_index: "https://index.crates.io".into(),
            rubygems: "https://rubygems.org".into(),
            go_proxy: "https://proxy.golang.org".into(),
            timeout: Duration::from_millis(1500),
            cache_dir: default_cache_dir(),
            cache_ttl: Duration::from_secs(60 * 60),
            negative_cache_ttl: Duration::from_secs(5 * 60),
            offline: false,
            user_agent: concat!(
                "palisade/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/palisade-sec/palisade)"
            )
            .into(),
        }
    }
}

impl RegistryConfig {
    /// A configuration whose five registries all live under one base URL,
    /// at `{base}/npm`, `{base}/pypi`, `{base}/crates`, `{base}/rubygems`
    /// and `{base}/go`: the layout of the test suite's mock registry.
    pub fn under(base: &str) -> Self {
        let base = base.trim_end_matches('/');
        RegistryConfig {
            npm: format!("{base}/npm"),
            pypi: format!("{base}/pypi"),
            crates_index: format!("{base}/crates"),
            rubygems: format!("{base}/rubygems"),
            go_proxy: format!("{base}/go"),
            ..RegistryConfig::default()
        }
    }

    /// The base URL configured for `ecosystem`, without a trailing slash.
    pub fn base_url(&self, ecosystem: Ecosystem) -> &str {
        let url = match ecosystem {
            Ecosystem::Npm => &self.npm,
            Ecosystem::PyPI => &self.pypi,
            Ecosystem::CratesIo => &self.crates_index,
            Ecosystem::RubyGems => &self.rubygems,
            Ecosystem::Go => &self.go_proxy,
        };
        url.trim_end_matches('/')
    }
}

fn default_cache_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?).join(".cache"),
    };
    Some(base.join("palisade").join("registry"))
}

/// What the registry says about one package and the version that would be
/// installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageFacts {
    /// The ecosystem asked about.
    pub ecosystem: Ecosystem,
    /// The package name as the registry knows it (Go: the module path that
    /// answered, which may be a prefix of the package path asked about;
    /// crates.io: the `-`/`_` spelling that exists; PyPI: as written).
    pub name: String,
    /// The package exists and has at least one installable version. False
    /// for a name the registry does not know, and for npm packages whose
    /// every version was unpublished and PyPI projects without files.
    pub exists: bool,
    /// When the oldest version still listed was published. `None` when
    /// the package does not exist or the registry does not say (crates.io
    /// entries from before the index carried `pubtime`, Go modules with
    /// only pseudo-versions).
    pub first_published: Option<SystemTime>,
    /// The version that would be installed; `None` when the package does
    /// not exist or the exact version asked for is not published (then
    /// [`missing_version`](Self::missing_version) is set).
    pub version: Option<VersionFacts>,
    /// The exact version asked for, when the registry does not have it.
    pub missing_version: Option<String>,
    /// When these facts were fetched from the registry.
    pub fetched_at: SystemTime,
    /// True when this answer came from the on-disk cache.
    #[serde(skip)]
    pub from_cache: bool,
}

impl PackageFacts {
    /// Facts for a package the registry does not have.
    pub(super) fn absent(ecosystem: Ecosystem, name: &str, fetched_at: SystemTime) -> Self {
        PackageFacts {
            ecosystem,
            name: name.to_owned(),
            exists: false,
            first_published: None,
            version: None,
            missing_version: None,
            fetched_at,
            from_cache: false,
        }
    }

    /// Facts for a package the registry has, without the exact `version`
    /// asked for (a hallucinated or yanked version).
    fn version_missing(
        ecosystem: Ecosystem,
        name: &str,
        fetched_at: SystemTime,
        first_published: Option<SystemTime>,
        version: &str,
    ) -> Self {
        PackageFacts {
            exists: true,
            first_published,
            missing_version: Some(version.to_owned()),
            ..PackageFacts::absent(ecosystem, name, fetched_at)
        }
    }
}

/// Facts about the resolved version of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionFacts {
    /// The version string as the registry spells it.
    pub version: String,
    /// How it was chosen from what the install asked for.
    pub resolution: Resolution,
    /// When this version was published (the earliest file upload on PyPI);
    /// `None` when the registry does not say.
    pub published: Option<SystemTime>,
    /// npm lifecycle scripts that run on install (`preinstall`, `install`,
    /// `postinstall`, and the implicit `node-gyp rebuild` of a package with
    /// a `binding.gyp`), name to command. A command of `""` means the
    /// registry flags install scripts (`hasInstallScript`) without naming
    /// them. Always empty for other ecosystems, whose build-time code
    /// (`build.rs`, `setup.py`, gem extensions) the metadata does not show.
    pub install_scripts: BTreeMap<String, String>,
    /// The deprecation message, when the registry marks the version
    /// deprecated (npm).
    pub deprecated: Option<String>,
    /// The version is yanked (PyPI: every file of the release; crates.io:
    /// the index entry). RubyGems drops yanked versions from its listing, so
    /// they show as [`PackageFacts::missing_version`]; Go retractions are
    /// not read.
    pub yanked: bool,
}

/// How the version in [`VersionFacts`] was chosen.
///
/// Version ranges are not evaluated: a range resolves to the registry's
/// latest version, which is what a fresh install of a caret or
/// greater-than range usually picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The install named this exact version.
    Exact,
    /// The install named an npm dist-tag (`next`, `beta`).
    Tag(String),
    /// No version, `latest`, or a range: the registry's latest version (npm
    /// `dist-tags.latest`, PyPI `info.version`, Go `@latest`, the highest
    /// non-prerelease version on crates.io and RubyGems).
    Latest,
}

/// Why registry facts could not be had.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The registry could not be reached (DNS, refused connection, TLS,
    /// proxy) or answered with a server error or rate limit (5xx, 429).
    #[error("{url}: registry unreachable: {reason}")]
    Unreachable {
        /// The URL requested.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The registry did not answer within [`RegistryConfig::timeout`].
    #[error("{url}: no answer from the registry within {} ms", timeout.as_millis())]
    Timeout {
        /// The URL requested.
        url: String,
        /// The configured total timeout.
        timeout: Duration,
    },
    /// The registry answered with something other than the documented
    /// metadata: malformed JSON, a missing field, an unexpected status.
    #[error("{url}: unexpected registry response: {reason}")]
    BadResponse {
        /// The URL requested.
        url: String,
        /// What was wrong with it.
        reason: String,
    },
    /// [`RegistryConfig::offline`] is set and the cache has no entry.
    #[error("offline, and no cached registry facts for {ecosystem} package `{name}`")]
    Offline {
        /// The ecosystem (OSV name).
        ecosystem: &'static str,
        /// The package name.
        name: String,
    },
    /// The install does not come from the default registry (a URL, VCS,
    /// path, or another index): the default registry's facts would not
    /// describe it, and a missing name there says nothing.
    #[error("not looked up on the registry: {reason}")]
    NotApplicable {
        /// Why.
        reason: String,
    },
    /// The name cannot be a package name in this ecosystem (empty,
    /// whitespace or control characters, too long, characters the
    /// ecosystem forbids); no request was made.
    #[error("`{name}` is not a valid {ecosystem} package name: {reason}")]
    InvalidName {
        /// The ecosystem (OSV name).
        ecosystem: &'static str,
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Looks up what the registry says about `install`.
///
/// Answers from the cache when it holds a fresh entry for this registry,
/// name and requested version (a warm look-up reads one small JSON file);
/// otherwise asks the registry (one request; crates.io up to three for
/// the `-`/`_` spellings; Go up to ten for path prefixes, all within
/// [`RegistryConfig::timeout`]) and caches the answer. A package the
/// registry does not know is a fact, not an error: `Ok` with
/// `exists: false`, cached for [`RegistryConfig::negative_cache_ttl`].
/// Cache failures are never errors: an unreadable or corrupt entry is a
/// miss and is rewritten.
///
/// # Errors
/// - [`RegistryError::Unreachable`] / [`RegistryError::Timeout`]: the
///   registry is down or slow; the gate answers per policy.
/// - [`RegistryError::BadResponse`]: the registry answered nonsense.
/// - [`RegistryError::Offline`]: offline and not cached.
/// - [`RegistryError::NotApplicable`]: the source is not the default
///   registry.
/// - [`RegistryError::InvalidName`]: the name cannot exist.
pub fn facts(install: &Install, config: &RegistryConfig) -> Result<PackageFacts, RegistryError> {
    match &install.source {
        Source::Registry { index: None } => {}
        Source::Registry { index: Some(index) } => {
            return Err(RegistryError::NotApplicable {
                reason: format!("the install names another index, {index}"),
            })
        }
        Source::Url { .. } | Source::Vcs { .. } | Source::Path { .. } => {
            return Err(RegistryError::NotApplicable {
                reason: "the install does not come from a registry".into(),
            })
        }
    }
    validate_name(install.ecosystem, &install.name)?;
    let base = config.base_url(install.ecosystem);
    let requested = install
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let key = cache::Key {
        ecosystem: install.ecosystem,
        name: &install.name,
        base,
        requested,
    };
    if let Some(dir) = &config.cache_dir {
        let max_age = (!config.offline).then_some((config.cache_ttl, config.negative_cache_ttl));
        if let Some(mut hit) = cache::read(dir, &key, SystemTime::now(), max_age) {
            hit.from_cache = true;
            return Ok(hit);
        }
    }
    if config.offline {
        return Err(RegistryError::Offline {
            ecosystem: install.ecosystem.osv_name(),
            name: install.name.clone(),
        });
    }
    let mut client = http::Client::new(config, Instant::now());
    let facts = match install.ecosystem {
        Ecosystem::Npm => npm::facts(&mut client, base, &install.name, requested)?,
        Ecosystem::PyPI => pypi::facts(&mut client, base, &install.name, requested)?,
        Ecosystem::CratesIo => crates::facts(&mut client, base, &install.name, requested)?,
        Ecosystem::RubyGems => rubygems::facts(&mut client, base, &install.name, requested)?,
        Ecosystem::Go => go::facts(&mut client, base, &install.name, requested)?,
    };
    if let Some(dir) = &config.cache_dir {
        cache::write(dir, &key, &facts);
    }
    Ok(facts)
}

/// Rejects names that no registry of `ecosystem` can hold, before any
/// request is built from them.
fn validate_name(ecosystem: Ecosystem, name: &str) -> Result<(), RegistryError> {
    let invalid = |reason: &str| RegistryError::InvalidName {
        ecosystem: ecosystem.osv_name(),
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    if name.is_empty() {
        return Err(invalid("empty"));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("contains whitespace or control characters"));
    }
    // npm allows 214 characters; Go module paths are the longest names.
    if name.len() > 512 {
        return Err(invalid("longer than 512 bytes"));
    }
    match ecosystem {
        Ecosystem::Npm => npm::validate_name(name).map_err(invalid),
        Ecosystem::PyPI => pypi::validate_name(name).map_err(invalid),
        Ecosystem::CratesIo => crates::validate_name(name).map_err(invalid),
        Ecosystem::RubyGems => rubygems::validate_name(name).map_err(invalid),
        Ecosystem::Go => go::validate_path(name).map_err(invalid),
    }
}

/// What is younger than the minimum age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Young {
    /// The package itself: its oldest listed version.
    Package,
    /// The version that would be installed.
    Version,
}

/// A package or version younger than the policy's minimum age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooNew {
    /// Which publish time is too recent.
    pub what: Young,
    /// When it was published.
    pub published: SystemTime,
    /// Its age at `now` (zero when the registry's time is in the future).
    pub age: Duration,
    /// The minimum age it was held to.
    pub min_age: Duration,
}

/// Says whether the package, or else the version to be installed, was
/// published less than `min_age` before `now` (issue #7: default
/// [`DEFAULT_MIN_AGE`], 7 days).
///
/// The package's first publish is checked first: a brand-new package is
/// the stronger signal. Unknown publish times are not "too new". A publish
/// time after `now` (clock skew) counts as age zero.
pub fn too_new(facts: &PackageFacts, now: SystemTime, min_age: Duration) -> Option<TooNew> {
    let check = |what, published: Option<SystemTime>| {
        let published = published?;
        let age = now.duration_since(published).unwrap_or(Duration::ZERO);
        (age < min_age).then_some(TooNew {
            what,
            published,
            age,
            min_age,
        })
    };
    if !facts.exists {
        return None;
    }
    check(Young::Package, facts.first_published).or_else(|| {
        check(
            Young::Version,
            facts.version.as_ref().and_then(|v| v.published),
        )
    })
}

/// Parses an RFC 3339 timestamp as the registries write them
/// (`2010-12-29T19:38:25.450Z`, `2025-11-17T18:28:56.206000+00:00`).
fn parse_time(text: &str) -> Option<SystemTime> {
    let ts: jiff::Timestamp = text.trim().parse().ok()?;
    Some(SystemTime::from(ts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use proptest::prelude::*;
    use serde_json::json;

    /// Runs every ecosystem's parser on `body`; none may panic.
    fn parse_all(body: &[u8], requested: Option<&str>) {
        let now = SystemTime::now();
        let _ = npm::parse(body, "x", requested, now);
        let _ = pypi::parse(body, "x", requested, now);
        let _ = crates::parse(body, "x", requested, now);
        let _ = rubygems::parse(body, "x", requested, now);
    }

    proptest! {
        #[test]
        fn parsers_never_panic_on_text(body in "\\PC{0,300}", requested in proptest::option::of("\\PC{0,12}")) {
            parse_all(body.as_bytes(), requested.as_deref());
        }

        #[test]
        fn parsers_never_panic_on_registry_shaped_json(
            entries in proptest::collection::vec(("[0-9a-z.+!-]{0,12}", "[0-9TZ:.+-]{0,30}", any::<bool>()), 0..6),
            requested in proptest::option::of("[0-9a-z.=<>^~*+-]{0,10}"),
        ) {
            let mut versions = serde_json::Map::new();
            let mut time = serde_json::Map::new();
            let mut releases = serde_json::Map::new();
            let mut index = String::new();
            let mut gems = Vec::new();
            for (v, t, flag) in &entries {
                versions.insert(v.clone(), json!({"scripts": {"install": t}, "gypfile": flag, "deprecated": t}));
                time.insert(v.clone(), json!(t));
                releases.insert(v.clone(), json!([{"upload_time_iso_8601": t, "yanked": flag}]));
                index.push_str(&json!({"name": "x", "vers": v, "yanked": flag, "pubtime": t}).to_string());
                index.push('\n');
                gems.push(json!({"number": v, "created_at": t, "prerelease": flag}));
            }
            let latest = entries.first().map(|e| e.0.clone());
            let npm_doc = json!({"dist-tags": {"latest": latest}, "versions": versions, "time": time});
            let pypi_doc = json!({"info": {"version": latest}, "releases": releases});
            parse_all(npm_doc.to_string().as_bytes(), requested.as_deref());
            parse_all(pypi_doc.to_string().as_bytes(), requested.as_deref());
            parse_all(index.as_bytes(), requested.as_deref());
            parse_all(json!(gems).to_string().as_bytes(), requested.as_deref());
        }
    }

    fn facts_at(first: Option<u64>, version: Option<u64>) -> PackageFacts {
        let t = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        PackageFacts {
            ecosystem: Ecosystem::Npm,
            name: "x".into(),
            exists: true,
            first_published: first.map(t),
            version: Some(VersionFacts {
                version: "1.0.0".into(),
                resolution: Resolution::Latest,
                published: version.map(t),
                install_scripts: BTreeMap::new(),
                deprecated: None,
                yanked: false,
            }),
            missing_version: None,
            fetched_at: t(0),
            from_cache: false,
        }
    }

    #[test]
    fn too_new_checks_package_then_version() {
        let day = 86_400;
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(100 * day);
        let old = facts_at(Some(day), Some(2 * day));
        assert_eq!(too_new(&old, now, DEFAULT_MIN_AGE), None);

        let young_pkg = facts_at(Some(99 * day), Some(99 * day));
        let t = too_new(&young_pkg, now, DEFAULT_MIN_AGE).map(|t| (t.what, t.age));
        assert_eq!(t, Some((Young::Package, Duration::from_secs(day))));

        let young_version = facts_at(Some(day), Some(97 * day));
        let t = too_new(&young_version, now, DEFAULT_MIN_AGE).map(|t| (t.what, t.age));
        assert_eq!(t, Some((Young::Version, Duration::from_secs(3 * day))));
        // 72 h policy: three days is old enough.
        assert_eq!(
            too_new(&young_version, now, Duration::from_secs(3 * day)),
            None
        );

        let unknown = facts_at(None, None);
        assert_eq!(too_new(&unknown, now, DEFAULT_MIN_AGE), None);

        let future = facts_at(Some(200 * day), None);
        let t = too_new(&future, now, DEFAULT_MIN_AGE).map(|t| (t.what, t.age));
        assert_eq!(t, Some((Young::Package, Duration::ZERO)));
    }

    #[test]
    fn parses_registry_timestamps() {
        let cases = [
            ("2010-12-29T19:38:25.450Z", Some(1_293_651_505)),
            ("2025-11-17T18:28:56.206000+00:00", Some(1_763_404_136)),
            ("2019-08-23T18:09:17Z", Some(1_566_583_757)),
            ("2019-08-23T20:09:17+02:00", Some(1_566_583_757)),
            ("2026-05-14T19:25:26", None),
            ("yesterday", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = parse_time(text).and_then(|t| {
                t.duration_since(SystemTime::UNIX_EPOCH)
                    .ok()
                    .map(|d| d.as_secs())
            });
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn non_registry_sources_are_not_looked_up() {
        let config = RegistryConfig {
            cache_dir: None,
            ..RegistryConfig::under("http://127.0.0.1:9")
        };
        for source in [
            Source::Registry {
                index: Some("https://npm.internal".into()),
            },
            Source::Url {
                url: "https://x.test/a.tgz".into(),
            },
            Source::Path { path: "./a".into() },
        ] {
            let install = Install {
                ecosystem: Ecosystem::Npm,
                name: "a".into(),
                version: None,
                source,
            };
            assert!(matches!(
                facts(&install, &config),
                Err(RegistryError::NotApplicable { .. })
            ));
        }
    }

    #[test]
    fn invalid_names_make_no_request() {
        let cases = [
            (Ecosystem::Npm, ""),
            (Ecosystem::Npm, "a b"),
            (Ecosystem::Npm, "../etc/passwd"),
            (Ecosystem::Npm, "@scope"),
            (Ecosystem::PyPI, "a/b"),
            (Ecosystem::CratesIo, "serde/../x"),
            (Ecosystem::RubyGems, "rails?x=1"),
            (Ecosystem::Go, "/abs/path"),
            (Ecosystem::Go, "example.com/../x"),
        ];
        let config = RegistryConfig {
            cache_dir: None,
            ..RegistryConfig::under("http://127.0.0.1:9")
        };
        for (ecosystem, name) in cases {
            let install = Install {
                ecosystem,
                name: name.into(),
                version: None,
                source: Source::Registry { index: None },
            };
            assert!(
                matches!(
                    facts(&install, &config),
                    Err(RegistryError::InvalidName { .. })
                ),
                "{ecosystem:?} {name}"
            );
        }
    }
}
