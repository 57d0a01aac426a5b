//! Grammar-based fuzzing of the core security property: a command line that
//! contains a denied simple command is never allowed (nor passed), even
//! when the project allows every Bash command.
//!
//! The fuzz bytes drive the choices of a small shell AST (lists, pipelines,
//! `!`, subshells, groups, `if`/`while`/`until`/`for`, `$(…)`, backticks,
//! `<(…)`/`>(…)`, `bash -c` with single/double/`$'…'` quoting at any depth,
//! `eval`, `xargs`, `find -exec`, wrappers, program-word quoting) with
//! harmless leaves and exactly one planted denied command. The rendered text
//! goes through `analyze` (no panic, parents earlier) and the policy (deny
//! or ask). The AST, renderer and generator are shared with
//! `crates/palisade-policy/tests/never_allowed.rs` (`tests/grammar/mod.rs`).
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use palisade_core::{Action, Context, Verdict};
use palisade_policy::{LoadOptions, Policy};
use std::sync::OnceLock;

#[path = "../../crates/palisade-policy/tests/grammar/mod.rs"]
mod grammar;
use grammar::*;

struct Bytes<'a, 'b>(&'a mut Unstructured<'b>);

impl Src for Bytes<'_, '_> {
    fn pick(&mut self, n: usize) -> usize {
        // Out of bytes: the simplest choice, so generation terminates.
        self.0.choose_index(n).unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------
// Target
// ---------------------------------------------------------------------------

struct Env {
    policy: Policy,
    ctx: Context,
}

/// A project whose settings allow everything a careless user would, with
/// Claude Code's trust dialog accepted; built once per process.
fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        // A fresh directory per process (left behind: a few bytes).
        let dir = std::env::temp_dir().join(format!(
            "palisade-shell-grammar-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let home = std::fs::canonicalize(&dir).expect("canon").join("home");
        let proj = home.join("proj");
        std::fs::create_dir_all(proj.join(".git/hooks")).expect("mkdir");
        std::fs::create_dir_all(proj.join(".claude")).expect("mkdir");
        std::fs::create_dir_all(home.join(".ssh")).expect("mkdir");
        std::fs::write(home.join(".ssh/id_rsa"), "KEY").expect("write");
        std::fs::write(proj.join(".env"), "TOKEN=x").expect("write");
        let managed = home.parent().expect("parent").join("managed");
        std::fs::create_dir_all(&managed).expect("mkdir");
        std::fs::write(
            proj.join(".claude/settings.json"),
            r#"{"permissions":{"allow":["Bash","Bash(*)","Read","Edit"]}}"#,
        )
        .expect("write");
        let trust = serde_json::json!({"projects": {proj.to_string_lossy(): {"hasTrustDialogAccepted": true}}});
        std::fs::write(home.join(".claude.json"), trust.to_string()).expect("write");
        let mut o = LoadOptions::new(&proj, &proj, &home);
        o.managed_dir = Some(managed);
        let policy = Policy::load(&o).expect("policy loads");
        let ctx = Context {
            agent: "fuzz".into(),
            session_id: None,
            cwd: proj.clone(),
            project_root: proj.clone(),
            home,
            permission_mode: None,
        };
        Env { policy, ctx }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let tree = gen_case(&mut Bytes(&mut u));
    let text = render(&tree);
    let analysis = palisade_shell::analyze(&text);
    for (i, cmd) in analysis.commands.iter().enumerate() {
        if let Some(parent) = cmd.parent {
            assert!(parent < i, "parent {parent} of command {i} is not earlier");
        }
    }
    let env = env();
    let d = env.policy.evaluate(
        &Action::Exec {
            command: text.clone(),
        },
        &env.ctx,
    );
    assert!(
        matches!(d.verdict, Verdict::Deny | Verdict::Ask),
        "planted denied command not stopped: {:?}\ntext: {text:?}\ntree: {tree:?}",
        d.verdict
    );
});
