//! The seccomp layer: a filter that answers `EPERM` to system calls a
//! confined command has no business making, and allows the rest.
//!
//! Built with `seccompiler` (the filter compiler of Firecracker) for the
//! running architecture; installed after `PR_SET_NO_NEW_PRIVS`, which the
//! Landlock layer sets. Seccomp filters are inherited by every child and
//! cannot be removed (<https://docs.kernel.org/userspace-api/seccomp_filter.html>).

use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
use std::collections::BTreeMap;

/// The refused system calls, with why.
pub const DENIED: &[(&str, libc::c_long)] = &[
    // Reading or steering other processes (the agent, the user's shell).
    ("ptrace", libc::SYS_ptrace),
    ("process_vm_readv", libc::SYS_process_vm_readv),
    ("process_vm_writev", libc::SYS_process_vm_writev),
    // Kernel attack surface with a record of privilege escalations.
    ("io_uring_setup", libc::SYS_io_uring_setup),
    ("io_uring_enter", libc::SYS_io_uring_enter),
    ("io_uring_register", libc::SYS_io_uring_register),
    ("bpf", libc::SYS_bpf),
    ("perf_event_open", libc::SYS_perf_event_open),
    ("userfaultfd", libc::SYS_userfaultfd),
    // Kernel keyrings (other processes' keys).
    ("add_key", libc::SYS_add_key),
    ("keyctl", libc::SYS_keyctl),
    ("request_key", libc::SYS_request_key),
    // Loading code into the kernel, rebooting, swapping.
    ("init_module", libc::SYS_init_module),
    ("finit_module", libc::SYS_finit_module),
    ("delete_module", libc::SYS_delete_module),
    ("kexec_load", libc::SYS_kexec_load),
    ("kexec_file_load", libc::SYS_kexec_file_load),
    ("reboot", libc::SYS_reboot),
    ("swapon", libc::SYS_swapon),
    ("swapoff", libc::SYS_swapoff),
    // Mount tables and file handles (the classic container escape).
    ("mount", libc::SYS_mount),
    ("umount2", libc::SYS_umount2),
    ("pivot_root", libc::SYS_pivot_root),
    ("open_by_handle_at", libc::SYS_open_by_handle_at),
    ("name_to_handle_at", libc::SYS_name_to_handle_at),
];

/// Why the filter could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum SyscallError {
    /// This architecture has no filter compiler.
    #[error("seccomp: unsupported architecture {0}")]
    Arch(String),
    /// Building or installing the filter failed.
    #[error("seccomp: {0}")]
    Filter(#[from] seccompiler::Error),
    /// Compiling the filter to BPF failed.
    #[error("seccomp: {0}")]
    Backend(#[from] seccompiler::BackendError),
}

/// Compiles the filter for this machine's architecture: every syscall in
/// [`DENIED`] gets `EPERM`; everything else is allowed.
pub fn filter() -> Result<BpfProgram, SyscallError> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|_| SyscallError::Arch(std::env::consts::ARCH.to_string()))?;
    let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> =
        DENIED.iter().map(|&(_, nr)| (nr, Vec::new())).collect();
    let f = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        arch,
    )?;
    Ok(f.try_into()?)
}

/// Installs [`filter`] on the calling thread (inherited by its children).
/// `PR_SET_NO_NEW_PRIVS` must already be set (the Landlock layer sets it).
pub fn confine() -> Result<(), SyscallError> {
    let program = filter()?;
    seccompiler::apply_filter(&program)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_compiles_for_this_machine() {
        let p = filter().expect("filter compiles");
        assert!(
            p.len() > DENIED.len(),
            "one check per denied syscall at least"
        );
    }
}
