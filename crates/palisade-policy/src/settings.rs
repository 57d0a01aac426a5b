//! Reading Claude Code `settings.json` files (permissions only).
//!
//! Source: Claude Code documentation, "Settings" and "Permissions":
//! `permissions.allow|ask|deny` are lists of rule strings,
//! `permissions.defaultMode` a mode name, `permissions.additionalDirectories`
//! a list of paths; `allowManagedPermissionRulesOnly` (managed settings only)
//! stops lower layers from adding rules.

use crate::error::{LineIndex, PolicyError};
use crate::file::{FileSettings, RawRule, RuleKind};
use palisade_core::Verdict;
use serde_json::Value;
use std::path::Path;

/// Parses one Claude Code settings file's text. An empty (or whitespace-only)
/// file holds no settings: it is what `palisade run` mounts, read-only, over
/// a protected settings file that does not exist yet, and it carries no
/// rule that a parse error could hide.
///
/// # Errors
/// [`PolicyError::Json`] for invalid JSON, [`PolicyError::Shape`] when a
/// permissions key has the wrong type.
pub fn parse(path: &Path, text: &str) -> Result<FileSettings, PolicyError> {
    if text.trim().is_empty() {
        return Ok(FileSettings::default());
    }
    let v: Value = serde_json::from_str(text).map_err(|e| PolicyError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let mut out = FileSettings::default();
    let lines = LineIndex::new(text);
    let Some(obj) = v.as_object() else {
        return Err(shape(path, "(top level)", "a JSON object"));
    };
    if let Some(b) = obj.get("allowManagedPermissionRulesOnly") {
        out.lock_allow = b
            .as_bool()
            .ok_or_else(|| shape(path, "allowManagedPermissionRulesOnly", "true or false"))?;
    }
    let Some(perms) = obj.get("permissions") else {
        return Ok(out);
    };
    let Some(perms) = perms.as_object() else {
        return Err(shape(path, "permissions", "an object"));
    };
    for (key, verdict) in [
        ("deny", Verdict::Deny),
        ("ask", Verdict::Ask),
        ("allow", Verdict::Allow),
    ] {
        let Some(list) = perms.get(key) else { continue };
        let Some(list) = list.as_array() else {
            return Err(shape(
                path,
                &format!("permissions.{key}"),
                "a list of rule strings",
            ));
        };
        let key_pos = text.find(&format!("\"{key}\"")).unwrap_or(0);
        let mut pos = key_pos;
        for item in list {
            let Some(rule) = item.as_str() else {
                return Err(shape(
                    path,
                    &format!("permissions.{key}"),
                    "a list of rule strings",
                ));
            };
            let needle = serde_json::to_string(rule).unwrap_or_default();
            let line = match find_from(text, pos, &needle) {
                Some(at) => {
                    pos = at + needle.len();
                    lines.line(at)
                }
                None => 0,
            };
            out.rules.push(RawRule {
                kind: RuleKind::Claude(rule.to_string()),
                verdict,
                line: line as u32,
                id: None,
                message: None,
            });
        }
    }
    if let Some(m) = perms.get("defaultMode") {
        out.default_mode = Some(
            m.as_str()
                .ok_or_else(|| shape(path, "permissions.defaultMode", "a string"))?
                .to_string(),
        );
    }
    if let Some(dirs) = perms.get("additionalDirectories") {
        let Some(dirs) = dirs.as_array() else {
            return Err(shape(
                path,
                "permissions.additionalDirectories",
                "a list of paths",
            ));
        };
        for d in dirs {
            let d = d.as_str().ok_or_else(|| {
                shape(path, "permissions.additionalDirectories", "a list of paths")
            })?;
            out.additional_directories.push(d.to_string());
        }
    }
    Ok(out)
}

/// Byte offset of the next `needle` (a JSON string literal, so it starts
/// with `"`) at or after `from`. Steps from quote to quote, which is much
/// cheaper for short needles than a general substring search per rule.
fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    let mut at = from;
    while let Some(i) = text.get(at..)?.find('"') {
        at += i;
        if text[at..].starts_with(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

fn shape(path: &Path, key: &str, expected: &str) -> PolicyError {
    PolicyError::Shape {
        path: path.to_path_buf(),
        key: key.to_string(),
        expected: expected.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_settings_file_holds_no_settings() {
        let f = parse(Path::new("s.json"), "  \n").unwrap();
        assert!(f.rules.is_empty());
        assert!(
            parse(Path::new("s.json"), "{").is_err(),
            "broken JSON still fails"
        );
    }

    #[test]
    fn reads_rules_with_lines() {
        let text = r#"{
  "model": "x",
  "permissions": {
    "allow": ["Bash(ls:*)",
      "Edit(src/**)"],
    "deny": [
      "Read(./.env)"
    ],
    "defaultMode": "acceptEdits",
    "additionalDirectories": ["../lib"]
  }
}"#;
        let s = parse(Path::new("s.json"), text).expect("parses");
        let got: Vec<(String, Verdict, u32)> = s
            .rules
            .iter()
            .map(|r| match &r.kind {
                RuleKind::Claude(t) => (t.clone(), r.verdict, r.line),
                RuleKind::CommandRegex(t) => (t.clone(), r.verdict, r.line),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("Read(./.env)".to_string(), Verdict::Deny, 7),
                ("Bash(ls:*)".to_string(), Verdict::Allow, 4),
                ("Edit(src/**)".to_string(), Verdict::Allow, 5),
            ]
        );
        assert_eq!(s.default_mode.as_deref(), Some("acceptEdits"));
        assert_eq!(s.additional_directories, vec!["../lib".to_string()]);
    }

    #[test]
    fn errors_name_the_problem() {
        let e = parse(
            Path::new("s.json"),
            "{\n \"permissions\": {\"allow\": [1]}}",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.json: `permissions.allow` must be a list of rule strings"
        );
        let e = parse(Path::new("s.json"), "{\n  \"permissions\": ").unwrap_err();
        assert!(e.to_string().starts_with("s.json:2:"), "{e}");
    }
}
