//! Fuzzes the Claude Code hook input end to end: arbitrary bytes go through
//! the event parser; every action it yields is evaluated by the built-in
//! policy and rendered as the hook's answer. Nothing may panic, and every
//! answer must be valid JSON (or empty).
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_agents::claude_code::{answer, failure_answer, parse_event, Event};
use palisade_core::Context;
use palisade_policy::{LoadOptions, Policy};
use std::path::PathBuf;
use std::sync::OnceLock;

fn setup() -> &'static (Policy, Context) {
    static S: OnceLock<(Policy, Context)> = OnceLock::new();
    S.get_or_init(|| {
        let home = PathBuf::from("/nonexistent/palisade-fuzz/home");
        let proj = home.join("proj");
        let mut o = LoadOptions::new(&proj, &proj, &home);
        o.managed_dir = Some(PathBuf::from("/nonexistent/palisade-fuzz/managed"));
        let policy = Policy::load(&o).expect("built-in policy loads");
        let ctx = Context {
            agent: "fuzz".into(),
            session_id: None,
            cwd: proj.clone(),
            project_root: proj,
            home,
            permission_mode: None,
        };
        (policy, ctx)
    })
}

fuzz_target!(|data: &[u8]| {
    let (policy, ctx) = setup();
    let a = match parse_event(data) {
        Err(e) => failure_answer(None, &e.to_string(), false),
        Ok(ev) => match &ev {
            Event::PreToolUse { action: Ok(action), .. } | Event::PermissionRequest { action: Ok(action), .. } => {
                answer(&ev, &policy.evaluate(action, ctx))
            }
            Event::PreToolUse { action: Err(e), .. } => failure_answer(Some(&ev), &e.to_string(), false),
            _ => answer(&ev, &palisade_core::Decision::pass()),
        },
    };
    if let Some(out) = a.stdout {
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "answer is not JSON: {out}");
    }
});
