//! The limits layer: caps on how many processes a confined command may
//! run, how large a file it may write and how much memory a process may
//! take, so that a fork bomb or a runaway writer stops before the machine
//! does.
//!
//! Resource limits (`setrlimit(2)`) are set on the caller and inherited by
//! everything it starts; a process may lower them but never raise them
//! again (raising needs `CAP_SYS_RESOURCE` in the initial user namespace,
//! which nothing in the sandbox has).
//!
//! - Processes: `RLIMIT_NPROC` counts the tasks (threads included) of the
//!   caller's real uid; since Linux 5.14 the count is kept per user
//!   namespace, so inside the sandbox's namespace it counts only the
//!   sandbox. The kernel exempts uid 0 of the initial namespace
//!   (`INIT_USER`, checked in `copy_process`) even inside a user
//!   namespace that maps 0 to 0, so for root [`apply`] caps processes with
//!   a cgroup's `pids.max` instead ([`Cgroup`]).
//! - File size: `RLIMIT_FSIZE`. A write past it fails with `EFBIG` and
//!   raises `SIGXFSZ`, which kills a process that does not ignore it.
//!   This stops one runaway file, not many files: a disk can still be
//!   filled unless the writable roots sit on a size-limited filesystem.
//! - Memory: `RLIMIT_DATA` (heap and private writable mappings, Linux ≥
//!   4.7), per process. Unlike `RLIMIT_AS` it leaves address-space
//!   reservations alone (V8, Go and the JVM reserve far more than they
//!   use).
//! - Open files: `RLIMIT_NOFILE`.

use nix::sys::resource::{getrlimit, setrlimit, Resource};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Caps for a confined command; `None` leaves the inherited limit alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Tasks (processes and threads) at once.
    pub max_processes: Option<u64>,
    /// Size of any one file written, in bytes.
    pub max_file_size: Option<u64>,
    /// Heap and private writable memory of each process, in bytes.
    pub max_memory: Option<u64>,
    /// Open file descriptors of each process.
    pub max_open_files: Option<u64>,
}

impl Limits {
    /// `palisade run`'s default process cap: room for parallel builds
    /// (`cargo build`, `make -j`, Gradle and npm with their thread pools
    /// stay in the hundreds on a 64-core machine), and far below the
    /// kernel's smallest default `pid_max` (32768), so a fork bomb stops
    /// with pids to spare for the rest of the machine.
    pub const DEFAULT_MAX_PROCESSES: u64 = 4096;
    /// `palisade run`'s default file-size cap, 8 GiB: above build
    /// artefacts, archives and package downloads, low enough that one
    /// runaway file does not take a typical disk.
    pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 << 30;

    /// The defaults of `palisade run`: [`Self::DEFAULT_MAX_PROCESSES`],
    /// [`Self::DEFAULT_MAX_FILE_SIZE`]; memory and open files unlimited
    /// (any fixed memory cap breaks some large link or JVM build).
    pub fn recommended() -> Self {
        Self {
            max_processes: Some(Self::DEFAULT_MAX_PROCESSES),
            max_file_size: Some(Self::DEFAULT_MAX_FILE_SIZE),
            max_memory: None,
            max_open_files: None,
        }
    }
}

/// Why a limit could not be set or read.
#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    /// `getrlimit` or `setrlimit` failed.
    #[error("cannot set {resource}: {source}")]
    Rlimit {
        /// The resource (`RLIMIT_NPROC`, …).
        resource: &'static str,
        /// The cause.
        source: nix::Error,
    },
    /// No cgroup hierarchy with the pids controller is usable here.
    #[error("no cgroup with the pids controller is available ({0})")]
    NoPidsController(String),
    /// Creating, filling or removing a cgroup failed.
    #[error("cgroup {path}: {source}")]
    Cgroup {
        /// The cgroup directory or file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A size or count that does not parse.
    #[error("`{0}` is not a size (a number with an optional K, M, G or T suffix, or `none`)")]
    Size(String),
}

/// How the process cap is enforced after [`apply`].
#[derive(Debug)]
pub enum ProcessCap {
    /// No cap was asked for.
    Off,
    /// By `RLIMIT_NPROC` (callers other than root).
    Rlimit,
    /// By this cgroup, which holds the caller and will hold its children.
    Cgroup(Cgroup),
    /// Not at all: the caller is root, for whom `RLIMIT_NPROC` does not
    /// count, and no cgroup could be made (why). The other limits hold.
    Unenforced(LimitError),
}

/// Sets the resource limits of `limits` on the calling process (soft and
/// hard, so that the command cannot raise them again), never above the
/// current hard limit. Children inherit them.
///
/// # Errors
/// [`LimitError::Rlimit`] if the kernel refuses one.
pub fn set_rlimits(limits: &Limits) -> Result<(), LimitError> {
    for (resource, name, value) in [
        (Resource::RLIMIT_NPROC, "RLIMIT_NPROC", limits.max_processes),
        (Resource::RLIMIT_FSIZE, "RLIMIT_FSIZE", limits.max_file_size),
        (Resource::RLIMIT_DATA, "RLIMIT_DATA", limits.max_memory),
        (
            Resource::RLIMIT_NOFILE,
            "RLIMIT_NOFILE",
            limits.max_open_files,
        ),
    ] {
        let Some(value) = value else { continue };
        let err = |source| LimitError::Rlimit {
            resource: name,
            source,
        };
        let (_, hard) = getrlimit(resource).map_err(err)?;
        let v = value.min(hard);
        setrlimit(resource, v, v).map_err(err)?;
    }
    Ok(())
}

/// The smallest `kernel.pid_max` the kernel accepts (`PID_MAX_MIN`).
pub const PID_MAX_MIN: u64 = 301;

/// Whether the running kernel keeps `kernel.pid_max` per pid namespace
/// (Linux ≥ 6.14, commit "pid: allow pid_max to be set per pid
/// namespace"), read from `/proc/sys/kernel/osrelease`. Then the sandbox's
/// pid 1 can cap the number of processes and threads in its namespace by
/// writing [`pid_max_for`] to its own `/proc/sys/kernel/pid_max`: no
/// cgroup, and it works for root, whom `RLIMIT_NPROC` does not count.
pub fn pid_max_per_namespace() -> bool {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut parts = release
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse::<u32>().ok());
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => (major, minor) >= (6, 14),
        _ => false,
    }
}

/// The `pid_max` that lets at most `max_processes` tasks exist at once in
/// a pid namespace (pids run from 1 to `pid_max - 1`); `None` when that is
/// below [`PID_MAX_MIN`], which the kernel refuses.
pub fn pid_max_for(max_processes: u64) -> Option<u64> {
    let v = max_processes.checked_add(1)?;
    (v >= PID_MAX_MIN).then_some(v)
}

/// Writes `pid_max` to `/proc/sys/kernel/pid_max`: from the pid 1 of a
/// new pid namespace with a fresh `/proc`, this caps that namespace only
/// (see [`pid_max_per_namespace`]).
///
/// # Errors
/// The write's: a kernel without per-namespace `pid_max`, or a `/proc`
/// that is not the namespace's own.
pub fn set_pid_max(pid_max: u64) -> std::io::Result<()> {
    std::fs::write("/proc/sys/kernel/pid_max", pid_max.to_string())
}

/// Whether `RLIMIT_NPROC` caps the caller's processes: not for real uid 0,
/// which the kernel exempts. Call it before entering a user namespace
/// (inside one, uid 0 may be anyone).
pub fn nproc_rlimit_counts() -> bool {
    !nix::unistd::getuid().is_root()
}

/// Applies `limits` to the calling process and its future children: the
/// resource limits ([`set_rlimits`]) and, for root with a process cap, a
/// new [`Cgroup`] holding the caller. Call it before entering namespaces
/// and before the Landlock layer (which would refuse writes to
/// `/sys/fs/cgroup`).
///
/// # Errors
/// Those of [`set_rlimits`]. A cgroup that cannot be made is not an error
/// but [`ProcessCap::Unenforced`], for the caller to report.
pub fn apply(limits: &Limits) -> Result<ProcessCap, LimitError> {
    let cap = match limits.max_processes {
        None => ProcessCap::Off,
        Some(_) if nproc_rlimit_counts() => ProcessCap::Rlimit,
        Some(n) => match Cgroup::create(n).and_then(|cg| cg.add(0).map(|()| cg)) {
            Ok(cg) => ProcessCap::Cgroup(cg),
            Err(e) => ProcessCap::Unenforced(e),
        },
    };
    set_rlimits(limits)?;
    Ok(cap)
}

/// A cgroup made for one sandbox, capping its tasks with `pids.max`:
/// `palisade-<pid>-<n>` under the caller's own cgroup, in the cgroup v1
/// `pids` hierarchy if there is one, else in the v2 hierarchy (enabling
/// `pids` for children of the caller's cgroup if needed, which cgroup v2
/// allows only where the caller's cgroup is delegated to it and holds no
/// processes of its own, or is the root).
#[derive(Debug)]
pub struct Cgroup {
    dir: PathBuf,
}

impl Cgroup {
    /// Creates the cgroup with `pids.max` = `max_tasks`. Empty cgroups
    /// left by earlier sandboxes (`palisade-*` next to it) are removed
    /// first; those still in use cannot be and stay.
    ///
    /// # Errors
    /// [`LimitError::NoPidsController`] if neither hierarchy offers the
    /// pids controller; [`LimitError::Cgroup`] if the cgroup cannot be
    /// made or set (not root, read-only `/sys/fs/cgroup`).
    pub fn create(max_tasks: u64) -> Result<Self, LimitError> {
        let parent = pids_parent()?;
        sweep(&parent);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = parent.join(format!("palisade-{}-{stamp}", std::process::id()));
        std::fs::create_dir(&dir).map_err(|source| LimitError::Cgroup {
            path: dir.clone(),
            source,
        })?;
        let cg = Self { dir };
        if !cg.dir.join("pids.max").exists() {
            // cgroup v2: the parent must hand the controller down.
            let _ = std::fs::write(parent.join("cgroup.subtree_control"), "+pids");
        }
        if let Err(e) = write_file(&cg.dir.join("pids.max"), &max_tasks.to_string()) {
            let _ = std::fs::remove_dir(&cg.dir);
            return Err(e);
        }
        Ok(cg)
    }

    /// Moves process `pid` (0: the caller) into the cgroup; processes it
    /// starts afterwards are born there.
    ///
    /// # Errors
    /// [`LimitError::Cgroup`] if the kernel refuses.
    pub fn add(&self, pid: u32) -> Result<(), LimitError> {
        write_file(&self.dir.join("cgroup.procs"), &pid.to_string())
    }

    /// The cgroup's directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Removes the cgroup, which must hold no process any more (move the
    /// caller out first, or call it from a parent outside it).
    ///
    /// # Errors
    /// [`LimitError::Cgroup`] if it is still in use.
    pub fn remove(self) -> Result<(), LimitError> {
        std::fs::remove_dir(&self.dir).map_err(|source| LimitError::Cgroup {
            path: self.dir.clone(),
            source,
        })
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), LimitError> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|source| LimitError::Cgroup {
            path: path.to_path_buf(),
            source,
        })
}

/// The directory of the caller's cgroup in a hierarchy with the pids
/// controller: v1 `pids` if mounted, else the v2 hierarchy.
fn pids_parent() -> Result<PathBuf, LimitError> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup")
        .map_err(|e| LimitError::NoPidsController(format!("/proc/self/cgroup: {e}")))?;
    let mounts = std::fs::read_to_string("/proc/self/mounts")
        .map_err(|e| LimitError::NoPidsController(format!("/proc/self/mounts: {e}")))?;
    let (v1, v2) = own_cgroups(&cgroups);
    let mount_of = |fstype: &str, option: Option<&str>| {
        mounts.lines().find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (dir, ty, opts) = (f.get(1)?, f.get(2)?, f.get(3)?);
            let opt_ok = option.is_none_or(|o| opts.split(',').any(|x| x == o));
            (*ty == fstype && opt_ok).then(|| PathBuf::from(dir))
        })
    };
    if let (Some(rel), Some(root)) = (v1, mount_of("cgroup", Some("pids"))) {
        return Ok(root.join(rel.trim_start_matches('/')));
    }
    if let (Some(rel), Some(root)) = (v2, mount_of("cgroup2", None)) {
        let dir = root.join(rel.trim_start_matches('/'));
        let controllers =
            std::fs::read_to_string(dir.join("cgroup.controllers")).unwrap_or_default();
        if controllers.split_whitespace().any(|c| c == "pids") {
            return Ok(dir);
        }
        return Err(LimitError::NoPidsController(format!(
            "{} does not offer it",
            dir.display()
        )));
    }
    Err(LimitError::NoPidsController(
        "no cgroup filesystem mounted".to_string(),
    ))
}

/// From `/proc/self/cgroup` (`cgroups(7)`): the caller's path in the v1
/// hierarchy with the pids controller, and in the v2 hierarchy.
fn own_cgroups(text: &str) -> (Option<&str>, Option<&str>) {
    let mut v1 = None;
    let mut v2 = None;
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if id == "0" && controllers.is_empty() {
            v2 = Some(path);
        } else if controllers.split(',').any(|c| c == "pids") {
            v1 = Some(path);
        }
    }
    (v1, v2)
}

/// Removes cgroups left by earlier sandboxes under `parent` whose creator
/// (the pid in the name) has exited. One just made by a sandbox starting
/// now is left alone, and the kernel refuses (`EBUSY`) any still holding
/// processes.
fn sweep(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = creator(&name.to_string_lossy()) else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir(e.path());
        }
    }
}

/// The creator's pid in a cgroup name `palisade-<pid>-<n>`.
fn creator(name: &str) -> Option<u32> {
    name.strip_prefix("palisade-")?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// Parses a size in bytes: `1048576`, `512K`, `1M`, `8G`, `1T` (binary
/// multiples; `KiB`, `MB` and lower case are accepted), or `none`,
/// `unlimited` → `None`.
///
/// # Errors
/// [`LimitError::Size`] for anything else, and for sizes beyond `u64`.
pub fn parse_size(text: &str) -> Result<Option<u64>, LimitError> {
    let t = text.trim();
    if ["none", "unlimited"].contains(&t.to_ascii_lowercase().as_str()) {
        return Ok(None);
    }
    let bad = || LimitError::Size(text.to_string());
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, suffix) = t.split_at(digits);
    let n: u64 = number.parse().map_err(|_| bad())?;
    let suffix = suffix.trim().to_ascii_lowercase();
    let unit = suffix
        .strip_suffix("ib")
        .or_else(|| suffix.strip_suffix('b'))
        .unwrap_or(&suffix);
    let shift = match unit {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return Err(bad()),
    };
    n.checked_mul(1u64 << shift).map(Some).ok_or_else(bad)
}

#[cfg(test)]
mod pid_max_tests {
    use super::*;

    #[test]
    fn pid_max_leaves_room_for_exactly_the_cap() {
        assert_eq!(pid_max_for(4096), Some(4097));
        assert_eq!(pid_max_for(300), Some(301));
        assert_eq!(pid_max_for(50), None, "below the kernel's minimum");
        assert_eq!(pid_max_for(u64::MAX), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        for (text, want) in [
            ("1048576", Some(1 << 20)),
            ("512K", Some(512 << 10)),
            ("1M", Some(1 << 20)),
            ("1MiB", Some(1 << 20)),
            ("1mb", Some(1 << 20)),
            ("8G", Some(8 << 30)),
            ("2T", Some(2 << 40)),
            ("none", None),
            ("Unlimited", None),
        ] {
            assert_eq!(parse_size(text).unwrap(), want, "{text}");
        }
        for bad in [
            "",
            "M",
            "1.5G",
            "-1",
            "1X",
            "99999999999999999999",
            "20000000T",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_own_cgroups_are_read_from_both_hierarchies() {
        let text = "9:name=systemd:/\n8:pids:/user.slice\n4:memory:/x\n0::/user.slice/s.scope\n";
        assert_eq!(
            own_cgroups(text),
            (Some("/user.slice"), Some("/user.slice/s.scope"))
        );
        assert_eq!(own_cgroups("0::/\n"), (None, Some("/")));
        assert_eq!(own_cgroups("3:cpu,pids:/a\n"), (Some("/a"), None));
        assert_eq!(creator("palisade-123-456"), Some(123));
        assert_eq!(creator("palisade-x-1"), None);
        assert_eq!(creator("other-123-456"), None);
    }

    #[test]
    fn the_defaults_cap_processes_and_file_size_only() {
        let l = Limits::recommended();
        assert_eq!(l.max_processes, Some(4096));
        assert_eq!(l.max_file_size, Some(8 * 1024 * 1024 * 1024));
        assert_eq!((l.max_memory, l.max_open_files), (None, None));
        assert_eq!(Limits::default().max_processes, None);
    }
}
