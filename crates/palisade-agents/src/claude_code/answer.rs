//! Claude Code hook output: the JSON (or silence) Palisade answers with.
//!
//! Source: Claude Code documentation, "Hooks reference / Hook output":
//! PreToolUse answers `{"hookSpecificOutput": {"hookEventName": "PreToolUse",
//! "permissionDecision": "allow"|"deny"|"ask", "permissionDecisionReason": R}}`
//! on stdout with exit 0, and R reaches the model verbatim for deny
//! (verified with 2.1.197, `shared/notes/claude-code-hooks.md` row c1).
//! PermissionRequest answers `{"hookSpecificOutput": {"hookEventName":
//! "PermissionRequest", "decision": {"behavior": "allow"|"deny", "message": R}}}`.
//! Exit code 2 with a reason on stderr blocks PreToolUse and
//! UserPromptSubmit (rows c2, g2) and is used when the event itself cannot be read.

use super::event::Event;
use palisade_core::{Decision, Verdict};
use serde_json::json;

/// What the hook process prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// JSON for stdout, or `None` to print nothing ("pass").
    pub stdout: Option<String>,
    /// A line for stderr (shown to the user in verbose mode; for exit 2, to the model).
    pub stderr: Option<String>,
    /// 0, or 2 to block when the event could not be read.
    pub exit_code: i32,
}

impl Answer {
    fn pass() -> Self {
        Answer {
            stdout: None,
            stderr: None,
            exit_code: 0,
        }
    }
}

fn pre_tool_use(decision: &str, reason: &str) -> String {
    json!({
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": decision,
            "permissionDecisionReason": reason,
        }
    })
    .to_string()
}

/// Renders a decision for an event. `pass` prints nothing.
///
/// PreToolUse: allow / ask / deny as `permissionDecision`. PermissionRequest:
/// allow and deny as `decision.behavior`; ask and pass print nothing, so the
/// dialog is shown. Other events: nothing (Palisade has no verdicts for them yet).
pub fn answer(event: &Event, decision: &Decision) -> Answer {
    let reason = decision.explanation();
    match event {
        Event::PreToolUse { .. } => match decision.verdict {
            Verdict::Pass => Answer::pass(),
            v => Answer {
                stdout: Some(pre_tool_use(v.as_str(), &reason)),
                stderr: (v == Verdict::Deny).then(|| format!("palisade: {reason}")),
                exit_code: 0,
            },
        },
        Event::PermissionRequest { .. } => match decision.verdict {
            Verdict::Allow | Verdict::Deny => {
                let behavior = decision.verdict.as_str();
                let out = json!({
                    "hookSpecificOutput": {
                        "hookEventName": "PermissionRequest",
                        "decision": { "behavior": behavior, "message": reason },
                    }
                });
                Answer {
                    stdout: Some(out.to_string()),
                    stderr: None,
                    exit_code: 0,
                }
            }
            _ => Answer::pass(),
        },
        _ => Answer::pass(),
    }
}

/// The fail-closed (or, with `fail_open`, fail-open) answer when Palisade
/// cannot decide: the event could not be read (`event` is `None`), its
/// `tool_input` is malformed, the policy could not be loaded, or an internal
/// error happened.
///
/// Unreadable event: exit 2 with the reason on stderr, which blocks
/// PreToolUse and UserPromptSubmit whatever the event was. Known
/// PreToolUse / PermissionRequest: a deny answer. Other known events: pass.
pub fn failure_answer(event: Option<&Event>, why: &str, fail_open: bool) -> Answer {
    let reason = format!(
        "Palisade blocked this action because it could not check it: {why}. Fix the cause or ask the user; do not retry the same action."
    );
    if fail_open {
        return Answer {
            stdout: None,
            stderr: Some(format!("palisade: could not check this action ({why}); fail_mode = \"open\" lets it through")),
            exit_code: 0,
        };
    }
    match event {
        None => Answer {
            stdout: None,
            stderr: Some(reason),
            exit_code: 2,
        },
        Some(Event::PreToolUse { .. }) => Answer {
            stdout: Some(pre_tool_use("deny", &reason)),
            stderr: Some(format!("palisade: {reason}")),
            exit_code: 0,
        },
        Some(Event::PermissionRequest { .. }) => Answer {
            stdout: Some(
                json!({"hookSpecificOutput": {"hookEventName": "PermissionRequest",
                        "decision": {"behavior": "deny", "message": reason}}})
                .to_string(),
            ),
            stderr: Some(format!("palisade: {reason}")),
            exit_code: 0,
        },
        Some(_) => Answer {
            stdout: None,
            stderr: Some(format!("palisade: {why}")),
            exit_code: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claude_code::parse_event;
    use palisade_core::{Layer, Reason};

    fn pre() -> Event {
        parse_event(
            br#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"x"}}"#,
        )
        .expect("ok")
    }

    #[test]
    fn deny_is_pre_tool_use_json_with_reason() {
        let d = Decision::from_reasons(vec![Reason::new(
            "cred.dotenv",
            Verdict::Deny,
            Layer::BuiltIn,
            "reads .env",
        )]);
        let a = answer(&pre(), &d);
        assert_eq!(a.exit_code, 0);
        let v: serde_json::Value =
            serde_json::from_str(a.stdout.as_deref().expect("json")).expect("valid");
        assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PreToolUse");
        assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
        let r = v["hookSpecificOutput"]["permissionDecisionReason"]
            .as_str()
            .expect("str");
        assert!(
            r.starts_with("Palisade blocked this action: reads .env"),
            "{r}"
        );
        assert!(r.contains("cred.dotenv"), "{r}");
    }

    #[test]
    fn pass_prints_nothing() {
        let a = answer(&pre(), &Decision::pass());
        assert_eq!(
            a,
            Answer {
                stdout: None,
                stderr: None,
                exit_code: 0
            }
        );
    }

    #[test]
    fn failures_fail_closed() {
        let a = failure_answer(None, "hook input is not valid JSON", false);
        assert_eq!(a.exit_code, 2);
        assert!(a.stdout.is_none());
        assert!(a
            .stderr
            .as_deref()
            .is_some_and(|s| s.contains("not valid JSON")));
        let a = failure_answer(Some(&pre()), "policy unreadable", false);
        let v: serde_json::Value =
            serde_json::from_str(a.stdout.as_deref().expect("json")).expect("valid");
        assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
        let a = failure_answer(Some(&pre()), "x", true);
        assert_eq!((a.stdout, a.exit_code), (None, 0));
    }
}
