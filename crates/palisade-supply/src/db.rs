//! The advisory store: known-malicious and known-vulnerable packages.
//!
//! Two sources are consulted by [`Db::lookup`]:
//!
//! - the **embedded snapshot** of OpenSSF malicious-package names for npm
//!   and PyPI ([`crate::snapshot`]), always present;
//! - the **imported store**, written by [`import`] from OSV JSON
//!   (`palisade db update --from DIR|ZIP`): malicious (`MAL-*`) and
//!   vulnerability (GHSA, PYSEC, RUSTSEC, GO, CVE…) advisories for npm,
//!   PyPI, crates.io, Go and RubyGems, with full version ranges.
//!
//! The imported store wins for an ecosystem when it holds malicious
//! reports for that ecosystem and its newest record is no older than the
//! snapshot ([`crate::snapshot::SNAPSHOT_DATE`]): then the snapshot is not
//! consulted for that ecosystem (so withdrawn reports disappear). Otherwise
//! both are consulted.
//!
//! # Store format (version [`FORMAT_VERSION`])
//! One file, `advisories.db`, in the data directory
//! (`$XDG_DATA_HOME/palisade/db`, default `~/.local/share/palisade/db`):
//!
//! | bytes | content |
//! | --- | --- |
//! | 0..8 | magic `PALSUPDB` |
//! | 8..12 | format version, `u32` little-endian |
//! | 12..16 | length of the metadata, `u32` LE |
//! | 16.. | metadata, JSON ([`StoreInfo`] plus the entry table's place) |
//! | … | entry table: per package, 16 bytes sorted by (ecosystem, name): `ecosystem: u8`, `0: u8`, `name_len: u16`, `name_offset: u32`, `record_offset: u32`, `record_len: u32` |
//! | … | names and records; a record is the JSON array of the package's [`Advisory`]s |
//!
//! [`open`] reads only the header and metadata (a few hundred bytes), so it
//! takes microseconds whatever the size; a lookup binary-searches the entry
//! table with positioned reads (about 2 × log2(packages) small reads, all
//! from the page cache once warm) and parses one package's JSON. No
//! memory map is needed (this crate has no `unsafe`), and nothing is
//! loaded that a lookup does not touch. A reader refuses a newer format
//! with [`DbError::UnsupportedFormat`]; an import writes a temporary file
//! and renames it over the old one, so readers see the old or the new store
//! and never half of one.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::osv::{self, Advisory, Parsed, Severity};
use crate::snapshot::{self, SnapshotScope, SNAPSHOT_DATE};
use crate::version::{self, Certainty};
use crate::{typo, Ecosystem, Install};

/// The store format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// File name of the store inside the data directory.
pub const STORE_FILE: &str = "advisories.db";
const MAGIC: &[u8; 8] = b"PALSUPDB";
/// Largest OSV document read (bytes); larger files are skipped as
/// unreadable (real records are a few KiB).
const MAX_RECORD: u64 = 16 << 20;
const ENTRY: u64 = 16;

/// Errors of the advisory store.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a Palisade advisory store.
    #[error("{path}: not a palisade advisory store")]
    NotAStore {
        /// The file.
        path: PathBuf,
    },
    /// The store was written by a newer (or unknown) Palisade.
    #[error("{path}: advisory store format {found} is not supported by this palisade (it reads format {supported}); upgrade palisade or run `palisade db update` again")]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
        /// The format version in the file.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// The store is damaged.
    #[error("{path}: damaged advisory store: {what}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// The zip archive cannot be read.
    #[error("{path}: {source}")]
    Zip {
        /// The archive.
        path: PathBuf,
        /// The zip error.
        #[source]
        source: zip::result::ZipError,
    },
    /// The source held no advisory for a supported ecosystem; the old
    /// store is kept.
    #[error("{path}: no OSV advisory for npm, PyPI, crates.io, Go or RubyGems found ({files} files read); the store was not changed")]
    NothingImported {
        /// The source directory or archive.
        path: PathBuf,
        /// JSON files read.
        files: usize,
    },
    /// The store would exceed 4 GiB.
    #[error("{path}: the advisory store would exceed 4 GiB")]
    TooLarge {
        /// The store file.
        path: PathBuf,
    },
}

/// What the store holds (its metadata).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    /// Format version ([`FORMAT_VERSION`] when written by this build).
    pub format: u32,
    /// When the import ran, seconds since the Unix epoch (UTC).
    pub imported_at: u64,
    /// The newest `modified` date among the imported records
    /// (`YYYY-MM-DD`), empty if none carried one.
    pub newest_modified: String,
    /// Ecosystems with at least one malicious (`MAL-*`) report.
    pub malicious_ecosystems: Vec<Ecosystem>,
    /// Malicious advisories kept (one per record and package).
    pub malicious: usize,
    /// Vulnerability advisories kept (one per record and package).
    pub vulnerable: usize,
    /// Distinct packages.
    pub packages: usize,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    #[serde(flatten)]
    info: StoreInfo,
    entries_at: u64,
}

/// What [`import`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The store file written.
    pub path: PathBuf,
    /// JSON files read.
    pub files: usize,
    /// Files that were not valid OSV JSON (skipped).
    pub unreadable: usize,
    /// The first few of those, as `file: error`.
    pub errors: Vec<String>,
    /// Withdrawn records skipped.
    pub withdrawn: usize,
    /// Records with no supported ecosystem.
    pub unsupported: usize,
    /// The store's metadata.
    pub info: StoreInfo,
}

/// One thing known about an install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Reported as malicious (OpenSSF `MAL-*`): deny when `Affected`.
    Malicious {
        /// The report ids.
        ids: Vec<String>,
        /// Whether the requested version is certainly affected.
        certainty: Certainty,
        /// Where the report came from.
        origin: Origin,
    },
    /// A known vulnerability: ask.
    Vulnerable {
        /// The advisory id first, then its aliases.
        ids: Vec<String>,
        /// The severity, if the advisory gives one.
        severity: Option<Severity>,
        /// The version that fixes it (for the matching interval), if any.
        first_fixed: Option<String>,
        /// Whether the requested version is certainly affected.
        certainty: Certainty,
    },
}

/// Which data a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The snapshot built into the binary.
    Snapshot,
    /// The imported store.
    Store,
}

/// The advisory database: the embedded snapshot plus, if present, the
/// imported store.
#[derive(Debug)]
pub struct Db {
    store: Option<Store>,
}

#[derive(Debug)]
struct Store {
    file: File,
    path: PathBuf,
    info: StoreInfo,
    entries_at: u64,
}

/// The default data directory: `$XDG_DATA_HOME/palisade/db`, else
/// `$HOME/.local/share/palisade/db`; `None` if neither is set.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })?;
    Some(base.join("palisade").join("db"))
}

/// Opens the database in `dir`: the embedded snapshot, plus the store in
/// `dir/advisories.db` if there is one (a missing store is not an error:
/// see [`Db::store_info`]).
///
/// # Errors
/// [`DbError::Io`] if the store exists but cannot be read,
/// [`DbError::NotAStore`], [`DbError::UnsupportedFormat`] (written by a newer
/// Palisade) or [`DbError::Corrupt`].
pub fn open(dir: &Path) -> Result<Db, DbError> {
    let path = dir.join(STORE_FILE);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Db::embedded()),
        Err(source) => return Err(DbError::Io { path, source }),
    };
    let mut head = [0u8; 16];
    file.read_exact(&mut head)
        .map_err(|_| DbError::NotAStore { path: path.clone() })?;
    if &head[..8] != MAGIC {
        return Err(DbError::NotAStore { path });
    }
    let format = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if format != FORMAT_VERSION {
        return Err(DbError::UnsupportedFormat {
            path,
            found: format,
            supported: FORMAT_VERSION,
        });
    }
    let meta_len = u32::from_le_bytes([head[12], head[13], head[14], head[15]]) as usize;
    if meta_len > 1 << 20 {
        return Err(DbError::Corrupt {
            path,
            what: "metadata too long".into(),
        });
    }
    let mut meta = vec![0u8; meta_len];
    file.read_exact(&mut meta).map_err(|source| DbError::Io {
        path: path.clone(),
        source,
    })?;
    let meta: Meta = serde_json::from_slice(&meta).map_err(|e| DbError::Corrupt {
        path: path.clone(),
        what: format!("metadata: {e}"),
    })?;
    Ok(Db {
        store: Some(Store {
            file,
            path,
            info: meta.info,
            entries_at: meta.entries_at,
        }),
    })
}

impl Db {
    /// The embedded snapshot only.
    pub fn embedded() -> Db {
        Db { store: None }
    }

    /// The imported store's metadata, `None` when there is no store.
    pub fn store_info(&self) -> Option<&StoreInfo> {
        self.store.as_ref().map(|s| &s.info)
    }

    /// Everything known about `install`: malicious reports first, then
    /// vulnerabilities. Version matching is described in
    /// [`crate::version`]; snapshot entries are matched as in
    /// [`snapshot_findings`]. If the store cannot be read, the snapshot's
    /// findings are still returned (use [`Db::try_lookup`] to see the error).
    pub fn lookup(&self, install: &Install) -> Vec<Finding> {
        match self.try_lookup(install) {
            Ok(f) => f,
            Err(_) => snapshot_findings(install),
        }
    }

    /// Like [`Db::lookup`], but reports a store that cannot be read.
    ///
    /// # Errors
    /// [`DbError::Io`] or [`DbError::Corrupt`] from the store.
    pub fn try_lookup(&self, install: &Install) -> Result<Vec<Finding>, DbError> {
        let eco = install.ecosystem;
        let name = osv::lookup_name(eco, &install.name);
        let requested = install.version.as_deref();
        let mut out = Vec::new();
        let mut snapshot_superseded = false;
        if let Some(store) = &self.store {
            snapshot_superseded = store.info.malicious_ecosystems.contains(&eco)
                && store.info.newest_modified.as_str() >= SNAPSHOT_DATE;
            for adv in store.get(eco, &name)? {
                let mut best: Option<version::VersionMatch> = None;
                for spec in &adv.affected {
                    if let Some(m) = version::matches(eco, spec, requested) {
                        if best.as_ref().is_none_or(|b| m.certainty > b.certainty) {
                            best = Some(m);
                        }
                    }
                }
                let Some(m) = best else { continue };
                if adv.malicious {
                    out.push(Finding::Malicious {
                        ids: vec![adv.id],
                        certainty: m.certainty,
                        origin: Origin::Store,
                    });
                } else {
                    // A vulnerability listed only by versions, with no
                    // version asked for, says nothing about the latest.
                    if requested.is_none() && m.certainty == Certainty::Possibly {
                        continue;
                    }
                    let mut ids = vec![adv.id];
                    ids.extend(adv.aliases);
                    out.push(Finding::Vulnerable {
                        ids,
                        severity: adv.severity,
                        first_fixed: m.fixed,
                        certainty: m.certainty,
                    });
                }
            }
        }
        if !snapshot_superseded {
            for f in snapshot_findings(install) {
                let Finding::Malicious { ids, .. } = &f else {
                    continue;
                };
                let known = out.iter().any(|o| matches!(o, Finding::Malicious { ids: have, .. } if have.iter().any(|h| ids.contains(h))));
                if !known {
                    out.push(f);
                }
            }
        }
        out.sort_by_key(|f| match f {
            Finding::Malicious { certainty, .. } => (0, std::cmp::Reverse(*certainty)),
            Finding::Vulnerable { certainty, .. } => (1, std::cmp::Reverse(*certainty)),
        });
        Ok(out)
    }
}

/// Findings from the embedded snapshot alone.
///
/// - every version malicious: `Affected`, whatever is asked;
/// - listed versions: an exact version in the list is `Affected`, one not
///   in a complete list is clean; a range that allows a listed version is
///   `Possibly`; no version is `Possibly`, except for a popular name
///   ([`typo::is_popular`]), whose version-scoped reports are hijacked
///   releases that the registry has removed;
/// - a range not recorded in the snapshot: `Possibly` (with the same
///   exception for popular names and no version).
pub fn snapshot_findings(install: &Install) -> Vec<Finding> {
    let eco = install.ecosystem;
    let name = osv::lookup_name(eco, &install.name);
    let Some(entry) = snapshot::snapshot_lookup(eco, &name) else {
        return Vec::new();
    };
    let requested = install
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "latest");
    let certainty = match entry.scope {
        SnapshotScope::All => Some(Certainty::Affected),
        _ if requested.is_none() && typo::is_popular(eco, &name) => None,
        SnapshotScope::Range => Some(Certainty::Possibly),
        SnapshotScope::Versions { versions, complete } => {
            match version::list_match(eco, &versions, requested) {
                Some(c) => Some(c),
                None if !complete => Some(Certainty::Possibly),
                None => None,
            }
        }
    };
    certainty
        .map(|certainty| {
            vec![Finding::Malicious {
                ids: entry.ids,
                certainty,
                origin: Origin::Snapshot,
            }]
        })
        .unwrap_or_default()
}

fn eco_code(e: Ecosystem) -> u8 {
    match e {
        Ecosystem::Npm => 0,
        Ecosystem::PyPI => 1,
        Ecosystem::CratesIo => 2,
        Ecosystem::Go => 3,
        Ecosystem::RubyGems => 4,
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        let n = file.seek_read(buf, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}

impl Store {
    fn io(&self, source: std::io::Error) -> DbError {
        DbError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn entry(&self, i: usize) -> Result<(u8, u64, usize, u64, usize), DbError> {
        let mut e = [0u8; ENTRY as usize];
        read_at(&self.file, &mut e, self.entries_at + i as u64 * ENTRY).map_err(|s| self.io(s))?;
        let u32_at = |k: usize| u32::from_le_bytes([e[k], e[k + 1], e[k + 2], e[k + 3]]);
        Ok((
            e[0],
            u64::from(u32_at(4)),
            usize::from(u16::from_le_bytes([e[2], e[3]])),
            u64::from(u32_at(8)),
            u32_at(12) as usize,
        ))
    }

    /// The advisories stored for one package.
    fn get(&self, eco: Ecosystem, name: &str) -> Result<Vec<Advisory>, DbError> {
        let want = (eco_code(eco), name.as_bytes());
        let (mut lo, mut hi) = (0usize, self.info.packages);
        let mut buf = Vec::with_capacity(64);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (code, name_off, name_len, rec_off, rec_len) = self.entry(mid)?;
            buf.resize(name_len, 0);
            read_at(&self.file, &mut buf, name_off).map_err(|s| self.io(s))?;
            match (code, buf.as_slice()).cmp(&want) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    if rec_len as u64 > MAX_RECORD * 64 {
                        return Err(DbError::Corrupt {
                            path: self.path.clone(),
                            what: "record too long".into(),
                        });
                    }
                    let mut rec = vec![0u8; rec_len];
                    read_at(&self.file, &mut rec, rec_off).map_err(|s| self.io(s))?;
                    return serde_json::from_slice(&rec).map_err(|e| DbError::Corrupt {
                        path: self.path.clone(),
                        what: format!("record of {name}: {e}"),
                    });
                }
            }
        }
        Ok(Vec::new())
    }
}

/// Imports OSV JSON from `from` (a directory, searched recursively for
/// `*.json`, or a `.zip` archive such as OSV's `<ecosystem>/all.zip`) into
/// a new store in the directory `into` (created if needed), replacing the
/// old store atomically.
///
/// Malicious (`MAL-*`) and vulnerability advisories are kept for npm,
/// PyPI, crates.io, Go and RubyGems; withdrawn records and other
/// ecosystems are skipped; files that are not OSV JSON are counted in
/// [`ImportReport::unreadable`] and skipped.
///
/// # Errors
/// [`DbError::Io`] or [`DbError::Zip`] when the source or the target
/// cannot be read or written; [`DbError::NothingImported`] when no
/// advisory was found (the old store is then kept); [`DbError::TooLarge`].
pub fn import(from: &Path, into: &Path) -> Result<ImportReport, DbError> {
    let mut acc = Accumulator::default();
    let meta = std::fs::metadata(from).map_err(|source| DbError::Io {
        path: from.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        walk(from, &mut acc)?;
    } else {
        read_zip(from, &mut acc)?;
    }
    if acc.packages.is_empty() {
        return Err(DbError::NothingImported {
            path: from.to_path_buf(),
            files: acc.files,
        });
    }
    std::fs::create_dir_all(into).map_err(|source| DbError::Io {
        path: into.to_path_buf(),
        source,
    })?;
    let path = into.join(STORE_FILE);
    let imported_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut mal_ecos: Vec<Ecosystem> = acc.malicious_ecosystems.clone();
    mal_ecos.sort();
    mal_ecos.dedup();
    let info = StoreInfo {
        format: FORMAT_VERSION,
        imported_at,
        newest_modified: acc.newest_modified.clone(),
        malicious_ecosystems: mal_ecos,
        malicious: acc.malicious,
        vulnerable: acc.vulnerable,
        packages: acc.packages.len(),
    };
    let bytes =
        encode(&info, &acc.packages).ok_or_else(|| DbError::TooLarge { path: path.clone() })?;
    let tmp = into.join(format!(".{STORE_FILE}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    if let Err(source) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(DbError::Io { path, source });
    }
    Ok(ImportReport {
        path,
        files: acc.files,
        unreadable: acc.unreadable,
        errors: acc.errors,
        withdrawn: acc.withdrawn,
        unsupported: acc.unsupported,
        info,
    })
}

#[derive(Default)]
struct Accumulator {
    packages: BTreeMap<(u8, String), Vec<Advisory>>,
    files: usize,
    unreadable: usize,
    errors: Vec<String>,
    withdrawn: usize,
    unsupported: usize,
    malicious: usize,
    vulnerable: usize,
    newest_modified: String,
    malicious_ecosystems: Vec<Ecosystem>,
}

impl Accumulator {
    fn add(&mut self, source: &str, bytes: &[u8]) {
        self.files += 1;
        match osv::parse(bytes) {
            Err(e) => {
                self.unreadable += 1;
                if self.errors.len() < 10 {
                    self.errors.push(format!("{source}: {e}"));
                }
            }
            Ok(Parsed::Withdrawn) => self.withdrawn += 1,
            Ok(Parsed::Advisories { items, .. }) if items.is_empty() => self.unsupported += 1,
            Ok(Parsed::Advisories { modified, items }) => {
                if let Some(day) = modified.as_deref().and_then(|m| m.get(..10)) {
                    if day > self.newest_modified.as_str() {
                        self.newest_modified = day.to_string();
                    }
                }
                for (eco, name, adv) in items {
                    if name.len() > 1024 {
                        continue;
                    }
                    if adv.malicious {
                        self.malicious += 1;
                        if !self.malicious_ecosystems.contains(&eco) {
                            self.malicious_ecosystems.push(eco);
                        }
                    } else {
                        self.vulnerable += 1;
                    }
                    let list = self.packages.entry((eco_code(eco), name)).or_default();
                    // The same id twice (a record in two files): keep the last.
                    list.retain(|a| a.id != adv.id);
                    list.push(adv);
                }
            }
        }
    }
}

fn walk(dir: &Path, acc: &mut Accumulator) -> Result<(), DbError> {
    let io = |source| DbError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ft = e.file_type().map_err(|source| DbError::Io {
            path: path.clone(),
            source,
        })?;
        if ft.is_dir() {
            walk(&path, acc)?;
        } else if ft.is_file() && path.extension().is_some_and(|x| x == "json") {
            let mut bytes = Vec::new();
            File::open(&path)
                .and_then(|f| f.take(MAX_RECORD + 1).read_to_end(&mut bytes))
                .map_err(|source| DbError::Io {
                    path: path.clone(),
                    source,
                })?;
            if bytes.len() as u64 > MAX_RECORD {
                acc.files += 1;
                acc.unreadable += 1;
                continue;
            }
            acc.add(&path.display().to_string(), &bytes);
        }
    }
    Ok(())
}

fn read_zip(path: &Path, acc: &mut Accumulator) -> Result<(), DbError> {
    let file = File::open(path).map_err(|source| DbError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let zerr = |source| DbError::Zip {
        path: path.to_path_buf(),
        source,
    };
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(zerr)?;
    let mut bytes = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(zerr)?;
        let name = match entry.name() {
            Ok(n) => n.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        if !entry.is_file() || !name.ends_with(".json") {
            continue;
        }
        bytes.clear();
        // Bounded: a zip bomb cannot make us read more than MAX_RECORD + 1.
        if let Err(e) = entry.take(MAX_RECORD + 1).read_to_end(&mut bytes) {
            acc.files += 1;
            acc.unreadable += 1;
            if acc.errors.len() < 10 {
                acc.errors.push(format!("{name}: {e}"));
            }
            continue;
        }
        if bytes.len() as u64 > MAX_RECORD {
            acc.files += 1;
            acc.unreadable += 1;
            continue;
        }
        acc.add(&name, &bytes);
    }
    Ok(())
}

/// Serialises the store; `None` if an offset would not fit in 32 bits.
fn encode(info: &StoreInfo, packages: &BTreeMap<(u8, String), Vec<Advisory>>) -> Option<Vec<u8>> {
    // The metadata holds `entries_at`, which depends on its own length:
    // measure it with a wide placeholder and pad the real one with spaces
    // (JSON allows trailing whitespace).
    let records: Vec<Vec<u8>> = packages
        .values()
        .map(|a| serde_json::to_vec(a).unwrap_or_default())
        .collect();
    let probe = serde_json::to_vec(&Meta {
        info: info.clone(),
        entries_at: u64::MAX,
    })
    .ok()?;
    let entries_at = 16 + probe.len() as u64;
    let mut meta = serde_json::to_vec(&Meta {
        info: info.clone(),
        entries_at,
    })
    .ok()?;
    meta.resize(probe.len(), b' ');
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&u32::try_from(meta.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&meta);
    let mut data_at = entries_at + packages.len() as u64 * ENTRY;
    let mut data = Vec::new();
    for (((code, name), _), rec) in packages.iter().zip(&records) {
        let name_off = u32::try_from(data_at).ok()?;
        data.extend_from_slice(name.as_bytes());
        data_at += name.len() as u64;
        let rec_off = u32::try_from(data_at).ok()?;
        data.extend_from_slice(rec);
        data_at += rec.len() as u64;
        out.push(*code);
        out.push(0);
        out.extend_from_slice(&u16::try_from(name.len()).ok()?.to_le_bytes());
        out.extend_from_slice(&name_off.to_le_bytes());
        out.extend_from_slice(&rec_off.to_le_bytes());
        out.extend_from_slice(&u32::try_from(rec.len()).ok()?.to_le_bytes());
    }
    u32::try_from(data_at).ok()?;
    out.extend_from_slice(&data);
    Some(out)
}
