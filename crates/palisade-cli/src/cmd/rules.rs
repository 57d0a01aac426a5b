//! `palisade rules`: list the built-in guard rules.

use palisade_policy::built_in_guards;
use serde_json::json;

/// List the built-in guard rules: id, verdict, what each guards, its source
/// file:line and references. Switch one off with
/// `disable_rules = ["<id>"]` under `[policy]` in palisade.toml.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let rules = built_in_guards()?;
    if a.json {
        let v: Vec<_> = rules
            .iter()
            .map(|r| json!({"id": r.id, "pack": r.pack, "verdict": r.verdict, "description": r.description,
                            "message": r.message, "source": r.source.to_string(), "references": r.references}))
            .collect();
        crate::exit::print(&serde_json::to_string_pretty(&v)?);
    } else {
        for r in &rules {
            out!("{:<40} {:<5} {}", r.id, r.verdict.as_str(), r.description);
        }
        out!(
            "\n{} rules. `palisade rules --json` gives sources and references.",
            rules.len()
        );
    }
    Ok(0)
}
