//! `palisade run`: run a command confined by the OS sandbox.

use anyhow::Context as _;
use palisade_sandbox::{env, fs, limits, ns, syscalls};
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Command;

/// Run a command in Palisade's sandbox and return its exit status.
///
/// The command and every process it starts can read and execute anything
/// but write only under the project (the current directory), a private
/// temporary directory (its TMPDIR, removed afterwards) and each
/// --allow-write path; `..`, symlinks and hard links do not get around this
/// (Landlock checks the real file). Its environment is cut down to PATH,
/// HOME, USER, SHELL, TERM, LANG, LC_*, TZ and a few more, plus each
/// --env-pass name: tokens and keys in your shell never reach it.
///
/// A seccomp filter refuses ptrace, process_vm_readv/writev, io_uring, bpf,
/// perf_event_open, userfaultfd, keyrings, module loading, mounts and file
/// handles, new namespaces (unshare, setns, clone with namespace flags),
/// TIOCSTI/TIOCLINUX, and raw, packet, vsock and non-route netlink sockets
/// (EPERM). NO_NEW_PRIVS is set: setuid programs such as sudo gain nothing.
///
/// Limits: at most 4096 processes and threads at once (--limit-procs) and
/// files of at most 8 GiB (--limit-file-size); no memory cap unless
/// --limit-memory is given (per process). The file-size cap stops one
/// runaway file, not many small ones.
///
/// Credential paths under $HOME (~/.ssh, ~/.aws, ~/.azure, ~/.config/gcloud,
/// ~/.kube, ~/.docker, ~/.gnupg, ~/.config/gh, ~/.netrc, ~/.npmrc,
/// ~/.pypirc, ~/.git-credentials, cargo and Vault/Terraform tokens) and each
/// --deny-read path are hidden behind empty read-only mounts in a private
/// user and mount namespace. Where user namespaces are unavailable this is
/// skipped with a warning.
///
/// The network is cut off by default: the command gets its own network
/// namespace with only a loopback interface (the host's 127.0.0.1 is out of
/// reach too). --allow-network keeps the host's network, unfiltered, until
/// the domain allow-list proxy exists. Palisade refuses to run the command
/// if Landlock is missing.
///
/// Examples:
///   palisade run -- npm test
///   palisade run --allow-write ~/.cache/pip -- pip install -r requirements.txt
///   palisade run --env-pass NPM_TOKEN -- npm publish
///   palisade run --verbose -- sh -c 'echo hi > /etc/x'   (fails: read-only)
///
/// Exit status: the command's (128 + N if killed by signal N); 126 if it
/// cannot be started, 127 if it is not found, 2 if the sandbox cannot be set up.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Also allow writes under this path (repeatable).
    #[arg(long, value_name = "PATH")]
    allow_write: Vec<PathBuf>,
    /// Also hide this path (a file or directory; repeatable), like the
    /// credential paths under $HOME that are hidden by default.
    #[arg(long, value_name = "PATH")]
    deny_read: Vec<PathBuf>,
    /// Keep the host's network (default: none, only the sandbox's own
    /// loopback). There is no domain filtering yet: use it only for
    /// commands you would let reach anywhere.
    #[arg(long)]
    allow_network: bool,
    /// Most processes and threads the command may run at once, or `none`.
    #[arg(long, value_name = "N|none", default_value = "4096", value_parser = parse_count)]
    limit_procs: Limit,
    /// Largest file the command may write (512K, 100M, 8G, …), or `none`.
    #[arg(long, value_name = "SIZE|none", default_value = "8G", value_parser = parse_size)]
    limit_file_size: Limit,
    /// Most heap memory each process may take (e.g. 4G), or `none`.
    #[arg(long, value_name = "SIZE|none", default_value = "none", value_parser = parse_size)]
    limit_memory: Limit,
    /// Also pass this environment variable (repeatable).
    #[arg(long, value_name = "NAME")]
    env_pass: Vec<String>,
    /// Say on stderr what is writable and which variables were dropped
    /// (names only).
    #[arg(long, short = 'v')]
    verbose: bool,
    /// The command and its arguments (after `--`).
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

/// Runs `palisade run`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    let project = std::env::current_dir().context("reading the current directory")?;
    let tmp = private_tmp()?;
    let mut write_roots = vec![project.clone(), tmp.clone()];
    for p in &a.allow_write {
        let p = std::fs::canonicalize(p)
            .with_context(|| format!("--allow-write {}: no such path", p.display()))?;
        write_roots.push(p);
    }
    let mut scrubbed = env::scrub(std::env::vars_os(), &a.env_pass);
    scrubbed.kept.retain(|(k, _)| k != "TMPDIR");
    scrubbed
        .kept
        .push(("TMPDIR".into(), tmp.clone().into_os_string()));
    // Limits before the namespaces and Landlock: for root, the process cap
    // is a cgroup, made from the host's view and before writes are fenced.
    let limits = limits::Limits {
        max_processes: a.limit_procs.0,
        max_file_size: a.limit_file_size.0,
        max_memory: a.limit_memory.0,
        max_open_files: None,
    };
    match limits::apply(&limits) {
        Ok(limits::ProcessCap::Unenforced(e)) => {
            eprintln!("palisade run: warning: process limit not enforced: {e}");
        }
        Ok(_) => {}
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e).context("setting up the sandbox");
        }
    }
    // Namespaces first: the seccomp filter below refuses `mount`.
    let mut hide: Vec<PathBuf> = std::env::var_os("HOME")
        .map(|h| ns::home_credentials(std::path::Path::new(&h)))
        .unwrap_or_default();
    for p in &a.deny_read {
        hide.push(std::path::absolute(p).unwrap_or_else(|_| p.clone()));
    }
    let entered = match ns::enter(&hide, !a.allow_network) {
        Ok(e) => Some(e),
        Err(e @ ns::NsError::Unavailable(_)) => {
            eprintln!(
                "palisade run: warning: {e}: credential paths stay readable and the network \
                 is not cut off; Landlock and seccomp still apply"
            );
            None
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e).context("setting up the sandbox");
        }
    };
    let enforcement = fs::confine(&fs::FsPolicy {
        write_roots: write_roots.clone(),
    });
    let enforcement = match enforcement {
        Ok(e) => e,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e).context("setting up the sandbox");
        }
    };
    if let Err(e) = syscalls::confine() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e).context("setting up the sandbox");
    }
    if a.verbose {
        let roots: Vec<String> = write_roots
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "palisade run: Landlock {} enforced; seccomp filter on; writable: {}",
            match enforcement {
                fs::Enforcement::Full => "fully",
                fs::Enforcement::Partial => "partially (older kernel ABI)",
            },
            roots.join(", ")
        );
        if let Some(e) = &entered {
            let h: Vec<String> = e.hidden.iter().map(|p| p.display().to_string()).collect();
            eprintln!(
                "palisade run: hidden: {}",
                if h.is_empty() {
                    "nothing found to hide".to_string()
                } else {
                    h.join(", ")
                }
            );
            eprintln!(
                "palisade run: network: {}",
                match e.loopback_up {
                    None => "the host's (--allow-network)",
                    Some(true) => "none (loopback only)",
                    Some(false) => "none (loopback down: `ip` not found)",
                }
            );
        }
        if !scrubbed.dropped.is_empty() {
            eprintln!(
                "palisade run: environment variables dropped: {} (credential-like: {})",
                scrubbed.dropped.join(" "),
                if scrubbed.secret_looking.is_empty() {
                    "none".to_string()
                } else {
                    scrubbed.secret_looking.join(" ")
                }
            );
        }
    }
    let (program, args) = a
        .command
        .split_first()
        .context("no command given (palisade run -- CMD ARGS…)")?;
    let status = Command::new(program)
        .args(args)
        .env_clear()
        .envs(scrubbed.kept)
        .status();
    let _ = std::fs::remove_dir_all(&tmp);
    let status = match status {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("palisade run: {program}: command not found");
            return Ok(127);
        }
        Err(e) => {
            eprintln!("palisade run: {program}: {e}");
            return Ok(126);
        }
    };
    Ok(match (status.code(), status.signal()) {
        (Some(c), _) => u8::try_from(c & 0xff).unwrap_or(1),
        (None, Some(sig)) => u8::try_from(128 + (sig & 0x7f)).unwrap_or(1),
        (None, None) => 1,
    })
}

/// A limit from the command line: `None` for `none`.
#[derive(Debug, Clone, Copy)]
struct Limit(Option<u64>);

fn parse_size(text: &str) -> Result<Limit, limits::LimitError> {
    limits::parse_size(text).map(Limit)
}

fn parse_count(text: &str) -> Result<Limit, String> {
    match text {
        "none" | "unlimited" => Ok(Limit(None)),
        n => n
            .parse()
            .map(|n| Limit(Some(n)))
            .map_err(|_| format!("`{n}` is not a number or `none`")),
    }
}

/// A new mode-0700 directory under the system temp dir, for the command's
/// TMPDIR.
fn private_tmp() -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = base.join(format!("palisade-run-{}-{stamp}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    std::fs::canonicalize(&dir).with_context(|| format!("resolving {}", dir.display()))
}
