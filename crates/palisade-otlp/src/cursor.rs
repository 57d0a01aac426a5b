//! The shipper's place in the log: the last record the collector
//! acknowledged, kept per target in `ship-<key>.json` in the log directory.

use crate::OtlpError;
use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `ship-<key>.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cursor {
    /// The logs and metrics URLs it is for (for people; the file name is
    /// the key).
    pub target: String,
    /// The last acknowledged record's seq (0: none yet).
    pub seq: u64,
    /// That record's hash (empty when `seq` is 0).
    pub hash: String,
    /// The segment that holds it (where the next read starts).
    pub segment: u32,
    /// Decision records acknowledged so far, in total.
    pub shipped: u64,
    /// When it was last moved, Unix milliseconds.
    pub unix_ms: i64,
}

/// The cursor file and its lock for one target.
#[derive(Debug, Clone)]
pub struct CursorFile {
    path: PathBuf,
    lock: PathBuf,
}

impl CursorFile {
    /// The cursor of target `key` in log directory `dir`.
    pub fn new(dir: &Path, key: &str) -> Self {
        CursorFile {
            path: dir.join(format!("ship-{key}.json")),
            lock: dir.join(format!("ship-{key}.lock")),
        }
    }

    /// The cursor file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the cursor; the default (nothing shipped) if there is none.
    ///
    /// # Errors
    /// [`OtlpError::Io`] if it exists but cannot be read or parsed.
    pub fn load(&self) -> Result<Cursor, OtlpError> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| OtlpError::Io {
                path: self.path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Cursor {
                segment: 1,
                ..Cursor::default()
            }),
            Err(e) => Err(OtlpError::io(&self.path)(e)),
        }
    }

    /// Writes the cursor atomically (a temporary file, fsync, rename), so
    /// that a crash leaves the old cursor or the new one, never half.
    ///
    /// # Errors
    /// [`OtlpError::Io`].
    pub fn store(&self, c: &Cursor) -> Result<(), OtlpError> {
        let tmp = self.path.with_extension("json.tmp");
        let io = OtlpError::io(&tmp);
        let mut f = File::create(&tmp).map_err(io)?;
        let mut body = serde_json::to_vec_pretty(c).unwrap_or_default();
        body.push(b'\n');
        f.write_all(&body)
            .and_then(|_| f.sync_all())
            .map_err(OtlpError::io(&tmp))?;
        std::fs::rename(&tmp, &self.path).map_err(OtlpError::io(&self.path))
    }

    /// Takes the target's exclusive lock, so that two shippers never send
    /// the same records; held until the returned guard drops.
    ///
    /// # Errors
    /// [`OtlpError::Busy`] if another process holds it and `wait` is
    /// false; [`OtlpError::Io`] if the lock file cannot be opened.
    pub fn lock(&self, wait: bool) -> Result<Flock<File>, OtlpError> {
        if let Some(d) = self.lock.parent() {
            std::fs::create_dir_all(d).map_err(OtlpError::io(d))?;
        }
        let f = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock)
            .map_err(OtlpError::io(&self.lock))?;
        let arg = if wait {
            FlockArg::LockExclusive
        } else {
            FlockArg::LockExclusiveNonblock
        };
        Flock::lock(f, arg).map_err(|(_, e)| {
            if e == nix::errno::Errno::EWOULDBLOCK {
                OtlpError::Busy {
                    path: self.lock.clone(),
                }
            } else {
                OtlpError::Io {
                    path: self.lock.clone(),
                    source: e.into(),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_load_and_lock() {
        let dir = tempfile::tempdir().unwrap();
        let cf = CursorFile::new(dir.path(), "abc");
        assert_eq!(cf.load().unwrap().seq, 0);
        let c = Cursor {
            target: "t".into(),
            seq: 7,
            hash: "h".into(),
            segment: 2,
            shipped: 5,
            unix_ms: 1,
        };
        cf.store(&c).unwrap();
        assert_eq!(cf.load().unwrap(), c);
        let held = cf.lock(false).unwrap();
        assert!(matches!(cf.lock(false), Err(OtlpError::Busy { .. })));
        drop(held);
        assert!(cf.lock(false).is_ok());
    }
}
