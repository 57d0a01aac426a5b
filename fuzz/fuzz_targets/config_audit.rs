//! Fuzzes the agent-configuration audit: Claude Code settings, `.mcp.json`,
//! `~/.claude.json`, Codex `config.toml` and Gemini CLI `settings.json` come from cloned
//! repositories, so the audit (its comment blanking, JSON line locator and
//! TOML key finder) must never panic, and every line it reports must lie
//! inside the text. The first byte picks the file kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_core::Layer;
use palisade_policy::audit;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let findings = match kind % 5 {
        0 => audit::audit_claude_settings(".claude/settings.json", text, Layer::Project),
        1 => audit::audit_mcp_json(".mcp.json", text, Layer::Project),
        2 => audit::audit_codex_config(".codex/config.toml", text, Layer::Project),
        3 => audit::audit_claude_json("~/.claude.json", text),
        _ => audit::audit_gemini_settings(".gemini/settings.json", text, Layer::Project),
    };
    let lines = text.lines().count().max(1);
    for f in &findings {
        if let Some(line) = f.line.map(|l| l as usize) {
            assert!(line >= 1 && line <= lines + 1, "line {line} of {lines}: {text:?}");
        }
    }
});
