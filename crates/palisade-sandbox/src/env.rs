//! Environment scrubbing: only allow-listed variables reach a sandboxed
//! command; everything else is dropped, and secret-looking names are
//! reported as such.

use std::ffi::{OsStr, OsString};

/// Variables passed by default: what shells and tools need to behave, none
/// of which holds a credential.
pub const ALLOWED: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "TERM",
    "COLORTERM",
    "LANG",
    "LANGUAGE",
    "TZ",
    "PWD",
    "TMPDIR",
    "NO_COLOR",
    "EDITOR",
    "PAGER",
    // Paths to CA certificates, needed by TLS clients behind a proxy.
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "GIT_SSL_CAINFO",
    "PIP_CERT",
    "AWS_CA_BUNDLE",
];

/// The outcome of [`scrub`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scrubbed {
    /// Variables to pass, in input order.
    pub kept: Vec<(OsString, OsString)>,
    /// Names dropped (never values), in input order.
    pub dropped: Vec<String>,
    /// Of `dropped`, the names that look like credentials ([`looks_secret`]).
    pub secret_looking: Vec<String>,
}

/// Keeps the variables named in [`ALLOWED`], the `LC_*` locale variables,
/// and those named in `pass`; drops the rest. A name in `pass` is kept even
/// if it looks like a secret: the user asked for it.
pub fn scrub(vars: impl IntoIterator<Item = (OsString, OsString)>, pass: &[String]) -> Scrubbed {
    let mut out = Scrubbed::default();
    for (name, value) in vars {
        let n = name.to_string_lossy();
        let keep = ALLOWED.contains(&n.as_ref())
            || n.starts_with("LC_")
            || pass.iter().any(|p| OsStr::new(p) == name);
        if keep {
            out.kept.push((name, value));
        } else {
            if looks_secret(&n) {
                out.secret_looking.push(n.to_string());
            }
            out.dropped.push(n.into_owned());
        }
    }
    out
}

/// Does a variable name look like it holds a credential: `*_TOKEN`,
/// `*_KEY`, `*SECRET*`, `*PASSWORD*`, `*PASSWD*`, `*CREDENTIAL*`, `*_AUTH`,
/// `*_PAT`, `AWS_*`, `*_API_KEY`, `*_SESSION`?
pub fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "CREDENTIAL",
        "PRIVATE_KEY",
        "API_KEY",
        "APIKEY",
    ]
    .iter()
    .any(|w| n.contains(w))
        || [
            "_TOKEN", "_KEY", "_AUTH", "_PAT", "_SESSION", "_PASS", "_PWD",
        ]
        .iter()
        .any(|s| n.ends_with(s))
        || n == "TOKEN"
        || n.starts_with("AWS_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn vars(list: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        list.iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect()
    }

    #[test]
    fn only_allowed_and_passed_names_are_kept() {
        let s = scrub(
            vars(&[
                ("PATH", "/bin"),
                ("GITHUB_TOKEN", "t"),
                ("LC_ALL", "C"),
                ("AWS_SECRET_ACCESS_KEY", "k"),
                ("FOO", "bar"),
                ("MY_DEPLOY_KEY", "d"),
            ]),
            &["FOO".to_string()],
        );
        let kept: Vec<_> = s
            .kept
            .iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert_eq!(kept, vec!["PATH", "LC_ALL", "FOO"]);
        assert_eq!(
            s.dropped,
            vec!["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "MY_DEPLOY_KEY"]
        );
        assert_eq!(s.secret_looking, s.dropped);
    }

    #[test]
    fn secret_looking_names() {
        for n in [
            "ANTHROPIC_API_KEY",
            "OPENAI_API_KEY",
            "NPM_TOKEN",
            "DB_PASSWORD",
            "AWS_REGION",
            "client_secret",
        ] {
            assert!(looks_secret(n), "{n}");
        }
        for n in [
            "PATH",
            "EDITOR",
            "KEYBOARD",
            "TOKENIZERS_PARALLELISM",
            "RUST_LOG",
        ] {
            assert!(!looks_secret(n), "{n}");
        }
    }
}
