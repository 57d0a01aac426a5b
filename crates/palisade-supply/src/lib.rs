//! Palisade's dependency gate (issue #7): what an agent is about to
//! install, from whatever client it uses, and whether that is known
//! malicious, known vulnerable, non-existent (hallucinated), too new, a
//! typosquat, from an unexpected source, or runs install scripts.
//!
//! The shared vocabulary is here: an [`Install`] is one package that a
//! command, or a change to a manifest or lockfile, would bring in.
//! [`manifest`] reads manifests and lockfiles (npm, pnpm, yarn, pip,
//! pyproject, uv, Poetry, Cargo, Go) and diffs two versions of one.
//!
//! Known-malicious and known-vulnerable packages ([`db`]): an embedded
//! snapshot of OpenSSF malicious-package names, plus an OSV store that
//! `palisade db update` imports.
//!
//! ```
//! use palisade_supply::{Certainty, Db, Ecosystem, Finding, Install, Source};
//!
//! let install = |name: &str, version: Option<&str>| Install {
//!     ecosystem: Ecosystem::PyPI,
//!     name: name.into(),
//!     version: version.map(Into::into),
//!     source: Source::Registry { index: None },
//! };
//! let db = Db::embedded();
//! // MAL-2023-1574: every version of `aaiohttp` is malicious.
//! let found = db.lookup(&install("aaiohttp", None));
//! assert!(matches!(
//!     found.as_slice(),
//!     [Finding::Malicious { certainty: Certainty::Affected, .. }]
//! ));
//! assert!(db.lookup(&install("requests", Some("2.32.3"))).is_empty());
//! ```
//!
//! [`registry`] asks the package registries about it: existence, publish
//! times, install scripts.
//!
//! Typosquats of popular names ([`typo`]), and suggestions for a name that
//! does not exist:
//!
//! ```
//! use palisade_supply::{did_you_mean, typosquat, Ecosystem, How};
//!
//! let t = typosquat(Ecosystem::Npm, "loadsh").unwrap();
//! assert_eq!((t.target.as_str(), t.how), ("lodash", How::Edit { distance: 1 }));
//! assert_eq!(typosquat(Ecosystem::Npm, "lodash"), None); // popular itself
//! assert_eq!(did_you_mean(Ecosystem::PyPI, "reqeusts")[0], "requests");
//! ```

#![deny(missing_docs)]

pub mod check;
pub mod db;
pub mod install;
pub mod manifest;
pub mod name;
pub mod osv;
pub mod registry;
pub mod snapshot;
pub mod typo;
pub mod version;

pub use db::{import, open, Db, DbError, Finding, ImportReport, Origin, StoreInfo};
pub use typo::{did_you_mean, typosquat, How, Typo};
pub use version::Certainty;

use serde::{Deserialize, Serialize};

/// A package ecosystem, named as OSV names it
/// (<https://ossf.github.io/osv-schema/#affectedpackage-field>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    /// npm (also pnpm, yarn, bun, npx).
    #[serde(rename = "npm")]
    Npm,
    /// The Python Package Index (pip, pipx, uv, poetry).
    #[serde(rename = "PyPI")]
    PyPI,
    /// crates.io (cargo).
    #[serde(rename = "crates.io")]
    CratesIo,
    /// Go modules (go get / go install).
    #[serde(rename = "Go")]
    Go,
    /// RubyGems (gem install).
    #[serde(rename = "RubyGems")]
    RubyGems,
}

impl Ecosystem {
    /// The OSV name: `npm`, `PyPI`, `crates.io`, `Go`, `RubyGems`.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
        }
    }
}

/// Where a package comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// The ecosystem's registry; `index` is set when the command or file
    /// names one other than the default (`--index-url`, `--registry`, …).
    Registry {
        /// The registry or index URL given, if any.
        index: Option<String>,
    },
    /// A URL to an archive or wheel.
    Url {
        /// The URL.
        url: String,
    },
    /// A version-control repository (`git+https://…`, `github:owner/repo`).
    Vcs {
        /// The repository reference as written.
        url: String,
    },
    /// A local path.
    Path {
        /// The path as written.
        path: String,
    },
}

/// One package that would be installed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Install {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name as the ecosystem spells it (npm scopes kept:
    /// `@scope/pkg`; PyPI names as written — normalise with PEP 503 before
    /// comparing).
    pub name: String,
    /// The exact version or the range as written (`1.2.3`, `^1.2`,
    /// `>=2,<3`); `None` when unspecified (latest).
    pub version: Option<String>,
    /// Where it comes from.
    pub source: Source,
}
