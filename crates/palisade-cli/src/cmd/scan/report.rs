//! How `palisade scan` writes findings (secrets and dependencies): human
//! lines, JSON lines, or one SARIF 2.1.0 log; and the baseline file that
//! hides findings already reviewed.

use super::config::ConfigItem;
use super::deps::{self, DepFinding};
use anyhow::Context as _;
use palisade_detect::{Confidence, Finding, Scanner};
use palisade_policy::audit::{self, Severity};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::Path;

/// A finding with where it was found.
pub struct Located {
    /// File path, `-` for stdin, or the path a history blob was seen at.
    pub path: String,
    /// The finding (its line already includes any hunk offset).
    pub finding: Finding,
    /// Git blob id, for history scans.
    pub blob: Option<String>,
    /// Commit that adds the blob, for history scans.
    pub commit: Option<String>,
}

/// One finding of either kind.
pub enum Found {
    /// A secret in a file, stdin, a staged hunk or a history blob.
    Secret(Located),
    /// A dependency of a manifest or lockfile, or a manifest that does not
    /// parse.
    Dependency(DepFinding),
    /// A risky setting in an agent's configuration.
    Config(ConfigItem),
}

impl Found {
    /// The path it was found at.
    pub fn path(&self) -> &str {
        match self {
            Found::Secret(l) => &l.path,
            Found::Dependency(d) => &d.path,
            Found::Config(c) => &c.finding.path,
        }
    }

    /// `(line, column)`, 1-based; `(0, 0)` when unknown.
    pub fn position(&self) -> (usize, usize) {
        match self {
            Found::Secret(l) => (l.finding.line, l.finding.column),
            Found::Dependency(d) => (d.line.map_or(0, |l| l as usize), 0),
            Found::Config(c) => (c.finding.line.map_or(0, |l| l as usize), 0),
        }
    }

    /// The level `--fail-on` compares: a secret rule's confidence, a
    /// dependency finding's severity.
    pub fn level(&self) -> Confidence {
        match self {
            Found::Secret(l) => l.finding.confidence,
            Found::Dependency(d) => d.level,
            Found::Config(c) => match c.finding.severity {
                Severity::High => Confidence::High,
                Severity::Medium => Confidence::Medium,
                Severity::Low | Severity::Info => Confidence::Low,
            },
        }
    }

    /// Whether it is a note only (a configuration finding of severity
    /// info), which never makes the exit status 1.
    pub fn informational(&self) -> bool {
        matches!(self, Found::Config(c) if c.finding.severity == Severity::Info)
    }

    /// The baseline fingerprint.
    pub fn fingerprint(&self) -> &str {
        match self {
            Found::Secret(l) => &l.finding.fingerprint,
            Found::Dependency(d) => &d.fingerprint,
            Found::Config(c) => &c.fingerprint,
        }
    }

    /// The rule id.
    pub fn rule_id(&self) -> &str {
        match self {
            Found::Secret(l) => &l.finding.rule_id,
            Found::Dependency(d) => d.rule,
            Found::Config(c) => c.finding.rule,
        }
    }
}

/// Lowercase name of a confidence, as written in JSON and on the command line.
pub fn confidence_name(c: Confidence) -> &'static str {
    match c {
        Confidence::Low => "low",
        Confidence::Medium => "medium",
        Confidence::High => "high",
    }
}

/// SARIF `level` for a confidence: high → error, medium → warning, low → note.
fn sarif_level(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "error",
        Confidence::Medium => "warning",
        Confidence::Low => "note",
    }
}

/// One human line: for a secret `path:line:column: rule (confidence)
/// redacted`, for a dependency `path:line: rule (level) message` (no line
/// when it is not known), for a configuration finding `path:line: rule
/// (severity) message; fix: …`.
pub fn human_line(f: &Found) -> String {
    match f {
        Found::Secret(l) => secret_line(l),
        Found::Dependency(d) => {
            let at = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            format!(
                "{}{at}: {} ({}) {}",
                d.path,
                d.rule,
                confidence_name(d.level),
                d.message
            )
        }
        Found::Config(c) => {
            let f = &c.finding;
            let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
            format!(
                "{}{at}: {} ({}) {}; fix: {}",
                f.path,
                f.rule,
                f.severity.as_str(),
                f.message,
                f.fix
            )
        }
    }
}

fn secret_line(l: &Located) -> String {
    let f = &l.finding;
    let at = match &l.commit {
        Some(c) => format!(" (commit {})", &c[..c.len().min(12)]),
        None => String::new(),
    };
    format!(
        "{}:{}:{}: {} ({}) {}{at}",
        l.path,
        f.line,
        f.column,
        f.rule_id,
        confidence_name(f.confidence),
        f.redacted
    )
}

/// One JSON object per finding.
///
/// A secret (`"kind": "secret"`): `path`, `line`, `column` (1-based,
/// characters), `rule_id`, `provider`, `confidence`, `level` (the same,
/// as `--fail-on` reads it), `redacted`, `fingerprint`, `rotate` (how to
/// revoke it), and for history scans `blob` and `commit`.
///
/// A dependency (`"kind": "dependency"`): `path`, `line` (`null` when not
/// known), `rule_id`, `level` (`high`, `medium`, `low`), `manifest` (the
/// file kind), `ecosystem`, `package`, `version` (as written: exact in a
/// lockfile, a range in a manifest), `source` (`{"kind": "registry" |
/// "url" | "vcs" | "path", …}`), `dependency_kind`, `direct`, `advisories`
/// (ids), `severity`, `fixed` (first fixed version), `message`,
/// `fingerprint`. The package fields are `null` for a file that does not
/// parse (`supply.manifest-invalid`) or an index reference.
///
/// A configuration finding (`"kind": "config"`): `path`, `line` (`null`
/// when not known), `rule_id`, `level` (`high`, `medium`, `low`, `info`),
/// `agent` (`claude-code`, `codex`, `gemini-cli`), `message`, `fix`,
/// `fingerprint`.
pub fn json_value(scanner: &Scanner, f: &Found) -> Value {
    match f {
        Found::Secret(l) => secret_json(scanner, l),
        Found::Dependency(d) => json!({
            "kind": "dependency",
            "path": d.path,
            "line": d.line,
            "rule_id": d.rule,
            "level": confidence_name(d.level),
            "manifest": d.manifest,
            "ecosystem": d.install.as_ref().map(|i| i.ecosystem.osv_name()),
            "package": d.install.as_ref().map(|i| i.name.as_str()),
            "version": d.install.as_ref().and_then(|i| i.version.as_deref()),
            "source": d.install.as_ref().map(|i| &i.source),
            "dependency_kind": d.dependency_kind,
            "direct": d.direct,
            "advisories": d.advisories,
            "severity": d.severity,
            "fixed": d.fixed,
            "message": d.message,
            "fingerprint": d.fingerprint,
        }),
        Found::Config(c) => json!({
            "kind": "config",
            "path": c.finding.path,
            "line": c.finding.line,
            "rule_id": c.finding.rule,
            "level": c.finding.severity.as_str(),
            "agent": c.finding.agent,
            "message": c.finding.message,
            "fix": c.finding.fix,
            "fingerprint": c.fingerprint,
        }),
    }
}

fn secret_json(scanner: &Scanner, l: &Located) -> Value {
    let f = &l.finding;
    let mut v = json!({
        "kind": "secret",
        "path": l.path,
        "line": f.line,
        "column": f.column,
        "rule_id": f.rule_id,
        "provider": scanner.rule(&f.rule_id).map(|r| r.provider.as_str()),
        "confidence": confidence_name(f.confidence),
        "level": confidence_name(f.confidence),
        "redacted": f.redacted,
        "fingerprint": f.fingerprint,
        "rotate": scanner.provider_of(&f.rule_id).map(|p| p.rotate.as_str()),
    });
    if let Some(b) = &l.blob {
        v["blob"] = json!(b);
    }
    if let Some(c) = &l.commit {
        v["commit"] = json!(c);
    }
    v
}

/// Where the README explains the dependency rules.
const DEPENDENCY_HELP_URI: &str =
    "https://github.com/palisade-sec/palisade#dependencies-in-palisade-scan";

/// One SARIF 2.1.0 log with one run: the rules that produced findings under
/// `tool.driver.rules` (secrets with the rotation advice as help text,
/// dependency rules with a full description and a `helpUri`), and one
/// result per finding with its location (a dependency without a known
/// line has no region), level and a `partialFingerprints` entry; dependency
/// results carry the package, version, advisories and fixed version under
/// `properties`. Format: OASIS SARIF v2.1.0,
/// <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>.
pub fn sarif(scanner: &Scanner, findings: &[Found]) -> Value {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in findings {
        let id = f.rule_id();
        if rule_index.contains_key(id) {
            continue;
        }
        rule_index.insert(id, rules.len());
        rules.push(match f {
            Found::Secret(_) => secret_rule(scanner, id),
            Found::Dependency(_) => dependency_rule(id),
            Found::Config(_) => config_rule(id),
        });
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|found| {
            let index = rule_index.get(found.rule_id()).copied().unwrap_or(0);
            match found {
                Found::Secret(l) => secret_result(scanner, l, index),
                Found::Dependency(d) => dependency_result(d, index),
                Found::Config(c) => config_result(c, index),
            }
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "palisade",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/palisade-sec/palisade",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn secret_rule(scanner: &Scanner, id: &str) -> Value {
    let rule = scanner.rule(id);
    let rotate = scanner.provider_of(id).map_or("", |p| p.rotate.as_str());
    let mut r = json!({
        "id": id,
        "name": id,
        "shortDescription": {"text": rule.map_or(id, |r| r.description.as_str())},
        "help": {"text": format!("How to revoke or rotate it: {rotate}")},
        "properties": {
            "tags": ["security", "secret"],
            "provider": rule.map(|r| r.provider.as_str()),
            "confidence": rule.map(|r| confidence_name(r.confidence)),
        },
    });
    if let Some(uri) = rule.and_then(|r| r.references.first()) {
        r["helpUri"] = json!(uri);
    }
    r
}

fn dependency_rule(id: &str) -> Value {
    let info = deps::rule_info(id);
    json!({
        "id": id,
        "name": id,
        "shortDescription": {"text": info.map_or(id, |i| i.short)},
        "fullDescription": {"text": info.map_or(id, |i| i.full)},
        "help": {"text": info.map_or(id, |i| i.full)},
        "helpUri": DEPENDENCY_HELP_URI,
        "properties": {"tags": ["security", "supply-chain", "dependency"]},
    })
}

/// Where the rules of the configuration audit are explained.
const CONFIG_HELP_URI: &str =
    "https://github.com/palisade-sec/palisade/blob/main/docs/config-audit.md";

fn config_rule(id: &str) -> Value {
    let info = audit::rule(id);
    json!({
        "id": id,
        "name": id,
        "shortDescription": {"text": info.map_or(id, |i| i.short)},
        "fullDescription": {"text": info.map_or(id, |i| i.full)},
        "help": {"text": info.map_or(id, |i| i.full)},
        "helpUri": info
            .and_then(|i| i.references.first().copied())
            .unwrap_or(CONFIG_HELP_URI),
        "properties": {"tags": ["security", "configuration", "agent"]},
    })
}

fn config_result(c: &ConfigItem, rule_index: usize) -> Value {
    let f = &c.finding;
    let mut location = json!({"artifactLocation": {"uri": sarif_uri(&f.path)}});
    if let Some(line) = f.line {
        location["region"] = json!({"startLine": line});
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": match f.severity {
            Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        },
        "message": {"text": format!("{} Fix: {}.", f.message, f.fix)},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"palisadeConfig/v1": c.fingerprint},
        "properties": {"agent": f.agent, "severity": f.severity.as_str()},
    })
}

fn secret_result(scanner: &Scanner, l: &Located, rule_index: usize) -> Value {
    let f = &l.finding;
    let mut result = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": sarif_level(f.confidence),
        "message": {"text": format!(
            "{} found: {} (the secret itself is not shown)",
            scanner.rule(&f.rule_id).map_or(f.rule_id.as_str(), |r| r.description.as_str()),
            f.redacted
        )},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": sarif_uri(&l.path)},
                "region": {"startLine": f.line, "startColumn": f.column},
            }
        }],
        "partialFingerprints": {"palisadeSecret/v1": f.fingerprint},
    });
    if let Some(c) = &l.commit {
        result["properties"] = json!({"commit": c, "blob": l.blob});
    }
    result
}

fn dependency_result(d: &DepFinding, rule_index: usize) -> Value {
    let mut location = json!({"artifactLocation": {"uri": sarif_uri(&d.path)}});
    if let Some(line) = d.line {
        location["region"] = json!({"startLine": line});
    }
    let mut properties = json!({
        "manifest": d.manifest,
        "level": confidence_name(d.level),
    });
    if let Some(i) = &d.install {
        properties["ecosystem"] = json!(i.ecosystem.osv_name());
        properties["package"] = json!(i.name);
        properties["version"] = json!(i.version);
        properties["source"] = json!(i.source);
        properties["direct"] = json!(d.direct);
    }
    if !d.advisories.is_empty() {
        properties["advisories"] = json!(d.advisories);
    }
    if let Some(s) = &d.severity {
        properties["severity"] = json!(s);
    }
    if let Some(v) = &d.fixed {
        properties["fixed"] = json!(v);
    }
    json!({
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": sarif_level(d.level),
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"palisadeDependency/v1": d.fingerprint},
        "properties": properties,
    })
}

/// A path as a SARIF artifact URI: relative paths stay relative (with `/`),
/// stdin becomes `stdin`; characters outside RFC 3986's unreserved and path
/// sets are percent-encoded.
fn sarif_uri(path: &str) -> String {
    if path == "-" {
        return "stdin".to_string();
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// A baseline: findings that were reviewed and accepted, matched by
/// fingerprint: for a secret its rule and the secret, not its place, so
/// moving code keeps it hidden; for a dependency the file, rule, package,
/// version and advisory ids, so that a new advisory is reported again. Written by `--write-baseline`, read by `--baseline`.
#[derive(Serialize, Deserialize, Default)]
pub struct Baseline {
    /// Format version: 1.
    pub version: u32,
    /// The accepted findings.
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding. Only `fingerprint` is matched; the rest helps
/// reviewers.
#[derive(Serialize, Deserialize)]
pub struct BaselineEntry {
    /// [`Finding::fingerprint`].
    pub fingerprint: String,
    /// Rule id.
    pub rule_id: String,
    /// Where it was when the baseline was written.
    pub path: String,
    /// Line, then (absent when not known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The redacted match, for a secret.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub redacted: String,
    /// `ecosystem name version`, for a dependency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

impl Baseline {
    /// Reads a baseline file. Errors name the file.
    pub fn load(path: &Path) -> anyhow::Result<HashSet<String>> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading baseline {}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a palisade baseline", path.display()))?;
        anyhow::ensure!(
            b.version == 1,
            "{}: baseline version {} is not supported (expected 1)",
            path.display(),
            b.version
        );
        Ok(b.findings.into_iter().map(|e| e.fingerprint).collect())
    }

    /// Writes the findings as a baseline (pretty JSON, sorted by path and line).
    pub fn write(path: &Path, findings: &[Found]) -> anyhow::Result<()> {
        let b = Baseline {
            version: 1,
            findings: findings
                .iter()
                .map(|f| match f {
                    Found::Secret(l) => BaselineEntry {
                        fingerprint: l.finding.fingerprint.clone(),
                        rule_id: l.finding.rule_id.clone(),
                        path: l.path.clone(),
                        line: Some(l.finding.line),
                        redacted: l.finding.redacted.clone(),
                        package: None,
                    },
                    Found::Dependency(d) => BaselineEntry {
                        fingerprint: d.fingerprint.clone(),
                        rule_id: d.rule.to_string(),
                        path: d.path.clone(),
                        line: d.line.map(|l| l as usize),
                        redacted: String::new(),
                        package: d.install.as_ref().map(|i| {
                            format!(
                                "{} {} {}",
                                i.ecosystem.osv_name(),
                                i.name,
                                i.version.as_deref().unwrap_or("")
                            )
                            .trim_end()
                            .to_string()
                        }),
                    },
                    Found::Config(c) => BaselineEntry {
                        fingerprint: c.fingerprint.clone(),
                        rule_id: c.finding.rule.to_string(),
                        path: c.finding.path.clone(),
                        line: c.finding.line.map(|l| l as usize),
                        redacted: String::new(),
                        package: None,
                    },
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&b)?;
        text.push('\n');
        let mut f = std::fs::File::create(path)
            .with_context(|| format!("writing baseline {}", path.display()))?;
        f.write_all(text.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sarif_uris_are_relative_or_file_urls_and_encoded() {
        assert_eq!(sarif_uri("./src/a b.py"), "src/a%20b.py");
        assert_eq!(sarif_uri("/tmp/x#y"), "file:///tmp/x%23y");
        assert_eq!(sarif_uri("-"), "stdin");
    }
}
