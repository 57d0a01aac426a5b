//! What a change to a manifest or lockfile adds: [`diff`].

use super::{parse, Dependency, ManifestError, ManifestKind, Reference};
use crate::Source;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Why a dependency in the new file is reported.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ChangeReason {
    /// The package was not in the old file (under this name).
    Added,
    /// The version or range changed.
    Version {
        /// The old version or range (`None`: unspecified).
        from: Option<String>,
    },
    /// It now comes from somewhere else (another index, git, a URL, a path).
    Source {
        /// The old source.
        from: Source,
    },
    /// Same version and source, but the lockfile resolves it to another
    /// artefact (the lockfile-injection pattern: the `resolved` URL points
    /// somewhere new).
    Resolved {
        /// The old resolved URL.
        from: Option<String>,
    },
    /// Same version, source and artefact, but another integrity hash.
    Integrity,
    /// The lockfile now records that it runs install scripts and did not
    /// before.
    InstallScript,
}

/// One dependency that a change adds or changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The dependency as the new file has it.
    pub dependency: Dependency,
    /// Why it is reported; never empty. [`ChangeReason::Added`] stands
    /// alone; the others may come together.
    pub reasons: Vec<ChangeReason>,
}

/// What [`diff`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// Added or changed dependencies, in the new file's order.
    pub changes: Vec<Change>,
    /// References (`-r`, `--extra-index-url`, …) that the new file has and
    /// the old did not.
    pub references: Vec<Reference>,
    /// Whether the old file could not be parsed, so that everything in the
    /// new file is reported as added.
    pub old_unreadable: bool,
}

/// What a change from `old` to `new` adds or changes; removed and
/// unchanged dependencies are never reported.
///
/// `old = None` means the file is new: every dependency is
/// [`ChangeReason::Added`]. An old file that does not parse is treated the
/// same way, and [`Diff::old_unreadable`] says so: a broken old file must
/// not hide what the new one brings in.
///
/// Dependencies are matched by name. A lockfile may hold one package in
/// several versions: a new entry equal to any old entry of that name
/// (version, source, resolved artefact, integrity, install script) is
/// unchanged; otherwise it is compared with the old entry of that name
/// whose version is closest (the same version, else the longest common
/// prefix), so `syn 2.0.1 -> 2.0.2` beside an unchanged `syn 1.0.109`
/// reads as a version change from `2.0.1`.
///
/// # Errors
/// The [`ManifestError`] of the new file when it does not parse; the
/// caller fails as its policy says.
pub fn diff(kind: ManifestKind, old: Option<&str>, new: &str) -> Result<Diff, ManifestError> {
    let new = parse(kind, new)?;
    let (old, old_unreadable) = match old.map(|t| parse(kind, t)) {
        Some(Ok(m)) => (m, false),
        Some(Err(_)) => (Default::default(), true),
        None => (Default::default(), false),
    };
    let mut by_name: HashMap<&str, Vec<&Dependency>> = HashMap::new();
    for d in &old.dependencies {
        by_name.entry(d.install.name.as_str()).or_default().push(d);
    }
    let mut changes = Vec::new();
    for dep in new.dependencies {
        let olds = by_name
            .get(dep.install.name.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(reasons) = reasons(&dep, olds) {
            changes.push(Change {
                dependency: dep,
                reasons,
            });
        }
    }
    let old_refs: HashSet<(_, &str)> = old
        .references
        .iter()
        .map(|r| (r.kind, r.target.as_str()))
        .collect();
    let references = new
        .references
        .iter()
        .filter(|r| !old_refs.contains(&(r.kind, r.target.as_str())))
        .cloned()
        .collect();
    Ok(Diff {
        changes,
        references,
        old_unreadable,
    })
}

/// Why `dep` is reported against the old entries of its name, or `None`
/// when it is unchanged.
fn reasons(dep: &Dependency, olds: &[&Dependency]) -> Option<Vec<ChangeReason>> {
    if olds.is_empty() {
        return Some(vec![ChangeReason::Added]);
    }
    let same = |o: &&&Dependency| {
        o.install.version == dep.install.version
            && o.install.source == dep.install.source
            && o.resolved == dep.resolved
            && o.integrity == dep.integrity
            && (o.install_script || !dep.install_script)
    };
    if olds.iter().any(|o| same(&o)) {
        return None;
    }
    let closest = olds.iter().max_by_key(|o| {
        common_prefix(o.install.version.as_deref(), dep.install.version.as_deref())
    })?;
    let mut out = Vec::new();
    if closest.install.version != dep.install.version {
        out.push(ChangeReason::Version {
            from: closest.install.version.clone(),
        });
    }
    if closest.install.source != dep.install.source {
        out.push(ChangeReason::Source {
            from: closest.install.source.clone(),
        });
    }
    let same_artefact_expected = out.is_empty();
    if same_artefact_expected && closest.resolved != dep.resolved {
        out.push(ChangeReason::Resolved {
            from: closest.resolved.clone(),
        });
    }
    if same_artefact_expected && closest.integrity != dep.integrity && dep.integrity.is_some() {
        out.push(ChangeReason::Integrity);
    }
    if dep.install_script && !closest.install_script {
        out.push(ChangeReason::InstallScript);
    }
    // Left: the integrity was dropped, or it only gained or lost
    // metadata; nothing new is installed.
    (!out.is_empty()).then_some(out)
}

/// How alike two versions are: exact equality first, then the length of
/// the common prefix.
fn common_prefix(a: Option<&str>, b: Option<&str>) -> (bool, usize) {
    match (a, b) {
        (Some(a), Some(b)) => (
            a == b,
            a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count(),
        ),
        (None, None) => (true, 0),
        _ => (false, 0),
    }
}
