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
//!   `process_vm_*`, io_uring, bpf, perf events, modules, keyrings, …).
//!
//! - [`proxy`]: the domain allow-list proxy (HTTP CONNECT, plain HTTP,
//!   SOCKS5) that runs outside the sandbox on a Unix socket, the only way
//!   out of its empty network namespace;
//! - [`bridge`]: the loopback TCP listener inside the sandbox that carries
//!   connections to that socket.

#![deny(missing_docs)]

pub mod bridge;
pub mod env;
pub mod fs;
pub mod ns;
pub mod proxy;
pub mod syscalls;
