//! Reading OSV records (<https://ossf.github.io/osv-schema/>) into the
//! advisories the store keeps.
//!
//! Only what matching and reporting need is read; unknown fields are
//! ignored, so newer schema versions still load. Records whose ecosystem
//! is not one of [`crate::Ecosystem`] (Debian, Maven, …) contribute
//! nothing; `withdrawn` records are dropped.

use serde::{Deserialize, Serialize};

use crate::version::{AffectedSpec, Event};
use crate::{name, Ecosystem};

/// A severity as the advisory states it; no score is computed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// A CVSS vector from `severity[]` (`CVSS:3.1/AV:N/AC:L/…`), v3
    /// preferred over v4 over v2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<String>,
    /// The database's qualitative level, from `database_specific.severity`
    /// (GitHub: `LOW`, `MODERATE`, `HIGH`, `CRITICAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

/// One advisory as stored for one package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// The OSV id (`MAL-2024-1234`, `GHSA-…`, `PYSEC-…`, `RUSTSEC-…`).
    pub id: String,
    /// Other ids for the same issue (`CVE-…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A malicious-package report (`MAL-` id) rather than a vulnerability.
    pub malicious: bool,
    /// The severity, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The affected entries for this package.
    pub affected: Vec<AffectedSpec>,
}

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Vec<SeverityEntry>,
    #[serde(default)]
    affected: Vec<Affected>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct SeverityEntry {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    score: serde_json::Value,
}

#[derive(Deserialize)]
struct Affected {
    #[serde(default)]
    package: Option<Package>,
    #[serde(default)]
    ranges: Vec<Range>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    severity: Vec<SeverityEntry>,
}

#[derive(Deserialize)]
struct Package {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct Range {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    events: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// What one OSV record contributes.
pub(crate) enum Parsed {
    /// Per package: ecosystem, normalised name, advisory.
    Advisories {
        modified: Option<String>,
        items: Vec<(Ecosystem, String, Advisory)>,
    },
    /// A withdrawn record.
    Withdrawn,
}

/// The ecosystem for an OSV ecosystem name; OSV allows a `:suffix`
/// (`Debian:11`), which none of ours use.
pub(crate) fn ecosystem(osv: &str) -> Option<Ecosystem> {
    Some(match osv {
        "npm" => Ecosystem::Npm,
        "PyPI" => Ecosystem::PyPI,
        "crates.io" => Ecosystem::CratesIo,
        "Go" => Ecosystem::Go,
        "RubyGems" => Ecosystem::RubyGems,
        _ => return None,
    })
}

/// The name as stored and looked up: PyPI by PEP 503, crates.io case- and
/// `-`/`_`-insensitive, others as published.
pub fn lookup_name(ecosystem: Ecosystem, raw: &str) -> String {
    let raw = raw.trim();
    match ecosystem {
        Ecosystem::PyPI => name::pep503(raw),
        Ecosystem::CratesIo => name::crate_name(raw),
        _ => raw.to_string(),
    }
}

/// Parses one OSV JSON document.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed, serde_json::Error> {
    let rec: Record = serde_json::from_slice(bytes)?;
    if rec.withdrawn.is_some() {
        return Ok(Parsed::Withdrawn);
    }
    let malicious = rec.id.starts_with("MAL-");
    let level = rec
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(|s| s.as_str())
        .map(str::to_string);
    let mut items: Vec<(Ecosystem, String, Advisory)> = Vec::new();
    for a in rec.affected {
        let Some(pkg) = a.package else { continue };
        let Some(eco) = ecosystem(&pkg.ecosystem) else {
            continue;
        };
        if pkg.name.trim().is_empty() {
            continue;
        }
        let ranges = a
            .ranges
            .iter()
            .filter(|r| r.kind == "SEMVER" || r.kind == "ECOSYSTEM")
            .map(|r| r.events.iter().filter_map(event).collect::<Vec<_>>())
            .filter(|e| !e.is_empty())
            .collect::<Vec<_>>();
        let spec = AffectedSpec {
            ranges,
            versions: a.versions,
        };
        let cvss = cvss(&a.severity).or_else(|| cvss(&rec.severity));
        let severity = (cvss.is_some() || level.is_some()).then(|| Severity {
            cvss,
            level: level.clone(),
        });
        let key = lookup_name(eco, &pkg.name);
        // Several affected entries for one package merge into one advisory.
        if let Some((_, _, adv)) = items.iter_mut().find(|(e, n, _)| *e == eco && *n == key) {
            adv.affected.push(spec);
            continue;
        }
        items.push((
            eco,
            key,
            Advisory {
                id: rec.id.clone(),
                aliases: rec.aliases.clone(),
                malicious,
                severity,
                affected: vec![spec],
            },
        ));
    }
    Ok(Parsed::Advisories {
        modified: rec.modified,
        items,
    })
}

fn event(map: &serde_json::Map<String, serde_json::Value>) -> Option<Event> {
    let (k, v) = map.iter().next()?;
    let v = v.as_str()?.to_string();
    Some(match k.as_str() {
        "introduced" => Event::Introduced(v),
        "fixed" => Event::Fixed(v),
        "last_affected" => Event::LastAffected(v),
        "limit" => Event::Limit(v),
        _ => return None,
    })
}

fn cvss(entries: &[SeverityEntry]) -> Option<String> {
    ["CVSS_V3", "CVSS_V4", "CVSS_V2"].iter().find_map(|want| {
        entries
            .iter()
            .find(|e| e.kind == *want)
            .and_then(|e| e.score.as_str())
            .map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn ghsa_record() {
        let json =
            br#"{"id":"GHSA-xxxx","aliases":["CVE-2020-1"],"modified":"2024-01-02T00:00:00Z",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "database_specific":{"severity":"CRITICAL"},
            "affected":[{"package":{"ecosystem":"PyPI","name":"Django_Thing"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]},
                        {"type":"GIT","events":[{"introduced":"abc"}]}]},
              {"package":{"ecosystem":"Debian:11","name":"x"}}]}"#;
        let Ok(Parsed::Advisories { items, modified }) = parse(json) else {
            panic!("parse")
        };
        assert_eq!(modified.as_deref(), Some("2024-01-02T00:00:00Z"));
        assert_eq!(items.len(), 1);
        let (eco, name, adv) = &items[0];
        assert_eq!((*eco, name.as_str()), (Ecosystem::PyPI, "django-thing"));
        assert_eq!(
            adv.severity.as_ref().and_then(|s| s.level.as_deref()),
            Some("CRITICAL")
        );
        assert_eq!(adv.affected[0].ranges.len(), 1);
        assert!(!adv.malicious);
    }

    #[test]
    fn withdrawn_and_garbage() {
        assert!(matches!(
            parse(br#"{"id":"MAL-1","withdrawn":"2024-01-01T00:00:00Z"}"#),
            Ok(Parsed::Withdrawn)
        ));
        assert!(parse(b"{not json").is_err());
        assert!(parse(br#"{"id":"X","affected":[{"package":null,"ranges":[{"type":"SEMVER","events":[{"introduced":5}]}]}]}"#).is_ok());
    }
}
