//! Converts the built-in secret rule files (`rules/secrets/*.toml`) to one
//! JSON document in `OUT_DIR`, which the scanner parses at start-up: JSON
//! parses about ten times faster than TOML, and the hook builds a scanner on
//! every Read, Write and prompt it checks. The TOML files stay the source
//! (and what error messages and tests name).

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/secrets");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect(),
        Err(e) => fail(&format!("{}: {e}", dir.display())),
    };
    names.sort();
    let mut files = serde_json::Map::new();
    for name in names {
        let path = dir.join(&name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| fail(&format!("rules/secrets/{name}: {e}")));
        let json = serde_json::to_value(value)
            .unwrap_or_else(|e| fail(&format!("rules/secrets/{name}: {e}")));
        files.insert(format!("rules/secrets/{name}"), json);
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|e| fail(&e.to_string())))
        .join("secret_rules.json");
    let text = serde_json::to_string(&files).unwrap_or_else(|e| fail(&e.to_string()));
    std::fs::write(&out, text).unwrap_or_else(|e| fail(&format!("{}: {e}", out.display())));
}

fn fail(message: &str) -> ! {
    eprintln!("error: built-in secret rules: {message}");
    std::process::exit(1)
}
