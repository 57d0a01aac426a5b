//! The namespace layer: new user, mount, pid, ipc and uts namespaces (and
//! by default a network namespace with nothing but loopback), in which
//! credential paths and host unix sockets are hidden behind empty,
//! read-only mounts (a tmpfs over a directory, `/dev/null` over a file),
//! protected names are made read-only, and `/proc` shows only the
//! sandbox's processes. Works unprivileged where the kernel allows user
//! namespaces (`user_namespaces(7)`), and as root.
//!
//! [`unshare_all`] must run before any thread is started (`unshare` of a
//! user namespace requires a single-threaded process) and before the
//! seccomp layer (which refuses `mount` and `unshare`); the process tree
//! around it is in [`crate::launch`].

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

/// Enters new user, mount, pid, ipc and uts namespaces, and a new, empty
/// network namespace when `isolate_network` (only a loopback interface: no
/// route to the host or anywhere else, including the host's 127.0.0.1, and
/// its own abstract unix sockets). Maps the current uid and gid to
/// themselves and makes every mount private, so nothing done afterwards
/// reaches the host's mount table.
///
/// The pid namespace applies to the children forked afterwards: the first
/// becomes its pid 1, and when it exits the kernel kills every process left
/// in the namespace.
///
/// Errors: [`NsError::Unavailable`] if the kernel refuses the user
/// namespace (disabled, or the process is threaded), otherwise the step
/// that failed.
pub fn unshare_all(isolate_network: bool) -> Result<(), NsError> {
    let uid = nix::unistd::getuid();
    let gid = nix::unistd::getgid();
    let mut flags = CloneFlags::CLONE_NEWUSER
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWIPC
        | CloneFlags::CLONE_NEWUTS;
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
    Ok(())
}

/// Hides each existing path in `paths` behind an empty read-only mount: a
/// tmpfs over a directory, `/dev/null` over anything else (a file, a unix
/// socket). Missing paths are skipped. Returns the paths hidden. Call
/// after [`unshare_all`].
pub fn hide(paths: &[PathBuf]) -> Result<Vec<PathBuf>, NsError> {
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
    Ok(hidden)
}

/// Makes each existing path in `paths` read-only (a bind mount of itself,
/// remounted read-only, keeping the flags the kernel locks in a user
/// namespace: `nosuid`, `nodev`, `noexec`, atime). Writes, removal and
/// renames over it then fail with `EROFS` or `EBUSY`, even inside a
/// writable root. Missing paths are skipped. Returns the paths made
/// read-only. Call after [`unshare_all`].
pub fn read_only(paths: &[PathBuf]) -> Result<Vec<PathBuf>, NsError> {
    use nix::sys::statvfs::{statvfs, FsFlags};
    let mut done = Vec::new();
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            continue;
        }
        let err = |source| NsError::Mount {
            path: p.clone(),
            source,
        };
        mount(
            Some(p.as_path()),
            p.as_path(),
            None::<&str>,
            MsFlags::MS_BIND | MsFlags::MS_REC,
            None::<&str>,
        )
        .map_err(err)?;
        let mut flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY;
        if let Ok(st) = statvfs(p.as_path()) {
            let f = st.flags();
            for (have, want) in [
                (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
                (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
                (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
                (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
                (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
                (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
            ] {
                if f.contains(have) {
                    flags |= want;
                }
            }
        }
        mount(None::<&str>, p.as_path(), None::<&str>, flags, None::<&str>).map_err(err)?;
        done.push(p.clone());
    }
    Ok(done)
}

/// Mounts a fresh `/proc` for the current pid namespace, so that the
/// command sees only the sandbox's processes (not the agent, the user's
/// shell or their environments). Call from the namespace's pid 1. Errors:
/// the kernel refuses when `/proc` is partly masked (some containers).
pub fn mount_proc() -> Result<(), NsError> {
    mount(
        Some("proc"),
        "/proc",
        Some("proc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        None::<&str>,
    )
    .map_err(|source| NsError::Mount {
        path: PathBuf::from("/proc"),
        source,
    })
}

/// The host unix sockets to hide: the pathname sockets bound in the
/// caller's network namespace, from `/proc/net/unix` (`unix(7)`; one read,
/// wherever the sockets live), or where that file cannot be read, those
/// found by [`unix_sockets`] in [`socket_dirs`]. Relative paths (bound
/// from an unknown directory), sockets under `skip` (the writable roots)
/// and those in `allow` are left out, and so is anything that is no longer
/// a socket file. Call it before entering a new network namespace.
pub fn host_sockets(allow: &[PathBuf], skip: &[PathBuf]) -> Vec<PathBuf> {
    use std::os::unix::fs::FileTypeExt;
    let Ok(table) = std::fs::read_to_string("/proc/net/unix") else {
        return unix_sockets(&socket_dirs(), allow, skip);
    };
    let mut out: Vec<PathBuf> = Vec::new();
    for line in table.lines().skip(1) {
        // Num RefCount Protocol Flags Type St Inode Path
        let Some(path) = line.split_whitespace().nth(7) else {
            continue;
        };
        if !path.starts_with('/') {
            continue; // abstract (`@name`) or relative
        }
        let path = PathBuf::from(path);
        if out.contains(&path) || allow.contains(&path) || skip.iter().any(|s| path.starts_with(s))
        {
            continue;
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_socket()) {
            out.push(path);
        }
    }
    out
}

/// Where host services keep their unix sockets, with the depth to search
/// each: the system runtime directory (Docker, containerd, Podman, D-Bus,
/// systemd), the user's runtime directory (`$XDG_RUNTIME_DIR`: rootless
/// Docker, Podman, gpg-agent, the session bus), `$SSH_AUTH_SOCK`'s
/// directory, and `/tmp` itself. Subdirectories of `/tmp` are searched
/// only when their names are those of known socket holders
/// ([`TMP_SOCKET_DIRS`]): walking every directory of a cluttered `/tmp`
/// would cost milliseconds on each run.
pub fn socket_dirs() -> Vec<(PathBuf, usize)> {
    let mut dirs = vec![(PathBuf::from("/run"), 4), (PathBuf::from("/tmp"), 2)];
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR") {
        dirs.push((PathBuf::from(d), 3));
    }
    if let Some(parent) = std::env::var_os("SSH_AUTH_SOCK")
        .map(PathBuf::from)
        .and_then(|s| s.parent().map(Path::to_path_buf))
    {
        dirs.push((parent, 1));
    }
    dirs
}

/// Name prefixes of the `/tmp` subdirectories that hold sockets: ssh-agent
/// (`ssh-XXXX/agent.N`), tmux, screen, X11 and ICE, PulseAudio, VS Code's
/// IPC, Docker/Podman stand-ins.
pub const TMP_SOCKET_DIRS: &[&str] = &[
    "ssh-",
    "tmux-",
    "screen",
    ".X11-unix",
    ".ICE-unix",
    "pulse-",
    "vscode-",
    "docker",
    "podman",
];

/// The unix socket files under `dirs` (each searched to its depth, not
/// following symlinks; in `/tmp` only [`TMP_SOCKET_DIRS`]), except those
/// in `allow` and those under `skip` (the writable roots: sockets the
/// command's own project holds). These are what [`hide`] covers so that
/// the command cannot connect to host services such as `docker.sock` or an
/// ssh-agent: Landlock does not govern `connect(2)` to a socket file.
pub fn unix_sockets(
    dirs: &[(PathBuf, usize)],
    allow: &[PathBuf],
    skip: &[PathBuf],
) -> Vec<PathBuf> {
    use std::os::unix::fs::FileTypeExt;
    fn walk(
        dir: &Path,
        depth: usize,
        allow: &[PathBuf],
        skip: &[PathBuf],
        out: &mut Vec<PathBuf>,
        budget: &mut usize,
    ) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let in_tmp = dir == Path::new("/tmp");
        for e in rd.flatten() {
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            // The type comes with the directory entry (no stat).
            let Ok(ft) = e.file_type() else { continue };
            let descend = ft.is_dir() && depth > 1;
            if !ft.is_socket() && !descend {
                continue;
            }
            if in_tmp && descend {
                let name = e.file_name();
                let name = name.as_encoded_bytes();
                if !TMP_SOCKET_DIRS
                    .iter()
                    .any(|p| name.starts_with(p.as_bytes()))
                {
                    continue;
                }
            }
            let path = e.path();
            if skip.iter().any(|s| path.starts_with(s)) {
                continue;
            }
            if ft.is_socket() {
                if !allow.contains(&path) && !out.contains(&path) {
                    out.push(path);
                }
            } else {
                walk(&path, depth - 1, allow, skip, out, budget);
            }
        }
    }
    let mut out = Vec::new();
    // A bound on the entries examined keeps start-up fast on machines with
    // a very large /run or /tmp.
    let mut budget = 20_000;
    for (d, depth) in dirs {
        walk(d, *depth, allow, skip, &mut out, &mut budget);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_sockets_are_found_wherever_they_are_unless_skipped_or_allowed() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("deep/inside");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("service.sock");
        let _l = std::os::unix::net::UnixListener::bind(&path).unwrap();
        assert!(host_sockets(&[], &[]).contains(&path));
        assert!(!host_sockets(&[], &[t.path().to_path_buf()]).contains(&path));
        assert!(!host_sockets(std::slice::from_ref(&path), &[]).contains(&path));
    }
}
