//! Where to send: endpoints, protocol, headers and resource attributes,
//! from the caller's settings and the `OTEL_*` environment variables.
//!
//! Precedence follows the OpenTelemetry SDKs, where programmatic
//! configuration beats the environment: `--endpoint` > `[telemetry]` >
//! `OTEL_EXPORTER_OTLP_{LOGS,METRICS}_ENDPOINT` (used as-is) >
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (with `v1/logs`, `v1/metrics` appended).
//! Source: the OTLP exporter specification,
//! <https://opentelemetry.io/docs/specs/otel/protocol/exporter/>.

use crate::OtlpError;
use std::collections::BTreeMap;

/// The OTLP/HTTP body encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// `http/protobuf` (the default).
    #[default]
    HttpProtobuf,
    /// `http/json`.
    HttpJson,
}

impl Protocol {
    /// Parses a spec name; `grpc` gets its own error, since Palisade does
    /// not carry a gRPC stack.
    ///
    /// # Errors
    /// [`OtlpError::Config`] naming `source` (a variable or setting).
    pub fn parse(s: &str, source: &str) -> Result<Protocol, OtlpError> {
        match s.trim() {
            "http/protobuf" => Ok(Protocol::HttpProtobuf),
            "http/json" => Ok(Protocol::HttpJson),
            "grpc" => Err(OtlpError::Config {
                name: source.into(),
                message: "`grpc` is not supported: Palisade exports OTLP over HTTP; use `http/protobuf` (the collector's OTLP receiver serves it on port 4318)".into(),
            }),
            other => Err(OtlpError::Config {
                name: source.into(),
                message: format!("unknown protocol `{other}` (use http/protobuf or http/json)"),
            }),
        }
    }

    /// The spec's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::HttpProtobuf => "http/protobuf",
            Protocol::HttpJson => "http/json",
        }
    }
}

/// What the caller configured (command line and `[telemetry]`); each
/// unset field falls back to the environment.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// OTLP/HTTP base URL; `v1/logs` and `v1/metrics` are appended.
    pub endpoint: Option<String>,
    /// Body encoding.
    pub protocol: Option<Protocol>,
    /// Headers sent with every export (an `OTEL_EXPORTER_OTLP_*HEADERS`
    /// entry of the same name replaces one of these, as in the SDK).
    pub headers: BTreeMap<String, String>,
    /// Send log records.
    pub logs: bool,
    /// Send metrics.
    pub metrics: bool,
}

/// One signal's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The full URL (`…/v1/logs`).
    pub url: String,
    /// The headers to send.
    pub headers: BTreeMap<String, String>,
    /// Body encoding.
    pub protocol: Protocol,
}

/// The resolved target of a shipper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Where log records go, when they are sent.
    pub logs: Option<Destination>,
    /// Where metrics go, when they are sent.
    pub metrics: Option<Destination>,
    /// Resource attributes: `service.name`, `service.version`,
    /// `host.name`, then `OTEL_RESOURCE_ATTRIBUTES`.
    pub resource: Vec<(String, String)>,
}

impl Target {
    /// Resolves `settings` against the environment read through `env`
    /// (`|k| std::env::var(k).ok()` in production).
    ///
    /// # Errors
    /// [`OtlpError::NoEndpoint`] when no signal has an endpoint;
    /// [`OtlpError::Config`] for a bad URL, protocol or header list.
    pub fn resolve(
        settings: &Settings,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Target, OtlpError> {
        let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let signal = |on: bool, name: &str, path: &str| -> Result<Option<Destination>, OtlpError> {
            if !on {
                return Ok(None);
            }
            let upper = name.to_ascii_uppercase();
            let signal_var = format!("OTEL_EXPORTER_OTLP_{upper}_ENDPOINT");
            let (url, from) = if let Some(base) = &settings.endpoint {
                (join(base, path), "the endpoint setting".to_string())
            } else if let Some(u) = var(&signal_var) {
                (u.trim().to_string(), signal_var)
            } else if let Some(base) = var("OTEL_EXPORTER_OTLP_ENDPOINT") {
                (
                    join(base.trim(), path),
                    "OTEL_EXPORTER_OTLP_ENDPOINT".into(),
                )
            } else {
                return Ok(None);
            };
            if !(url.starts_with("http://") || url.starts_with("https://"))
                || url.parse::<http::Uri>().is_err()
            {
                return Err(OtlpError::Config {
                    name: from,
                    message: format!("`{url}` is not an http:// or https:// URL"),
                });
            }
            let protocol = match settings.protocol {
                Some(p) => p,
                None => {
                    let pv = format!("OTEL_EXPORTER_OTLP_{upper}_PROTOCOL");
                    match var(&pv).map(|v| (v, pv)).or_else(|| {
                        var("OTEL_EXPORTER_OTLP_PROTOCOL")
                            .map(|v| (v, "OTEL_EXPORTER_OTLP_PROTOCOL".into()))
                    }) {
                        Some((v, from)) => Protocol::parse(&v, &from)?,
                        None => Protocol::default(),
                    }
                }
            };
            let mut headers = settings.headers.clone();
            let hv = format!("OTEL_EXPORTER_OTLP_{upper}_HEADERS");
            if let Some((text, from)) = var(&hv).map(|v| (v, hv.clone())).or_else(|| {
                var("OTEL_EXPORTER_OTLP_HEADERS").map(|v| (v, "OTEL_EXPORTER_OTLP_HEADERS".into()))
            }) {
                for (k, v) in parse_pairs(&text, &from)? {
                    headers.insert(k, v);
                }
            }
            Ok(Some(Destination {
                url,
                headers,
                protocol,
            }))
        };
        let logs = signal(settings.logs, "logs", "v1/logs")?;
        let metrics = signal(settings.metrics, "metrics", "v1/metrics")?;
        if logs.is_none() && metrics.is_none() {
            return Err(OtlpError::NoEndpoint);
        }
        Ok(Target {
            logs,
            metrics,
            resource: resource(env)?,
        })
    }

    /// A short, stable name for this target, for the cursor's file name:
    /// 12 hex digits of SHA-256 over the logs and metrics URLs.
    pub fn key(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for d in [&self.logs, &self.metrics] {
            h.update(d.as_ref().map_or("-", |d| d.url.as_str()).as_bytes());
            h.update(b"\n");
        }
        hex::encode(&h.finalize()[..6])
    }

    /// The URLs, for messages: `logs URL, metrics URL`.
    pub fn describe(&self) -> String {
        [("logs", &self.logs), ("metrics", &self.metrics)]
            .iter()
            .filter_map(|(n, d)| d.as_ref().map(|d| format!("{n} → {}", d.url)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `base` + `path`, with exactly one `/` between (the spec's rule for the
/// generic endpoint).
fn join(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

/// The resource: `service.name` (`OTEL_SERVICE_NAME`, else
/// `OTEL_RESOURCE_ATTRIBUTES`' `service.name`, else `palisade`),
/// `service.version`, `host.name`, and the other
/// `OTEL_RESOURCE_ATTRIBUTES` entries.
fn resource(env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<(String, String)>, OtlpError> {
    let extra = match env("OTEL_RESOURCE_ATTRIBUTES").filter(|v| !v.trim().is_empty()) {
        Some(t) => parse_pairs(&t, "OTEL_RESOURCE_ATTRIBUTES")?,
        None => Vec::new(),
    };
    let from_extra = |k: &str| extra.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let name = env("OTEL_SERVICE_NAME")
        .filter(|v| !v.trim().is_empty())
        .or_else(|| from_extra("service.name"))
        .unwrap_or_else(|| "palisade".into());
    let host = from_extra("host.name").unwrap_or_else(|| {
        nix::unistd::gethostname()
            .ok()
            .and_then(|h| h.into_string().ok())
            .unwrap_or_default()
    });
    let mut out = vec![
        ("service.name".to_string(), name),
        (
            "service.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        ("host.name".to_string(), host),
    ];
    for (k, v) in extra {
        if !out.iter().any(|(n, _)| *n == k) {
            out.push((k, v));
        }
    }
    Ok(out)
}

/// Parses the W3C-baggage-like `key1=value1,key2=value2` lists of
/// `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`, values
/// percent-decoded.
fn parse_pairs(text: &str, from: &str) -> Result<Vec<(String, String)>, OtlpError> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return Err(OtlpError::Config {
                name: from.into(),
                message: format!("`{item}` is not key=value"),
            });
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(OtlpError::Config {
                name: from.into(),
                message: format!("`{item}` has an empty key"),
            });
        }
        out.push((k.to_string(), percent_decode(v.trim())));
    }
    Ok(out)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(n) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(n);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    fn both() -> Settings {
        Settings {
            logs: true,
            metrics: true,
            ..Settings::default()
        }
    }

    fn urls(t: &Target) -> (Option<&str>, Option<&str>) {
        (
            t.logs.as_ref().map(|d| d.url.as_str()),
            t.metrics.as_ref().map(|d| d.url.as_str()),
        )
    }

    #[test]
    fn endpoints_follow_the_exporter_spec() {
        // The generic variable gets the signal path appended, with one slash.
        for base in ["http://c:4318", "http://c:4318/"] {
            let t = Target::resolve(&both(), &env_of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", base)]))
                .unwrap();
            assert_eq!(
                urls(&t),
                (
                    Some("http://c:4318/v1/logs"),
                    Some("http://c:4318/v1/metrics")
                )
            );
        }
        // A per-signal variable is used as-is and beats the generic one.
        let t = Target::resolve(
            &both(),
            &env_of(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
                (
                    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
                    "https://logs.example/ingest",
                ),
            ]),
        )
        .unwrap();
        assert_eq!(
            urls(&t),
            (
                Some("https://logs.example/ingest"),
                Some("http://c:4318/v1/metrics")
            )
        );
        // Only a logs endpoint: metrics have nowhere to go and are not sent.
        let t = Target::resolve(
            &both(),
            &env_of(&[("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://l/v1/logs")]),
        )
        .unwrap();
        assert_eq!(urls(&t), (Some("http://l/v1/logs"), None));
        // Settings beat the environment.
        let s = Settings {
            endpoint: Some("http://127.0.0.1:9/base".into()),
            ..both()
        };
        let t = Target::resolve(
            &s,
            &env_of(&[("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://other/v1/logs")]),
        )
        .unwrap();
        assert_eq!(
            urls(&t),
            (
                Some("http://127.0.0.1:9/base/v1/logs"),
                Some("http://127.0.0.1:9/base/v1/metrics")
            )
        );
        // export = ["logs"].
        let t = Target::resolve(
            &Settings {
                metrics: false,
                ..s.clone()
            },
            &env_of(&[]),
        )
        .unwrap();
        assert_eq!(urls(&t), (Some("http://127.0.0.1:9/base/v1/logs"), None));
        assert!(matches!(
            Target::resolve(&both(), &env_of(&[])),
            Err(OtlpError::NoEndpoint)
        ));
        let e = Target::resolve(
            &both(),
            &env_of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "c:4318")]),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "OTEL_EXPORTER_OTLP_ENDPOINT: `c:4318/v1/logs` is not an http:// or https:// URL"
        );
    }

    #[test]
    fn protocol_headers_and_resource_come_from_the_environment() {
        let env = env_of(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf"),
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "authorization=Bearer%20t0k,x-team = sec ",
            ),
            ("OTEL_SERVICE_NAME", "palisade-ci"),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "deployment.environment=prod,service.name=ignored,host.name=build-7",
            ),
        ]);
        let mut s = both();
        s.headers.insert("x-team".into(), "from-config".into());
        s.headers.insert("x-config".into(), "1".into());
        let t = Target::resolve(&s, &env).unwrap();
        let logs = t.logs.unwrap();
        assert_eq!(logs.protocol, Protocol::HttpJson);
        assert_eq!(t.metrics.unwrap().protocol, Protocol::HttpProtobuf);
        assert_eq!(logs.headers["authorization"], "Bearer t0k");
        assert_eq!(logs.headers["x-team"], "sec");
        assert_eq!(logs.headers["x-config"], "1");
        assert_eq!(
            t.resource,
            vec![
                ("service.name".to_string(), "palisade-ci".to_string()),
                (
                    "service.version".to_string(),
                    env!("CARGO_PKG_VERSION").to_string()
                ),
                ("host.name".to_string(), "build-7".to_string()),
                ("deployment.environment".to_string(), "prod".to_string()),
            ]
        );
    }

    #[test]
    fn grpc_and_garbage_are_clear_errors() {
        let e = Target::resolve(
            &both(),
            &env_of(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ]),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("OTEL_EXPORTER_OTLP_PROTOCOL: `grpc` is not supported"),
            "{e}"
        );
        let e = Target::resolve(
            &both(),
            &env_of(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "novalue"),
            ]),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "OTEL_EXPORTER_OTLP_HEADERS: `novalue` is not key=value"
        );
    }
}
