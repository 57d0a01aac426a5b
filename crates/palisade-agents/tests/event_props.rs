//! Properties of the Claude Code hook input parser on arbitrary input:
//! it never panics, and a PreToolUse event always parses to either an
//! action or a reason to deny.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use palisade_agents::claude_code::{parse_event, Event};
use proptest::prelude::*;
use serde_json::json;

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::hash_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_event(&bytes);
    }

    #[test]
    fn pre_tool_use_is_action_or_deny_reason(
        tool in prop_oneof![Just("Bash"), Just("Read"), Just("Write"), Just("Edit"), Just("MultiEdit"),
                            Just("NotebookEdit"), Just("Glob"), Just("Grep"), Just("WebFetch"), Just("WebSearch"),
                            Just("Task"), Just("Agent"), Just("mcp__s__t"), Just("Unknown")],
        input in json_value(),
    ) {
        let ev = json!({"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input, "cwd": "/p"});
        let parsed = parse_event(ev.to_string().as_bytes());
        match parsed {
            Ok(Event::PreToolUse { action: Ok(_), .. }) => {}
            Ok(Event::PreToolUse { action: Err(e), .. }) => prop_assert!(!e.to_string().is_empty()),
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}
