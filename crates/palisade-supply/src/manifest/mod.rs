//! Manifests and lockfiles: which file is which, what it installs, and
//! what a change to it adds.
//!
//! The gate runs [`diff`] on every `Write`/`Edit` of a manifest or lockfile
//! and checks only what the change adds or changes; `palisade scan` runs
//! [`parse`] on every such file in a tree.
//!
//! ```
//! use palisade_supply::manifest::{diff, kind_of, ChangeReason, ManifestKind};
//! use std::path::Path;
//!
//! let kind = kind_of(Path::new("app/requirements-dev.txt")).unwrap();
//! assert_eq!(kind, ManifestKind::Requirements);
//! let old = "requests==2.31.0\nflask\n";
//! let new = "requests==2.32.0\nflask\nreqests\n";
//! let d = diff(kind, Some(old), new).unwrap();
//! // flask is unchanged: only the new version and the new package count.
//! assert_eq!(d.changes.len(), 2);
//! assert_eq!(d.changes[0].dependency.install.name, "requests");
//! assert_eq!(
//!     d.changes[0].reasons,
//!     vec![ChangeReason::Version { from: Some("==2.31.0".into()) }]
//! );
//! assert_eq!(d.changes[1].dependency.install.name, "reqests");
//! assert_eq!(d.changes[1].reasons, vec![ChangeReason::Added]);
//! ```

mod cargo;
mod change;
mod error;
mod gomod;
mod locate;
mod npm;
mod pnpm;
mod pylock;
mod pyproject;
mod requirements;
mod yaml;
mod yarn;

pub use change::{diff, Change, ChangeReason, Diff};
pub use error::ManifestError;
pub use locate::locate;

use crate::{Ecosystem, Install, Source};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// A kind of manifest or lockfile, recognised by its file name
/// ([`kind_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestKind {
    /// npm's `package.json` (<https://docs.npmjs.com/cli/configuring-npm/package-json>).
    PackageJson,
    /// npm's `package-lock.json` or `npm-shrinkwrap.json`, lockfile versions
    /// 1, 2 and 3 (<https://docs.npmjs.com/cli/configuring-npm/package-lock-json>).
    PackageLock,
    /// `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x.
    PnpmLock,
    /// `yarn.lock`: yarn classic's own format (v1) or yarn berry's YAML
    /// (told apart by berry's `__metadata` entry).
    YarnLock,
    /// pip requirements files: `requirements*.txt`, `requirements*.in` and
    /// any `.txt` in a `requirements/` directory
    /// (<https://pip.pypa.io/en/stable/reference/requirements-file-format/>).
    Requirements,
    /// `pyproject.toml`: PEP 621 `[project]`, PEP 735 `[dependency-groups]`,
    /// `[build-system]`, Poetry's `[tool.poetry]` and uv's `[tool.uv]`.
    Pyproject,
    /// uv's `uv.lock`.
    UvLock,
    /// Poetry's `poetry.lock`.
    PoetryLock,
    /// Cargo's `Cargo.toml` (<https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html>).
    CargoToml,
    /// Cargo's `Cargo.lock`, versions 1 to 4.
    CargoLock,
    /// Go's `go.mod` (<https://go.dev/ref/mod#go-mod-file>).
    GoMod,
}

impl ManifestKind {
    /// Every kind, in a stable order.
    pub const ALL: [ManifestKind; 11] = [
        ManifestKind::PackageJson,
        ManifestKind::PackageLock,
        ManifestKind::PnpmLock,
        ManifestKind::YarnLock,
        ManifestKind::Requirements,
        ManifestKind::Pyproject,
        ManifestKind::UvLock,
        ManifestKind::PoetryLock,
        ManifestKind::CargoToml,
        ManifestKind::CargoLock,
        ManifestKind::GoMod,
    ];

    /// The canonical file name (`package.json`, `requirements.txt`, …),
    /// used in error messages.
    pub fn file_name(self) -> &'static str {
        match self {
            ManifestKind::PackageJson => "package.json",
            ManifestKind::PackageLock => "package-lock.json",
            ManifestKind::PnpmLock => "pnpm-lock.yaml",
            ManifestKind::YarnLock => "yarn.lock",
            ManifestKind::Requirements => "requirements.txt",
            ManifestKind::Pyproject => "pyproject.toml",
            ManifestKind::UvLock => "uv.lock",
            ManifestKind::PoetryLock => "poetry.lock",
            ManifestKind::CargoToml => "Cargo.toml",
            ManifestKind::CargoLock => "Cargo.lock",
            ManifestKind::GoMod => "go.mod",
        }
    }

    /// The ecosystem whose packages the file lists.
    pub fn ecosystem(self) -> Ecosystem {
        match self {
            ManifestKind::PackageJson
            | ManifestKind::PackageLock
            | ManifestKind::PnpmLock
            | ManifestKind::YarnLock => Ecosystem::Npm,
            ManifestKind::Requirements
            | ManifestKind::Pyproject
            | ManifestKind::UvLock
            | ManifestKind::PoetryLock => Ecosystem::PyPI,
            ManifestKind::CargoToml | ManifestKind::CargoLock => Ecosystem::CratesIo,
            ManifestKind::GoMod => Ecosystem::Go,
        }
    }

    /// Whether the file is a lockfile (exact resolved versions, transitive
    /// dependencies) rather than a manifest (ranges, direct dependencies).
    pub fn is_lockfile(self) -> bool {
        matches!(
            self,
            ManifestKind::PackageLock
                | ManifestKind::PnpmLock
                | ManifestKind::YarnLock
                | ManifestKind::UvLock
                | ManifestKind::PoetryLock
                | ManifestKind::CargoLock
        )
    }
}

impl fmt::Display for ManifestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// Recognises a manifest or lockfile by its file name; `None` for any
/// other file.
///
/// Names are matched exactly (case-sensitively, as the tools do):
/// `package.json`, `package-lock.json`, `npm-shrinkwrap.json`,
/// `pnpm-lock.yaml`, `yarn.lock`, `pyproject.toml`, `uv.lock`,
/// `poetry.lock`, `Cargo.toml`, `Cargo.lock`, `go.mod`. Requirements files
/// are `requirements*.txt` and `requirements*.in` (`requirements.txt`,
/// `requirements-dev.txt`, `requirements_test.in`), and any `*.txt` or
/// `*.in` directly inside a directory named `requirements` (the common
/// `requirements/base.txt` layout).
///
/// ```
/// use palisade_supply::manifest::{kind_of, ManifestKind};
/// use std::path::Path;
/// assert_eq!(kind_of(Path::new("a/Cargo.lock")), Some(ManifestKind::CargoLock));
/// assert_eq!(kind_of(Path::new("requirements/dev.txt")), Some(ManifestKind::Requirements));
/// assert_eq!(kind_of(Path::new("docs/notes.txt")), None);
/// ```
pub fn kind_of(path: &Path) -> Option<ManifestKind> {
    let name = path.file_name()?.to_str()?;
    let kind = match name {
        "package.json" => ManifestKind::PackageJson,
        "package-lock.json" | "npm-shrinkwrap.json" => ManifestKind::PackageLock,
        "pnpm-lock.yaml" => ManifestKind::PnpmLock,
        "yarn.lock" => ManifestKind::YarnLock,
        "pyproject.toml" => ManifestKind::Pyproject,
        "uv.lock" => ManifestKind::UvLock,
        "poetry.lock" => ManifestKind::PoetryLock,
        "Cargo.toml" => ManifestKind::CargoToml,
        "Cargo.lock" => ManifestKind::CargoLock,
        "go.mod" => ManifestKind::GoMod,
        _ => {
            let is_req_ext = name.ends_with(".txt") || name.ends_with(".in");
            let in_req_dir = path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|d| d == "requirements");
            if is_req_ext && (name.starts_with("requirements") || in_req_dir) {
                ManifestKind::Requirements
            } else {
                return None;
            }
        }
    };
    Some(kind)
}

/// What a dependency is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DependencyKind {
    /// Installed to run the package.
    Normal,
    /// Development only: npm `devDependencies`, Cargo `dev-dependencies`,
    /// Poetry groups, PEP 735 dependency groups (by convention).
    Dev,
    /// Installed to build: Cargo `build-dependencies`, pyproject
    /// `[build-system] requires`.
    Build,
    /// Installed only when asked for or when it can be: npm
    /// `optionalDependencies`, PEP 621 extras, Cargo and Poetry
    /// `optional = true`.
    Optional,
    /// npm `peerDependencies` (installed by npm 7 and later).
    Peer,
    /// Replaces what another dependency resolves to: npm `overrides`, yarn
    /// `resolutions`, pnpm `pnpm.overrides`, Cargo `[patch]`/`[replace]`,
    /// a go.mod `replace` of a module the file does not require.
    Override,
}

/// One dependency that a manifest or lockfile lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dependency {
    /// The package, its version (exact in a lockfile, a range in a
    /// manifest) and where it comes from.
    pub install: Install,
    /// What it is for.
    pub kind: DependencyKind,
    /// The extra, dependency group or Cargo target (`cfg(windows)`) it
    /// belongs to, if any.
    pub group: Option<String>,
    /// For lockfiles: `Some(true)` when the project names it directly,
    /// `Some(false)` when it is only pulled in by another package, `None`
    /// when the format does not say (package-lock v1, yarn v1,
    /// poetry.lock). For go.mod: `Some(false)` for `// indirect`. For
    /// other manifests: `Some(true)`.
    pub direct: Option<bool>,
    /// The exact artefact a lockfile resolved to (tarball, wheel or sdist
    /// URL, git URL with commit), when it records one.
    pub resolved: Option<String>,
    /// The integrity or hash the file pins (`sha512-…`, `sha256:…`); when
    /// there are several (pip `--hash` options), all of them, space
    /// separated.
    pub integrity: Option<String>,
    /// Whether the package runs scripts at install time, as far as the
    /// file records it: package-lock v2/v3 `hasInstallScript`, pnpm
    /// `requiresBuild`. `false` when the format does not record it.
    pub install_script: bool,
    /// Whether the version and source are inherited from elsewhere (Cargo
    /// `workspace = true`): then `install.version` is `None` and the source
    /// is the workspace root's.
    pub inherited: bool,
    /// The 1-based line where the dependency is written, for line-based
    /// formats (requirements, yarn v1, go.mod) and YAML lockfiles; `None`
    /// for JSON and TOML files.
    pub line: Option<u32>,
}

impl Dependency {
    /// A direct dependency with nothing but its package and kind; the
    /// format parsers fill in the rest.
    pub(crate) fn new(
        ecosystem: Ecosystem,
        name: impl Into<String>,
        version: Option<String>,
        source: Source,
        kind: DependencyKind,
    ) -> Dependency {
        Dependency {
            install: Install {
                ecosystem,
                name: name.into(),
                version,
                source,
            },
            kind,
            group: None,
            direct: Some(true),
            resolved: None,
            integrity: None,
            install_script: false,
            inherited: false,
            line: None,
        }
    }
}

/// A reference in a manifest that is not a package but changes what gets
/// installed, reported and not followed (pip's requirements files).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    /// What kind of reference.
    pub kind: ReferenceKind,
    /// The file path or URL as written.
    pub target: String,
    /// The 1-based line where it is written.
    pub line: Option<u32>,
}

/// What a [`Reference`] points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceKind {
    /// Another requirements file whose packages are installed too
    /// (`-r`, `--requirement`).
    Requirements,
    /// A constraints file (`-c`, `--constraint`).
    Constraints,
    /// The index packages come from instead of PyPI (`-i`, `--index-url`).
    IndexUrl,
    /// An index searched besides the main one (`--extra-index-url`): any
    /// package may come from either, the dependency-confusion setup.
    ExtraIndexUrl,
    /// A page or directory of archives searched for packages
    /// (`-f`, `--find-links`).
    FindLinks,
    /// A host whose TLS errors pip ignores (`--trusted-host`).
    TrustedHost,
}

/// What [`parse`] found in one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The dependencies, in file order, except that entries of a TOML
    /// table (`[dependencies]` of Cargo.toml, Poetry's tables) come in key
    /// order: the toml crate sorts keys, and turning on its
    /// `preserve_order` would change table order for every crate in the
    /// workspace.
    pub dependencies: Vec<Dependency>,
    /// References to other files and indexes, not followed.
    pub references: Vec<Reference>,
}

/// Parses a manifest or lockfile of the given kind.
///
/// Lockfile entries for the project itself (the root and workspace members
/// of package-lock, pnpm, yarn berry, uv.lock; path crates in Cargo.lock)
/// are not reported: they are local code, not installs. Their
/// dependencies decide [`Dependency::direct`].
///
/// # Errors
/// [`ManifestError::Syntax`] when the text is not valid JSON, TOML, YAML
/// or the format's own line syntax, with the line and column where the
/// parser gives them; [`ManifestError::Format`] when it is valid syntax
/// but not the shape of this file (a dependency table that is a number, an
/// unsupported lockfile version, a lockfile entry without a version).
pub fn parse(kind: ManifestKind, text: &str) -> Result<Manifest, ManifestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match kind {
        ManifestKind::PackageJson => npm::parse_package_json(text),
        ManifestKind::PackageLock => npm::parse_package_lock(text),
        ManifestKind::PnpmLock => pnpm::parse(text),
        ManifestKind::YarnLock => yarn::parse(text),
        ManifestKind::Requirements => requirements::parse(text),
        ManifestKind::Pyproject => pyproject::parse(text),
        ManifestKind::UvLock => pylock::parse_uv(text),
        ManifestKind::PoetryLock => pylock::parse_poetry(text),
        ManifestKind::CargoToml => cargo::parse_manifest(text),
        ManifestKind::CargoLock => cargo::parse_lock(text),
        ManifestKind::GoMod => gomod::parse(text),
    }
}

/// Shared for the npm formats: what an npm dependency specifier (the value
/// in `"dependencies": {"name": SPEC}`, or the part after `@` in yarn and
/// pnpm) says about the package.
///
/// Returns the real package name when the spec is an alias
/// (`npm:other@^1`), the version or range, and the source. Forms follow
/// <https://docs.npmjs.com/cli/configuring-npm/package-json#dependencies>:
/// ranges and tags go to the registry; `git+…`, `git://`, `github:`,
/// `gitlab:`, `bitbucket:`, `gist:` and `owner/repo` to version control;
/// `http(s)://` to a URL; `file:`, `link:`, `portal:`, `workspace:` and
/// paths to a path.
pub(crate) fn npm_spec(spec: &str) -> (Option<String>, Option<String>, Source) {
    let spec = spec.trim();
    if let Some(rest) = spec.strip_prefix("npm:") {
        let (name, version) = split_name_at_version(rest);
        let (_, version, source) = npm_spec(version.unwrap_or(""));
        return (Some(name.to_string()), version, source);
    }
    let lower = spec.to_ascii_lowercase();
    let vcs_prefixes = [
        "git+",
        "git:",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
        "git@",
    ];
    if vcs_prefixes.iter().any(|p| lower.starts_with(p)) {
        return (None, None, Source::Vcs { url: spec.into() });
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return (None, None, Source::Url { url: spec.into() });
    }
    let path_prefixes = [
        "file:",
        "link:",
        "portal:",
        "workspace:",
        "./",
        "../",
        "/",
        "~/",
    ];
    if path_prefixes.iter().any(|p| lower.starts_with(p)) {
        return (None, None, Source::Path { path: spec.into() });
    }
    // `owner/repo` and `owner/repo#ref` are GitHub shorthands.
    if !spec.starts_with('@')
        && spec.contains('/')
        && !spec.contains(char::is_whitespace)
        && !spec.contains(':')
    {
        return (None, None, Source::Vcs { url: spec.into() });
    }
    let version = if spec.is_empty() || spec == "*" || spec == "latest" {
        None
    } else {
        Some(spec.to_string())
    };
    (None, version, Source::Registry { index: None })
}

/// Splits `name@spec` where the name may be scoped (`@scope/name@1`) and
/// the spec may hold more `@` (`alias@npm:real@1`, `x@git+ssh://git@…`):
/// at the first `@` that is not the first character.
pub(crate) fn split_name_at_version(s: &str) -> (&str, Option<&str>) {
    match s.get(1..).and_then(|t| t.find('@')) {
        Some(i) => (&s[..i + 1], Some(&s[i + 2..])),
        None => (s, None),
    }
}

/// The source of an npm lockfile's `resolved` URL: a registry tarball
/// (`…/name/-/name-1.0.0.tgz`) is the registry, with `index` set to the
/// URL's origin unless it is npm's or yarn's default registry; git URLs are
/// version control; `file:` and relative paths are paths; other URLs are
/// plain URLs.
pub(crate) fn npm_resolved_source(resolved: &str) -> Source {
    let lower = resolved.to_ascii_lowercase();
    if lower.starts_with("git+") || lower.starts_with("git:") || lower.starts_with("github:") {
        return Source::Vcs {
            url: resolved.into(),
        };
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        if lower.contains("/-/") {
            let origin = url_origin(resolved);
            let default = ["https://registry.npmjs.org", "https://registry.yarnpkg.com"];
            let index = (!default.contains(&origin)).then(|| origin.to_string());
            return Source::Registry { index };
        }
        if lower.starts_with("https://codeload.github.com/") {
            return Source::Vcs {
                url: resolved.into(),
            };
        }
        return Source::Url {
            url: resolved.into(),
        };
    }
    Source::Path {
        path: resolved.into(),
    }
}

/// `scheme://host[:port]` of a URL, or the whole text when it has no
/// `://`.
pub(crate) fn url_origin(url: &str) -> &str {
    let Some(i) = url.find("://") else {
        return url;
    };
    let rest = &url[i + 3..];
    let end = rest.find(['/', '?', '#']).map_or(url.len(), |j| i + 3 + j);
    &url[..end]
}

/// The 1-based line of byte offset `at` in `text`.
pub(crate) fn line_at(text: &str, at: usize) -> u32 {
    let at = at.min(text.len());
    let n = text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// 1-based line number from a 0-based index.
pub(crate) fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
