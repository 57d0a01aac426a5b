//! Where decisions go: `[telemetry]` (OpenTelemetry export) and `[audit]`
//! (the local audit log) in `palisade.toml` (issue #8).
//!
//! ```toml
//! [telemetry]
//! otlp_endpoint = "https://otel.example.com:4318"  # OTLP/HTTP base URL; /v1/logs and /v1/metrics are appended
//! protocol = "http/protobuf"           # or "http/json" (gRPC is not supported)
//! headers = { authorization = "Bearer …" }  # sent with every export (auth tokens)
//! export = ["logs", "metrics"]         # which signals to send (default both)
//! interval = "10s"                     # the hook starts a background shipper at most this often ("0": never)
//! compression = "gzip"                 # or "none"; unset: OTEL_EXPORTER_OTLP_COMPRESSION decides
//! proxy = "http://proxy.corp:3128"     # reach the collector through this proxy
//!
//! [audit]
//! enabled = true                       # the hook appends a record per decision (default true)
//! dir = "/var/log/palisade/audit"      # the log's directory (default ~/.local/state/palisade/audit)
//! fsync = false                        # fsync each record (default false)
//! ```
//!
//! Both sections are honoured only in the managed (`/etc/palisade/palisade.toml`)
//! and user (`~/.config/palisade/palisade.toml`) layers, and the managed
//! layer wins key by key. A project's `palisade.toml` (or a `--settings`
//! file, which a project's hook command could name) that sets them is
//! ignored with a warning: a cloned repository must not be able to send
//! the audit stream to its own collector or switch the audit log off.

use crate::error::{LineIndex, PolicyError};
use crate::supply::parse_age;
use palisade_core::Layer;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

/// How often, by default, the hook starts a background shipper: 10 s.
pub const DEFAULT_SHIP_INTERVAL: Duration = Duration::from_secs(10);

/// `[telemetry]` as written in one `palisade.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TelemetryFile {
    otlp_endpoint: Option<Spanned<String>>,
    protocol: Option<Spanned<String>>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    export: Option<Vec<Spanned<String>>>,
    interval: Option<Spanned<String>>,
    compression: Option<Spanned<String>>,
    proxy: Option<Spanned<String>>,
}

/// `[audit]` as written in one `palisade.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditFile {
    enabled: Option<bool>,
    dir: Option<String>,
    fsync: Option<bool>,
}

/// The OTLP wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpProtocol {
    /// OTLP/HTTP with protobuf bodies (`http/protobuf`, the default).
    HttpProtobuf,
    /// OTLP/HTTP with JSON bodies (`http/json`).
    HttpJson,
}

impl OtlpProtocol {
    /// Parses the names the OTLP exporter spec uses (`OTEL_EXPORTER_OTLP_PROTOCOL`).
    ///
    /// # Errors
    /// A message for `grpc` (not supported: Palisade ships over HTTP only)
    /// and for unknown names.
    pub fn parse(s: &str) -> Result<OtlpProtocol, String> {
        match s.trim() {
            "http/protobuf" => Ok(OtlpProtocol::HttpProtobuf),
            "http/json" => Ok(OtlpProtocol::HttpJson),
            "grpc" => Err("protocol `grpc` is not supported: Palisade exports OTLP over HTTP; use `http/protobuf` (a collector's OTLP receiver listens for it on port 4318)".into()),
            other => Err(format!("unknown protocol `{other}` (use http/protobuf or http/json)")),
        }
    }

    /// The spec's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            OtlpProtocol::HttpProtobuf => "http/protobuf",
            OtlpProtocol::HttpJson => "http/json",
        }
    }
}

/// One `[telemetry]` section, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TelemetrySection {
    otlp_endpoint: Option<String>,
    protocol: Option<OtlpProtocol>,
    headers: BTreeMap<String, String>,
    export: Option<(bool, bool)>,
    interval: Option<Duration>,
    gzip: Option<bool>,
    proxy: Option<String>,
}

/// One `[audit]` section (nothing to check beyond its types).
pub(crate) type AuditSection = AuditFile;

impl TelemetryFile {
    pub(crate) fn check(
        self,
        path: &Path,
        lines: &LineIndex,
    ) -> Result<TelemetrySection, PolicyError> {
        let err = |at: usize, message: String| PolicyError::Toml {
            path: path.to_path_buf(),
            message: format!("line {}: telemetry.{message}", lines.line(at)),
        };
        let protocol = match &self.protocol {
            None => None,
            Some(p) => Some(
                OtlpProtocol::parse(p.get_ref())
                    .map_err(|m| err(p.span().start, format!("protocol: {m}")))?,
            ),
        };
        if let Some(e) = &self.otlp_endpoint {
            let url = e.get_ref();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(err(
                    e.span().start,
                    format!("otlp_endpoint: `{url}` is not an http:// or https:// URL"),
                ));
            }
        }
        let export = match &self.export {
            None => None,
            Some(list) => {
                let (mut logs, mut metrics) = (false, false);
                for s in list {
                    match s.get_ref().as_str() {
                        "logs" => logs = true,
                        "metrics" => metrics = true,
                        other => {
                            return Err(err(
                                s.span().start,
                                format!("export: unknown signal `{other}` (use logs, metrics)"),
                            ))
                        }
                    }
                }
                Some((logs, metrics))
            }
        };
        let interval = match &self.interval {
            None => None,
            Some(i) => Some(
                parse_age(i.get_ref())
                    .map_err(|m| err(i.span().start, format!("interval: {m}")))?,
            ),
        };
        let gzip = match &self.compression {
            None => None,
            Some(c) => match c.get_ref().as_str() {
                "gzip" => Some(true),
                "none" => Some(false),
                other => {
                    return Err(err(
                        c.span().start,
                        format!("compression: unknown `{other}` (use gzip or none)"),
                    ))
                }
            },
        };
        if let Some(p) = &self.proxy {
            let url = p.get_ref();
            let ok = [
                "http://",
                "https://",
                "socks4://",
                "socks4a://",
                "socks5://",
            ]
            .iter()
            .any(|s| url.starts_with(s));
            if !ok {
                return Err(err(
                    p.span().start,
                    format!(
                        "proxy: `{url}` is not an http://, https://, socks4:// or socks5:// URL"
                    ),
                ));
            }
        }
        Ok(TelemetrySection {
            otlp_endpoint: self.otlp_endpoint.map(Spanned::into_inner),
            protocol,
            headers: self.headers,
            export,
            interval,
            gzip,
            proxy: self.proxy.map(Spanned::into_inner),
        })
    }
}

/// The effective `[telemetry]` ([`crate::Policy::telemetry`]): unset
/// fields fall back to the `OTEL_EXPORTER_OTLP_*` environment variables
/// (resolved by the shipper, not here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetrySettings {
    /// The OTLP/HTTP base URL.
    pub otlp_endpoint: Option<String>,
    /// The wire format.
    pub protocol: Option<OtlpProtocol>,
    /// Extra HTTP headers (managed entries win over user entries).
    pub headers: BTreeMap<String, String>,
    /// Send log records.
    pub logs: bool,
    /// Send metrics.
    pub metrics: bool,
    /// How often the hook may start a background shipper; zero: never.
    pub interval: Duration,
    /// Gzip request bodies (`compression = "gzip"`); unset: as
    /// `OTEL_EXPORTER_OTLP_COMPRESSION` says.
    pub gzip: Option<bool>,
    /// The proxy to reach the collector through (`proxy = "http://…"`).
    /// Unset: `palisade log ship` run by hand uses the environment's
    /// `HTTPS_PROXY` and the like; the hook's background shipper goes
    /// direct (it never takes a proxy from the agent's environment).
    pub proxy: Option<String>,
    /// The files that set something, highest layer first.
    pub sources: Vec<PathBuf>,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        TelemetrySettings {
            otlp_endpoint: None,
            protocol: None,
            headers: BTreeMap::new(),
            logs: true,
            metrics: true,
            interval: DEFAULT_SHIP_INTERVAL,
            gzip: None,
            proxy: None,
            sources: Vec::new(),
        }
    }
}

/// The effective `[audit]` ([`crate::Policy::audit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    /// The hook appends a record per decision.
    pub enabled: bool,
    /// The log's directory, when a layer sets one (`~` expanded).
    pub dir: Option<PathBuf>,
    /// fsync each record.
    pub fsync: bool,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            enabled: true,
            dir: None,
            fsync: false,
        }
    }
}

/// The layers whose `[telemetry]` and `[audit]` count.
pub(crate) fn trusted(layer: Layer) -> bool {
    matches!(layer, Layer::Managed | Layer::User)
}

/// Warns about each section set in a layer that does not count, and
/// returns the ones that do, highest layer first.
fn keep_trusted<'a, T>(
    sections: &'a [(Layer, PathBuf, T)],
    name: &str,
    warnings: &mut Vec<String>,
) -> Vec<&'a (Layer, PathBuf, T)> {
    let mut out = Vec::new();
    for s in sections {
        if trusted(s.0) {
            out.push(s);
        } else {
            warnings.push(format!(
                "{}: [{name}] ignored: it is honoured only in the managed ({}) and user (~/.config/palisade/palisade.toml) files, so that a project cannot redirect or switch off the audit trail",
                s.1.display(),
                if cfg!(target_os = "macos") { "/Library/Application Support/Palisade/palisade.toml" } else { "/etc/palisade/palisade.toml" },
            ));
        }
    }
    out
}

/// Merges the `[telemetry]` sections, highest layer first.
pub(crate) fn merge_telemetry(
    sections: &[(Layer, PathBuf, TelemetrySection)],
    warnings: &mut Vec<String>,
) -> TelemetrySettings {
    let mut t = TelemetrySettings::default();
    let kept = keep_trusted(sections, "telemetry", warnings);
    t.otlp_endpoint = kept.iter().find_map(|s| s.2.otlp_endpoint.clone());
    t.protocol = kept.iter().find_map(|s| s.2.protocol);
    if let Some((logs, metrics)) = kept.iter().find_map(|s| s.2.export) {
        (t.logs, t.metrics) = (logs, metrics);
    }
    if let Some(i) = kept.iter().find_map(|s| s.2.interval) {
        t.interval = i;
    }
    t.gzip = kept.iter().find_map(|s| s.2.gzip);
    t.proxy = kept.iter().find_map(|s| s.2.proxy.clone());
    for s in &kept {
        for (k, v) in &s.2.headers {
            t.headers.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if s.2 != TelemetrySection::default() {
            t.sources.push(s.1.clone());
        }
    }
    t
}

/// Merges the `[audit]` sections, highest layer first; `home` expands a
/// leading `~/` in `dir`.
pub(crate) fn merge_audit(
    sections: &[(Layer, PathBuf, AuditSection)],
    home: &Path,
    warnings: &mut Vec<String>,
) -> AuditSettings {
    let mut a = AuditSettings::default();
    let kept = keep_trusted(sections, "audit", warnings);
    if let Some(e) = kept.iter().find_map(|s| s.2.enabled) {
        a.enabled = e;
    }
    if let Some(f) = kept.iter().find_map(|s| s.2.fsync) {
        a.fsync = f;
    }
    a.dir = kept
        .iter()
        .find_map(|s| s.2.dir.as_deref())
        .map(|d| match d.strip_prefix("~/") {
            Some(rest) => home.join(rest),
            None => PathBuf::from(d),
        });
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn tel(text: &str) -> Result<TelemetrySection, PolicyError> {
        let f: TelemetryFile = toml::from_str(text).map_err(|e| PolicyError::Toml {
            path: "t.toml".into(),
            message: e.message().to_string(),
        })?;
        f.check(Path::new("t.toml"), &LineIndex::new(text))
    }

    fn aud(text: &str) -> AuditSection {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn sections_parse_and_bad_values_name_file_and_line() {
        let s = tel("otlp_endpoint = \"http://c:4318\"\nprotocol = \"http/json\"\nexport = [\"logs\"]\ninterval = \"30s\"\nheaders = { authorization = \"Bearer x\" }\n").unwrap();
        assert_eq!(s.otlp_endpoint.as_deref(), Some("http://c:4318"));
        assert_eq!(s.protocol, Some(OtlpProtocol::HttpJson));
        assert_eq!(s.export, Some((true, false)));
        assert_eq!(s.interval, Some(Duration::from_secs(30)));
        assert_eq!(s.headers["authorization"], "Bearer x");
        let s = tel("compression = \"gzip\"\nproxy = \"socks5://p:1080\"\n").unwrap();
        assert_eq!(
            (s.gzip, s.proxy.as_deref()),
            (Some(true), Some("socks5://p:1080"))
        );
        let e = tel("\nproxy = \"proxy.corp:3128\"\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.toml: line 2: telemetry.proxy: `proxy.corp:3128` is not"),
            "{e}"
        );
        let e = tel("otlp_endpoint = \"http://c\"\nprotocol = \"grpc\"\n").unwrap_err();
        assert!(
            e.to_string().starts_with(
                "t.toml: line 2: telemetry.protocol: protocol `grpc` is not supported"
            ),
            "{e}"
        );
        let e = tel("export = [\"logs\", \"traces\"]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.toml: line 1: telemetry.export: unknown signal `traces` (use logs, metrics)"
        );
        let e = tel("\notlp_endpoint = \"collector:4318\"\n").unwrap_err();
        assert!(
            e.to_string().contains("line 2: telemetry.otlp_endpoint"),
            "{e}"
        );
        assert!(tel("endpoint = \"http://c\"\n").is_err());
        assert!(toml::from_str::<AuditFile>("enable = true").is_err());
    }

    #[test]
    fn a_project_cannot_redirect_or_switch_off_the_audit_trail() {
        let mut w = Vec::new();
        let t = merge_telemetry(
            &[
                (
                    Layer::Project,
                    "p/palisade.toml".into(),
                    tel(
                        "otlp_endpoint = \"http://attacker.example:4318\"\nheaders = { x = \"y\" }",
                    )
                    .unwrap(),
                ),
                (
                    Layer::User,
                    "u/palisade.toml".into(),
                    tel("otlp_endpoint = \"http://mine:4318\"").unwrap(),
                ),
            ],
            &mut w,
        );
        assert_eq!(t.otlp_endpoint.as_deref(), Some("http://mine:4318"));
        assert!(t.headers.is_empty());
        assert_eq!(t.sources, vec![PathBuf::from("u/palisade.toml")]);
        let a = merge_audit(
            &[
                (
                    Layer::ProjectLocal,
                    "p/l.toml".into(),
                    aud("enabled = false"),
                ),
                (Layer::Cli, "cli.toml".into(), aud("enabled = false")),
            ],
            Path::new("/h"),
            &mut w,
        );
        assert!(a.enabled);
        assert_eq!(w.len(), 3, "{w:#?}");
        assert!(
            w[0].starts_with("p/palisade.toml: [telemetry] ignored"),
            "{}",
            w[0]
        );
        assert!(w[1].starts_with("p/l.toml: [audit] ignored"), "{}", w[1]);
    }

    #[test]
    fn managed_wins_over_user_key_by_key() {
        let mut w = Vec::new();
        let t = merge_telemetry(
            &[
                (
                    Layer::Managed,
                    "m.toml".into(),
                    tel("otlp_endpoint = \"https://corp:4318\"\nheaders = { authorization = \"corp\" }")
                        .unwrap(),
                ),
                (
                    Layer::User,
                    "u.toml".into(),
                    tel("otlp_endpoint = \"http://mine\"\nprotocol = \"http/json\"\nheaders = { authorization = \"mine\", x-team = \"a\" }")
                        .unwrap(),
                ),
            ],
            &mut w,
        );
        assert_eq!(t.otlp_endpoint.as_deref(), Some("https://corp:4318"));
        assert_eq!(t.protocol, Some(OtlpProtocol::HttpJson));
        assert_eq!(t.headers["authorization"], "corp");
        assert_eq!(t.headers["x-team"], "a");
        assert!(t.logs && t.metrics);
        let a = merge_audit(
            &[
                (Layer::Managed, "m.toml".into(), aud("enabled = true")),
                (
                    Layer::User,
                    "u.toml".into(),
                    aud("enabled = false\nfsync = true\ndir = \"~/audit\""),
                ),
            ],
            Path::new("/h"),
            &mut w,
        );
        assert_eq!(
            a,
            AuditSettings {
                enabled: true,
                dir: Some("/h/audit".into()),
                fsync: true
            }
        );
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn policy_load_ignores_a_project_palisade_toml_that_sets_them() {
        let dir = tempfile::tempdir().unwrap();
        let (home, proj, managed) = (
            dir.path().join("home"),
            dir.path().join("proj"),
            dir.path().join("managed"),
        );
        std::fs::create_dir_all(home.join(".config/palisade")).unwrap();
        std::fs::create_dir_all(&proj).unwrap();
        std::fs::write(
            proj.join("palisade.toml"),
            "[telemetry]\notlp_endpoint = \"http://attacker.example:4318\"\n[audit]\nenabled = false\n",
        )
        .unwrap();
        std::fs::write(
            home.join(".config/palisade/palisade.toml"),
            "[telemetry]\notlp_endpoint = \"http://127.0.0.1:4318\"\n[audit]\nfsync = true\n",
        )
        .unwrap();
        let mut opts = crate::LoadOptions::new(&proj, &proj, &home);
        opts.managed_dir = Some(managed);
        opts.guard_packs = false;
        let p = crate::Policy::load(&opts).unwrap();
        assert_eq!(
            p.telemetry().otlp_endpoint.as_deref(),
            Some("http://127.0.0.1:4318")
        );
        assert!(p.audit().enabled && p.audit().fsync);
        let ignored: Vec<_> = p
            .warnings
            .iter()
            .filter(|w| w.contains("ignored: it is honoured only"))
            .collect();
        assert_eq!(ignored.len(), 2, "{:#?}", p.warnings);
        let (a, t, w) = crate::load_audit_and_telemetry(&opts).unwrap();
        assert_eq!(&a, p.audit());
        assert_eq!(&t, p.telemetry());
        assert_eq!(w.len(), 2, "{w:#?}");
    }
}
