//! The namespace layer: a new user and mount namespace in which credential
//! paths are hidden behind empty, read-only mounts (a tmpfs over a
//! directory, `/dev/null` over a file), and by default a new network
//! namespace with nothing but loopback. Works unprivileged where the kernel
//! allows user namespaces (`user_namespaces(7)`), and as root.
//!
//! Call [`hide`] before the Landlock and seccomp layers (the seccomp filter
//! refuses `mount`) and before any thread is started (`unshare` of a user
//! namespace requires a single-threaded process).

use nix::mount::{mount, MsFlags};
use nix::sched::{unshare, CloneFlags};
use std::path::{Path, PathBuf};

/// Credential paths under `$HOME` hidden by default: SSH, cloud, container,
/// package-registry and git credentials.
pub const HOME_CREDENTIALS: &[&str] = &[
    ".ssh",
    ".aws",
    ".azure",
    ".config/gcloud",
    ".kube",
    ".docker",
    ".gnupg",
    ".config/gh",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    ".config/git/credentials",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    ".vault-token",
    ".terraform.d/credentials.tfrc.json",
];

/// Why the namespace layer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum NsError {
    /// `unshare(CLONE_NEWUSER | CLONE_NEWNS)` failed: user namespaces are
    /// disabled here (sysctl, container) or the process is threaded.
    #[error("user namespaces are unavailable ({0})")]
    Unavailable(nix::Error),
    /// Writing the id maps failed.
    #[error("{path}: {source}")]
    IdMap {
        /// The `/proc/self/…` file.
        path: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// A mount failed.
    #[error("mount over {path}: {source}")]
    Mount {
        /// What was to be hidden.
        path: PathBuf,
        /// The cause.
        source: nix::Error,
    },
}

/// The default paths to hide for a home directory: [`HOME_CREDENTIALS`]
/// under `home`.
pub fn home_credentials(home: &Path) -> Vec<PathBuf> {
    HOME_CREDENTIALS.iter().map(|p| home.join(p)).collect()
}

/// What [`enter`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entered {
    /// The paths hidden (those of the request that exist).
    pub hidden: Vec<PathBuf>,
    /// With a network namespace: whether its loopback interface could be
    /// brought up (with iproute2's `ip`); `None` without one.
    pub loopback_up: Option<bool>,
}

/// Enters a new user and mount namespace (mapping the current uid and gid
/// to themselves), and a new, empty network namespace when
/// `isolate_network` (only a loopback interface: no route to the host or
/// anywhere else, including the host's own 127.0.0.1). Hides each existing
/// path in `paths`; missing paths are skipped (they stay absent unless the
/// command creates them where it may write).
pub fn enter(paths: &[PathBuf], isolate_network: bool) -> Result<Entered, NsError> {
    let uid = nix::unistd::getuid();
    let gid = nix::unistd::getgid();
    let mut flags = CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS;
    if isolate_network {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    unshare(flags).map_err(NsError::Unavailable)?;
    for (path, text) in [
        ("/proc/self/setgroups", "deny".to_string()),
        ("/proc/self/uid_map", format!("{uid} {uid} 1")),
        ("/proc/self/gid_map", format!("{gid} {gid} 1")),
    ] {
        std::fs::write(path, text).map_err(|source| NsError::IdMap { path, source })?;
    }
    // Nothing done here may reach the host's mount table.
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(|source| NsError::Mount {
        path: PathBuf::from("/"),
        source,
    })?;
    let mut hidden = Vec::new();
    for p in paths {
        let Ok(meta) = std::fs::symlink_metadata(p) else {
            continue;
        };
        // Hide what a symlink points at, too: mount follows it.
        let result = if meta.is_dir() || (meta.is_symlink() && p.is_dir()) {
            mount(
                Some("tmpfs"),
                p.as_path(),
                Some("tmpfs"),
                MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY,
                Some("size=4k,mode=0500"),
            )
        } else {
            mount(
                Some("/dev/null"),
                p.as_path(),
                None::<&str>,
                MsFlags::MS_BIND,
                None::<&str>,
            )
        };
        result.map_err(|source| NsError::Mount {
            path: p.clone(),
            source,
        })?;
        hidden.push(p.clone());
    }
    let loopback_up = isolate_network.then(loopback_up);
    Ok(Entered {
        hidden,
        loopback_up,
    })
}

/// Brings up `lo` in the new network namespace with `ip link set lo up`
/// (the namespace's own CAP_NET_ADMIN allows it), so that servers the
/// command starts on 127.0.0.1 work. Returns whether it succeeded.
fn loopback_up() -> bool {
    ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .iter()
        .find(|p| Path::new(p).exists())
        .is_some_and(|ip| {
            std::process::Command::new(ip)
                .args(["link", "set", "lo", "up"])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}
