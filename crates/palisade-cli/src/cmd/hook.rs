//! `palisade hook <agent>`: the hook entry point.

use crate::env::{setup, PolicyFlags};
use palisade_agents::claude_code::{
    answer, failure_answer, parse_event, Answer, Event, MAX_INPUT_BYTES,
};
use palisade_core::Action;
use palisade_policy::{FailMode, Policy};
use std::io::{Read, Write};
use std::process::ExitCode;
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

pub fn run(args: Args) -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("palisade: internal error: {info}");
    }));
    let Agent::ClaudeCode = args.agent;
    let mut input = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut input);
    let answer = match read {
        Err(e) => failure_answer(None, &format!("cannot read stdin: {e}"), false),
        Ok(_) => match parse_event(&input) {
            Err(e) => failure_answer(None, &e.to_string(), false),
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
                decide_with_deadline(event, args.policy)
            }
        },
    };
    emit(&answer)
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
fn decide_with_deadline(event: Event, flags: PolicyFlags) -> Answer {
    // PALISADE_HOOK_DEADLINE_S can only shorten the deadline (1..=10 s).
    let secs = std::env::var("PALISADE_HOOK_DEADLINE_S")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(DEADLINE.as_secs(), |v| v.clamp(1, DEADLINE.as_secs()));
    crate::crash::arm_deadline(secs as u32);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decide(&event, &flags)));
    crate::crash::arm_deadline(0);
    match result {
        Ok(a) => a,
        Err(_) => failure_answer(Some(&event), "internal error (panic)", false),
    }
}

fn decide(event: &Event, flags: &PolicyFlags) -> Answer {
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
        Ok(p) => p,
        Err(e) => {
            return failure_answer(
                Some(event),
                &format!("the policy could not be loaded: {e}"),
                false,
            )
        }
    };
    let a = match action {
        Ok(a) => answer(event, &policy.evaluate(&a, &ctx)),
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
