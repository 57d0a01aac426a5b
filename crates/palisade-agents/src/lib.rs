//! Agent adapters: parse each agent's protocol into an agent-neutral
//! [`Action`](palisade_core::Action), and render Palisade's
//! [`Decision`](palisade_core::Decision) back in that agent's terms.
//!
//! Claude Code is the first adapter ([`claude_code`]).
//!
//! ```
//! use palisade_agents::claude_code::{parse_event, Event};
//! let ev = parse_event(br#"{"hook_event_name":"PreToolUse","cwd":"/p",
//!   "tool_name":"Bash","tool_input":{"command":"ls"}}"#).unwrap();
//! assert!(matches!(ev, Event::PreToolUse { .. }));
//! assert!(parse_event(b"not json").is_err());
//! ```
#![deny(missing_docs)]

pub mod claude_code;
pub mod sandbox;
pub mod secrets;
