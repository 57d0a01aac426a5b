//! Palisade's OS sandbox for the commands an agent runs (`palisade run`).
//!
//! The layers, each usable alone:
//! - [`fs`]: a Landlock ruleset (Linux ≥ 5.13): everything readable and
//!   executable, writes only under the given roots;
//! - [`env`]: the environment cut down to an allow-list, so that tokens in
//!   the user's shell never reach the command;
//! - [`ns`]: user, mount, pid, ipc, uts and network namespaces in which
//!   credential paths (`~/.ssh`, `~/.aws`, …) and host unix sockets are
//!   covered by empty read-only mounts;
//! - [`syscalls`]: a seccomp filter that refuses the system calls used to
//!   read other processes or reach the kernel's attack surface (ptrace,
//!   `process_vm_*`, io_uring, bpf, perf events, modules, keyrings, …),
//!   new namespaces, terminal injection and unusual sockets, with
//!   `NO_NEW_PRIVS` so that setuid binaries gain nothing;
//! - [`limits`]: caps on processes, file size and memory (resource limits,
//!   and a cgroup for root), against fork bombs and runaway writers;
//! - [`protect`]: protected names (shell start-up files, git hooks, agent
//!   settings) made read-only inside writable roots;
//! - [`launch`]: the process tree that applies all of these, with a pid
//!   namespace so that nothing the command starts outlives it;
//! - [`proxy`]: the domain allow-list proxy (HTTP CONNECT, plain HTTP,
//!   SOCKS5) that runs outside the sandbox on a Unix socket, the only way
//!   out of its empty network namespace;
//! - [`bridge`]: the loopback TCP listener inside the sandbox that carries
//!   connections to that socket;
//! - [`explain`]: which rule a refusal the command reported came from;
//! - [`profile`]: named profiles (TOML, built-in or the user's and the
//!   organisation's) saying what a command may write, read and reach.

#![deny(missing_docs)]

pub mod bridge;
pub mod env;
pub mod explain;
pub mod fs;
pub mod launch;
pub mod limits;
pub mod ns;
pub mod profile;
pub mod protect;
pub mod proxy;
pub mod sys;
pub mod syscalls;
