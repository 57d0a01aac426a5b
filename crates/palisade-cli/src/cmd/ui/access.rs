//! Who may use the dashboard: the token, the Host check and the headers
//! every response carries.

/// Bytes of randomness in a token (hex-encoded to twice as many characters).
const TOKEN_BYTES: usize = 32;

/// The headers on every response, errors included. The policy forbids
/// inline script and style and any other origin: the page's script and
/// style are separate files from this server, and everything the log holds
/// is written into the page as text.
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
];

/// A fresh token: 32 bytes from the OS's random source, as 64 hex digits.
///
/// # Errors
/// If the OS has no random source to read.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("reading the OS's random source: {e}"))?;
    Ok(hex::encode(bytes))
}

/// Whether `given` equals `token`, in time that does not depend on where
/// they first differ (only on their lengths, which are public).
pub fn token_matches(given: &str, token: &str) -> bool {
    let (a, b) = (given.as_bytes(), token.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a `Host` header names this server as a browser on this machine
/// addresses it: `127.0.0.1:PORT` or `localhost:PORT`. Anything else is a
/// page on another name that resolves to 127.0.0.1 (DNS rebinding) or a
/// proxy, and is refused.
pub fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return false };
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    p == port.to_string() && (name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost"))
}

/// The token an API call carries: `Authorization: Bearer TOKEN` or
/// `X-Palisade-Token: TOKEN`.
pub fn bearer<'a>(authorization: Option<&'a str>, x_token: Option<&'a str>) -> Option<&'a str> {
    authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .or(x_token)
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn token_comparison() {
        assert!(token_matches("abcd", "abcd"));
        assert!(!token_matches("abce", "abcd"));
        assert!(!token_matches("abc", "abcd"));
        assert!(!token_matches("", "abcd"));
    }

    #[test]
    fn hosts() {
        for ok in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080"] {
            assert!(host_allowed(Some(ok), 8080), "{ok}");
        }
        for bad in [
            None,
            Some("127.0.0.1"),
            Some("127.0.0.1:8081"),
            Some("evil.test:8080"),
            Some("localhost.evil.test:8080"),
            Some("[::1]:8080"),
            Some("127.0.0.2:8080"),
        ] {
            assert!(!host_allowed(bad, 8080), "{bad:?}");
        }
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer(Some("Bearer t"), None), Some("t"));
        assert_eq!(bearer(None, Some("t")), Some("t"));
        assert_eq!(bearer(Some("Basic t"), None), None);
        assert_eq!(bearer(None, None), None);
    }
}
