//! Every built-in guard rule's `examples` must be caught by that rule, and
//! its `negative_examples` must not be, when run through the whole engine
//! (shell analysis, path resolution, checks). Ids must be unique.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use palisade_core::{Action, Context};
use palisade_policy::{built_in_guards, LoadOptions, Policy};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn ctx() -> Context {
    Context {
        agent: "test".into(),
        session_id: None,
        cwd: PathBuf::from("/home/dev/proj"),
        project_root: PathBuf::from("/home/dev/proj"),
        home: PathBuf::from("/home/dev"),
        permission_mode: None,
    }
}

fn policy() -> Policy {
    let c = ctx();
    let mut o = LoadOptions::new(&c.cwd, &c.project_root, &c.home);
    o.managed_dir = Some(PathBuf::from("/nonexistent/palisade-test-managed"));
    Policy::load(&o).expect("built-in policy loads")
}

/// `Read: p`, `Write: p`, `Edit: p` are tool calls; anything else is a Bash command.
pub fn example_action(ex: &str, home: &Path) -> Action {
    let expand = |p: &str| -> PathBuf {
        match p.strip_prefix("~/") {
            Some(rest) => home.join(rest),
            None => PathBuf::from(p),
        }
    };
    for tool in ["Read", "Write", "Edit"] {
        if let Some(p) = ex.strip_prefix(&format!("{tool}: ")) {
            return if tool == "Read" {
                Action::Read {
                    path: expand(p),
                    tool: tool.into(),
                }
            } else {
                Action::Write {
                    path: expand(p),
                    tool: tool.into(),
                    content: None,
                }
            };
        }
    }
    Action::Exec {
        command: ex.to_string(),
    }
}

#[test]
fn ids_are_unique_and_every_rule_has_examples() {
    let rules = built_in_guards().expect("packs parse");
    let mut ids = HashSet::new();
    for r in &rules {
        assert!(ids.insert(r.id.clone()), "duplicate id {}", r.id);
        assert!(!r.examples.is_empty(), "{} has no examples", r.id);
        assert!(
            !r.negative_examples.is_empty(),
            "{} has no negative examples",
            r.id
        );
        assert!(r.id.contains('.'), "{}: ids are pack.name", r.id);
        for re in &r.command_regex {
            palisade_policy::compile_regex(re).unwrap_or_else(|e| panic!("{}: {e}", r.id));
        }
    }
    assert!(rules.len() >= 20, "only {} rules", rules.len());
}

#[test]
fn every_example_is_caught_and_no_negative_is() {
    let p = policy();
    let c = ctx();
    let mut failures = Vec::new();
    let full = built_in_guards().expect("built-in");
    assert_eq!(full.len(), p.guards.len(), "the hook loads every rule");
    for r in &full {
        for ex in &r.examples {
            let d = p.evaluate(&example_action(ex, &c.home), &c);
            if !d.reasons.iter().any(|x| x.rule_id == r.id) {
                failures.push(format!(
                    "{}: example not caught: {ex}  (got {:?})",
                    r.id,
                    d.reasons.iter().map(|x| &x.rule_id).collect::<Vec<_>>()
                ));
            }
        }
        for ex in &r.negative_examples {
            let d = p.evaluate(&example_action(ex, &c.home), &c);
            if d.reasons.iter().any(|x| x.rule_id == r.id) {
                failures.push(format!("{}: negative example caught: {ex}", r.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn compiled_in_packs_match_their_toml_sources() {
    let from_json: Vec<(String, String, u32)> = built_in_guards()
        .expect("built-in")
        .into_iter()
        .map(|r| (r.id, r.source.path.display().to_string(), r.source.line))
        .collect();
    let mut from_toml = Vec::new();
    for (path, text) in palisade_policy::BUILT_IN_PACKS {
        for r in palisade_policy::parse_pack(path, text).expect("toml parses") {
            assert!(r.source.line > 0, "{} has a line", r.id);
            from_toml.push((r.id, r.source.path.display().to_string(), r.source.line));
        }
    }
    assert_eq!(from_json, from_toml);
}
