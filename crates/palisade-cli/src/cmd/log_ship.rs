//! `palisade log ship`: send the audit log to an OpenTelemetry collector.

use palisade_audit::Kind;
use palisade_otlp::{Options, OtlpError, Protocol, Settings, Shipper, Target};
use std::time::Duration;

/// Send decisions to an OpenTelemetry collector as OTLP log records and
/// metrics (issue #8; docs/TELEMETRY.md).
///
/// The hook only appends to the local log; this sends what the collector
/// has not yet acknowledged and remembers how far it got (a cursor in the
/// log directory, one per collector). If the collector is down, nothing
/// is lost: the records wait and the next run sends them. Delivery is at
/// least once; deduplicate on the attribute palisade.record.hash.
///
/// Where to send, first found: --endpoint; [telemetry] otlp_endpoint in
/// the managed or user palisade.toml; OTEL_EXPORTER_OTLP_LOGS_ENDPOINT /
/// OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (as-is); OTEL_EXPORTER_OTLP_ENDPOINT
/// (+ /v1/logs, /v1/metrics). Also read: OTEL_EXPORTER_OTLP_HEADERS,
/// OTEL_EXPORTER_OTLP_PROTOCOL (http/protobuf or http/json; no grpc),
/// OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES.
///
/// Examples:
///   palisade log ship --endpoint http://127.0.0.1:4318
///   OTEL_EXPORTER_OTLP_ENDPOINT=https://otel.example.com:4318 \
///     OTEL_EXPORTER_OTLP_HEADERS='authorization=Bearer%20T0KEN' palisade log ship
///   palisade log ship --status                 how many records wait
///   palisade log ship --dry-run --format json  what would be sent
///   palisade log ship --follow --interval 10   keep shipping; back off while it is down
///   palisade log ship --from-start             send the whole log again
///
/// Exit codes: 0 shipped (or nothing to ship); 1 the collector did not
/// acknowledge (nothing lost); 2 usage or configuration error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ShipArgs {
    /// The collector's OTLP/HTTP base URL (http://host:4318).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// http/protobuf (default) or http/json.
    #[arg(long, value_name = "PROTOCOL")]
    protocol: Option<String>,
    /// Keep shipping new records until interrupted.
    #[arg(long)]
    follow: bool,
    /// Seconds between rounds with --follow (default: [telemetry]
    /// interval, else 10); doubles, up to 5 minutes, while the collector
    /// is down.
    #[arg(long, value_name = "SECONDS")]
    interval: Option<u64>,
    /// Records per export request.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    batch: u64,
    /// Seconds before one request gives up (default: OTEL_EXPORTER_OTLP_TIMEOUT,
    /// in milliseconds as the OTLP exporter specification says, else 10 s).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Forget the cursor and send the whole log again.
    #[arg(long)]
    from_start: bool,
    /// Print what would be sent; send nothing, move nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print how many records wait to be sent, and where they would go.
    #[arg(long, conflicts_with_all = ["dry_run", "follow", "from_start"])]
    status: bool,
    /// Output of --dry-run and --status.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Started by the hook: quiet, and exit at once if another shipper runs.
    #[arg(long, hide = true)]
    background: bool,
}

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// Lines of text.
    Human,
    /// JSON.
    Json,
}

/// The per-request timeout: `--timeout` seconds, else
/// `OTEL_EXPORTER_OTLP_TIMEOUT` milliseconds (OTLP exporter specification,
/// "Configuration Options"), else 10 s; at least 1 s.
///
/// # Errors
/// When the variable is set but is not a whole number of milliseconds.
fn timeout(flag: Option<u64>, env: Option<String>) -> anyhow::Result<Duration> {
    let d = match (
        flag,
        env.as_deref().map(str::trim).filter(|v| !v.is_empty()),
    ) {
        (Some(secs), _) => Duration::from_secs(secs),
        (None, Some(ms)) => Duration::from_millis(ms.parse().map_err(|_| {
            anyhow::anyhow!("OTEL_EXPORTER_OTLP_TIMEOUT=`{ms}`: not a whole number of milliseconds")
        })?),
        (None, None) => Duration::from_secs(10),
    };
    Ok(d.max(Duration::from_secs(1)))
}

/// Warns about a compression the exporter will ignore: the OTLP exporter
/// specification has SDKs ignore an unknown `OTEL_EXPORTER_OTLP_COMPRESSION`
/// (`gzip` and `none` are known; this build has no zstd), which would
/// otherwise go unnoticed.
fn warn_unknown_compression(var: &dyn Fn(&str) -> Option<String>) {
    for name in [
        "OTEL_EXPORTER_OTLP_COMPRESSION",
        "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION",
        "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
    ] {
        if let Some(v) = var(name) {
            let v = v.trim();
            if !v.is_empty() && !v.eq_ignore_ascii_case("gzip") && !v.eq_ignore_ascii_case("none") {
                eprintln!(
                    "palisade: warning: {name}=`{v}` is not gzip or none: sending uncompressed"
                );
            }
        }
    }
}

/// Runs `palisade log ship`: `opts` locate the managed and user palisade.toml
/// (for `[telemetry]`), `log_of` opens the log once a target is known.
pub fn run(
    s: &ShipArgs,
    opts: &palisade_policy::LoadOptions,
    log_of: impl FnOnce() -> anyhow::Result<palisade_audit::Log>,
) -> anyhow::Result<u8> {
    let (_, tel, warnings) = palisade_policy::load_audit_and_telemetry(opts)?;
    for w in warnings {
        eprintln!("palisade: warning: {w}");
    }
    let protocol = match &s.protocol {
        Some(p) => Some(Protocol::parse(p, "--protocol")?),
        None => tel.protocol.map(|p| match p {
            palisade_policy::OtlpProtocol::HttpProtobuf => Protocol::HttpProtobuf,
            palisade_policy::OtlpProtocol::HttpJson => Protocol::HttpJson,
        }),
    };
    let settings = Settings {
        endpoint: s.endpoint.clone().or(tel.otlp_endpoint.clone()),
        protocol,
        headers: tel.headers.clone(),
        logs: tel.logs,
        metrics: tel.metrics,
    };
    warn_unknown_compression(&|k| std::env::var(k).ok());
    let target = match Target::resolve(&settings, &|k| std::env::var(k).ok()) {
        Err(OtlpError::NoEndpoint) if s.background => return Ok(crate::exit::OK),
        r => r?,
    };
    let log = log_of()?;
    let shipper = Shipper::new(
        log,
        target,
        Options {
            batch: s.batch as usize,
            timeout: timeout(s.timeout, std::env::var("OTEL_EXPORTER_OTLP_TIMEOUT").ok())?,
            gzip: tel.gzip == Some(true),
            proxy: tel.proxy.clone(),
        },
    )?;
    if s.status {
        return status(&shipper, s.format);
    }
    if s.from_start && !s.dry_run {
        shipper.reset()?;
    }
    if s.dry_run {
        return dry_run(&shipper, s);
    }
    let every = Duration::from_secs(s.interval.unwrap_or(tel.interval.as_secs()).max(1));
    let mut delay = every;
    let mut was_down = false;
    loop {
        match shipper.ship(!s.background) {
            Ok(done) => {
                if !s.background && (done.records > 0 || !s.follow) {
                    eprintln!(
                        "palisade: shipped {} records to {} (cursor at seq {})",
                        done.records,
                        shipper.target().describe(),
                        done.last_seq
                    );
                } else if was_down {
                    eprintln!("palisade: the collector is back");
                }
                was_down = false;
                delay = every;
            }
            Err(OtlpError::Busy { .. }) if s.background => return Ok(crate::exit::OK),
            Err(e @ OtlpError::Export { .. }) => {
                let waiting = shipper.pending().map(|p| p.records).unwrap_or(0);
                let repeat = s.follow && was_down;
                if !s.background && !repeat {
                    eprintln!("palisade: error: {e}");
                    eprintln!(
                        "palisade: nothing lost; {waiting} records waiting, will be re-sent by the next `palisade log ship`{}",
                        if s.follow { " (retrying with back-off)" } else { "" }
                    );
                }
                if !s.follow {
                    return Ok(crate::exit::DENY);
                }
                was_down = true;
                delay = (delay * 2).min(Duration::from_secs(300));
            }
            Err(e @ OtlpError::CursorMismatch { .. }) => {
                return Err(anyhow::Error::new(e).context(
                    "not shipping: `palisade log ship --from-start` sends the whole log again",
                ))
            }
            Err(e) => return Err(e.into()),
        }
        if !s.follow {
            return Ok(crate::exit::OK);
        }
        std::thread::sleep(if was_down { delay } else { every });
    }
}

fn status(shipper: &Shipper, format: Format) -> anyhow::Result<u8> {
    let p = shipper.pending()?;
    match format {
        Format::Json => out!(
            "{}",
            serde_json::json!({
                "waiting": p.records,
                "cursor_seq": p.cursor.seq,
                "shipped": p.cursor.shipped,
                "last_shipped_unix_ms": p.cursor.unix_ms,
                "logs_endpoint": shipper.target().logs.as_ref().map(|d| &d.url),
                "metrics_endpoint": shipper.target().metrics.as_ref().map(|d| &d.url),
                "cursor_file": shipper.cursor_file().path(),
            })
        ),
        Format::Human => out!(
            "{} records waiting for {} (cursor at seq {}, {} shipped so far)",
            p.records,
            shipper.target().describe(),
            p.cursor.seq,
            p.cursor.shipped
        ),
    }
    Ok(crate::exit::OK)
}

fn dry_run(shipper: &Shipper, s: &ShipArgs) -> anyhow::Result<u8> {
    let rest = if s.from_start {
        shipper.unsent_from_start()?
    } else {
        shipper.unsent()?.1
    };
    let mut n = 0;
    for st in rest.iter().filter(|st| st.record.kind == Kind::Decision) {
        n += 1;
        let p = shipper.preview(&st.record);
        match s.format {
            Format::Json => out!("{p}"),
            Format::Human => out!(
                "#{}  {}  {}",
                st.record.seq,
                p["severity"].as_str().unwrap_or_default(),
                p["body"].as_str().unwrap_or_default()
            ),
        }
    }
    eprintln!(
        "palisade: dry run: {n} records would be sent to {}",
        shipper.target().describe()
    );
    Ok(crate::exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_from_flag_env_or_default() {
        assert_eq!(
            timeout(Some(3), Some("500".into())).unwrap(),
            Duration::from_secs(3)
        );
        assert_eq!(
            timeout(None, Some("2500".into())).unwrap(),
            Duration::from_millis(2500)
        );
        assert_eq!(
            timeout(None, Some("10".into())).unwrap(),
            Duration::from_secs(1)
        );
        assert_eq!(timeout(None, None).unwrap(), Duration::from_secs(10));
        assert_eq!(
            timeout(None, Some(" ".into())).unwrap(),
            Duration::from_secs(10)
        );
        assert!(timeout(None, Some("5s".into())).is_err());
    }
}
