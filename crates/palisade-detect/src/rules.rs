//! Secret rules as data: `rules/secrets/*.toml`, compiled into the binary
//! with `include_str!` and parsed once per [`crate::Scanner`].

use crate::Confidence;
use serde::Deserialize;

/// The built-in rule files: (path shown to users, contents). Specific
/// providers come first and the generic rules last, so that when two rules
/// find the same secret the more specific one is reported.
pub const BUILT_IN_RULES: &[(&str, &str)] = &[
    (
        "rules/secrets/vcs.toml",
        include_str!("../../../rules/secrets/vcs.toml"),
    ),
    (
        "rules/secrets/cloud.toml",
        include_str!("../../../rules/secrets/cloud.toml"),
    ),
    (
        "rules/secrets/devops.toml",
        include_str!("../../../rules/secrets/devops.toml"),
    ),
    (
        "rules/secrets/observability.toml",
        include_str!("../../../rules/secrets/observability.toml"),
    ),
    (
        "rules/secrets/ai.toml",
        include_str!("../../../rules/secrets/ai.toml"),
    ),
    (
        "rules/secrets/chat.toml",
        include_str!("../../../rules/secrets/chat.toml"),
    ),
    (
        "rules/secrets/saas.toml",
        include_str!("../../../rules/secrets/saas.toml"),
    ),
    (
        "rules/secrets/payments.toml",
        include_str!("../../../rules/secrets/payments.toml"),
    ),
    (
        "rules/secrets/iot.toml",
        include_str!("../../../rules/secrets/iot.toml"),
    ),
    (
        "rules/secrets/packages.toml",
        include_str!("../../../rules/secrets/packages.toml"),
    ),
    (
        "rules/secrets/keys.toml",
        include_str!("../../../rules/secrets/keys.toml"),
    ),
    (
        "rules/secrets/credentials.toml",
        include_str!("../../../rules/secrets/credentials.toml"),
    ),
    (
        "rules/secrets/databases.toml",
        include_str!("../../../rules/secrets/databases.toml"),
    ),
    (
        "rules/secrets/generic.toml",
        include_str!("../../../rules/secrets/generic.toml"),
    ),
];

/// The built-in rule files as one JSON object, `{path: file}` (made from
/// the TOML files by `build.rs`; parsed at start-up because JSON parses
/// about ten times faster than TOML).
pub const BUILT_IN_RULES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/secret_rules.json"));

/// Parses [`BUILT_IN_RULES_JSON`] into (path, file) pairs in
/// [`BUILT_IN_RULES`] order (specific providers first, generic last).
pub fn built_in_files() -> Result<Vec<(&'static str, RuleFile)>, RuleError> {
    let mut all: std::collections::HashMap<String, RuleFile> =
        serde_json::from_str(BUILT_IN_RULES_JSON).map_err(|e| RuleError::Invalid {
            path: "built-in rules".to_string(),
            id: String::new(),
            message: e.to_string(),
        })?;
    let mut out = Vec::with_capacity(BUILT_IN_RULES.len());
    for (path, _) in BUILT_IN_RULES {
        let file = all.remove(*path).ok_or_else(|| RuleError::Invalid {
            path: (*path).to_string(),
            id: String::new(),
            message: "missing from the built-in JSON".to_string(),
        })?;
        check_file(path, &file)?;
        out.push((*path, file));
    }
    Ok(out)
}

/// The validators that `validator = "…"` may name.
pub const VALIDATORS: &[&str] = &[
    "github-crc32",
    "npm-crc32",
    "pypi-macaroon",
    "jwt",
    "basic-auth",
];

/// One secret rule, as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `secret.github.pat-classic`.
    pub id: String,
    /// Provider family, e.g. `github`.
    pub provider: String,
    /// One-line description.
    pub description: String,
    /// The vendor's documentation of the token format.
    pub references: Vec<String>,
    /// Rust regex. The secret is the first participating capture group whose
    /// name starts with `secret`, else the whole match.
    pub pattern: String,
    /// Literal strings (matched ASCII case-insensitively); the regex runs only
    /// when one of them occurs in the text. Empty: the regex always runs.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy of the secret, in bits per character.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// How many bytes after a keyword the regex may reach (default
    /// [`crate::DEFAULT_WINDOW`]); multi-line secrets such as private-key
    /// blocks need more. Only for rules with keywords.
    #[serde(default)]
    pub window: Option<usize>,
    /// A named check the secret must pass (see [`VALIDATORS`]).
    #[serde(default)]
    pub validator: Option<String>,
    /// How sure a match is to be a real secret.
    pub confidence: Confidence,
    /// Texts the rule must report.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts the rule must not report.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A credential issuer, as written in a rule file's `[providers.<id>]`
/// table: what to tell the user to do once one of its secrets has leaked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Human name, e.g. `GitHub`.
    pub name: String,
    /// How to revoke or rotate a leaked credential (one or two sentences,
    /// naming the console page or command), from the vendor's documentation.
    pub rotate: String,
}

/// One rule file: `[providers.<id>]` tables and `[[rule]]` entries.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Providers defined in this file, by id (the `provider` of a rule).
    #[serde(default)]
    pub providers: std::collections::BTreeMap<String, Provider>,
    /// The rules, in evaluation order.
    #[serde(default)]
    pub rule: Vec<Rule>,
}

/// Why a rule file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The file is not valid TOML or has unknown keys.
    #[error("{path}: {source}")]
    Parse {
        /// The rule file.
        path: String,
        /// The TOML error.
        source: toml::de::Error,
    },
    /// A pattern does not compile.
    #[error("{path}: rule `{id}`: {source}")]
    Regex {
        /// The rule file.
        path: String,
        /// The rule id.
        id: String,
        /// The regex error.
        source: regex::Error,
    },
    /// Something else is wrong with a rule (unknown validator, empty id, …).
    #[error("{path}: rule `{id}`: {message}")]
    Invalid {
        /// The rule file.
        path: String,
        /// The rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// Parses one rule file and returns its rules; see [`parse_file`].
pub fn parse_rules(path: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    parse_file(path, text).map(|f| f.rule)
}

/// Parses one rule file and checks what can be checked without a regex:
/// ids start with `secret.`, validators exist, keywords are not empty, every
/// rule has a reference. `path` is only used in error messages.
pub fn parse_file(path: &str, text: &str) -> Result<RuleFile, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|source| RuleError::Parse {
        path: path.to_string(),
        source,
    })?;
    check_file(path, &file)?;
    Ok(file)
}

/// The checks of [`parse_file`] on an already parsed file.
fn check_file(path: &str, file: &RuleFile) -> Result<(), RuleError> {
    for rule in &file.rule {
        let invalid = |message: &str| RuleError::Invalid {
            path: path.to_string(),
            id: rule.id.clone(),
            message: message.to_string(),
        };
        if !rule.id.starts_with("secret.") {
            return Err(invalid("ids start with `secret.`"));
        }
        if let Some(v) = &rule.validator {
            if !VALIDATORS.contains(&v.as_str()) {
                return Err(invalid(&format!("unknown validator `{v}`")));
            }
        }
        if rule.keywords.iter().any(String::is_empty) {
            return Err(invalid("empty keyword"));
        }
        if rule.references.is_empty() {
            return Err(invalid("no references"));
        }
    }
    Ok(())
}
