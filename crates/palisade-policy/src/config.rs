//! Reading Palisade's own `palisade.toml`.
//!
//! ```toml
//! [policy]
//! fail_mode = "closed"                 # the hook's answer when its input cannot be read: closed (deny) | open (pass)
//! protected_branches = ["main", "master", "release/*"]
//! disable_rules = ["destructive.git-reset-hard"]   # switch off built-in guard rules
//! lock_allow_rules = true              # managed layer only: lower layers cannot add allow rules
//! lock_guard_packs = true              # managed layer only: lower layers cannot switch guard rules off
//!
//! [permissions]                        # Claude Code rule syntax, same meaning as in settings.json
//! allow = ["Bash(cargo test:*)"]
//! deny = ["Read(~/.kube/**)"]
//!
//! [[rule]]                             # a rule with an id and its own reason
//! id = "team.no-terraform-apply"
//! verdict = "deny"
//! match = "Bash(terraform apply:*)"   # or: command_regex = '^terraform\s+apply\b'
//! reason = "terraform apply runs in CI only"
//!
//! [sandbox]                            # see the `sandbox` module: how the hook confines Bash commands
//! [supply]                             # see the `supply` module: the dependency gate
//! [telemetry]                          # see the `telemetry` module: OTLP export (managed and user files only)
//! [audit]                              # see the `telemetry` module: the audit log (managed and user files only)
//! bash = "on"
//! profile = "workspace"
//! ```

use crate::error::{line_of, LineIndex, PolicyError};
use crate::file::{FailMode, FileSettings, RawRule, RuleKind};
use palisade_core::Verdict;
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    policy: PolicySection,
    #[serde(default)]
    permissions: Permissions,
    #[serde(default)]
    rule: Vec<Rule>,
    sandbox: Option<crate::sandbox::SandboxFile>,
    supply: Option<crate::supply::SupplyFile>,
    telemetry: Option<crate::telemetry::TelemetryFile>,
    audit: Option<crate::telemetry::AuditFile>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PolicySection {
    fail_mode: Option<String>,
    protected_branches: Option<Vec<String>>,
    #[serde(default)]
    disable_rules: Vec<String>,
    #[serde(default)]
    lock_allow_rules: bool,
    #[serde(default)]
    lock_guard_packs: bool,
    default_mode: Option<String>,
    #[serde(default)]
    additional_directories: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Permissions {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    ask: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    id: Spanned<String>,
    verdict: String,
    #[serde(rename = "match")]
    matcher: Option<String>,
    command_regex: Option<String>,
    reason: Option<String>,
}

/// Parses one `palisade.toml`'s text.
///
/// # Errors
/// [`PolicyError::Toml`] for syntax errors and unknown keys,
/// [`PolicyError::Rule`] for a rule with a bad verdict, no matcher, or an
/// invalid regex.
pub fn parse(path: &Path, text: &str) -> Result<FileSettings, PolicyError> {
    let f: File = toml::from_str(text).map_err(|e| PolicyError::Toml {
        path: path.to_path_buf(),
        message: match e.span() {
            Some(sp) => format!("line {}: {}", line_of(text, sp.start), e.message()),
            None => e.message().to_string(),
        },
    })?;
    let lines = LineIndex::new(text);
    let mut out = FileSettings {
        default_mode: f.policy.default_mode,
        additional_directories: f.policy.additional_directories,
        lock_allow: f.policy.lock_allow_rules,
        lock_guards: f.policy.lock_guard_packs,
        disable_rules: f.policy.disable_rules,
        protected_branches: f.policy.protected_branches,
        sandbox: f.sandbox.map(|s| s.check(path)).transpose()?,
        supply: f.supply.map(|s| s.check(path)).transpose()?,
        telemetry: f.telemetry.map(|t| t.check(path, &lines)).transpose()?,
        audit: f.audit,
        ..FileSettings::default()
    };
    if let Some(m) = f.policy.fail_mode {
        out.fail_mode = Some(match m.as_str() {
            "closed" => FailMode::Closed,
            "open" => FailMode::Open,
            other => {
                return Err(PolicyError::Toml {
                    path: path.to_path_buf(),
                    message: format!(
                        "policy.fail_mode: unknown value `{other}` (use closed or open)"
                    ),
                })
            }
        });
    }
    for (list, verdict) in [
        (&f.permissions.deny, Verdict::Deny),
        (&f.permissions.ask, Verdict::Ask),
        (&f.permissions.allow, Verdict::Allow),
    ] {
        for r in list {
            out.rules.push(RawRule {
                kind: RuleKind::Claude(r.get_ref().clone()),
                verdict,
                line: lines.line(r.span().start) as u32,
                id: None,
                message: None,
            });
        }
    }
    for r in f.rule {
        let line = lines.line(r.id.span().start);
        let id = r.id.into_inner();
        let err = |message: String| PolicyError::Rule {
            path: path.to_path_buf(),
            line,
            rule: id.clone(),
            message,
        };
        let verdict = match Verdict::parse(&r.verdict) {
            Some(v) if v != Verdict::Pass => v,
            _ => {
                return Err(err(format!(
                    "unknown verdict `{}` (use allow, ask or deny)",
                    r.verdict
                )))
            }
        };
        let kind = match (r.matcher, r.command_regex) {
            (Some(m), None) => RuleKind::Claude(m),
            (None, Some(re)) => {
                regex::Regex::new(&re).map_err(|e| err(format!("invalid command_regex: {e}")))?;
                RuleKind::CommandRegex(re)
            }
            _ => return Err(err("give exactly one of `match` or `command_regex`".into())),
        };
        out.rules.push(RawRule {
            kind,
            verdict,
            line: line as u32,
            id: Some(id),
            message: r.reason,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_policy_permissions_and_rules() {
        let text = r#"
[policy]
fail_mode = "open"
protected_branches = ["main", "prod"]
disable_rules = ["destructive.git-reset-hard"]

[permissions]
deny = ["Read(~/.kube/**)"]

[[rule]]
id = "team.no-tf"
verdict = "deny"
match = "Bash(terraform apply:*)"
reason = "CI only"
"#;
        let s = parse(Path::new("p.toml"), text).expect("parses");
        assert_eq!(s.fail_mode, Some(FailMode::Open));
        assert_eq!(
            s.protected_branches,
            Some(vec!["main".into(), "prod".into()])
        );
        assert_eq!(
            s.disable_rules,
            vec!["destructive.git-reset-hard".to_string()]
        );
        assert_eq!(s.rules.len(), 2);
        assert_eq!(s.rules[0].line, 8);
        assert_eq!(s.rules[1].id.as_deref(), Some("team.no-tf"));
        assert_eq!(s.rules[1].line, 11);
    }

    #[test]
    fn rejects_bad_input_clearly() {
        let e = parse(
            Path::new("p.toml"),
            "[[rule]]\nid = \"x\"\nverdict = \"block\"\nmatch = \"Bash\"\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.toml:2: rule `x`: unknown verdict `block` (use allow, ask or deny)"
        );
        let e = parse(Path::new("p.toml"), "[polcy]\n").unwrap_err();
        assert!(e.to_string().contains("unknown field `polcy`"), "{e}");
        let e = parse(
            Path::new("p.toml"),
            "[[rule]]\nid = \"x\"\nverdict = \"deny\"\ncommand_regex = \"(\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("invalid command_regex"), "{e}");
    }
}
