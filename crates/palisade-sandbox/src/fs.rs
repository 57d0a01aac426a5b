//! The filesystem layer: a Landlock ruleset that leaves the whole tree
//! readable and executable and allows writes only beneath the given roots
//! (and to a few character devices such as `/dev/null`).
//!
//! Landlock (Linux ≥ 5.13, <https://docs.kernel.org/userspace-api/landlock.html>)
//! checks the resolved object, so `..`, symlinks and hard links cannot
//! reach outside a root; the rules bind the calling thread and every
//! process it starts, and cannot be lifted.

use landlock::{
    Access, AccessFs, PathBeneath, PathFd, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
    Scope, ABI,
};
use std::path::{Path, PathBuf};

/// The Landlock ABI this code is written against (Linux 6.10); newer
/// kernels enforce it fully, older ones the subset they know.
const TARGET_ABI: ABI = ABI::V5;

/// Devices a confined command may write to: its terminal and the usual
/// sinks and sources.
const WRITABLE_DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/tty",
    "/dev/pts",
    "/dev/ptmx",
    "/dev/random",
    "/dev/urandom",
];

/// What to confine.
#[derive(Debug, Clone, Default)]
pub struct FsPolicy {
    /// Directories (or files) under which writes, creation, removal and
    /// renames are allowed. Missing paths are an error.
    pub write_roots: Vec<PathBuf>,
}

/// How the ruleset was enforced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enforcement {
    /// Every rule is enforced.
    Full,
    /// The kernel's Landlock lacks some access rights this code asks for
    /// (older ABI); the rest is enforced.
    Partial,
}

/// What [`confine`] enforced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enforced {
    /// Whether every rule is enforced.
    pub enforcement: Enforcement,
    /// The Landlock ABI version the running kernel offers (`None` if it
    /// could not be told).
    pub kernel_abi: Option<i32>,
}

/// Why the filesystem could not be confined.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// A write root does not exist or cannot be opened.
    #[error("{path}: cannot open write root: {source}")]
    Root {
        /// The root.
        path: PathBuf,
        /// The cause.
        source: landlock::PathFdError,
    },
    /// Landlock refused the ruleset.
    #[error("Landlock: {0}")]
    Ruleset(#[from] landlock::RulesetError),
    /// The kernel has no Landlock (too old, or disabled at boot: `lsm=`).
    #[error("Landlock is not available in this kernel; refusing to run unconfined")]
    Unavailable,
}

/// Confines the calling thread and its future children: read and execute
/// everywhere, write only under `policy.write_roots` and to
/// [`WRITABLE_DEVICES`]; no connections to abstract unix sockets and no
/// signals to processes created outside the sandbox (Landlock ABI 6
/// scopes). Call it before starting threads. Errors: a root
/// that cannot be opened, or no Landlock at all ([`FsError::Unavailable`];
/// never silently unconfined).
pub fn confine(policy: &FsPolicy) -> Result<Enforced, FsError> {
    let all = AccessFs::from_all(TARGET_ABI);
    let read = AccessFs::from_read(TARGET_ABI);
    let mut ruleset = Ruleset::default()
        .handle_access(all)?
        // ABI 6 scopes: no connecting to abstract unix sockets and no
        // signals to processes outside the sandbox (the agent, the user's
        // shell), whatever network namespace the command is in.
        .scope(Scope::from_all(ABI::V6))?
        .create()?
        .add_rule(PathBeneath::new(root_fd(Path::new("/"))?, read))?;
    for dev in WRITABLE_DEVICES {
        if let Ok(fd) = PathFd::new(dev) {
            // Files get only file rights; directories (/dev/pts) all.
            let rights = if Path::new(dev).is_dir() {
                all
            } else {
                AccessFs::from_file(TARGET_ABI)
            };
            ruleset = ruleset.add_rule(PathBeneath::new(fd, rights))?;
        }
    }
    for root in &policy.write_roots {
        let rights = if root.is_dir() {
            all
        } else {
            AccessFs::from_file(TARGET_ABI)
        };
        ruleset = ruleset.add_rule(PathBeneath::new(root_fd(root)?, rights))?;
    }
    let status = ruleset.restrict_self()?;
    let kernel_abi = match status.landlock {
        landlock::LandlockStatus::Available {
            effective_abi,
            kernel_abi,
        } => Some(kernel_abi.unwrap_or(effective_abi as i32)),
        _ => None,
    };
    let enforcement = match status.ruleset {
        RulesetStatus::FullyEnforced => Enforcement::Full,
        RulesetStatus::PartiallyEnforced => Enforcement::Partial,
        RulesetStatus::NotEnforced => return Err(FsError::Unavailable),
    };
    Ok(Enforced {
        enforcement,
        kernel_abi,
    })
}

fn root_fd(path: &Path) -> Result<PathFd, FsError> {
    PathFd::new(path).map_err(|source| FsError::Root {
        path: path.to_path_buf(),
        source,
    })
}
