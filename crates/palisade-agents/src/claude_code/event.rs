//! Claude Code hook input: the event JSON on stdin.

use palisade_core::{Action, PermissionMode};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Largest hook input read, in bytes (16 MiB). Larger input is an error
/// (and so a fail-closed answer).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// Largest Bash command analysed, in bytes (1 MiB). Longer commands are denied.
pub const MAX_COMMAND_BYTES: usize = 1024 * 1024;

/// Why an event could not be read. The message is shown on stderr and, for
/// PreToolUse, given to the model as the deny reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("hook input is {0} bytes, more than the {MAX_INPUT_BYTES}-byte limit")]
    TooLarge(usize),
    /// The input is not valid UTF-8 / JSON.
    #[error("hook input is not valid JSON: {0}")]
    Json(String),
    /// A required field is missing or has the wrong type.
    #[error("hook input field `{field}` {problem}")]
    Field {
        /// Dotted field name.
        field: String,
        /// "is missing" or "must be a string", etc.
        problem: String,
    },
}

/// One Claude Code hook event, reduced to what Palisade needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `PreToolUse`: a tool is about to run.
    PreToolUse {
        /// Shared fields.
        common: Common,
        /// The tool's name.
        tool_name: String,
        /// The action, or why `tool_input` could not be read (which denies).
        action: Result<Action, EventError>,
        /// `tool_input` as sent (an object), to build an `updatedInput`
        /// that keeps every field Palisade does not change.
        input: Map<String, Value>,
    },
    /// `PermissionRequest`: Claude Code is about to show a permission dialog.
    PermissionRequest {
        /// Shared fields.
        common: Common,
        /// The tool's name.
        tool_name: String,
        /// The action, or why `tool_input` could not be read.
        action: Result<Action, EventError>,
    },
    /// `UserPromptSubmit`: the user sent a prompt.
    UserPromptSubmit {
        /// Shared fields.
        common: Common,
        /// The prompt text.
        prompt: String,
    },
    /// `PostToolUse`: a tool ran.
    PostToolUse {
        /// Shared fields.
        common: Common,
        /// The tool's name.
        tool_name: String,
        /// `tool_response`: what the tool returned (`Value::Null` if absent).
        /// Bash: `{stdout, stderr, …}`; Read: `{type, file: {content, …}}`;
        /// MCP: a list of content blocks `[{"type": "text", "text": …}]`.
        response: Value,
    },
    /// `SessionStart`.
    SessionStart {
        /// Shared fields.
        common: Common,
    },
    /// Any other event (Stop, SessionEnd, Notification, …): Palisade passes.
    Other {
        /// Shared fields.
        common: Common,
        /// The event name.
        name: String,
    },
}

impl Event {
    /// The shared fields.
    pub fn common(&self) -> &Common {
        match self {
            Event::PreToolUse { common, .. }
            | Event::PermissionRequest { common, .. }
            | Event::UserPromptSubmit { common, .. }
            | Event::PostToolUse { common, .. }
            | Event::SessionStart { common }
            | Event::Other { common, .. } => common,
        }
    }
}

/// Fields every event carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Common {
    /// `hook_event_name`.
    pub event_name: String,
    /// `session_id`.
    pub session_id: Option<String>,
    /// `cwd`.
    pub cwd: Option<PathBuf>,
    /// `permission_mode`.
    pub permission_mode: Option<PermissionMode>,
}

/// Parses the hook's stdin.
///
/// # Errors
/// [`EventError`] when the input is too large, not JSON, not an object, or
/// lacks `hook_event_name`. A PreToolUse event whose `tool_input` is bad is
/// *not* an error here: it parses, with `action: Err(..)`, so the answer can
/// be a proper PreToolUse deny.
pub fn parse_event(input: &[u8]) -> Result<Event, EventError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(EventError::TooLarge(input.len()));
    }
    let v: Value = serde_json::from_slice(input).map_err(|e| EventError::Json(e.to_string()))?;
    let Value::Object(obj) = v else {
        return Err(EventError::Json("expected a JSON object".into()));
    };
    let name = req_str(&obj, "hook_event_name")?.to_string();
    let common = Common {
        event_name: name.clone(),
        session_id: opt_str(&obj, "session_id").map(str::to_string),
        cwd: opt_str(&obj, "cwd")
            .filter(|c| c.starts_with('/'))
            .map(PathBuf::from),
        permission_mode: opt_str(&obj, "permission_mode").map(PermissionMode::parse),
    };
    Ok(match name.as_str() {
        "PreToolUse" | "PermissionRequest" => {
            let tool_name = req_str(&obj, "tool_name")?.to_string();
            let action = match obj.get("tool_input") {
                Some(Value::Object(input)) => tool_action(&tool_name, input),
                Some(_) => Err(field("tool_input", "must be an object")),
                None => Err(field("tool_input", "is missing")),
            };
            if name == "PreToolUse" {
                let input = match obj.get("tool_input") {
                    Some(Value::Object(m)) => m.clone(),
                    _ => Map::new(),
                };
                Event::PreToolUse {
                    common,
                    tool_name,
                    action,
                    input,
                }
            } else {
                Event::PermissionRequest {
                    common,
                    tool_name,
                    action,
                }
            }
        }
        "UserPromptSubmit" => Event::UserPromptSubmit {
            prompt: opt_str(&obj, "prompt").unwrap_or_default().to_string(),
            common,
        },
        "PostToolUse" => Event::PostToolUse {
            tool_name: opt_str(&obj, "tool_name").unwrap_or_default().to_string(),
            response: obj.get("tool_response").cloned().unwrap_or(Value::Null),
            common,
        },
        "SessionStart" => Event::SessionStart { common },
        _ => Event::Other { common, name },
    })
}

/// Maps a built-in tool's `tool_input` to an [`Action`].
///
/// Shapes (Claude Code hooks reference; observed with 2.1.197): Bash
/// `{command}`, Read `{file_path}`, Write `{file_path, content}`, Edit
/// `{file_path, old_string, new_string}`, MultiEdit `{file_path, edits}`,
/// NotebookEdit `{notebook_path, new_source}`, Glob/Grep `{pattern, path?}`,
/// WebFetch `{url, prompt}`, WebSearch `{query}`, Task/Agent `{prompt,
/// subagent_type?}`, `mcp__<server>__<tool>` any object.
///
/// # Errors
/// A required field is missing or not a string, or a Bash command is longer
/// than [`MAX_COMMAND_BYTES`].
pub fn tool_action(tool: &str, input: &Map<String, Value>) -> Result<Action, EventError> {
    let s = |k: &str| -> Result<String, EventError> {
        match input.get(k) {
            Some(Value::String(v)) => Ok(v.clone()),
            Some(_) => Err(field(&format!("tool_input.{k}"), "must be a string")),
            None => Err(field(&format!("tool_input.{k}"), "is missing")),
        }
    };
    let path = |k: &str| -> Result<PathBuf, EventError> {
        let p = s(k)?;
        if p.is_empty() {
            return Err(field(&format!("tool_input.{k}"), "is empty"));
        }
        Ok(PathBuf::from(p))
    };
    Ok(match tool {
        "Bash" => {
            let command = s("command")?;
            if command.len() > MAX_COMMAND_BYTES {
                return Err(field(
                    "tool_input.command",
                    &format!("is {} bytes, more than the {MAX_COMMAND_BYTES}-byte limit Palisade analyses", command.len()),
                ));
            }
            Action::Exec { command }
        }
        "Read" => Action::Read {
            path: path("file_path")?,
            tool: tool.into(),
        },
        "Glob" | "Grep" | "LS" => {
            let p = match input.get("path") {
                None | Some(Value::Null) => PathBuf::from("."),
                Some(Value::String(p)) if p.is_empty() => PathBuf::from("."),
                Some(_) => path("path")?,
            };
            Action::Read {
                path: p,
                tool: tool.into(),
            }
        }
        "Write" => Action::Write {
            path: path("file_path")?,
            tool: tool.into(),
            content: Some(s("content")?),
        },
        "Edit" => Action::Write {
            path: path("file_path")?,
            tool: tool.into(),
            content: Some(s("new_string")?),
        },
        "MultiEdit" => {
            let edits = match input.get("edits") {
                Some(Value::Array(e)) => e,
                _ => return Err(field("tool_input.edits", "must be a list")),
            };
            let content = edits
                .iter()
                .filter_map(|e| e.get("new_string").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n");
            Action::Write {
                path: path("file_path")?,
                tool: tool.into(),
                content: Some(content),
            }
        }
        "NotebookEdit" => Action::Write {
            path: path("notebook_path")?,
            tool: tool.into(),
            content: input
                .get("new_source")
                .and_then(Value::as_str)
                .map(str::to_string),
        },
        "WebFetch" => Action::Fetch { url: s("url")? },
        "WebSearch" => Action::Search { query: s("query")? },
        "Task" | "Agent" => Action::SubAgent {
            tool: tool.into(),
            agent_type: input
                .get("subagent_type")
                .and_then(Value::as_str)
                .map(str::to_string),
            prompt: input
                .get("prompt")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        },
        t if t.starts_with("mcp__") => {
            let rest = &t["mcp__".len()..];
            let (server, name) = rest.split_once("__").unwrap_or((rest, ""));
            Action::McpCall {
                server: server.to_string(),
                tool: name.to_string(),
                arguments: Value::Object(input.clone()),
            }
        }
        other => Action::Other {
            tool: other.to_string(),
            input: Value::Object(input.clone()),
        },
    })
}

fn field(name: &str, problem: &str) -> EventError {
    EventError::Field {
        field: name.to_string(),
        problem: problem.to_string(),
    }
}

fn req_str<'a>(obj: &'a Map<String, Value>, k: &str) -> Result<&'a str, EventError> {
    match obj.get(k) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(field(k, "must be a string")),
        None => Err(field(k, "is missing")),
    }
}

fn opt_str<'a>(obj: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    obj.get(k).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn pre(tool: &str, input: &str) -> Result<Action, EventError> {
        let text = format!(
            r#"{{"hook_event_name":"PreToolUse","cwd":"/p","tool_name":"{tool}","tool_input":{input}}}"#
        );
        match parse_event(text.as_bytes()).expect("event parses") {
            Event::PreToolUse { action, .. } => action,
            other => panic!("wrong event {other:?}"),
        }
    }

    #[test]
    fn every_builtin_tool_shape() {
        assert_eq!(
            pre("Bash", r#"{"command":"ls","description":"x"}"#),
            Ok(Action::Exec {
                command: "ls".into()
            })
        );
        assert_eq!(
            pre("Read", r#"{"file_path":"/p/a"}"#),
            Ok(Action::Read {
                path: "/p/a".into(),
                tool: "Read".into()
            })
        );
        assert_eq!(
            pre("Write", r#"{"file_path":"/p/a","content":"x"}"#),
            Ok(Action::Write {
                path: "/p/a".into(),
                tool: "Write".into(),
                content: Some("x".into())
            })
        );
        assert_eq!(
            pre(
                "Edit",
                r#"{"file_path":"/p/a","old_string":"a","new_string":"b","replace_all":false}"#
            ),
            Ok(Action::Write {
                path: "/p/a".into(),
                tool: "Edit".into(),
                content: Some("b".into())
            })
        );
        assert_eq!(
            pre(
                "MultiEdit",
                r#"{"file_path":"/p/a","edits":[{"old_string":"a","new_string":"b"},{"old_string":"c","new_string":"d"}]}"#
            ),
            Ok(Action::Write {
                path: "/p/a".into(),
                tool: "MultiEdit".into(),
                content: Some("b\nd".into())
            })
        );
        assert_eq!(
            pre(
                "NotebookEdit",
                r#"{"notebook_path":"/p/n.ipynb","new_source":"print(1)"}"#
            ),
            Ok(Action::Write {
                path: "/p/n.ipynb".into(),
                tool: "NotebookEdit".into(),
                content: Some("print(1)".into())
            })
        );
        assert_eq!(
            pre("Glob", r#"{"pattern":"**/*.rs"}"#),
            Ok(Action::Read {
                path: ".".into(),
                tool: "Glob".into()
            })
        );
        assert_eq!(
            pre("Grep", r#"{"pattern":"x","path":"/p/src"}"#),
            Ok(Action::Read {
                path: "/p/src".into(),
                tool: "Grep".into()
            })
        );
        assert_eq!(
            pre("WebFetch", r#"{"url":"https://x.test","prompt":"s"}"#),
            Ok(Action::Fetch {
                url: "https://x.test".into()
            })
        );
        assert_eq!(
            pre("WebSearch", r#"{"query":"q"}"#),
            Ok(Action::Search { query: "q".into() })
        );
        assert_eq!(
            pre("Task", r#"{"prompt":"p","subagent_type":"Explore"}"#),
            Ok(Action::SubAgent {
                tool: "Task".into(),
                agent_type: Some("Explore".into()),
                prompt: "p".into()
            })
        );
        assert_eq!(
            pre("mcp__my_server__do__thing", r#"{"a":1}"#),
            Ok(Action::McpCall {
                server: "my_server".into(),
                tool: "do__thing".into(),
                arguments: serde_json::json!({"a":1})
            })
        );
        assert!(matches!(
            pre("TaskCreate", r#"{"x":1}"#),
            Ok(Action::Other { .. })
        ));
    }

    #[test]
    fn bad_tool_input_is_an_error_inside_the_event() {
        assert_eq!(
            pre("Bash", r#"{"command":5}"#),
            Err(EventError::Field {
                field: "tool_input.command".into(),
                problem: "must be a string".into()
            })
        );
        assert!(pre("Read", r#"{}"#).is_err());
        assert!(pre("Write", r#"{"file_path":""}"#).is_err());
        let big = format!(
            r#"{{"command":"echo {}"}}"#,
            "a".repeat(MAX_COMMAND_BYTES + 1)
        );
        assert!(matches!(pre("Bash", &big), Err(EventError::Field { .. })));
        let text = r#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":"ls"}"#;
        assert!(matches!(
            parse_event(text.as_bytes()),
            Ok(Event::PreToolUse { action: Err(_), .. })
        ));
    }

    #[test]
    fn unreadable_events_are_errors() {
        assert!(matches!(parse_event(b"{"), Err(EventError::Json(_))));
        assert!(matches!(parse_event(b"[1]"), Err(EventError::Json(_))));
        assert!(matches!(
            parse_event(b"\xff\xfe{}"),
            Err(EventError::Json(_))
        ));
        assert!(matches!(
            parse_event(br#"{"tool_name":"Bash"}"#),
            Err(EventError::Field { .. })
        ));
        assert!(matches!(
            parse_event(br#"{"hook_event_name":"PreToolUse"}"#),
            Err(EventError::Field { .. })
        ));
        let big = vec![b' '; MAX_INPUT_BYTES + 1];
        assert!(matches!(parse_event(&big), Err(EventError::TooLarge(_))));
    }

    #[test]
    fn other_events() {
        let e = parse_event(br#"{"hook_event_name":"SessionStart","source":"startup","cwd":"/p"}"#)
            .expect("ok");
        assert!(matches!(e, Event::SessionStart { .. }));
        let e = parse_event(br#"{"hook_event_name":"Stop"}"#).expect("ok");
        assert!(matches!(e, Event::Other { ref name, .. } if name == "Stop"));
        let e = parse_event(
            br#"{"hook_event_name":"UserPromptSubmit","prompt":"hi","permission_mode":"plan"}"#,
        )
        .expect("ok");
        assert_eq!(e.common().permission_mode, Some(PermissionMode::Plan));
    }
}
