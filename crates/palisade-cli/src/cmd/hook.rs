//! `palisade hook <agent>`: the hook entry point.

use crate::audit::Trace;
use crate::env::{setup, PolicyFlags};
use palisade_agents::claude_code::{
    answer, failure_answer, parse_event, post_tool_use, pre_tool_use_deny, pre_tool_use_rewrite,
    prompt_block, Answer, Event, MAX_INPUT_BYTES,
};
use palisade_agents::sandbox;
use palisade_agents::secrets::{self, FileScan, MAX_FILE_SCAN_BYTES};
use palisade_core::{Action, Context, Decision, PermissionMode, Verdict};
use palisade_detect::{Finding, Scanner};
use palisade_policy::{FailMode, Policy};
use palisade_sandbox::profile;
use serde_json::Value;
use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Duration;

/// How long the hook may take before it answers on its own (fail closed).
/// Claude Code's own timeout is set to 30 s by `palisade install`.
const DEADLINE: Duration = Duration::from_secs(10);

/// Answer an agent's hook call: read its event JSON on stdin, decide, and
/// print the agent's answer format on stdout.
///
/// Claude Code: install with `palisade install claude-code`. Deny, ask and
/// allow are answered as PreToolUse `permissionDecision` JSON whose reason
/// names the rule and its file:line; "pass" prints nothing. The hook never
/// fails open by accident: unreadable input, an unreadable policy, an
/// internal error or a panic all deny (exit 2 when the event itself cannot
/// be read), with the reason on stderr.
///
/// Secrets (the built-in rules of `palisade scan`) are kept from the model:
///   UserPromptSubmit  a prompt holding a secret is blocked, saying which kind
///                     and where, and how to pass it through the environment
///   Read              a file holding a secret (first 4 MiB; binary files are
///                     skipped) is denied with kind and line, unless an explicit
///                     allow rule such as `Read(./fixtures/**)` matches it
///   Write, Edit       content that hard-codes a secret is denied (same override
///                     with `Edit(...)`)
///   Bash              a command whose output may carry secrets (printenv, cat,
///                     git log -p, kubectl, cloud CLIs, ...) is rewritten
///                     (updatedInput) so that its stdout and stderr pass through
///                     `palisade redact`; its exit status is kept
///   PostToolUse       MCP results are redacted (updatedMCPToolOutput); secrets
///                     in other tools' output are reported to the agent
/// Each finding says how to rotate that provider's credential.
///
/// Sandbox: with `[sandbox] bash = "on"` in palisade.toml, a Bash command
/// that is not denied is rewritten (updatedInput) to run under
/// `palisade run --profile <profile> -- bash -c '<command>'` (inside the
/// redact pipes when both apply); one that no rule decides is allowed,
/// because it runs confined (`auto_allow = false` leaves it to Claude Code).
/// See docs/SANDBOX.md.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The agent whose protocol to speak.
    #[arg(value_enum)]
    agent: Agent,
    #[command(flatten)]
    policy: PolicyFlags,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Agent {
    /// Claude Code (PreToolUse, PermissionRequest, UserPromptSubmit, PostToolUse, SessionStart).
    ClaudeCode,
}

/// Runs `palisade hook`: answers, then records the decision in the audit
/// log (after the answer is made, so that logging cannot change it).
pub fn run(args: Args) -> ExitCode {
    let started = std::time::Instant::now();
    std::panic::set_hook(Box::new(|info| {
        eprintln!("palisade: internal error: {info}");
    }));
    let Agent::ClaudeCode = args.agent;
    let mut input = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut input);
    let mut trace = Trace {
        managed_dir: args.policy.managed_dir.clone(),
        ..Trace::default()
    };
    let flags = args.policy.clone();
    let (event, answer) = match read {
        Err(e) => (
            None,
            failure_answer(None, &format!("cannot read stdin: {e}"), false),
        ),
        Ok(_) => match parse_event(&input) {
            Err(e) => (None, failure_answer(None, &e.to_string(), false)),
            Ok(event) => {
                let crashed = failure_answer(
                    Some(&event),
                    "Palisade crashed or ran out of time while checking it",
                    false,
                );
                crate::crash::prepare(
                    crashed.stdout.as_deref(),
                    crashed.stderr.as_deref(),
                    crashed.exit_code,
                );
                let answer = decide_with_deadline(&event, args.policy, &mut trace);
                (Some(event), answer)
            }
        },
    };
    let code = emit(&answer);
    if trace.settings.is_none() {
        // No policy was loaded (e.g. PostToolUse): read just [audit] and [telemetry].
        let cwd = event.as_ref().and_then(|e| e.common().cwd.clone());
        let (_, opts) = setup(cwd, &flags, "claude-code", None, None);
        trace.settings = Some(crate::audit::settings_for(&opts));
    }
    // After the answer is printed, so that nothing in logging can change it.
    // The scanner is built for the record only when the text may hold a
    // secret (building it costs as much as the rest of the call).
    let redact = |s: &str| {
        if SCANNER.get().is_none() && !crate::audit::may_hold_secret(s) {
            return s.to_string();
        }
        std::panic::catch_unwind(|| scanner().redact(s).0)
            .unwrap_or_else(|_| "[unredactable]".into())
    };
    crate::audit::record(
        "claude-code",
        event.as_ref(),
        &answer,
        &trace,
        started,
        redact,
    );
    code
}

fn emit(a: &Answer) -> ExitCode {
    if let Some(s) = &a.stderr {
        let _ = writeln!(std::io::stderr(), "{s}");
    }
    if let Some(s) = &a.stdout {
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{s}").and_then(|_| out.flush()).is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::from(a.exit_code as u8)
}

/// Runs the decision with a deadline (SIGALRM, see `crash.rs`) and catches
/// panics, so a bug or a pathological input still produces a fail-closed
/// answer before Claude Code's timeout. (No worker thread: creating one
/// costs more than the rest of a typical decision.)
fn decide_with_deadline(event: &Event, flags: PolicyFlags, trace: &mut Trace) -> Answer {
    // PALISADE_HOOK_DEADLINE_S can only shorten the deadline (1..=10 s).
    let secs = std::env::var("PALISADE_HOOK_DEADLINE_S")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(DEADLINE.as_secs(), |v| v.clamp(1, DEADLINE.as_secs()));
    crate::crash::arm_deadline(secs as u32);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decide(event, &flags, trace)
    }));
    crate::crash::arm_deadline(0);
    match result {
        Ok(a) => a,
        Err(_) => failure_answer(Some(event), "internal error (panic)", false),
    }
}

fn decide(event: &Event, flags: &PolicyFlags, trace: &mut Trace) -> Answer {
    // Let the test suite prove that a panic or a crash still produces a deny answer.
    // It can only make the hook stricter, so it is safe to leave in release builds.
    if std::env::var_os("PALISADE_TEST_PANIC").is_some() {
        panic!("PALISADE_TEST_PANIC is set");
    }
    if std::env::var_os("PALISADE_TEST_CRASH").is_some() {
        crate::crash::raise(libc::SIGSEGV);
    }
    if let Some(ms) = std::env::var("PALISADE_TEST_SLEEP_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    if let Event::PostToolUse {
        tool_name,
        response,
        ..
    } = event
    {
        return post_tool_use_secrets(tool_name, response);
    }
    let action = match event {
        Event::PreToolUse { action, .. } | Event::PermissionRequest { action, .. } => {
            action.clone()
        }
        Event::UserPromptSubmit { prompt, .. } => Ok(Action::Prompt {
            text: prompt.clone(),
        }),
        _ => return answer(event, &palisade_core::Decision::pass()),
    };
    let common = event.common();
    let (ctx, opts) = setup(
        common.cwd.clone(),
        flags,
        "claude-code",
        common.session_id.clone(),
        common.permission_mode,
    );
    let policy = match Policy::load(&opts) {
        Ok(p) => {
            trace.settings = Some((p.audit().clone(), p.telemetry().clone()));
            p
        }
        Err(e) => {
            return failure_answer(
                Some(event),
                &format!("the policy could not be loaded: {e}"),
                false,
            )
        }
    };
    let a = match action {
        Ok(a) => {
            let mut decision = policy.evaluate(&a, &ctx);
            if decision.verdict != Verdict::Deny {
                match (&a, event) {
                    (Action::Exec { command }, _) => supply_gate(&mut decision, command, &policy),
                    (Action::Write { path, tool, .. }, Event::PreToolUse { input, .. }) => {
                        supply_manifest_gate(&mut decision, path, tool, input, &policy, &ctx.cwd)
                    }
                    _ => {}
                }
            }
            let answered =
                secrets_before(event, &a, &decision, &policy, &ctx, &mut trace.secret_rule)
                    .unwrap_or_else(|| answer(event, &decision));
            trace.decision = Some(decision);
            answered
        }
        Err(e) => failure_answer(
            Some(event),
            &e.to_string(),
            policy.fail_mode == FailMode::Open,
        ),
    };
    // The process exits right after answering: skip freeing the policy.
    std::mem::forget(policy);
    a
}

/// Words that start a package client's command line: a cheap test that
/// keeps the dependency gate off the path of every other command.
const PACKAGE_CLIENTS: &[&str] = &[
    "npm", "npx", "pnpm", "yarn", "bun", "pip", "uv", "pipx", "poetry", "cargo", "go", "gem",
    "bundle", "corepack", "python",
];

/// The dependency gate (issue #7) on a Bash command that is not denied:
/// every package it would install is checked (known malicious, hallucinated,
/// vulnerable, too new, typosquat, unexpected source, install scripts), and
/// the findings join the decision's reasons, so the strongest verdict wins
/// (a malicious package is denied even where an allow rule matched).
fn supply_gate(decision: &mut Decision, command: &str, policy: &Policy) {
    if !policy.supply().enabled
        || !command
            // Quotes and backslashes do not split a word in the shell
            // (`"p"ip`, `p\ip` are `pip`), so they must not here either.
            .replace(['"', '\'', '\\'], "")
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| PACKAGE_CLIENTS.iter().any(|p| w.starts_with(p)))
    {
        return;
    }
    let installs = palisade_supply::install::installs(command);
    add_gate_reasons(decision, &installs, policy, true, Vec::new());
}

/// Most packages of one manifest or lockfile change the registries are
/// asked about (each look-up may take a network round trip); the rest get
/// the offline checks only.
const MAX_REGISTRY_LOOKUPS: usize = 20;

/// The dependency gate on a Write, Edit or MultiEdit of a manifest or
/// lockfile (issue #7): the new text is diffed against the file on disk and
/// only what is added or changed is checked. A new text that does not parse
/// is asked about (the package manager would fail on it, or read it
/// differently); a lockfile entry whose version stays but whose artefact
/// or integrity hash changes (lockfile injection) is asked about too.
fn supply_manifest_gate(
    decision: &mut Decision,
    path: &std::path::Path,
    tool: &str,
    input: &serde_json::Map<String, Value>,
    policy: &Policy,
    cwd: &std::path::Path,
) {
    use palisade_supply::manifest::{self, ChangeReason};
    if !policy.supply().enabled {
        return;
    }
    let Some(kind) = manifest::kind_of(path) else {
        return;
    };
    let path = secrets::absolute(path, cwd);
    let old = std::fs::read_to_string(&path).ok();
    let text = |k: &str| input.get(k).and_then(Value::as_str);
    let apply = |base: &str, from: &str, to: &str, all: bool| -> Option<String> {
        if from.is_empty() || !base.contains(from) {
            return None;
        }
        Some(if all {
            base.replace(from, to)
        } else {
            base.replacen(from, to, 1)
        })
    };
    let new = match tool {
        "Write" => text("content").map(str::to_string),
        "Edit" => old.as_deref().and_then(|o| {
            apply(
                o,
                text("old_string")?,
                text("new_string")?,
                input.get("replace_all").and_then(Value::as_bool) == Some(true),
            )
        }),
        "MultiEdit" => {
            let mut cur = old.clone();
            for e in input
                .get("edits")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                cur = cur.and_then(|c| {
                    apply(
                        &c,
                        e.get("old_string")?.as_str()?,
                        e.get("new_string")?.as_str()?,
                        e.get("replace_all").and_then(Value::as_bool) == Some(true),
                    )
                });
            }
            cur
        }
        _ => None,
    };
    // An edit that does not apply fails in the tool itself.
    let Some(new) = new else { return };
    let name = kind.file_name();
    let diff = match manifest::diff(kind, old.as_deref(), &new) {
        Ok(d) => d,
        Err(e) => {
            let mut r = palisade_core::Reason::new(
                "supply.manifest-invalid",
                Verdict::Ask,
                palisade_core::Layer::BuiltIn,
                format!("the new {name} does not parse ({e}), so what it would install cannot be checked"),
            );
            r.matched = Some(path.display().to_string());
            merge_reasons(decision, vec![r]);
            return;
        }
    };
    let mut extra = Vec::new();
    for c in &diff.changes {
        for why in &c.reasons {
            if let ChangeReason::Resolved { .. } | ChangeReason::Integrity = why {
                let mut r = palisade_core::Reason::new(
                    "supply.lockfile-integrity",
                    Verdict::Ask,
                    palisade_core::Layer::BuiltIn,
                    format!(
                        "{name}: `{}` keeps its version but now resolves to another artefact or hash, the pattern of lockfile injection",
                        c.dependency.install.name
                    ),
                );
                r.matched = Some(c.dependency.install.name.clone());
                extra.push(r);
            }
        }
    }
    let installs: Vec<palisade_supply::Install> = diff
        .changes
        .iter()
        .filter(|c| {
            c.reasons
                .iter()
                .any(|r| !matches!(r, ChangeReason::Resolved { .. } | ChangeReason::Integrity))
        })
        .map(|c| c.dependency.install.clone())
        .collect();
    let online = installs.len() <= MAX_REGISTRY_LOOKUPS;
    add_gate_reasons(decision, &installs, policy, online, extra);
}

/// Runs the gate on `installs` and merges its findings (and `extra`
/// reasons) into `decision`: the strongest verdict wins.
fn add_gate_reasons(
    decision: &mut Decision,
    installs: &[palisade_supply::Install],
    policy: &Policy,
    online: bool,
    extra: Vec<palisade_core::Reason>,
) {
    use palisade_supply::check::{gate, Answer};
    if installs.is_empty() && extra.is_empty() {
        return;
    }
    let cfg = gate_config(policy, online);
    let db = open_db();
    let findings = gate(installs, &db, &cfg, std::time::SystemTime::now());
    let mut reasons = extra;
    for f in findings {
        let verdict = match f.answer {
            Answer::Deny => Verdict::Deny,
            Answer::Ask => Verdict::Ask,
            Answer::Allow => continue,
        };
        let mut r =
            palisade_core::Reason::new(f.rule, verdict, palisade_core::Layer::BuiltIn, f.reason);
        r.matched = Some(format!(
            "{} {}",
            f.install.ecosystem.osv_name(),
            f.install.name
        ));
        r.remedy = Some(match f.rule {
            "supply.too-new" => "wait, or lower `min_age` under [supply] in ~/.config/palisade/palisade.toml".into(),
            "supply.source" => "add the index to `trusted_indexes` under [supply] in ~/.config/palisade/palisade.toml".into(),
            "supply.registry-down" => "set `registry_down` under [supply] in ~/.config/palisade/palisade.toml".into(),
            _ => "the user can install it themselves, outside the agent, after checking it".into(),
        });
        reasons.push(r);
    }
    merge_reasons(decision, reasons);
}

/// The gate's settings from the policy's `[supply]` section; the
/// registries are asked only when the policy allows it and `online`.
pub(crate) fn gate_config(policy: &Policy, online: bool) -> palisade_supply::check::GateConfig {
    use palisade_supply::check::{Answer, GateConfig};
    let settings = policy.supply();
    let mut registry = palisade_supply::registry::RegistryConfig {
        offline: settings.offline,
        ..Default::default()
    };
    let r = &settings.registries;
    for (mine, theirs) in [
        (&mut registry.npm, &r.npm),
        (&mut registry.pypi, &r.pypi),
        (&mut registry.crates_index, &r.crates_index),
        (&mut registry.rubygems, &r.rubygems),
        (&mut registry.go_proxy, &r.go_proxy),
    ] {
        if let Some(url) = theirs {
            mine.clone_from(url);
        }
    }
    GateConfig {
        min_age: settings.min_age,
        registry,
        use_registry: settings.use_registry && online,
        registry_down: match settings.registry_down {
            palisade_policy::RegistryDown::Allow => Answer::Allow,
            palisade_policy::RegistryDown::Ask => Answer::Ask,
            palisade_policy::RegistryDown::Deny => Answer::Deny,
        },
        trusted_indexes: settings.trusted_indexes.clone(),
    }
}

/// The advisory database: the imported store in the default directory,
/// else (none imported, or unreadable) the embedded snapshot alone.
pub(crate) fn open_db() -> palisade_supply::Db {
    palisade_supply::db::default_dir()
        .and_then(|d| palisade_supply::open(&d).ok())
        .unwrap_or_else(palisade_supply::Db::embedded)
}

/// Adds `more` reasons to `decision`, recomputing its verdict.
fn merge_reasons(decision: &mut Decision, more: Vec<palisade_core::Reason>) {
    if more.is_empty() {
        return;
    }
    let mut reasons = std::mem::take(&mut decision.reasons);
    reasons.extend(more);
    let notes = std::mem::take(&mut decision.notes);
    *decision = Decision::from_reasons(reasons);
    decision.notes = notes;
}

/// The secret scanner, built on first use only: compiling its rules costs
/// more than the rest of a typical decision, and most events never need it.
fn scanner() -> &'static Scanner {
    SCANNER.get_or_init(Scanner::new)
}

static SCANNER: OnceLock<Scanner> = OnceLock::new();

/// `N secret(s) (kind, kind…)`, for stderr: kinds only, never values.
fn summary(findings: &[Finding]) -> String {
    let mut kinds: Vec<String> = findings.iter().map(Finding::kind).collect();
    kinds.dedup();
    let n = findings.len();
    format!(
        "{n} secret{} ({})",
        if n == 1 { "" } else { "s" },
        kinds.join(", ")
    )
}

/// The secret checks that run before an action (issue #5), after the
/// policy decided it: `None` when they have nothing to add.
///
/// A denied action is left alone. A Bash command whose output may carry
/// secrets is rewritten to pass through `palisade redact` whatever the
/// verdict (allow, ask, or pass). An action that an explicit allow rule
/// allows is not scanned further: that rule is how the user lets a
/// fixture file be read or written.
fn secrets_before(
    event: &Event,
    action: &Action,
    decision: &Decision,
    policy: &Policy,
    ctx: &Context,
    rule: &mut Option<String>,
) -> Option<Answer> {
    let cwd = &ctx.cwd;
    // The audit record names the first finding's rule.
    let mut first = |findings: &[Finding]| *rule = findings.first().map(|f| f.rule_id.clone());
    match (event, action) {
        (Event::UserPromptSubmit { .. }, Action::Prompt { text }) => {
            if text.trim().is_empty() {
                return None;
            }
            let findings = scanner().scan(text);
            if findings.is_empty() {
                return None;
            }
            first(&findings);
            let b = secrets::prompt_blocked(scanner(), &findings);
            Some(prompt_block(
                &b.message,
                &format!("blocked a prompt holding {}", summary(&findings)),
            ))
        }
        (Event::PreToolUse { .. }, _) if decision.verdict == Verdict::Deny => None,
        (Event::PreToolUse { input, .. }, Action::Exec { command }) => {
            bash_rewrite(event, input, command, decision, policy, ctx)
        }
        (Event::PreToolUse { .. }, _) if decision.verdict == Verdict::Allow => None,
        (Event::PreToolUse { .. }, Action::Read { path, tool }) if tool == "Read" => {
            let path = secrets::absolute(path, cwd);
            let FileScan::Scanned {
                findings,
                truncated,
            } = secrets::scan_file(&path, scanner)
            else {
                return None;
            };
            if findings.is_empty() {
                return None;
            }
            first(&findings);
            let b = secrets::read_blocked(scanner(), &path, &findings);
            let mut message = b.message;
            if truncated {
                message.push_str(&format!(
                    " (Only the first {} MiB of the file were scanned.)",
                    MAX_FILE_SCAN_BYTES >> 20
                ));
            }
            Some(pre_tool_use_deny(
                &message,
                &format!(
                    "denied a Read of {} holding {}",
                    path.display(),
                    summary(&findings)
                ),
            ))
        }
        (
            Event::PreToolUse { .. },
            Action::Write {
                path,
                content: Some(content),
                ..
            },
        ) => {
            if content.trim().is_empty() {
                return None;
            }
            let findings = scanner().scan(content);
            if findings.is_empty() {
                return None;
            }
            first(&findings);
            let path = secrets::absolute(path, cwd);
            let b = secrets::write_blocked(scanner(), &path, &findings);
            Some(pre_tool_use_deny(
                &b.message,
                &format!(
                    "denied a write to {} hard-coding {}",
                    path.display(),
                    summary(&findings)
                ),
            ))
        }
        _ => None,
    }
}

/// The rewrites of a Bash command that is not denied (issues #5 and #6):
/// with `[sandbox] bash = "on"` it runs in the sandbox (`palisade run
/// --profile P -- bash -c '…'`), unless `[sandbox] exclude` leaves it out or
/// it is already in that form; if its output may carry secrets it passes
/// through `palisade redact`. Both can apply: the redaction pipes go around
/// the sandboxed command, so the redactor runs outside the sandbox and sees
/// everything the command prints.
///
/// The verdict is kept (allow and ask stay, with the new input). With no
/// rule deciding, Claude Code would ask about the rewritten command even
/// where it would have run the original unasked, so Palisade answers allow
/// for a read-only command inside the project, and for a sandboxed command
/// when `auto_allow` is on (as Claude Code's own sandbox does with
/// `autoAllowBashIfSandboxed`), except in `plan` and `dontAsk` modes, where
/// the agent's permission flow decides.
fn bash_rewrite(
    event: &Event,
    input: &serde_json::Map<String, Value>,
    command: &str,
    decision: &Decision,
    policy: &Policy,
    ctx: &Context,
) -> Option<Answer> {
    let settings = policy.sandbox();
    let mut sandbox = settings.bash && !settings.excludes(command);
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) if sandbox => {
            return Some(failure_answer(
                Some(event),
                &format!("the sandbox is on but Palisade cannot find its own executable ({e})"),
                false,
            ))
        }
        Err(_) => return None,
    };
    // Already sandboxed, perhaps inside the redaction pipes of an earlier answer.
    let inner = secrets::redact_unwrap(command, &exe).unwrap_or(command);
    // The project root stays the writable directory when the agent's shell
    // has moved below it.
    let project = policy.work_dirs.first().unwrap_or(&ctx.cwd).clone();
    sandbox &= !sandbox::is_sandboxed(inner, &exe, &settings.profile, &project);
    let mut what = Vec::new();
    if sandbox {
        let lookup = profile::Lookup::new(Some(&ctx.home));
        match profile::resolve(&settings.profile, &lookup) {
            Ok(p) => what.push(format!(
                "it runs in Palisade's sandbox, profile `{}`: {}",
                p.name,
                p.description.trim_end_matches('.')
            )),
            Err(e) => {
                return Some(pre_tool_use_deny(
                    &format!(
                        "Palisade blocked this action because the sandbox profile for Bash commands cannot be loaded: {e}. Ask the user to fix `[sandbox] profile` in palisade.toml or the profile file; do not retry the same action."
                    ),
                    &format!("sandbox profile `{}`: {e}", settings.profile),
                ))
            }
        }
    }
    let redact_why = if secrets::is_wrapped(command, &exe) {
        None
    } else {
        secrets::output_may_hold_secrets(command)
    };
    if let Some(why) = &redact_why {
        what.push(format!(
            "its output passes through `palisade redact` ({why}), which replaces secrets with [REDACTED:<kind>]"
        ));
    }
    if what.is_empty() {
        return None;
    }
    let mut rewritten = command.to_string();
    if sandbox {
        rewritten = sandbox::wrap(&rewritten, &exe, &settings.profile, &project);
    }
    if redact_why.is_some() {
        rewritten = secrets::redact_wrapper(&rewritten, &exe);
    }
    let mut updated = input.clone();
    updated.insert("command".into(), Value::String(rewritten));
    let what = what.join("; ");
    let mode = ctx.permission_mode;
    let (verdict, reason) = match decision.verdict {
        Verdict::Pass
            if mode != Some(PermissionMode::DontAsk)
                && secrets::read_only_in(command, &policy.work_dirs, &ctx.cwd, &ctx.home) =>
        {
            (
                Verdict::Allow,
                format!("Palisade allowed this read-only command inside the project; {what}."),
            )
        }
        Verdict::Pass
            if sandbox
                && settings.auto_allow
                && !matches!(mode, Some(PermissionMode::DontAsk | PermissionMode::Plan)) =>
        {
            (
                Verdict::Allow,
                format!("Palisade allowed this command because {what}."),
            )
        }
        v => (v, format!("{} Also, {what}.", decision.explanation())),
    };
    Some(pre_tool_use_rewrite(verdict, &reason, updated))
}

/// PostToolUse: secrets in what a tool returned. An MCP tool's output is
/// replaced by its redacted form (`updatedMCPToolOutput`); for other tools
/// (whose output Claude Code cannot let a hook change) the agent is warned
/// and the finding is recorded on stderr.
fn post_tool_use_secrets(tool: &str, response: &Value) -> Answer {
    if response.is_null() {
        return Answer::pass();
    }
    let mut redacted = response.clone();
    let findings = secrets::redact_json(scanner(), &mut redacted);
    if findings.is_empty() {
        return Answer::pass();
    }
    let mcp = tool.starts_with("mcp__");
    let warning = secrets::output_warning(scanner(), tool, &findings, mcp);
    let what = if mcp { "redacted" } else { "found" };
    post_tool_use(
        mcp.then_some(redacted),
        Some(&warning),
        &format!("{what} {} in the output of {tool}", summary(&findings)),
    )
}
