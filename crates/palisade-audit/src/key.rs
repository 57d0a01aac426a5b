//! The seal key: 32 random bytes kept outside the log directory.

use crate::AuditError;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Bytes in a key.
pub const KEY_BYTES: usize = 32;

/// The HMAC-SHA256 key that seals segments and the head (RFC 2104).
///
/// Whoever can read this file can forge seals, so it lives outside the log
/// directory (`~/.config/palisade/audit.key`, mode 0600), where a sandboxed
/// agent should not reach it; a team can keep it elsewhere with
/// `$PALISADE_AUDIT_KEY_FILE`.
#[derive(Clone)]
pub struct Key([u8; KEY_BYTES]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A key from its bytes (tests, or a key fetched from elsewhere).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        Key(bytes)
    }

    /// The default key file: `$PALISADE_AUDIT_KEY_FILE`, else
    /// `$XDG_CONFIG_HOME/palisade/audit.key`, else `~/.config/palisade/audit.key`.
    pub fn default_path() -> Option<PathBuf> {
        let var = |k| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(p) = var("PALISADE_AUDIT_KEY_FILE") {
            return Some(PathBuf::from(p));
        }
        let base = var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("palisade").join("audit.key"))
    }

    /// Reads the key at `path`.
    ///
    /// # Errors
    /// [`AuditError::Io`] if it cannot be read (`NotFound` if absent),
    /// [`AuditError::BadKey`] if it is not [`KEY_BYTES`] bytes.
    pub fn load(path: &Path) -> Result<Key, AuditError> {
        let mut f = std::fs::File::open(path).map_err(AuditError::io(path))?;
        let mut buf = Vec::with_capacity(KEY_BYTES + 1);
        Read::by_ref(&mut f)
            .take(KEY_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(AuditError::io(path))?;
        let bytes: [u8; KEY_BYTES] = buf.as_slice().try_into().map_err(|_| AuditError::BadKey {
            path: path.to_path_buf(),
            expected: KEY_BYTES,
            found: buf.len(),
        })?;
        Ok(Key(bytes))
    }

    /// Reads the key at `path`, or creates it (mode 0600, parent 0700)
    /// from the operating system's random source if there is none. Callers
    /// hold the log's lock, so two writers do not race to create it.
    ///
    /// # Errors
    /// As [`Key::load`], or [`AuditError::Io`] if it cannot be created.
    pub fn load_or_create(path: &Path) -> Result<Key, AuditError> {
        match Key::load(path) {
            Err(AuditError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            }
            other => return other,
        }
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| AuditError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!("no random bytes: {e}")),
        })?;
        if let Some(dir) = path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(AuditError::io(dir))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(AuditError::io(path))?;
        f.write_all(&bytes).map_err(AuditError::io(path))?;
        f.sync_all().map_err(AuditError::io(path))?;
        Ok(Key(bytes))
    }

    fn mac(&self, parts: &[&[u8]]) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        for p in parts {
            m.update(p);
            m.update(b"\n");
        }
        m
    }

    /// Hex HMAC-SHA256 of a seal: `seal v1`, segment, the seal's seq and
    /// the segment's last hash, each followed by a newline.
    pub fn seal_mac(&self, segment: u32, seq: u64, last_hash: &str) -> String {
        let m = self.mac(&[
            b"palisade-audit seal v1",
            segment.to_string().as_bytes(),
            seq.to_string().as_bytes(),
            last_hash.as_bytes(),
        ]);
        hex::encode(m.finalize().into_bytes())
    }

    /// Hex HMAC-SHA256 of the head: `head v1`, segment, seq and hash.
    pub fn head_mac(&self, segment: u32, seq: u64, hash: &str) -> String {
        let m = self.mac(&[
            b"palisade-audit head v1",
            segment.to_string().as_bytes(),
            seq.to_string().as_bytes(),
            hash.as_bytes(),
        ]);
        hex::encode(m.finalize().into_bytes())
    }

    /// Whether `mac` (hex) is the seal MAC, compared in constant time.
    pub fn check_seal(&self, segment: u32, seq: u64, last_hash: &str, mac: &str) -> bool {
        let m = self.mac(&[
            b"palisade-audit seal v1",
            segment.to_string().as_bytes(),
            seq.to_string().as_bytes(),
            last_hash.as_bytes(),
        ]);
        hex::decode(mac).is_ok_and(|b| m.verify_slice(&b).is_ok())
    }

    /// Whether `mac` (hex) is the head MAC, compared in constant time.
    pub fn check_head(&self, segment: u32, seq: u64, hash: &str, mac: &str) -> bool {
        let m = self.mac(&[
            b"palisade-audit head v1",
            segment.to_string().as_bytes(),
            seq.to_string().as_bytes(),
            hash.as_bytes(),
        ]);
        hex::decode(mac).is_ok_and(|b| m.verify_slice(&b).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn created_once_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cfg/audit.key");
        let k = Key::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = Key::load_or_create(&path).unwrap();
        assert_eq!(k.0, again.0);
        let mac = k.seal_mac(1, 10, "ab");
        assert!(again.check_seal(1, 10, "ab", &mac));
        assert!(!again.check_seal(1, 11, "ab", &mac));
        assert!(!again.check_head(1, 10, "ab", &mac));
        assert!(!Key::from_bytes([1; KEY_BYTES]).check_seal(1, 10, "ab", &mac));
    }

    #[test]
    fn wrong_size_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(
            Key::load_or_create(&path),
            Err(AuditError::BadKey { found: 5, .. })
        ));
    }
}
