//! Every built-in secret rule loads, has a unique id, reports each of its
//! examples and none of its negative examples (through the whole scanner:
//! keyword prefilter, placeholder filter, entropy, validator).

use palisade_detect::rules::{parse_rules, BUILT_IN_RULES};
use palisade_detect::Scanner;
use std::collections::HashSet;
use std::path::Path;

#[test]
fn every_rule_file_is_built_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/secrets");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules/secrets exists")
        .filter_map(|e| e.ok())
        .map(|e| format!("rules/secrets/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut built_in: Vec<String> = BUILT_IN_RULES.iter().map(|(p, _)| p.to_string()).collect();
    built_in.sort();
    assert_eq!(on_disk, built_in);
}

#[test]
fn ids_are_unique_and_rules_are_documented() {
    let mut ids = HashSet::new();
    let mut count = 0;
    for (path, text) in BUILT_IN_RULES {
        for rule in parse_rules(path, text).expect("rule file parses") {
            count += 1;
            assert!(ids.insert(rule.id.clone()), "duplicate id {}", rule.id);
            assert!(!rule.examples.is_empty(), "{}: no examples", rule.id);
            assert!(
                !rule.negative_examples.is_empty(),
                "{}: no negative examples",
                rule.id
            );
            assert!(
                rule.references.iter().all(|r| r.starts_with("https://")),
                "{}: references are https URLs",
                rule.id
            );
            assert!(
                rule.pattern.contains("(?P<secret>"),
                "{}: pattern names its secret group",
                rule.id
            );
        }
    }
    assert!(count >= 200, "only {count} rules");
}

#[test]
fn the_built_in_json_holds_exactly_the_toml_rules() {
    let from_json = palisade_detect::rules::built_in_files().expect("built-in JSON parses");
    assert_eq!(from_json.len(), BUILT_IN_RULES.len());
    for ((path, file), (toml_path, text)) in from_json.iter().zip(BUILT_IN_RULES) {
        assert_eq!(path, toml_path);
        let toml = parse_rules(toml_path, text).expect("TOML parses");
        let ids = |rules: &[palisade_detect::rules::Rule]| {
            rules
                .iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        r.pattern.clone(),
                        r.keywords.clone(),
                        r.window,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&file.rule), ids(&toml), "{path}");
    }
}

#[test]
fn every_built_in_pattern_compiles() {
    // Scanner::new() compiles lazily; this compiles all now.
    Scanner::new()
        .compile_all()
        .expect("every built-in pattern compiles");
}

#[test]
fn every_rule_names_a_provider_with_rotation_advice() {
    let scanner = Scanner::new();
    for rule in scanner.rules() {
        let p = scanner.provider_of(&rule.id).unwrap_or_else(|| {
            panic!(
                "{}: provider `{}` has no [providers.{}] table",
                rule.id, rule.provider, rule.provider
            )
        });
        assert!(
            p.rotate.len() > 20,
            "{}: rotation advice too short",
            rule.id
        );
    }
    for (id, p) in scanner.providers() {
        assert!(
            scanner.rules().any(|r| &r.provider == id),
            "provider {id} ({}) has no rule",
            p.name
        );
    }
}

#[test]
fn examples_match_and_negative_examples_do_not() {
    let scanner = Scanner::new();
    let mut failures = Vec::new();
    for rule in scanner.rules() {
        for ex in &rule.examples {
            if scanner.scan_rule(&rule.id, ex).is_empty() {
                failures.push(format!("{}: example not matched: {ex:?}", rule.id));
            }
        }
        for ex in &rule.negative_examples {
            let found = scanner.scan_rule(&rule.id, ex);
            if !found.is_empty() {
                failures.push(format!(
                    "{}: negative example matched: {ex:?} ({found:?})",
                    rule.id
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn examples_are_found_by_their_own_rule_in_a_full_scan() {
    // In a full scan a more specific rule may win a span, but every example
    // must be reported by some rule.
    let scanner = Scanner::new();
    for rule in scanner.rules() {
        for ex in &rule.examples {
            assert!(!scanner.scan(ex).is_empty(), "{}: {ex:?}", rule.id);
        }
    }
}
