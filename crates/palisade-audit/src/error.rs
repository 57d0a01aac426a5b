//! The crate's error type.

use std::path::PathBuf;

/// Why the audit log could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A file or directory of the log (or the key) could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The lock that serialises writers could not be taken.
    #[error("{path}: cannot lock: {source}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The operating system's error.
        source: nix::errno::Errno,
    },
    /// The seal key file exists but is not a key.
    #[error("{path}: not an audit key (expected {expected} bytes, found {found})")]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// Bytes a key has.
        expected: usize,
        /// Bytes the file has.
        found: usize,
    },
    /// No seal key location: neither `$PALISADE_AUDIT_KEY_FILE`,
    /// `$XDG_CONFIG_HOME` nor `$HOME` is set.
    #[error("no location for the audit key: set HOME or PALISADE_AUDIT_KEY_FILE")]
    NoKeyLocation,
    /// A time filter is not a time.
    #[error("`{text}`: {why}")]
    Time {
        /// The text given.
        text: String,
        /// What is wrong and the forms accepted.
        why: String,
    },
    /// A record could not be serialised (should not happen).
    #[error("cannot serialise a record: {0}")]
    Json(#[from] serde_json::Error),
}

impl AuditError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| AuditError::Io { path, source }
    }
}
