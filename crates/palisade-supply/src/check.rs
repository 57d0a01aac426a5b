//! The gate: every check of issue #7 applied to the packages an action
//! would install, each a rule with an id, in order of confidence:
//!
//! | rule | answer | why |
//! |---|---|---|
//! | `supply.malicious` | deny | reported malicious (OpenSSF `MAL-*`, OSV) |
//! | `supply.not-found` | deny | the registry has no such package (a hallucinated name that anyone could register) |
//! | `supply.vulnerable` | ask | a known vulnerability (OSV advisory), with ids, severity and the first fixed version |
//! | `supply.too-new` | ask | the package, or this version, was published less than the minimum age ago |
//! | `supply.typosquat` | ask | close to a popular name |
//! | `supply.source` | ask | from a URL, a VCS, a local path or an index other than the configured ones |
//! | `supply.install-scripts` | ask | a new dependency runs `preinstall`/`install`/`postinstall` scripts |
//! | `supply.registry-down` | per policy (default ask) | the registry could not be asked |
//!
//! The registry is asked only about packages from the default registry;
//! the other checks need no network.

use crate::registry::{self, RegistryConfig, RegistryError};
use crate::{did_you_mean, typosquat, Certainty, Db, Finding, Install, Source};
use serde::Serialize;
use std::time::{Duration, SystemTime};

/// What the gate answers for one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Let it through (used for `registry_down = "allow"`).
    Allow,
    /// Ask the user.
    Ask,
    /// Refuse.
    Deny,
}

/// The gate's settings (palisade.toml `[supply]`).
#[derive(Debug, Clone)]
pub struct GateConfig {
    /// Packages (and versions) younger than this are asked about; default
    /// 7 days.
    pub min_age: Duration,
    /// The registries and their cache.
    pub registry: RegistryConfig,
    /// Ask the registries at all (existence, age, install scripts).
    pub use_registry: bool,
    /// The answer when a registry cannot be asked; default ask.
    pub registry_down: Answer,
    /// Package indexes and registries besides the defaults that are
    /// trusted (URLs or registry names as the commands give them).
    pub trusted_indexes: Vec<String>,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            min_age: registry::DEFAULT_MIN_AGE,
            registry: RegistryConfig::default(),
            use_registry: true,
            registry_down: Answer::Ask,
            trusted_indexes: Vec::new(),
        }
    }
}

/// One reason to stop an install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateFinding {
    /// The rule id (`supply.malicious`, …; see the module docs).
    pub rule: &'static str,
    /// What the gate answers.
    pub answer: Answer,
    /// The package.
    pub install: Install,
    /// Why, in one sentence, with what to do.
    pub reason: String,
    /// For `supply.malicious` and `supply.vulnerable`: the database entry
    /// behind it (report or advisory ids, severity, first fixed version),
    /// for callers that show them as data (`palisade scan`).
    pub advisory: Option<Finding>,
}

/// Checks each package in `installs` at time `now`; returns the findings,
/// most severe first (an empty list: nothing to stop).
pub fn gate(installs: &[Install], db: &Db, cfg: &GateConfig, now: SystemTime) -> Vec<GateFinding> {
    let mut out = Vec::new();
    for i in installs {
        check_one(i, db, cfg, now, &mut out);
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.answer));
    out
}

fn label(i: &Install) -> String {
    match &i.version {
        Some(v) => format!("{} package `{}` {v}", i.ecosystem.osv_name(), i.name),
        None => format!("{} package `{}`", i.ecosystem.osv_name(), i.name),
    }
}

fn check_one(i: &Install, db: &Db, cfg: &GateConfig, now: SystemTime, out: &mut Vec<GateFinding>) {
    let mut add = |rule, answer, reason: String, advisory: Option<Finding>| {
        out.push(GateFinding {
            rule,
            answer,
            install: i.clone(),
            reason,
            advisory,
        })
    };
    let what = label(i);
    let mut denied = false;
    for f in db.lookup(i) {
        let entry = Some(f.clone());
        match f {
            Finding::Malicious { ids, certainty, .. } => {
                let sure = certainty == Certainty::Affected;
                denied |= sure;
                add(
                    "supply.malicious",
                    if sure { Answer::Deny } else { Answer::Ask },
                    format!(
                        "{what} is reported malicious ({}){}; do not install it",
                        ids.join(", "),
                        if sure {
                            ""
                        } else {
                            " for some versions, possibly the one that would be installed"
                        }
                    ),
                    entry,
                );
            }
            Finding::Vulnerable {
                ids,
                severity,
                first_fixed,
                ..
            } => {
                let sev = severity
                    .and_then(|s| s.level.or(s.cvss))
                    .map(|s| format!(", severity {s}"))
                    .unwrap_or_default();
                let fix = first_fixed
                    .map(|v| format!("; fixed in {v}"))
                    .unwrap_or_else(|| "; no fixed version yet".into());
                add(
                    "supply.vulnerable",
                    Answer::Ask,
                    format!(
                        "{what} has a known vulnerability ({}{sev}){fix}",
                        ids.join(", ")
                    ),
                    entry,
                );
            }
        }
    }
    let mut push = |rule, answer, reason: String| add(rule, answer, reason, None);
    let trusted = |index: &str| {
        cfg.trusted_indexes
            .iter()
            .any(|t| t.trim_end_matches('/') == index.trim_end_matches('/'))
    };
    let outside = match &i.source {
        Source::Registry { index: None } => None,
        Source::Registry { index: Some(ix) } if trusted(ix) => return,
        Source::Registry { index: Some(ix) } => Some(format!("{what} comes from the index `{ix}`, which is not one of the configured ones (add it to `trusted_indexes` under [supply] in palisade.toml if it is yours)")),
        Source::Url { url } => Some(format!(
            "{what} is downloaded from the URL {url}, outside any registry's checks"
        )),
        Source::Vcs { url } => Some(format!(
            "{what} is built from the repository {url}, outside any registry's checks"
        )),
        Source::Path { .. } => return,
    };
    if let Some(why) = outside {
        push("supply.source", Answer::Ask, why);
        return;
    }
    if let Some(t) = typosquat(i.ecosystem, &i.name) {
        push(
            "supply.typosquat",
            Answer::Ask,
            format!(
                "`{}` looks like the popular {} package `{}` ({}); check the name",
                i.name,
                i.ecosystem.osv_name(),
                t.target,
                t.how
            ),
        );
    }
    // A package already denied as malicious needs no registry round trip.
    if !cfg.use_registry || denied {
        return;
    }
    match registry::facts(i, &cfg.registry) {
        Ok(f) if !f.exists => {
            let hint = did_you_mean(i.ecosystem, &i.name);
            push(
                "supply.not-found",
                Answer::Deny,
                format!(
                    "{what} does not exist on the registry: a hallucinated name that anyone could register{}",
                    if hint.is_empty() {
                        String::new()
                    } else {
                        format!("; did you mean {}?", hint.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", "))
                    }
                ),
            );
        }
        Ok(f) => {
            if let Some(v) = &f.missing_version {
                push(
                    "supply.not-found",
                    Answer::Deny,
                    format!("{what}: version {v} does not exist on the registry"),
                );
            }
            if let Some(t) = registry::too_new(&f, now, cfg.min_age) {
                let days = |d: Duration| format!("{:.1} days", d.as_secs_f64() / 86_400.0);
                push(
                    "supply.too-new",
                    Answer::Ask,
                    format!(
                        "{what}: {} was published {} ago, less than the minimum age of {}; new releases are where hijacked and malicious versions show up",
                        match t.what {
                            registry::Young::Package => "the package",
                            registry::Young::Version => "this version",
                        },
                        days(t.age),
                        days(t.min_age)
                    ),
                );
            }
            if let Some(v) = &f.version {
                if !v.install_scripts.is_empty() {
                    let scripts: Vec<String> = v
                        .install_scripts
                        .iter()
                        .map(|(k, c)| format!("{k}: `{c}`"))
                        .collect();
                    push(
                        "supply.install-scripts",
                        Answer::Ask,
                        format!(
                            "{what} {} runs install scripts ({}), code that runs on install",
                            v.version,
                            scripts.join("; ")
                        ),
                    );
                }
            }
        }
        Err(RegistryError::NotApplicable { .. }) => {}
        Err(e) => {
            if cfg.registry_down != Answer::Allow {
                push(
                    "supply.registry-down",
                    cfg.registry_down,
                    format!("{what} could not be checked on the registry ({e}); its existence, age and install scripts are unknown"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ecosystem;

    fn pkg(name: &str, source: Source) -> Install {
        Install {
            ecosystem: Ecosystem::PyPI,
            name: name.into(),
            version: None,
            source,
        }
    }

    fn offline() -> GateConfig {
        GateConfig {
            use_registry: false,
            ..GateConfig::default()
        }
    }

    #[test]
    fn malicious_denies_and_typosquats_and_sources_ask_without_network() {
        let db = Db::embedded();
        let reg = Source::Registry { index: None };
        let f = gate(
            &[pkg("aaiohttp", reg.clone())],
            &db,
            &offline(),
            SystemTime::now(),
        );
        assert_eq!(f[0].rule, "supply.malicious");
        assert_eq!(f[0].answer, Answer::Deny);
        let f = gate(
            &[pkg("reqeusts", reg.clone())],
            &db,
            &offline(),
            SystemTime::now(),
        );
        assert!(
            f.iter()
                .any(|x| x.rule == "supply.typosquat" && x.reason.contains("`requests`")),
            "{f:?}"
        );
        let f = gate(
            &[pkg(
                "x",
                Source::Registry {
                    index: Some("https://evil.example/simple".into()),
                },
            )],
            &db,
            &offline(),
            SystemTime::now(),
        );
        assert_eq!(f[0].rule, "supply.source");
        let trusted = GateConfig {
            trusted_indexes: vec!["https://evil.example/simple/".into()],
            ..offline()
        };
        let f = gate(
            &[pkg(
                "x",
                Source::Registry {
                    index: Some("https://evil.example/simple".into()),
                },
            )],
            &db,
            &trusted,
            SystemTime::now(),
        );
        assert!(f.is_empty(), "{f:?}");
        assert!(gate(&[pkg("requests", reg)], &db, &offline(), SystemTime::now()).is_empty());
    }
}
