//! The crate's error type.

use std::path::PathBuf;

/// Why shipping did not happen or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum OtlpError {
    /// Neither the caller nor the environment names a collector.
    #[error("no OTLP endpoint: pass --endpoint, set [telemetry] otlp_endpoint in palisade.toml, or set OTEL_EXPORTER_OTLP_ENDPOINT")]
    NoEndpoint,
    /// A setting or `OTEL_*` variable has a bad value.
    #[error("{name}: {message}")]
    Config {
        /// The variable or setting.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The OTLP exporter could not be built.
    #[error("building the OTLP {signal} exporter: {message}")]
    Build {
        /// `logs` or `metrics`.
        signal: &'static str,
        /// The exporter's message.
        message: String,
    },
    /// The collector did not acknowledge an export (unreachable, or it
    /// answered with an error status). Nothing is lost: the cursor stays
    /// where it was.
    #[error("the collector did not accept the {signal} export to {url}: {message}")]
    Export {
        /// `logs` or `metrics`.
        signal: &'static str,
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The audit log could not be read.
    #[error(transparent)]
    Audit(#[from] palisade_audit::AuditError),
    /// The cursor file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The cursor names a record the log no longer has, or one with a
    /// different hash: the log was reset, replaced or edited.
    #[error("{path}: the cursor (seq {seq}) does not match the log: {why}")]
    CursorMismatch {
        /// The cursor file.
        path: PathBuf,
        /// The cursor's seq.
        seq: u64,
        /// What does not match.
        why: String,
    },
    /// Another shipper holds the lock for this target.
    #[error("another `palisade log ship` is sending to this collector (lock {path})")]
    Busy {
        /// The lock file.
        path: PathBuf,
    },
}

impl OtlpError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> OtlpError + '_ {
        move |source| OtlpError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
