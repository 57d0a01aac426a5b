//! The per-program knowledge table's examples: every entry's command lines
//! must yield exactly the effects the table says they do.

use palisade_shell::{analyze, effects, knowledge_examples, knowledge_programs, Effect};
use std::collections::BTreeSet;

/// An effect in the table's compact notation (see `knowledge.rs`).
#[allow(unreachable_patterns)]
fn compact(e: &Effect) -> String {
    let flag = |on: bool, name: &str| {
        if on {
            format!(" {name}")
        } else {
            String::new()
        }
    };
    match e {
        Effect::Read {
            path,
            recursive,
            dynamic,
        } => format!(
            "read:{path}{}{}",
            flag(*recursive, "recursive"),
            flag(*dynamic, "dynamic")
        ),
        Effect::Write { path, dynamic } => format!("write:{path}{}", flag(*dynamic, "dynamic")),
        Effect::Delete {
            path,
            recursive,
            dynamic,
        } => format!(
            "delete:{path}{}{}",
            flag(*recursive, "recursive"),
            flag(*dynamic, "dynamic")
        ),
        Effect::Network { target, upload } => match upload {
            Some(f) => format!("network:{target} upload:{f}"),
            None => format!("network:{target}"),
        },
        other => format!("{other:?}"),
    }
}

/// The effects of every command of `line`, compact and sorted.
fn actual(line: &str) -> Vec<String> {
    let mut v: Vec<String> = analyze(line)
        .commands
        .iter()
        .flat_map(effects)
        .map(|e| compact(&e))
        .collect();
    v.sort();
    v
}

#[test]
fn every_example_has_the_effects_the_table_lists() {
    let mut bad = Vec::new();
    let examples = knowledge_examples();
    for (program, line, want) in &examples {
        let mut want: Vec<String> = want
            .iter()
            .filter(|w| **w != "none")
            .map(|w| w.to_string())
            .collect();
        want.sort();
        let got = actual(line);
        if got != want {
            bad.push(format!(
                "[{program}] {line:?}\n    want {want:?}\n    got  {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} examples differ:\n{}",
        bad.len(),
        examples.len(),
        bad.join("\n")
    );
}

#[test]
fn examples_run_the_program_of_their_entry() {
    let programs: BTreeSet<&str> = knowledge_programs().into_iter().collect();
    let mut bad = Vec::new();
    for (program, line, want) in knowledge_examples() {
        if want.is_empty() || (want.contains(&"none") && want.len() > 1) {
            bad.push(format!(
                "{line:?}: `none` must stand alone, and a list cannot be empty"
            ));
        }
        let a = analyze(line);
        if a.parse_error.is_some() {
            bad.push(format!("{line:?}: does not parse"));
        }
        let first = a.commands.iter().find_map(|c| c.program());
        if first.is_none_or(|p| !programs.contains(p)) {
            bad.push(format!(
                "[{program}] {line:?}: runs {first:?}, not in the table"
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn at_least_150_programs_with_examples() {
    let names = knowledge_programs();
    let distinct: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(distinct.len(), names.len(), "a program is in two entries");
    // Programs some example actually runs (wrapped commands count too).
    let exercised: BTreeSet<String> = knowledge_examples()
        .iter()
        .flat_map(|(_, line, _)| {
            analyze(line)
                .commands
                .iter()
                .filter_map(|c| c.program().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .filter(|p| distinct.contains(p.as_str()))
        .collect();
    assert!(
        exercised.len() >= 150,
        "only {} programs have examples: {exercised:?}",
        exercised.len()
    );
}
