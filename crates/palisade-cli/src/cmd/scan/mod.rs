//! `palisade scan`: find secrets in files, directories, stdin, staged
//! changes or a repository's history, and risky dependencies in the
//! manifests and lockfiles among them.

mod config;
mod deps;
mod report;
mod source;

use crate::env::PolicyFlags;
use crate::exit;
use anyhow::Context as _;
use palisade_detect::{Confidence, Finding, Scanner};
use palisade_supply::manifest::{self, ManifestKind};
use report::{Baseline, Found, Located};
use source::Item;
use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Find secrets (API keys, tokens, private keys, passwords in connection
/// strings; over 300 rules) in files, directories, stdin, staged changes or
/// a repository's whole history, and risky dependencies in manifests and
/// lockfiles. Secrets are shown redacted, never whole, with how to revoke
/// or rotate each kind of credential.
///
/// Directories are walked in parallel with .gitignore honoured; binary files
/// (a NUL byte in the first 8 KiB) and files over 8 MiB (64 MiB for
/// manifests and lockfiles) are skipped, and identical files are scanned
/// once.
///
/// Dependencies: package.json, package-lock.json, npm-shrinkwrap.json,
/// pnpm-lock.yaml, yarn.lock, requirements*.txt, pyproject.toml, uv.lock,
/// poetry.lock, Cargo.toml, Cargo.lock and go.mod are parsed (not inside
/// node_modules) and every dependency is checked offline against the
/// advisory data (the embedded OpenSSF snapshot plus what `palisade db
/// update` imported) and for typosquats and sources outside the registry:
///   supply.malicious     reported malicious (MAL-*)        high (SARIF error)
///   supply.vulnerable    a known vulnerability, with the fixed version:
///                        high for critical/high, else medium, low for low;
///                        one step lower when only a range may be affected
///   supply.source        git, URL, untrusted index, --extra-index-url  medium
///   supply.typosquat     close to a popular name           low (SARIF note)
///   supply.manifest-invalid  the file does not parse      medium
/// --registry also asks the registries (supply.not-found, supply.too-new,
/// supply.install-scripts). With --staged, only what the staged change adds
/// or changes in a manifest or lockfile is reported (a lockfile entry whose
/// version stays but whose artefact or hash changes is
/// supply.lockfile-integrity). --git-history and stdin scan secrets only.
/// Indexes in `trusted_indexes` under [supply] of the user's or a
/// `--settings` palisade.toml are not reported.
///
/// Examples:
///   palisade scan                         scan the current directory
///   palisade scan --format sarif -o palisade.sarif .   SARIF 2.1.0 for code scanning
///   palisade scan --staged                what the next commit adds (pre-commit)
///   palisade scan --checks deps           dependencies only
///   palisade scan --git-history           every blob in every branch and tag
///   git diff | palisade scan -            scan stdin
///   palisade scan --write-baseline .palisade-baseline.json   accept what is there now
///   palisade scan --baseline .palisade-baseline.json         report only new findings
///
/// A secret is also dropped when its line contains `palisade:allow`
/// (e.g. `key = "…"  # palisade:allow test fixture`); gitleaks' and
/// detect-secrets' markers (`gitleaks:allow`, `pragma: allowlist secret`)
/// are honoured too.
///
/// Agent configuration (--checks config): Claude Code's
/// .claude/settings.json, settings.local.json and managed-settings.json,
/// .mcp.json, Codex's .codex/config.toml and Gemini CLI's
/// .gemini/settings.json are audited (docs/config-audit.md lists the rules):
///   config.bypass-permissions, config.sandbox-off          approval or sandbox off
///   config.broad-allow, config.allow-not-coverable         over-broad allow rules
///   config.hook-downloads-code  hooks, helpers, servers that run downloaded code
///   config.unpinned-mcp, config.mcp-host-access, config.mcp-trusted
///   config.project-env-override, config.api-key-helper    repository redirects
///   config.disable-hooks, config.mcp-auto-enabled, config.env-secrets-exposed
///   config.project-hooks, config.project-mcp  info: never fails the scan
/// Files under the home directory's .claude/.codex/.gemini are read as the
/// user layer; elsewhere as a project's.
///
/// Exit status: 0 no findings at or above --fail-on, 1 findings, 2 error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files or directories to scan, or `-` for stdin (default: `.`). With
    /// --staged or --git-history: the repository (default: `.`).
    paths: Vec<PathBuf>,
    /// Scan only what the staged changes add (`git diff --cached`): the
    /// added lines for secrets, the added or changed dependencies of staged
    /// manifests and lockfiles (compared with `HEAD`).
    #[arg(long, conflicts_with = "git_history")]
    staged: bool,
    /// Scan every blob reachable from any ref (all branches, tags, history).
    #[arg(long)]
    git_history: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the findings to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// The lowest level that makes the exit status 1: a secret rule's
    /// confidence, a dependency finding's severity (see above).
    #[arg(long, value_enum, default_value = "low")]
    fail_on: Level,
    /// What to look for (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "secrets,deps,config"
    )]
    checks: Vec<Check>,
    /// Also ask the package registries about dependencies (existence, age,
    /// install scripts), with the registries, `min_age` and `offline` of
    /// [supply] in palisade.toml; at most --registry-limit packages are
    /// looked up, the rest get the offline checks.
    #[arg(long)]
    registry: bool,
    /// The most packages --registry looks up.
    #[arg(long, value_name = "N", default_value_t = 200)]
    registry_limit: usize,
    /// Hide findings listed in this baseline file (matched by fingerprint).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the findings to this baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Worker threads (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar and no summary on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Extra palisade.toml (or Claude Code settings) for the command-line
    /// layer: [supply] `trusted_indexes`, registries. Repeatable.
    #[arg(long = "settings", value_name = "FILE")]
    settings: Vec<PathBuf>,
    /// Directory that holds the managed layer's settings, instead of
    /// /etc/claude-code and /etc/palisade (for tests).
    #[arg(long, value_name = "DIR", hide = true)]
    managed_dir: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Secrets in every file.
    Secrets,
    /// Dependencies in manifests and lockfiles.
    Deps,
    /// Agent configuration: Claude Code settings, .mcp.json, Codex and
    /// Gemini CLI settings.
    Config,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// One line per finding: path:line:column: rule (confidence) redacted
    /// match, or path:line: rule (level) what and why for a dependency;
    /// then how to rotate each kind of secret found.
    Human,
    /// One JSON object per finding (JSON lines); `kind` is `secret`,
    /// `dependency` or `config`.
    Json,
    /// One SARIF 2.1.0 log (for GitHub code scanning and other SARIF viewers).
    Sarif,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Level {
    /// Every finding.
    Low,
    /// Medium and high.
    Medium,
    /// High only.
    High,
}

impl Level {
    fn admits(self, c: Confidence) -> bool {
        let min = match self {
            Level::Low => Confidence::Low,
            Level::Medium => Confidence::Medium,
            Level::High => Confidence::High,
        };
        c >= min
    }
}

/// Inline markers that drop a finding on their line: ours, and those of
/// gitleaks and detect-secrets, so that projects moving over keep their
/// reviewed exceptions.
const ALLOW_MARKERS: &[&str] = &[
    "palisade:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// Is the finding's line marked with one of [`ALLOW_MARKERS`]?
fn allowed_inline(text: &str, f: &Finding) -> bool {
    let start = text[..f.span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[f.span.end..]
        .find('\n')
        .map_or(text.len(), |i| f.span.end + i);
    let line = &text[start..end];
    ALLOW_MARKERS.iter().any(|m| line.contains(m))
}

/// Shared state of one scan run, used from the worker threads.
struct Run<'a> {
    scanner: &'a Scanner,
    /// Scan for secrets.
    secrets: bool,
    /// Collect manifests and lockfiles.
    deps: bool,
    found: Mutex<Vec<Located>>,
    /// Manifests and lockfiles met by the walk: path, kind, text.
    manifests: Mutex<Vec<(String, ManifestKind, String)>>,
    /// Collect agent configuration files.
    config: bool,
    /// Agent configuration files met by the walk: path, kind, text.
    configs: Mutex<Vec<(String, config::ConfigKind, String)>>,
    /// Findings by content hash, so that identical files are scanned once.
    seen: Mutex<HashMap<u128, Arc<Vec<Finding>>>>,
    items: AtomicUsize,
    bytes: AtomicU64,
    progress: Option<indicatif::ProgressBar>,
}

impl Run<'_> {
    fn scan(&self, item: Item, dedup: bool) {
        if self.deps && item.blob.is_none() && item.line_offset == 0 && item.path != "-" {
            let path = std::path::Path::new(&item.path);
            if let Some(kind) = manifest::kind_of(path).filter(|_| !deps::skipped(path)) {
                if let Ok(mut m) = self.manifests.lock() {
                    m.push((item.path.clone(), kind, item.text.clone()));
                }
            }
        }
        if self.config && item.blob.is_none() && item.line_offset == 0 && item.path != "-" {
            if let Some(kind) = config::kind_of(std::path::Path::new(&item.path)) {
                if let Ok(mut c) = self.configs.lock() {
                    c.push((item.path.clone(), kind, item.text.clone()));
                }
            }
        }
        if !self.secrets {
            self.items.fetch_add(1, Ordering::Relaxed);
            self.bytes
                .fetch_add(item.text.len() as u64, Ordering::Relaxed);
            if let Some(p) = &self.progress {
                p.inc(1);
            }
            return;
        }
        let findings = if dedup {
            let key = xxhash_rust::xxh3::xxh3_128(item.text.as_bytes());
            let cached = self.seen.lock().ok().and_then(|m| m.get(&key).cloned());
            match cached {
                Some(f) => f,
                None => {
                    let f = Arc::new(self.scan_text(&item.text));
                    if let Ok(mut m) = self.seen.lock() {
                        m.insert(key, Arc::clone(&f));
                    }
                    f
                }
            }
        } else {
            Arc::new(self.scan_text(&item.text))
        };
        self.items.fetch_add(1, Ordering::Relaxed);
        self.bytes
            .fetch_add(item.text.len() as u64, Ordering::Relaxed);
        if let Some(p) = &self.progress {
            p.inc(1);
        }
        if findings.is_empty() {
            return;
        }
        let located = findings.iter().map(|f| {
            let mut f = f.clone();
            f.line += item.line_offset;
            Located {
                path: item.path.clone(),
                finding: f,
                blob: item.blob.clone(),
                commit: None,
            }
        });
        if let Ok(mut all) = self.found.lock() {
            all.extend(located);
        }
    }

    fn scan_text(&self, text: &str) -> Vec<Finding> {
        let mut f = self.scanner.scan(text);
        f.retain(|f| !allowed_inline(text, f));
        f
    }
}

/// Runs `palisade scan`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    let started = Instant::now();
    let want_secrets = a.checks.contains(&Check::Secrets);
    let want_deps = a.checks.contains(&Check::Deps);
    let want_config = a.checks.contains(&Check::Config) && !a.git_history;
    let home = crate::env::home();
    let scanner = Scanner::new_bulk();
    let threads = a
        .threads
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1);
    let accepted = match &a.baseline {
        Some(p) => Baseline::load(p)?,
        None => Default::default(),
    };
    // Dependencies are checked with the policy's [supply] settings (trusted
    // indexes, registries); a policy that does not load is an error, as it
    // would be for the hook.
    let mut checker = if want_deps && !a.git_history {
        Some(dependency_checker(&a)?)
    } else {
        None
    };
    // Open the output first: a bad path fails before a long scan, not after.
    let output_file = match &a.output {
        Some(p) if a.write_baseline.is_none() => {
            Some(std::fs::File::create(p).with_context(|| format!("writing {}", p.display()))?)
        }
        _ => None,
    };
    let show_progress = !a.quiet && std::io::stderr().is_terminal();
    let progress = show_progress.then(|| {
        let p = indicatif::ProgressBar::new_spinner();
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} scanning: {pos} files {elapsed}")
        {
            p.set_style(style);
        }
        p.enable_steady_tick(std::time::Duration::from_millis(120));
        p
    });
    let run = Run {
        scanner: &scanner,
        secrets: want_secrets,
        deps: checker.is_some(),
        found: Mutex::new(Vec::new()),
        manifests: Mutex::new(Vec::new()),
        config: want_config,
        configs: Mutex::new(Vec::new()),
        seen: Mutex::new(HashMap::new()),
        items: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
        progress,
    };
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let mut skipped = source::Skipped::default();
    let mut dep_found: Vec<deps::DepFinding> = Vec::new();
    let mut config_found: Vec<config::ConfigItem> = Vec::new();
    let repo = || -> anyhow::Result<PathBuf> {
        anyhow::ensure!(
            paths.len() == 1,
            "--staged and --git-history take one repository path"
        );
        Ok(paths[0].clone())
    };
    if a.staged {
        let dir = repo()?;
        if want_secrets {
            for item in source::staged(&dir)? {
                run.scan(item, false);
            }
        }
        if let Some(c) = checker.as_mut() {
            let wanted = |p: &std::path::Path| manifest::kind_of(p).is_some() && !deps::skipped(p);
            for f in source::staged_files(&dir, wanted)? {
                if let Some(kind) = manifest::kind_of(std::path::Path::new(&f.path)) {
                    dep_found.extend(c.change(&f.path, kind, f.old.as_deref(), &f.new));
                }
            }
        }
        if want_config {
            let wanted = |p: &std::path::Path| config::kind_of(p).is_some();
            for f in source::staged_files(&dir, wanted)? {
                if let Some(kind) = config::kind_of(std::path::Path::new(&f.path)) {
                    config_found.extend(config::audit_file(&f.path, kind, &f.new, &home));
                }
            }
        }
    } else if a.git_history {
        let dir = repo()?;
        skipped = source::history(&dir, threads, |item| run.scan(item, false))?;
        if let Ok(mut found) = run.found.lock() {
            let mut commits: HashMap<String, Option<String>> = HashMap::new();
            for l in found.iter_mut() {
                if let Some(blob) = &l.blob {
                    l.commit = commits
                        .entry(blob.clone())
                        .or_insert_with(|| source::commit_of_blob(&dir, blob))
                        .clone();
                }
            }
        }
    } else {
        let (stdin, files): (Vec<_>, Vec<_>) = paths.iter().partition(|p| p.as_os_str() == "-");
        if !stdin.is_empty() && want_secrets {
            run.scan(source::stdin()?, false);
        }
        let files: Vec<PathBuf> = files.into_iter().cloned().collect();
        if !files.is_empty() {
            // Without the secret scan, only manifests and lockfiles are read.
            let wanted = |p: &std::path::Path| {
                want_secrets
                    || manifest::kind_of(p).is_some()
                    || (want_config && config::kind_of(p).is_some())
            };
            skipped = source::walk(&files, threads, wanted, |item| run.scan(item, true))?;
        }
        if let Some(c) = checker.as_mut() {
            let mut manifests = run
                .manifests
                .lock()
                .map(|mut m| std::mem::take(&mut *m))
                .unwrap_or_default();
            manifests.sort_by(|x, y| x.0.cmp(&y.0));
            for (path, kind, text) in &manifests {
                dep_found.extend(c.file(path, *kind, text));
            }
        }
        let mut configs = run
            .configs
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        configs.sort_by(|x, y| x.0.cmp(&y.0));
        for (path, kind, text) in &configs {
            config_found.extend(config::audit_file(path, *kind, text, &home));
        }
    }
    if let Some(p) = &run.progress {
        p.finish_and_clear();
    }
    let secrets = run
        .found
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a scan thread panicked"))?;
    let mut found: Vec<Found> = secrets.into_iter().map(Found::Secret).collect();
    found.extend(dep_found.into_iter().map(Found::Dependency));
    found.extend(config_found.into_iter().map(Found::Config));
    let total = found.len();
    found.retain(|f| !accepted.contains(f.fingerprint()));
    let hidden = total - found.len();
    found.sort_by(|x, y| (x.path(), x.position()).cmp(&(y.path(), y.position())));

    if let Some(path) = &a.write_baseline {
        Baseline::write(path, &found)?;
        if !a.quiet {
            eprintln!(
                "palisade: wrote {} finding(s) to baseline {}",
                found.len(),
                path.display()
            );
        }
        return Ok(exit::OK);
    }

    let mut sink: Box<dyn Write> = match output_file {
        Some(f) => Box::new(std::io::BufWriter::new(f)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let written = write_findings(&mut *sink, &scanner, &found, a.format);
    match written.and_then(|()| sink.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && a.output.is_none() => {}
        Err(e) => return Err(e).context("writing findings"),
    }

    if !a.quiet && (a.format == Format::Human || show_progress) {
        let files: std::collections::BTreeSet<&str> = found.iter().map(Found::path).collect();
        let dependency = found
            .iter()
            .filter(|f| matches!(f, Found::Dependency(_)))
            .count();
        let configuration = found
            .iter()
            .filter(|f| matches!(f, Found::Config(_)))
            .count();
        let mut summary = format!(
            "palisade: {} finding(s) ({} secret, {dependency} dependency, {configuration} config) in {} file(s); scanned {} item(s), {:.1} MB in {:.2} s",
            found.len(),
            found.len() - dependency - configuration,
            files.len(),
            run.items.load(Ordering::Relaxed),
            run.bytes.load(Ordering::Relaxed) as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        if let Some(c) = &checker {
            summary.push_str(&format!(
                "; checked {} dependenc{} in {} manifest(s)",
                c.dependencies,
                if c.dependencies == 1 { "y" } else { "ies" },
                c.files
            ));
            if c.over_budget > 0 {
                summary.push_str(&format!(
                    " ({} past --registry-limit checked offline)",
                    c.over_budget
                ));
            }
        }
        if skipped.binary + skipped.large + skipped.unreadable > 0 {
            summary.push_str(&format!(
                "; skipped {} binary, {} too large, {} unreadable",
                skipped.binary, skipped.large, skipped.unreadable
            ));
        }
        if hidden > 0 {
            summary.push_str(&format!("; {hidden} hidden by the baseline"));
        }
        eprintln!("{summary}");
    }
    let failing = found
        .iter()
        .any(|f| !f.informational() && a.fail_on.admits(f.level()));
    crate::audit::append_all(
        audit_records(&paths, &found, |f| {
            !f.informational() && a.fail_on.admits(f.level())
        }),
        "the scan's findings were",
        &PolicyFlags {
            settings: a.settings.clone(),
            managed_dir: a.managed_dir.clone(),
            no_guard_packs: true,
        },
    );
    Ok(if failing { exit::DENY } else { exit::OK })
}

/// The most findings of one scan the audit log gets a record each for;
/// the summary record counts them all.
const AUDIT_FINDINGS: usize = 200;

/// The audit records of a scan (issue #8): a summary (`block` when a
/// finding fails the scan, else `pass`), then one record per finding,
/// `block` or `warn` as `blocks` says, up to [`AUDIT_FINDINGS`]. Secret
/// values never reach the log: a secret's record names its rule and place.
fn audit_records(
    paths: &[PathBuf],
    found: &[Found],
    blocks: impl Fn(&Found) -> bool,
) -> Vec<palisade_audit::Entry> {
    let cwd = std::env::current_dir()
        .ok()
        .map(|d| d.display().to_string());
    let targets: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let blocking = found.iter().filter(|f| blocks(f)).count();
    let base = palisade_audit::Entry {
        agent: "palisade-scan".into(),
        cwd,
        event: Some("scan".into()),
        layer: Some("built-in".into()),
        ..Default::default()
    };
    let mut out = vec![palisade_audit::Entry {
        action: format!("Scan: {}", targets.join(" ")),
        verdict: if blocking > 0 { "block" } else { "pass" }.into(),
        reason: format!(
            "{} finding(s), {blocking} failing the scan{}",
            found.len(),
            if found.len() > AUDIT_FINDINGS {
                format!("; the first {AUDIT_FINDINGS} are recorded one by one")
            } else {
                String::new()
            }
        ),
        ..base.clone()
    }];
    for f in found.iter().take(AUDIT_FINDINGS) {
        let (line, _) = f.position();
        let at = if line > 0 {
            format!("{}:{line}", f.path())
        } else {
            f.path().to_string()
        };
        let reason = match f {
            Found::Secret(l) => format!(
                "a secret ({}, {} confidence); the value is not recorded",
                l.finding.rule_id,
                report::confidence_name(l.finding.confidence)
            ),
            Found::Dependency(d) => d.message.clone(),
            Found::Config(c) => format!("{}; fix: {}", c.finding.message, c.finding.fix),
        };
        out.push(palisade_audit::Entry {
            action: format!("Scan: {at}"),
            verdict: if blocks(f) { "block" } else { "warn" }.into(),
            rule: Some(f.rule_id().to_string()),
            reason: crate::audit::redact_text(&reason),
            ..base.clone()
        });
    }
    out
}

/// The dependency checker: the advisory store in the default directory
/// (a store that exists but cannot be read is reported, and the embedded
/// snapshot used), and the gate's settings from the policy's `[supply]`
/// section, with the registries only for `--registry`.
///
/// # Errors
/// When the policy does not load.
fn dependency_checker(a: &Args) -> anyhow::Result<deps::Checker> {
    let flags = PolicyFlags {
        settings: a.settings.clone(),
        managed_dir: a.managed_dir.clone(),
        no_guard_packs: true,
    };
    let (_, opts) = crate::env::setup(None, &flags, "scan", None, None);
    let policy = palisade_policy::Policy::load(&opts).context("loading the policy")?;
    let cfg = crate::cmd::hook::gate_config(&policy, a.registry);
    let db = match palisade_supply::db::default_dir() {
        Some(dir) => palisade_supply::open(&dir).unwrap_or_else(|e| {
            eprintln!(
                "palisade: the advisory store in {} cannot be read ({e}); using the embedded data only",
                dir.display()
            );
            palisade_supply::Db::embedded()
        }),
        None => palisade_supply::Db::embedded(),
    };
    Ok(deps::Checker::new(db, cfg, a.registry_limit))
}

fn write_findings(
    w: &mut dyn Write,
    scanner: &Scanner,
    found: &[Found],
    format: Format,
) -> std::io::Result<()> {
    match format {
        Format::Human => {
            for f in found {
                writeln!(w, "{}", report::human_line(f))?;
            }
            let mut providers: BTreeMap<&str, &str> = BTreeMap::new();
            let mut rules: BTreeMap<&str, &str> = BTreeMap::new();
            for f in found {
                match f {
                    Found::Secret(l) => {
                        if let Some(p) = scanner.provider_of(&l.finding.rule_id) {
                            providers.insert(p.name.as_str(), p.rotate.as_str());
                        }
                    }
                    Found::Dependency(d) => {
                        if let Some(r) = deps::rule_info(d.rule) {
                            rules.insert(r.id, r.full);
                        }
                    }
                    Found::Config(c) => {
                        if let Some(r) = palisade_policy::audit::rule(c.finding.rule) {
                            rules.insert(r.id, r.full);
                        }
                    }
                }
            }
            if !providers.is_empty() {
                writeln!(w, "\nHow to revoke or rotate what was found:")?;
                for (name, rotate) in providers {
                    writeln!(w, "  {name}: {rotate}")?;
                }
            }
            if !rules.is_empty() {
                writeln!(w, "\nWhat the findings mean:")?;
                for (id, full) in rules {
                    writeln!(w, "  {id}: {full}")?;
                }
            }
        }
        Format::Json => {
            for f in found {
                writeln!(w, "{}", report::json_value(scanner, f))?;
            }
        }
        Format::Sarif => {
            let log = report::sarif(scanner, found);
            serde_json::to_writer_pretty(&mut *w, &log)?;
            writeln!(w)?;
        }
    }
    Ok(())
}
