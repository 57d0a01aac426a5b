//! Ships Palisade's audit log to an OpenTelemetry collector (issue #8):
//! each decision as an OTLP log record with semantic attributes, and as
//! metrics (`palisade.decisions` by verdict, rule and agent;
//! `palisade.hook.duration`), over OTLP/HTTP (protobuf or JSON).
//!
//! ```
//! use palisade_otlp::{Settings, Target};
//!
//! // Where to send: settings first, then the standard OTEL_* variables.
//! let env = |k: &str| (k == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://127.0.0.1:4318".to_string());
//! let settings = Settings { logs: true, metrics: true, ..Settings::default() };
//! let target = Target::resolve(&settings, &env).unwrap();
//! assert_eq!(target.logs.unwrap().url, "http://127.0.0.1:4318/v1/logs");
//! assert_eq!(target.metrics.unwrap().url, "http://127.0.0.1:4318/v1/metrics");
//! assert_eq!(target.resource[0], ("service.name".to_string(), "palisade".to_string()));
//! ```
//!
//! # Design
//!
//! **Never on the hook's path.** The hook only appends to the local log;
//! a [`Shipper`] (`palisade log ship`) reads the records after its
//! cursor, exports a batch, and moves the cursor only when every
//! configured signal was acknowledged (HTTP 2xx). A collector outage
//! leaves the records in the log and the cursor where it was; the next
//! run sends them. Delivery is *at least once*: a crash between an
//! acknowledged export and the cursor write, or logs accepted and
//! metrics refused, sends a batch again, so deduplicate on
//! `palisade.record.hash`.
//!
//! **The exporters are called directly.** The SDK's batch processors
//! swallow export errors, so the shipper builds
//! `opentelemetry_otlp::LogExporter` / `MetricExporter` and awaits their
//! `export` itself, with retries disabled (the cursor is the retry).
//! Metrics come from a fresh delta-temporality provider per batch, read
//! with a manual reader, so that a failed batch is recounted, not lost,
//! and a short-lived shipper never reports cumulative sums that restart
//! at zero with each process.
//!
//! **No async runtime, no gRPC.** The HTTP client is ureq (synchronous,
//! rustls with the platform's roots), behind the SDK's `HttpClient`
//! trait; `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` is a clear error.
#![deny(missing_docs)]

mod client;
mod cursor;
mod error;
mod mapping;
#[cfg(feature = "receiver")]
pub mod receiver;
mod ship;
mod target;

pub use cursor::{Cursor, CursorFile};
pub use error::OtlpError;
pub use mapping::{names, severity, summary, DURATION_BOUNDS};
pub use ship::{Options, Pending, Shipped, Shipper};
pub use target::{Destination, Protocol, Settings, Target};
