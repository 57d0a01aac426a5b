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
//!
//! Secrets (issue #5): a PreToolUse answer may carry `updatedInput` (the
//! whole new `tool_input`) with `allow` or `ask` (row c5), or with no
//! `permissionDecision` at all, which Claude Code 2.1.197 applies and then
//! runs its own permission flow on (observed: a rewrite to `echo` ran, a
//! rewrite to a write outside the project was still refused).
//! The sandbox rewrite (issue #6, [`crate::sandbox`]) uses the same
//! answer: with `allow`, 2.1.197 runs the rewritten `palisade run … --
//! bash -c '…'` in default `-p` mode and with skip-permissions; without a
//! decision its own checks refuse it in `-p` (`This command requires
//! approval`, or for a command also inside the redact pipes `Contains brace
//! with quote character`).
//! UserPromptSubmit blocks with `{"decision": "block", "reason": R}` (row
//! g1). PostToolUse can only replace an MCP tool's output
//! (`updatedMCPToolOutput`, row h3); for other tools it adds
//! `additionalContext` for the model (row h2).

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
    /// Print nothing, exit 0: no opinion.
    pub fn pass() -> Self {
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

/// A PreToolUse answer that replaces the tool's input with `updated_input`.
///
/// `verdict` is kept: allow and ask are sent as `permissionDecision` (with
/// `reason`); pass sends no `permissionDecision`, so Claude Code's own
/// permission flow decides about the new input. Deny never rewrites: use
/// [`pre_tool_use_deny`].
pub fn pre_tool_use_rewrite(
    verdict: Verdict,
    reason: &str,
    updated_input: serde_json::Map<String, serde_json::Value>,
) -> Answer {
    let mut out = serde_json::Map::new();
    out.insert("hookEventName".into(), "PreToolUse".into());
    if matches!(verdict, Verdict::Allow | Verdict::Ask) {
        out.insert("permissionDecision".into(), verdict.as_str().into());
        out.insert("permissionDecisionReason".into(), reason.into());
    }
    out.insert("updatedInput".into(), updated_input.into());
    Answer {
        stdout: Some(json!({ "hookSpecificOutput": out }).to_string()),
        stderr: None,
        exit_code: 0,
    }
}

/// A PreToolUse deny with this exact reason (shown to the model verbatim)
/// and `summary` on stderr.
pub fn pre_tool_use_deny(reason: &str, summary: &str) -> Answer {
    Answer {
        stdout: Some(pre_tool_use("deny", reason)),
        stderr: Some(format!("palisade: {summary}")),
        exit_code: 0,
    }
}

/// A UserPromptSubmit block: the prompt is never sent to the model; Claude
/// Code shows `reason` to the user (row g1).
pub fn prompt_block(reason: &str, summary: &str) -> Answer {
    Answer {
        stdout: Some(json!({ "decision": "block", "reason": reason }).to_string()),
        stderr: Some(format!("palisade: {summary}")),
        exit_code: 0,
    }
}

/// A PostToolUse answer: `updatedMCPToolOutput` replaces an MCP tool's
/// output; `context` is added for the model as `additionalContext`;
/// `summary` goes to stderr (Claude Code's transcript / verbose log).
pub fn post_tool_use(
    updated_mcp_output: Option<serde_json::Value>,
    context: Option<&str>,
    summary: &str,
) -> Answer {
    let mut out = serde_json::Map::new();
    out.insert("hookEventName".into(), "PostToolUse".into());
    if let Some(c) = context {
        out.insert("additionalContext".into(), c.into());
    }
    if let Some(v) = updated_mcp_output {
        out.insert("updatedMCPToolOutput".into(), v);
    }
    Answer {
        stdout: Some(json!({ "hookSpecificOutput": out }).to_string()),
        stderr: Some(format!("palisade: {summary}")),
        exit_code: 0,
    }
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
