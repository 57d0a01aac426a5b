//! Converts the built-in guard packs (`rules/guards/*.toml`) to JSON at build
//! time. The hook loads the policy on every call, and parsing JSON is several
//! times cheaper than parsing TOML; the TOML stays the source of truth, and
//! the test suite checks that both readings agree.

use std::path::Path;

/// Pack files, in the order their rules are listed and evaluated.
const PACKS: &[&str] = &[
    "credentials",
    "destructive",
    "remote-code",
    "privilege",
    "persistence",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/guards");
    let mut packs = Vec::new();
    for name in PACKS {
        let file = root.join(format!("{name}.toml"));
        println!("cargo:rerun-if-changed={}", file.display());
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let rules = value
            .get("rule")
            .and_then(toml::Value::as_array)
            .unwrap_or_else(|| panic!("{}: no [[rule]] tables", file.display()));
        let mut out = Vec::new();
        for rule in rules {
            let id = rule
                .get("id")
                .and_then(toml::Value::as_str)
                .unwrap_or_default();
            let line = id_line(&text, id);
            let json = serde_json::to_value(rule)
                .unwrap_or_else(|e| panic!("{}: {id}: {e}", file.display()));
            out.push(serde_json::json!({ "line": line, "rule": json }));
        }
        packs
            .push(serde_json::json!({ "path": format!("rules/guards/{name}.toml"), "rules": out }));
    }
    let dest =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("guards.json");
    let text = serde_json::to_string(&packs).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&dest, text).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}

/// 1-based line of `id = "<id>"` in `text` (0 if absent).
fn id_line(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l.starts_with("id") && l.contains(&format!("\"{id}\""))
        })
        .map(|i| i + 1)
        .unwrap_or(0)
}
