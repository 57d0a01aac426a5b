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
//! 2. runs each selected rule's regex only near its keywords: on a window
//!    from the lines up to 512 bytes before the keyword to about 1 KiB after it (the
//!    rule's `window`; private-key blocks use 16 KiB), and takes the
//!    `secret` capture. Rules without keywords run on the whole text;
//! 3. drops placeholders ([`check::is_placeholder`]; for generic rules also
//!    [`check::is_code_like`]), values below the rule's
//!    entropy threshold, and values that fail the rule's validator (e.g. the
//!    CRC-32 of GitHub tokens, [`check::github_crc32_valid`]);
//! 4. keeps one finding per secret span: the first rule wins, and rule files
//!    list specific providers before generic rules.

#![deny(missing_docs)]

pub mod check;
pub mod rules;
mod stream;

pub use stream::{StreamRedactor, MAX_KEY_BYTES, MAX_LINE_BYTES};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use rules::{parse_file, Provider, Rule, RuleError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

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
    /// The rule file, for messages.
    path: String,
    /// The regex and the indexes of its capture groups whose names start
    /// with `secret`; compiled on first use (`None`: it does not compile).
    regex: OnceLock<Option<(Regex, Vec<usize>)>>,
}

impl CompiledRule {
    fn regex(&self) -> Option<&(Regex, Vec<usize>)> {
        self.regex
            .get_or_init(|| compile(&self.rule.pattern).ok())
            .as_ref()
    }
}

/// Compiles a rule pattern as an ASCII-only byte regex: `\w`, `\d`, `\s`,
/// `\b` and `(?i)` are ASCII (token alphabets are), which compiles about ten
/// times faster and smaller than Unicode classes. Returns the regex and the
/// indexes of its `secret…` groups.
fn compile(pattern: &str) -> Result<(Regex, Vec<usize>), regex::Error> {
    let regex = RegexBuilder::new(pattern).unicode(false).build()?;
    let groups = regex
        .capture_names()
        .enumerate()
        .filter(|(_, n)| n.is_some_and(|n| n.starts_with("secret")))
        .map(|(i, _)| i)
        .collect();
    Ok((regex, groups))
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
    /// Each rule's regex is compiled the first time its keyword occurs in a
    /// scanned text, so that a hook call that scans one prompt pays only for
    /// the rules it needs.
    ///
    /// # Panics
    /// Never in a released build: the test suite loads and compiles every
    /// built-in rule ([`Scanner::compile_all`]).
    #[allow(clippy::expect_used)] // Built-in rules are checked by the tests.
    pub fn new() -> Self {
        Self::built_in(AhoCorasickKind::ContiguousNFA).expect("built-in secret rules are valid")
    }

    /// The built-in rules, tuned for scanning many files: the keyword
    /// prefilter is a DFA, which takes a few milliseconds more to build than
    /// [`Scanner::new`]'s and searches about twice as fast. Findings are the
    /// same.
    ///
    /// # Panics
    /// As [`Scanner::new`].
    #[allow(clippy::expect_used)] // Built-in rules are checked by the tests.
    pub fn new_bulk() -> Self {
        Self::built_in(AhoCorasickKind::DFA).expect("built-in secret rules are valid")
    }

    fn built_in(kind: AhoCorasickKind) -> Result<Self, RuleError> {
        let files = rules::built_in_files()?;
        Self::load(files.into_iter().map(|(p, f)| (p.to_string(), f)), kind)
    }

    /// A scanner from rule files: (path for messages, TOML text). Every
    /// pattern is compiled now, so that a bad rule is reported here.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Self, RuleError> {
        let parsed = files
            .iter()
            .map(|(path, text)| parse_file(path, text).map(|f| ((*path).to_string(), f)))
            .collect::<Result<Vec<_>, _>>()?;
        let scanner = Self::load(parsed, AhoCorasickKind::ContiguousNFA)?;
        scanner.compile_all()?;
        Ok(scanner)
    }

    /// Compiles every rule's regex now; the first that fails is the error.
    pub fn compile_all(&self) -> Result<(), RuleError> {
        for r in &self.rules {
            let compiled = compile(&r.rule.pattern).map_err(|source| RuleError::Regex {
                path: r.path.clone(),
                id: r.rule.id.clone(),
                source,
            })?;
            let _ = r.regex.set(Some(compiled));
        }
        Ok(())
    }

    fn load(
        files: impl IntoIterator<Item = (String, rules::RuleFile)>,
        kind: AhoCorasickKind,
    ) -> Result<Self, RuleError> {
        let mut all = Vec::new();
        let mut providers = BTreeMap::new();
        for (path, file) in files {
            for (id, p) in file.providers {
                if providers.insert(id.clone(), p).is_some() {
                    return Err(RuleError::Invalid {
                        path: path.clone(),
                        id: format!("providers.{id}"),
                        message: "provider defined twice".to_string(),
                    });
                }
            }
            for rule in file.rule {
                all.push(CompiledRule {
                    rule,
                    path: path.clone(),
                    regex: OnceLock::new(),
                });
            }
        }
        Self::from_compiled(all, providers, kind)
    }

    fn from_compiled(
        rules: Vec<CompiledRule>,
        providers: BTreeMap<String, Provider>,
        kind: AhoCorasickKind,
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
                    .kind(Some(kind))
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
        let hits = self.keyword_hits(text);
        // Built on the first finding: most texts have none.
        let mut lines: Option<LineIndex> = None;
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut found: Vec<(usize, Finding)> = Vec::new();
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for (i, compiled) in self.rules.iter().enumerate() {
            let rule = &compiled.rule;
            if !keep(rule) {
                continue;
            }
            windows.clear();
            if rule.keywords.is_empty() {
                windows.push((0, text.len()));
            } else {
                let after = rule.window.unwrap_or(DEFAULT_WINDOW);
                for &at in &hits[i] {
                    // A hit whose reach ends inside the last window adds
                    // nothing (hits are ascending): skip the line search.
                    if windows.last().is_some_and(|l| at + after <= l.1) {
                        continue;
                    }
                    let w = window(text, at, after);
                    match windows.last_mut() {
                        Some(last) if w.0 <= last.1 => last.1 = last.1.max(w.1),
                        _ => windows.push(w),
                    }
                }
            }
            if windows.is_empty() {
                continue;
            }
            let Some((regex, secret_groups)) = compiled.regex() else {
                continue;
            };
            for &(from, to) in &windows {
                for caps in regex.captures_iter(&text.as_bytes()[from..to]) {
                    let m = secret_groups
                        .iter()
                        .find_map(|&g| caps.get(g))
                        .or_else(|| caps.get(0));
                    let Some(m) = m else { continue };
                    // ASCII classes can stop inside a multi-byte character:
                    // keep the whole characters within the match.
                    let (mut start, mut end) = (from + m.start(), from + m.end());
                    while start < end && !text.is_char_boundary(start) {
                        start += 1;
                    }
                    while end > start && !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    let secret = &text[start..end];
                    let rest = &text[end..];
                    let after = rest.trim_start_matches([' ', '\t']);
                    let next = Next {
                        char: after.chars().next(),
                        after_blank: after.len() < rest.len(),
                        blank_before: text[..start].ends_with([' ', '\t']),
                    };
                    if !accept(rule, secret, next) {
                        continue;
                    }
                    let span = (start, end);
                    if spans.iter().any(|&(s, e)| s < span.1 && span.0 < e) {
                        continue;
                    }
                    spans.push(span);
                    let (line, column) = lines
                        .get_or_insert_with(|| LineIndex::new(text))
                        .position(text, span.0);
                    found.push((
                        span.0,
                        Finding {
                            rule_id: rule.id.clone(),
                            line,
                            column,
                            redacted: check::redact(secret),
                            fingerprint: check::fingerprint(&rule.id, secret),
                            confidence: rule.confidence,
                            span: span.0..span.1,
                        },
                    ));
                }
            }
        }
        found.sort_by_key(|(start, _)| *start);
        found.into_iter().map(|(_, f)| f).collect()
    }

    /// For each rule, the byte offsets (ascending) where one of its keywords
    /// occurs in `text`. Rules without keywords get no offsets (they run on
    /// the whole text).
    fn keyword_hits(&self, text: &str) -> Vec<Vec<usize>> {
        let mut hits: Vec<Vec<usize>> = vec![Vec::new(); self.rules.len()];
        if let Some(ac) = &self.prefilter {
            for m in ac.find_overlapping_iter(text) {
                for &r in &self.keyword_rules[m.pattern().as_usize()] {
                    let at = m.start();
                    // Overlapping keywords of one rule can report the same
                    // place twice; offsets arrive in ascending end order.
                    if hits[r].last() != Some(&at) {
                        hits[r].push(at);
                    }
                }
            }
            for h in &mut hits {
                if !h.is_sorted() {
                    h.sort_unstable();
                    h.dedup();
                }
            }
        }
        hits
    }

    /// Which rules run on `text`: those without keywords, and those with a
    /// keyword that occurs in it.
    #[cfg(test)]
    fn active_rules(&self, text: &str) -> Vec<bool> {
        let hits = self.keyword_hits(text);
        self.rules
            .iter()
            .zip(&hits)
            .map(|(r, h)| r.rule.keywords.is_empty() || !h.is_empty())
            .collect()
    }
}

/// Bytes after a keyword that a rule's regex sees, unless the rule sets
/// `window`.
pub const DEFAULT_WINDOW: usize = 1024;

/// Bytes before a keyword that a rule's regex sees (whole lines): enough for
/// a secret written before its context word, even on the line above.
const WINDOW_BEFORE: usize = 512;

/// The part of `text` a rule's regex runs on for a keyword at `at`: from the
/// first line start at most [`WINDOW_BEFORE`] bytes back (or that point, in
/// a longer line) to the
/// end of the line holding `at + after` (at most 4 KiB further), on `char`
/// boundaries.
fn window(text: &str, at: usize, after: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let low = at.saturating_sub(WINDOW_BEFORE);
    let mut from = if low == 0 {
        0
    } else {
        bytes[low..at]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(low, |p| low + p + 1)
    };
    let reach = (at + after).min(bytes.len());
    let cap = (reach + 4096).min(bytes.len());
    let mut to = bytes[reach..cap]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(cap, |p| reach + p);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    while !text.is_char_boundary(to) {
        to += 1;
    }
    (from, to)
}

/// What follows a candidate secret in the text.
#[derive(Clone, Copy)]
struct Next {
    /// The first character after it other than spaces and tabs.
    char: Option<char>,
    /// Whether spaces or tabs come first.
    after_blank: bool,
    /// Whether a space or tab comes right before the value (`a = b;` in
    /// code, unlike `Password=b;` in a connection string).
    blank_before: bool,
}

impl Next {
    /// For generic rules: does the context show the value is code or prose?
    /// A value followed by `(`, `[`, `<`, `{` or `=` is a call, an index, a
    /// type or a declaration (`token = tokenize(input)`,
    /// `key: KeyType = …`); a
    /// value followed by another word is prose (`PASS: test works`), unless
    /// the value mixes upper case, lower case and digits as random tokens do
    /// (`use API_TOKEN=Hq4vWm8N… for the deploy`).
    fn shows_code(self, value: &str) -> bool {
        match self.char {
            Some('(' | '[' | '<' | '{' | '=' | '>') => true,
            // `x = other_name;`: a C-like statement assigning a variable.
            Some(';') => {
                self.blank_before
                    && value.contains('_')
                    && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            }
            Some(c) => self.after_blank && c.is_ascii_alphabetic() && !looks_random(value),
            None => false,
        }
    }
}

/// Does `value` mix upper case, lower case and digits, as random tokens do?
fn looks_random(value: &str) -> bool {
    let has = |f: fn(&u8) -> bool| value.as_bytes().iter().any(f);
    has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase) && has(u8::is_ascii_digit)
}

/// The checks a candidate secret must pass besides its rule's regex;
/// `next` is what follows it.
fn accept(rule: &Rule, secret: &str, next: Next) -> bool {
    if secret.is_empty() || check::is_placeholder(secret) {
        return false;
    }
    if rule.provider == "generic"
        && (check::is_code_like(secret)
            || next.shows_code(secret)
            || check::has_checksummed_prefix(secret))
    {
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
    fn long_private_key_blocks_are_found_through_their_window() {
        // A 4096-bit RSA key is about 3.2 KB of base64 in 64-char lines.
        let body: String = (0..52)
            .map(|i| {
                let line: String = (0..64)
                    .map(|j| {
                        char::from(b"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/"[(i * 7 + j * 13) % 38])
                    })
                    .collect();
                line + "\n"
            })
            .collect();
        let text = format!(
            "{}\n-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n",
            "x = 1\n".repeat(300)
        );
        let f = Scanner::new().scan(&text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule_id, "secret.private-key.pem");
        assert_eq!(f[0].line, 303); // the key body, after the BEGIN line
    }

    #[test]
    fn windows_start_at_the_keyword_line_and_reach_secrets_before_the_keyword() {
        let files = [(
            "t.toml",
            r#"
[providers.t]
name = "T"
rotate = "rotate it"

[[rule]]
id = "secret.t.suffix"
provider = "t"
description = "secret written before its keyword"
references = ["https://example.invalid"]
pattern = '\b(?P<secret>[0-9a-f]{16})-zone\b'
keywords = ["-zone"]
confidence = "low"
"#,
        )];
        let scanner = Scanner::from_files(&files).expect("rules load");
        let far = format!("{}\n", "y".repeat(5000));
        let text = format!("{far}key = 9f8e7d6c5b4a3921-zone\n{far}");
        let f = scanner.scan(&text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].line, f[0].column), (2, 7));
        // Two keyword hits on one line share one window: one finding each.
        let f = scanner.scan("a=9f8e7d6c5b4a3921-zone b=0f8e7d6c5b4a3921-zone");
        assert_eq!(f.len(), 2, "{f:?}");
    }

    #[test]
    fn the_bulk_scanner_finds_the_same_secrets() {
        let token = valid_github_token("ghp_", "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1");
        let text = format!(
            "a={token}\nDB=postgres://u:Wq8LmT4vRk2N@db.local/app\nSK=sk_live_{}\n",
            "Xq8mT2vLw9Kr3P0MbN5zYc7d"
        );
        let (a, b) = (Scanner::new().scan(&text), Scanner::new_bulk().scan(&text));
        assert_eq!(a.len(), 3, "{a:?}");
        assert_eq!(a, b);
    }

    #[test]
    fn generic_rules_skip_code() {
        let scanner = Scanner::new();
        for code in [
            "let environment_tokens = tokenize_for_shell_dialect(invocation, ShellDialect::Posix);",
            "secret_access_key: value.1.to_owned(),",
            "pub token_stream: __IncompleteArrayField<__u8>,",
            "let pass = CString::new(password).unwrap();",
            "password_len: ::std::os::raw::c_int,",
            "enc.pass = passwords[z];",
            "char *pass = file_get_pass(pass_data->ui_method, buf, num,",
            "if (token == NID_kx_rsa_psk_export) {",
            "let der_private_key_buffer: EcPrivateKeyRfc5915Der = my_private.as_der();",
            "println!(\"[TEST] PASS: write_recover works after read poison\");",
            "PEM_R_PROBLEMS_GETTING_PASSWORD:109:problems getting password",
            "let first_pass = FirstPass {",
            ".compute_shared_secret = curve25519_compute_value,",
            ".pwd = &sifive_fu540_prci_corepll_data,",
            "printf(\"%s\", ret == expect ? \"pass\" : \"fail\");",
            "prev_pass = curr_pass;",
            "xdp_pass   = cpu_stats->xdp_pass;",
            // Checksummed formats are the specific rules' to judge.
            "GITHUB_TOKEN=ghp_KnTAu4I5gPiPATejC2VpJJEjErVTqrXfaOcr",
            "token = \"ghp-CC1imEpe1LQzGPoCtLMsHRGUQV3IJ9KfitP5\"",
            "NPM_TOKEN=npm_4nRLzjo1N4sS1uOVXeHmONRc3rGRuBvytXAX",
        ] {
            assert_eq!(scanner.scan(code), vec![], "{code}");
        }
        for secret in [
            "password = open_sesame",
            "Server=db;User Id=app;Password=hunterxy;Database=app;",
            "Provider=SQLOLEDB.1;Password =special_user;Initial Catalog=Bill;",
            "API_TOKEN=Hq4vWm8Np2RsXc7YhJd3BfGs",
            "please use API_TOKEN=Hq4vWm8Np2RsXc7YhJd3BfGs for the deploy",
            "\"password\": \"passw0rd-Zr7q\"",
        ] {
            assert_eq!(scanner.scan(secret).len(), 1, "{secret}");
        }
    }

    #[test]
    fn ascii_classes_never_split_a_character() {
        // `[^\s"]` in an ASCII byte regex matches the bytes of `é` one by
        // one; the secret must still be whole characters.
        let scanner = Scanner::new();
        for text in [
            "password = \"Zr7qLm2Xv9Tké\"\n",
            "postgres://app:Zr7qLm2Xv9Tk\u{e9}\u{e9}@db.internal/app\n",
            "DB=postgres://ü:é€𝄞Zr7qLm2@h/x",
        ] {
            for f in scanner.scan(text) {
                assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
                assert!(f.span.start < f.span.end, "{text}: {f:?}");
            }
        }
    }

    #[test]
    fn window_bounds_fall_on_char_boundaries() {
        let text = format!("{}é{}", "é".repeat(400), "ü".repeat(3000));
        for at in [0, 1, 2, 801, 802, text.len() - 2] {
            if !text.is_char_boundary(at) {
                continue;
            }
            let (from, to) = window(&text, at, 100);
            assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
            assert!(from <= at && at <= to);
        }
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
