//! `palisade db`: the advisory data the dependency gate uses.

use anyhow::Context as _;
use std::path::PathBuf;

/// Manage the advisory data of the dependency gate (issue #7).
///
/// Palisade ships a snapshot of the OpenSSF malicious-packages data (npm
/// and PyPI names, reported up to 2025-06-04). `palisade db update` imports
/// a fresh OSV export — a directory of OSV JSON files, or a zip such as
/// the ones OSV publishes per ecosystem — with malicious reports (`MAL-*`)
/// and vulnerability advisories (GHSA, PYSEC, RUSTSEC, GO, …) for npm, PyPI,
/// crates.io, Go and RubyGems, into a versioned store that the hook reads.
///
/// Examples:
///   palisade db update --from ./osv-malicious/          (a git checkout of ossf/malicious-packages)
///   palisade db update --from ~/Downloads/npm-all.zip   (OSV's per-ecosystem export)
///   palisade db status --json
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(clap::Subcommand, Debug)]
enum DbCommand {
    /// Import OSV JSON records from a directory (searched recursively) or a
    /// zip, replacing the store atomically; an import that finds nothing
    /// keeps the old store.
    Update {
        /// The directory or zip to import.
        #[arg(long, value_name = "DIR|ZIP")]
        from: PathBuf,
        /// Where the store lives (default: $XDG_DATA_HOME/palisade/db or
        /// ~/.local/share/palisade/db).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Say what data the gate has: the embedded snapshot, and the imported
    /// store if there is one.
    Status {
        /// Where the store lives (default as for `update`).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn store_dir(dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    dir.or_else(palisade_supply::db::default_dir)
        .context("no data directory: set HOME or XDG_DATA_HOME, or pass --dir")
}

/// Runs `palisade db`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    match a.command {
        DbCommand::Update { from, dir, json } => {
            let dir = store_dir(dir)?;
            let r = palisade_supply::import(&from, &dir)
                .with_context(|| format!("importing {}", from.display()))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "imported {} files into {}: {} malicious and {} vulnerability advisories for {} packages (newest record {}); {} unreadable, {} withdrawn, {} in other ecosystems",
                    r.files,
                    r.path.display(),
                    r.info.malicious,
                    r.info.vulnerable,
                    r.info.packages,
                    if r.info.newest_modified.is_empty() { "undated" } else { &r.info.newest_modified },
                    r.unreadable,
                    r.withdrawn,
                    r.unsupported
                );
                for e in &r.errors {
                    eprintln!("  skipped: {e}");
                }
            }
            Ok(0)
        }
        DbCommand::Status { dir, json } => {
            let dir = store_dir(dir)?;
            let db = palisade_supply::open(&dir)
                .with_context(|| format!("opening the store in {}", dir.display()))?;
            let info = db.store_info();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "snapshot": "OpenSSF malicious-packages, npm and PyPI, to 2025-06-04",
                        "store": dir,
                        "store_info": info,
                    }))?
                );
            } else {
                println!("embedded: OpenSSF malicious-packages snapshot (npm, PyPI; records to 2025-06-04)");
                match info {
                    Some(i) => println!(
                        "store {}: {} malicious, {} vulnerability advisories, {} packages; newest record {}; imported at {} (Unix time)",
                        dir.display(),
                        i.malicious,
                        i.vulnerable,
                        i.packages,
                        i.newest_modified,
                        i.imported_at
                    ),
                    None => println!(
                        "no imported store in {} (run `palisade db update --from DIR|ZIP`)",
                        dir.display()
                    ),
                }
            }
            Ok(0)
        }
    }
}
