//! Package-name normalisation, so that names compare the way each registry
//! compares them.

use crate::Ecosystem;

/// PEP 503 normalisation of a PyPI project name: runs of `-`, `_` and `.`
/// become one `-`, and the name is lower-cased (`Foo.Bar__baz` →
/// `foo-bar-baz`).
///
/// Source: PEP 503, "Normalized Names"
/// (<https://peps.python.org/pep-0503/#normalized-names>). Leading and
/// trailing whitespace is dropped.
///
/// ```
/// use palisade_supply::install::normalize_pypi;
/// assert_eq!(normalize_pypi("Foo.Bar__baz"), "foo-bar-baz");
/// assert_eq!(normalize_pypi("requests"), normalize_pypi("Requests"));
/// ```
pub fn normalize_pypi(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// An npm package name for comparison: trimmed and lower-cased
/// (`@Scope/Pkg` → `@scope/pkg`).
///
/// Source: npm docs, package.json "name" (new names must be lower-case,
/// at most 214 characters, URL-safe; a scope is part of the name). A few
/// old packages have capitals (`JSONStream`) and the registry keeps them
/// distinct, so use this to compare names (typosquats, allow lists), not to
/// build registry URLs.
///
/// ```
/// use palisade_supply::install::normalize_npm;
/// assert_eq!(normalize_npm("@Babel/Core"), "@babel/core");
/// ```
pub fn normalize_npm(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A crates.io name for comparison: lower-cased, `_` as `-`.
///
/// Source: crates.io treats names that differ only in case or in `-` versus
/// `_` as the same crate (the Cargo book, "Publishing on crates.io", and
/// crates.io's name-uniqueness rule).
///
/// ```
/// use palisade_supply::install::normalize_crate;
/// assert_eq!(normalize_crate("Serde_JSON"), "serde-json");
/// ```
pub fn normalize_crate(name: &str) -> String {
    name.trim().to_lowercase().replace('_', "-")
}

/// The comparison form of `name` in `ecosystem`: [`normalize_npm`],
/// [`normalize_pypi`], [`normalize_crate`]; Go module paths and RubyGems
/// names are case-sensitive and only trimmed.
pub fn normalize(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Npm => normalize_npm(name),
        Ecosystem::PyPI => normalize_pypi(name),
        Ecosystem::CratesIo => normalize_crate(name),
        Ecosystem::Go | Ecosystem::RubyGems => name.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn pep503_examples() {
        for n in [
            "friendly-bard",
            "Friendly-Bard",
            "FRIENDLY-BARD",
            "friendly.bard",
            "friendly_bard",
            "friendly--bard",
            "FrIeNdLy-._.-bArD",
        ] {
            assert_eq!(normalize_pypi(n), "friendly-bard", "{n}");
        }
    }

    #[test]
    fn per_ecosystem() {
        assert_eq!(normalize(Ecosystem::Npm, " React "), "react");
        assert_eq!(normalize(Ecosystem::CratesIo, "tokio_Util"), "tokio-util");
        assert_eq!(
            normalize(Ecosystem::Go, "github.com/BurntSushi/toml"),
            "github.com/BurntSushi/toml"
        );
        assert_eq!(normalize(Ecosystem::RubyGems, "Rails"), "Rails");
    }
}
