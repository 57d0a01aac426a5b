//! The process tree of a sandboxed command, as in bubblewrap:
//!
//! ```text
//! palisade run (outside: waits, serves the network proxy, cleans up)
//!  └─ namespace holder: unshares user, mount, pid, ipc, uts (and net)
//!     namespaces, mounts, brings up loopback, bridges the proxy
//!     └─ init (pid 1 of the new pid namespace): mounts /proc, reaps
//!        └─ the command: Landlock, no capabilities, seccomp, then exec
//! ```
//!
//! Each process dies with its parent (`PR_SET_PDEATHSIG`), and when init
//! exits the kernel kills whatever is left in the pid namespace, so
//! nothing the command starts (`setsid`, double forks, `nohup`) outlives
//! it. Signals that are not the terminal's (`SIGTERM`, `SIGHUP`,
//! `SIGUSR1/2`) are forwarded down the tree; the terminal's reach the
//! command directly unless it runs in a new session, when they are
//! forwarded too. Exit statuses are passed up unchanged (128 + N for a
//! signal).
//!
//! Errors before the command starts (a mount, Landlock, a missing program)
//! come back to the caller through a close-on-exec pipe, so
//! [`start`] either returns a running sandbox or says what failed.

use crate::{fs, limits, ns, sys, syscalls};
use nix::sys::prctl;
use nix::sys::signal::{kill, SigSet, SigmaskHow, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{ForkResult, Pid};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

/// How the command reaches the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network {
    /// Its own network namespace with only loopback.
    None,
    /// The host's network, unfiltered.
    Host,
    /// Its own network namespace in which `127.0.0.1:port` is bridged to
    /// the proxy listening on the unix socket `socket` outside.
    Proxy {
        /// The proxy's unix socket (outside the sandbox).
        socket: PathBuf,
        /// The TCP port on the sandbox's loopback.
        port: u16,
    },
}

/// Everything needed to start a sandboxed command.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The program (looked up in the `PATH` of `env`).
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Its whole environment.
    pub env: Vec<(OsString, OsString)>,
    /// The Landlock rules.
    pub fs: fs::FsPolicy,
    /// Paths hidden behind empty mounts (credentials, `--deny-read`).
    pub hide: Vec<PathBuf>,
    /// Paths made read-only inside writable roots (protected names).
    pub read_only: Vec<PathBuf>,
    /// Host unix sockets to hide ([`ns::host_sockets`]).
    pub unix_sockets: Vec<PathBuf>,
    /// The network.
    pub network: Network,
    /// Start the command in a new session (`setsid(2)`), without a
    /// controlling terminal.
    pub new_session: bool,
    /// Resource limits of the command (set just before it is executed).
    pub limits: limits::Limits,
    /// The seccomp programs ([`syscalls::filters`]), compiled before the
    /// fork.
    pub seccomp: Vec<seccompiler::BpfProgram>,
    /// The pid 1 writes this to its namespace's `kernel.pid_max`, capping
    /// the processes and threads in it ([`limits::pid_max_per_namespace`]).
    pub pid_max: Option<u64>,
    /// A cgroup directory the sandbox joins first (`cgroup.procs`), for a
    /// process cap where `RLIMIT_NPROC` does not count (root).
    pub cgroup: Option<PathBuf>,
    /// The command's stderr, when the caller reads it (for `--explain`);
    /// `None`: inherited.
    pub stderr: Option<std::sync::Arc<OwnedFd>>,
    /// Say on stderr what was set up.
    pub verbose: bool,
}

/// Why the sandbox could not start the command.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// Forking failed.
    #[error(transparent)]
    Fork(#[from] sys::ForkError),
    /// A system call of the supervisor failed.
    #[error("{0}: {1}")]
    Sys(&'static str, nix::Error),
    /// A sandbox layer could not be set up; nothing was run.
    #[error("{0}")]
    Setup(String),
    /// The program was not found.
    #[error("{0}: command not found")]
    NotFound(String),
    /// The program was found but could not be executed.
    #[error("{0}")]
    CannotExec(String),
}

impl LaunchError {
    /// The exit status `palisade run` gives for this error: 127 not found,
    /// 126 cannot execute, 2 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            LaunchError::NotFound(_) => 127,
            LaunchError::CannotExec(_) => 126,
            _ => 2,
        }
    }
}

const SETUP: u8 = 1;
const NOT_FOUND: u8 = 2;
const CANNOT_EXEC: u8 = 3;

/// Signals the supervisors wait for.
fn supervised() -> SigSet {
    let mut s = SigSet::empty();
    for sig in [
        Signal::SIGCHLD,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGQUIT,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
    ] {
        s.add(sig);
    }
    s
}

/// A started sandbox.
#[derive(Debug)]
pub struct Running {
    pid: Pid,
    old_mask: SigSet,
    forward_tty: bool,
}

/// Starts `plan`'s command in the sandbox and returns once it has been
/// executed (or failed to be). The calling process must be
/// single-threaded; it may start threads after this returns (they inherit
/// a mask blocking the supervised signals, which [`Running::wait`]
/// consumes).
///
/// Errors: [`LaunchError`]; nothing runs unconfined.
pub fn start(plan: &Plan) -> Result<Running, LaunchError> {
    let mut old_mask = SigSet::empty();
    nix::sys::signal::pthread_sigmask(
        SigmaskHow::SIG_BLOCK,
        Some(&supervised()),
        Some(&mut old_mask),
    )
    .map_err(|e| LaunchError::Sys("sigprocmask", e))?;
    let (read_end, write_end) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| LaunchError::Sys("pipe", e))?;
    let me = nix::unistd::getpid();
    match sys::fork()? {
        ForkResult::Child => {
            drop(read_end);
            holder(plan, write_end, me, old_mask)
        }
        ForkResult::Parent { child } => {
            drop(write_end);
            let running = Running {
                pid: child,
                old_mask,
                forward_tty: plan.new_session,
            };
            let mut msg = Vec::new();
            let _ = std::fs::File::from(read_end).read_to_end(&mut msg);
            if let Some((&kind, text)) = msg.split_first() {
                let _ = running.wait();
                let text = String::from_utf8_lossy(text).into_owned();
                return Err(match kind {
                    NOT_FOUND => LaunchError::NotFound(text),
                    CANNOT_EXEC => LaunchError::CannotExec(text),
                    _ => LaunchError::Setup(text),
                });
            }
            Ok(running)
        }
    }
}

impl Running {
    /// The pid of the namespace holder (the sandbox's top process).
    pub fn pid(&self) -> u32 {
        self.pid.as_raw().unsigned_abs()
    }

    /// Waits for the command, forwarding signals, and returns its exit
    /// status as `palisade run` reports it (128 + N for signal N).
    pub fn wait(self) -> u8 {
        let code = supervise(self.pid, false, self.forward_tty);
        let _ =
            nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.old_mask), None);
        u8::try_from(code & 0xff).unwrap_or(1)
    }
}

/// Waits for `child` while consuming the supervised signals: `SIGCHLD`
/// reaps (every child when `reap_all`, as pid 1 must), the others are
/// forwarded to `child` (the terminal's `SIGINT`/`SIGQUIT` only when
/// `forward_tty`). Returns the exit code to pass up.
fn supervise(child: Pid, reap_all: bool, forward_tty: bool) -> i32 {
    let set = supervised();
    loop {
        let sig = match set.wait() {
            Ok(s) => s,
            Err(_) => continue,
        };
        if sig != Signal::SIGCHLD {
            let tty = matches!(sig, Signal::SIGINT | Signal::SIGQUIT);
            if !tty || forward_tty {
                let _ = kill(child, sig);
            }
            continue;
        }
        loop {
            let target = if reap_all { None } else { Some(child) };
            match waitpid(target, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, code)) if pid == child => return code,
                Ok(WaitStatus::Signaled(pid, s, _)) if pid == child => return 128 + s as i32,
                Ok(WaitStatus::StillAlive) => break,
                Ok(_) => continue,
                Err(nix::Error::EINTR) => continue,
                Err(_) => return 1,
            }
        }
    }
}

/// Reports a failure to [`start`] and exits.
fn fail(mut pipe: std::fs::File, kind: u8, msg: &str) -> ! {
    let mut buf = vec![kind];
    buf.extend_from_slice(msg.as_bytes());
    let _ = pipe.write_all(&buf);
    std::process::exit(i32::from(kind) + 120)
}

fn warn(msg: &str) {
    eprintln!("palisade run: warning: {msg}");
}

/// The namespace holder (first child).
fn holder(plan: &Plan, err: OwnedFd, parent: Pid, old_mask: SigSet) -> ! {
    let _ = prctl::set_pdeathsig(Signal::SIGKILL);
    if sys::parent() != parent {
        std::process::exit(1);
    }
    let pipe = std::fs::File::from(err);
    if let Some(cg) = &plan.cgroup {
        // "0" is the writer itself; its children are born inside.
        if let Err(e) = std::fs::write(cg.join("cgroup.procs"), "0") {
            fail(pipe, SETUP, &format!("joining {}: {e}", cg.display()));
        }
    }
    let isolate = plan.network != Network::Host;
    match ns::unshare_all(isolate) {
        Ok(()) => {}
        Err(e @ ns::NsError::Unavailable(_)) => {
            warn(&format!(
                "{e}: credential paths and host sockets stay readable, protected names \
                 writable, and the network is not cut off; Landlock and seccomp still apply"
            ));
            command(plan, pipe, old_mask)
        }
        Err(e) => fail(pipe, SETUP, &e.to_string()),
    }
    // Not before the id maps are written: a non-dumpable process's /proc
    // files belong to root, which an unprivileged caller is not.
    let _ = prctl::set_dumpable(false);
    let hidden = match ns::hide(&plan.hide) {
        Ok(h) => h,
        Err(e) => fail(pipe, SETUP, &e.to_string()),
    };
    let sockets = match ns::hide(&plan.unix_sockets) {
        Ok(h) => h,
        Err(e) => fail(pipe, SETUP, &e.to_string()),
    };
    let protected = match ns::read_only(&plan.read_only) {
        Ok(p) => p,
        Err(e) => fail(pipe, SETUP, &e.to_string()),
    };
    let loopback = if isolate {
        Some(sys::loopback_up())
    } else {
        None
    };
    let listener = match (&plan.network, &loopback) {
        (Network::Proxy { port, .. }, Some(Ok(()))) => {
            match std::net::TcpListener::bind(("127.0.0.1", *port)) {
                Ok(l) => Some(l),
                Err(e) => fail(pipe, SETUP, &format!("proxy port 127.0.0.1:{port}: {e}")),
            }
        }
        (Network::Proxy { .. }, Some(Err(e))) => {
            fail(pipe, SETUP, &format!("bringing up loopback: {e}"))
        }
        _ => None,
    };
    if plan.verbose {
        let list = |v: &[PathBuf]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        eprintln!("palisade run: hidden: {}", list(&hidden));
        eprintln!("palisade run: host unix sockets hidden: {}", list(&sockets));
        eprintln!("palisade run: read-only: {}", list(&protected));
        eprintln!(
            "palisade run: network: {}",
            match (&plan.network, &loopback) {
                (Network::Host, _) => "the host's (--allow-network)".to_string(),
                (Network::Proxy { port, .. }, _) =>
                    format!("only through the proxy at 127.0.0.1:{port}"),
                (Network::None, Some(Ok(()))) => "none (loopback only)".to_string(),
                (Network::None, _) => "none (loopback down)".to_string(),
            }
        );
    }
    if let Some(Err(e)) = &loopback {
        warn(&format!("loopback could not be brought up: {e}"));
    }
    match sys::fork() {
        Ok(ForkResult::Child) => init(plan, pipe, old_mask, listener),
        Ok(ForkResult::Parent { child }) => {
            drop(pipe);
            drop(listener);
            std::process::exit(supervise(child, false, plan.new_session))
        }
        Err(e) => fail(pipe, SETUP, &e.to_string()),
    }
}

/// Pid 1 of the new pid namespace; it also runs the proxy's bridge on
/// `listener` (threads: the namespace holder cannot start any once it has
/// unshared the pid namespace, `clone(2)` refuses `CLONE_THREAD` there).
fn init(
    plan: &Plan,
    pipe: std::fs::File,
    old_mask: SigSet,
    listener: Option<std::net::TcpListener>,
) -> ! {
    let _ = prctl::set_pdeathsig(Signal::SIGKILL);
    let _ = prctl::set_dumpable(false);
    let fresh_proc = match ns::mount_proc() {
        Ok(()) => true,
        Err(e) => {
            warn(&format!(
                "{e}: /proc still shows the host's processes (their environments stay \
                 unreadable: they are not dumpable or belong to another user namespace)"
            ));
            false
        }
    };
    if let Some(n) = plan.pid_max {
        let set = if fresh_proc {
            limits::set_pid_max(n).map_err(|e| e.to_string())
        } else {
            Err("no /proc of its own".to_string())
        };
        if let Err(e) = set {
            warn(&format!("the process limit is not enforced ({e})"));
        }
    }
    match sys::fork() {
        Ok(ForkResult::Child) => command(plan, pipe, old_mask),
        Ok(ForkResult::Parent { child }) => {
            drop(pipe);
            if let (Some(l), Network::Proxy { socket, .. }) = (listener, &plan.network) {
                let socket = socket.clone();
                let started = std::thread::Builder::new()
                    .name("bridge".into())
                    .spawn(move || crate::bridge::bridge(l, socket));
                if let Err(e) = started {
                    warn(&format!(
                        "the proxy's bridge cannot start ({e}): no network"
                    ));
                }
            }
            std::process::exit(supervise(child, true, plan.new_session))
        }
        Err(e) => fail(pipe, SETUP, &e.to_string()),
    }
}

/// Confines this process and executes the command.
fn command(plan: &Plan, pipe: std::fs::File, old_mask: SigSet) -> ! {
    let _ = prctl::set_pdeathsig(Signal::SIGKILL);
    if plan.new_session {
        let _ = nix::unistd::setsid();
    }
    let enforcement = match fs::confine(&plan.fs) {
        Ok(e) => e,
        Err(e) => fail(pipe, SETUP, &e.to_string()),
    };
    if let Err(e) = sys::drop_capabilities() {
        fail(pipe, SETUP, &format!("dropping capabilities: {e}"));
    }
    if let Err(e) = limits::set_rlimits(&plan.limits) {
        fail(pipe, SETUP, &e.to_string());
    }
    if let Err(e) = syscalls::install(&plan.seccomp) {
        fail(pipe, SETUP, &e.to_string());
    }
    if let Err(e) = sys::cloexec_from_3() {
        fail(pipe, SETUP, &format!("closing inherited descriptors: {e}"));
    }
    if plan.verbose {
        let roots: Vec<String> = plan
            .fs
            .write_roots
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "palisade run: Landlock {} enforced (kernel ABI {}); seccomp filter on; writable: {}",
            match enforcement.enforcement {
                fs::Enforcement::Full => "fully",
                fs::Enforcement::Partial => "partially (older kernel ABI)",
            },
            enforcement
                .kernel_abi
                .map_or("unknown".to_string(), |v| v.to_string()),
            roots.join(", ")
        );
    }
    let _ = nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old_mask), None);
    let mut cmd = std::process::Command::new(&plan.program);
    cmd.args(&plan.args)
        .env_clear()
        .envs(plan.env.iter().map(|(k, v)| (k, v)));
    if let Some(fd) = &plan.stderr {
        match fd.try_clone() {
            Ok(fd) => {
                cmd.stderr(std::process::Stdio::from(fd));
            }
            Err(e) => fail(pipe, SETUP, &format!("stderr: {e}")),
        }
    }
    let e = cmd.exec();
    let name = plan.program.to_string_lossy();
    if e.kind() == std::io::ErrorKind::NotFound {
        fail(pipe, NOT_FOUND, &name)
    }
    fail(pipe, CANNOT_EXEC, &format!("{name}: {e}"))
}
