//! The hook's audit record (issue #8): what was decided, appended to the
//! log after the answer is made. Best effort: a failure to log never
//! changes the answer; it is reported on stderr.

use palisade_agents::claude_code::{Answer, Event};
use palisade_audit::{Entry, Log};
use palisade_core::{Action, Decision, PermissionMode};
use palisade_policy::{AuditSettings, LoadOptions, TelemetrySettings};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The most characters of an action's text a record keeps (after redaction).
const ACTION_CHARS: usize = 300;

/// What the decision left for the audit record.
#[derive(Default)]
pub struct Trace {
    /// The policy's decision, when one was made.
    pub decision: Option<Decision>,
    /// `[audit]` and `[telemetry]` from the policy the hook loaded (events
    /// that load no policy read just those two sections).
    pub settings: Option<(AuditSettings, TelemetrySettings)>,
    /// The managed layer's directory, when the hook was given one.
    pub managed_dir: Option<PathBuf>,
    /// The secret rule (`secret.github.pat-classic`) of the first finding,
    /// when the secret checks blocked the action rather than a policy rule.
    pub secret_rule: Option<String>,
}

/// Whether the hook logs: `PALISADE_AUDIT` (`off`, `0`, `false` / `on`,
/// `1`, `true`) overrides `[audit] enabled`.
fn enabled(settings: &AuditSettings) -> bool {
    match std::env::var("PALISADE_AUDIT").as_deref() {
        Ok("off" | "0" | "false") => false,
        Ok("on" | "1" | "true") => true,
        _ => settings.enabled,
    }
}

/// Whether each record is fsynced: `PALISADE_AUDIT_FSYNC` (`1`, `on`,
/// `true` / `0`, `off`, `false`) overrides `[audit] fsync`.
fn fsync(settings: &AuditSettings) -> bool {
    match std::env::var("PALISADE_AUDIT_FSYNC").as_deref() {
        Ok("1" | "on" | "true") => true,
        Ok("0" | "off" | "false") => false,
        _ => settings.fsync,
    }
}

/// The log's directory: `$PALISADE_AUDIT_DIR`, else `[audit] dir`, else
/// the default (`$XDG_STATE_HOME/palisade/audit`, `~/.local/state/…`).
pub fn log_dir(settings: &AuditSettings) -> Option<PathBuf> {
    if std::env::var_os("PALISADE_AUDIT_DIR").is_some_and(|v| !v.is_empty()) {
        return Log::default_dir();
    }
    settings.dir.clone().or_else(Log::default_dir)
}

/// `[audit]` and `[telemetry]` from the managed and user files, for a
/// command that loads no policy; defaults (with a warning) if one of
/// those files is broken.
pub fn settings_for(opts: &LoadOptions) -> (AuditSettings, TelemetrySettings) {
    match palisade_policy::load_audit_and_telemetry(opts) {
        Ok((a, t, _)) => (a, t),
        Err(e) => {
            eprintln!("palisade: warning: [audit]/[telemetry] not read: {e}");
            (AuditSettings::default(), TelemetrySettings::default())
        }
    }
}

/// Appends the record of one hook call. `event` is `None` when the input
/// could not be read.
pub fn record(
    agent: &str,
    event: Option<&Event>,
    answer: &Answer,
    trace: &Trace,
    started: Instant,
    redact: impl Fn(&str) -> String,
) {
    let (audit, telemetry) = trace.settings.clone().unwrap_or_default();
    if !enabled(&audit) {
        return;
    }
    let entry = entry(agent, event, answer, trace, started, redact);
    if relayed(std::slice::from_ref(&entry), "the decision was") {
        return;
    }
    let (Some(dir), Some(key)) = (log_dir(&audit), palisade_audit::Key::default_path()) else {
        return;
    };
    let log = Log::new(dir, key).fsync(fsync(&audit));
    if let Err(e) = log.append(entry) {
        eprintln!("palisade: warning: the decision was not written to the audit log: {e}");
        return;
    }
    crate::ship_trigger::maybe_start(&log, &telemetry, trace.managed_dir.as_deref());
}

/// The audit log as the `[audit]` settings of the managed and user files
/// (and the `PALISADE_AUDIT*` variables) configure it, with the
/// `[telemetry]` settings; `None` when logging is off or has no location.
pub fn configured_log(flags: &crate::env::PolicyFlags) -> Option<(Log, TelemetrySettings)> {
    let opts = crate::env::setup(None, flags, "palisade", None, None).1;
    let (audit, telemetry) = settings_for(&opts);
    if !enabled(&audit) {
        return None;
    }
    let log = Log::new(log_dir(&audit)?, palisade_audit::Key::default_path()?).fsync(fsync(&audit));
    Some((log, telemetry))
}

/// The log a reader (`palisade log`, `palisade ui`) opens: `dir` and `key`
/// when given, else `$PALISADE_AUDIT_DIR`, `[audit] dir` of the managed
/// (in `managed_dir`, when given) and user files, or the default; whether
/// logging is on does not matter to a reader.
///
/// # Errors
/// When there is no location: HOME and the variables are unset.
pub fn reader_log(
    dir: Option<PathBuf>,
    key: Option<PathBuf>,
    managed_dir: Option<PathBuf>,
) -> anyhow::Result<Log> {
    use anyhow::Context as _;
    let dir = match dir {
        Some(d) => d,
        None => {
            let flags = crate::env::PolicyFlags {
                managed_dir,
                ..Default::default()
            };
            let opts = crate::env::setup(None, &flags, "palisade", None, None).1;
            log_dir(&settings_for(&opts).0)
                .context("no log directory: set HOME or PALISADE_AUDIT_DIR, or pass --dir")?
        }
    };
    let key = key
        .or_else(palisade_audit::Key::default_path)
        .context("no key location: set HOME or PALISADE_AUDIT_KEY_FILE, or pass --key")?;
    Ok(Log::new(dir, key))
}

/// Appends the records of other components (`palisade run`'s run and
/// refusals, `palisade scan`'s findings) in one batch, with the `[audit]`
/// and `[telemetry]` settings of the managed and user files (`flags` may
/// name another managed directory). `what` names the records in the
/// warning printed when they cannot be written; a failure never changes
/// the command's result.
pub fn append_all(entries: Vec<Entry>, what: &str, flags: &crate::env::PolicyFlags) {
    if entries.is_empty() {
        return;
    }
    if let Some(configured) = configured_log(flags) {
        append_to(&configured, entries, what, flags.managed_dir.as_deref());
    }
}

/// Appends `entries` to a log [`configured_log`] gave (through the relay
/// when inside `palisade run`), then lets the background shipper start.
pub fn append_to(
    (log, telemetry): &(Log, TelemetrySettings),
    entries: Vec<Entry>,
    what: &str,
    managed_dir: Option<&Path>,
) {
    if entries.is_empty() || relayed(&entries, what) {
        return;
    }
    if let Err(e) = log.append_all(entries) {
        eprintln!("palisade: warning: {what} not written to the audit log: {e}");
        return;
    }
    crate::ship_trigger::maybe_start(log, telemetry, managed_dir);
}

/// Inside `palisade run` (the relay's socket is named in the environment),
/// sends `entries` to the relay outside the sandbox, which appends them;
/// true when that was the way (sent, or failed with a warning naming
/// `what`). Outside, false: the caller appends to the log itself.
fn relayed(entries: &[Entry], what: &str) -> bool {
    let Some(socket) = std::env::var_os(crate::relay::SOCKET_VAR).filter(|s| !s.is_empty()) else {
        return false;
    };
    if let Err(e) = crate::relay::send(std::path::Path::new(&socket), entries) {
        eprintln!(
            "palisade: warning: {what} not written to the audit log through palisade run's relay ({}): {e}",
            std::path::Path::new(&socket).display()
        );
    }
    true
}

fn entry(
    agent: &str,
    event: Option<&Event>,
    answer: &Answer,
    trace: &Trace,
    started: Instant,
    redact: impl Fn(&str) -> String,
) -> Entry {
    let common = event.map(Event::common);
    let mode = common.and_then(|c| c.permission_mode);
    let verdict = verdict_of(answer);
    // Only when the answer blocked: a rewrite or pass names no rule.
    let secret = trace.secret_rule.as_ref().filter(|_| verdict == "deny");
    let deciding = trace
        .decision
        .as_ref()
        .filter(|d| d.verdict.as_str() == verdict)
        .and_then(|d| d.reasons.first());
    // A rule's message is Palisade's own text; other reasons may quote input.
    let reason = match deciding {
        Some(r) => r.message.clone(),
        None => redact(
            answer
                .stderr
                .as_deref()
                .map(|s| s.strip_prefix("palisade: ").unwrap_or(s))
                .unwrap_or_default(),
        ),
    };
    Entry {
        agent: agent.to_string(),
        session: common.and_then(|c| c.session_id.clone()),
        cwd: common.and_then(|c| c.cwd.as_ref().map(|p| p.display().to_string())),
        event: common.map(|c| c.event_name.clone()),
        action: event.map_or_else(|| "unreadable hook input".into(), |e| action_of(e, &redact)),
        verdict: verdict.to_string(),
        // A secret check that blocked names its scanner rule (built in).
        rule: deciding
            .map(|r| r.rule_id.clone())
            .or_else(|| secret.cloned()),
        layer: deciding
            .map(|r| r.layer.to_string())
            .or_else(|| secret.as_ref().map(|_| "built-in".to_string())),
        source: deciding.and_then(|r| r.source.as_ref().map(ToString::to_string)),
        reason,
        duration_us: started.elapsed().as_micros().try_into().unwrap_or(u64::MAX),
        mode: mode.map(|m| m.as_str().to_string()),
        flags: if mode == Some(PermissionMode::BypassPermissions) {
            vec![palisade_audit::BYPASS_FLAG.to_string()]
        } else {
            Vec::new()
        },
    }
}

/// The verdict the agent was sent, read back from the answer: the
/// `permissionDecision` or `decision.behavior`, `deny` for a block or
/// exit 2, `warn` for a PostToolUse report, `pass` for no output.
fn verdict_of(answer: &Answer) -> &'static str {
    let Some(out) = answer.stdout.as_deref() else {
        return if answer.exit_code == 2 {
            "deny"
        } else {
            "pass"
        };
    };
    let v: Value = serde_json::from_str(out).unwrap_or_default();
    let h = &v["hookSpecificOutput"];
    let said = h["permissionDecision"]
        .as_str()
        .or_else(|| h["decision"]["behavior"].as_str());
    match said {
        Some("allow") => "allow",
        Some("ask") => "ask",
        Some("deny") => "deny",
        _ if v["decision"] == "block" => "deny",
        _ if h["hookEventName"] == "PostToolUse" => "warn",
        _ => "pass",
    }
}

/// The action in a few words (tool and its text), secrets redacted before
/// it is cut to [`ACTION_CHARS`].
fn action_of(event: &Event, redact: &impl Fn(&str) -> String) -> String {
    let (tool, body) = match event {
        Event::PreToolUse {
            action, tool_name, ..
        }
        | Event::PermissionRequest {
            action, tool_name, ..
        } => match action {
            Ok(a) => (a.tool_name(), body_of(a)),
            Err(e) => (tool_name.clone(), format!("unreadable input: {e}")),
        },
        Event::UserPromptSubmit { prompt, .. } => ("UserPromptSubmit".into(), prompt.clone()),
        Event::PostToolUse { tool_name, .. } => (tool_name.clone(), "output".into()),
        Event::SessionStart { .. } => ("SessionStart".into(), String::new()),
        Event::Other { common, .. } => (common.event_name.clone(), String::new()),
    };
    let body = redact(&body);
    let mut cut: String = body.chars().take(ACTION_CHARS).collect();
    if cut.len() < body.len() {
        cut.push('…');
    }
    if cut.is_empty() {
        tool
    } else {
        format!("{tool}: {cut}")
    }
}

/// The text of an action, whole (file content is left out).
fn body_of(a: &Action) -> String {
    match a {
        Action::Exec { command } => command.clone(),
        Action::Read { path, .. } | Action::Write { path, .. } => path.display().to_string(),
        Action::Fetch { url } => url.clone(),
        Action::Search { query } => query.clone(),
        Action::McpCall { arguments, .. } => arguments.to_string(),
        Action::SubAgent { prompt, .. } => prompt.clone(),
        Action::Prompt { text } => text.clone(),
        Action::Other { input, .. } => input.to_string(),
    }
}

/// `text` with the secrets the built-in scanner finds replaced by
/// `[REDACTED:rule-id]`; the scanner is built only when
/// [`may_hold_secret`] says the text can hold one.
pub fn redact_text(text: &str) -> String {
    if !may_hold_secret(text) {
        return text.to_string();
    }
    std::panic::catch_unwind(|| palisade_detect::Scanner::new().redact(text).0)
        .unwrap_or_else(|_| "[unredactable]".into())
}

/// Words that, in any case, make [`may_hold_secret`] say yes.
const SECRET_WORDS: &[&str] = &[
    "key",
    "token",
    "secret",
    "pass",
    "pwd",
    "auth",
    "bearer",
    "cred",
    "-----begin",
    "sig=",
    "$1$",
    "$2",
    "$5$",
    "$6$",
    "$7$",
    "$apr1$",
    "$argon",
    "$krb5",
];

/// A cheap screen: can `text` hold a secret that the scanner would find?
/// Building the scanner costs ~3 ms, as much as the rest of a hook call,
/// so the hook only builds it for the audit record when this says yes: a
/// run of 12 or more token characters (letters, digits, `_-+=~`) mixing
/// two of lower case, upper case and digits, one of [`SECRET_WORDS`], or
/// a URL with an `@`. The test suite
/// checks that it says yes to every example of every built-in secret rule.
pub fn may_hold_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    // A URL is screened only when it can carry credentials (`user:pass@`).
    if SECRET_WORDS.iter().any(|w| lower.contains(w))
        || lower.contains("://") && lower.contains('@')
    {
        return true;
    }
    let token = |b: u8| b.is_ascii_alphanumeric() || b"_-+=~".contains(&b);
    text.as_bytes().split(|&b| !token(b)).any(|run| {
        let classes = [
            u8::is_ascii_lowercase,
            u8::is_ascii_uppercase,
            u8::is_ascii_digit,
        ]
        .iter()
        .filter(|class| run.iter().any(class))
        .count();
        run.len() >= 12 && classes >= 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ans(stdout: Option<&str>, code: i32) -> Answer {
        Answer {
            stdout: stdout.map(String::from),
            stderr: None,
            exit_code: code,
        }
    }

    #[test]
    fn verdict_read_back_from_the_answer() {
        let pre = |d: &str| {
            format!(
                r#"{{"hookSpecificOutput":{{"hookEventName":"PreToolUse","permissionDecision":"{d}"}}}}"#
            )
        };
        assert_eq!(verdict_of(&ans(Some(&pre("deny")), 0)), "deny");
        assert_eq!(verdict_of(&ans(Some(&pre("ask")), 0)), "ask");
        assert_eq!(verdict_of(&ans(Some(&pre("allow")), 0)), "allow");
        assert_eq!(
            verdict_of(&ans(
                Some(r#"{"hookSpecificOutput":{"decision":{"behavior":"deny"}}}"#),
                0
            )),
            "deny"
        );
        assert_eq!(
            verdict_of(&ans(Some(r#"{"decision":"block","reason":"x"}"#), 0)),
            "deny"
        );
        assert_eq!(
            verdict_of(&ans(
                Some(r#"{"hookSpecificOutput":{"hookEventName":"PostToolUse"}}"#),
                0
            )),
            "warn"
        );
        assert_eq!(verdict_of(&ans(None, 0)), "pass");
        assert_eq!(verdict_of(&ans(None, 2)), "deny");
        assert_eq!(verdict_of(&ans(Some("not json"), 0)), "pass");
    }

    #[test]
    fn the_screen_passes_every_secret_rule_example() {
        let scanner = palisade_detect::Scanner::new();
        let mut missed = Vec::new();
        for rule in scanner.rules() {
            for ex in &rule.examples {
                if !may_hold_secret(ex) {
                    missed.push(format!("{}: {ex}", rule.id));
                }
            }
        }
        assert!(missed.is_empty(), "{missed:#?}");
        for plain in [
            "git status",
            "cargo build --release",
            "ls -la src/main.rs",
            "echo 7",
            "npm run test -- --watch=false",
            "/home/dev/Project/src/lib.rs",
            "curl https://x.test/i.sh | sh",
        ] {
            assert!(!may_hold_secret(plain), "{plain}");
        }
    }
}
