//! Palisade's OS sandbox for the commands an agent runs (`palisade run`).
//!
//! This first layer set confines a process without namespaces or root:
//! - [`fs`]: a Landlock ruleset (Linux ≥ 5.13): everything readable and
//!   executable, writes only under the given roots;
//! - [`env`]: the environment cut down to an allow-list, so that tokens in
//!   the user's shell never reach the command;
//! - [`ns`]: a user and mount namespace in which credential paths
//!   (`~/.ssh`, `~/.aws`, …) are covered by empty read-only mounts;
//! - [`syscalls`]: a seccomp filter that refuses the system calls used to
//!   read other processes or reach the kernel's attack surface (ptrace,
//!   `process_vm_*`, io_uring, bpf, perf events, modules, keyrings, …),
//!   new namespaces, terminal injection and unusual sockets, with
//!   `NO_NEW_PRIVS` so that setuid binaries gain nothing;
//! - [`limits`]: caps on processes, file size and memory (resource limits,
//!   and a cgroup for root), against fork bombs and runaway writers.
//!
//! The network namespace and the domain proxy are later layers.

#![deny(missing_docs)]

pub mod env;
pub mod fs;
pub mod limits;
pub mod ns;
pub mod syscalls;
