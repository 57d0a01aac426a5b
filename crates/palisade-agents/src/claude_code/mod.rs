//! Claude Code: the hook protocol (`palisade hook claude-code`) and the
//! settings edits of `palisade install claude-code`.
//!
//! Sources: Claude Code documentation, "Hooks reference" (event input and
//! output JSON), and `shared/notes/claude-code-hooks.md` (behaviour of
//! Claude Code 2.1.197 observed against a local mock model: a hook that
//! exits 1, crashes, times out or prints non-JSON lets the tool run, so the
//! hook must always answer).

mod answer;
mod event;
mod install;

pub use answer::{
    answer, failure_answer, post_tool_use, pre_tool_use_deny, pre_tool_use_rewrite, prompt_block,
    Answer,
};
pub use event::{parse_event, tool_action, Event, EventError, MAX_COMMAND_BYTES, MAX_INPUT_BYTES};
pub use install::{install, is_palisade_command, uninstall, InstallReport, Scope, HOOK_EVENTS};
