//! A request's path and query parameters, percent-decoded.

/// The path and the decoded `name=value` pairs of a request target such as
/// `/api/decisions?verdict=deny&path=%2Fsrv`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// The path, undecoded (`/api/decisions`).
    pub path: String,
    /// The query's pairs in order; `+` is a space.
    pub params: Vec<(String, String)>,
}

impl Target {
    /// Splits and decodes `url` (the request line's target).
    pub fn parse(url: &str) -> Target {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let params = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        Target {
            path: path.to_string(),
            params,
        }
    }

    /// The first value of parameter `name`, if given and not empty.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// Percent-decodes `s` as a form value (`+` is a space; RFC 3986
/// section 2.1 escapes, via the `percent-encoding` crate); invalid escapes
/// stay as they are, and bytes that are not UTF-8 become U+FFFD.
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn targets() {
        let t = Target::parse("/api/decisions?verdict=deny&path=%2Fsrv+x&bad=%zz&end=%4");
        assert_eq!(t.path, "/api/decisions");
        assert_eq!(t.param("verdict"), Some("deny"));
        assert_eq!(t.param("path"), Some("/srv x"));
        assert_eq!(t.param("bad"), Some("%zz"));
        assert_eq!(t.param("end"), Some("%4"));
        assert_eq!(t.param("none"), None);
        assert_eq!(Target::parse("/").params, vec![]);
        assert_eq!(Target::parse("/?a=&b").param("a"), None);
        assert_eq!(Target::parse("/?q=%C3%A9%FF").param("q"), Some("é\u{fffd}"));
    }

    proptest::proptest! {
        /// Any request target parses without panicking, and a value
        /// encoded as a browser would encode it comes back unchanged.
        #[test]
        fn any_target_parses_and_values_round_trip(raw in ".*", value in ".*") {
            let _ = Target::parse(&raw);
            let encoded: String =
                percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            let t = Target::parse(&format!("/api/decisions?path={encoded}"));
            proptest::prop_assert_eq!(t.param("path").unwrap_or(""), value.as_str());
        }
    }
}
