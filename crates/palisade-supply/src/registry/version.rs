//! Just enough version arithmetic to pick "the newest" and to tell an
//! exact version from a range. Not a semver or PEP 440 implementation:
//! ranges are never evaluated (see [`Resolution`](super::Resolution)).

use std::cmp::Ordering;

/// A dotted numeric version: `1.2.3`, `v1.2.3`, `1.2.3-beta.1+build`,
/// RubyGems' `1.2.3.4` and `1.0.0.rc1`, PEP 440's `2.0rc1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Numeric {
    parts: Vec<u64>,
    /// Prerelease identifiers (`beta`, `1`); empty for a release.
    pre: Vec<String>,
}

impl Numeric {
    fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

/// Parses `text`; `None` unless it starts (after an optional `v`) with a
/// number.
pub(super) fn parse(text: &str) -> Option<Numeric> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let text = text.split('+').next().unwrap_or(text);
    let (release, mut pre) = match text.split_once('-') {
        Some((release, pre)) => (release, identifiers(pre)),
        None => (text, Vec::new()),
    };
    let mut parts = Vec::new();
    let mut segments = release.split('.');
    while let Some(segment) = segments.next() {
        let digits = segment.len()
            - segment
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        let (number, rest) = segment.split_at(digits);
        if !number.is_empty() {
            parts.push(number.parse::<u64>().ok()?);
        }
        if rest.is_empty() && !number.is_empty() {
            continue;
        }
        // Letters start a prerelease: 1.0.0.rc1 (RubyGems), 2.0rc1 (PEP 440).
        if parts.is_empty() || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let mut tail: Vec<String> = vec![rest.to_owned()];
        tail.extend(segments.map(str::to_owned));
        tail.append(&mut pre);
        pre = tail;
        break;
    }
    (!parts.is_empty()).then_some(Numeric { parts, pre })
}

fn identifiers(pre: &str) -> Vec<String> {
    pre.split('.').map(str::to_owned).collect()
}

impl Ord for Numeric {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.parts.len().max(other.parts.len());
        for i in 0..len {
            let a = self.parts.get(i).copied().unwrap_or(0);
            let b = other.parts.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        match (self.is_prerelease(), other.is_prerelease()) {
            // A release sorts after its prereleases.
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => Ordering::Equal,
            // Semver's rule: identifier by identifier, numbers below words.
            (true, true) => {
                for (a, b) in self.pre.iter().zip(&other.pre) {
                    let order = match (a.parse::<u64>(), b.parse::<u64>()) {
                        (Ok(x), Ok(y)) => x.cmp(&y),
                        (Ok(_), Err(_)) => Ordering::Less,
                        (Err(_), Ok(_)) => Ordering::Greater,
                        (Err(_), Err(_)) => a.cmp(b),
                    };
                    if order != Ordering::Equal {
                        return order;
                    }
                }
                self.pre.len().cmp(&other.pre.len())
            }
        }
    }
}

impl PartialOrd for Numeric {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// True when `text` names one version rather than a range or tag:
/// digits first (after an optional `v`), at least `min_parts` numeric
/// parts, and nothing but letters, digits, `.`, `-`, `+`, `_`, `!` after
/// that (no `^ ~ < > = * , |` or spaces, no `x` wildcard part).
///
/// `min_parts` is 3 for npm and crates.io, where `1.2` is a range, and 1
/// elsewhere.
pub(super) fn looks_exact(text: &str, min_parts: usize) -> bool {
    let body = text.strip_prefix('v').unwrap_or(text);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_' | '!'))
    {
        return false;
    }
    let release = body.split(['-', '+']).next().unwrap_or(body);
    if release
        .split('.')
        .any(|p| p.eq_ignore_ascii_case("x") || p.is_empty())
    {
        return false;
    }
    parse(text).is_some_and(|v| v.parts.len() >= min_parts || v.is_prerelease())
}

/// The newest of `versions`: the highest release if there is one, else
/// the highest prerelease, else (nothing parses) `None`.
pub(super) fn newest<'a>(versions: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best_release: Option<(Numeric, &str)> = None;
    let mut best_any: Option<(Numeric, &str)> = None;
    for text in versions {
        let Some(parsed) = parse(text) else { continue };
        if !parsed.is_prerelease() && best_release.as_ref().is_none_or(|(b, _)| parsed > *b) {
            best_release = Some((parsed.clone(), text));
        }
        if best_any.as_ref().is_none_or(|(b, _)| parsed > *b) {
            best_any = Some((parsed, text));
        }
    }
    best_release.or(best_any).map(|(_, text)| text)
}

/// The oldest (lowest) of `versions` that parses.
pub(super) fn oldest<'a>(versions: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    versions
        .into_iter()
        .filter_map(|text| Some((parse(text)?, text)))
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, text)| text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn exact_or_range() {
        let cases = [
            ("1.2.3", 3, true),
            ("v1.2.3", 3, true),
            ("1.2.3-beta.1", 3, true),
            ("1.2.3+build.5", 3, true),
            ("1.2", 3, false),
            ("1.2", 1, true),
            ("2.0rc1", 1, true),
            ("1.0.0.rc1", 1, true),
            ("^1.2.3", 3, false),
            ("~1.2.3", 3, false),
            (">=1.2.3", 3, false),
            ("1.x", 1, false),
            ("1.2.*", 1, false),
            ("1.2.3 || 2", 3, false),
            ("latest", 1, false),
            ("next", 3, false),
            ("", 1, false),
            ("v", 1, false),
        ];
        for (text, min, want) in cases {
            assert_eq!(looks_exact(text, min), want, "{text} min {min}");
        }
    }

    #[test]
    fn newest_prefers_releases() {
        assert_eq!(newest(["1.0.0", "1.10.0", "1.9.0"]), Some("1.10.0"));
        assert_eq!(newest(["1.0.0", "2.0.0-rc.1"]), Some("1.0.0"));
        assert_eq!(newest(["2.0.0-rc.1", "2.0.0-rc.2"]), Some("2.0.0-rc.2"));
        assert_eq!(newest(["2.0.0", "2.0.0-rc.2"]), Some("2.0.0"));
        assert_eq!(newest(["7.1.0", "7.1.0.rc1", "7.0.8.1"]), Some("7.1.0"));
        assert_eq!(newest(["garbage"]), None);
        assert_eq!(oldest(["v1.2.0", "v0.9.0", "v1.0.0"]), Some("v0.9.0"));
        assert_eq!(
            newest(["1.0.0-alpha.10", "1.0.0-alpha.9"]),
            Some("1.0.0-alpha.10")
        );
        assert_eq!(newest(["1.0.0-alpha", "1.0.0-beta"]), Some("1.0.0-beta"));
        assert_eq!(newest(["2.0rc1", "2.0b3"]), Some("2.0rc1"));
        assert_eq!(newest(["1.0", "1.0.1"]), Some("1.0.1"));
    }

    #[test]
    fn parses() {
        assert!(parse("1..2").is_none());
        assert!(parse("rc1").is_none());
        assert!(parse("1.2.3-").is_some_and(|v| v.is_prerelease()));
        assert_eq!(
            parse("7.1.0.rc1").map(|v| v.pre),
            Some(vec!["rc1".to_owned()])
        );
        assert_eq!(parse("18446744073709551616"), None);
    }
}
