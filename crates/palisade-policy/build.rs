//! Converts the built-in guard packs (`rules/guards/*.toml`) to Rust data at
//! build time (`$OUT_DIR/guards.rs`, an expression included by `guard.rs`).
//! The hook loads the policy on every call, so it should not parse TOML (or
//! JSON) each time; the TOML stays the source of truth, and the test suite
//! checks that both readings agree.

use std::path::Path;

/// Pack files, in the order their rules are listed and evaluated.
const PACKS: &[&str] = &[
    "credentials",
    "destructive",
    "exfiltration",
    "remote-code",
    "privilege",
    "persistence",
    "resource",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/guards");
    let mut code = String::from("vec![\n");
    // The hook needs no examples or references: a lean copy skips them.
    let mut lean = String::from("vec![\n");
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
        for rule in rules {
            let table = rule
                .as_table()
                .unwrap_or_else(|| panic!("{}: rule is not a table", file.display()));
            let id = table
                .get("id")
                .and_then(toml::Value::as_str)
                .unwrap_or_default();
            for key in table.keys() {
                if !STRINGS.contains(&key.as_str())
                    && !LISTS.contains(&key.as_str())
                    && key != "check"
                {
                    panic!("{}: rule `{id}`: unknown key `{key}`", file.display());
                }
            }
            let path = format!("rules/guards/{name}.toml");
            let start = code.len();
            code.push_str(&format!(
                "    ({path:?}, {}, RuleDef {{\n",
                id_line(&text, id)
            ));
            for key in STRINGS {
                let v = table.get(*key).and_then(toml::Value::as_str);
                let v = v.unwrap_or_else(|| {
                    panic!("{}: rule `{id}`: `{key}` must be a string", file.display())
                });
                code.push_str(&format!("        {key}: {v:?}.to_string(),\n"));
            }
            match table.get("check").map(|c| c.as_str()) {
                None => code.push_str("        check: None,\n"),
                Some(Some(c)) => {
                    code.push_str(&format!("        check: Some({c:?}.to_string()),\n"))
                }
                Some(None) => panic!("{}: rule `{id}`: `check` must be a string", file.display()),
            }
            let mut lean_lists: Vec<String> = Vec::new();
            for key in LISTS {
                let items: Vec<String> = match table.get(*key) {
                    None => Vec::new(),
                    Some(toml::Value::Array(a)) => a
                        .iter()
                        .map(|x| {
                            let s = x.as_str().unwrap_or_else(|| {
                                panic!(
                                    "{}: rule `{id}`: `{key}` must be a list of strings",
                                    file.display()
                                )
                            });
                            format!("{s:?}")
                        })
                        .collect(),
                    Some(_) => panic!("{}: rule `{id}`: `{key}` must be a list", file.display()),
                };
                code.push_str(&format!(
                    "        {key}: strings(&[{}]),\n",
                    items.join(", ")
                ));
                let kept = if DOCS_ONLY.contains(key) {
                    String::new()
                } else {
                    items.join(", ")
                };
                lean_lists.push(format!("        {key}: strings(&[{kept}]),\n"));
            }
            code.push_str("    }),\n");
            // The lean copy: the same text up to the lists, then the trimmed lists.
            let head_end = code[start..]
                .find("        references:")
                .map_or(code.len(), |k| start + k);
            lean.push_str(&code[start..head_end]);
            for l in lean_lists.drain(..) {
                lean.push_str(&l);
            }
            lean.push_str("    }),\n");
        }
    }
    code.push(']');
    lean.push(']');
    let lean_dest =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("guards_lean.rs");
    std::fs::write(&lean_dest, lean).unwrap_or_else(|e| panic!("{}: {e}", lean_dest.display()));
    let dest =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("guards.rs");
    std::fs::write(&dest, code).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}

/// Lists only `palisade rules` and the test suite read; the hook's lean copy
/// leaves them empty (fewer allocations on every hook call).
const DOCS_ONLY: &[&str] = &["references", "examples", "negative_examples"];

/// Keys that hold one string (all required).
const STRINGS: &[&str] = &["id", "verdict", "description", "message"];
/// Keys that hold a list of strings (all optional).
const LISTS: &[&str] = &[
    "references",
    "paths",
    "except_paths",
    "on",
    "programs",
    "command_regex",
    "keywords",
    "effects",
    "unless_args",
    "values",
    "claude_deny",
    "examples",
    "negative_examples",
];

include!("src/id_line.rs");
