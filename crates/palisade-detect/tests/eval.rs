//! Recall and false positives on Nosey Parker's rule examples, when the
//! evaluation set is present beside the repository
//! (`../shared/eval/secrets/noseyparker-examples.jsonl`; it is not copied
//! into this repository). Run with `--nocapture` to see the numbers.

use palisade_detect::Scanner;
use std::path::Path;

#[test]
fn noseyparker_examples() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval/secrets/noseyparker-examples.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let scanner = Scanner::new();
    let (mut positives, mut found) = (0_usize, 0_usize);
    let (mut negatives, mut false_positives) = (0_usize, 0_usize);
    let mut missed_by_rule: std::collections::BTreeMap<String, usize> = Default::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let sample = v["text"].as_str().unwrap_or_default();
        let label = v["label"].as_i64().unwrap_or(-1);
        let is_secret = v["categories"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c == "secret"));
        let hit = !scanner.scan(sample).is_empty();
        match label {
            1 if is_secret => {
                positives += 1;
                if hit {
                    found += 1;
                } else {
                    let rule = v["rule_id"].as_str().unwrap_or("?").to_string();
                    *missed_by_rule.entry(rule).or_default() += 1;
                }
            }
            0 => {
                negatives += 1;
                if hit {
                    false_positives += 1;
                }
            }
            _ => {}
        }
    }
    let recall = found as f64 / positives.max(1) as f64;
    println!(
        "noseyparker examples: recall {found}/{positives} = {recall:.3}; \
         false positives {false_positives}/{negatives}"
    );
    println!("missed (by Nosey Parker rule): {missed_by_rule:?}");
    assert!(positives > 0);
    assert!(recall > 0.9, "recall {recall:.3}");
    assert!(
        false_positives * 2 <= negatives,
        "{false_positives}/{negatives} negatives flagged"
    );
}
