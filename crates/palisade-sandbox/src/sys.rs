//! The few system calls the sandbox needs that have no safe wrapper in the
//! crates it uses. This is the crate's only `unsafe` code; each block says
//! why it is sound.

#![allow(unsafe_code)]

use nix::unistd::{ForkResult, Pid};

/// Why [`fork`] refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ForkError {
    /// The process has more than one thread: a forked child of a threaded
    /// process may only call async-signal-safe functions, and the sandbox's
    /// children do much more.
    #[error("cannot fork: the process has {0} threads")]
    Threaded(usize),
    /// `fork(2)` failed.
    #[error("fork: {0}")]
    Sys(nix::Error),
}

/// The number of threads of this process, from `/proc/self/status`
/// (`Threads:` line); `None` if it cannot be read.
pub fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// `fork(2)`, refused unless the process is single-threaded.
///
/// Errors: [`ForkError::Threaded`] if another thread exists (or the count
/// cannot be read), [`ForkError::Sys`] if the kernel refuses.
pub fn fork() -> Result<ForkResult, ForkError> {
    match thread_count() {
        Some(1) => {}
        Some(n) => return Err(ForkError::Threaded(n)),
        None => return Err(ForkError::Threaded(0)),
    }
    // SAFETY: the process has a single thread (checked just above, and
    // nothing in this function starts one), so the child gets a consistent
    // copy of every lock and allocator state and may run ordinary code.
    unsafe { nix::unistd::fork() }.map_err(ForkError::Sys)
}

/// The pid of this process's parent.
pub fn parent() -> Pid {
    nix::unistd::getppid()
}

/// Brings up the loopback interface `lo` of the current network namespace
/// (`SIOCGIFFLAGS` then `SIOCSIFFLAGS` with `IFF_UP`, see `netdevice(7)`),
/// which needs `CAP_NET_ADMIN` in the namespace's owner: a fresh network
/// namespace created with a user namespace has it.
///
/// Errors: the `socket(2)` or `ioctl(2)` error.
pub fn loopback_up() -> std::io::Result<()> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    // SAFETY: socket(2) takes no pointers; a non-negative result is a new
    // descriptor that we own from here on.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if raw < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `raw` is a valid descriptor nobody else owns.
    let sock = unsafe { OwnedFd::from_raw_fd(raw) };
    // SAFETY: `ifreq` is plain old data; all-zero is a valid value.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
        *dst = *src as libc::c_char;
    }
    // SAFETY: SIOCGIFFLAGS reads the NUL-terminated name and writes the
    // flags into the `ifreq` we pass, which lives for the whole call.
    if unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFFLAGS, &mut req) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `ifru_flags` is the member SIOCGIFFLAGS just filled in.
    unsafe {
        req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
    }
    // SAFETY: as above; SIOCSIFFLAGS only reads the `ifreq`.
    if unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCSIFFLAGS, &req) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Marks every descriptor from 3 up close-on-exec (`close_range(2)` with
/// `CLOSE_RANGE_CLOEXEC`, Linux ≥ 5.11), so that the command inherits only
/// stdin, stdout and stderr. Falls back to `fcntl(FD_CLOEXEC)` on each
/// descriptor listed in `/proc/self/fd`.
pub fn cloexec_from_3() -> std::io::Result<()> {
    // SAFETY: close_range takes no pointers; with CLOSE_RANGE_CLOEXEC it
    // closes nothing now, so no descriptor owned elsewhere in this process
    // is invalidated.
    let r = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        )
    };
    if r == 0 {
        return Ok(());
    }
    for entry in std::fs::read_dir("/proc/self/fd")? {
        let Some(fd) = entry?
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        if fd >= 3 {
            // SAFETY: F_SETFD with FD_CLOEXEC only changes a flag; an fd
            // that closed meanwhile just gives EBADF, which we ignore.
            unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        }
    }
    Ok(())
}

/// Drops every capability the process could get back at `execve(2)`: the
/// bounding set (`PR_CAPBSET_DROP` for each capability up to
/// `/proc/sys/kernel/cap_last_cap`), the ambient set, and the inheritable
/// set (see `capabilities(7)`: a uid-0 process would otherwise regain its
/// full permitted set in its user namespace at exec).
///
/// Errors: the first `prctl(2)`/`capset(2)` failure.
pub fn drop_capabilities() -> std::io::Result<()> {
    let last: u32 = std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(40);
    for cap in 0..=last {
        // SAFETY: prctl with integer arguments only.
        let r = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            // EINVAL: a capability this kernel does not know.
            if e.raw_os_error() != Some(libc::EINVAL) {
                return Err(e);
            }
        }
    }
    // SAFETY: prctl with integer arguments only.
    let r = unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // capset(2) with _LINUX_CAPABILITY_VERSION_3: a header and two data
    // words (capabilities 0–31 and 32–63).
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const VERSION_3: u32 = 0x2008_0522;
    let mut header = Header {
        version: VERSION_3,
        pid: 0,
    };
    let mut data = [Data::default(); 2];
    // SAFETY: capget writes at most two `Data` words into `data`, which is
    // exactly that size, and reads/writes `header`; both outlive the call.
    if unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    for d in &mut data {
        d.inheritable = 0;
    }
    // SAFETY: capset reads the header and two data words we own.
    if unsafe { libc::syscall(libc::SYS_capset, &header, data.as_ptr()) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_count_is_read() {
        assert!(thread_count().is_some_and(|n| n >= 1));
    }

    #[test]
    fn fork_is_refused_in_a_threaded_process() {
        // The test harness runs tests on threads, so this process has
        // several: fork must refuse rather than risk a deadlocked child.
        let _t = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(200)));
        assert!(matches!(fork(), Err(ForkError::Threaded(n)) if n > 1));
    }
}
