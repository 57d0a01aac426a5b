//! GET requests under one total deadline, mapped onto [`RegistryError`].

use std::io;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use ureq::tls::{RootCerts, TlsConfig};
use ureq::Agent;

use super::{PackageFacts, RegistryConfig, RegistryError};
use crate::Ecosystem;

/// The largest metadata document read, in bytes after decompression:
/// 100 MiB. The biggest npm packuments are tens of MiB.
const MAX_BODY: u64 = 100 * 1024 * 1024;

/// What a GET returned.
pub(super) enum Fetched {
    /// 200 with this body.
    Body(Vec<u8>),
    /// 404 or 410: the registry does not have it.
    NotFound,
}

/// The process's one agent, built on the first request (a warm-cache
/// look-up never pays for it) and then shared, so that several look-ups
/// in one process reuse connections and the platform's root certificates.
static AGENT: OnceLock<Agent> = OnceLock::new();

fn agent() -> &'static Agent {
    AGENT.get_or_init(|| {
        Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(5)
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .new_agent()
    })
}

/// An HTTP client for one [`facts`](super::facts) call: every request
/// shares the deadline `started + config.timeout`.
pub(super) struct Client<'a> {
    config: &'a RegistryConfig,
    deadline: Instant,
}

impl<'a> Client<'a> {
    /// A client whose deadline is `started + config.timeout`.
    pub(super) fn new(config: &'a RegistryConfig, started: Instant) -> Self {
        Client {
            config,
            deadline: started + config.timeout,
        }
    }

    /// GETs `url` with `Accept: application/json` and the configured
    /// `User-Agent`, following up to five redirects. Proxies named by
    /// `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` are honoured, except for
    /// loopback hosts.
    ///
    /// # Errors
    /// [`RegistryError::Timeout`] past the deadline,
    /// [`RegistryError::Unreachable`] for transport failures, 5xx and 429,
    /// [`RegistryError::BadResponse`] for other statuses and oversized
    /// bodies.
    pub(super) fn get(&mut self, url: &str) -> Result<Fetched, RegistryError> {
        let timeout = self.config.timeout;
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(RegistryError::Timeout {
                url: url.to_owned(),
                timeout,
            });
        }
        let fail = |e: ureq::Error| map_error(url, timeout, e);
        let request = agent()
            .get(url)
            .header("Accept", "application/json")
            .header("User-Agent", self.config.user_agent.as_str())
            .config()
            .timeout_global(Some(remaining));
        let request = if is_loopback(url) {
            request.proxy(None)
        } else {
            request
        };
        let mut response = request.build().call().map_err(fail)?;
        let status = response.status().as_u16();
        match status {
            200 => {}
            404 | 410 => return Ok(Fetched::NotFound),
            429 | 500..=599 => {
                return Err(RegistryError::Unreachable {
                    url: url.to_owned(),
                    reason: format!("HTTP {status}"),
                })
            }
            _ => {
                return Err(RegistryError::BadResponse {
                    url: url.to_owned(),
                    reason: format!("HTTP {status}"),
                })
            }
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(fail)?;
        Ok(Fetched::Body(body))
    }

    /// GETs `url` for the facts of `name`: absent facts for a 404 or 410,
    /// else what `parse` makes of the body (given the fetch time); a body
    /// that does not parse is [`RegistryError::BadResponse`].
    ///
    /// # Errors
    /// As [`Client::get`], and a body `parse` refuses.
    pub(super) fn facts(
        &mut self,
        url: String,
        ecosystem: Ecosystem,
        name: &str,
        parse: impl FnOnce(&[u8], SystemTime) -> Result<PackageFacts, String>,
    ) -> Result<PackageFacts, RegistryError> {
        let fetched_at = SystemTime::now();
        match self.get(&url)? {
            Fetched::NotFound => Ok(PackageFacts::absent(ecosystem, name, fetched_at)),
            Fetched::Body(body) => parse(&body, fetched_at)
                .map_err(|reason| RegistryError::BadResponse { url, reason }),
        }
    }
}

/// True for `http(s)://127.x.x.x`, `localhost` and `[::1]` URLs: a mock
/// or local mirror, never to be sent through a proxy.
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(h, _)| h)
            .trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn map_error(url: &str, timeout: Duration, error: ureq::Error) -> RegistryError {
    let url = url.to_owned();
    match error {
        ureq::Error::Timeout(_) => RegistryError::Timeout { url, timeout },
        ureq::Error::Io(e) if e.kind() == io::ErrorKind::TimedOut => {
            RegistryError::Timeout { url, timeout }
        }
        ureq::Error::BodyExceedsLimit(limit) => RegistryError::BadResponse {
            url,
            reason: format!("body larger than {limit} bytes"),
        },
        other => RegistryError::Unreachable {
            url,
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080/npm",
            "http://localhost/x",
            "http://[::1]:9/x",
            "http://127.1.2.3",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://registry.npmjs.org",
            "http://127.0.0.1.evil.test/",
            "http://user@10.0.0.1/",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}
