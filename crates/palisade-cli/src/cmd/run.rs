//! `palisade run`: run a command confined by the OS sandbox.

use anyhow::Context as _;
use palisade_sandbox::{env, fs, ns, profile, syscalls};
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Command;

/// Run a command in Palisade's sandbox and return its exit status.
///
/// What the sandbox allows is a profile (--profile; `palisade run --profile
/// NAME` with a built-in or your own, see docs/SANDBOX.md). With the default,
/// workspace:
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
/// perf_event_open, keyrings, module loading, mount and file handles (EPERM).
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
///   palisade run --profile untrusted -- make   (all of $HOME hidden but the project)
///   palisade run --profile read-only -- ./inspect.sh
///   palisade run --allow-write ~/.cache/pip -- pip install -r requirements.txt
///   palisade run --env-pass NPM_TOKEN -- npm publish
///   palisade run --verbose -- sh -c 'echo hi > /etc/x'   (fails: read-only)
///
/// Exit status: the command's (128 + N if killed by signal N); 126 if it
/// cannot be started, 127 if it is not found, 2 if the sandbox cannot be set up.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The profile: what is writable, hidden and reachable (default:
    /// workspace). Built-in: workspace, workspace-net, read-only,
    /// untrusted, agent; yours in ~/.config/palisade/profiles/NAME.toml,
    /// the organisation's in /etc/palisade/profiles/NAME.toml (which wins).
    /// A project's own files are never read. The flags below add to it.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
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
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|h| h.is_absolute());
    let name = a.profile.as_deref().unwrap_or(profile::DEFAULT_PROFILE);
    let mut allow_write = Vec::new();
    for p in &a.allow_write {
        let p = std::fs::canonicalize(p)
            .with_context(|| format!("--allow-write {}: no such path", p.display()))?;
        allow_write.push(p);
    }
    let grants = profile::Grants {
        allow_write,
        deny_read: a.deny_read.clone(),
        allow_domains: Vec::new(),
        env_pass: a.env_pass.clone(),
    };
    let plan = profile::resolve(name, &profile::Lookup::new(home.as_deref()))
        .and_then(|p| p.with_cli(&grants))
        .and_then(|p| p.plan(&project, home.as_deref()))
        .with_context(|| format!("profile `{name}`"))?;
    let tmp = if plan.private_tmp {
        Some(private_tmp()?)
    } else {
        None
    };
    let cleanup = || {
        if let Some(t) = &tmp {
            let _ = std::fs::remove_dir_all(t);
        }
    };
    let mut write_roots: Vec<PathBuf> = tmp.iter().cloned().collect();
    let mut missing = Vec::new();
    for r in &plan.write_roots {
        // Paths a profile names may not exist here (another agent's state
        // directory); they are skipped.
        match std::fs::canonicalize(r) {
            Ok(c) if !write_roots.contains(&c) => write_roots.push(c),
            Ok(_) => {}
            Err(_) => missing.push(r.display().to_string()),
        }
    }
    let mut scrubbed = env::scrub(std::env::vars_os(), &plan.env_pass);
    if let Some(t) = &tmp {
        scrubbed.kept.retain(|(k, _)| k != "TMPDIR");
        scrubbed
            .kept
            .push(("TMPDIR".into(), t.clone().into_os_string()));
    }
    let isolate_network = match plan.network {
        _ if a.allow_network => false,
        profile::Network::Host => false,
        profile::Network::None => true,
        profile::Network::Proxy => {
            eprintln!(
                "palisade run: warning: profile `{name}` wants network through the domain proxy, \
                 which this build does not have yet: the network stays off"
            );
            true
        }
    };
    if !plan.limits.is_empty() {
        eprintln!(
            "palisade run: warning: profile `{name}` sets resource limits, which this build \
             does not enforce yet"
        );
    }
    // Namespaces first: the seccomp filter below refuses `mount`.
    let entered = match ns::enter(&plan.hide, isolate_network) {
        Ok(e) => Some(e),
        Err(e @ ns::NsError::Unavailable(_)) => {
            eprintln!(
                "palisade run: warning: {e}: credential paths stay readable and the network \
                 is not cut off; Landlock and seccomp still apply"
            );
            None
        }
        Err(e) => {
            cleanup();
            return Err(e).context("setting up the sandbox");
        }
    };
    let enforcement = fs::confine(&fs::FsPolicy {
        write_roots: write_roots.clone(),
    });
    let enforcement = match enforcement {
        Ok(e) => e,
        Err(e) => {
            cleanup();
            return Err(e).context("setting up the sandbox");
        }
    };
    if let Err(e) = syscalls::confine() {
        cleanup();
        return Err(e).context("setting up the sandbox");
    }
    if a.verbose {
        let roots: Vec<String> = write_roots
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "palisade run: profile `{name}`{}",
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (skipped, missing: {})", missing.join(", "))
            }
        );
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
                    None => "the host's",
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
    cleanup();
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
