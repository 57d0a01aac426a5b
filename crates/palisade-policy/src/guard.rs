//! Built-in guard packs: rules as data (`rules/guards/*.toml`), compiled
//! into the binary.
//!
//! Each rule has a stable id, a verdict, a one-sentence message, references,
//! and `examples` / `negative_examples` that the test suite runs through the
//! whole engine. A rule matches through any of:
//! - `paths` (minus `except_paths`) for the file effects listed in `on`
//!   (`read`, `write`, `delete`), from tools and from shell commands alike;
//! - `programs` and/or `command_regex` (prefiltered by `keywords`) over each simple command (program
//!   name or a wrapper such as `sudo` must be listed; the regex runs on the
//!   command text after wrappers are stripped), unless one of `unless_args`
//!   is present;
//! - `effects`: semantic effect kinds (`privilege`, `install`, `persist`,
//!   `git_rewrite`) that the shell analysis found in a simple command;
//! - `check`: a named semantic check implemented in `check.rs`.

use crate::error::PolicyError;
use crate::path::guard_glob;
use palisade_core::{Source, Verdict};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The built-in pack files: (path shown in decisions, contents).
pub const BUILT_IN_PACKS: &[(&str, &str)] = &[
    (
        "rules/guards/credentials.toml",
        include_str!("../../../rules/guards/credentials.toml"),
    ),
    (
        "rules/guards/destructive.toml",
        include_str!("../../../rules/guards/destructive.toml"),
    ),
    (
        "rules/guards/exfiltration.toml",
        include_str!("../../../rules/guards/exfiltration.toml"),
    ),
    (
        "rules/guards/remote-code.toml",
        include_str!("../../../rules/guards/remote-code.toml"),
    ),
    (
        "rules/guards/privilege.toml",
        include_str!("../../../rules/guards/privilege.toml"),
    ),
    (
        "rules/guards/persistence.toml",
        include_str!("../../../rules/guards/persistence.toml"),
    ),
    (
        "rules/guards/resource.toml",
        include_str!("../../../rules/guards/resource.toml"),
    ),
];

/// The named checks that `check = "…"` may use.
pub const CHECKS: &[&str] = &[
    "environment-dump",
    "rm-recursive-outside-project",
    "rm-recursive-in-project",
    "rm-recursive-dynamic",
    "git-push-force-protected",
    "git-push-force-unprotected",
    "pipe-to-shell",
    "download-then-execute",
    "dynamic-code",
    "recursive-perm-outside-project",
    "secret-variable-print",
    "secret-variable-use",
    "network-host",
    "upload-file",
    "dynamic-lookup",
    "fork-bomb",
    "shell-network-pipeline",
    "endless-output-to-file",
    "parse-error",
];

#[derive(Deserialize)]
struct PackFile {
    rule: Vec<RuleDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    id: String,
    verdict: String,
    description: String,
    message: String,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    except_paths: Vec<String>,
    #[serde(default)]
    on: Vec<String>,
    #[serde(default)]
    programs: Vec<String>,
    #[serde(default)]
    command_regex: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    effects: Vec<String>,
    #[serde(default)]
    unless_args: Vec<String>,
    check: Option<String>,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    claude_deny: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    negative_examples: Vec<String>,
}

/// Which file effect a path rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOp {
    /// Reading.
    Read,
    /// Creating or modifying.
    Write,
    /// Deleting.
    Delete,
}

/// One compiled guard rule.
#[derive(Debug)]
pub struct GuardRule {
    /// Stable id, e.g. `cred.ssh-private-key`.
    pub id: String,
    /// The pack file's stem, e.g. `credentials`.
    pub pack: String,
    /// What it says.
    pub verdict: Verdict,
    /// Short description (for `explain` and docs).
    pub description: String,
    /// One sentence for the decision.
    pub message: String,
    /// Where the rule's facts come from.
    pub references: Vec<String>,
    /// File and line.
    pub source: Source,
    /// Path globs as written.
    pub paths: Vec<String>,
    /// Exceptions as written.
    pub except_paths: Vec<String>,
    /// File effects that count.
    pub on: Vec<FileOp>,
    /// Program (or wrapper) names.
    pub programs: Vec<String>,
    /// Regexes over the command text, as written.
    pub command_regex: Vec<String>,
    compiled_regex: OnceLock<Vec<Regex>>,
    /// Semantic effect kinds that trigger the rule (`privilege`, `install`,
    /// `persist`, `git_rewrite`, `exec`), from `palisade_shell::semantic_effects`.
    pub effects: Vec<String>,
    /// Words one of which the command text must contain (ASCII
    /// case-insensitively) before the regexes run; keeps the hook from
    /// compiling regexes for commands that cannot match.
    pub keywords: Vec<String>,
    /// Arguments that exempt a command (e.g. `crontab -l`).
    pub unless_args: Vec<String>,
    /// Named semantic check.
    pub check: Option<String>,
    /// Parameters of the check (e.g. build-output names).
    pub values: Vec<String>,
    /// Claude Code `permissions.deny` rules `palisade install` writes as a second line of defence.
    pub claude_deny: Vec<String>,
    /// Actions this rule must catch (`cmd`, or `Read: path`, `Write: path`, `Edit: path`).
    pub examples: Vec<String>,
    /// Actions it must not catch.
    pub negative_examples: Vec<String>,
}

impl GuardRule {
    /// The compiled command regexes, matched against the command text's
    /// bytes. Compiled on first use, without Unicode classes (`\\s`, `\\w`,
    /// `\\b` are ASCII), which makes compiling several times cheaper; the
    /// test suite compiles every built-in one.
    pub fn regexes(&self) -> &[Regex] {
        self.compiled_regex.get_or_init(|| {
            self.command_regex
                .iter()
                .filter_map(|r| compile_regex(r).ok())
                .collect()
        })
    }

    /// True if `text` contains one of the rule's keywords (or it has none).
    pub fn keywords_present(&self, text: &str) -> bool {
        if self.keywords.is_empty() {
            return true;
        }
        let lower = text.to_ascii_lowercase();
        self.keywords.iter().any(|k| lower.contains(k.as_str()))
    }

    /// True if the rule has a program/regex matcher.
    pub fn has_command_matcher(&self) -> bool {
        !self.programs.is_empty() || !self.command_regex.is_empty()
    }

    /// Absolute globs for `paths` and `except_paths` with `~` as `home`.
    pub fn globs(&self, home: &Path) -> (Vec<String>, Vec<String>) {
        (
            self.paths.iter().map(|p| guard_glob(p, home)).collect(),
            self.except_paths
                .iter()
                .map(|p| guard_glob(p, home))
                .collect(),
        )
    }
}

/// Compiles a guard-pack command regex (bytes, ASCII classes).
///
/// # Errors
/// The regex syntax error.
pub fn compile_regex(re: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(re).unicode(false).build()
}

/// Parses one guard pack file.
///
/// # Errors
/// [`PolicyError::Toml`] for syntax errors, [`PolicyError::Rule`] for a bad
/// verdict, regex, `on` value or unknown check.
pub fn parse_pack(path: &str, text: &str) -> Result<Vec<GuardRule>, PolicyError> {
    let file: PackFile = toml::from_str(text).map_err(|e| PolicyError::Toml {
        path: PathBuf::from(path),
        message: e.to_string(),
    })?;
    file.rule
        .into_iter()
        .map(|d| {
            let line = id_line(text, &d.id);
            compile_def(path, line, d)
        })
        .collect()
}

include!("id_line.rs");

fn compile_def(path: &str, line: usize, d: RuleDef) -> Result<GuardRule, PolicyError> {
    let pack = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    {
        let id = d.id;
        let err = |message: String| PolicyError::Rule {
            path: PathBuf::from(path),
            line,
            rule: id.clone(),
            message,
        };
        let verdict = match Verdict::parse(&d.verdict) {
            Some(v) if v != Verdict::Pass => v,
            _ => return Err(err(format!("unknown verdict `{}`", d.verdict))),
        };
        // Regexes are compiled on first use, not here: the hook loads the
        // packs on every call, and compiling them all costs milliseconds.
        // The test suite compiles every built-in regex.
        if let Some(c) = &d.check {
            if !CHECKS.contains(&c.as_str()) {
                return Err(err(format!("unknown check `{c}`")));
            }
        }
        let mut on = Vec::new();
        for o in &d.on {
            on.push(match o.as_str() {
                "read" => FileOp::Read,
                "write" => FileOp::Write,
                "delete" => FileOp::Delete,
                other => return Err(err(format!("unknown `on` value `{other}`"))),
            });
        }
        if !d.paths.is_empty() && on.is_empty() {
            return Err(err("`paths` needs `on`".into()));
        }
        Ok(GuardRule {
            id,
            pack: pack.clone(),
            verdict,
            description: d.description,
            message: d.message,
            references: d.references,
            source: Source {
                path: PathBuf::from(path),
                line: line as u32,
            },
            paths: d.paths,
            except_paths: d.except_paths,
            on,
            programs: d.programs,
            command_regex: d.command_regex,
            compiled_regex: OnceLock::new(),
            keywords: d.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
            effects: d.effects,
            unless_args: d.unless_args,
            check: d.check,
            values: d.values,
            claude_deny: d.claude_deny,
            examples: d.examples,
            negative_examples: d.negative_examples,
        })
    }
}

/// All built-in guard rules.
///
/// Built from the Rust data the build script generated from
/// `rules/guards/*.toml`, so no TOML is parsed on the hook's path.
///
/// # Errors
/// Only if a built-in pack is malformed, which the test suite rules out.
pub fn built_in() -> Result<Vec<GuardRule>, PolicyError> {
    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }
    let defs: Vec<(&str, usize, RuleDef)> = include!(concat!(env!("OUT_DIR"), "/guards.rs"));
    defs.into_iter()
        .map(|(path, line, d)| compile_def(path, line, d))
        .collect()
}

/// The built-in guard rules without their examples, negative examples and
/// references, which deciding does not need: what the hook loads (fewer
/// allocations on every call).
///
/// # Errors
/// Only if a built-in pack is malformed, which the test suite rules out.
pub fn built_in_lean() -> Result<Vec<GuardRule>, PolicyError> {
    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }
    let defs: Vec<(&str, usize, RuleDef)> = include!(concat!(env!("OUT_DIR"), "/guards_lean.rs"));
    defs.into_iter()
        .map(|(path, line, d)| compile_def(path, line, d))
        .collect()
}
