//! `palisade run`: run a command confined by the OS sandbox.

use crate::env::PolicyFlags;
use anyhow::Context as _;
use palisade_sandbox::{env, explain, fs, launch, limits, profile, protect};
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
    /// Let the command reach this domain through Palisade's proxy
    /// (repeatable; `*.example.com` for its subdomains). Turns a profile
    /// without network into one with the proxy; ports 80 and 443 only.
    #[arg(long, value_name = "HOST")]
    allow_domain: Vec<String>,
    /// Let the proxy reach this address or range (CIDR; repeatable) even
    /// though it is a literal or a loopback, private, link-local or
    /// metadata address (refused otherwise, against DNS rebinding). Like
    /// --allow-domain, turns on the proxy.
    #[arg(long, value_name = "IP|CIDR")]
    allow_ip: Vec<String>,
    /// Let the proxy connect to this port too (repeatable; default 80 and
    /// 443, or the profile's).
    #[arg(long, value_name = "PORT")]
    allow_port: Vec<u16>,
    /// Keep the host's network, unfiltered (default: none, only the
    /// sandbox's own loopback): only for commands you would let reach
    /// anywhere, including the host's own 127.0.0.1.
    #[arg(long)]
    allow_network: bool,
    /// Most processes and threads the command may run at once, or `none`
    /// (default: the profile's, else 4096).
    #[arg(long, value_name = "N|none", value_parser = parse_count)]
    limit_procs: Option<Limit>,
    /// Largest file the command may write (512K, 100M, 8G, …), or `none`
    /// (default: the profile's, else 8G).
    #[arg(long, value_name = "SIZE|none", value_parser = parse_size)]
    limit_file_size: Option<Limit>,
    /// Most heap memory each process may take (e.g. 4G), or `none`
    /// (default: the profile's, else none).
    #[arg(long, value_name = "SIZE|none", value_parser = parse_size)]
    limit_memory: Option<Limit>,
    /// Also pass this environment variable (repeatable).
    #[arg(long, value_name = "NAME")]
    env_pass: Vec<String>,
    /// The project directory, writable with its protected names read-only
    /// (default: the current directory). The command still starts in the
    /// current directory, which may be below it.
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// After the command, say on stderr which sandbox rule caused each
    /// refusal it reported (Permission denied, Read-only file system,
    /// Operation not permitted, failed name lookups) and how to grant more.
    /// The command's stderr then goes through palisade (still streamed).
    #[arg(long)]
    explain: bool,
    /// Say on stderr what is writable and which variables were dropped
    /// (names only).
    #[arg(long, short = 'v')]
    verbose: bool,
    /// List the profiles (built-in, yours, the organisation's) and exit.
    #[arg(long)]
    list_profiles: bool,
    /// Print profile NAME as resolved (after `extends`, with its sources)
    /// in TOML and exit.
    #[arg(long, value_name = "NAME")]
    show_profile: Option<String>,
    /// The command and its arguments (after `--`).
    #[arg(
        required_unless_present_any = ["list_profiles", "show_profile"],
        trailing_var_arg = true
    )]
    command: Vec<String>,
}

/// Runs `palisade run`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    if a.list_profiles || a.show_profile.is_some() {
        return profiles(&a);
    }
    let started = std::time::Instant::now();
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let project = match &a.project {
        Some(p) => std::fs::canonicalize(p)
            .with_context(|| format!("--project {}: no such directory", p.display()))?,
        None => cwd.clone(),
    };
    let (program, args) = a
        .command
        .split_first()
        .context("no command given (palisade run -- CMD ARGS…)")?;
    let seccomp = palisade_sandbox::syscalls::filters().context("compiling the seccomp filter")?;
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
        allow_domains: a.allow_domain.clone(),
        env_pass: a.env_pass.clone(),
    };
    let mut prof = profile::resolve(name, &profile::Lookup::new(home.as_deref()))
        .and_then(|p| p.with_cli(&grants))
        .with_context(|| format!("profile `{name}`"))?;
    // Granting an address or a port, like a domain, means the proxy.
    if prof.network == profile::Network::None
        && (!a.allow_ip.is_empty() || !a.allow_port.is_empty())
    {
        prof.network = profile::Network::Proxy;
    }
    if prof.network == profile::Network::Proxy && !a.allow_network {
        // The policy's domain lists (palisade.toml `[sandbox]`, Claude
        // Code's WebFetch(domain:…) rules) apply to the proxy.
        let (_, opts) = crate::env::setup(
            Some(project.clone()),
            &PolicyFlags::default(),
            "run",
            None,
            None,
        );
        let policy = palisade_policy::Policy::load(&opts)
            .context("loading the policy for the proxy's domain lists")?;
        let s = policy.sandbox();
        prof = prof.with_policy_domains(&s.allow_domains, &s.deny_domains);
    }
    let prof_source = prof.sources.first().cloned();
    let mut rp = prof
        .plan(&project, home.as_deref())
        .with_context(|| format!("profile `{name}`"))?;
    // The audit log's seal key: nothing in the sandbox needs it (hooks log
    // through the relay), and whoever reads it can forge seals.
    if let Some(key) = palisade_audit::Key::default_path().filter(|k| k.is_file()) {
        if let Ok(key) = std::fs::canonicalize(key) {
            if !rp.hide.contains(&key) {
                rp.hide.push(key);
            }
        }
    }
    let tmp = if rp.private_tmp {
        Some(private_tmp()?)
    } else {
        None
    };
    let mut write_roots: Vec<PathBuf> = tmp.iter().cloned().collect();
    let mut missing = Vec::new();
    for r in &rp.write_roots {
        // Paths a profile names may not exist here (another agent's state
        // directory); they are skipped.
        match std::fs::canonicalize(r) {
            Ok(c) if !write_roots.contains(&c) => write_roots.push(c),
            Ok(_) => {}
            Err(_) => missing.push(r.display().to_string()),
        }
    }
    let mut scrubbed = env::scrub(std::env::vars_os(), &rp.env_pass);
    if let Some(t) = &tmp {
        scrubbed.kept.retain(|(k, _)| k != "TMPDIR");
        scrubbed
            .kept
            .push(("TMPDIR".into(), t.clone().into_os_string()));
    }
    let network = match rp.network {
        _ if a.allow_network => launch::Network::Host,
        profile::Network::Host => launch::Network::Host,
        profile::Network::None => launch::Network::None,
        profile::Network::Proxy => launch::Network::Proxy {
            socket: PathBuf::new(),
            port: PROXY_PORT,
        },
    };
    // The proxy listens on a unix socket in a directory of its own (not a
    // writable root), bound now, served once the sandbox is started.
    let mut proxy_dir = None;
    let mut proxy_listener = None;
    let mut network = network;
    if let launch::Network::Proxy { socket, port } = &mut network {
        let dir = private_dir("palisade-proxy")?;
        *socket = dir.join("proxy.sock");
        proxy_listener = Some(
            std::os::unix::net::UnixListener::bind(&*socket)
                .with_context(|| format!("binding {}", socket.display()))?,
        );
        proxy_dir = Some(dir);
        let vars = palisade_sandbox::proxy::proxy_env(*port);
        scrubbed
            .kept
            .retain(|(k, _)| !vars.iter().any(|(v, _)| k.as_os_str() == v.as_str()));
        scrubbed
            .kept
            .extend(vars.into_iter().map(|(k, v)| (k.into(), v.into())));
    }
    // Protected names in every writable root but the private tmp.
    let protect_roots: Vec<PathBuf> = write_roots
        .iter()
        .filter(|r| Some(*r) != tmp.as_ref())
        .cloned()
        .collect();
    let names: Vec<String> = rp
        .protect
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let protected = protect::prepare(&protect_roots, &names);
    // Git inside the sandbox ignores the placeholders: an excludes file in
    // the private tmp (with the user's global one, which it replaces) named
    // through GIT_CONFIG_* variables; the repository is not touched.
    let excludes = protected.git_excludes();
    if let (false, Some(t)) = (excludes.is_empty(), &tmp) {
        let global = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")))
            .map(|d| d.join("git/ignore"))
            .and_then(|f| std::fs::read_to_string(f).ok())
            .unwrap_or_default();
        let file = t.join(".palisade-git-excludes");
        if std::fs::write(&file, format!("{global}\n{excludes}")).is_ok() {
            let n = scrubbed
                .kept
                .iter()
                .find(|(k, _)| k == "GIT_CONFIG_COUNT")
                .and_then(|(_, v)| v.to_str()?.parse::<u32>().ok())
                .unwrap_or(0);
            scrubbed.kept.retain(|(k, _)| k != "GIT_CONFIG_COUNT");
            scrubbed.kept.extend([
                ("GIT_CONFIG_COUNT".into(), (n + 1).to_string().into()),
                (
                    format!("GIT_CONFIG_KEY_{n}").into(),
                    "core.excludesFile".into(),
                ),
                (
                    format!("GIT_CONFIG_VALUE_{n}").into(),
                    file.into_os_string(),
                ),
            ]);
        }
    }
    if a.verbose {
        eprintln!(
            "palisade run: profile `{name}`{}",
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (skipped, missing: {})", missing.join(", "))
            }
        );
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
    // Command-line limits win over the profile's, which win over the
    // defaults.
    let size = |s: Option<profile::Size>| s.map(profile::Size::bytes);
    let dflt = limits::Limits::recommended();
    let pick = |cli: Option<Limit>, prof: Option<u64>, d: Option<u64>| match cli {
        Some(Limit(v)) => v,
        None => prof.or(d),
    };
    let limits = limits::Limits {
        max_processes: pick(a.limit_procs, rp.limits.processes, dflt.max_processes),
        max_file_size: pick(
            a.limit_file_size,
            size(rp.limits.file_size),
            dflt.max_file_size,
        ),
        max_memory: pick(a.limit_memory, size(rp.limits.memory), dflt.max_memory),
        max_open_files: rp.limits.open_files.or(dflt.max_open_files),
    };
    // The process cap: the sandbox's own pid_max where the kernel keeps it
    // per pid namespace (cheap, and it counts root too). Otherwise root,
    // exempt from RLIMIT_NPROC, gets a cgroup, made here from the host's
    // view and joined by the sandbox's first process (moving a process
    // into a cgroup costs milliseconds).
    let pid_max = limits
        .max_processes
        .and_then(limits::pid_max_for)
        .filter(|_| limits::pid_max_per_namespace());
    let cgroup = match limits.max_processes {
        Some(n) if pid_max.is_none() && !limits::nproc_rlimit_counts() => {
            match limits::Cgroup::create(n) {
                Ok(cg) => Some(cg),
                Err(e) => {
                    eprintln!("palisade run: warning: process limit not enforced: {e}");
                    None
                }
            }
        }
        _ => None,
    };
    let explain_pipe = if a.explain {
        Some(nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating a pipe")?)
    } else {
        None
    };
    let (explain_read, explain_write) = match explain_pipe {
        Some((r, w)) => (Some(r), Some(std::sync::Arc::new(w))),
        None => (None, None),
    };
    let context = explain::Context {
        cwd: cwd.clone(),
        write_roots: write_roots.clone(),
        hidden: rp.hide.clone(),
        protected: protected.paths.clone(),
        profile: name.to_string(),
        network_off: matches!(network, launch::Network::None),
    };
    // Hooks inside the sandbox (a wrapped agent's) cannot write the audit
    // log, which is outside the writable roots: they send their records
    // to a relay that this process serves (see crate::relay).
    let audit = crate::audit::configured_log(&PolicyFlags::default());
    let mut relay_dir = None;
    let relay = match &audit {
        Some(_) => {
            let dir = private_dir("palisade-audit")?;
            let r = crate::relay::Relay::bind(&dir)
                .with_context(|| format!("binding the audit relay in {}", dir.display()))?;
            relay_dir = Some(dir);
            Some(r)
        }
        None => None,
    };
    // Read here, in the host's network namespace, where they are bound.
    // The proxy's own socket stays reachable for the bridge, and the
    // relay's for the hooks.
    let mut own: Vec<PathBuf> = match &network {
        launch::Network::Proxy { socket, .. } => vec![socket.clone()],
        _ => Vec::new(),
    };
    scrubbed.kept.retain(|(k, _)| {
        k.as_os_str() != crate::relay::SOCKET_VAR && k.as_os_str() != "PALISADE_AUDIT"
    });
    match &relay {
        Some(r) => {
            own.push(r.socket().to_path_buf());
            scrubbed.kept.push((
                crate::relay::SOCKET_VAR.into(),
                r.socket().as_os_str().to_owned(),
            ));
        }
        // Logging is off out here: so it is for the hooks inside.
        None => scrubbed.kept.push(("PALISADE_AUDIT".into(), "off".into())),
    }
    let unix_sockets = palisade_sandbox::ns::host_sockets(&own, &write_roots);
    let mut plan = launch::Plan {
        program: program.into(),
        args: args.iter().map(Into::into).collect(),
        env: scrubbed.kept,
        fs: fs::FsPolicy { write_roots },
        hide: rp.hide,
        read_only: protected.paths.clone(),
        unix_sockets,
        network,
        new_session: !std::io::stdin().is_terminal(),
        limits,
        seccomp,
        pid_max,
        cgroup: cgroup.as_ref().map(|c| c.path().to_path_buf()),
        stderr: explain_write,
        verbose: a.verbose,
    };
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut explained: Vec<String> = Vec::new();
    let code = match launch::start(&plan) {
        Ok(running) => {
            // Only the sandbox may hold the write end now, so the reader
            // sees the end of the stream when the sandbox is gone.
            plan.stderr = None;
            // Threads only now: the sandbox is forked.
            if let (Some(r), Some((log, telemetry))) = (relay, audit.clone()) {
                r.serve(log, move |log| {
                    crate::ship_trigger::maybe_start(log, &telemetry, None);
                });
            }
            let proxy = match proxy_listener.take() {
                Some(l) => {
                    let policy = palisade_sandbox::proxy::ProxyPolicy {
                        allow_domains: rp.allow_domains.clone(),
                        deny_domains: rp.deny_domains.clone(),
                        allow_ports: {
                            let mut p = if rp.allow_ports.is_empty() {
                                vec![80, 443]
                            } else {
                                rp.allow_ports.clone()
                            };
                            p.extend(&a.allow_port);
                            p
                        },
                        allow_ips: a.allow_ip.clone(),
                    };
                    let sink = std::sync::Arc::clone(&events);
                    let verbose = a.verbose;
                    match palisade_sandbox::proxy::spawn(l, policy, a.command.join(" "), move |e| {
                        if verbose {
                            eprintln!(
                                "palisade run: proxy: {} {}:{} {:?} ({})",
                                e.protocol, e.host, e.port, e.verdict, e.rule
                            );
                        }
                        if let Ok(mut v) = sink.lock() {
                            if v.len() < 1000 {
                                v.push(e);
                            }
                        }
                    }) {
                        Ok(h) => Some(h),
                        Err(e) => {
                            eprintln!(
                                "palisade run: the proxy cannot start ({e}): the network stays off"
                            );
                            None
                        }
                    }
                }
                None => None,
            };
            let reader = explain_read.map(|r| std::thread::spawn(move || relay_stderr(r)));
            let code = running.wait();
            if let Some(p) = proxy {
                p.shutdown();
            }
            if let Some(refusals) = reader.and_then(|t| t.join().ok()) {
                explained = refusals.iter().filter_map(|r| context.explain(r)).collect();
                let refused: Vec<String> = events
                    .lock()
                    .map(|v| {
                        v.iter()
                            .filter(|e| e.verdict == palisade_sandbox::proxy::Verdict::Refused)
                            .map(|e| {
                                format!(
                                    "{} {}:{}: refused by the proxy ({}); {}",
                                    e.protocol,
                                    e.host,
                                    e.port,
                                    e.rule,
                                    proxy_grant(&e.rule, &e.host, e.port)
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                report(&context, &refusals, &refused);
            }
            code
        }
        Err(e) => {
            eprintln!("palisade run: {e}");
            e.exit_code()
        }
    };
    protected.finish();
    let proxy_events = events.lock().map(|v| v.clone()).unwrap_or_default();
    // The log configured before the run (one read of the settings).
    if let Some(configured) = &audit {
        crate::audit::append_to(
            configured,
            run_records(&RunSummary {
                command: &a.command.join(" "),
                cwd: &cwd,
                profile: name,
                profile_source: prof_source.as_deref(),
                code,
                events: &proxy_events,
                explained: &explained,
                elapsed: started.elapsed(),
            }),
            "the sandboxed run was",
            None,
        );
    }
    if let Some(cg) = cgroup {
        let _ = cg.remove();
    }
    if let Some(t) = &tmp {
        let _ = std::fs::remove_dir_all(t);
    }
    if let Some(d) = &proxy_dir {
        let _ = std::fs::remove_dir_all(d);
    }
    if let Some(d) = &relay_dir {
        let _ = std::fs::remove_dir_all(d);
    }
    Ok(code)
}

/// What a finished run leaves for the audit log.
struct RunSummary<'a> {
    command: &'a str,
    cwd: &'a std::path::Path,
    profile: &'a str,
    profile_source: Option<&'a str>,
    code: u8,
    events: &'a [palisade_sandbox::proxy::ProxyEvent],
    explained: &'a [String],
    elapsed: std::time::Duration,
}

/// The audit records of a run (issue #8): one `allow` record for the run
/// itself (profile, exit code, proxy counts), then one `deny` record per
/// distinct refusal — by the proxy (rule `sandbox.network`) or, with
/// `--explain`, read from the command's error messages (rule
/// `sandbox.refusal`). The command is redacted of secrets.
fn run_records(s: &RunSummary) -> Vec<palisade_audit::Entry> {
    use palisade_sandbox::proxy::Verdict;
    let refused: Vec<_> = s
        .events
        .iter()
        .filter(|e| e.verdict == Verdict::Refused)
        .collect();
    let command = crate::audit::redact_text(s.command);
    let base = palisade_audit::Entry {
        agent: "palisade-run".into(),
        cwd: Some(s.cwd.display().to_string()),
        event: Some("run".into()),
        action: format!("Run: {command}"),
        layer: Some("profile".into()),
        source: s.profile_source.map(str::to_string),
        ..Default::default()
    };
    let mut out = vec![palisade_audit::Entry {
        verdict: "allow".into(),
        rule: Some(format!("sandbox.profile.{}", s.profile)),
        reason: format!(
            "ran in the sandbox with profile `{}`; exit code {}; {} network request(s) \
             allowed, {} refused",
            s.profile,
            s.code,
            s.events.len() - refused.len(),
            refused.len()
        ),
        duration_us: s.elapsed.as_micros().try_into().unwrap_or(u64::MAX),
        ..base.clone()
    }];
    let mut seen = std::collections::HashSet::new();
    for e in refused {
        if seen.insert((e.host.clone(), e.port, e.rule.clone())) {
            out.push(palisade_audit::Entry {
                event: Some("proxy".into()),
                action: format!("{} {}:{} (from: {command})", e.protocol, e.host, e.port),
                verdict: "deny".into(),
                rule: Some("sandbox.network".into()),
                reason: format!(
                    "refused by the proxy ({}); {}",
                    e.rule,
                    proxy_grant(&e.rule, &e.host, e.port)
                ),
                ..base.clone()
            });
        }
    }
    for x in s.explained {
        if seen.insert((x.clone(), 0, String::new())) {
            out.push(palisade_audit::Entry {
                event: Some("refusal".into()),
                verdict: "deny".into(),
                rule: Some("sandbox.refusal".into()),
                reason: x.clone(),
                ..base.clone()
            });
        }
    }
    out
}

/// `--list-profiles` and `--show-profile NAME`.
fn profiles(a: &Args) -> anyhow::Result<u8> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|h| h.is_absolute());
    let lookup = profile::Lookup::new(home.as_deref());
    if let Some(name) = &a.show_profile {
        let p = profile::resolve(name, &lookup).with_context(|| format!("profile `{name}`"))?;
        print!("{}", p.to_toml());
        return Ok(0);
    }
    let mut names: Vec<String> = profile::builtin_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    for dir in [&lookup.managed_dir, &lookup.user_dir]
        .into_iter()
        .flatten()
    {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let f = e.file_name().to_string_lossy().into_owned();
                if let Some(n) = f.strip_suffix(".toml") {
                    if !names.iter().any(|x| x == n) {
                        names.push(n.to_string());
                    }
                }
            }
        }
    }
    for n in names {
        match profile::resolve(&n, &lookup) {
            Ok(p) => println!(
                "{n:<15} {:<6} {}  [{}]",
                p.network.as_str(),
                p.description.trim(),
                p.sources.first().cloned().unwrap_or_default()
            ),
            Err(e) => println!("{n:<15} error  {e}"),
        }
    }
    Ok(0)
}

/// Copies the command's stderr to ours as it comes, and returns the
/// refusals its lines report (at most 200).
fn relay_stderr(from: std::os::fd::OwnedFd) -> Vec<explain::Refusal> {
    use std::io::{Read as _, Write as _};
    let mut src = std::fs::File::from(from);
    let mut out = std::io::stderr();
    let mut buf = vec![0u8; 16 * 1024];
    let mut line: Vec<u8> = Vec::new();
    let mut found = Vec::new();
    let take = |line: &mut Vec<u8>, found: &mut Vec<explain::Refusal>| {
        if found.len() < 200 {
            if let Some(r) = explain::refusal(&String::from_utf8_lossy(line)) {
                found.push(r);
            }
        }
        line.clear();
    };
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let _ = out.write_all(&buf[..n]);
        for &b in &buf[..n] {
            if b == b'\n' {
                take(&mut line, &mut found);
            } else if line.len() < 4096 {
                line.push(b);
            }
        }
    }
    if !line.is_empty() {
        take(&mut line, &mut found);
    }
    found
}

/// How to grant what the proxy refused under `rule` (the wording of
/// [`palisade_sandbox::proxy::ProxyEvent::rule`]).
fn proxy_grant(rule: &str, host: &str, port: u16) -> String {
    if rule.contains("allow_ports") {
        format!("grant with --allow-port {port} or `allow_ports` in a profile")
    } else if rule.starts_with("deny_domains") {
        "a deny rule wins over every allow; remove it from `deny_domains` (palisade.toml \
         [sandbox] or the profile) if it is wrong"
            .to_string()
    } else if rule.contains("literal") || rule.contains("address") {
        "name the host instead, or grant the address with --allow-ip ADDR (refused by \
         default against DNS rebinding and metadata theft)"
            .to_string()
    } else {
        format!(
            "grant with --allow-domain {host} or `allow_domains` in palisade.toml [sandbox] \
             or a profile"
        )
    }
}

/// Prints one line per distinct explanation of `refusals`, and the
/// proxy's refusals.
fn report(context: &explain::Context, refusals: &[explain::Refusal], proxy: &[String]) {
    let mut lines: Vec<String> = Vec::new();
    for p in proxy {
        if !lines.contains(p) {
            lines.push(p.clone());
        }
    }
    for r in refusals {
        if let Some(e) = context.explain(r) {
            if !lines.contains(&e) {
                lines.push(e);
            }
        }
    }
    if lines.is_empty() {
        return;
    }
    eprintln!(
        "palisade run: the sandbox (profile `{}`) refused {}:",
        context.profile,
        if lines.len() == 1 {
            "this".to_string()
        } else {
            format!("{} things", lines.len())
        }
    );
    for l in lines {
        eprintln!("  - {l}");
    }
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

/// The port of the proxy's bridge on the sandbox's own loopback.
const PROXY_PORT: u16 = 3128;

/// A new mode-0700 directory under the system temp dir, for the command's
/// TMPDIR.
fn private_tmp() -> anyhow::Result<PathBuf> {
    private_dir("palisade-run")
}

/// A new mode-0700 directory `PREFIX-PID-STAMP` under the system temp dir.
fn private_dir(prefix: &str) -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = base.join(format!("{prefix}-{}-{stamp}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    std::fs::canonicalize(&dir).with_context(|| format!("resolving {}", dir.display()))
}
