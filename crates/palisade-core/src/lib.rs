//! Palisade's shared vocabulary: what an agent is about to do ([`Action`]), in
//! which situation ([`Context`]), and what Palisade decided about it
//! ([`Decision`]: a [`Verdict`] plus the [`Reason`]s that produced it).
//!
//! This crate does no I/O; every other Palisade crate depends on it.
//!
//! ```
//! use palisade_core::{Decision, Layer, Reason, Verdict};
//! let d = Decision::from_reasons(vec![
//!     Reason::new("user.allow", Verdict::Allow, Layer::User, "allowed by you"),
//!     Reason::new("cred.ssh-private-key", Verdict::Deny, Layer::BuiltIn, "reads an SSH private key"),
//! ]);
//! assert_eq!(d.verdict, Verdict::Deny); // deny beats ask beats allow
//! assert_eq!(d.reasons[0].rule_id, "cred.ssh-private-key");
//! ```
#![deny(missing_docs)]

mod action;
mod decision;

pub use action::{Action, Context, PermissionMode};
pub use decision::{Decision, Layer, Reason, Source, Verdict};
