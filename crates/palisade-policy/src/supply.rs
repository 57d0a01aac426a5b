//! The dependency gate's settings: `[supply]` in `palisade.toml`, merged
//! across layers (issue #7).
//!
//! ```toml
//! [supply]
//! enabled = true                       # check what the agent installs (default true)
//! min_age = "7d"                       # ask about packages or versions younger than this ("72h", "0" turns it off)
//! registry_down = "ask"                # ask (default) | deny | allow, when a registry cannot be asked
//! use_registry = true                  # ask the registries about existence, age, install scripts (default true)
//! offline = false                      # use only cached registry facts
//! trusted_indexes = ["https://pypi.internal.example/simple"]   # indexes besides the defaults
//!
//! [supply.registries]                  # base URLs (defaults: the public registries)
//! npm = "https://registry.npmjs.org"
//! pypi = "https://pypi.org"
//! crates_index = "https://index.crates.io"
//! rubygems = "https://rubygems.org"
//! go_proxy = "https://proxy.golang.org"
//! ```
//!
//! The gate exists to stop what a project's code or an agent brings in, so
//! a project's `palisade.toml` may only make it stricter: a longer
//! `min_age`, a stricter `registry_down`, `enabled = true`. Its
//! `trusted_indexes`, `registries`, `offline` and `use_registry` are
//! ignored with a warning (a cloned repository could otherwise trust its
//! own index or point the gate at a registry that vouches for anything).
//! The managed layer decides `enabled` when it sets it.

use crate::error::PolicyError;
use palisade_core::Layer;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default minimum age of a package or version: 7 days.
pub const DEFAULT_MIN_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

/// `[supply]` as written in one `palisade.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SupplyFile {
    enabled: Option<bool>,
    min_age: Option<String>,
    registry_down: Option<String>,
    use_registry: Option<bool>,
    offline: Option<bool>,
    #[serde(default)]
    trusted_indexes: Vec<String>,
    #[serde(default)]
    registries: Registries,
}

/// `[supply.registries]`: base URLs.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Registries {
    /// npm's registry.
    pub npm: Option<String>,
    /// PyPI's JSON API host.
    pub pypi: Option<String>,
    /// The crates.io sparse index.
    pub crates_index: Option<String>,
    /// RubyGems.
    pub rubygems: Option<String>,
    /// The Go module proxy.
    pub go_proxy: Option<String>,
}

impl Registries {
    fn is_empty(&self) -> bool {
        *self == Registries::default()
    }
}

/// What the gate answers when a registry cannot be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RegistryDown {
    /// Let the install through.
    Allow,
    /// Ask the user (default).
    Ask,
    /// Refuse the install.
    Deny,
}

/// One `[supply]` section, checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct SupplySection {
    enabled: Option<bool>,
    min_age: Option<Duration>,
    registry_down: Option<RegistryDown>,
    use_registry: Option<bool>,
    offline: Option<bool>,
    trusted_indexes: Vec<String>,
    registries: Registries,
}

/// Parses `7d`, `72h`, `30m`, `90s` or `0` (a duration in days, hours,
/// minutes or seconds).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 7d, 72h or 0"))?;
    let secs = match unit {
        "d" => n.checked_mul(86_400),
        "h" => n.checked_mul(3_600),
        "m" => n.checked_mul(60),
        "s" => Some(n),
        _ => None,
    }
    .ok_or_else(|| format!("`{text}` is not a duration such as 7d, 72h or 0"))?;
    Ok(Duration::from_secs(secs))
}

impl SupplyFile {
    pub(crate) fn check(self, path: &Path) -> Result<SupplySection, PolicyError> {
        let err = |message: String| PolicyError::Toml {
            path: path.to_path_buf(),
            message,
        };
        let min_age = self
            .min_age
            .as_deref()
            .map(|a| parse_age(a).map_err(|e| err(format!("supply.min_age: {e}"))))
            .transpose()?;
        let registry_down = match self.registry_down.as_deref() {
            None => None,
            Some("ask") => Some(RegistryDown::Ask),
            Some("deny") => Some(RegistryDown::Deny),
            Some("allow") => Some(RegistryDown::Allow),
            Some(other) => {
                return Err(err(format!(
                    "supply.registry_down: unknown value `{other}` (use ask, deny or allow)"
                )))
            }
        };
        Ok(SupplySection {
            enabled: self.enabled,
            min_age,
            registry_down,
            use_registry: self.use_registry,
            offline: self.offline,
            trusted_indexes: self.trusted_indexes,
            registries: self.registries,
        })
    }
}

/// The effective gate settings ([`crate::Policy::supply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplySettings {
    /// Check installs at all.
    pub enabled: bool,
    /// The minimum age of a package or version.
    pub min_age: Duration,
    /// The answer when a registry cannot be asked.
    pub registry_down: RegistryDown,
    /// Ask the registries.
    pub use_registry: bool,
    /// Only cached registry facts.
    pub offline: bool,
    /// Indexes trusted besides the defaults.
    pub trusted_indexes: Vec<String>,
    /// Registry base URLs (unset: the public ones).
    pub registries: Registries,
    /// The files that set something, highest layer first.
    pub sources: Vec<PathBuf>,
}

impl Default for SupplySettings {
    fn default() -> Self {
        SupplySettings {
            enabled: true,
            min_age: DEFAULT_MIN_AGE,
            registry_down: RegistryDown::Ask,
            use_registry: true,
            offline: false,
            trusted_indexes: Vec::new(),
            registries: Registries::default(),
            sources: Vec::new(),
        }
    }
}

/// Merges the `[supply]` sections, highest layer first.
pub(crate) fn merge(
    sections: &[(Layer, PathBuf, SupplySection)],
    warnings: &mut Vec<String>,
) -> SupplySettings {
    let mut s = SupplySettings::default();
    let project = |l: Layer| matches!(l, Layer::Project | Layer::ProjectLocal);
    let trusted = || sections.iter().filter(|(l, _, _)| !project(*l));
    let managed_enabled = sections
        .iter()
        .find(|(l, _, sec)| *l == Layer::Managed && sec.enabled.is_some())
        .and_then(|(_, _, sec)| sec.enabled);
    s.enabled = match managed_enabled {
        Some(e) => e,
        None => trusted()
            .find_map(|(_, _, sec)| sec.enabled)
            .unwrap_or(true),
    };
    if let Some(a) = trusted().find_map(|(_, _, sec)| sec.min_age) {
        s.min_age = a;
    }
    if let Some(d) = trusted().find_map(|(_, _, sec)| sec.registry_down) {
        s.registry_down = d;
    }
    if let Some(u) = trusted().find_map(|(_, _, sec)| sec.use_registry) {
        s.use_registry = u;
    }
    if let Some(o) = trusted().find_map(|(_, _, sec)| sec.offline) {
        s.offline = o;
    }
    for (_, _, sec) in trusted() {
        for i in &sec.trusted_indexes {
            if !s.trusted_indexes.contains(i) {
                s.trusted_indexes.push(i.clone());
            }
        }
        let r = &sec.registries;
        let fill = |mine: &mut Option<String>, theirs: &Option<String>| {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        };
        fill(&mut s.registries.npm, &r.npm);
        fill(&mut s.registries.pypi, &r.pypi);
        fill(&mut s.registries.crates_index, &r.crates_index);
        fill(&mut s.registries.rubygems, &r.rubygems);
        fill(&mut s.registries.go_proxy, &r.go_proxy);
    }
    for (layer, path, sec) in sections {
        s.sources.push(path.clone());
        if !project(*layer) {
            continue;
        }
        // A project may only tighten.
        if let Some(a) = sec.min_age {
            s.min_age = s.min_age.max(a);
        }
        if let Some(d) = sec.registry_down {
            s.registry_down = s.registry_down.max(d);
        }
        if sec.enabled == Some(true) && managed_enabled.is_none() {
            s.enabled = true;
        }
        let ignored: Vec<&str> = [
            ("enabled = false", sec.enabled == Some(false)),
            ("trusted_indexes", !sec.trusted_indexes.is_empty()),
            ("registries", !sec.registries.is_empty()),
            ("offline", sec.offline.is_some()),
            ("use_registry", sec.use_registry.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect();
        if !ignored.is_empty() {
            warnings.push(format!(
                "{}: [supply] {} ignored: a project's palisade.toml can only make the dependency gate stricter",
                path.display(),
                ignored.join(", ")
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sec(text: &str) -> SupplySection {
        let f: SupplyFile = toml::from_str(text).unwrap();
        f.check(Path::new("p.toml")).unwrap()
    }

    #[test]
    fn ages_parse_and_bad_values_are_errors() {
        assert_eq!(parse_age("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse_age("72h"), Ok(Duration::from_secs(259_200)));
        assert_eq!(parse_age("0"), Ok(Duration::ZERO));
        assert!(parse_age("soon").is_err());
        assert!(parse_age("7w").is_err());
        let f: SupplyFile = toml::from_str("registry_down = \"maybe\"").unwrap();
        assert!(f.check(Path::new("p.toml")).is_err());
        assert!(toml::from_str::<SupplyFile>("unknown = 1").is_err());
    }

    #[test]
    fn a_project_can_only_tighten() {
        let mut w = Vec::new();
        let s = merge(
            &[
                (
                    Layer::User,
                    "u.toml".into(),
                    sec("min_age = \"72h\"\nregistry_down = \"ask\""),
                ),
                (
                    Layer::Project,
                    "p.toml".into(),
                    sec("min_age = \"1h\"\nregistry_down = \"allow\"\nenabled = false\ntrusted_indexes = [\"https://evil.example\"]\n[registries]\nnpm = \"http://evil.example\""),
                ),
            ],
            &mut w,
        );
        assert_eq!(s.min_age, Duration::from_secs(259_200));
        assert_eq!(s.registry_down, RegistryDown::Ask);
        assert!(s.enabled);
        assert!(s.trusted_indexes.is_empty());
        assert_eq!(s.registries.npm, None);
        assert!(
            w[0].contains("only make the dependency gate stricter"),
            "{w:?}"
        );
        let s = merge(
            &[(
                Layer::Project,
                "p.toml".into(),
                sec("min_age = \"30d\"\nregistry_down = \"deny\""),
            )],
            &mut w,
        );
        assert_eq!(s.min_age, Duration::from_secs(30 * 86_400));
        assert_eq!(s.registry_down, RegistryDown::Deny);
    }
}
