//! Verdicts, the reasons behind them, and how they combine.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// What Palisade says about an action (DESIGN section 3).
///
/// Ordered by strength: `Pass < Allow < Ask < Deny`; combining takes the
/// strongest, so deny beats ask beats allow, and any opinion beats pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No opinion: the agent's own permission flow decides.
    Pass,
    /// Approve without asking.
    Allow,
    /// Force a human confirmation.
    Ask,
    /// Block, and explain.
    Deny,
}

impl Verdict {
    /// The lower-case name used in rules, JSON and Claude Code answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Allow => "allow",
            Verdict::Ask => "ask",
            Verdict::Deny => "deny",
        }
    }

    /// Parses `pass`, `allow`, `ask` or `deny`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pass" => Some(Verdict::Pass),
            "allow" => Some(Verdict::Allow),
            "ask" => Some(Verdict::Ask),
            "deny" => Some(Verdict::Deny),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The policy layer a rule comes from, highest precedence first
/// (Claude Code's settings precedence, plus Palisade's built-in packs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// Organisation-managed settings (`/etc/claude-code/managed-settings.json`,
    /// `/etc/palisade/palisade.toml`); lower layers cannot override.
    Managed,
    /// Settings given on the command line (`--settings FILE`).
    Cli,
    /// The project's personal settings (`.claude/settings.local.json`).
    ProjectLocal,
    /// The project's shared settings (`.claude/settings.json`, `palisade.toml`).
    Project,
    /// The user's settings (`~/.claude/settings.json`, `~/.config/palisade/palisade.toml`).
    User,
    /// Palisade's built-in guard packs.
    BuiltIn,
    /// Palisade itself: input and internal errors, fail-closed answers.
    Palisade,
}

impl Layer {
    /// The kebab-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Managed => "managed",
            Layer::Cli => "cli",
            Layer::ProjectLocal => "project-local",
            Layer::Project => "project",
            Layer::User => "user",
            Layer::BuiltIn => "built-in",
            Layer::Palisade => "palisade",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rule was written: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The file holding the rule (for built-in packs, `rules/guards/<pack>.toml`).
    pub path: PathBuf,
    /// 1-based line of the rule in that file; 0 when unknown.
    pub line: u32,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}", self.path.display(), self.line)
        } else {
            write!(f, "{}", self.path.display())
        }
    }
}

/// One rule that matched an action, and why it matters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// Stable rule id (`cred.ssh-private-key`) or the Claude Code rule text
    /// (`Bash(git status:*)`).
    pub rule_id: String,
    /// What this rule says.
    pub verdict: Verdict,
    /// The layer the rule belongs to.
    pub layer: Layer,
    /// The file and line it was written at, when known.
    pub source: Option<Source>,
    /// One sentence saying why, for humans and for the model.
    pub message: String,
    /// The part of the action that matched (a simple command, a path), if narrower than the action.
    pub matched: Option<String>,
    /// How the owner of the rule's layer can allow this on purpose (the
    /// exact setting to change, and where), if it can be.
    pub remedy: Option<String>,
}

impl Reason {
    /// A reason with no source and no matched part.
    pub fn new(
        rule_id: impl Into<String>,
        verdict: Verdict,
        layer: Layer,
        message: impl Into<String>,
    ) -> Self {
        Reason {
            rule_id: rule_id.into(),
            verdict,
            layer,
            source: None,
            message: message.into(),
            matched: None,
            remedy: None,
        }
    }

    /// Sets how to allow the action on purpose.
    pub fn with_remedy(mut self, remedy: impl Into<String>) -> Self {
        self.remedy = Some(remedy.into());
        self
    }

    /// Sets the source file and line.
    pub fn with_source(mut self, source: Option<Source>) -> Self {
        self.source = source;
        self
    }

    /// Sets the matched part.
    pub fn with_matched(mut self, matched: impl Into<String>) -> Self {
        self.matched = Some(matched.into());
        self
    }
}

/// The outcome for one action: the winning verdict and every reason, the
/// deciding ones first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The combined verdict.
    pub verdict: Verdict,
    /// All matching rules, sorted strongest verdict first, then by layer
    /// precedence (managed first). `reasons[0]` is the deciding rule unless
    /// the verdict is `pass`.
    pub reasons: Vec<Reason>,
    /// Notes that explain without deciding (e.g. "part 2 is dynamic, so the
    /// allow rule did not apply").
    pub notes: Vec<String>,
}

impl Decision {
    /// A `pass` decision with no reasons.
    pub fn pass() -> Self {
        Decision {
            verdict: Verdict::Pass,
            reasons: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Combines reasons: the verdict is the strongest among them (pass if none).
    pub fn from_reasons(mut reasons: Vec<Reason>) -> Self {
        reasons.sort_by(|a, b| b.verdict.cmp(&a.verdict).then(a.layer.cmp(&b.layer)));
        let verdict = reasons.first().map(|r| r.verdict).unwrap_or(Verdict::Pass);
        Decision {
            verdict,
            reasons,
            notes: Vec::new(),
        }
    }

    /// The deciding reason, if the verdict is not `pass`.
    pub fn deciding(&self) -> Option<&Reason> {
        if self.verdict == Verdict::Pass {
            None
        } else {
            self.reasons.first()
        }
    }

    /// A one-paragraph explanation for the model or the user:
    /// `Palisade denied this: <message> (rule <id>, <layer> layer, <file:line>).`
    pub fn explanation(&self) -> String {
        match self.deciding() {
            None => "Palisade has no rule for this action.".to_string(),
            Some(r) => {
                let what = match self.verdict {
                    Verdict::Deny => "blocked",
                    Verdict::Ask => "wants a human to confirm",
                    Verdict::Allow => "allowed",
                    Verdict::Pass => "passed",
                };
                let mut s = format!("Palisade {what} this action: {}", r.message);
                if let Some(m) = &r.matched {
                    s.push_str(&format!(" [matched: {m}]"));
                }
                s.push_str(&format!(" (rule {}, {} layer", r.rule_id, r.layer));
                if let Some(src) = &r.source {
                    s.push_str(&format!(", {src}"));
                }
                s.push(')');
                let also: Vec<&str> = self
                    .reasons
                    .iter()
                    .skip(1)
                    .filter(|o| o.verdict == self.verdict && o.rule_id != r.rule_id)
                    .map(|o| o.rule_id.as_str())
                    .collect();
                if !also.is_empty() {
                    s.push_str(&format!("; also matched: {}", also.join(", ")));
                }
                s.push('.');
                if let Some(remedy) = &r.remedy {
                    s.push_str(&format!(" To allow it on purpose: {remedy}."));
                }
                if self.verdict == Verdict::Deny {
                    s.push_str(" Do not try to work around this rule; ask the user if the action is needed.");
                }
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Action;

    #[test]
    fn deny_beats_ask_beats_allow() {
        let d = Decision::from_reasons(vec![
            Reason::new("a", Verdict::Allow, Layer::Managed, "m"),
            Reason::new("b", Verdict::Ask, Layer::User, "m"),
        ]);
        assert_eq!(d.verdict, Verdict::Ask);
        assert_eq!(d.reasons[0].rule_id, "b");
        let d = Decision::from_reasons(vec![
            Reason::new("a", Verdict::Ask, Layer::Managed, "m"),
            Reason::new("b", Verdict::Deny, Layer::User, "m"),
            Reason::new("c", Verdict::Deny, Layer::Managed, "m"),
        ]);
        assert_eq!(d.verdict, Verdict::Deny);
        assert_eq!(
            d.reasons[0].rule_id, "c",
            "same verdict: higher layer first"
        );
    }

    #[test]
    fn no_reasons_is_pass() {
        let d = Decision::from_reasons(vec![]);
        assert_eq!(d.verdict, Verdict::Pass);
        assert!(d.deciding().is_none());
    }

    #[test]
    fn explanation_names_rule_layer_and_source() {
        let d = Decision::from_reasons(vec![Reason::new(
            "cred.dotenv",
            Verdict::Deny,
            Layer::BuiltIn,
            "reads a .env file",
        )
        .with_source(Some(Source {
            path: "rules/guards/credentials.toml".into(),
            line: 12,
        }))]);
        let e = d.explanation();
        assert!(e.contains("cred.dotenv"), "{e}");
        assert!(e.contains("built-in layer"), "{e}");
        assert!(e.contains("rules/guards/credentials.toml:12"), "{e}");
        assert!(!e.contains("also matched"), "{e}");
        let d = Decision::from_reasons(vec![
            Reason::new("a.one", Verdict::Deny, Layer::BuiltIn, "m"),
            Reason::new("b.two", Verdict::Deny, Layer::BuiltIn, "m"),
            Reason::new("c.three", Verdict::Ask, Layer::BuiltIn, "m"),
        ]);
        let e = d.explanation();
        assert!(
            e.contains("(rule a.one, built-in layer); also matched: b.two."),
            "{e}"
        );
        assert!(!e.contains("c.three"), "{e}");
    }

    #[test]
    fn summary_is_cut_on_char_boundary() {
        let a = Action::Exec {
            command: "é".repeat(500),
        };
        let s = a.summary();
        assert!(s.starts_with("Bash: "));
        assert!(s.ends_with('…'));
    }
}
