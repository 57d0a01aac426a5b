//! The shipper: reads the records after the cursor, exports them in
//! batches, and moves the cursor only over what the collector acknowledged.

use crate::client::UreqClient;
use crate::cursor::{Cursor, CursorFile};
use crate::mapping::{log_record, Instruments};
use crate::target::{Destination, Protocol, Target};
use crate::OtlpError;
use opentelemetry::logs::AnyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::InstrumentationScope;
use opentelemetry_otlp::{
    Compression, LogExporter, MetricExporter, RetryPolicy, WithExportConfig, WithHttpConfig,
};
use opentelemetry_sdk::error::OTelSdkError;
use opentelemetry_sdk::logs::{LogBatch, LogExporter as _, SdkLogRecord, SdkLoggerProvider};
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter as _;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{
    InstrumentKind, ManualReader, Pipeline, SdkMeterProvider, Temporality,
};
use opentelemetry_sdk::Resource;
use palisade_audit::{Kind, Log, Record, Stored};
use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

/// How a [`Shipper`] runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Records per export request (default 512).
    pub batch: usize,
    /// The deadline of one HTTP request (default 10 s).
    pub timeout: Duration,
    /// Gzip request bodies (`Content-Encoding: gzip`); when false,
    /// `OTEL_EXPORTER_OTLP_COMPRESSION` may still ask for it.
    pub gzip: bool,
    /// A proxy URL (`http://`, `https://`, `socks4://`, `socks5://`) to
    /// reach the collector through; `None`: the environment's
    /// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`, if any.
    pub proxy: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch: 512,
            timeout: Duration::from_secs(10),
            gzip: false,
            proxy: None,
        }
    }
}

/// What one [`Shipper::ship`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipped {
    /// Decision records acknowledged by the collector.
    pub records: u64,
    /// Export requests per signal.
    pub batches: u64,
    /// The cursor's seq afterwards.
    pub last_seq: u64,
}

/// What is waiting to be shipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Decision records after the cursor.
    pub records: u64,
    /// The cursor.
    pub cursor: Cursor,
}

/// A [`MetricReader`] that can be kept after the provider takes it, so
/// that the shipper collects (and sees the export's result) itself.
#[derive(Debug, Clone)]
struct SharedReader(Arc<ManualReader>);

impl MetricReader for SharedReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline);
    }
    fn collect(&self, rm: &mut ResourceMetrics) -> opentelemetry_sdk::error::OTelSdkResult {
        self.0.collect(rm)
    }
    fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        self.0.force_flush()
    }
    fn shutdown_with_timeout(&self, t: Duration) -> opentelemetry_sdk::error::OTelSdkResult {
        self.0.shutdown_with_timeout(t)
    }
    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

/// Ships one log to one target.
///
/// Delivery is at least once: a batch whose export succeeded but whose
/// cursor write did not (a crash between the two), or whose logs were
/// accepted but metrics refused, is sent again next time. Deduplicate on
/// `palisade.record.hash`.
pub struct Shipper {
    log: Log,
    target: Target,
    opts: Options,
    cursor: CursorFile,
    client: UreqClient,
    logs: Option<(LogExporter, String)>,
    metrics: Option<(MetricExporter, String)>,
    resource: Resource,
    scope: InstrumentationScope,
    logger_provider: SdkLoggerProvider,
}

impl std::fmt::Debug for Shipper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shipper")
            .field("log", &self.log.dir())
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

fn otlp_protocol(p: Protocol) -> opentelemetry_otlp::Protocol {
    match p {
        Protocol::HttpProtobuf => opentelemetry_otlp::Protocol::HttpBinary,
        Protocol::HttpJson => opentelemetry_otlp::Protocol::HttpJson,
    }
}

fn headers(d: &Destination) -> std::collections::HashMap<String, String> {
    d.headers.clone().into_iter().collect()
}

impl Shipper {
    /// A shipper of `log` to `target`; its cursor lives in the log's
    /// directory, named for the target ([`Target::key`]).
    ///
    /// # Errors
    /// [`OtlpError::Build`] if an exporter cannot be built (for instance
    /// `OTEL_EXPORTER_OTLP_COMPRESSION` asks for a compression this build
    /// does not have).
    pub fn new(log: Log, target: Target, opts: Options) -> Result<Shipper, OtlpError> {
        let client = UreqClient::new(opts.timeout, opts.proxy.as_deref())?;
        let resource = Resource::builder_empty()
            .with_attributes(
                target
                    .resource
                    .iter()
                    .map(|(k, v)| opentelemetry::KeyValue::new(k.clone(), v.clone())),
            )
            .build();
        let logs = match &target.logs {
            None => None,
            Some(d) => {
                let b = LogExporter::builder()
                    .with_http()
                    .with_http_client(client.clone())
                    .with_endpoint(d.url.clone())
                    .with_protocol(otlp_protocol(d.protocol))
                    .with_headers(headers(d))
                    .with_timeout(opts.timeout)
                    .with_retry_policy(RetryPolicy::disabled());
                let b = if opts.gzip {
                    b.with_compression(Compression::Gzip)
                } else {
                    b
                };
                let mut e = b.build().map_err(|e| OtlpError::Build {
                    signal: "logs",
                    message: e.to_string(),
                })?;
                e.set_resource(&resource);
                Some((e, d.url.clone()))
            }
        };
        let metrics = match &target.metrics {
            None => None,
            Some(d) => Some((
                {
                    let b = MetricExporter::builder()
                        .with_http()
                        .with_http_client(client.clone())
                        .with_endpoint(d.url.clone())
                        .with_protocol(otlp_protocol(d.protocol))
                        .with_headers(headers(d))
                        .with_timeout(opts.timeout)
                        .with_retry_policy(RetryPolicy::disabled());
                    if opts.gzip {
                        b.with_compression(Compression::Gzip)
                    } else {
                        b
                    }
                }
                // Delta: each run of the short-lived shipper reports the
                // decisions it ships; a cumulative sum would restart at
                // zero with every process.
                .with_temporality(Temporality::Delta)
                .build()
                .map_err(|e| OtlpError::Build {
                    signal: "metrics",
                    message: e.to_string(),
                })?,
                d.url.clone(),
            )),
        };
        let scope = InstrumentationScope::builder("palisade")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build();
        let logger_provider = SdkLoggerProvider::builder()
            .with_resource(resource.clone())
            .build();
        Ok(Shipper {
            cursor: CursorFile::new(log.dir(), &target.key()),
            log,
            target,
            opts,
            client,
            logs,
            metrics,
            resource,
            scope,
            logger_provider,
        })
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The cursor file.
    pub fn cursor_file(&self) -> &CursorFile {
        &self.cursor
    }

    /// The records after the cursor, oldest first (decisions and seals).
    ///
    /// # Errors
    /// [`OtlpError::CursorMismatch`] if the cursor's record is missing or
    /// has another hash; [`OtlpError::Audit`] if the log cannot be read.
    pub fn unsent(&self) -> Result<(Cursor, Vec<Stored>), OtlpError> {
        let cur = self.cursor.load()?;
        let all = self.log.read(cur.segment.max(1))?;
        if cur.seq > 0 {
            let why = match all.iter().find(|s| s.record.seq == cur.seq) {
                Some(s) if s.record.hash == cur.hash => None,
                Some(_) => Some(format!(
                    "record {} has another hash (the log was replaced or edited; `palisade log verify` says more)",
                    cur.seq
                )),
                None => Some(format!(
                    "the log has no record {} (was it reset or moved?)",
                    cur.seq
                )),
            };
            if let Some(why) = why {
                return Err(OtlpError::CursorMismatch {
                    path: self.cursor.path().to_path_buf(),
                    seq: cur.seq,
                    why,
                });
            }
        }
        let rest = all.into_iter().filter(|s| s.record.seq > cur.seq).collect();
        Ok((cur, rest))
    }

    /// Every record of the log, as [`Shipper::unsent`] would return them
    /// after [`Shipper::reset`] (for a dry run of `--from-start`).
    ///
    /// # Errors
    /// [`OtlpError::Audit`] if the log cannot be read.
    pub fn unsent_from_start(&self) -> Result<Vec<Stored>, OtlpError> {
        Ok(self.log.read(1)?)
    }

    /// How many decision records wait to be shipped.
    ///
    /// # Errors
    /// As [`Shipper::unsent`].
    pub fn pending(&self) -> Result<Pending, OtlpError> {
        let (cursor, rest) = self.unsent()?;
        let records = rest
            .iter()
            .filter(|s| s.record.kind == Kind::Decision)
            .count() as u64;
        Ok(Pending { records, cursor })
    }

    /// Forgets the cursor, so that the next [`Shipper::ship`] sends the
    /// whole log again.
    ///
    /// # Errors
    /// [`OtlpError::Io`], [`OtlpError::Busy`].
    pub fn reset(&self) -> Result<(), OtlpError> {
        let _lock = self.cursor.lock(false)?;
        self.cursor.store(&Cursor {
            target: self.target.describe(),
            segment: 1,
            ..Cursor::default()
        })
    }

    /// Ships every record after the cursor, `batch` at a time; after
    /// each batch that the collector acknowledged (every configured
    /// signal answered 2xx), moves the cursor past it. Seals are not
    /// exported; the cursor moves over them.
    ///
    /// `wait`: wait for another shipper of the same target to finish
    /// instead of failing with [`OtlpError::Busy`].
    ///
    /// # Errors
    /// [`OtlpError::Export`] when the collector is unreachable or refuses
    /// a batch: the batches before it stay shipped, nothing after is lost.
    /// Also the errors of [`Shipper::unsent`] and [`CursorFile::lock`].
    pub fn ship(&self, wait: bool) -> Result<Shipped, OtlpError> {
        let _lock = self.cursor.lock(wait)?;
        let (mut cur, rest) = self.unsent()?;
        cur.target = self.target.describe();
        let mut done = Shipped {
            last_seq: cur.seq,
            ..Shipped::default()
        };
        for chunk in rest.chunks(self.opts.batch.max(1)) {
            let decisions: Vec<&Record> = chunk
                .iter()
                .map(|s| &s.record)
                .filter(|r| r.kind == Kind::Decision)
                .collect();
            if !decisions.is_empty() {
                self.export(&decisions)?;
                done.batches += 1;
            }
            if let Some(last) = chunk.last() {
                cur.seq = last.record.seq;
                cur.hash.clone_from(&last.record.hash);
                cur.segment = last.segment;
            }
            cur.shipped += decisions.len() as u64;
            cur.unix_ms = unix_ms_now();
            self.cursor.store(&cur)?;
            done.records += decisions.len() as u64;
            done.last_seq = cur.seq;
        }
        Ok(done)
    }

    /// Exports one batch of decisions: logs, then metrics.
    fn export(&self, decisions: &[&Record]) -> Result<(), OtlpError> {
        if let Some((exporter, url)) = &self.logs {
            let records = self.log_records(decisions);
            let pairs: Vec<(&SdkLogRecord, &InstrumentationScope)> =
                records.iter().map(|r| (r, &self.scope)).collect();
            futures_executor::block_on(exporter.export(LogBatch::new(&pairs)))
                .map_err(|e| self.failed("logs", url, e))?;
        }
        if let Some((exporter, url)) = &self.metrics {
            let rm = self
                .metrics_of(decisions)
                .map_err(|e| self.failed("metrics", url, e))?;
            futures_executor::block_on(exporter.export(&rm))
                .map_err(|e| self.failed("metrics", url, e))?;
        }
        Ok(())
    }

    fn log_records(&self, decisions: &[&Record]) -> Vec<SdkLogRecord> {
        use opentelemetry::logs::LoggerProvider as _;
        let logger = self.logger_provider.logger_with_scope(self.scope.clone());
        let now = SystemTime::now();
        decisions
            .iter()
            .map(|r| log_record(&logger, r, now))
            .collect()
    }

    /// The metrics of a batch, from a fresh delta provider: one counter
    /// point per (verdict, rule, agent), one histogram per (verdict, agent).
    fn metrics_of(&self, decisions: &[&Record]) -> Result<ResourceMetrics, OTelSdkError> {
        let reader = Arc::new(
            ManualReader::builder()
                .with_temporality(Temporality::Delta)
                .build(),
        );
        let provider = SdkMeterProvider::builder()
            .with_resource(self.resource.clone())
            .with_reader(SharedReader(reader.clone()))
            .build();
        let instruments = Instruments::new(&provider.meter_with_scope(self.scope.clone()));
        for r in decisions {
            instruments.record(r);
        }
        let mut rm = ResourceMetrics::default();
        reader.collect(&mut rm)?;
        let _ = provider.shutdown();
        Ok(rm)
    }

    fn failed(&self, signal: &'static str, url: &str, e: OTelSdkError) -> OtlpError {
        let message = match self.client.take_error() {
            Some(transport) => transport,
            None => e.to_string(),
        };
        OtlpError::Export {
            signal,
            url: url.to_string(),
            message,
        }
    }

    /// What would be sent for `r` as a log record, as JSON: `time_unix_ms`,
    /// `severity`, `body`, `attributes` (for `--dry-run`).
    pub fn preview(&self, r: &Record) -> serde_json::Value {
        let rec = self
            .log_records(&[r])
            .pop()
            .unwrap_or_else(|| unreachable_record(&self.logger_provider));
        let mut attrs = serde_json::Map::new();
        for (k, v) in rec.attributes_iter() {
            attrs.insert(k.to_string(), any_to_json(v));
        }
        serde_json::json!({
            "time_unix_ms": r.unix_ms,
            "severity": rec.severity_text().unwrap_or_default(),
            "body": rec.body().map(any_to_json).unwrap_or_default(),
            "attributes": attrs,
        })
    }
}

/// An empty record: `log_records` of one record returns one, so this
/// is never used; it keeps [`Shipper::preview`] free of `expect`.
fn unreachable_record(p: &SdkLoggerProvider) -> SdkLogRecord {
    use opentelemetry::logs::{Logger as _, LoggerProvider as _};
    p.logger("palisade").create_log_record()
}

fn any_to_json(v: &AnyValue) -> serde_json::Value {
    match v {
        AnyValue::Int(i) => (*i).into(),
        AnyValue::Double(d) => (*d).into(),
        AnyValue::String(s) => s.as_str().into(),
        AnyValue::Boolean(b) => (*b).into(),
        AnyValue::Bytes(b) => hex::encode(b.as_slice()).into(),
        AnyValue::ListAny(l) => l.iter().map(any_to_json).collect(),
        AnyValue::Map(m) => m
            .iter()
            .map(|(k, v)| (k.to_string(), any_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        _ => serde_json::Value::Null,
    }
}

fn unix_ms_now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
