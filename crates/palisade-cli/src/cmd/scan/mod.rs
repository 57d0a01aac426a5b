//! `palisade scan`: find secrets in files, directories, stdin, staged
//! changes or a repository's history.

mod report;
mod source;

use crate::exit;
use anyhow::Context as _;
use palisade_detect::{Confidence, Finding, Scanner};
use report::{Baseline, Located};
use source::Item;
use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Find secrets (API keys, tokens, private keys, passwords in connection
/// strings; over 300 rules) in files, directories, stdin, staged changes or
/// a repository's whole history. Matches are shown redacted, never whole,
/// with how to revoke or rotate each kind of credential.
///
/// Directories are walked in parallel with .gitignore honoured; binary files
/// (a NUL byte in the first 8 KiB) and files over 8 MiB are skipped, and
/// identical files are scanned once.
///
/// Examples:
///   palisade scan                         scan the current directory
///   palisade scan --format sarif -o palisade.sarif .   SARIF 2.1.0 for code scanning
///   palisade scan --staged                the lines the next commit adds (pre-commit)
///   palisade scan --git-history           every blob in every branch and tag
///   git diff | palisade scan -            scan stdin
///   palisade scan --write-baseline .palisade-baseline.json   accept what is there now
///   palisade scan --baseline .palisade-baseline.json         report only new findings
///
/// A finding is also dropped when its line contains `palisade:allow`
/// (e.g. `key = "…"  # palisade:allow test fixture`); gitleaks' and
/// detect-secrets' markers (`gitleaks:allow`, `pragma: allowlist secret`)
/// are honoured too.
///
/// Exit status: 0 no findings at or above --fail-on, 1 findings, 2 error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files or directories to scan, or `-` for stdin (default: `.`). With
    /// --staged or --git-history: the repository (default: `.`).
    paths: Vec<PathBuf>,
    /// Scan only the lines that the staged changes add (`git diff --cached`).
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
    /// The lowest confidence that makes the exit status 1.
    #[arg(long, value_enum, default_value = "low")]
    fail_on: Level,
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
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// One line per finding: path:line:column: rule (confidence) redacted
    /// match; then how to rotate each kind found.
    Human,
    /// One JSON object per finding (JSON lines).
    Json,
    /// One SARIF 2.1.0 log (for GitHub code scanning and other SARIF viewers).
    Sarif,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Level {
    /// Every finding.
    Low,
    /// Medium and high confidence.
    Medium,
    /// High confidence only.
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
    found: Mutex<Vec<Located>>,
    /// Findings by content hash, so that identical files are scanned once.
    seen: Mutex<HashMap<u128, Arc<Vec<Finding>>>>,
    items: AtomicUsize,
    bytes: AtomicU64,
    progress: Option<indicatif::ProgressBar>,
}

impl Run<'_> {
    fn scan(&self, item: Item, dedup: bool) {
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
        found: Mutex::new(Vec::new()),
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
    let repo = || -> anyhow::Result<PathBuf> {
        anyhow::ensure!(
            paths.len() == 1,
            "--staged and --git-history take one repository path"
        );
        Ok(paths[0].clone())
    };
    if a.staged {
        for item in source::staged(&repo()?)? {
            run.scan(item, false);
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
        if !stdin.is_empty() {
            run.scan(source::stdin()?, false);
        }
        let files: Vec<PathBuf> = files.into_iter().cloned().collect();
        if !files.is_empty() {
            skipped = source::walk(&files, threads, |item| run.scan(item, true))?;
        }
    }
    if let Some(p) = &run.progress {
        p.finish_and_clear();
    }
    let mut found = run
        .found
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a scan thread panicked"))?;
    let total = found.len();
    found.retain(|l| !accepted.contains(&l.finding.fingerprint));
    let hidden = total - found.len();
    found.sort_by(|x, y| {
        (&x.path, x.finding.line, x.finding.column).cmp(&(
            &y.path,
            y.finding.line,
            y.finding.column,
        ))
    });

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
        let files: std::collections::BTreeSet<&str> =
            found.iter().map(|l| l.path.as_str()).collect();
        let mut summary = format!(
            "palisade: {} finding(s) in {} file(s); scanned {} item(s), {:.1} MB in {:.2} s",
            found.len(),
            files.len(),
            run.items.load(Ordering::Relaxed),
            run.bytes.load(Ordering::Relaxed) as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        if skipped.binary + skipped.large + skipped.unreadable > 0 {
            summary.push_str(&format!(
                "; skipped {} binary, {} over 8 MiB, {} unreadable",
                skipped.binary, skipped.large, skipped.unreadable
            ));
        }
        if hidden > 0 {
            summary.push_str(&format!("; {hidden} hidden by the baseline"));
        }
        eprintln!("{summary}");
    }
    let failing = found.iter().any(|l| a.fail_on.admits(l.finding.confidence));
    Ok(if failing { exit::DENY } else { exit::OK })
}

fn write_findings(
    w: &mut dyn Write,
    scanner: &Scanner,
    found: &[Located],
    format: Format,
) -> std::io::Result<()> {
    match format {
        Format::Human => {
            for l in found {
                writeln!(w, "{}", report::human_line(l))?;
            }
            let mut providers: BTreeMap<&str, &str> = BTreeMap::new();
            for l in found {
                if let Some(p) = scanner.provider_of(&l.finding.rule_id) {
                    providers.insert(p.name.as_str(), p.rotate.as_str());
                }
            }
            if !providers.is_empty() {
                writeln!(w, "\nHow to revoke or rotate what was found:")?;
                for (name, rotate) in providers {
                    writeln!(w, "  {name}: {rotate}")?;
                }
            }
        }
        Format::Json => {
            for l in found {
                writeln!(w, "{}", report::json_value(scanner, l))?;
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
