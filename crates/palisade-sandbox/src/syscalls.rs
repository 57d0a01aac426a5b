//! The seccomp layer: a filter that refuses the system calls (and the uses
//! of system calls) a confined command has no business making, and allows
//! the rest.
//!
//! [`DENIED`] is the whole policy as data: each [`Denial`] names a system
//! call, the argument tests under which it is refused (none: always), the
//! errno the command sees and why. [`describe`] renders it for people.
//!
//! Built with `seccompiler` (the filter compiler of Firecracker) for the
//! running architecture, one filter per errno, installed after
//! `PR_SET_NO_NEW_PRIVS` (which [`confine`] sets: a setuid binary then runs
//! without its owner's privileges). Seccomp filters are inherited by every
//! child and cannot be removed
//! (<https://docs.kernel.org/userspace-api/seccomp_filter.html>). System
//! calls of another ABI are not let through: the filter kills a process
//! that makes 32-bit (`int 0x80`) calls, and on x86_64 a second small
//! program refuses x32 calls (numbers with bit 30 set), which would
//! otherwise reach the kernel under numbers the filter does not check.
//!
//! Seccomp sees only the six argument registers, never memory they point
//! to. So `clone3`, whose flags are in a struct, is answered `ENOSYS`: C
//! libraries (glibc ≥ 2.34 for threads and `posix_spawn`) and runtimes
//! (Rust, Go) then fall back to `clone(2)`, whose flags are in a register
//! and are checked. This is the technique container runtimes use (see
//! the `clone3` entry of Docker's default profile).
//!
//! Arguments are compared on their low 32 bits: `clone` and `unshare` flags,
//! socket domains and types and `ioctl` request numbers are all 32-bit
//! values to the kernel, which ignores the upper half a caller may fill.

use seccompiler::{
    sock_filter, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition,
    SeccompFilter, SeccompRule, TargetArch,
};
use std::collections::BTreeMap;

/// How one argument of a system call is tested (on its low 32 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// The argument equals the value.
    Eq(u32),
    /// The argument differs from the value.
    Ne(u32),
    /// The argument, masked, equals the value.
    MaskedEq {
        /// The bits compared.
        mask: u32,
        /// What they must equal.
        value: u32,
    },
}

/// A test on one argument, with its reading for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgCheck {
    /// Which argument, 0-based (`socket(domain, type, protocol)`: 0, 1, 2).
    pub index: u8,
    /// The comparison.
    pub cmp: Cmp,
    /// The test as written in [`describe`]: `domain == AF_PACKET`.
    pub text: &'static str,
}

/// One refused system call, or one refused use of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denial {
    /// The system call, as named in `syscalls(2)`.
    pub name: &'static str,
    /// Its number on this architecture.
    pub nr: libc::c_long,
    /// Refused when all of these hold; always when empty. Several denials
    /// of one system call are alternatives: any one refuses it.
    pub when: &'static [ArgCheck],
    /// The error the command gets (`EPERM`, or `ENOSYS` for `clone3`).
    pub errno: i32,
    /// Why it is refused.
    pub reason: &'static str,
}

const OTHER_PROCESSES: &str =
    "reads or steers other processes (the agent, the user's shell), not only the command's own";
const KERNEL_SURFACE: &str = "large kernel attack surface with a record of privilege escalations, \
     not needed by builds, tests or package managers";
const KEYRINGS: &str = "kernel keyrings hold other programs' keys and tokens";
const KERNEL_CODE: &str = "loads code into, or reboots or swaps, the kernel";
const MOUNTS: &str = "changes or copies mounts: could uncover the credential paths the sandbox \
     hides, or remount what is read-only";
const NAMESPACES: &str = "a new namespace would give the command back the mount and network \
     rights the sandbox took away (`unshare -r`, `unshare -m`)";
const CLONE3: &str = "seccomp cannot read clone3's flags (they are in memory), so clone3 is \
     answered ENOSYS: libc and runtimes fall back to clone(2), whose namespace flags are checked";
const TTY_INJECT: &str = "pushes keystrokes into a terminal's input, where the user's shell would \
     run them once the command exits (TIOCSTI), or drives the Linux console (TIOCLINUX)";
const SOCKET_FAMILY: &str = "socket families other than Unix, IPv4, IPv6 and netlink are not \
     needed by builds; they reach raw links (AF_PACKET), the hypervisor (AF_VSOCK), IPsec keys \
     (AF_KEY), the kernel's crypto API (AF_ALG) and rarely used protocols with a record of \
     privilege escalations (AF_RDS, AF_TIPC, AF_RXRPC, …)";
const NETLINK: &str = "netlink families other than NETLINK_ROUTE reach the firewall \
     (nf_tables, a frequent escalation path), audit, uevents and other kernel services; \
     NETLINK_ROUTE stays for glibc's getaddrinfo, getifaddrs and `ip`";
const RAW_SOCKET: &str =
    "raw IP sockets forge packets and see traffic of the whole network namespace";
const PACKET_SOCKET: &str = "SOCK_PACKET is the obsolete form of packet sockets: raw link access";

/// The namespace flags of `clone(2)` and `unshare(2)`.
const NS_FLAGS: [(libc::c_int, &str); 8] = [
    (libc::CLONE_NEWUSER, "flags & CLONE_NEWUSER"),
    (libc::CLONE_NEWNS, "flags & CLONE_NEWNS"),
    (libc::CLONE_NEWPID, "flags & CLONE_NEWPID"),
    (libc::CLONE_NEWNET, "flags & CLONE_NEWNET"),
    (libc::CLONE_NEWIPC, "flags & CLONE_NEWIPC"),
    (libc::CLONE_NEWUTS, "flags & CLONE_NEWUTS"),
    (libc::CLONE_NEWCGROUP, "flags & CLONE_NEWCGROUP"),
    (libc::CLONE_NEWTIME, "flags & CLONE_NEWTIME"),
];

/// `open_tree_attr` (Linux 6.15); the number is the same on every
/// architecture `seccompiler` supports (x86_64, aarch64, riscv64), and
/// libc does not define it there yet.
const SYS_OPEN_TREE_ATTR: libc::c_long = 467;

const fn has_flag(i: usize) -> ArgCheck {
    let flag = NS_FLAGS[i].0 as u32;
    ArgCheck {
        index: 0,
        cmp: Cmp::MaskedEq {
            mask: flag,
            value: flag,
        },
        text: NS_FLAGS[i].1,
    }
}

const fn always(name: &'static str, nr: libc::c_long, reason: &'static str) -> Denial {
    Denial {
        name,
        nr,
        when: &[],
        errno: libc::EPERM,
        reason,
    }
}

const fn eperm_when(
    name: &'static str,
    nr: libc::c_long,
    when: &'static [ArgCheck],
    reason: &'static str,
) -> Denial {
    Denial {
        name,
        nr,
        when,
        errno: libc::EPERM,
        reason,
    }
}

const fn arg(index: u8, cmp: Cmp, text: &'static str) -> ArgCheck {
    ArgCheck { index, cmp, text }
}

/// The type bits of `socket(2)`'s `type`; the rest are `SOCK_CLOEXEC`
/// and `SOCK_NONBLOCK`.
const SOCK_TYPE_MASK: u32 = 0xf;
/// `SOCK_PACKET` (`linux/net.h`), which libc marks deprecated because the
/// kernel does: exactly why it is refused.
const SOCK_PACKET: u32 = 10;
const DOMAIN_IS_INET: ArgCheck = arg(0, Cmp::Eq(libc::AF_INET as u32), "domain == AF_INET");
const DOMAIN_IS_INET6: ArgCheck = arg(0, Cmp::Eq(libc::AF_INET6 as u32), "domain == AF_INET6");
const TYPE_IS_RAW: ArgCheck = arg(
    1,
    Cmp::MaskedEq {
        mask: SOCK_TYPE_MASK,
        value: libc::SOCK_RAW as u32,
    },
    "type & 0xf == SOCK_RAW",
);

/// Every refused system call or use, with the errno and the reason.
pub const DENIED: &[Denial] = &[
    // Reading or steering other processes.
    always("ptrace", libc::SYS_ptrace, OTHER_PROCESSES),
    always(
        "process_vm_readv",
        libc::SYS_process_vm_readv,
        OTHER_PROCESSES,
    ),
    always(
        "process_vm_writev",
        libc::SYS_process_vm_writev,
        OTHER_PROCESSES,
    ),
    always(
        "process_madvise",
        libc::SYS_process_madvise,
        OTHER_PROCESSES,
    ),
    always("pidfd_getfd", libc::SYS_pidfd_getfd, OTHER_PROCESSES),
    // Kernel attack surface.
    always("io_uring_setup", libc::SYS_io_uring_setup, KERNEL_SURFACE),
    always("io_uring_enter", libc::SYS_io_uring_enter, KERNEL_SURFACE),
    always(
        "io_uring_register",
        libc::SYS_io_uring_register,
        KERNEL_SURFACE,
    ),
    always("bpf", libc::SYS_bpf, KERNEL_SURFACE),
    always("perf_event_open", libc::SYS_perf_event_open, KERNEL_SURFACE),
    always("userfaultfd", libc::SYS_userfaultfd, KERNEL_SURFACE),
    // Keyrings.
    always("add_key", libc::SYS_add_key, KEYRINGS),
    always("keyctl", libc::SYS_keyctl, KEYRINGS),
    always("request_key", libc::SYS_request_key, KEYRINGS),
    // Kernel code, reboot, swap.
    always("init_module", libc::SYS_init_module, KERNEL_CODE),
    always("finit_module", libc::SYS_finit_module, KERNEL_CODE),
    always("delete_module", libc::SYS_delete_module, KERNEL_CODE),
    always("kexec_load", libc::SYS_kexec_load, KERNEL_CODE),
    always("kexec_file_load", libc::SYS_kexec_file_load, KERNEL_CODE),
    always("reboot", libc::SYS_reboot, KERNEL_CODE),
    always("swapon", libc::SYS_swapon, KERNEL_CODE),
    always("swapoff", libc::SYS_swapoff, KERNEL_CODE),
    // Mounts and file handles, old and new mount API.
    always("mount", libc::SYS_mount, MOUNTS),
    always("umount2", libc::SYS_umount2, MOUNTS),
    always("pivot_root", libc::SYS_pivot_root, MOUNTS),
    always("open_by_handle_at", libc::SYS_open_by_handle_at, MOUNTS),
    always("name_to_handle_at", libc::SYS_name_to_handle_at, MOUNTS),
    always("fsopen", libc::SYS_fsopen, MOUNTS),
    always("fsconfig", libc::SYS_fsconfig, MOUNTS),
    always("fsmount", libc::SYS_fsmount, MOUNTS),
    always("fspick", libc::SYS_fspick, MOUNTS),
    always("move_mount", libc::SYS_move_mount, MOUNTS),
    always("open_tree", libc::SYS_open_tree, MOUNTS),
    always("open_tree_attr", SYS_OPEN_TREE_ATTR, MOUNTS),
    always("mount_setattr", libc::SYS_mount_setattr, MOUNTS),
    // Namespaces. `setns` takes an fd whose kind the filter cannot see.
    always("setns", libc::SYS_setns, NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(0)], NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(1)], NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(2)], NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(3)], NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(4)], NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(5)], NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(6)], NAMESPACES),
    eperm_when("unshare", libc::SYS_unshare, &[has_flag(7)], NAMESPACES),
    // clone(2) has no CLONE_NEWTIME: its bit is part of the exit-signal
    // byte there (CSIGNAL), so testing it would refuse ordinary forks.
    eperm_when("clone", libc::SYS_clone, &[has_flag(0)], NAMESPACES),
    eperm_when("clone", libc::SYS_clone, &[has_flag(1)], NAMESPACES),
    eperm_when("clone", libc::SYS_clone, &[has_flag(2)], NAMESPACES),
    eperm_when("clone", libc::SYS_clone, &[has_flag(3)], NAMESPACES),
    eperm_when("clone", libc::SYS_clone, &[has_flag(4)], NAMESPACES),
    eperm_when("clone", libc::SYS_clone, &[has_flag(5)], NAMESPACES),
    eperm_when("clone", libc::SYS_clone, &[has_flag(6)], NAMESPACES),
    Denial {
        name: "clone3",
        nr: libc::SYS_clone3,
        when: &[],
        errno: libc::ENOSYS,
        reason: CLONE3,
    },
    // Terminal injection.
    eperm_when(
        "ioctl",
        libc::SYS_ioctl,
        &[arg(1, Cmp::Eq(libc::TIOCSTI as u32), "request == TIOCSTI")],
        TTY_INJECT,
    ),
    eperm_when(
        "ioctl",
        libc::SYS_ioctl,
        &[arg(
            1,
            Cmp::Eq(libc::TIOCLINUX as u32),
            "request == TIOCLINUX",
        )],
        TTY_INJECT,
    ),
    // Sockets: an allow-list of families, then what is refused within them.
    eperm_when(
        "socket",
        libc::SYS_socket,
        &[
            arg(0, Cmp::Ne(libc::AF_UNIX as u32), "domain != AF_UNIX"),
            arg(0, Cmp::Ne(libc::AF_INET as u32), "domain != AF_INET"),
            arg(0, Cmp::Ne(libc::AF_INET6 as u32), "domain != AF_INET6"),
            arg(0, Cmp::Ne(libc::AF_NETLINK as u32), "domain != AF_NETLINK"),
        ],
        SOCKET_FAMILY,
    ),
    eperm_when(
        "socket",
        libc::SYS_socket,
        &[
            arg(0, Cmp::Eq(libc::AF_NETLINK as u32), "domain == AF_NETLINK"),
            arg(
                2,
                Cmp::Ne(libc::NETLINK_ROUTE as u32),
                "protocol != NETLINK_ROUTE",
            ),
        ],
        NETLINK,
    ),
    eperm_when(
        "socket",
        libc::SYS_socket,
        &[DOMAIN_IS_INET, TYPE_IS_RAW],
        RAW_SOCKET,
    ),
    eperm_when(
        "socket",
        libc::SYS_socket,
        &[DOMAIN_IS_INET6, TYPE_IS_RAW],
        RAW_SOCKET,
    ),
    eperm_when(
        "socket",
        libc::SYS_socket,
        &[arg(
            1,
            Cmp::MaskedEq {
                mask: SOCK_TYPE_MASK,
                value: SOCK_PACKET,
            },
            "type & 0xf == SOCK_PACKET",
        )],
        PACKET_SOCKET,
    ),
    eperm_when(
        "socketpair",
        libc::SYS_socketpair,
        &[arg(0, Cmp::Ne(libc::AF_UNIX as u32), "domain != AF_UNIX")],
        SOCKET_FAMILY,
    ),
];

/// The x32 guard's entry in [`describe`] (x86_64 only).
#[cfg(target_arch = "x86_64")]
const X32: (&str, &str) = (
    "any x32 system call (number & 0x40000000)",
    "the x32 ABI reaches the same kernel code under other numbers, which the filter would not check",
);

/// Why the filter could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum SyscallError {
    /// This architecture has no filter compiler.
    #[error("seccomp: unsupported architecture {0}")]
    Arch(String),
    /// Building or installing a filter failed.
    #[error("seccomp: {0}")]
    Filter(#[from] seccompiler::Error),
    /// Compiling a filter to BPF failed.
    #[error("seccomp: {0}")]
    Backend(#[from] seccompiler::BackendError),
    /// `PR_SET_NO_NEW_PRIVS` could not be set.
    #[error("seccomp: cannot set no_new_privs: {0}")]
    NoNewPrivs(nix::Error),
}

/// The policy for people: one line per [`Denial`], `(call and condition,
/// reason)`, in [`DENIED`] order, e.g. `("socket(domain == AF_NETLINK &&
/// protocol != NETLINK_ROUTE)", "netlink families …")`. Denials answered
/// with another errno than `EPERM` say so: `"clone3 → ENOSYS"`. On x86_64
/// a last line covers the x32 guard.
pub fn describe() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = DENIED
        .iter()
        .map(|d| {
            let mut s = d.name.to_string();
            if !d.when.is_empty() {
                let tests: Vec<&str> = d.when.iter().map(|c| c.text).collect();
                s = format!("{s}({})", tests.join(" && "));
            }
            if d.errno == libc::ENOSYS {
                s.push_str(" → ENOSYS");
            }
            (s, d.reason)
        })
        .collect();
    #[cfg(target_arch = "x86_64")]
    out.push((X32.0.to_string(), X32.1));
    out
}

/// The reasons the system call `name` may be refused (empty if it never
/// is), for mapping an error back to the policy.
pub fn reasons(name: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in DENIED.iter().filter(|d| d.name == name) {
        if !out.contains(&d.reason) {
            out.push(d.reason);
        }
    }
    out
}

/// Compiles the filters for this machine's architecture, one per errno in
/// [`DENIED`] (`EPERM` first, then `ENOSYS`), plus on x86_64 the x32 guard.
/// Each allows what it does not refuse; the kernel runs them all and the
/// refusal wins.
///
/// # Errors
/// [`SyscallError::Arch`] where `seccompiler` has no backend (other than
/// x86_64, aarch64, riscv64); [`SyscallError::Backend`] if a filter does
/// not compile (a bug in [`DENIED`]).
pub fn filters() -> Result<Vec<BpfProgram>, SyscallError> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|_| SyscallError::Arch(std::env::consts::ARCH.to_string()))?;
    let mut errnos: Vec<i32> = DENIED.iter().map(|d| d.errno).collect();
    errnos.sort_unstable();
    errnos.dedup();
    let mut out = Vec::new();
    for errno in errnos {
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
        let mut unconditional: Vec<i64> = Vec::new();
        for d in DENIED.iter().filter(|d| d.errno == errno) {
            let nr = d.nr;
            let entry = rules.entry(nr).or_default();
            if d.when.is_empty() {
                unconditional.push(nr);
            } else {
                entry.push(rule(d.when)?);
            }
        }
        // An empty rule list matches every call of the syscall.
        for nr in unconditional {
            rules.insert(nr, Vec::new());
        }
        let f = SeccompFilter::new(
            rules,
            SeccompAction::Allow,
            SeccompAction::Errno(errno.unsigned_abs()),
            arch,
        )?;
        out.push(f.try_into()?);
    }
    #[cfg(target_arch = "x86_64")]
    out.push(x32_guard());
    Ok(out)
}

fn rule(checks: &[ArgCheck]) -> Result<SeccompRule, SyscallError> {
    let conditions = checks
        .iter()
        .map(|c| {
            let (op, value) = match c.cmp {
                Cmp::Eq(v) => (SeccompCmpOp::Eq, v),
                Cmp::Ne(v) => (SeccompCmpOp::Ne, v),
                Cmp::MaskedEq { mask, value } => (SeccompCmpOp::MaskedEq(u64::from(mask)), value),
            };
            SeccompCondition::new(c.index, SeccompCmpArgLen::Dword, op, u64::from(value))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SeccompRule::new(conditions)?)
}

/// A five-instruction program for x86_64: a call with the x32 bit set gets
/// `EPERM`; everything else (including other architectures, which the
/// main filter kills) passes to the other filters. Opcodes from
/// `linux/bpf_common.h`, offsets from `struct seccomp_data`
/// (`linux/seccomp.h`), the arch value from `linux/audit.h`.
#[cfg(target_arch = "x86_64")]
fn x32_guard() -> BpfProgram {
    const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const JGE_K: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const NR_OFFSET: u32 = 0;
    const ARCH_OFFSET: u32 = 4;
    const AUDIT_ARCH_X86_64: u32 = 0xC000_003E; // EM_X86_64 | 64BIT | LE
    const X32_SYSCALL_BIT: u32 = 0x4000_0000;
    let op = |code, jt, jf, k| sock_filter { code, jt, jf, k };
    vec![
        op(LD_W_ABS, 0, 0, ARCH_OFFSET),
        op(JEQ_K, 0, 3, AUDIT_ARCH_X86_64), // other arch: to ALLOW
        op(LD_W_ABS, 0, 0, NR_OFFSET),
        op(JGE_K, 0, 1, X32_SYSCALL_BIT), // below: to ALLOW
        op(
            RET_K,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | libc::EPERM.unsigned_abs(),
        ),
        op(RET_K, 0, 0, libc::SECCOMP_RET_ALLOW),
    ]
}

/// Sets `PR_SET_NO_NEW_PRIVS` and installs [`filters`] on the calling
/// thread; every process it starts afterwards inherits both.
///
/// # Errors
/// Those of [`filters`]; [`SyscallError::NoNewPrivs`] or
/// [`SyscallError::Filter`] if the kernel refuses (no seccomp support, or
/// a threaded caller that other threads would escape: call it before
/// starting threads).
pub fn confine() -> Result<(), SyscallError> {
    install(&filters()?)
}

/// Installs `programs` (from [`filters`], compiled earlier: a parent can
/// compile them once before forking) on the calling thread, after setting
/// `PR_SET_NO_NEW_PRIVS`.
///
/// # Errors
/// [`SyscallError`] if the kernel refuses one.
pub fn install(programs: &[BpfProgram]) -> Result<(), SyscallError> {
    nix::sys::prctl::set_no_new_privs().map_err(SyscallError::NoNewPrivs)?;
    for p in programs {
        seccompiler::apply_filter(p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn the_filters_compile_for_this_machine() {
        let ps = filters().expect("filters compile");
        let total: usize = ps.iter().map(Vec::len).sum();
        assert!(total > DENIED.len(), "one check per denial at least");
        assert!(ps.len() >= 2, "an EPERM and an ENOSYS filter");
    }

    #[test]
    fn a_syscall_is_refused_with_one_errno_and_never_both_always_and_conditionally() {
        for d in DENIED {
            for e in DENIED.iter().filter(|e| e.nr == d.nr) {
                assert_eq!(d.errno, e.errno, "{}", d.name);
                assert_eq!(d.when.is_empty(), e.when.is_empty(), "{}", d.name);
                assert_eq!(d.name, e.name, "one name per number");
            }
        }
    }

    #[test]
    fn every_denial_has_a_reason_and_a_readable_line() {
        let lines = describe();
        assert!(lines.len() >= DENIED.len());
        assert!(lines.iter().all(|(_, why)| !why.is_empty()));
        let find = |s: &str| lines.iter().any(|(l, _)| l == s);
        assert!(find("ptrace"));
        assert!(find("clone3 → ENOSYS"));
        assert!(find("ioctl(request == TIOCSTI)"));
        assert!(find(
            "socket(domain == AF_NETLINK && protocol != NETLINK_ROUTE)"
        ));
        assert!(find("socket(domain == AF_INET6 && type & 0xf == SOCK_RAW)"));
        assert!(find("unshare(flags & CLONE_NEWUSER)"));
        assert!(!find("clone(flags & CLONE_NEWTIME)"), "CSIGNAL overlap");
        assert_eq!(reasons("setns"), vec![NAMESPACES]);
        assert_eq!(reasons("socket").len(), 4);
        assert!(reasons("read").is_empty());
    }

    #[test]
    fn the_namespace_flags_are_distinct_single_bits_outside_csignal_but_newtime() {
        for (i, (f, _)) in NS_FLAGS.iter().enumerate() {
            assert_eq!(f.count_ones(), 1);
            let in_csignal = (*f & libc::CSIGNAL) != 0;
            assert_eq!(in_csignal, i == 7, "only CLONE_NEWTIME overlaps CSIGNAL");
        }
    }
}
