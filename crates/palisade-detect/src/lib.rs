//! Palisade's secret scanner: finds credentials (API keys, tokens, private
//! keys, passwords in connection strings) in text, so that they can be kept
//! out of an agent's context and out of commits.
//!
//! ```
//! use palisade_detect::{Confidence, Scanner};
//!
//! let scanner = Scanner::new();
//! let text = "# config\nDATABASE_URL=postgres://app:Zr7qLm2Xv9Tk@db.internal/app\n";
//! let findings = scanner.scan(text);
//! assert_eq!(findings.len(), 1);
//! let f = &findings[0];
//! assert_eq!(f.rule_id, "secret.database.postgres");
//! assert_eq!((f.line, f.column), (2, 29));
//! assert_eq!(f.confidence, Confidence::Medium);
//! // The secret itself is never part of a finding.
//! assert_eq!(f.redacted, "Zr7…(12 chars)");
//! assert!(!format!("{f:?}").contains("Zr7qLm2Xv9Tk"));
//! ```
//!
//! Rules are data (`rules/secrets/*.toml`, see [`rules::Rule`]); each has
//! examples and negative examples that the test suite checks. A scan:
//! 1. runs one Aho-Corasick automaton over all rule keywords and selects the
//!    rules whose keywords occur (rules without keywords always run);
//! 2. runs each selected rule's regex and takes its `secret` capture;
//! 3. drops placeholders ([`check::is_placeholder`]; for generic rules also
//!    [`check::is_code_like`]), values below the rule's
//!    entropy threshold, and values that fail the rule's validator (e.g. the
//!    CRC-32 of GitHub tokens, [`check::github_crc32_valid`]);
//! 4. keeps one finding per secret span: the first rule wins, and rule files
//!    list specific providers before generic rules.

#![deny(missing_docs)]

pub mod check;
pub mod rules;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use rules::{parse_file, Provider, Rule, RuleError, BUILT_IN_RULES};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How sure a rule's match is to be a real secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Loose shape (generic assignments).
    Low,
    /// Distinctive shape without a vendor prefix, or a context match.
    Medium,
    /// A vendor prefix or a verified checksum.
    High,
}

/// One secret found in a text. Holds no copy of the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Id of the rule that matched.
    pub rule_id: String,
    /// 1-based line of the secret's first character.
    pub line: usize,
    /// 1-based column (in characters) of the secret's first character.
    pub column: usize,
    /// A safe form of the secret ([`check::redact`]).
    pub redacted: String,
    /// Stable hex hash of the rule id and the secret ([`check::fingerprint`]).
    pub fingerprint: String,
    /// The rule's confidence.
    pub confidence: Confidence,
    /// Byte range of the secret in the scanned text (to redact it in place).
    pub span: std::ops::Range<usize>,
}

impl Finding {
    /// Short name of the secret's kind: the rule id without `secret.`, dots
    /// turned to hyphens (`secret.github.pat-classic` → `github-pat-classic`).
    pub fn kind(&self) -> String {
        self.rule_id
            .strip_prefix("secret.")
            .unwrap_or(&self.rule_id)
            .replace('.', "-")
    }
}

struct CompiledRule {
    rule: Rule,
    regex: Regex,
    /// Indexes of capture groups whose names start with `secret`.
    secret_groups: Vec<usize>,
}

/// A compiled set of secret rules. Build it once and reuse it.
pub struct Scanner {
    rules: Vec<CompiledRule>,
    /// Automaton over every rule's keywords; `None` when no rule has any.
    prefilter: Option<AhoCorasick>,
    /// For each automaton pattern, the rules that list that keyword.
    keyword_rules: Vec<Vec<usize>>,
    /// Providers from every rule file, by id.
    providers: BTreeMap<String, Provider>,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    /// The scanner with Palisade's built-in rules (`rules/secrets/*.toml`).
    ///
    /// # Panics
    /// Never in a released build: the test suite compiles every built-in rule.
    #[allow(clippy::expect_used)] // Built-in rules are checked by the tests.
    pub fn new() -> Self {
        Self::from_files(BUILT_IN_RULES).expect("built-in secret rules are valid")
    }

    /// A scanner from rule files: (path for messages, TOML text).
    pub fn from_files(files: &[(&str, &str)]) -> Result<Self, RuleError> {
        let mut all = Vec::new();
        let mut providers = BTreeMap::new();
        for (path, text) in files {
            let file = parse_file(path, text)?;
            for (id, p) in file.providers {
                if providers.insert(id.clone(), p).is_some() {
                    return Err(RuleError::Invalid {
                        path: (*path).to_string(),
                        id: format!("providers.{id}"),
                        message: "provider defined twice".to_string(),
                    });
                }
            }
            for rule in file.rule {
                let regex = Regex::new(&rule.pattern).map_err(|source| RuleError::Regex {
                    path: (*path).to_string(),
                    id: rule.id.clone(),
                    source,
                })?;
                let secret_groups = regex
                    .capture_names()
                    .enumerate()
                    .filter(|(_, n)| n.is_some_and(|n| n.starts_with("secret")))
                    .map(|(i, _)| i)
                    .collect();
                all.push(CompiledRule {
                    rule,
                    regex,
                    secret_groups,
                });
            }
        }
        Self::from_compiled(all, providers)
    }

    fn from_compiled(
        rules: Vec<CompiledRule>,
        providers: BTreeMap<String, Provider>,
    ) -> Result<Self, RuleError> {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            for k in &r.rule.keywords {
                let k = k.to_ascii_lowercase();
                match keywords.iter().position(|x| *x == k) {
                    Some(p) => keyword_rules[p].push(i),
                    None => {
                        keywords.push(k);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&keywords)
                    .map_err(|e| RuleError::Invalid {
                        path: "keywords".to_string(),
                        id: String::new(),
                        message: e.to_string(),
                    })?,
            )
        };
        Ok(Self {
            rules,
            prefilter,
            keyword_rules,
            providers,
        })
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules().find(|r| r.id == id)
    }

    /// The provider (name and how to rotate) of the rule with this id.
    pub fn provider_of(&self, rule_id: &str) -> Option<&Provider> {
        self.providers.get(&self.rule(rule_id)?.provider)
    }

    /// Every provider defined by the rule files, by id.
    pub fn providers(&self) -> &BTreeMap<String, Provider> {
        &self.providers
    }

    /// The rules, in evaluation order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    /// All secrets in `text`, ordered by position.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        self.scan_where(text, |_| true)
    }

    /// `text` with every secret replaced by `[REDACTED:<kind>]` (see
    /// [`Finding::kind`]), and the findings.
    pub fn redact(&self, text: &str) -> (String, Vec<Finding>) {
        let findings = self.scan(text);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in &findings {
            out.push_str(&text[at..f.span.start]);
            out.push_str("[REDACTED:");
            out.push_str(&f.kind());
            out.push(']');
            at = f.span.end;
        }
        out.push_str(&text[at..]);
        (out, findings)
    }

    /// Secrets that one rule finds in `text` (with the same prefilter and
    /// checks as [`Scanner::scan`]). Used to test a rule's examples.
    pub fn scan_rule(&self, rule_id: &str, text: &str) -> Vec<Finding> {
        self.scan_where(text, |r| r.id == rule_id)
    }

    fn scan_where(&self, text: &str, keep: impl Fn(&Rule) -> bool) -> Vec<Finding> {
        let active = self.active_rules(text);
        let lines = LineIndex::new(text);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut found: Vec<(usize, Finding)> = Vec::new();
        for (i, compiled) in self.rules.iter().enumerate() {
            if !active[i] || !keep(&compiled.rule) {
                continue;
            }
            for caps in compiled.regex.captures_iter(text) {
                let m = compiled
                    .secret_groups
                    .iter()
                    .find_map(|&g| caps.get(g))
                    .or_else(|| caps.get(0));
                let Some(m) = m else { continue };
                let secret = m.as_str();
                if !accept(&compiled.rule, secret) {
                    continue;
                }
                let span = (m.start(), m.end());
                if spans.iter().any(|&(s, e)| s < span.1 && span.0 < e) {
                    continue;
                }
                spans.push(span);
                let (line, column) = lines.position(text, m.start());
                found.push((
                    m.start(),
                    Finding {
                        rule_id: compiled.rule.id.clone(),
                        line,
                        column,
                        redacted: check::redact(secret),
                        fingerprint: check::fingerprint(&compiled.rule.id, secret),
                        confidence: compiled.rule.confidence,
                        span: span.0..span.1,
                    },
                ));
            }
        }
        found.sort_by_key(|(start, _)| *start);
        found.into_iter().map(|(_, f)| f).collect()
    }

    /// Which rules to run: those without keywords, and those with a keyword
    /// that occurs in `text`.
    fn active_rules(&self, text: &str) -> Vec<bool> {
        let mut active: Vec<bool> = self
            .rules
            .iter()
            .map(|r| r.rule.keywords.is_empty())
            .collect();
        if let Some(ac) = &self.prefilter {
            let mut seen = vec![false; self.keyword_rules.len()];
            let mut left = seen.len();
            for m in ac.find_overlapping_iter(text) {
                let p = m.pattern().as_usize();
                if !seen[p] {
                    seen[p] = true;
                    left -= 1;
                    for &r in &self.keyword_rules[p] {
                        active[r] = true;
                    }
                    if left == 0 {
                        break;
                    }
                }
            }
        }
        active
    }
}

/// The checks a candidate secret must pass besides its rule's regex.
fn accept(rule: &Rule, secret: &str) -> bool {
    if secret.is_empty() || check::is_placeholder(secret) {
        return false;
    }
    if rule.provider == "generic" && check::is_code_like(secret) {
        return false;
    }
    if let Some(min) = rule.entropy {
        if check::shannon_entropy(secret) < min {
            return false;
        }
    }
    match &rule.validator {
        Some(v) => check::validate(v, secret),
        None => true,
    }
}

/// Byte offsets of line starts, to turn an offset into a line and column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// 1-based line and 1-based column (in characters) of byte `offset`.
    fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn valid_github_token(prefix: &str, random: &str) -> String {
        let sum = check::base62(check::crc32(random.as_bytes()), 6);
        format!("{prefix}{random}{sum}")
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let token = valid_github_token("ghp_", "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1");
        let text = format!("first line\r\n  héllo = \"{token}\"\n");
        let findings = Scanner::new().scan(&text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].rule_id, "secret.github.pat-classic");
        assert_eq!((findings[0].line, findings[0].column), (2, 12));
        assert_eq!(findings[0].confidence, Confidence::High);
    }

    #[test]
    fn redact_replaces_each_secret_with_its_kind() {
        let token = valid_github_token("ghp_", "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1");
        let text = format!("GH={token}\nDB=postgres://u:Wq8LmT4vRk2N@db.local/app\nok\n");
        let (out, findings) = Scanner::new().redact(&text);
        assert_eq!(findings.len(), 2);
        assert_eq!(
            out,
            "GH=[REDACTED:github-pat-classic]\nDB=postgres://u:[REDACTED:database-postgres]@db.local/app\nok\n"
        );
    }

    #[test]
    fn line_index_positions() {
        let text = "ab\ncd\n\nü";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 1), (1, 2));
        assert_eq!(idx.position(text, 3), (2, 1));
        assert_eq!(idx.position(text, 6), (3, 1));
        assert_eq!(idx.position(text, 7), (4, 1));
    }

    #[test]
    fn findings_never_contain_the_secret() {
        let token = valid_github_token("gho_", "Zp3xWq8LmT4vRk2NcY7bHd5JsG9fE1");
        let text = format!("a={token}\npostgres://u:Wq8LmT4vRk2N@db.local/app\n");
        let findings = Scanner::new().scan(&text);
        assert_eq!(findings.len(), 2, "{findings:?}");
        for f in &findings {
            let shown = format!("{f:?}");
            assert!(!shown.contains(&token));
            assert!(!shown.contains("Wq8LmT4vRk2N"));
        }
    }

    #[test]
    fn placeholders_and_bad_checksums_are_dropped() {
        let good = valid_github_token("ghp_", "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1");
        let bad = format!("{}{}", &good[..good.len() - 1], "0");
        let bad = if bad == good {
            format!("{}{}", &good[..good.len() - 1], "1")
        } else {
            bad
        };
        let scanner = Scanner::new();
        assert!(scanner.scan(&format!("t={bad}")).is_empty());
        assert_eq!(scanner.scan(&format!("t={good}")).len(), 1);
        for placeholder in [
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "password = changeme",
            "password: ${DB_PASSWORD}",
            "TOKEN=$GITHUB_TOKEN",
            "api_key = <your-token>",
            "postgres://user:xxxxxxxx@localhost/db",
            "secret = 1234567890abcdef",
            "SECRET_KEY=zzzzzzzzzzzzzzzzzzzz",
        ] {
            assert_eq!(scanner.scan(placeholder), vec![], "{placeholder}");
        }
    }

    #[test]
    fn rules_without_keywords_always_run_and_keywords_gate_the_rest() {
        let files = [(
            "test.toml",
            r#"
[[rule]]
id = "secret.test.keyword"
provider = "test"
description = "gated"
references = ["https://example.invalid"]
pattern = 'K(?P<secret>[a-z0-9]{12})'
keywords = ["k"]
confidence = "low"

[[rule]]
id = "secret.test.always"
provider = "test"
description = "ungated"
references = ["https://example.invalid"]
pattern = 'Z(?P<secret>[0-9]{12})'
confidence = "low"
"#,
        )];
        let scanner = Scanner::from_files(&files).expect("rules load");
        assert_eq!(scanner.active_rules("nothing here"), vec![false, true]);
        assert_eq!(scanner.active_rules("has a K"), vec![true, true]);
        let f = scanner.scan("Kq7w3e9r1t5y2 Z748392017465");
        let ids: Vec<&str> = f.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(ids, vec!["secret.test.keyword", "secret.test.always"]);
    }

    #[test]
    fn bad_rule_files_are_rejected() {
        let base = "id = \"secret.t\"\nprovider = \"t\"\ndescription = \"d\"\nreferences = [\"r\"]\nconfidence = \"low\"\n";
        for (extra, want) in [
            ("pattern = '('", "rule `secret.t`"),
            ("pattern = 'a'\nvalidator = \"nope\"", "unknown validator"),
            ("pattern = 'a'\nunknown = 1", "unknown field"),
            ("pattern = 'a'\nkeywords = [\"\"]", "empty keyword"),
        ] {
            let text = format!("[[rule]]\n{base}{extra}\n");
            let err = Scanner::from_files(&[("t.toml", &text)])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(want), "{extra}: {err}");
        }
    }
}
