//! The log directory: segment files, the head, the writers' lock.

use crate::record::{clip, Entry, Kind, Record, GENESIS};
use crate::{AuditError, Key};
use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// A segment is sealed and a new one started once it reaches this many
/// bytes (4 MiB: about 8,000 records of 500 bytes).
pub const DEFAULT_MAX_SEGMENT_BYTES: u64 = 4 << 20;

/// How much of a segment's end a writer reads to find the last record.
/// Records are at most ten text fields of [`crate::MAX_FIELD_BYTES`] (more
/// only for text full of control characters, which JSON escapes).
const TAIL_BYTES: u64 = 64 << 10;

/// The head file: where the chain ends, MAC'd with the key so that
/// truncating the log's tail cannot go unnoticed ([`crate::verify`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The segment the next record goes to.
    pub segment: u32,
    /// The last record's seq.
    pub seq: u64,
    /// The last record's hash.
    pub hash: String,
    /// Hex HMAC-SHA256 of the above ([`Key::head_mac`]).
    pub mac: String,
}

/// An audit log in a directory. Cheap to create: nothing is opened until
/// [`Log::append`] or a reader runs.
#[derive(Debug, Clone)]
pub struct Log {
    dir: PathBuf,
    key_path: PathBuf,
    max_segment_bytes: u64,
    fsync: bool,
}

/// Where the last record of the log is, as a writer sees it.
struct Tail {
    segment: u32,
    seq: u64,
    hash: String,
    /// The segment's length in bytes.
    len: u64,
    /// The segment does not end in a newline (a writer died mid-line).
    torn: bool,
    /// The head file agrees with the segments (or lags behind them).
    head_ok: bool,
    /// The segment, open for appending.
    file: File,
}

impl Log {
    /// The log in `dir` (created on first append, mode 0700), sealed with
    /// the key at `key_path` (created on first append, mode 0600).
    pub fn new(dir: impl Into<PathBuf>, key_path: impl Into<PathBuf>) -> Self {
        Log {
            dir: dir.into(),
            key_path: key_path.into(),
            max_segment_bytes: DEFAULT_MAX_SEGMENT_BYTES,
            fsync: false,
        }
    }

    /// The default log: directory [`Log::default_dir`], key
    /// [`Key::default_path`]; `None` when HOME and the variables are unset.
    pub fn default_location() -> Option<Self> {
        Some(Log::new(Log::default_dir()?, Key::default_path()?))
    }

    /// `$PALISADE_AUDIT_DIR`, else `$XDG_STATE_HOME/palisade/audit`, else
    /// `~/.local/state/palisade/audit`.
    pub fn default_dir() -> Option<PathBuf> {
        let var = |k| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(d) = var("PALISADE_AUDIT_DIR") {
            return Some(PathBuf::from(d));
        }
        let base = var("XDG_STATE_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
        Some(base.join("palisade").join("audit"))
    }

    /// Seal a segment once it holds this many bytes (default
    /// [`DEFAULT_MAX_SEGMENT_BYTES`]).
    pub fn max_segment_bytes(mut self, bytes: u64) -> Self {
        self.max_segment_bytes = bytes.max(1);
        self
    }

    /// `fdatasync` each record before returning (default off: a decision is
    /// logged in tens of microseconds; with fsync, in milliseconds on most
    /// disks; without it, a power loss, not a crash, can lose the newest records).
    pub fn fsync(mut self, on: bool) -> Self {
        self.fsync = on;
        self
    }

    /// The log's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The seal key's file.
    pub fn key_path(&self) -> &Path {
        &self.key_path
    }

    /// The path of segment `n`: `segment-000001.jsonl` and so on.
    pub fn segment_path(&self, n: u32) -> PathBuf {
        self.dir.join(format!("segment-{n:06}.jsonl"))
    }

    pub(crate) fn head_path(&self) -> PathBuf {
        self.dir.join("head.json")
    }

    /// The segment numbers present, ascending.
    ///
    /// # Errors
    /// [`AuditError::Io`] if the directory cannot be listed (an absent
    /// directory is an empty log).
    pub fn segments(&self) -> Result<Vec<u32>, AuditError> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(AuditError::io(&self.dir)(e)),
        };
        let mut v: Vec<u32> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name();
                let n = name.to_str()?;
                n.strip_prefix("segment-")?
                    .strip_suffix(".jsonl")?
                    .parse()
                    .ok()
            })
            .collect();
        v.sort_unstable();
        Ok(v)
    }

    /// Reads the head file; `None` if it is absent or unreadable.
    pub fn head(&self) -> Option<Head> {
        let bytes = std::fs::read(self.head_path()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Appends one decision and returns its record.
    ///
    /// Writers serialise on an exclusive `flock(2)` of `dir/lock`; the
    /// record is one `write(2)` of one line on an `O_APPEND` descriptor,
    /// so concurrent hooks never interleave. If the segment ends in a torn
    /// line (a writer killed mid-write), the new line starts after a
    /// newline and chains from the last whole record. When the segment
    /// reaches its size limit a seal record closes it.
    ///
    /// # Errors
    /// [`AuditError::Io`] or [`AuditError::Lock`] if the directory, a
    /// segment or the key cannot be used; the record is then not written.
    pub fn append(&self, entry: Entry) -> Result<Record, AuditError> {
        let _lock = self.lock()?;
        let key = Key::load_or_create(&self.key_path)?;
        self.append_locked(&key, entry)
    }

    /// Appends several decisions in order under one hold of the writers'
    /// lock (a scan's findings, a sandboxed run's refusals), so that no
    /// other writer's record lands between them. Each is its own line and
    /// link of the chain, as with [`Log::append`].
    ///
    /// # Errors
    /// As [`Log::append`]; the records before the failing one are written.
    pub fn append_all(
        &self,
        entries: impl IntoIterator<Item = Entry>,
    ) -> Result<Vec<Record>, AuditError> {
        let mut entries = entries.into_iter().peekable();
        if entries.peek().is_none() {
            return Ok(Vec::new());
        }
        let _lock = self.lock()?;
        let key = Key::load_or_create(&self.key_path)?;
        entries.map(|e| self.append_locked(&key, e)).collect()
    }

    fn append_locked(&self, key: &Key, entry: Entry) -> Result<Record, AuditError> {
        let tail = self.tail()?;
        let mut entry = entry;
        for s in [
            &mut entry.agent,
            &mut entry.action,
            &mut entry.verdict,
            &mut entry.reason,
        ] {
            clip(s);
        }
        let e = &mut entry;
        for s in [
            &mut e.session,
            &mut e.cwd,
            &mut e.event,
            &mut e.rule,
            &mut e.layer,
            &mut e.source,
        ]
        .into_iter()
        .flatten()
        {
            clip(s);
        }
        let mut record = new_record(tail.seq + 1, &tail.hash, Kind::Decision, entry);
        let mut line = Vec::with_capacity(1024);
        if tail.torn {
            line.push(b'\n');
        }
        line.extend(record.line()?);
        line.push(b'\n');
        let path = self.segment_path(tail.segment);
        let mut f = tail.file;
        f.write_all(&line).map_err(AuditError::io(&path))?;
        let (mut segment, mut last) = (tail.segment, (record.seq, record.hash.clone()));
        if tail.len + line.len() as u64 >= self.max_segment_bytes {
            let seal = self.write_seal(&mut f, key, segment, record.seq, &record.hash)?;
            last = (seal.seq, seal.hash);
            segment += 1;
        }
        if self.fsync {
            f.sync_data().map_err(AuditError::io(&path))?;
        }
        if tail.head_ok {
            self.write_head(key, segment, last.0, &last.1)?;
        }
        Ok(record)
    }

    /// Seals the current segment now (if it holds a record since the last
    /// seal) and starts the next; returns the seal record, or `None` when
    /// there was nothing to seal.
    ///
    /// # Errors
    /// As [`Log::append`].
    pub fn seal(&self) -> Result<Option<Record>, AuditError> {
        let _lock = self.lock()?;
        let key = Key::load_or_create(&self.key_path)?;
        let tail = self.tail()?;
        if tail.len == 0 || tail.torn && tail.seq == 0 {
            return Ok(None);
        }
        let path = self.segment_path(tail.segment);
        let mut f = tail.file;
        if tail.torn {
            f.write_all(b"\n").map_err(AuditError::io(&path))?;
        }
        let seal = self.write_seal(&mut f, &key, tail.segment, tail.seq, &tail.hash)?;
        if self.fsync {
            f.sync_data().map_err(AuditError::io(&path))?;
        }
        if tail.head_ok {
            self.write_head(&key, tail.segment + 1, seal.seq, &seal.hash)?;
        }
        Ok(Some(seal))
    }

    fn write_seal(
        &self,
        f: &mut File,
        key: &Key,
        segment: u32,
        last_seq: u64,
        last_hash: &str,
    ) -> Result<Record, AuditError> {
        let seq = last_seq + 1;
        let mut seal = new_record(seq, last_hash, Kind::Seal, Entry::default());
        seal.segment = Some(segment);
        seal.mac = Some(key.seal_mac(segment, seq, last_hash));
        let mut line = seal.line()?;
        line.push(b'\n');
        f.write_all(&line)
            .map_err(AuditError::io(self.segment_path(segment)))?;
        Ok(seal)
    }

    /// Rewrites the head in place: one `pwrite(2)` at offset 0 of a file
    /// that never shrinks (seq and segment only grow, so each head is at
    /// least as long as the last). A write-to-temporary-and-rename would
    /// cost a new inode and, on ext4, a data flush on every decision
    /// (~0.1 ms at the median, ~0.4 ms at p99 here); the head is under
    /// 512 bytes, so a crash leaves the old head or the new one. Readers
    /// that need a whole head take the writers' lock
    /// ([`Log::read_head_locked`]).
    fn write_head(&self, key: &Key, segment: u32, seq: u64, hash: &str) -> Result<(), AuditError> {
        let head = Head {
            segment,
            seq,
            hash: hash.to_string(),
            mac: key.head_mac(segment, seq, hash),
        };
        let bytes = serde_json::to_vec(&head)?;
        let path = self.head_path();
        let f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(AuditError::io(&path))?;
        f.write_all_at(&bytes, 0).map_err(AuditError::io(&path))?;
        let len = f.metadata().map_err(AuditError::io(&path))?.len();
        if len > bytes.len() as u64 {
            // Only a head written by hand (or an older layout) is longer.
            f.set_len(bytes.len() as u64)
                .map_err(AuditError::io(&path))?;
        }
        Ok(())
    }

    /// The head file's bytes, read under the writers' lock so that no
    /// writer is halfway through rewriting it; `None` if there is no head
    /// (or no log directory: nothing is created).
    ///
    /// # Errors
    /// [`AuditError::Io`] if the head exists but cannot be read.
    pub(crate) fn read_head_locked(&self) -> Result<Option<Vec<u8>>, AuditError> {
        let path = self.head_path();
        // Read-only is enough for flock(2), so a reader without write
        // access to the log still gets a whole head; without the lock
        // file (no writer yet, or unreadable), read it as it is.
        let _lock = File::open(self.dir.join("lock"))
            .ok()
            .and_then(|f| Flock::lock(f, FlockArg::LockExclusive).ok());
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AuditError::io(&path)(e)),
        }
    }

    /// Takes the writers' lock, creating the directory if needed.
    fn lock(&self) -> Result<Flock<File>, AuditError> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(AuditError::io(&self.dir))?;
        let path = self.dir.join("lock");
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(AuditError::io(&path))?;
        Flock::lock(f, FlockArg::LockExclusive)
            .map_err(|(_, source)| AuditError::Lock { path, source })
    }

    /// Finds the end of the chain. The segments, not the head, are the
    /// truth for writers: the head may lag one record behind after a crash.
    fn tail(&self) -> Result<Tail, AuditError> {
        let head = self.head();
        let mut segment = match &head {
            Some(h) => {
                // A writer may have died between a seal and the head.
                let mut s = h.segment.max(1);
                while s < u32::MAX && self.segment_path(s + 1).exists() {
                    s += 1;
                }
                s
            }
            None => self.segments()?.last().copied().unwrap_or(1),
        };
        let (file, end) = loop {
            let path = self.segment_path(segment);
            let file = open_append(&path)?;
            let end = read_end(&file, &path)?;
            // A sealed segment (the head was not moved on): use the next.
            if end.sealed() && segment < u32::MAX {
                segment += 1;
                continue;
            }
            break (file, end);
        };
        let (len, torn) = (end.len, end.torn);
        // A fresh segment after a seal: the chain ends in the one before.
        let before = match end.links_back().next() {
            None if segment > 1 => Some(read_tail(&self.segment_path(segment - 1))?),
            _ => None,
        };
        let last = before.as_ref().unwrap_or(&end);
        let found = last.links_back().next();
        let (seq, hash) = match (found, &head) {
            (Some(f), _) => f,
            (None, Some(h)) => (h.seq, h.hash.clone()),
            (None, None) => (0, GENESIS.to_string()),
        };
        // The head must name a record at or before the end of the chain; a
        // head ahead of it, or off it, is evidence for `verify` to keep.
        let head_ok = match &head {
            // No head yet, or a writer died between the first record and the head.
            None => seq <= 1,
            Some(h) if h.seq == seq => h.hash == hash,
            // A writer died between its record and the head.
            Some(h) if h.seq < seq => last
                .links_back()
                .take_while(|(s, _)| *s >= h.seq)
                .any(|(s, x)| s == h.seq && x == h.hash),
            Some(_) => false,
        };
        Ok(Tail {
            segment,
            seq,
            hash,
            len,
            torn,
            head_ok,
            file,
        })
    }
}

fn new_record(seq: u64, prev: &str, kind: Kind, entry: Entry) -> Record {
    let ms = jiff::Timestamp::now().as_millisecond();
    let time = jiff::Timestamp::from_millisecond(ms)
        .map(|t| format!("{t:.3}"))
        .unwrap_or_default();
    Record {
        seq,
        time,
        unix_ms: ms,
        kind,
        entry,
        segment: None,
        mac: None,
        prev: prev.to_string(),
        hash: String::new(),
    }
}

/// Opens a segment for appending (and reading its end), creating it.
fn open_append(path: &Path) -> Result<File, AuditError> {
    OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .map_err(AuditError::io(path))
}

/// The end of one segment file, as [`read_tail`] finds it.
struct SegmentEnd {
    /// The last [`TAIL_BYTES`] (or fewer) of the file.
    buf: Vec<u8>,
    /// The file's length in bytes (0 if absent).
    len: u64,
    /// It ends mid-line.
    torn: bool,
}

/// The short form of a record that writers need.
#[derive(serde::Deserialize)]
struct Link {
    seq: u64,
    hash: String,
    kind: Kind,
}

impl SegmentEnd {
    /// The whole lines of `buf`, last first.
    fn lines_back(&self) -> impl Iterator<Item = &[u8]> {
        let body = match self.buf.iter().rposition(|&b| b == b'\n') {
            Some(i) => &self.buf[..i],
            None => &[][..],
        };
        // The window's first line may be a fragment, which does not parse
        // and so is skipped by `links_back` like a crash's torn line.
        body.rsplit(|&b| b == b'\n').filter(|l| !l.is_empty())
    }

    /// (seq, hash) of the whole records, last first. Only the fields
    /// needed are parsed; serde_json skips the rest.
    fn links_back(&self) -> impl Iterator<Item = (u64, String)> + '_ {
        self.lines_back()
            .filter_map(|l| serde_json::from_slice::<Link>(l).ok())
            .map(|r| (r.seq, r.hash))
    }

    /// The last whole record is a seal.
    fn sealed(&self) -> bool {
        self.lines_back()
            .find_map(|l| serde_json::from_slice::<Link>(l).ok())
            .is_some_and(|l| l.kind == Kind::Seal)
    }
}

/// The end of a segment; an absent file is an empty segment.
fn read_tail(path: &Path) -> Result<SegmentEnd, AuditError> {
    match File::open(path) {
        Ok(f) => read_end(&f, path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SegmentEnd {
            buf: Vec::new(),
            len: 0,
            torn: false,
        }),
        Err(e) => Err(AuditError::io(path)(e)),
    }
}

/// The end of the open segment `f` (at `path`, for messages): its last
/// 4 KiB, or the last [`TAIL_BYTES`] if those hold no whole record.
fn read_end(f: &File, path: &Path) -> Result<SegmentEnd, AuditError> {
    let len = f.metadata().map_err(AuditError::io(path))?.len();
    let mut window = 4 << 10;
    loop {
        let start = len.saturating_sub(window);
        let mut buf = vec![0u8; (len - start) as usize];
        f.read_exact_at(&mut buf, start)
            .map_err(AuditError::io(path))?;
        let torn = buf.last().is_some_and(|&b| b != b'\n');
        let end = SegmentEnd { buf, len, torn };
        if start == 0 || window >= TAIL_BYTES || end.links_back().next().is_some() {
            return Ok(end);
        }
        window = TAIL_BYTES;
    }
}
