//! Dependency findings of `palisade scan` (issue #7): every manifest and
//! lockfile is parsed and each dependency put through the gate of
//! `palisade_supply::check` — offline unless `--registry` — or, for staged
//! files, only what the change adds or changes.

use palisade_detect::Confidence;
use palisade_supply::check::{gate, Answer, GateConfig};
use palisade_supply::manifest::{
    self, ChangeReason, Dependency, DependencyKind, ManifestKind, Reference, ReferenceKind,
};
use palisade_supply::{Certainty, Db, Finding, Install};
use std::time::SystemTime;

/// One dependency finding, or a manifest that could not be read.
#[derive(Debug, Clone)]
pub struct DepFinding {
    /// The manifest or lockfile, as the scan names it.
    pub path: String,
    /// The 1-based line of the dependency, when it can be told.
    pub line: Option<u32>,
    /// The rule id: `supply.*` (see [`RULES`]).
    pub rule: &'static str,
    /// How serious, on the scale `--fail-on` uses: high (SARIF `error`),
    /// medium (`warning`), low (`note`).
    pub level: Confidence,
    /// The kind of file.
    pub manifest: ManifestKind,
    /// The package, with its version or range and source; `None` for
    /// findings about the file itself or one of its references.
    pub install: Option<Install>,
    /// What the dependency is for.
    pub dependency_kind: Option<DependencyKind>,
    /// Whether the project names it directly (lockfiles that say).
    pub direct: Option<bool>,
    /// Report or advisory ids (`MAL-…`, `GHSA-…`, `CVE-…`).
    pub advisories: Vec<String>,
    /// The advisory's severity: its qualitative level (`HIGH`) or else its
    /// CVSS vector.
    pub severity: Option<String>,
    /// The first version that fixes the vulnerability.
    pub fixed: Option<String>,
    /// What was found and what to do, in one sentence.
    pub message: String,
    /// Stable hex hash of the path, rule, package, version and advisory
    /// ids, for baselines: the same finding in the same file keeps it,
    /// a new advisory for an accepted version does not.
    pub fingerprint: String,
}

/// A dependency rule as SARIF shows it.
pub struct RuleInfo {
    /// The rule id.
    pub id: &'static str,
    /// One line.
    pub short: &'static str,
    /// What it means and what to do.
    pub full: &'static str,
}

/// Every rule a dependency finding may carry.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "supply.malicious",
        short: "Known-malicious package",
        full: "The package (or this version) is reported malicious by OpenSSF or an imported OSV advisory (MAL-*). Remove it; if it was ever installed, treat the machine and the credentials it could read as compromised.",
    },
    RuleInfo {
        id: "supply.vulnerable",
        short: "Package with a known vulnerability",
        full: "An imported OSV advisory (GHSA, PYSEC, RUSTSEC, GO, …) lists this version or range as affected. Upgrade to the fixed version; `palisade db update` imports advisories.",
    },
    RuleInfo {
        id: "supply.source",
        short: "Package from outside the registry",
        full: "The package comes from a git repository, a URL, or an index that is not a configured one (or the file adds an extra index or find-links location, the dependency-confusion setup), so the registry's checks do not apply. Use the registry, or add the index to `trusted_indexes` under [supply] in palisade.toml.",
    },
    RuleInfo {
        id: "supply.typosquat",
        short: "Name close to a popular package",
        full: "The name is one edit, a separator or a scope away from one of the most-downloaded packages of its ecosystem: check that it is the package meant.",
    },
    RuleInfo {
        id: "supply.not-found",
        short: "Package or version not on the registry",
        full: "The registry has no such package or version (with --registry): a hallucinated name that anyone could register.",
    },
    RuleInfo {
        id: "supply.too-new",
        short: "Package or version published very recently",
        full: "The package or version is younger than the minimum age (`min_age` under [supply], default 7 days; with --registry): new releases are where hijacked and malicious versions show up.",
    },
    RuleInfo {
        id: "supply.install-scripts",
        short: "Package runs install scripts",
        full: "The version runs preinstall/install/postinstall scripts (with --registry): code that runs on install.",
    },
    RuleInfo {
        id: "supply.registry-down",
        short: "Registry could not be asked",
        full: "The registry could not be asked (with --registry), so existence, age and install scripts are unknown.",
    },
    RuleInfo {
        id: "supply.lockfile-integrity",
        short: "Lockfile entry resolves to another artefact",
        full: "A staged lockfile keeps a package's version but changes its resolved URL or integrity hash: the pattern of lockfile injection. Regenerate the lockfile with the package manager.",
    },
    RuleInfo {
        id: "supply.manifest-invalid",
        short: "Manifest or lockfile does not parse",
        full: "The file could not be parsed, so what it installs was not checked. The package manager would fail on it or read it differently.",
    },
];

/// The rule's entry in [`RULES`].
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// Checks manifests and lockfiles against the advisory data and, when
/// allowed, the registries.
pub struct Checker {
    db: Db,
    cfg: GateConfig,
    /// Registry look-ups left; packages past it get the offline checks.
    budget: usize,
    /// Packages that were checked offline because the budget ran out.
    pub over_budget: usize,
    /// Dependencies checked.
    pub dependencies: usize,
    /// Manifests and lockfiles read.
    pub files: usize,
    now: SystemTime,
}

impl Checker {
    /// A checker with the gate's settings `cfg`; `cfg.use_registry` is
    /// honoured for at most `registry_budget` packages.
    pub fn new(db: Db, cfg: GateConfig, registry_budget: usize) -> Checker {
        Checker {
            db,
            cfg,
            budget: registry_budget,
            over_budget: 0,
            dependencies: 0,
            files: 0,
            now: SystemTime::now(),
        }
    }

    /// Every dependency of the file `text` at `path`.
    pub fn file(&mut self, path: &str, kind: ManifestKind, text: &str) -> Vec<DepFinding> {
        self.files += 1;
        match manifest::parse(kind, text) {
            Ok(m) => {
                let mut out = self.references(path, kind, &m.references);
                for d in &m.dependencies {
                    out.extend(self.dependency(path, kind, text, d));
                }
                out
            }
            Err(e) => vec![invalid(path, kind, &e)],
        }
    }

    /// What a change of the file at `path` from `old` (`None`: a new file)
    /// to `new` adds or changes.
    pub fn change(
        &mut self,
        path: &str,
        kind: ManifestKind,
        old: Option<&str>,
        new: &str,
    ) -> Vec<DepFinding> {
        self.files += 1;
        let d = match manifest::diff(kind, old, new) {
            Ok(d) => d,
            Err(e) => return vec![invalid(path, kind, &e)],
        };
        let mut out = self.references(path, kind, &d.references);
        for c in &d.changes {
            let artefact = |r: &ChangeReason| {
                matches!(r, ChangeReason::Resolved { .. } | ChangeReason::Integrity)
            };
            if c.reasons.iter().any(artefact) {
                let i = &c.dependency.install;
                out.push(finding(
                    path,
                    kind,
                    manifest::locate(kind, new, &c.dependency),
                    "supply.lockfile-integrity",
                    Confidence::Medium,
                    Some(&c.dependency),
                    None,
                    format!(
                        "{} package `{}` {} keeps its version but now resolves to another artefact or hash, the pattern of lockfile injection",
                        i.ecosystem.osv_name(),
                        i.name,
                        i.version.as_deref().unwrap_or("")
                    ),
                ));
            }
            if c.reasons.iter().any(|r| !artefact(r)) {
                out.extend(self.dependency(path, kind, new, &c.dependency));
            }
        }
        out
    }

    fn dependency(
        &mut self,
        path: &str,
        kind: ManifestKind,
        text: &str,
        d: &Dependency,
    ) -> Vec<DepFinding> {
        self.dependencies += 1;
        let mut cfg = self.cfg.clone();
        if cfg.use_registry {
            if self.budget == 0 {
                cfg.use_registry = false;
                self.over_budget += 1;
            } else {
                self.budget -= 1;
            }
        }
        let found = gate(std::slice::from_ref(&d.install), &self.db, &cfg, self.now);
        if found.is_empty() {
            return Vec::new();
        }
        let line = manifest::locate(kind, text, d);
        found
            .into_iter()
            .filter(|f| f.answer != Answer::Allow)
            .map(|f| {
                let level = level_of(f.rule, f.advisory.as_ref());
                finding(
                    path,
                    kind,
                    line,
                    f.rule,
                    level,
                    Some(d),
                    f.advisory.as_ref(),
                    f.reason,
                )
            })
            .collect()
    }

    /// `--extra-index-url` and `--find-links` of a requirements file: any
    /// package may come from there (an `--index-url` is already on each
    /// dependency's source).
    fn references(&self, path: &str, kind: ManifestKind, refs: &[Reference]) -> Vec<DepFinding> {
        let trusted = |t: &str| {
            self.cfg
                .trusted_indexes
                .iter()
                .any(|x| x.trim_end_matches('/') == t.trim_end_matches('/'))
        };
        refs.iter()
            .filter(|r| !trusted(&r.target))
            .filter_map(|r| {
                let what = match r.kind {
                    ReferenceKind::ExtraIndexUrl => "an extra index searched besides the main one: any package may come from either (the dependency-confusion setup)",
                    ReferenceKind::FindLinks => "a location searched for package archives, outside the registry's checks",
                    _ => return None,
                };
                Some(finding(
                    path,
                    kind,
                    r.line,
                    "supply.source",
                    Confidence::Medium,
                    None,
                    None,
                    format!("`{}` is {what}; add it to `trusted_indexes` under [supply] in palisade.toml if it is yours", r.target),
                ))
            })
            .collect()
    }
}

/// The `--fail-on` level of a gate finding: a certainly malicious package
/// and a critical or high vulnerability are high; a possibly malicious
/// version, other vulnerabilities, unexpected sources, hallucinated names
/// and young packages are medium; a low vulnerability, a typosquat, install
/// scripts and an unreachable registry are low. A vulnerability that only
/// possibly applies (a range in a manifest) is one step lower.
fn level_of(rule: &str, advisory: Option<&Finding>) -> Confidence {
    match (rule, advisory) {
        (
            "supply.malicious",
            Some(Finding::Malicious {
                certainty: Certainty::Possibly,
                ..
            }),
        ) => Confidence::Medium,
        ("supply.malicious", _) => Confidence::High,
        (
            "supply.vulnerable",
            Some(Finding::Vulnerable {
                severity,
                certainty,
                ..
            }),
        ) => {
            let level = severity
                .as_ref()
                .and_then(|s| s.level.as_deref())
                .map(str::to_ascii_uppercase);
            let base = match level.as_deref() {
                Some("CRITICAL" | "HIGH") => Confidence::High,
                Some("LOW") => Confidence::Low,
                _ => Confidence::Medium,
            };
            match (certainty, base) {
                (Certainty::Possibly, Confidence::High) => Confidence::Medium,
                (Certainty::Possibly, _) => Confidence::Low,
                (Certainty::Affected, b) => b,
            }
        }
        ("supply.typosquat" | "supply.install-scripts" | "supply.registry-down", _) => {
            Confidence::Low
        }
        _ => Confidence::Medium,
    }
}

/// The finding for a file that does not parse.
fn invalid(path: &str, kind: ManifestKind, e: &manifest::ManifestError) -> DepFinding {
    finding(
        path,
        kind,
        e.line(),
        "supply.manifest-invalid",
        Confidence::Medium,
        None,
        None,
        format!("{e}; what it installs was not checked"),
    )
}

#[allow(clippy::too_many_arguments)]
fn finding(
    path: &str,
    kind: ManifestKind,
    line: Option<u32>,
    rule: &'static str,
    level: Confidence,
    dep: Option<&Dependency>,
    advisory: Option<&Finding>,
    message: String,
) -> DepFinding {
    let (advisories, severity, fixed) = match advisory {
        Some(Finding::Malicious { ids, .. }) => (ids.clone(), None, None),
        Some(Finding::Vulnerable {
            ids,
            severity,
            first_fixed,
            ..
        }) => (
            ids.clone(),
            severity
                .as_ref()
                .and_then(|s| s.level.clone().or_else(|| s.cvss.clone())),
            first_fixed.clone(),
        ),
        None => (Vec::new(), None, None),
    };
    let install = dep.map(|d| d.install.clone());
    let mut key = format!("{}\0{rule}", path.strip_prefix("./").unwrap_or(path));
    match &install {
        Some(i) => {
            for part in [
                i.ecosystem.osv_name(),
                &i.name,
                i.version.as_deref().unwrap_or(""),
            ] {
                key.push('\0');
                key.push_str(part);
            }
        }
        // A reference or a parse error: the message names it.
        None => {
            key.push('\0');
            key.push_str(&message);
        }
    }
    let mut ids = advisories.clone();
    ids.sort();
    for id in &ids {
        key.push('\0');
        key.push_str(id);
    }
    DepFinding {
        path: path.to_string(),
        line,
        rule,
        level,
        manifest: kind,
        install,
        dependency_kind: dep.map(|d| d.kind),
        direct: dep.and_then(|d| d.direct),
        advisories,
        severity,
        fixed,
        message,
        fingerprint: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes())),
    }
}

/// Whether a manifest at `path` is left out of the dependency checks: one
/// inside `node_modules` describes an installed package, whose own
/// dependencies the project's lockfile already lists.
pub fn skipped(path: &std::path::Path) -> bool {
    path.components().any(|c| c.as_os_str() == "node_modules")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> Checker {
        let cfg = GateConfig {
            use_registry: false,
            ..GateConfig::default()
        };
        Checker::new(Db::embedded(), cfg, 0)
    }

    #[test]
    fn malicious_and_git_dependencies_are_found_with_lines_clean_ones_are_not() {
        let text = "requests==2.32.3\naaiohttp==1.0\nfoo @ git+https://example.com/foo.git\n";
        let f = offline().file("requirements.txt", ManifestKind::Requirements, text);
        let got: Vec<(&str, Option<u32>, Confidence)> =
            f.iter().map(|f| (f.rule, f.line, f.level)).collect();
        assert_eq!(
            got,
            vec![
                ("supply.malicious", Some(2), Confidence::High),
                // One letter from the popular `aiohttp`.
                ("supply.typosquat", Some(2), Confidence::Low),
                ("supply.source", Some(3), Confidence::Medium),
            ]
        );
        assert_eq!(f[0].advisories, vec!["MAL-2023-1574".to_string()]);
    }

    #[test]
    fn a_broken_file_is_one_finding_with_its_line() {
        let f = offline().file("package.json", ManifestKind::PackageJson, "{\n  \"a\": \n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "supply.manifest-invalid");
        assert!(f[0].line.is_some(), "{f:?}");
        assert!(f[0].message.contains("package.json"), "{}", f[0].message);
    }

    #[test]
    fn a_change_reports_only_what_it_adds() {
        let old = "requests==2.32.3\n";
        let new = "requests==2.32.3\naaiohttp\n";
        let f = offline().change(
            "r/requirements.txt",
            ManifestKind::Requirements,
            Some(old),
            new,
        );
        let got: Vec<_> = f.iter().map(|f| (f.rule, f.line)).collect();
        assert_eq!(
            got,
            vec![("supply.malicious", Some(2)), ("supply.typosquat", Some(2))]
        );
        let none = offline().change(
            "requirements.txt",
            ManifestKind::Requirements,
            Some(new),
            new,
        );
        assert!(none.is_empty(), "{none:?}");
    }

    #[test]
    fn extra_indexes_are_reported_unless_trusted() {
        let text = "--extra-index-url https://pkgs.example/simple\nrequests\n";
        let f = offline().file("requirements.txt", ManifestKind::Requirements, text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].rule, f[0].line), ("supply.source", Some(1)));
        let cfg = GateConfig {
            use_registry: false,
            trusted_indexes: vec!["https://pkgs.example/simple/".into()],
            ..GateConfig::default()
        };
        let f = Checker::new(Db::embedded(), cfg, 0).file(
            "requirements.txt",
            ManifestKind::Requirements,
            text,
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn fingerprints_follow_package_rule_and_path() {
        let a = offline().file("requirements.txt", ManifestKind::Requirements, "aaiohttp\n");
        let moved = offline().file(
            "./requirements.txt",
            ManifestKind::Requirements,
            "# moved down\naaiohttp\n",
        );
        let other = offline().file(
            "sub/requirements.txt",
            ManifestKind::Requirements,
            "aaiohttp\n",
        );
        assert_eq!(a[0].fingerprint, moved[0].fingerprint);
        assert_ne!(a[0].fingerprint, other[0].fingerprint);
    }

    #[test]
    fn levels() {
        use palisade_supply::osv::Severity;
        let vuln = |level: &str, certainty| Finding::Vulnerable {
            ids: vec!["GHSA-x".into()],
            severity: Some(Severity {
                cvss: None,
                level: Some(level.into()),
            }),
            first_fixed: None,
            certainty,
        };
        let cases = [
            ("CRITICAL", Certainty::Affected, Confidence::High),
            ("HIGH", Certainty::Possibly, Confidence::Medium),
            ("MODERATE", Certainty::Affected, Confidence::Medium),
            ("MODERATE", Certainty::Possibly, Confidence::Low),
            ("LOW", Certainty::Affected, Confidence::Low),
        ];
        for (l, c, want) in cases {
            assert_eq!(
                level_of("supply.vulnerable", Some(&vuln(l, c))),
                want,
                "{l}"
            );
        }
        assert_eq!(level_of("supply.typosquat", None), Confidence::Low);
        assert_eq!(level_of("supply.source", None), Confidence::Medium);
    }

    #[test]
    fn manifests_inside_node_modules_are_skipped() {
        assert!(skipped(std::path::Path::new(
            "web/node_modules/x/package.json"
        )));
        assert!(!skipped(std::path::Path::new("web/package.json")));
    }
}
