//! The HTTP client under the OTLP exporters: ureq, synchronous, with the
//! platform's root certificates, so that the shipper needs no async
//! runtime (the exporters' futures complete on first poll).

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ureq::tls::{RootCerts, TlsConfig};

/// The largest collector response read: 4 MiB (what the SDK's own clients allow).
const MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

/// A blocking [`HttpClient`] over ureq. The exporter reduces transport
/// failures to "network error"; this keeps the last one so that the
/// shipper can say what went wrong (connection refused, timeout, TLS).
#[derive(Debug, Clone)]
pub(crate) struct UreqClient {
    agent: ureq::Agent,
    last_error: Arc<Mutex<Option<String>>>,
}

impl UreqClient {
    /// A client whose every request (connect, send, read) ends within
    /// `timeout`, through `proxy` when given (else the environment's).
    ///
    /// # Errors
    /// [`OtlpError::Config`] when `proxy` is not a proxy URL.
    pub(crate) fn new(timeout: Duration, proxy: Option<&str>) -> Result<Self, crate::OtlpError> {
        let mut config = ureq::Agent::config_builder();
        if let Some(p) = proxy {
            let p = ureq::Proxy::new(p).map_err(|e| crate::OtlpError::Config {
                name: "proxy".into(),
                message: format!("`{p}`: {e}"),
            })?;
            config = config.proxy(Some(p));
        }
        let agent = config
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .new_agent();
        Ok(UreqClient {
            agent,
            last_error: Arc::new(Mutex::new(None)),
        })
    }

    /// The last transport error, taken.
    pub(crate) fn take_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|mut e| e.take())
    }

    fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, ureq::Error> {
        let (parts, body) = request.into_parts();
        let mut resp = self.agent.run(Request::from_parts(parts, body.to_vec()))?;
        let status = resp.status();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()?;
        let mut out = Response::new(Bytes::from(body));
        *out.status_mut() = status;
        Ok(out)
    }
}

#[async_trait::async_trait]
impl HttpClient for UreqClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        self.send(request).map_err(|e| {
            if let Ok(mut last) = self.last_error.lock() {
                *last = Some(e.to_string());
            }
            Box::new(e) as HttpError
        })
    }
}
