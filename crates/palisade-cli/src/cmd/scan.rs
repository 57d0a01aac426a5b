//! `palisade scan`: find secrets in files, directories or stdin.

use crate::exit;
use anyhow::Context as _;
use palisade_detect::{Confidence, Finding, Scanner};
use serde_json::json;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are skipped (bytes).
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Find secrets (API keys, tokens, private keys, passwords in connection
/// strings) in files, directories or stdin. Directories are walked with
/// their .gitignore rules respected; binary files and files over 8 MiB are
/// skipped. Matches are shown redacted, never whole.
///
/// Examples:
///   palisade scan .                     scan the current project
///   palisade scan --format json src/    JSON lines for scripts
///   git diff | palisade scan -          scan stdin
///
/// Exit status: 0 no findings at or above --fail-on, 1 findings, 2 error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files or directories to scan, or `-` for stdin (default: `.`).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// The lowest confidence that makes the exit status 1.
    #[arg(long, value_enum, default_value = "low")]
    fail_on: Level,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Format {
    /// One line per finding: path:line:column, rule, confidence, redacted match.
    Human,
    /// One JSON object per finding (JSON lines).
    Json,
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

fn level(c: Confidence) -> u8 {
    match c {
        Confidence::Low => 0,
        Confidence::Medium => 1,
        Confidence::High => 2,
    }
}

fn report(path: &str, f: &Finding, format: Format) {
    match format {
        Format::Human => out!(
            "{path}:{}:{}: {} ({:?}) {}",
            f.line,
            f.column,
            f.rule_id,
            f.confidence,
            f.redacted
        ),
        Format::Json => out!(
            "{}",
            json!({"path": path, "line": f.line, "column": f.column, "rule_id": f.rule_id,
                   "confidence": format!("{:?}", f.confidence).to_lowercase(),
                   "redacted": f.redacted, "fingerprint": f.fingerprint})
        ),
    }
}

fn scan_file(scanner: &Scanner, path: &Path) -> Option<(String, Vec<Finding>)> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return None; // binary
    }
    let text = String::from_utf8_lossy(&bytes);
    Some((path.display().to_string(), scanner.scan(&text)))
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let scanner = Scanner::new();
    let threshold = match a.fail_on {
        Level::Low => 0,
        Level::Medium => 1,
        Level::High => 2,
    };
    let mut failing = false;
    let mut emit = |path: &str, findings: Vec<Finding>| {
        for f in findings {
            failing |= level(f.confidence) >= threshold;
            report(path, &f, a.format);
        }
    };
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    for p in &paths {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading stdin")?;
            emit("-", scanner.scan(&text));
            continue;
        }
        if p.is_file() {
            if let Some((path, f)) = scan_file(&scanner, p) {
                emit(&path, f);
            }
            continue;
        }
        anyhow::ensure!(p.is_dir(), "{}: no such file or directory", p.display());
        for entry in ignore::WalkBuilder::new(p).hidden(false).build() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("palisade: {e}");
                    continue;
                }
            };
            if entry.file_type().is_some_and(|t| t.is_file())
                && !entry.path().components().any(|c| c.as_os_str() == ".git")
            {
                if let Some((path, f)) = scan_file(&scanner, entry.path()) {
                    emit(&path, f);
                }
            }
        }
    }
    Ok(if failing { exit::DENY } else { exit::OK })
}
