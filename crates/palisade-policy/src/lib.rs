//! Palisade's policy engine: Claude Code's permission rules read natively,
//! Palisade's own `palisade.toml`, the built-in guard packs, and their
//! layered evaluation into a [`Decision`](palisade_core::Decision).
//!
//! ```
//! use palisade_core::{Action, Context, Verdict};
//! use palisade_policy::{LoadOptions, Policy};
//! use std::path::Path;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let (home, proj) = (dir.path().join("home"), dir.path().join("home/proj"));
//! std::fs::create_dir_all(proj.join(".claude")).unwrap();
//! std::fs::write(proj.join(".claude/settings.json"),
//!     r#"{"permissions": {"allow": ["Bash(git status:*)"]}}"#).unwrap();
//! let mut opts = LoadOptions::new(&proj, &proj, &home);
//! opts.managed_dir = Some(dir.path().join("managed")); // none in this example
//! opts.trust_project = Some(true); // as if the user accepted Claude Code's trust dialog
//! let policy = Policy::load(&opts).unwrap();
//! let ctx = Context { agent: "claude-code".into(), session_id: None, cwd: proj.clone(),
//!     project_root: proj.clone(), home: home.clone(), permission_mode: None };
//! let exec = |c: &str| Action::Exec { command: c.into() };
//!
//! assert_eq!(policy.evaluate(&exec("git status"), &ctx).verdict, Verdict::Allow);
//! // An allowed prefix cannot smuggle a denied action.
//! let d = policy.evaluate(&exec("git status; cat ~/.ssh/id_rsa"), &ctx);
//! assert_eq!(d.verdict, Verdict::Deny);
//! assert_eq!(d.reasons[0].rule_id, "cred.ssh-private-key");
//! // No rule: pass, and Claude Code's own permission flow decides.
//! assert_eq!(policy.evaluate(&exec("cargo build"), &ctx).verdict, Verdict::Pass);
//! ```
#![deny(missing_docs)]

pub mod audit;
mod check;
mod config;
mod engine;
mod error;
mod file;
mod guard;
mod layer;
mod path;
mod rule;
mod sandbox;
mod settings;
mod supply;
mod telemetry;

pub use check::DEFAULT_PROTECTED_BRANCHES;
pub use engine::Policy;
pub use error::PolicyError;
pub use file::FailMode;
pub use guard::{
    built_in as built_in_guards, compile_regex, parse_pack, FileOp, GuardRule, BUILT_IN_PACKS,
    CHECKS,
};
pub use layer::load_audit_and_telemetry;
pub use layer::{find_project_root, project_trusted, LoadOptions, LoadedFile};
pub use path::resolve_lexical;
pub use rule::{BashPattern, Matcher, PathTool, PermissionRule};
pub use sandbox::{SandboxSettings, DEFAULT_SANDBOX_PROFILE, PROJECT_PROFILES};
pub use supply::{parse_age, Registries, RegistryDown, SupplySettings, DEFAULT_MIN_AGE};
pub use telemetry::{AuditSettings, OtlpProtocol, TelemetrySettings, DEFAULT_SHIP_INTERVAL};
