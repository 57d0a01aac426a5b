//! The hook's background shipper (issue #8): when `[telemetry]
//! otlp_endpoint` is configured, the hook starts a detached `palisade log
//! ship` at most once per `[telemetry] interval`, after its answer is
//! out, and never waits for it.
//!
//! The shipper it starts reads its target from `[telemetry]` only: every
//! `OTEL_*` variable is removed from its environment, and so are the
//! proxy variables (`HTTP_PROXY`, `https_proxy`, `ALL_PROXY`, `NO_PROXY`,
//! …) and `SSL_CERT_FILE` / `SSL_CERT_DIR`, because the hook's environment
//! comes from the agent, and a project's `.claude/settings.json` can set
//! the agent's `env`: with those, a cloned repository could route the
//! audit stream through its own proxy and have it trusted. A proxy the
//! team needs is set with `[telemetry] proxy` instead.

use palisade_audit::Log;
use palisade_policy::TelemetrySettings;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

/// The stamp whose modification time is the last start.
const STAMP: &str = "ship-started";

/// Starts the background shipper if telemetry is configured and the last
/// start is older than the interval. Best effort: any failure is silent
/// (the records stay in the log for the next start or `palisade log ship`).
pub fn maybe_start(log: &Log, t: &TelemetrySettings, managed_dir: Option<&Path>) {
    if t.otlp_endpoint.is_none() || t.interval.is_zero() {
        return;
    }
    if std::env::var_os("PALISADE_NO_BACKGROUND_SHIP").is_some() {
        return;
    }
    let stamp = log.dir().join(STAMP);
    if !due(&stamp, t.interval) {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut cmd = Command::new(exe);
    cmd.args(["log", "ship", "--background", "--dir"])
        .arg(log.dir())
        .arg("--key")
        .arg(log.key_path());
    if let Some(m) = managed_dir {
        cmd.arg("--managed-dir").arg(m);
    }
    for (k, _) in std::env::vars_os() {
        if steers_export(&k.to_string_lossy()) {
            cmd.env_remove(k);
        }
    }
    // Its own process group: the agent's Ctrl-C or timeout on the hook
    // does not reach it.
    let _ = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
}

/// Whether an environment variable could redirect or intercept the
/// export: `OTEL_*`, any `*_PROXY` (any case; ureq and curl read both), and
/// the certificate-file variables that the platform's root store reads.
fn steers_export(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.starts_with("OTEL_")
        || upper.ends_with("_PROXY")
        || matches!(upper.as_str(), "SSL_CERT_FILE" | "SSL_CERT_DIR")
}

/// True (and the stamp touched) when the stamp is older than `interval`
/// or absent. Two hooks racing may both start a shipper; the shipper's
/// lock makes the second one exit at once.
fn due(stamp: &Path, interval: Duration) -> bool {
    let fresh = std::fs::metadata(stamp)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age < interval);
    if fresh {
        return false;
    }
    std::fs::File::options()
        .create(true)
        .truncate(true)
        .write(true)
        .open(stamp)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_that_steer_the_export_are_removed() {
        for v in [
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "HTTP_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "no_proxy",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
        ] {
            assert!(steers_export(v), "{v}");
        }
        for v in ["HOME", "PATH", "PALISADE_AUDIT_DIR", "PROXYCHAINS_CONF"] {
            assert!(!steers_export(v), "{v}");
        }
    }
}
