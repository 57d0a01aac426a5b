//! A small OTLP/HTTP receiver for tests and benchmarks (feature
//! `receiver`): a std `TcpListener` on 127.0.0.1 that decodes what it gets
//! with the official protobuf definitions (`opentelemetry-proto`'s
//! generated types, prost for `application/x-protobuf`, serde for
//! `application/json`) and keeps it. It can be told to answer an error
//! status instead, to play a collector that refuses.
//!
//! Not for production: a thread per connection, no TLS, no limits.

pub use opentelemetry_proto::tonic as proto;
use prost::Message;
use proto::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use proto::collector::metrics::v1::{ExportMetricsServiceRequest, ExportMetricsServiceResponse};
use proto::logs::v1::LogRecord;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// The path (`/v1/logs`).
    pub path: String,
    /// Headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The status it was answered with.
    pub status: u16,
}

#[derive(Debug, Default)]
struct Got {
    requests: Vec<Request>,
    logs: Vec<ExportLogsServiceRequest>,
    metrics: Vec<ExportMetricsServiceRequest>,
}

/// A running receiver; stops when dropped.
#[derive(Debug)]
pub struct Receiver {
    addr: SocketAddr,
    got: Arc<Mutex<Got>>,
    status: Arc<AtomicU16>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Starts a receiver on a free port of 127.0.0.1.
    ///
    /// # Errors
    /// If it cannot listen.
    pub fn start() -> std::io::Result<Receiver> {
        Receiver::start_on(0)
    }

    /// Starts a receiver on 127.0.0.1:`port`.
    ///
    /// # Errors
    /// If it cannot listen.
    pub fn start_on(port: u16) -> std::io::Result<Receiver> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let got = Arc::new(Mutex::new(Got::default()));
        let status = Arc::new(AtomicU16::new(200));
        let stop = Arc::new(AtomicBool::new(false));
        let (g, s, st) = (got.clone(), status.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(c) = conn {
                    let (g, s) = (g.clone(), s.clone());
                    std::thread::spawn(move || serve(c, &g, &s));
                }
            }
        });
        Ok(Receiver {
            addr,
            got,
            status,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`: the base URL to give a shipper.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Answer every request with `code` from now on (200: accept).
    pub fn set_status(&self, code: u16) {
        self.status.store(code, Ordering::SeqCst);
    }

    /// Every request, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.got
            .lock()
            .map(|g| g.requests.clone())
            .unwrap_or_default()
    }

    /// The log export requests accepted (answered 2xx), in order.
    pub fn logs(&self) -> Vec<ExportLogsServiceRequest> {
        self.got.lock().map(|g| g.logs.clone()).unwrap_or_default()
    }

    /// The metric export requests accepted, in order.
    pub fn metrics(&self) -> Vec<ExportMetricsServiceRequest> {
        self.got
            .lock()
            .map(|g| g.metrics.clone())
            .unwrap_or_default()
    }

    /// What the accepted metric requests add up to.
    pub fn metric_totals(&self) -> MetricTotals {
        use proto::metrics::v1::metric::Data;
        use proto::metrics::v1::number_data_point::Value as Number;
        let mut t = MetricTotals {
            all_delta: true,
            ..MetricTotals::default()
        };
        let metrics = self
            .metrics()
            .into_iter()
            .flat_map(|r| r.resource_metrics)
            .flat_map(|r| r.scope_metrics)
            .flat_map(|s| s.metrics);
        for m in metrics {
            match (m.name.as_str(), m.data) {
                (crate::names::DECISIONS, Some(Data::Sum(sum))) => {
                    t.all_delta &= sum.aggregation_temporality == 1;
                    for p in sum.data_points {
                        let verdict = p
                            .attributes
                            .iter()
                            .find(|a| a.key == crate::names::VERDICT)
                            .and_then(|a| a.value.as_ref())
                            .and_then(|v| v.value.as_ref());
                        let verdict = match verdict {
                            Some(proto::common::v1::any_value::Value::StringValue(v)) => v.clone(),
                            _ => String::new(),
                        };
                        let n = match p.value {
                            Some(Number::AsInt(i)) => u64::try_from(i).unwrap_or(0),
                            _ => 0,
                        };
                        *t.decisions_by_verdict.entry(verdict).or_default() += n;
                    }
                }
                (crate::names::HOOK_DURATION, Some(Data::Histogram(h))) => {
                    if !t.duration_units.contains(&m.unit) {
                        t.duration_units.push(m.unit.clone());
                    }
                    t.durations += h.data_points.iter().map(|p| p.count).sum::<u64>();
                }
                (name, _) => t.unexpected.push(name.to_string()),
            }
        }
        t
    }

    /// Every accepted log record, in order.
    pub fn log_records(&self) -> Vec<LogRecord> {
        self.logs()
            .into_iter()
            .flat_map(|r| r.resource_logs)
            .flat_map(|r| r.scope_logs)
            .flat_map(|s| s.log_records)
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What the accepted metric requests add up to ([`Receiver::metric_totals`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricTotals {
    /// `palisade.decisions` summed by its `palisade.verdict` attribute.
    pub decisions_by_verdict: BTreeMap<String, u64>,
    /// The number of `palisade.hook.duration` histogram observations.
    pub durations: u64,
    /// Every `palisade.decisions` sum was delta (temporality 1).
    pub all_delta: bool,
    /// The units `palisade.hook.duration` came with.
    pub duration_units: Vec<String>,
    /// Names of metrics other than those two.
    pub unexpected: Vec<String>,
}

/// A string attribute of a log record, if it has one.
pub fn attr<'a>(r: &'a LogRecord, key: &str) -> Option<&'a proto::common::v1::any_value::Value> {
    r.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

/// Serves the requests of one connection (keep-alive) until it closes.
fn serve(conn: TcpStream, got: &Mutex<Got>, status: &AtomicU16) -> std::io::Result<()> {
    conn.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    conn.set_nodelay(true)?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        if headers
            .get("content-encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("gzip"))
        {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut plain)?;
            body = plain;
        }
        let json = headers
            .get("content-type")
            .is_some_and(|t| t.contains("json"));
        let mut code = status.load(Ordering::SeqCst);
        let mut reply = Vec::new();
        if (200..300).contains(&code) {
            let mut g = got
                .lock()
                .map_err(|_| std::io::Error::other("receiver state poisoned"))?;
            match path.as_str() {
                "/v1/logs" => match decode::<ExportLogsServiceRequest>(&body, json) {
                    Some(r) => {
                        g.logs.push(r);
                        reply = encode(&ExportLogsServiceResponse::default(), json);
                    }
                    None => code = 400,
                },
                "/v1/metrics" => match decode::<ExportMetricsServiceRequest>(&body, json) {
                    Some(r) => {
                        g.metrics.push(r);
                        reply = encode(&ExportMetricsServiceResponse::default(), json);
                    }
                    None => code = 400,
                },
                _ => code = 404,
            }
        }
        if let Ok(mut g) = got.lock() {
            g.requests.push(Request {
                path,
                headers,
                status: code,
            });
        }
        let ctype = if json {
            "application/json"
        } else {
            "application/x-protobuf"
        };
        // One write: a head and a body in two small writes meet Nagle's
        // algorithm and the client's delayed ACK (40 ms per request).
        let mut msg = format!(
            "HTTP/1.1 {code} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            reply.len()
        )
        .into_bytes();
        msg.extend_from_slice(&reply);
        out.write_all(&msg)?;
        out.flush()?;
    }
}

fn decode<T: Message + Default + serde::de::DeserializeOwned>(
    body: &[u8],
    json: bool,
) -> Option<T> {
    if json {
        serde_json::from_slice(body).ok()
    } else {
        T::decode(body).ok()
    }
}

fn encode<T: Message + serde::Serialize>(m: &T, json: bool) -> Vec<u8> {
    if json {
        serde_json::to_vec(m).unwrap_or_default()
    } else {
        m.encode_to_vec()
    }
}
