//! `palisade run`: run a command confined by the OS sandbox.

use anyhow::Context as _;
use palisade_sandbox::{env, fs, launch, limits, ns, protect};
use std::io::IsTerminal as _;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;

/// Run a command in Palisade's sandbox and return its exit status.
///
/// The command and every process it starts can read and execute anything
/// but write only under the project (the current directory), a private
/// temporary directory (its TMPDIR, removed afterwards) and each
/// --allow-write path; `..`, symlinks and hard links do not get around this
/// (Landlock checks the real file). /dev/shm, /sys and /proc/sys are not
/// writable either.
///
/// Protected names stay read-only even inside writable roots, because
/// something outside the sandbox later runs or trusts them: .git/hooks,
/// .git/config, .gitmodules, .mcp.json, .claude/settings*.json,
/// .vscode/tasks.json and settings.json, .envrc, and shell start-up files
/// (.bashrc, .profile, .zshrc, …). Missing ones get an empty placeholder
/// for the run (hidden from git, removed afterwards).
///
/// Its environment is cut down to PATH, HOME, USER, SHELL, TERM, LANG,
/// LC_*, TZ and a few more, plus each --env-pass name: tokens and keys in
/// your shell never reach it.
///
/// It runs in its own user, mount, pid, ipc and uts namespaces: /proc shows
/// only its own processes, it has no capabilities, and when it exits every
/// process it started (setsid, nohup, double forks) is killed. Credential
/// paths under $HOME (~/.ssh, ~/.aws, ~/.azure, ~/.config/gcloud, ~/.kube,
/// ~/.docker, ~/.gnupg, ~/.config/gh, ~/.netrc, ~/.npmrc, ~/.pypirc,
/// ~/.git-credentials, cargo and Vault/Terraform tokens), each --deny-read
/// path, and host unix sockets (docker.sock, ssh-agent, D-Bus, in /run,
/// $XDG_RUNTIME_DIR and /tmp) are hidden behind empty read-only mounts.
/// Abstract unix sockets and signals to processes outside are refused
/// (Landlock scopes).
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
/// The network is cut off by default: the command gets its own network
/// namespace with only a loopback interface (the host's 127.0.0.1 is out of
/// reach too). --allow-network keeps the host's network, unfiltered.
///
/// Where user namespaces are unavailable, palisade warns and runs with
/// Landlock and seccomp only; it refuses to run the command at all if
/// Landlock is missing.
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
    let (program, args) = a
        .command
        .split_first()
        .context("no command given (palisade run -- CMD ARGS…)")?;
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
    let mut hide: Vec<PathBuf> = std::env::var_os("HOME")
        .map(|h| ns::home_credentials(std::path::Path::new(&h)))
        .unwrap_or_default();
    for p in &a.deny_read {
        hide.push(std::path::absolute(p).unwrap_or_else(|_| p.clone()));
    }
    // Protected names in every writable root but the private tmp.
    let protect_roots: Vec<PathBuf> = write_roots.iter().filter(|r| **r != tmp).cloned().collect();
    let mut names: Vec<String> = protect::DEFAULT_PROTECTED
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Shell start-up files matter where a shell reads them: in $HOME.
    if let Some(home) = std::env::var_os("HOME").and_then(|h| std::fs::canonicalize(h).ok()) {
        if protect_roots.iter().any(|r| home.starts_with(r)) {
            for n in protect::SHELL_STARTUP {
                names.push(home.join(n).to_string_lossy().into_owned());
            }
        }
    }
    let protected = protect::prepare(&protect_roots, &names);
    if a.verbose && !scrubbed.dropped.is_empty() {
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
    let limits = limits::Limits {
        max_processes: a.limit_procs.0,
        max_file_size: a.limit_file_size.0,
        max_memory: a.limit_memory.0,
        max_open_files: None,
    };
    // Root is exempt from RLIMIT_NPROC: its process cap is a cgroup, made
    // here from the host's view, joined by the sandbox's first process.
    let cgroup = match limits.max_processes {
        Some(n) if !limits::nproc_rlimit_counts() => match limits::Cgroup::create(n) {
            Ok(cg) => Some(cg),
            Err(e) => {
                eprintln!("palisade run: warning: process limit not enforced: {e}");
                None
            }
        },
        _ => None,
    };
    let plan = launch::Plan {
        program: program.into(),
        args: args.iter().map(Into::into).collect(),
        env: scrubbed.kept,
        fs: fs::FsPolicy { write_roots },
        hide,
        read_only: protected.paths.clone(),
        allow_unix_sockets: Vec::new(),
        network: if a.allow_network {
            launch::Network::Host
        } else {
            launch::Network::None
        },
        new_session: !std::io::stdin().is_terminal(),
        limits,
        cgroup: cgroup.as_ref().map(|c| c.path().to_path_buf()),
        verbose: a.verbose,
    };
    let code = match launch::start(&plan) {
        Ok(running) => running.wait(),
        Err(e) => {
            eprintln!("palisade run: {e}");
            e.exit_code()
        }
    };
    protected.finish();
    if let Some(cg) = cgroup {
        let _ = cg.remove();
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(code)
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
