//! How `palisade scan` writes findings: human lines, JSON lines, or one
//! SARIF 2.1.0 log; and the baseline file that hides findings already
//! reviewed.

use anyhow::Context as _;
use palisade_detect::{Confidence, Finding, Scanner};
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

/// One human line: `path:line:column: rule (confidence) redacted`.
pub fn human_line(l: &Located) -> String {
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

/// One JSON object per finding. Fields: `path`, `line`, `column` (1-based,
/// characters), `rule_id`, `provider`, `confidence`, `redacted`,
/// `fingerprint`, `rotate` (how to revoke it), and for history scans `blob`
/// and `commit`.
pub fn json_value(scanner: &Scanner, l: &Located) -> Value {
    let f = &l.finding;
    let mut v = json!({
        "path": l.path,
        "line": f.line,
        "column": f.column,
        "rule_id": f.rule_id,
        "provider": scanner.rule(&f.rule_id).map(|r| r.provider.as_str()),
        "confidence": confidence_name(f.confidence),
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

/// One SARIF 2.1.0 log with one run: the rules that produced findings under
/// `tool.driver.rules` (with the rotation advice as help text), and one
/// result per finding with its location, level and a `partialFingerprints`
/// entry. Format: OASIS SARIF v2.1.0,
/// <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>.
pub fn sarif(scanner: &Scanner, findings: &[Located]) -> Value {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for l in findings {
        let id = l.finding.rule_id.as_str();
        if rule_index.contains_key(id) {
            continue;
        }
        rule_index.insert(id, rules.len());
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
        rules.push(r);
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|l| {
            let f = &l.finding;
            let mut result = json!({
                "ruleId": f.rule_id,
                "ruleIndex": rule_index[f.rule_id.as_str()],
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
/// fingerprint (rule and secret, not place, so moving code keeps them
/// hidden). Written by `--write-baseline`, read by `--baseline`.
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
    /// Line, then.
    pub line: usize,
    /// The redacted match.
    pub redacted: String,
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
    pub fn write(path: &Path, findings: &[Located]) -> anyhow::Result<()> {
        let b = Baseline {
            version: 1,
            findings: findings
                .iter()
                .map(|l| BaselineEntry {
                    fingerprint: l.finding.fingerprint.clone(),
                    rule_id: l.finding.rule_id.clone(),
                    path: l.path.clone(),
                    line: l.finding.line,
                    redacted: l.finding.redacted.clone(),
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
